"""A centre director on a phone: enrols again a learner who left, reads the file's access log, and is offered
every open centre to transfer a learner to; in French and in Arabic."""

import re

import pytest
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def shoot(page, screenshots, name):
    assert page_width(page) <= PHONE_WIDTH, f"{name}: the page scrolls sideways on a phone"
    path = screenshots / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 0


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_enrol_again_then_read_the_access_log(phone_page, forsa_server, sign_in, choose_language, screenshots):
    page = phone_page
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    try:
        page.goto("/learners/?status=exited")
        page.locator("#results tbody a[href^='/learners/']").first.click()
        expect(page).to_have_url(re.compile(r"/learners/\d+/$"))
        file_address = page.url.removeprefix(forsa_server.url)
        enroll = page.locator(f"main .page-head a[href='{file_address}enroll/']")
        expect(enroll).to_have_text("Réinscrire")
        enroll.click()
        expect(page.locator("main h1")).to_have_text("Réinscrire")
        expect(page.locator("#id_center option:checked")).not_to_have_text("---------")  # the centre they left
        shoot(page, screenshots, "learner-enroll-fr-360")

        choose_language(page, "ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("main h1")).to_have_text("إعادة التسجيل")
        shoot(page, screenshots, "learner-enroll-ar-360")
        submit(page)
        if page.locator("#id_age_override_reason_error").count():  # older than the centre's range: say why
            page.fill("#id_age_override_reason", "عودة بعد انقطاع، آخر سنة استدراك")
            submit(page)
        expect(page.locator("main .error")).to_have_count(0)
        expect(page).to_have_url(f"{forsa_server.url}{file_address}")
        expect(page.locator("main .messages")).to_contain_text("تمت إعادة تسجيل المتعلم(ة).")
        # The new enrolment is active; the one that ended with the exit stays in the pathway.
        expect(page.locator("main section.enrollment").first.locator(".badge.active")).to_be_visible()
        expect(page.locator("main section.enrollment .badge.exited")).not_to_have_count(0)
        expect(page.locator(f"a[href='{file_address}enroll/']")).to_have_count(0)

        page.goto(f"{file_address}access-log/")
        log = page.locator("main table tbody")
        expect(log).to_contain_text("الملف")  # views of the file
        expect(log.locator("tr")).not_to_have_count(0)
        shoot(page, screenshots, "learner-access-log-ar-360")
        choose_language(page, "fr")
        expect(log).to_contain_text("Inscription")  # the new enrolment, among the changes to the file
        shoot(page, screenshots, "learner-access-log-fr-360")
    finally:  # the language is saved on the user: leave the director in French
        if page.locator("html").get_attribute("lang") != "fr":
            choose_language(page, "fr")


def test_director_is_offered_every_open_centre_to_transfer_to(phone_page, sign_in, choose_language, screenshots):
    page = phone_page
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    try:
        page.goto("/learners/?status=enrolled")
        page.locator("#results tbody a[href^='/learners/']").first.click()
        page.locator("main .page-head a[href$='/transfer/']").click()
        options = page.locator("#id_to_center option")
        assert options.count() > 3, "a director is offered the open centres of the country"
        expect(options.nth(1)).to_contain_text(re.compile(r"\(\S+\) – "))  # name (code) – commune
        shoot(page, screenshots, "learner-transfer-fr-360")
        choose_language(page, "ar")
        shoot(page, screenshots, "learner-transfer-ar-360")
    finally:
        if page.locator("html").get_attribute("lang") != "fr":
            choose_language(page, "fr")


def test_an_edit_that_makes_a_learner_look_like_another_shows_the_match(phone_page, sign_in, choose_language,
                                                                        screenshots):
    """Learner B's names and birth date typed into A's file: the match is shown, nothing is saved."""
    page = phone_page
    sign_in(page, demo_email(Role.CENTER_DIRECTOR))
    try:
        page.goto("/learners/?status=enrolled")
        links = page.locator("#results tbody a[href^='/learners/']")
        first, second = links.nth(0).get_attribute("href"), links.nth(1).get_attribute("href")
        page.goto(f"{second}edit/")
        identity = {name: page.locator(f"#id_{name}").input_value()
                    for name in ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date")}
        for language in ("fr", "ar"):
            choose_language(page, language)
            page.goto(f"{first}edit/")
            for name, value in identity.items():
                page.fill(f"#id_{name}", value)
            submit(page)
            matches = page.locator("main .matches")
            expect(matches).to_be_visible()
            expect(matches.locator(f"a[href='{second}']")).to_be_visible()  # in scope: the file opens
            expect(page.locator("#id_confirmed_new_person")).not_to_be_checked()
            shoot(page, screenshots, f"learner-edit-match-{language}-360")
        page.goto(first)
        arabic = f"{identity['first_name_ar']} {identity['last_name_ar']}".strip()
        latin = f"{identity['first_name']} {identity['last_name']}".strip()
        expect(page.locator("main h1")).not_to_contain_text(arabic or latin)  # still the first learner
    finally:
        if page.locator("html").get_attribute("lang") != "fr":
            choose_language(page, "fr")
