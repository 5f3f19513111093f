// The phone's menu, tables wider than their box, forms in steps and filter forms' search boxes.
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
  // A form in steps (form[data-steps], the intake): one step at a time, and Next goes on only when the
  // step's required fields are filled (messages from the form's data-required / data-invalid, in the page's
  // language). The server still checks everything when the last step is sent; the step holding its first
  // error opens (data-errors), else the last one when the form has errors (a possible duplicate).
  function say(field, message) {
    var box = field.closest(".field") || field.parentNode, id = field.id + "_check";
    var old = document.getElementById(id);
    if (old) old.remove();
    field.removeAttribute("aria-invalid");
    if (!message) return;
    var p = document.createElement("p");
    p.className = "error";
    p.id = id;
    p.textContent = message;
    box.appendChild(p);
    field.setAttribute("aria-invalid", "true");
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(id) < 0) field.setAttribute("aria-describedby", described.concat(id).join(" "));
  }
  function checked(form, step) {
    var first = null, seen = {};
    step.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.willValidate || seen[field.name]) return;
      seen[field.name] = true;  // a radio group is checked once, on its first button
      var v = field.validity, message = "";
      if (v.valueMissing) message = form.dataset.required;
      else if (!v.valid) message = form.dataset.invalid;
      say(field, message);
      if (message && !first) first = field;
    });
    if (first) first.focus();
    return !first;
  }
  function steps() {
    var form = document.querySelector("form[data-steps]");
    if (!form) return;
    var all = Array.prototype.slice.call(form.querySelectorAll(".step"));
    var items = form.querySelectorAll(".step-list li");
    var current = 0;
    function show(n, focus) {
      current = n;
      all.forEach(function (step, i) { step.hidden = i !== n; });
      items.forEach(function (item, i) {
        item.classList.toggle("done", i < n);
        if (i === n) item.setAttribute("aria-current", "step"); else item.removeAttribute("aria-current");
      });
      form.classList.toggle("last-step", n === all.length - 1);
      if (focus) { all[n].focus(); all[n].scrollIntoView({block: "start"}); }
    }
    form.classList.add("in-steps");
    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-step-next]") && checked(form, all[current])) show(current + 1, true);
      if (event.target.closest("[data-step-back]")) show(current - 1, true);
    });
    form.addEventListener("change", function (event) {  // a field put right loses its message
      var first = form.querySelector('[name="' + event.target.name + '"]');
      if (first && first.getAttribute("aria-invalid") === "true" && first.validity.valid) say(first, "");
    });
    form.addEventListener("submit", function (event) {  // Enter in a field of an earlier step: go on
      if (current < all.length - 1) {
        event.preventDefault();
        if (checked(form, all[current])) show(current + 1, true);
      }
    });
    var wrong = all.findIndex(function (step) { return step.hasAttribute("data-errors"); });
    var failed = document.querySelector(".alert.error");
    show(wrong >= 0 ? wrong : failed ? all.length - 1 : 0, false);
  }
  // A filter form (filters.html) refreshes its results as its search box is typed in; the box's change
  // event when it loses focus (the tap on a result) must not refresh them again under the user's finger.
  function search() {
    document.querySelectorAll("form.filters input[name=q]").forEach(function (box) {
      box.addEventListener("change", function (event) { event.stopPropagation(); });
    });
  }
  document.addEventListener("DOMContentLoaded", search);
  document.addEventListener("DOMContentLoaded", steps);
  document.addEventListener("DOMContentLoaded", menu);
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
