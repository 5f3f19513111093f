"""Regions, provinces and communes: public reference data, centre counts within scope."""

import pytest

from forsa.territory.models import Commune, Province
from tests.api.conftest import API, queries_for
from tests.factories import make_center, make_trade

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/regions", "/regions/01", "/provinces", "/provinces/{province}", "/communes",
]


@pytest.fixture
def province_01():
    return Province.objects.filter(region__code="01").order_by("code").first()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_gets_401(client, province_01, path):
    response = client.get(API + path.format(province=province_01.code))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_regions_list_counts_only_the_centres_in_scope(api_as, world):
    rows = api_as(world["own"].users["regional_manager"]).get(f"{API}/regions").json()
    assert len(rows) == 12
    by_code = {row["code"]: row for row in rows}
    assert by_code["01"]["center_count"] == 1
    assert by_code["01"]["capacity"] == world["own"].center.capacity
    # The foreign centre exists, but not for this user: not even in a count.
    assert (by_code["06"]["center_count"], by_code["06"]["capacity"]) == (0, 0)


def test_regions_list_counts_everything_for_national_roles(api_as, world):
    rows = api_as(world["national_analyst"]).get(f"{API}/regions").json()
    by_code = {row["code"]: row["center_count"] for row in rows}
    assert (by_code["01"], by_code["06"]) == (1, 1)


def test_region_detail(api_as, world):
    client = api_as(world["own"].users["educator"])
    response = client.get(f"{API}/regions/06")  # reference data: every signed-in user reads it
    assert response.status_code == 200
    assert response.json()["code"] == "06"
    assert response.json()["name_fr"]
    assert client.get(f"{API}/regions/99").status_code == 404


def test_provinces_filtered_by_region(api_as, world):
    client = api_as(world["own"].users["provincial_manager"])
    rows = client.get(f"{API}/provinces", {"region": "01"}).json()
    assert rows and {row["region"] for row in rows} == {"01"}
    assert len(rows) == Province.objects.filter(region__code="01").count()
    own = world["own"].center.province.code
    assert {row["code"]: row["center_count"] for row in rows}[own] == 1
    assert len(client.get(f"{API}/provinces").json()) == 83


def test_provinces_with_an_unknown_region_name_the_field(api_as, world):
    response = api_as(world["national_admin"]).get(f"{API}/provinces", {"region": "99"})
    assert response.status_code == 422
    assert "region" in response.json()["errors"]


def test_province_detail(api_as, world, province_01):
    client = api_as(world["partner_viewer"])
    body = client.get(f"{API}/provinces/{province_01.code}").json()
    assert body["code"] == province_01.code
    assert body["region"] == "01"
    assert body["population_10_19"] == province_01.population_10_19
    assert client.get(f"{API}/provinces/nope").status_code == 404


def test_communes_paginated_and_filtered(api_as, world, province_01):
    client = api_as(world["own"].users["center_director"])
    body = client.get(f"{API}/communes").json()
    assert body["count"] == 1503
    assert (body["page"], body["page_size"], len(body["items"])) == (1, 25, 25)

    body = client.get(f"{API}/communes", {"province": province_01.code, "page_size": 500}).json()
    assert body["count"] == Commune.objects.filter(province=province_01).count()
    assert body["page_size"] == 100  # at most 100 rows per page
    assert {row["province"] for row in body["items"]} == {province_01.code}

    commune = Commune.objects.filter(province=province_01).order_by("code").last()
    body = client.get(f"{API}/communes", {"q": commune.name_fr[:6].lower()}).json()
    assert commune.code in {row["code"] for row in body["items"]}

    page_2 = client.get(f"{API}/communes", {"page": 2, "page_size": 10}).json()["items"]
    page_1 = client.get(f"{API}/communes", {"page": 1, "page_size": 10}).json()["items"]
    assert len(page_2) == 10 and not {r["code"] for r in page_1} & {r["code"] for r in page_2}


def test_communes_with_an_unknown_province_name_the_field(api_as, world):
    response = api_as(world["national_admin"]).get(f"{API}/communes", {"province": "nope"})
    assert response.status_code == 422
    assert "province" in response.json()["errors"]


def test_bad_page_number_names_the_parameter(api_as, world):
    response = api_as(world["national_admin"]).get(f"{API}/communes", {"page": 0})
    assert response.status_code == 422
    assert "page" in response.json()["errors"]


@pytest.mark.parametrize(
    ("path", "bound"), [("/regions", 4), ("/provinces", 4), ("/communes?page_size=100", 5)]
)
def test_list_query_count_does_not_grow_with_centres(
    api_as, world, django_assert_max_num_queries, path, bound
):
    """Session, user, memberships, then one query (two with pagination: count and page)."""
    client = api_as(world["own"].users["regional_manager"])
    trade = make_trade()
    for _ in range(2):
        make_center(region_code="01", trades=[trade])
    few = queries_for(client, API + path, django_assert_max_num_queries, bound)
    for _ in range(27):
        make_center(region_code="01", trades=[trade])
    many = queries_for(client, API + path, django_assert_max_num_queries, bound)
    assert many == few
