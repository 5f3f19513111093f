"""A learner's intake through the UI in Arabic, on a 360 px phone, then finding them by an Arabic name."""

import re

import pytest
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
FIRST_NAME_AR, LAST_NAME_AR = "مريم", "الفاسي"
GUARDIAN = "خديجة الفاسي"


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def shoot(page, screenshots, name):
    path = screenshots / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 0


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()



def test_intake_in_arabic_then_find_by_arabic_name(phone_page, forsa_server, sign_in, choose_language,
                                                   screenshots):
    page = phone_page
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    choose_language(page, "ar")
    try:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.goto("/learners/")
        page.locator("main .page-head a.button:not(.secondary)").click()
        expect(page).to_have_url(f"{forsa_server.url}/learners/new/")

        # The director's one centre, the current school year and the centre's commune come preselected.
        expect(page.locator("#id_center option:checked")).not_to_have_text("---------")
        expect(page.locator("#id_school_year")).to_have_value("2026-2027")
        expect(page.locator("#id_commune option:checked")).not_to_have_count(0)
        # The groups offered follow the school year (htmx swaps them in place).
        groups = page.locator("#groups-field")
        page.select_option("#id_school_year", "2025-2026")
        expect(groups).not_to_contain_text("2026-2027")
        page.select_option("#id_school_year", "2026-2027")
        expect(groups.locator("input[type=checkbox]").first).to_be_attached()
        expect(groups).to_contain_text("2026-2027")
        page.fill("#id_first_name_ar", FIRST_NAME_AR)
        page.fill("#id_last_name_ar", LAST_NAME_AR)
        expect(page.locator("#id_first_name_ar")).to_have_attribute("dir", "rtl")
        page.check("#id_sex_0")  # girl
        page.fill("#id_birth_date", "2012-03-21")
        page.fill("#id_guardian", GUARDIAN)
        page.select_option("#id_guardian_relation", "mother")
        page.fill("#id_guardian_phone", "0612345678")
        page.check("#id_data_consent")
        page.check("#id_photo_consent")
        page.select_option("#id_last_level", "P5")
        page.fill("#id_year_left", "2023")
        page.check('#id_reasons_left input[value="economic"]')
        page.select_option("#id_referral", "outreach")
        assert page_width(page) <= PHONE_WIDTH, "the intake form scrolls sideways on a phone"
        shoot(page, screenshots, "learner-intake-ar-360")
        submit(page)

        # A demo learner may look alike: then the matches are listed and the user confirms.
        if page.locator("#id_confirmed_new_person").count():
            expect(page.locator("main .matches")).to_be_visible()
            shoot(page, screenshots, "learner-intake-matches-ar-360")
            page.check("#id_confirmed_new_person")
            page.check("#id_data_consent")
            submit(page)

        expect(page.locator("main .error")).to_have_count(0)  # the form was accepted
        expect(page).to_have_url(re.compile(rf"^{re.escape(forsa_server.url)}/learners/\d+/$"))
        expect(page.locator("main h1")).to_contain_text(f"{FIRST_NAME_AR} {LAST_NAME_AR}")
        expect(page.locator("main .messages")).to_be_visible()
        file = page.locator("main .learner-file")
        expect(file).to_contain_text(GUARDIAN)
        expect(file.locator("#household-title")).to_be_visible()  # the director sees the household card
        address = page.url.removeprefix(forsa_server.url)
        assert page_width(page) <= PHONE_WIDTH, "the learner's file scrolls sideways on a phone"
        shoot(page, screenshots, "learner-file-ar-360")

        # Found again by an Arabic-name search, typed as a user would (htmx refreshes the results).
        page.goto("/learners/")
        page.locator("#id_q").press_sequentially(LAST_NAME_AR, delay=30)
        results = page.locator("#results tbody")
        found = results.locator(f'a[href="{address}"]')
        expect(found).to_contain_text(f"{FIRST_NAME_AR} {LAST_NAME_AR}")
        expect(page).to_have_url(re.compile(r"[?&]q="))  # the search is in the address, to share or go back
        assert page_width(page) <= PHONE_WIDTH, "the learner list scrolls sideways on a phone"
        shoot(page, screenshots, "learner-list-ar-360")
        found.click()
        expect(page).to_have_url(f"{forsa_server.url}{address}")
    finally:  # the language is saved on the user: leave the director in French
        choose_language(page, "fr")
