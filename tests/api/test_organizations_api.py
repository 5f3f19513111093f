"""Associations: each role sees its own, foreign ones do not exist, partners see no person."""

import pytest

from forsa.organizations.models import Association
from tests.api.conftest import API, queries_for
from tests.factories import make_association, make_center

pytestmark = pytest.mark.django_db

CONTACTS = ("president", "phone", "email")
LOCAL_ROLES = [
    "regional_manager", "provincial_manager", "association_manager",
    "center_director", "educator", "counsellor",
]


def names(response):
    return {row["name"] for row in response.json()["items"]}


def test_anonymous_gets_401(client, world):
    assert client.get(f"{API}/associations").status_code == 401
    assert client.get(f"{API}/associations/{world['own'].association.pk}").status_code == 401


@pytest.mark.parametrize("role", LOCAL_ROLES)
def test_own_association_visible_foreign_one_does_not_exist(api_as, world, role):
    own, foreign = world["own"].association, world["foreign"].association
    client = api_as(world["own"].users[role])

    assert names(client.get(f"{API}/associations")) == {own.name}
    body = client.get(f"{API}/associations/{own.pk}").json()
    assert body["name"] == own.name
    assert body["president"] == own.president
    assert (body["phone"], body["email"]) == (own.phone, own.email)

    response = client.get(f"{API}/associations/{foreign.pk}")
    assert response.status_code == 404  # not 403: its existence does not leak
    assert response.json() == client.get(f"{API}/associations/999999").json()


def test_association_manager_sees_only_its_association_in_its_region(api_as, world):
    neighbour = make_center(region_code="01").association  # another association in region 01
    manager = world["own"].users["association_manager"]
    client = api_as(manager)
    assert names(client.get(f"{API}/associations")) == {world["own"].association.name}
    assert client.get(f"{API}/associations/{neighbour.pk}").status_code == 404
    # The regional manager of region 01 sees both.
    regional = api_as(world["own"].users["regional_manager"])
    assert names(regional.get(f"{API}/associations")) == {world["own"].association.name, neighbour.name}


@pytest.mark.parametrize("role", ["national_admin", "national_analyst"])
def test_national_roles_see_every_association(api_as, world, role):
    client = api_as(world[role])
    assert names(client.get(f"{API}/associations")) == {
        world["own"].association.name, world["foreign"].association.name
    }


def test_partner_viewer_sees_associations_but_no_person(api_as, world):
    client = api_as(world["partner_viewer"])
    rows = client.get(f"{API}/associations").json()["items"]
    assert {row["name"] for row in rows} == {
        world["own"].association.name, world["foreign"].association.name
    }
    detail = client.get(f"{API}/associations/{world['own'].association.pk}").json()
    for row in [*rows, detail]:
        assert all(row[field] is None for field in CONTACTS), row
    assert "Fatima" not in client.get(f"{API}/associations").content.decode()


def test_list_shows_place_and_centre_count(api_as, world):
    own = world["own"]
    row = api_as(world["national_admin"]).get(f"{API}/associations", {"q": own.association.name})
    row = row.json()["items"][0]
    assert row["commune"] == own.association.commune.code
    assert row["region"] == "01"
    assert row["center_count"] == 1


def test_filters(api_as, world):
    suspended = make_association("01", status=Association.Status.SUSPENDED)
    client = api_as(world["national_admin"])
    assert names(client.get(f"{API}/associations", {"region": "06"})) == {
        world["foreign"].association.name
    }
    assert names(client.get(f"{API}/associations", {"status": "suspended"})) == {suspended.name}
    number = world["own"].association.registration_number
    assert names(client.get(f"{API}/associations", {"q": number})) == {world["own"].association.name}


def test_invalid_filter_names_the_field(api_as, world):
    response = api_as(world["national_admin"]).get(f"{API}/associations", {"status": "gone"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"status"}


def test_pagination(api_as, world):
    for _ in range(3):
        make_association("01")
    client = api_as(world["national_admin"])
    body = client.get(f"{API}/associations", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["page"], body["page_size"], len(body["items"])) == (5, 2, 2, 2)


@pytest.mark.parametrize("user_key", ["national_admin", "partner_viewer", "regional_manager"])
def test_list_query_count_does_not_grow_with_rows(
    api_as, world, django_assert_max_num_queries, user_key
):
    user = world.get(user_key) or world["own"].users[user_key]
    client = api_as(user)
    url = f"{API}/associations?page_size=100"
    for _ in range(2):
        make_center(region_code="01")
    few = queries_for(client, url, django_assert_max_num_queries, 5)
    for _ in range(27):
        make_center(region_code="01")
    many = queries_for(client, url, django_assert_max_num_queries, 5)
    assert many == few
    expected = {"national_admin": 31, "partner_viewer": 31, "regional_manager": 30}[user_key]
    assert client.get(url).json()["count"] == expected
