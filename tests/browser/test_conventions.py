"""From a call for projects to a convention: the association applies with a PDF, the regional manager
has it scored, retains it and draws up the convention; the convention page in French and Arabic,
on a desktop and on a 360 px phone."""

import re

import pytest
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
OPEN_CALL = "AAP-E2C-06-2027"  # the call the demo leaves open in Casablanca-Settat
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def attach(page, kind, path):
    page.locator("main a", has_text="Joindre un document").first.click()
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main .messages .message.success")).to_be_visible()


def test_application_to_convention(new_context, forsa_server, sign_in, choose_language, screenshots, tmp_path):
    document = tmp_path / "projet.pdf"
    document.write_bytes(PDF)

    # 1. The association applies to the open call, attaches its documents and submits.
    association = new_context().new_page()
    sign_in(association, demo_email(Role.ASSOCIATION_MANAGER))
    association.goto("/conventions/calls/")
    association.locator("main a", has_text=re.compile("E2C-NG 2027")).click()
    expect(association.locator("main h1")).to_contain_text(OPEN_CALL)
    association.locator("main a.button", has_text="Postuler").click()
    form = association.locator("main form")
    form.locator("input[name=title]").fill("Centre E2C-NG des jeunes filles de Hay Hassani")
    form.locator("input[name=centers]").first.check()
    form.locator("input[name=target_girls]").fill("40")
    form.locator("input[name=target_boys]").fill("25")
    form.locator("input[name=budget_requested]").fill("650000")
    form.locator("input[name=cofunding]").fill("80000")
    with association.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(association).to_have_url(re.compile(r"/conventions/applications/\d+/$"))
    application_url = association.url
    attach(association, "project", document)
    attach(association, "budget", document)
    expect(association.locator("main")).to_contain_text("Budget détaillé")
    with association.expect_navigation():
        association.locator("main button", has_text="Soumettre la candidature").click()
    expect(association.locator("main .messages .message.success")).to_be_visible()
    expect(association.locator("main .badge.submitted")).to_be_visible()
    phone = new_context(viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, demo_email(Role.ASSOCIATION_MANAGER), language="ar")
    try:
        phone.goto(application_url)
        assert page_width(phone) <= PHONE_WIDTH, "the application page scrolls sideways on a phone"
        phone.screenshot(path=screenshots / "application-ar-360.png", full_page=True)
        phone.goto("/conventions/")
        assert page_width(phone) <= PHONE_WIDTH, "the conventions list scrolls sideways on a phone"
        phone.screenshot(path=screenshots / "conventions-list-ar-360.png", full_page=True)
    finally:
        choose_language(phone, "fr")

    # 2. The regional manager assigns himself as reviewer and scores the grid.
    manager = new_context().new_page()
    sign_in(manager, forsa_server.demo.casablanca_manager)
    manager.goto(application_url)
    manager.locator("main a", has_text="Affecter un évaluateur").click()
    manager.select_option("select[name=reviewer]", label="Karim Tazi")
    with manager.expect_navigation():
        manager.locator("main form button[type=submit]").click()
    with manager.expect_navigation():
        manager.locator("main a", has_text="Noter").click()
    scores = manager.locator("main form input[type=number]")
    expect(scores).to_have_count(4)  # the call's grid has four criteria (waits for the page, unlike count())
    for index in range(scores.count()):
        scores.nth(index).fill("8")
    manager.locator("textarea[name=comment]").fill("Projet pertinent, partenariats d'insertion solides.")
    with manager.expect_navigation():
        manager.locator("main form button[type=submit]").click()
    expect(manager.locator("main")).to_contain_text("80,00")  # 8/10 on every criterion

    # 3. The call's owner retains it, with the reasons, and draws up the convention.
    manager.locator("main a.button", has_text="Décider").click()
    manager.locator("input[name=retained][value=yes]").check()
    manager.locator("textarea[name=reason]").fill("Classé en rang utile ; zone prioritaire.")
    with manager.expect_navigation():
        manager.locator("main form button[type=submit]").click()
    expect(manager.locator("main .badge.retained")).to_be_visible()
    manager.locator("main a.button", has_text="Établir la convention").click()
    manager.locator("input[name=start_date]").fill("2027-01-01")
    manager.locator("input[name=end_date]").fill("2028-08-31")
    with manager.expect_navigation():
        manager.locator("main form button[type=submit]").click()
    expect(manager).to_have_url(re.compile(r"/conventions/\d+/$"))
    expect(manager.locator("main h1")).to_contain_text("AREF-06/2027/")
    expect(manager.locator("main .badge.draft")).to_be_visible()
    expect(manager.locator("main")).to_contain_text("65")  # 40 girls + 25 boys targeted
    convention_url = manager.url
    manager.screenshot(path=screenshots / "convention-fr-desktop.png", full_page=True)
    manager.goto("/conventions/?status=active")  # the region's list, with performance and alerts
    expect(manager.locator("main table.conventions tbody tr").first).to_contain_text("AREF-06/2025/")
    manager.screenshot(path=screenshots / "conventions-list-fr-desktop.png", full_page=True)
    manager.goto(convention_url)

    # 4. The same page in Arabic, and both on a phone.
    choose_language(manager, "ar")
    try:
        expect(manager.locator("html")).to_have_attribute("dir", "rtl")
        manager.screenshot(path=screenshots / "convention-ar-desktop.png", full_page=True)
        phone = new_context(viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True, has_touch=True).new_page()
        sign_in(phone, forsa_server.demo.casablanca_manager, language="ar")
        phone.goto(convention_url)
        assert page_width(phone) <= PHONE_WIDTH, "the convention page scrolls sideways on a phone"
        phone.screenshot(path=screenshots / "convention-ar-360.png", full_page=True)
        choose_language(phone, "fr")
        assert page_width(phone) <= PHONE_WIDTH
        phone.screenshot(path=screenshots / "convention-fr-360.png", full_page=True)
    finally:
        choose_language(manager, "fr")
