"""Taking a roll call on a 360 px phone, in Arabic, one tap per learner."""

import re

import pytest
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email
from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
TOUCH_TARGET = 44  # px


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_take_a_roll_on_a_phone_in_arabic(phone_page, forsa_server, sign_in, choose_language, screenshots):
    page = phone_page
    sign_in(page, demo_email(Role.EDUCATOR))
    choose_language(page, "ar")
    try:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        open_menu(page)
        page.locator(".mainnav a[href='/attendance/']").click()
        expect(page).to_have_url(f"{forsa_server.url}/attendance/")
        first_group = page.locator("main .group-card").first
        with page.expect_navigation():
            first_group.locator("a.roll-button").click()
        expect(page).to_have_url(re.compile(r"/attendance/groups/\d+/roll/$"))

        rows = page.locator("main ol.roll-list > li.roll-row")
        assert rows.count() >= 3, "the demo group has learners"
        absent, late, present = rows.nth(0), rows.nth(1), rows.nth(2)
        expect(absent.locator("input[value=present]")).to_be_checked()  # presence is the default
        absent.locator("label.absent").tap()  # one tap each
        late.locator("label.late").tap()
        expect(absent.locator("input[value=absent]")).to_be_checked()
        expect(late.locator("input[value=late]")).to_be_checked()
        expect(present.locator("input[value=present]")).to_be_checked()
        # Justification shows for absences and lateness only.
        expect(absent.locator(".excuse")).to_be_visible()
        expect(present.locator(".excuse")).to_be_hidden()
        absent.locator("input[type=checkbox]").tap()
        absent.locator("input[type=text]").fill("مريضة")

        for label in absent.locator(".segmented label").all():
            box = label.bounding_box()
            assert box["height"] >= TOUCH_TARGET and box["width"] >= TOUCH_TARGET, box
        # The choices read right to left: "present" is the rightmost segment in Arabic.
        boxes = [label.bounding_box() for label in absent.locator(".segmented label").all()]
        assert boxes[0]["x"] > boxes[1]["x"] > boxes[2]["x"], boxes
        assert page_width(page) <= PHONE_WIDTH, "the roll call scrolls sideways on a phone"
        path = screenshots / "roll-call-ar-360.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0

        with page.expect_navigation():
            page.locator("main .roll-submit button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/attendance/groups/\d+/$"))
        expect(page.locator("main .messages .message.success")).to_be_visible()
        expect(page.locator("main table").last).to_contain_text("/")  # the roll just taken, present/expected
        assert page_width(page) <= PHONE_WIDTH, "the group page scrolls sideways on a phone"
        page.screenshot(path=screenshots / "roll-call-saved-ar-360.png", full_page=True)
    finally:
        choose_language(page, "fr")


def test_centre_and_overview_pages_fit_a_phone(phone_page, forsa_server, sign_in, screenshots):
    page = phone_page
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    page.goto("/attendance/")
    with page.expect_navigation():
        page.locator("main .group-card .help a").first.click()
    expect(page).to_have_url(re.compile(r"/attendance/centers/\d+/$"))
    expect(page.locator("#flagged-title")).to_be_visible()
    assert page_width(page) <= PHONE_WIDTH, "the centre's attendance scrolls sideways on a phone"
    page.screenshot(path=screenshots / "attendance-centre-fr-360.png", full_page=True)
    page.goto("/attendance/overview/")
    expect(page.locator("main h1")).to_be_visible()
    assert page_width(page) <= PHONE_WIDTH, "the overview scrolls sideways on a phone"
    page.screenshot(path=screenshots / "attendance-overview-fr-360.png", full_page=True)
    # A learner's file shows the month of attendance as a calendar (the roll of the test above, if it ran).
    page.goto("/attendance/")
    with page.expect_navigation():
        page.locator("main .group-card h2 a").first.click()
    with page.expect_navigation():
        page.locator("main table.learners tbody a").first.click()
    expect(page.locator("#attendance-title")).to_be_visible()
    expect(page.locator("table.calendar thead th")).to_have_count(7)
    assert page_width(page) <= PHONE_WIDTH, "the learner's attendance scrolls sideways on a phone"
    page.locator("section.attendance-month").screenshot(path=screenshots / "learner-attendance-fr-360.png")
