"""The reporting API: the catalogue, an indicator at a place, the same disclosure rule as the pages."""

import pytest
from django.utils import translation

from forsa.reporting.indicators import catalogue
from tests.factories import make_center, make_learner
from tests.reporting.network import build_network

API = "/api/v1/indicators"
QUERY = "?year=2026-2027&month=2026-11-01"


@pytest.fixture
def network(world):
    return build_network(world)


def test_catalogue_in_the_requests_language(client, world):
    partner = world["partner_viewer"]
    partner.language = "ar"
    partner.save(update_fields=["language"])
    client.force_login(partner)
    answer = client.get(API).json()
    assert [item["code"] for item in answer] == [indicator.code for indicator in catalogue()]
    with translation.override("ar"):
        assert answer[0]["name"] == str(catalogue()[0].name)
    assert answer[0]["definition_url"] == "/reporting/indicators/#indicator-learners_enrolled"
    assert client.get(f"{API}/girls_share").json()["denominator"]
    assert client.get(f"{API}/nothing").status_code == 404


def test_indicator_by_region_nationally_and_in_a_region(client, world, network):
    client.force_login(world["national_analyst"])
    answer = client.get(f"{API}/learners_enrolled/national{QUERY}").json()
    assert answer["total"]["value"] == 5 and answer["sublevel"] == "region"
    assert {cell["key"]: cell["value"] for cell in answer["cells"]} == {"01": 2, "06": 3}
    region = network.a.region.code
    answer = client.get(f"{API}/attendance_rate/regions/{region}{QUERY}").json()
    assert (answer["total"]["value"], answer["total"]["numerator"], answer["total"]["denominator"]) == (80.0, 4, 5)
    answer = client.get(f"{API}/exits/centers/{network.a.pk}{QUERY}&breakdown=outcome").json()
    assert [(cell["key"], cell["value"]) for cell in answer["cells"]] == [("school", 1)]
    answer = client.get(f"{API}/learners_enrolled/national{QUERY}&breakdown=age_band").json()
    assert [(cell["key"], cell["value"]) for cell in answer["cells"]] == [("15-16", 5)]
    answer = client.get(f"{API}/seats/provinces/{network.a.province.code}{QUERY}").json()
    assert {cell["key"]: cell["value"] for cell in answer["cells"]} == {network.a.code: 120, network.a2.code: 80}


def test_regional_manager_reads_its_region_only(client, world, network):
    client.force_login(world["own"].users["regional_manager"])
    assert client.get(f"{API}/learners_enrolled/regions/{network.a.region.code}{QUERY}").json()["total"]["value"] == 2
    assert client.get(f"{API}/learners_enrolled/regions/{network.b.region.code}").status_code == 404
    assert client.get(f"{API}/learners_enrolled/provinces/{network.b.province.code}").status_code == 404
    assert client.get(f"{API}/learners_enrolled/centers/{network.b.pk}").status_code == 404
    assert client.get(f"{API}/learners_enrolled/national").status_code == 403


def test_partner_viewer_gets_the_same_hidden_cells_as_on_the_page(client, world):
    third = make_center(region_code="09")
    for center, count in ((world["own"].center, 6), (world["foreign"].center, 3), (third, 7)):
        for n in range(count):
            make_learner(center, first_name=f"Nour{n}", birth_date=f"2011-0{1 + n % 9}-1{n % 9}")
    client.force_login(world["partner_viewer"])
    answer = client.get(f"{API}/learners_enrolled/national{QUERY}").json()
    assert answer["small_cells"] is True
    assert {cell["key"]: (cell["value"], cell["suppressed"]) for cell in answer["cells"]} == {
        "01": (None, True), "06": (None, True), "09": (7, False)}
    assert answer["total"]["value"] == 16
    by_sex = client.get(f"{API}/learners_enrolled/regions/06{QUERY}&breakdown=sex").json()
    assert by_sex["total"]["suppressed"] and by_sex["total"]["value"] is None


@pytest.mark.parametrize("query", ["?breakdown=outcome", "?breakdown=colour", "?year=1999-2000", "?year=x",
                                   "?month=2026-13-01"])
def test_bad_queries_are_422_naming_the_field(client, world, query):
    client.force_login(world["national_admin"])
    response = client.get(f"{API}/learners_enrolled/national{query}")
    assert response.status_code == 422
    assert set(response.json()["errors"]) <= {"breakdown", "year", "month"}


def test_unknown_places_and_codes(client, world):
    client.force_login(world["national_admin"])
    assert client.get(f"{API}/nothing/national").status_code == 404
    assert client.get(f"{API}/seats/regions/99").status_code == 404
    assert client.get(f"{API}/seats/centers/99999999999999999999").status_code == 422
    assert client.get(f"{API}/seats/centers/0").status_code == 422


def test_new_indicators_and_breakdowns(client, world, network):
    client.force_login(world["national_analyst"])
    answer = client.get(f"{API}/basic_skills_gain/national{QUERY}&breakdown=pole").json()
    assert {cell["key"]: (cell["value"], cell["numerator"], cell["denominator"]) for cell in answer["cells"]} == {
        "AR": (100.0, 1, 1), "MATH": (66.7, 2, 3)}
    answer = client.get(f"{API}/situation_after_exit/national{QUERY}&breakdown=milestone").json()
    assert [(cell["key"], cell["value"]) for cell in answer["cells"]] == [("3", 50.0)]
    answer = client.get(f"{API}/rolls_not_taken/national{QUERY}").json()
    assert (answer["unit"], answer["total"]["value"], answer["total"]["denominator"]) == ("rolls", 39, 42)
    assert {cell["key"]: cell["value"] for cell in answer["cells"]} == {"01": 19, "06": 20}
    answer = client.get(f"{API}/late_reports/regions/{network.a.region.code}{QUERY}").json()
    assert (answer["total"]["value"], answer["total"]["denominator"]) == (1, 2)
    answer = client.get(f"{API}/learners_at_risk/national{QUERY}&breakdown=risk_level").json()
    assert [(cell["key"], cell["value"]) for cell in answer["cells"]] == [("watch", 2), ("high", 1)]
    answer = client.get(f"{API}/exits/national{QUERY}&breakdown=area").json()
    assert sum(cell["value"] for cell in answer["cells"]) == 2
    assert client.get(f"{API}/conventions_signed/national{QUERY}&breakdown=sex").status_code == 422
    detail = client.get(f"{API}/conventions_signed").json()
    assert detail["additive"] is False and detail["small_cells"] is False and detail["unit"] == "conventions"
