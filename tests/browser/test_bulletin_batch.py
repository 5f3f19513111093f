"""A group's bulletins in one PDF, asked for on the group's page by the demo director (French) and educator
(Arabic), followed on their page until the task ends, then downloaded: one bulletin per learner of the
group. axe-core finds nothing on the batch page on a desktop and a 360 px phone; screenshots of both."""

import re
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser

# The subtitle under the title opens each learner's bulletin (the title alone is also the later pages' header)
OPENING = {"fr": "École de la deuxième chance", "ar": "مدرسة الفرصة الثانية"}
BUTTON = {"fr": "Bulletins en français", "ar": "الكشوف بالعربية"}
MARKS = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(("language", "role"), [("fr", Role.CENTER_DIRECTOR), ("ar", Role.EDUCATOR)])
def test_a_groups_bulletins_downloaded_after_the_task_ends(language, role, page, phone_page, sign_in, screenshots,
                                                          pdftotext, tmp_path):
    sign_in(page, demo_email(role), language=language)
    page.goto("/assessments/")
    with page.expect_navigation():
        page.locator("main .group-card h2 a", has_text="Remise à niveau").first.click()  # a catch-up class
    expect(page).to_have_url(re.compile(r"/assessments/groups/\d+/$"))
    group_url = page.url
    button = page.locator(f"main form button[name=language][value={language}]")
    expect(button).to_have_text(BUTTON[language])
    with page.expect_navigation(timeout=120_000):  # the demo's tasks run at once, before the answer
        button.click(no_wait_after=True)  # the click alone would wait 10 s for the navigation
    expect(page).to_have_url(re.compile(r"/assessments/bulletins/\d+/$"))
    status = page.locator("main #batch-status")
    expect(status).to_have_attribute("data-status", "done", timeout=120_000)  # polled until the task ends
    learners = int(re.search(r"\d+", status.locator("p").first.inner_text())[0])
    assert learners >= 5, "the demo class has learners"

    with page.expect_download() as download:
        page.locator("#batch-download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith(f"-{language}.pdf") and path.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    opening = [part for part in text.split("\f") if MARKS.sub("", OPENING[language]) in MARKS.sub("", part)]
    assert len(opening) == learners, "one bulletin per learner of the group, each opening a page"

    axe = Axe()
    for device, tab in (("desktop", page), ("360", phone_page)):
        if tab is phone_page:
            sign_in(tab, demo_email(role), language=language)
            tab.goto(group_url)  # the group's page, where the bulletins are asked for
            expect(tab.locator("main #bulletins-title")).to_be_visible()
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"]
            tab.screenshot(path=screenshots / f"bulletin-batch-group-{language}-360.png", full_page=True)
            tab.goto(page.url)
        expect(tab.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= tab.viewport_size["width"], device
        tab.screenshot(path=screenshots / f"bulletin-batch-{language}-{device}.png", full_page=True)
        results = axe.run(tab)
        assert results.violations_count == 0, f"{language} {device}\n{results.generate_report()}"
