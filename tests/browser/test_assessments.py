"""Entering a diagnostic for a group, in French, as the demo educator; the grid on a 360 px phone
scrolls inside its frame, not the page; screenshots in French and Arabic."""

import re

import pytest
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email
from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_enter_a_diagnostic_in_french(page, new_context, forsa_server, sign_in, choose_language, screenshots):
    sign_in(page, demo_email(Role.EDUCATOR))
    open_menu(page)
    page.locator(".mainnav a[href='/assessments/']").click()
    expect(page).to_have_url(f"{forsa_server.url}/assessments/")
    with page.expect_navigation():
        page.locator("main .group-card h2 a", has_text="Remise à niveau").first.click()  # a catch-up class
    expect(page).to_have_url(re.compile(r"/assessments/groups/\d+/$"))
    group_url = page.url

    form = page.locator("main form.stack")
    form.locator("select[name=kind]").select_option("diagnostic")
    form.locator("input[name=date]").fill("2026-11-20")
    for pole in ("AR", "FR", "LIFE"):  # mathematics only: a short grid
        form.locator(f"input[name=poles][value={pole}]").uncheck()
    form.locator("input[name=poles][value=MATH]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+/$"))
    grid_url = page.url
    expect(page.locator("main .messages .message.success")).to_be_visible()

    rows = page.locator("main table.grid tbody tr")
    assert rows.count() >= 3, "the demo group has learners"
    first, second, third = (rows.nth(i).locator("select").first for i in range(3))
    first.select_option("3")
    second.select_option("absent")  # absent at the assessment, not level 1
    third.select_option("1")
    rows.nth(0).locator("select").nth(1).select_option("4")
    page.screenshot(path=screenshots / "assessment-grid-fr-desktop.png", full_page=True)
    with page.expect_navigation():
        page.locator("main .roll-submit button[type=submit]").click()
    expect(page).to_have_url(grid_url)
    expect(page.locator("main .messages .message.success")).to_be_visible()
    expect(first).to_have_value("3")
    expect(second).to_have_value("absent")
    expect(third).to_have_value("1")
    expect(rows.nth(0).locator("select").nth(1)).to_have_value("4")

    # The group's list shows the diagnostic with its 4 results; the heat-map colours them.
    page.goto(group_url)
    saved = page.locator("main table").first.locator("tbody tr", has_text=re.compile(r"20 nov\.? 2026", re.I))
    expect(saved.locator("td").nth(2)).to_have_text("4")
    page.goto(group_url + "heatmap/?assessment=" + grid_url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("main table.heat td.heat-absent").first).to_be_visible()
    page.screenshot(path=screenshots / "assessment-heatmap-fr-desktop.png", full_page=True)

    # On a 360 px phone, in French and in Arabic, the grid scrolls inside its frame.
    phone = new_context(viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, demo_email(Role.EDUCATOR))
    try:
        for language in ("fr", "ar"):
            if language == "ar":
                choose_language(phone, "ar")
            phone.goto(grid_url)
            expect(phone.locator("main table.grid")).to_be_visible()
            assert page_width(phone) <= PHONE_WIDTH, f"the grid scrolls the page sideways ({language})"
            phone.screenshot(path=screenshots / f"assessment-grid-{language}-360.png", full_page=True)
            phone.goto(group_url + "heatmap/")
            with phone.expect_navigation():
                phone.locator("main table.heat tbody th a").first.click()  # a learner's progress
            expect(phone.locator("main table.progress")).to_be_visible()
            assert page_width(phone) <= PHONE_WIDTH, f"the learner's progress scrolls sideways ({language})"
            phone.screenshot(path=screenshots / f"assessment-learner-{language}-360.png", full_page=True)
            phone.goto("/assessments/indicators/")
            assert page_width(phone) <= PHONE_WIDTH, f"the indicators scroll sideways ({language})"
            phone.screenshot(path=screenshots / f"assessment-indicators-{language}-360.png", full_page=True)
        expect(phone.locator("html")).to_have_attribute("dir", "rtl")
        page.goto(grid_url)
        choose_language(page, "ar")
        page.goto(grid_url)
        page.screenshot(path=screenshots / "assessment-grid-ar-desktop.png", full_page=True)
    finally:
        choose_language(phone, "fr")
