"""The early warning in the demo: the counsellor, in Arabic on a 360 px phone, follows an alert to its end.

The demo seeds a school year of roll calls and scores every learner on its reference date, so the demo
centre's counsellor has alerts handed to them. Screenshots of the worklist and a learner's risk page,
French on a desktop and Arabic on a phone, go to artifacts/screenshots/.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email
from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
ARABIC = re.compile(r"[\u0600-\u06ff]")


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_counsellor_follows_an_alert_on_a_phone_in_arabic(phone_page, forsa_server, sign_in, choose_language,
                                                              screenshots):
    page = phone_page
    sign_in(page, demo_email(Role.COUNSELLOR))
    choose_language(page, "ar")
    try:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        with page.expect_navigation():
            open_menu(page)
            page.locator(".mainnav a[href='/early-warning/']").click()
        # The risk list: the learners of the centre at risk, with their reasons in words.
        rows = page.locator("main table.risk-list tbody tr")
        expect(rows.first.locator(".badge")).to_be_visible()
        assert rows.count() >= 3, "the demo centre has a few learners at risk"
        assert page.locator("main table.risk-list .badge.risk-high").count() >= 1
        assert ARABIC.search(rows.first.locator("ul.reasons").inner_text()), "reasons are in Arabic"
        assert page_width(page) <= PHONE_WIDTH, "the risk list scrolls sideways on a phone"
        page.screenshot(path=screenshots / "early-warning-list-ar-360.png", full_page=True)

        # An alert handed to the counsellor: the learner's reasons.
        mine = page.locator("main section[aria-labelledby=mine-title] li a")
        expect(mine.first).to_be_visible()
        with page.expect_navigation():
            mine.first.click()
        expect(page).to_have_url(re.compile(r"/early-warning/learners/\d+/$"))
        reasons = page.locator("main ul.reasons li")
        expect(reasons.first).to_be_visible()
        assert ARABIC.search(reasons.first.inner_text()), reasons.first.inner_text()
        assert page.locator("main .badge.risk-high, main .badge.risk-watch").count() >= 1
        open_alert = page.locator("main section.alert-card", has=page.locator("form[action*='/close/']"))
        expect(open_alert).to_have_count(1)
        assert page_width(page) <= PHONE_WIDTH, "the learner's risk page scrolls sideways on a phone"
        page.screenshot(path=screenshots / "early-warning-learner-ar-360.png", full_page=True)

        # A home visit, recorded.
        record = page.locator("main form[action*='/interventions/']")
        record.locator("select[name=kind]").select_option("home_visit")
        record.locator("input[name=outcome]").fill("الأم ستتابع الحضور يوميا")
        record.locator("input[name=next_step]").fill("مكالمة بعد أسبوع")
        with page.expect_navigation():
            record.locator("button[type=submit]").click()
        expect(page.locator("main .messages .message.success")).to_be_visible()
        done = page.locator("main ul.interventions li").first
        expect(done).to_contain_text("زيارة منزلية")
        expect(done).to_contain_text("الأم ستتابع الحضور يوميا")

        # The alert, closed with a reason.
        close = page.locator("main form[action*='/close/']")
        close.locator("select[name=reason]").select_option("resolved")
        with page.expect_navigation():
            close.locator("button[type=submit]").click()
        expect(page.locator("main .messages .message.success")).to_be_visible()
        expect(page.locator("main form[action*='/close/']")).to_have_count(0)
        expect(page.locator("main section.alert-card .badge.closed").first).to_be_visible()
        assert page_width(page) <= PHONE_WIDTH, "the learner's risk page scrolls sideways after closing"
        page.screenshot(path=screenshots / "early-warning-closed-ar-360.png", full_page=True)
    finally:
        choose_language(page, "fr")


def test_the_director_reads_the_worklist_and_a_risk_page_on_a_desktop(page, sign_in, screenshots):
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    page.goto("/early-warning/")
    rows = page.locator("main table.risk-list tbody tr")
    expect(rows.first.locator(".badge")).to_be_visible()
    assert page.locator("main table.risk-list .badge.risk-high").count() >= 1
    assert page.locator("main table.risk-list .badge.risk-watch").count() >= 1
    expect(page.locator("main table.risk-list")).to_contain_text("assiduité")  # reasons in words, in French
    page.screenshot(path=screenshots / "early-warning-list-fr-desktop.png", full_page=True)
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    expect(page.locator("main ul.reasons li").first).to_be_visible()
    expect(page.locator("#history-title")).to_be_visible()
    assert page.locator("main table tbody tr").count() >= 2, "scored a week ago and today"
    page.screenshot(path=screenshots / "early-warning-learner-fr-desktop.png", full_page=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_early_warning_pages_pass_axe(page, sign_in, language):
    """axe-core's rules (bundled by axe-playwright-python) on every early-warning page, for the director
    (worklist, a learner's risk, effect, model card) and the national admin (national worklist, thresholds)."""
    axe = Axe()
    for role, urls in ((Role.CENTER_DIRECTOR, ["/early-warning/", "learner", "/early-warning/effect/",
                                               "/early-warning/model/"]),
                       (Role.NATIONAL_ADMIN, ["/early-warning/", "/early-warning/thresholds/"])):
        page.context.clear_cookies()
        sign_in(page, demo_email(role), language=language)
        for url in urls:
            if url == "learner":
                url = page.locator("main table.risk-list tbody tr a").first.get_attribute("href")
            page.goto(url)
            expect(page.locator("main h1")).to_be_visible()
            results = axe.run(page)
            assert results.violations_count == 0, f"{role} {language} {url}\n{results.generate_report()}"


def test_a_national_user_chooses_a_region_then_a_centre_on_a_phone(phone_page, sign_in, screenshots):
    """The national worklist's filter lists no centre until a region is chosen (not the whole network's
    centres), then that region's centres; usable on a 360 px phone and without axe violations."""
    page = phone_page
    sign_in(page, demo_email(Role.NATIONAL_ADMIN))
    page.goto("/early-warning/")
    form = page.locator("main form.filters")
    region_select, center_select = form.locator("select[name=region]"), form.locator("select[name=center]")
    expect(center_select.locator("option")).to_have_count(1)  # "all", and a hint to choose a region
    expect(page.locator("#id_center_helptext")).to_be_visible()
    region = region_select.locator("option").nth(1).get_attribute("value")
    region_select.select_option(region)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert center_select.locator("option").count() > 1, "the chosen region's centres are listed"
    centre = center_select.locator("option").nth(1).get_attribute("value")
    center_select.select_option(centre)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(region_select).to_have_value(region)
    expect(center_select).to_have_value(centre)
    assert page_width(page) <= PHONE_WIDTH, "the filtered worklist scrolls sideways on a phone"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=screenshots / "early-warning-region-filter-360.png", full_page=True)
