"""The centre form (with its htmx commune list), its validation, and scope by URL."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ASSOCIATION = "Association Al Andalous pour l'enfance et la jeunesse"  # the demo association
PROVINCE, COMMUNE = "Mohammadia", "Ain Harrouda"  # in Casablanca-Settat (06)


def open_new_center_form(page, *, code, province=PROVINCE, commune=COMMUNE):
    """Fill the whole form with valid values, letting htmx load the province's communes."""
    page.goto("/centres/new/")
    expect(page.locator("main h1")).to_have_text("Nouveau centre")
    page.fill("#id_code", code)
    page.fill("#id_name_fr", f"Centre E2C Navigateur {code}")
    page.fill("#id_name_ar", "مركز الفرصة الثانية المتصفح")
    association = page.locator("#id_association option", has_text=ASSOCIATION)
    page.select_option("#id_association", association.get_attribute("value"))
    commune_select = page.locator("#id_commune")
    if province:
        page.select_option("#id_province", label=province)
        # htmx replaces the commune <option>s with those of the province.
        option = commune_select.locator("option", has_text=commune)
        expect(option).to_have_count(1)
        page.select_option("#id_commune", option.get_attribute("value"))
    page.fill("#id_capacity", "150")
    page.locator("#id_trades").get_by_label("Informatique").check()
    return page


def submit(page):
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()


def assert_not_listed(page, code):
    page.goto(f"/centres/?q={code}")
    expect(page.locator("#results")).not_to_contain_text(code)
    expect(page.locator("#results tbody tr")).to_have_count(1)  # the "no centre matches" row


def test_create_a_center_through_the_form(page, forsa_server, sign_in):
    sign_in(page, forsa_server.demo.national_admin)
    page.goto("/centres/")
    page.locator("main .page-head a.button").click()
    expect(page).to_have_url(f"{forsa_server.url}/centres/new/")

    open_new_center_form(page, code="E2C-BROWSER-01")
    expect(page.locator("#id_commune option")).to_have_count(7)  # "choose" + 6 communes
    page.fill("#id_address", "12, rue Ibn Sina")
    page.fill("#id_latitude", "33.68")
    page.fill("#id_longitude", "-7.38")
    submit(page)

    expect(page).to_have_url(re.compile(rf"^{re.escape(forsa_server.url)}/centres/\d+/$"))
    expect(page.locator("main h1")).to_contain_text("Centre E2C Navigateur E2C-BROWSER-01")
    expect(page.locator("main h1 code")).to_have_text("E2C-BROWSER-01")
    expect(page.locator("main .messages")).to_contain_text("Centre créé")
    facts = page.locator("main dl.facts")
    expect(facts.first).to_contain_text("مركز الفرصة الثانية المتصفح")
    expect(facts.first).to_contain_text("Informatique")
    expect(facts.nth(1)).to_contain_text(COMMUNE)
    expect(facts.nth(1)).to_contain_text("Casablanca-Settat")

    page.goto("/centres/?q=E2C-BROWSER-01")
    expect(page.locator("#results tbody")).to_contain_text("E2C-BROWSER-01")


def test_a_gps_point_outside_morocco_is_refused_next_to_the_field(page, forsa_server, sign_in):
    sign_in(page, forsa_server.demo.casablanca_manager)
    open_new_center_form(page, code="E2C-PARIS-01")
    page.fill("#id_latitude", "48.85")  # Paris
    page.fill("#id_longitude", "2.35")
    submit(page)

    expect(page).to_have_url(f"{forsa_server.url}/centres/new/")
    expect(page.locator("main [role=alert]")).to_be_visible()
    error = page.locator("#id_latitude_error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator(".field.has-error").filter(has=page.locator("#id_latitude"))).to_contain_text(
        "36"  # the message names the upper bound of Morocco's latitudes
    )
    expect(page.locator("#id_longitude_error")).to_be_visible()
    # What was typed is kept, including the commune htmx loaded.
    expect(page.locator("#id_code")).to_have_value("E2C-PARIS-01")
    expect(page.locator("#id_commune option:checked")).to_contain_text(COMMUNE)

    assert_not_listed(page, "E2C-PARIS-01")


def test_a_center_without_commune_is_refused_next_to_the_field(page, forsa_server, sign_in):
    sign_in(page, forsa_server.demo.national_admin)
    open_new_center_form(page, code="E2C-NOWHERE-01", province=None)
    expect(page.locator("#id_commune option")).to_have_count(1)  # no province, no commune
    submit(page)

    expect(page.locator("#id_commune_error")).to_be_visible()
    expect(page.locator("#id_commune_error")).not_to_be_empty()
    expect(page.locator("#id_code_error")).to_have_count(0)
    assert_not_listed(page, "E2C-NOWHERE-01")


def test_a_center_of_another_region_is_404_by_url(new_context, forsa_server, sign_in):
    # The Casablanca-Settat manager sees the centres of the region, and one's address.
    casablanca = sign_in(new_context().new_page(), forsa_server.demo.casablanca_manager)
    casablanca.goto("/centres/")
    first = casablanca.locator("#results tbody a").first
    name = first.inner_text()
    first.click()
    expect(casablanca.locator("main h1")).to_contain_text(name)
    address = casablanca.url.removeprefix(forsa_server.url)
    assert re.fullmatch(r"/centres/\d+/", address), address

    # The Souss-Massa manager typing that address learns nothing, not even that it exists.
    souss = sign_in(new_context().new_page(), forsa_server.demo.souss_manager)
    response = souss.goto(address)
    assert response.status == 404
    expect(souss.locator("body")).not_to_contain_text(name)
    response = souss.goto(f"{address}edit/")
    assert response.status == 404
    souss.goto("/centres/")
    expect(souss.locator("#results")).not_to_contain_text(name)
