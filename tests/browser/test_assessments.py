"""Entering a diagnostic for a group, in French, as the demo educator; the grid on a 360 px phone
scrolls inside its frame, not the page; screenshots in French and Arabic."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
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


def test_enter_one_learners_results_on_a_phone_in_french_and_arabic(phone_page, sign_in, choose_language,
                                                                      screenshots):
    """Issue 14 §5: on a 360 px phone the grid is entered one learner at a time — each competency by its
    name, levels as large buttons, save and next, previous/next — in French and in Arabic; axe finds nothing."""
    phone = phone_page
    axe = Axe()
    sign_in(phone, demo_email(Role.EDUCATOR))
    phone.goto("/assessments/")
    with phone.expect_navigation():
        phone.locator("main .group-card h2 a", has_text="Remise à niveau").first.click()
    group_url = phone.url
    form = phone.locator("main form.stack")
    form.locator("select[name=kind]").select_option("summative")  # the demo seeds diagnostics and periodics only
    form.locator("input[name=date]").fill("2026-11-27")
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/assessments/\d+/$"))
    grid_url = phone.url

    _assert_no_serious_violations(axe.run(phone), "grid fr")  # the results entry page, grid and all

    # The way in on a phone: the list of learners above the grid.
    links = phone.locator("main .learner-entry .learner-links a")
    assert links.count() >= 3
    assert all(box["height"] >= 44 for box in (links.nth(i).bounding_box() for i in range(3))), "44 px targets"
    with phone.expect_navigation():
        links.first.click()
    expect(phone).to_have_url(re.compile(r"/assessments/\d+/learners/\d+/$"))
    first_url = phone.url

    cards = phone.locator("main fieldset.result-card")
    assert cards.count() >= 10, "every competency of the poles assessed"
    first = cards.first
    expect(first.locator("legend .result-name")).to_have_text("Comprendre un message oral simple")
    expect(first.locator("legend .result-code")).to_have_text("AR-ORAL-1")
    assert page_width(phone) <= PHONE_WIDTH, "the learner's page scrolls sideways (fr)"
    labels = first.locator(".segmented label")
    expect(labels).to_have_count(6)  # —, 1 to 4, absent
    for i in range(6):
        box = labels.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    first.locator("label", has_text="3").click()
    cards.nth(1).locator("label", has_text="Abs.").click()
    phone.screenshot(path=screenshots / "assessment-learner-results-fr-360.png", full_page=True)
    results = axe.run(phone)
    assert results.violations_count == 0, f"fr\n{results.generate_report()}"

    with phone.expect_navigation():
        phone.locator("main .roll-submit button[name=next]").click()
    assert phone.url != first_url
    expect(phone.locator("main .messages .message.success")).to_be_visible()
    expect(phone.locator("main .learner-steps .step-count").first).to_have_text(re.compile(r"^2 sur \d+$"))
    results = axe.run(phone)  # with the message "saved" on top
    assert results.violations_count == 0, f"fr, saved\n{results.generate_report()}"
    with phone.expect_navigation():
        phone.locator("main .learner-steps a[rel=prev]").first.click()
    expect(phone).to_have_url(first_url)
    expect(cards.first.locator("input[value='3']")).to_be_checked()
    expect(cards.nth(1).locator("input[value=absent]")).to_be_checked()
    expect(cards.nth(2).locator("input[value='']")).to_be_checked()

    # In Arabic: names in Arabic, right to left, "next" on the left; the second learner's results.
    try:
        choose_language(phone, "ar")
        expect(phone.locator("html")).to_have_attribute("dir", "rtl")
        with phone.expect_navigation():
            phone.locator("main .learner-steps a[rel=next]").first.click()
        expect(cards.first.locator("legend .result-name")).to_have_text("فهم رسالة شفهية بسيطة")
        steps = phone.locator("main .learner-steps").first
        assert steps.locator("a[rel=next]").bounding_box()["x"] < steps.locator("a[rel=prev]").bounding_box()["x"]
        assert page_width(phone) <= PHONE_WIDTH, "the learner's page scrolls sideways (ar)"
        cards.first.locator("label", has_text="4").click()
        phone.screenshot(path=screenshots / "assessment-learner-results-ar-360.png", full_page=True)
        results = axe.run(phone)
        assert results.violations_count == 0, f"ar\n{results.generate_report()}"
        with phone.expect_navigation():
            phone.locator("main .roll-submit button[type=submit]:not([name])").click()
        expect(phone.locator("main .messages .message.success")).to_be_visible()
        expect(cards.first.locator("input[value='4']")).to_be_checked()
        phone.goto(grid_url)
        expect(phone.locator("main .learner-entry .learner-links li").nth(1)).to_contain_text("1/")
        phone.screenshot(path=screenshots / "assessment-grid-learners-ar-360.png")
        _assert_no_serious_violations(axe.run(phone), "grid ar")
        # The heat-map names the competencies, their codes as a tooltip.
        phone.goto(group_url + "heatmap/?assessment=" + grid_url.rstrip("/").rsplit("/", 1)[1])
        expect(phone.locator("main table.heat thead .competency-name[title='AR-ORAL-1']")).to_have_text(
            "فهم رسالة شفهية بسيطة")
        phone.screenshot(path=screenshots / "assessment-heatmap-ar-360.png")
    finally:
        choose_language(phone, "fr")


def _assert_no_serious_violations(results, where):
    """The issue's bar for the grid page (hundreds of selects): nothing critical or serious."""
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert not serious, f"{where}: {serious}\n{results.generate_report()}"
