"""Need against coverage in French and Arabic, on a desktop and a 360 px phone, with axe-core's rules.

Screenshots go to artifacts/screenshots/ for a person to look at; the test checks what a machine can: the
direction, no sideways scroll of the page on the phone (wide tables scroll inside their frame), the
ranking and the method on the page, and a drill-down to a region's provinces and to a province.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.bidi import LEFT_TO_RIGHT

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language, direction", [("fr", "ltr"), ("ar", "rtl")])
def test_coverage_on_desktop_and_phone(language, direction, page, phone_page, forsa_server, sign_in,
                                       choose_language, screenshots):
    axe = Axe()
    try:
        for device, tab in (("desktop", page), ("360", phone_page)):
            sign_in(tab, forsa_server.demo.national_analyst, language=language)
            tab.goto("/reporting/national/")
            tab.locator(".page-head a[href^='/reporting/coverage/']").click()
            expect(tab.locator("html")).to_have_attribute("dir", direction)
            expect(tab.locator("table.coverage tbody tr")).to_have_count(12)  # one row per region
            expect(tab.locator("table.ranking tbody tr")).to_have_count(75)  # not the 8 within Casablanca
            expect(tab.locator("section.method li")).to_have_count(8)
            expect(tab.locator("#map-gap svg a")).to_have_count(12)  # the map of the gap: every region, a link
            expect(tab.locator("#map-gap .map-legend-label")).to_be_visible()
            # the school year reads left to right, in Arabic too: "2026" is drawn left of "2027"
            year = tab.locator("h1 bdi.school-year")
            expect(year).to_have_attribute("dir", "ltr")
            assert year.evaluate(LEFT_TO_RIGHT), year.text_content()
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"]
            tab.screenshot(path=screenshots / f"reporting-coverage-{language}-{device}.png", full_page=True)
            results = axe.run(tab)
            assert results.violations_count == 0, results.generate_report()
        page.locator("#map-gap svg a[data-code='06']").click()  # the map drills down like the dashboard's
        assert "/reporting/coverage/regions/06/" in page.url
        expect(page.locator("#map-gap svg path")).to_have_count(9)  # region 06's drawn provinces
        page.go_back()
        page.locator("table.coverage tbody th a").first.click()
        assert "/reporting/coverage/regions/" in page.url
        expect(page.locator("table.coverage tfoot")).to_have_count(1)
        page.screenshot(path=screenshots / f"reporting-coverage-region-{language}-desktop.png", full_page=True)
        assert axe.run(page).violations_count == 0
        # and on to a province, by the map: its figures and its open centres, no map of its own
        page.locator("#map-gap svg a").first.click()
        assert "/reporting/coverage/provinces/" in page.url
        expect(page.locator("#map-gap")).to_have_count(0)
        expect(page.locator("table.census tbody tr")).to_have_count(1)
        expect(page.locator("#centres-title")).to_be_visible()
        page.screenshot(path=screenshots / f"reporting-coverage-province-{language}-desktop.png", full_page=True)
        assert axe.run(page).violations_count == 0
    finally:  # the language is saved on the user: leave the analyst in French
        if page.locator("html").get_attribute("lang") not in (None, "fr"):
            choose_language(page, "fr")
