"""The main pages in French and Arabic, on a desktop and on a 360 px phone.

Screenshots go to artifacts/screenshots/ (git-ignored) for a person to look at;
the tests check what a machine can: the direction of the page, and that a
phone never has to scroll the page sideways (wide tables scroll in their box).
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360

# Pages checked on the phone, as the national administrator.
PHONE_PAGES = (
    "/",
    "/territory/",
    "/territory/06/",
    "/associations/",
    "/centres/",
    "/centres/new/",
    "/accounts/profile/",
)
# Known layout bugs, page -> cause. The test fails as soon as one is fixed, so
# that the entry is removed and the page is guarded again.


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def shoot(page, screenshots, name):
    path = screenshots / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 0


@pytest.mark.parametrize("language, direction", [("fr", "ltr"), ("ar", "rtl")])
def test_home_page_on_desktop_and_phone(
    language, direction, page, phone_page, forsa_server, sign_in, choose_language, screenshots
):
    try:
        for device, tab in (("desktop", page), ("360", phone_page)):
            sign_in(tab, forsa_server.demo.national_analyst, language=language)
            expect(tab.locator("html")).to_have_attribute("dir", direction)
            expect(tab.locator("main .kpi")).to_have_count(6)  # the nation's key figures (reporting.today)
            shoot(tab, screenshots, f"home-{language}-{device}")
    finally:  # the language is saved on the user: leave the analyst in French
        if page.locator("html").get_attribute("lang") not in (None, "fr"):
            choose_language(page, "fr")


def test_centre_pages_in_arabic_on_a_phone(phone_page, forsa_server, sign_in, choose_language, screenshots):
    page = phone_page
    sign_in(page, forsa_server.demo.casablanca_manager, language="ar")
    try:
        page.goto("/centres/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("main h1")).to_have_text("المراكز")
        expect(page.locator("#results tbody tr").first).to_be_visible()
        shoot(page, screenshots, "centres-ar-360")

        page.locator("#results tbody a").first.click()
        expect(page.locator("main h1 code")).to_be_visible()
        shoot(page, screenshots, "centre-detail-ar-360")

        page.goto("/centres/new/")
        page.select_option("#id_province", index=1)
        expect(page.locator("#id_commune option").nth(1)).to_be_attached()
        page.locator("main form.card button[type=submit]").click()  # empty: errors on show
        expect(page.locator("#id_code_error")).to_be_visible()
        shoot(page, screenshots, "centre-form-ar-360")
    finally:
        choose_language(page, "fr")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_no_page_scrolls_sideways_on_a_phone(language, phone_page, forsa_server, sign_in, choose_language):
    page = phone_page
    sign_in(page, forsa_server.demo.national_admin, language=language)
    try:
        widths = {}
        for path in PHONE_PAGES:
            page.goto(path)
            expect(page.locator("main h1")).to_be_visible()
            widths[path] = page_width(page)
    finally:
        if language != "fr":
            choose_language(page, "fr")
    too_wide = {path: width for path, width in widths.items() if width > PHONE_WIDTH + 1}
    assert too_wide == {}, f"pages wider than {PHONE_WIDTH} px: {too_wide}"
