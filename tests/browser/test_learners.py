"""A learner's intake through the UI in Arabic, on a 360 px phone, step by step, then finding them by an Arabic
name; the steps' checks and a server error reopening its step, in French."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
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
    # caret="initial": Playwright's caret hiding leaves style="" on the inputs, which htmx copies onto the
    # inputs it swaps in (attributesToSettle), and the strict CSP then reports an inline style.
    page.screenshot(path=path, full_page=True, caret="initial")
    assert path.stat().st_size > 0


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def step(page, number):
    """The intake's step ``number`` (from 1), the only one shown."""
    steps = page.locator("main form .step")
    expect(steps.nth(number - 1)).to_be_visible()
    expect(steps.locator("visible=true")).to_have_count(1)
    expect(page.locator("main .step-list li").nth(number - 1)).to_have_attribute("aria-current", "step")
    return steps.nth(number - 1)


def no_accessibility_violation(page, where):
    results = Axe().run(page)
    assert results.violations_count == 0, f"{where}\n{results.generate_report()}"


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

        # Four steps, one at a time; Next goes on only when the step's required fields are filled.
        identity = step(page, 1)
        no_accessibility_violation(page, "intake, step 1, ar")
        identity.locator("[data-step-next]").click()
        step(page, 1)
        expect(identity.locator(".error")).to_have_count(2)  # sex and birth date
        expect(identity.locator(".error").first).to_have_text("هذا الحقل إلزامي.")
        expect(page.locator("#id_sex_0")).to_be_focused()
        shoot(page, screenshots, "learner-intake-step-1-checked-ar-360")
        page.fill("#id_first_name_ar", FIRST_NAME_AR)
        page.fill("#id_last_name_ar", LAST_NAME_AR)
        expect(page.locator("#id_first_name_ar")).to_have_attribute("dir", "rtl")
        page.check("#id_sex_0")  # girl
        page.fill("#id_birth_date", "2012-03-21")
        expect(identity.locator(".error")).to_have_count(0)  # a field put right loses its message
        identity.locator("[data-step-next]").click()

        schooling = step(page, 2)
        page.select_option("#id_last_level", "P5")
        page.fill("#id_year_left", "2023")
        page.check('#id_reasons_left input[value="economic"]')
        page.select_option("#id_referral", "outreach")
        page.locator("#id_year_left").press("Enter")  # Enter in a field goes to the next step, saves nothing

        step(page, 3)
        page.fill("#id_guardian", GUARDIAN)
        page.select_option("#id_guardian_relation", "mother")
        page.fill("#id_guardian_phone", "0612345678")
        page.check("#id_data_consent")
        page.check("#id_photo_consent")
        page.locator("main .step").nth(2).locator("[data-step-back]").click()
        expect(schooling.locator("#id_year_left")).to_have_value("2023")  # back and forth loses nothing
        schooling.locator("[data-step-next]").click()
        step(page, 3).locator("[data-step-next]").click()

        # Enrolment, last: the director's one centre, the current school year come preselected.
        step(page, 4)
        expect(page.locator("main form button[type=submit]")).to_be_visible()
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
        no_accessibility_violation(page, "intake, step 4, ar")
        assert page_width(page) <= PHONE_WIDTH, "the intake form scrolls sideways on a phone"
        shoot(page, screenshots, "learner-intake-ar-360")
        submit(page)

        # A demo learner may look alike: then the matches are listed and the user confirms.
        if page.locator("#id_confirmed_new_person").count():
            expect(page.locator("main .matches")).to_be_visible()
            shoot(page, screenshots, "learner-intake-matches-ar-360")
            step(page, 4)  # the form failed without a field's error: its last step opens, with the button
            page.check("#id_confirmed_new_person")
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
        # Leaving the search box (as a tap on a result does) asks nothing more: the list is not replaced
        # under the user's finger.
        page.wait_for_load_state("networkidle")
        asked = []
        page.on("request", lambda request: asked.append(request.url))
        page.locator("#id_q").blur()
        page.wait_for_timeout(600)
        assert asked == [], asked
        found.click()
        expect(page).to_have_url(f"{forsa_server.url}{address}")
    finally:  # the language is saved on the user: leave the director in French
        choose_language(page, "fr")


def test_an_error_found_on_sending_opens_its_step_with_every_value_kept(page, forsa_server, sign_in):
    """The server checks the whole form once, on the last step: its error reopens the step that holds it."""
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    page.goto("/learners/new/")
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_last_name", "Berrada")
    page.check("#id_sex_0")
    page.fill("#id_birth_date", "2011-05-02")
    step(page, 1).locator("[data-step-next]").click()
    page.select_option("#id_last_level", "S1")
    page.select_option("#id_referral", "family")
    step(page, 2).locator("[data-step-next]").click()
    page.select_option("#id_guardian_relation", "father")  # but no guardian's name
    no_accessibility_violation(page, "intake, step 3, fr")
    step(page, 3).locator("[data-step-next]").click()
    step(page, 4)
    submit(page)

    expect(page).to_have_url(f"{forsa_server.url}/learners/new/")  # nothing was saved
    guardian = step(page, 3)
    expect(guardian.locator("#id_guardian_error")).to_have_text("Indiquez le nom complet du tuteur ou de la tutrice.")
    expect(page.locator("#id_guardian_relation")).to_have_value("father")
    step(page, 3).locator("[data-step-back]").click()
    step(page, 2).locator("[data-step-back]").click()
    expect(step(page, 1).locator("#id_last_name")).to_have_value("Berrada")
    no_accessibility_violation(page, "intake, server error, fr")
