"""axe-core on the pages field staff use every day (issue 14), in French and Arabic, on a phone and a desktop:
the learner list, a learner's file, the roll call and the conventions list. The today pages, the intake's steps
and the results entry are checked in their own tests."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser


def learner_list(page):
    page.goto("/learners/")


def learner_file(page):
    learner_list(page)
    with page.expect_navigation():
        page.locator("main #results tbody a[href^='/learners/']").first.click()


def roll_call(page):
    with page.expect_navigation():
        page.locator("main .today-groups a.roll-button").first.click()  # from the educator's today page


def conventions_list(page):
    page.goto("/conventions/")


PAGES = {
    "learner list": (Role.CENTER_DIRECTOR, learner_list, "main #results tbody tr"),
    "learner file": (Role.CENTER_DIRECTOR, learner_file, "main .learner-file"),
    "roll call": (Role.EDUCATOR, roll_call, "main .roll-submit"),
    "conventions list": (Role.ASSOCIATION_MANAGER, conventions_list, "main table tbody tr"),
}


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violation(page, phone_page, sign_in, language, name):
    role, reach, shown = PAGES[name]
    for device, tab in (("360", phone_page), ("desktop", page)):
        sign_in(tab, demo_email(role), language=language)
        reach(tab)
        expect(tab.locator(shown).first).to_be_visible()
        results = Axe().run(tab)
        assert results.violations_count == 0, f"{name} {language} {device}\n{results.generate_report()}"
