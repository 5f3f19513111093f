// The phone's menu, and tables wider than their box.
//
// A table wider than its box scrolls sideways: the box is then reachable by keyboard (tab to it, arrows
// scroll it) and named for screen readers after its section's heading; CSS draws the scroll cue.
(function () {
  function label(wrap) {
    var section = wrap.closest("section, .card, main");
    var heading = section && section.querySelector("h1, h2, h3");
    var caption = wrap.querySelector("caption");
    return (caption || heading || {}).textContent || document.title;
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      if (scrolls) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "group");  // not a landmark: its section is one already
        wrap.setAttribute("aria-label", label(wrap).trim().replace(/\s+/g, " "));
      } else if (wrap.getAttribute("role") === "group") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  // The phone's menu button (base.html): opens and closes the main menu.
  document.documentElement.classList.add("js");
  function menu() {
    var toggle = document.querySelector(".menu-toggle"), nav = document.getElementById("mainnav");
    if (!toggle || !nav) return;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("DOMContentLoaded", menu);
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
