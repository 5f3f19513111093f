"""The maps of the dashboards in a browser: drill down by clicking the map, in Arabic; axe-core; screenshots.

The national analyst opens the national page in Arabic, clicks a region on the map (a real mouse click on
a point of the region's shape), lands on the region's page, clicks a province on its map, lands on the
province's page, asks for the province's annual report, waits for it and downloads it: the PDF's text
(pdftotext) holds the province page's key figures, each on its indicator's row. Screenshots of the maps
in French and Arabic, on a desktop and a 360 px phone, go to artifacts/screenshots/ for a person to look
at.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.reporting.pdftext import assert_key_figures, pdf_layout

pytestmark = pytest.mark.browser

# A point of the page where the topmost element is the link of the place ``code`` on the map (the centre of
# a shape's box may fall outside it, or on a neighbour), scrolled into view first.
POINT_OF_PLACE = """code => {
  const link = document.querySelector(`figure.map a[data-code="${code}"]`);
  link.scrollIntoView({block: "center"});
  const box = link.getBoundingClientRect();
  for (let step = 8; step >= 1; step /= 2) {
    for (let y = box.top + box.height / 2 - box.height / 2 + 1; y < box.bottom; y += box.height / (8 * step)) {
      for (let x = box.left + 1; x < box.right; x += box.width / (8 * step)) {
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.closest("a") === link) return {x, y};
      }
    }
  }
  return null;
}"""


def click_place(page, code):
    point = page.evaluate(POINT_OF_PLACE, code)
    assert point, f"no visible point of {code} on the map"
    with page.expect_navigation():
        page.mouse.click(point["x"], point["y"])


def first_coloured(page):
    """The code of the first place of the map that has a figure (not hatched)."""
    return page.locator("figure.map a:not(:has(path[fill^='url']))").first.get_attribute("data-code")


def test_drill_down_by_the_map_in_arabic_to_a_provinces_annual_report(page, forsa_server, sign_in, choose_language,
                                                                     pdftotext, tmp_path, screenshots):
    axe = Axe()
    try:
        sign_in(page, forsa_server.demo.national_analyst, language="ar")
        page.goto("/reporting/national/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("figure.map a[data-code]")).to_have_count(12)
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        # the legend reads from the right: each class's swatch is right of its values, the lower bound right of
        # the upper one
        entry = page.locator("ul.map-legend li").first
        swatch, low, high = (entry.locator(selector).bounding_box() for selector in
                             ("svg", "span[dir=ltr] >> nth=0", "span[dir=ltr] >> nth=1"))
        assert swatch["x"] > low["x"] > high["x"], (swatch, low, high)
        region = first_coloured(page)
        click_place(page, region)
        assert page.url.split("?")[0].endswith(f"/reporting/regions/{region}/"), page.url
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        shapes = page.locator("figure.map a[data-code]")
        assert shapes.count() >= 2
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        province = first_coloured(page)
        assert province.startswith(f"{region}.")
        click_place(page, province)
        assert page.url.split("?")[0].endswith(f"/reporting/provinces/{province}/"), page.url
        expect(page.locator("main h1")).to_be_visible()
        assert page.locator("figure.map").count() == 0  # a province's page has its centres' table, no map
        # the page's key figures as it prints them: (value, indicator name)
        figures = [(kpi.locator(".kpi-value").inner_text(), kpi.locator(".kpi-label").inner_text())
                   for kpi in page.locator(".kpi").all()]
        expect(page.locator("p.exports a[href*='/sublevel.xlsx']")).to_have_count(1)  # the tables' exports
        form = page.locator("#annual-report-form")
        expect(form.locator("select[name=language]")).to_have_value("ar")
        form.locator("button[type=submit]").click(timeout=180_000)
        # the demo's immediate task backend builds the report before the redirect; a worker would answer at once
        page.wait_for_url("**/reporting/reports/*/", timeout=180_000)
        link = page.locator("#report-download")
        expect(link).to_be_visible(timeout=120_000)  # the page polls until the task is done
        expect(page.locator("#report-status")).to_have_attribute("data-status", "done")
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        page.screenshot(path=screenshots / "reporting-annual-report-ar.png", full_page=True)
        with page.expect_download() as download_info:
            link.click()
        path = tmp_path / "report.pdf"
        download_info.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF-")
        assert_key_figures(figures, pdf_layout(pdftotext, path), "ar")
        page.goto("/reporting/reports/")  # listed in "my reports"
        expect(page.locator("#reports tbody tr")).not_to_have_count(0)
    finally:  # the language is saved on the user: leave the analyst in French
        if page.locator("html").get_attribute("lang") not in (None, "fr"):
            choose_language(page, "fr")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_maps_on_desktop_and_phone(language, page, phone_page, forsa_server, sign_in, choose_language, screenshots):
    try:
        for device, tab in (("desktop", page), ("360", phone_page)):
            sign_in(tab, forsa_server.demo.national_analyst, language=language)
            for name, url in (("national", "/reporting/national/"), ("region-06", "/reporting/regions/06/")):
                tab.goto(url)
                figure = tab.locator("figure.map")
                expect(figure).to_be_visible()
                box = figure.locator("svg.map-svg").bounding_box()
                assert box["width"] > 200 and box["height"] > 200, box
                assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"]
                figure.scroll_into_view_if_needed()
                figure.screenshot(path=screenshots / f"map-{name}-{language}-{device}.png")
                if name == "region-06":
                    expect(figure.locator(".map-not-drawn")).to_be_visible()  # Casablanca's 8 prefectures
            tab.screenshot(path=screenshots / f"map-page-region-06-{language}-{device}.png", full_page=True)
    finally:
        for tab in (page, phone_page):
            if tab.locator("html").get_attribute("lang") not in (None, "fr"):
                choose_language(tab, "fr")
