"""Two-factor sign-in through the browser: set it up from the profile, then sign in with a code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from forsa.core.roles import Role
from tests.browser.logins import demo_email

pytestmark = pytest.mark.browser


def code(key, *, later=0):
    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def test_set_up_then_sign_in_with_a_code(new_context, forsa_server, sign_in, choose_language, screenshots):
    # No other browser test signs in as this role: turning two-factor on for it disturbs nobody.
    email = demo_email(Role.PROVINCIAL_MANAGER)
    page = new_context().new_page()
    sign_in(page, email)
    page.goto("/accounts/profile/")
    with page.expect_navigation():
        page.get_by_role("link", name="Configurer la connexion en deux étapes").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    key = page.get_by_test_id("totp-key").inner_text()
    page.screenshot(path=screenshots / "two-factor-setup-fr.png", full_page=True)
    page.get_by_label("Code de votre application d'authentification").fill(code(key))
    with page.expect_navigation():
        page.get_by_role("button", name="Activer").click()
    expect(page.locator(".messages")).to_contain_text("connexion en deux étapes est activée")

    # Signing in again: the password is not enough any more.
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    phone.goto("/accounts/login/")
    phone.locator("main form input[name=username]").fill(email)
    phone.locator("main form input[name=password]").fill(forsa_server.demo.password)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(f"{forsa_server.url}/accounts/two-factor/?next=%2F")
    phone.goto("/learners/")  # any page leads back to the code
    expect(phone).to_have_url(f"{forsa_server.url}/accounts/two-factor/?next=%2Flearners%2F")
    choose_language(phone, "ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=screenshots / "two-factor-code-ar-360.png", full_page=True)
    phone.locator("input[name=token]").fill("000000" if code(key, later=30) != "000000" else "111111")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").first.click()
    expect(phone.locator(".field.has-error p.error")).to_be_visible()
    time.sleep(1.2)  # a wrong code makes the next try wait a second (throttling)
    phone.locator("input[name=token]").fill(code(key, later=30))  # the setup's code may not be replayed
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").first.click()
    expect(phone).to_have_url(f"{forsa_server.url}/learners/")

    # Not required for this role in the demo: it can be turned off again.
    choose_language(phone, "fr")
    phone.goto("/accounts/profile/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Désactiver").click()
    expect(phone.locator(".messages")).to_contain_text("désactivée")
