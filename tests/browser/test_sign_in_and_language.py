"""Signing in through the form and switching the interface language."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_sign_in_through_the_form_lands_on_the_dashboard(page, forsa_server):
    page.goto("/")
    expect(page).to_have_url(f"{forsa_server.url}/accounts/login/?next=/")
    login = page.locator("main form")
    login.locator("input[name=username]").fill(forsa_server.demo.national_admin)
    login.locator("input[name=password]").fill(forsa_server.demo.password)
    login.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{forsa_server.url}/")
    expect(page.locator("main h1")).to_have_text("Aujourd'hui")
    expect(page.locator("header .username")).to_have_text(forsa_server.demo.national_admin_name)
    expect(page.locator("nav.mainnav")).to_be_visible()


def test_wrong_password_stays_on_the_login_form(page, forsa_server):
    page.goto("/accounts/login/")
    login = page.locator("main form")
    login.locator("input[name=username]").fill(forsa_server.demo.national_analyst)
    login.locator("input[name=password]").fill("not the password at all")
    login.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{forsa_server.url}/accounts/login/")
    expect(page.locator("main [role=alert]")).to_be_visible()
    expect(page.locator("nav.mainnav")).to_have_count(0)


def test_switch_to_arabic_then_back_to_french(page, forsa_server, sign_in, choose_language):
    sign_in(page, forsa_server.demo.national_analyst)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")
    expect(html).to_have_attribute("dir", "ltr")

    choose_language(page, "ar")
    expect(page).to_have_url(f"{forsa_server.url}/")  # back where the switch was made
    expect(page.locator('html[dir="rtl"]')).to_have_count(1)
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("main h1")).to_have_text("اليوم")
    # The reading direction is the document's: the header's start is on the right.
    header = page.locator("header.topbar").bounding_box()
    brand = page.locator("header .brand").bounding_box()
    assert brand["x"] + brand["width"] > header["x"] + header["width"] / 2

    # The choice is the user's: it survives a new page.
    page.goto("/centres/")
    expect(html).to_have_attribute("dir", "rtl")

    choose_language(page, "fr")
    expect(page).to_have_url(f"{forsa_server.url}/centres/")
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_text("Centres")
