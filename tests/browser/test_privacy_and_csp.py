"""Nothing leaves the server, and the Content-Security-Policy holds on every page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Pages of a signed-in national administrator, by their link text in the header or page.
NAVIGATION = ("Territoire", "Associations", "Centres", "Aujourd'hui")


def test_a_whole_session_asks_nothing_of_any_other_host(page, forsa_server, browsing_log, sign_in, choose_language):
    sign_in(page, forsa_server.demo.national_admin)
    nav = page.locator("nav.mainnav")
    for label in NAVIGATION:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.locator("main h1")).to_be_visible()
    page.goto("/territory/")
    page.locator("main a[href^='/territory/']").first.click()  # a region
    page.locator("main a[href^='/territory/province/']").first.click()  # one of its provinces
    page.goto("/associations/")
    page.locator("main #results a, main table a").first.click()
    page.goto("/centres/")
    page.locator("input[name=q]").press_sequentially("Yakhlef")  # htmx filters as one types
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Bni Yakhlef")
    page.locator("#results tbody a").first.click()
    page.goto("/centres/new/")
    page.select_option("#id_province", index=2)  # htmx loads the communes
    expect(page.locator("#id_commune option").nth(1)).to_be_attached()
    page.goto("/accounts/profile/")
    choose_language(page, "ar")
    page.goto("/")
    choose_language(page, "fr")
    page.goto("/api/v1/docs")
    page.wait_for_load_state("networkidle")
    page.goto("/")
    page.locator("header form button", has_text="Se déconnecter").click()
    expect(page).to_have_url(f"{forsa_server.url}/accounts/login/")

    assert len(browsing_log.requests) > 20, browsing_log.requests
    assert any(url.endswith(".css") for url in browsing_log.requests)
    assert any(url.endswith(".js") for url in browsing_log.requests)
    assert any("/territory/communes/options/" in url for url in browsing_log.requests)
    foreign = [url for url in browsing_log.requests if not url.startswith(forsa_server.url + "/")]
    assert foreign == []


def test_the_dashboard_is_served_with_a_strict_csp(page, forsa_server, browsing_log, sign_in):
    sign_in(page, forsa_server.demo.national_admin)
    response = page.goto("/")
    assert response.status == 200
    policy = response.headers.get("content-security-policy")
    assert policy, f"no Content-Security-Policy header: {response.headers}"
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    for path in ("/territory/", "/associations/", "/centres/", "/centres/new/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    # htmx runs under the policy: a filter still updates the list in place.
    page.goto("/centres/")
    page.select_option("#id_status", "planned")
    expect(page).to_have_url(re.compile(r"[?&]status=planned(&|$)"))  # pushed by htmx
    expect(page.locator("#results .badge.planned").first).to_be_visible()
    expect(page.locator("#results .badge:not(.planned)")).to_have_count(0)
    assert browsing_log.csp_violations() == []
    assert browsing_log.page_errors == []
