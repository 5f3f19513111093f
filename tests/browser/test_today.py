"""The "today" page of each role in the demo, French and Arabic, on a 360 px phone and a desktop: what it
lists leads where it says, no page scrolls sideways, axe-core finds nothing, and the educator saves a roll
in two taps after signing in. Screenshots go to artifacts/screenshots/ (today-<role>-<language>-<device>)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser

TODAY = {"fr": "Aujourd'hui", "ar": "اليوم"}
# What each role's home must show, as a CSS selector of the main content.
SECTIONS = {
    Role.EDUCATOR: "#groups-title",
    Role.CENTER_DIRECTOR: ".today-items li.urgent a",
    Role.ASSOCIATION_MANAGER: "#conventions-title",
    Role.REGIONAL_MANAGER: ".kpi",
    Role.PARTNER_VIEWER: ".kpi",
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_each_roles_today_page_on_a_phone_and_a_desktop(page, phone_page, sign_in, screenshots, language):
    axe = Axe()
    for role, selector in SECTIONS.items():
        for device, tab in (("360", phone_page), ("desktop", page)):
            tab.context.clear_cookies()
            sign_in(tab, demo_email(role), language=language)
            expect(tab.locator("main h1")).to_have_text(TODAY[language])
            expect(tab.locator(f"main {selector}").first).to_be_visible()
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"], role
            tab.screenshot(path=screenshots / f"today-{role}-{language}-{device}.png", full_page=True)
            results = axe.run(tab)
            assert results.violations_count == 0, f"{role} {language} {device}\n{results.generate_report()}"
        if role == Role.PARTNER_VIEWER:  # aggregates only: no person, no counted list of persons
            expect(phone_page.locator("main .today-count")).to_have_count(0)
            expect(phone_page.locator("main a[href^='/learners/']")).to_have_count(0)


def test_every_item_of_the_directors_today_page_leads_to_a_page(page, sign_in):
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    # the pages, once each (two items may lead to two parts of one page)
    items = page.locator("main .today-items a").all()
    links = dict.fromkeys(link.get_attribute("href").split("#")[0] for link in items)
    assert len(links) >= 4, links
    for href in links:
        response = page.goto(href)
        assert response.status == 200, href
        expect(page.locator("main h1")).to_be_visible()


def test_the_educator_saves_a_roll_in_two_taps_after_signing_in(phone_page, sign_in):
    page = phone_page
    sign_in(page, demo_email(Role.EDUCATOR))
    taps = 0
    take = page.locator("main .today-groups a.roll-button").first
    with page.expect_navigation():
        take.click()
        taps += 1
    save = page.locator("main .roll-submit button[type=submit]")
    expect(save).to_be_visible()
    with page.expect_navigation():
        save.click()
        taps += 1
    expect(page).to_have_url(re.compile(r"/attendance/groups/\d+/$"))
    expect(page.locator("main .messages .message.success")).to_be_visible()  # saved (or, taken before, corrected)
    assert taps <= 3  # the bound; two are needed


def test_a_table_that_scrolls_sideways_on_a_phone_is_reached_by_keyboard_and_named(phone_page, sign_in):
    """axe's scrollable-region-focusable on the centre's attendance page (reached from the director's today
    page): a table wider than the phone sits in a box one tabs to, named by its section."""
    page = phone_page
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    centre = page.locator("main .today-items a[href*='/attendance/centers/']").first.get_attribute("href")
    for url in (centre.split("#")[0],):
        page.goto(url)
        wraps = page.locator("main .table-wrap.scrolls")
        expect(wraps.first).to_be_attached()
        for wrap in wraps.all():
            assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "group"
            assert wrap.get_attribute("aria-label").strip(), url
        wraps.first.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        # the arrow keys scroll the focused box (scrolling may be smooth: wait for it)
        page.wait_for_function("() => document.activeElement.classList.contains('table-wrap')"
                               " && document.activeElement.scrollLeft > 0", timeout=3000)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{url}\n{results.generate_report()}"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_menu_reaches_every_item_on_a_phone_and_a_desktop(page, phone_page, sign_in, language):
    for role in (Role.EDUCATOR, Role.NATIONAL_ADMIN):
        for tab in (phone_page, page):
            tab.context.clear_cookies()
            sign_in(tab, demo_email(role), language=language)
            items = tab.locator("nav.mainnav a")
            count = items.count()
            assert count >= 8, (role, count)
            toggle = tab.locator(".menu-toggle")
            if tab is phone_page:  # folded behind its button, one tap opens it, the items one under the other
                expect(items.first).to_be_hidden()
                assert tab.locator("header.topbar").bounding_box()["height"] <= 130, "a compact header"
                toggle.click()
                expect(toggle).to_have_attribute("aria-expanded", "true")
                boxes = [items.nth(i).bounding_box() for i in range(count)]
                assert all(box["height"] >= 44 for box in boxes), "44 px targets"
                assert all(later["y"] > earlier["y"] for earlier, later in zip(boxes, boxes[1:], strict=False))
            else:
                expect(toggle).to_be_hidden()
            for i in range(count):
                expect(items.nth(i)).to_be_visible()
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"]
