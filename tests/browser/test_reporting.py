"""The national indicators in French and Arabic, on a desktop and a 360 px phone, as the analyst and as a partner.

Screenshots go to artifacts/screenshots/ for a person to look at; the test checks what a machine can: the
direction, no sideways scroll on the phone, a drill-down from the table, the chart's bars drawn from the
reading side, and hidden cells for the partner.
"""

import pytest
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.bidi import LEFT_TO_RIGHT
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language, direction", [("fr", "ltr"), ("ar", "rtl")])
def test_national_indicators_on_desktop_and_phone(language, direction, page, phone_page, forsa_server, sign_in,
                                                  choose_language, screenshots):
    try:
        for device, tab in (("desktop", page), ("360", phone_page)):
            sign_in(tab, forsa_server.demo.national_analyst, language=language)
            tab.goto("/reporting/national/")
            expect(tab.locator("html")).to_have_attribute("dir", direction)
            expect(tab.locator(".kpi")).to_have_count(21)
            expect(tab.locator("table.sublevel tbody tr")).to_have_count(12)  # one row per region
            expect(tab.locator("#chart-enrolled-title")).to_be_visible()
            year = tab.locator(".page-head h1 bdi.school-year")  # 2026-2027 reads left to right, in Arabic too
            expect(year).to_have_attribute("dir", "ltr")
            assert year.evaluate(LEFT_TO_RIGHT), year.text_content()
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"]
            # the shortest bar (ranked last) starts on the reading side: the left in French, the right in Arabic
            box = tab.locator("#chart-enrolled-title ~ svg rect[fill='#0072B2']").last.bounding_box()
            svg = tab.locator("#chart-enrolled-title ~ svg").bounding_box()
            start, end = box["x"] - svg["x"], svg["x"] + svg["width"] - box["x"] - box["width"]
            assert (end if direction == "rtl" else start) < 2 < (start if direction == "rtl" else end), (box, svg)
            tab.screenshot(path=screenshots / f"reporting-national-{language}-{device}.png", full_page=True)
        page.locator("table.sublevel tbody th a").first.click()
        expect(page.locator("table.sublevel caption")).to_have_count(1)
        assert "/reporting/regions/" in page.url
        page.locator("table.sublevel tbody th a").first.click()
        assert "/reporting/provinces/" in page.url
    finally:  # the language is saved on the user: leave the analyst in French
        if page.locator("html").get_attribute("lang") not in (None, "fr"):
            choose_language(page, "fr")


def test_partner_sees_hidden_cells(page, forsa_server, sign_in, screenshots):
    sign_in(page, demo_email(Role.PARTNER_VIEWER))
    page.goto("/reporting/regions/09/")
    expect(page.locator(".alert.info")).to_be_visible()
    assert page.locator("table.sublevel .suppressed").count() >= 1
    page.screenshot(path=screenshots / "reporting-partner-region-09-fr-desktop.png", full_page=True)
