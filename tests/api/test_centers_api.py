"""Centres: scoped list and detail, filters, pagination, create and update through the services."""

import pytest

from forsa.audit.models import AuditEntry
from forsa.centers.models import Center
from tests.api.conftest import API, codes, queries_for
from tests.factories import commune_in, make_center, make_trade

pytestmark = pytest.mark.django_db

LOCAL_ROLES = [
    "regional_manager", "provincial_manager", "association_manager",
    "center_director", "educator", "counsellor",
]


def payload(world, side="own", **overrides):
    """A valid new centre in ``side``'s region, run by that side's association."""
    data = {
        "code": "API-0001",
        "name_fr": "Centre de l'API",
        "name_ar": "مركز الواجهة",
        "commune": commune_in(world[side].region_code, 7).code,
        "address": "Rue 1",
        "latitude": 34.02,
        "longitude": -6.83,
        "association": world[side].association.pk,
        "opening_date": "2025-09-15",
        "status": "open",
        "capacity": 90,
    }
    return data | overrides


def post(client, data, **extra):
    return client.post(f"{API}/centers", data, content_type="application/json", **extra)


def patch(client, center, data, **extra):
    return client.patch(
        f"{API}/centers/{center.pk}", data, content_type="application/json", **extra
    )


# Reading -----------------------------------------------------------------------------


def test_anonymous_gets_401(client, world):
    center = world["own"].center
    assert client.get(f"{API}/centers").status_code == 401
    assert client.get(f"{API}/centers/{center.pk}").status_code == 401
    assert post(client, payload(world)).status_code == 401
    assert patch(client, center, {"capacity": 10}).status_code == 401
    assert Center.objects.count() == 2


@pytest.mark.parametrize("role", LOCAL_ROLES)
def test_own_centre_visible_foreign_centre_does_not_exist(api_as, world, role):
    own, foreign = world["own"].center, world["foreign"].center
    client = api_as(world["own"].users[role])

    assert codes(client.get(f"{API}/centers")) == {own.code}
    response = client.get(f"{API}/centers/{own.pk}")
    assert response.status_code == 200
    assert response.json()["code"] == own.code

    response = client.get(f"{API}/centers/{foreign.pk}")
    assert response.status_code == 404  # not 403: its existence does not leak
    assert response.json() == client.get(f"{API}/centers/999999").json()


def test_regional_manager_sees_every_centre_of_the_region_only(api_as, world):
    other = make_center(region_code="01")
    client = api_as(world["own"].users["regional_manager"])
    assert codes(client.get(f"{API}/centers")) == {world["own"].center.code, other.code}
    assert codes(client.get(f"{API}/centers", {"region": "06"})) == set()


def test_association_manager_sees_only_its_associations_centres(api_as, world):
    own = world["own"]
    second = make_center(own.association, "01")
    neighbour = make_center(region_code="01")  # same region, another association
    client = api_as(own.users["association_manager"])
    assert codes(client.get(f"{API}/centers")) == {own.center.code, second.code}
    assert client.get(f"{API}/centers/{neighbour.pk}").status_code == 404


@pytest.mark.parametrize("role", ["center_director", "educator"])
def test_centre_staff_see_only_their_centre(api_as, world, role):
    own = world["own"]
    sibling = make_center(own.association, "01")  # same association, another centre
    client = api_as(own.users[role])
    assert codes(client.get(f"{API}/centers")) == {own.center.code}
    assert client.get(f"{API}/centers/{sibling.pk}").status_code == 404


@pytest.mark.parametrize("user_key", ["national_admin", "national_analyst", "partner_viewer"])
def test_national_roles_and_partners_see_every_centre(api_as, world, user_key):
    client = api_as(world[user_key])
    assert codes(client.get(f"{API}/centers")) == {
        world["own"].center.code, world["foreign"].center.code
    }
    body = client.get(f"{API}/centers/{world['foreign'].center.pk}").json()
    assert set(body["association"]) == {"id", "name"}  # no contact detail through a centre


def test_detail_shape(api_as, world):
    center = world["own"].center
    trade = make_trade("couture")
    center.trades.add(trade)
    body = api_as(world["own"].users["educator"]).get(f"{API}/centers/{center.pk}").json()
    assert body["code"] == center.code
    assert body["commune"] == center.commune.code
    assert body["province"] == center.province.code
    assert body["region"] == "01"
    assert body["association"] == {"id": center.association.pk, "name": center.association.name}
    assert body["trades"] == ["couture"]
    assert body["status"] == "open"
    assert body["capacity"] == center.capacity


def test_filters(api_as, world):
    own = world["own"]
    trade = make_trade("coiffure")
    suspended = make_center(own.association, "01", status=Center.Status.SUSPENDED, trades=[trade])
    other_association = make_center(region_code="01", name_fr="Centre Azrou")
    client = api_as(world["national_admin"])

    def found(**params):
        return codes(client.get(f"{API}/centers", params))

    assert found(region="06") == {world["foreign"].center.code}
    assert found(province=own.center.province.code) >= {own.center.code}
    assert world["foreign"].center.code not in found(province=own.center.province.code)
    assert found(association=own.association.pk) == {own.center.code, suspended.code}
    assert found(status="suspended") == {suspended.code}
    assert found(trade="coiffure") == {suspended.code}
    assert found(q="azrou") == {other_association.code}
    assert found(q=own.center.code.lower()) == {own.center.code}


def test_invalid_filter_values_name_the_field(api_as, world):
    client = api_as(world["own"].users["regional_manager"])
    # a status outside the choices the document lists, then a code and an id read by the filter
    response = client.get(f"{API}/centers", {"status": "gone"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"status"}
    response = client.get(f"{API}/centers", {"trade": "nope", "association": world["foreign"].association.pk})
    assert response.status_code == 422
    # A foreign association is not a valid choice: the same answer as one that does not exist.
    assert set(response.json()["errors"]) == {"trade", "association"}


def test_pagination(api_as, world):
    for _ in range(4):
        make_center(region_code="01")
    client = api_as(world["national_admin"])
    body = client.get(f"{API}/centers", {"page_size": 4}).json()
    assert (body["count"], body["page"], body["page_size"], len(body["items"])) == (6, 1, 4, 4)
    last = client.get(f"{API}/centers", {"page_size": 4, "page": 2}).json()["items"]
    assert len(last) == 2
    assert client.get(f"{API}/centers", {"page_size": 1000}).json()["page_size"] == 100
    assert client.get(f"{API}/centers", {"page_size": 0}).status_code == 422


@pytest.mark.parametrize(
    "user_key", ["national_admin", "partner_viewer", "regional_manager", "association_manager"]
)
def test_list_query_count_does_not_grow_with_rows(
    api_as, world, django_assert_max_num_queries, user_key
):
    own = world["own"]
    """Session, user, memberships, count, page, trades of the page: 6 for 3 or 30 rows."""
    user = world.get(user_key) or own.users[user_key]
    client = api_as(user)
    trades = [make_trade("couture"), make_trade("coiffure")]
    url = f"{API}/centers?page_size=100"
    for _ in range(2):
        make_center(own.association, "01", trades=trades)
    few = queries_for(client, url, django_assert_max_num_queries, 6)
    for _ in range(27):
        make_center(own.association, "01", trades=trades)
    many = queries_for(client, url, django_assert_max_num_queries, 6)
    assert many == few
    assert len(client.get(url).json()["items"]) >= 30


def test_filtered_list_query_count_is_bounded(api_as, world, django_assert_max_num_queries):
    for _ in range(5):
        make_center(world["own"].association, "01", trades=[make_trade()])
    client = api_as(world["own"].users["regional_manager"])
    url = (
        f"{API}/centers?region=01&province={world['own'].center.province.code}"
        f"&association={world['own'].association.pk}&status=open&trade=couture&q=C"
    )
    queries_for(client, url, django_assert_max_num_queries, 10)


# Writing -----------------------------------------------------------------------------


@pytest.mark.parametrize("user_key", ["national_admin", "regional_manager"])
def test_create(api_as, world, user_key):
    user = world.get(user_key) or world["own"].users[user_key]
    trade = make_trade("couture")
    response = post(api_as(user), payload(world, trades=["couture"]))
    assert response.status_code == 201, response.content
    body = response.json()
    center = Center.objects.get(code="API-0001")
    assert body["id"] == center.pk
    assert body["region"] == "01" and center.region.code == "01"  # follows the commune
    assert body["trades"] == ["couture"] and list(center.trades.all()) == [trade]
    assert body["latitude"] == 34.02
    assert center.created_by == user
    assert AuditEntry.objects.filter(target_id=str(center.pk), action="create").exists()


def test_regional_manager_cannot_create_in_another_region(api_as, world):
    client = api_as(world["own"].users["regional_manager"])
    commune = commune_in("06", 3).code  # region 06, with the manager's own association
    response = post(client, payload(world, commune=commune))
    assert response.status_code == 403
    assert Center.objects.count() == 2


@pytest.mark.parametrize("role", ["educator", "center_director", "counsellor"])
def test_centre_staff_cannot_create(api_as, world, role):
    response = post(api_as(world["own"].users[role]), payload(world))
    assert response.status_code == 403
    assert Center.objects.count() == 2


def test_partner_viewer_cannot_create(api_as, world):
    response = post(api_as(world["partner_viewer"]), payload(world))
    assert response.status_code == 403
    assert Center.objects.count() == 2


def test_foreign_association_is_not_a_valid_choice(api_as, world):
    client = api_as(world["own"].users["regional_manager"])
    response = post(client, payload(world, association=world["foreign"].association.pk))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"association"}
    assert Center.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"commune": None}, {"commune"}),
        ({"commune": "0000000"}, {"commune"}),
        ({"latitude": 48.85, "longitude": 2.35}, {"latitude", "longitude"}),
        ({"capacity": 0}, {"capacity"}),
        ({"capacity": "many"}, {"capacity"}),
        ({"code": "bad code"}, {"code"}),
        ({"status": "gone"}, {"status"}),
        ({"trades": ["nope"]}, {"trades"}),
        ({"opening_date": "15/09/2025"}, {"opening_date"}),
    ],
)
def test_create_with_bad_data_names_the_field_and_saves_nothing(api_as, world, change, fields):
    client = api_as(world["own"].users["regional_manager"])
    data = {k: v for k, v in (payload(world) | change).items() if v is not None}
    response = post(client, data)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == fields
    assert all(isinstance(m, str) and m for ms in body["errors"].values() for m in ms)
    assert Center.objects.count() == 2


def test_duplicate_code_names_the_field_and_saves_nothing(api_as, world):
    client = api_as(world["national_admin"])
    response = post(client, payload(world, code=world["foreign"].center.code))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"code"}
    assert Center.objects.count() == 2


def test_malformed_json_is_a_400(api_as, world):
    client = api_as(world["national_admin"])
    response = client.post(f"{API}/centers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert Center.objects.count() == 2


@pytest.mark.parametrize(("language", "header"), [("fr", "en"), ("fr", "fr"), ("en", "fr")])
def test_messages_follow_the_users_language(api_as, world, language, header):
    user = world["own"].users["regional_manager"]
    user.language = language
    user.save(update_fields=["language"])
    client = api_as(user)
    data = {k: v for k, v in payload(world).items() if k != "commune"}
    response = post(client, data, headers={"Accept-Language": header})
    assert response.status_code == 422
    assert response["Content-Language"] == language
    message = response.json()["errors"]["commune"][0]
    # Django's own French catalogue translates this message; Forsa's may not exist yet.
    assert (message == "This field is required.") is (language == "en")


def test_anonymous_errors_follow_accept_language(client, world):
    response = client.get(f"{API}/centers/1", headers={"Accept-Language": "fr"})
    assert response.status_code == 401
    assert response["Content-Language"] == "fr"
    assert client.get(f"{API}/centers/1", headers={"Accept-Language": "en"})[
        "Content-Language"
    ] == "en"


def test_director_updates_own_centre(api_as, world):
    center = world["own"].center
    make_trade("couture")
    client = api_as(world["own"].users["center_director"])
    response = patch(client, center, {"capacity": 150, "trades": ["couture"]})
    assert response.status_code == 200, response.content
    assert response.json()["capacity"] == 150
    assert response.json()["trades"] == ["couture"]
    center.refresh_from_db()
    assert center.capacity == 150
    assert center.name_fr  # untouched fields keep their value
    assert AuditEntry.objects.filter(target_id=str(center.pk), action="update").exists()


def test_regional_manager_moves_centre_within_region(api_as, world):
    center = world["own"].center
    commune = commune_in("01", 11)
    response = patch(api_as(world["own"].users["regional_manager"]), center, {"commune": commune.code})
    assert response.status_code == 200, response.content
    assert response.json()["commune"] == commune.code
    assert response.json()["province"] == commune.province.code


def test_regional_manager_cannot_move_centre_to_another_region(api_as, world):
    center = world["own"].center
    client = api_as(world["own"].users["regional_manager"])
    response = patch(client, center, {"commune": commune_in("06", 2).code})
    assert response.status_code == 403
    center.refresh_from_db()
    assert center.region.code == "01"


@pytest.mark.parametrize("role", ["educator", "counsellor"])
def test_educator_cannot_update(api_as, world, role):
    center = world["own"].center
    response = patch(api_as(world["own"].users[role]), center, {"capacity": 5})
    assert response.status_code == 403
    center.refresh_from_db()
    assert center.capacity == 120


def test_partner_viewer_cannot_update(api_as, world):
    response = patch(api_as(world["partner_viewer"]), world["own"].center, {"capacity": 5})
    assert response.status_code == 403


@pytest.mark.parametrize("role", LOCAL_ROLES)
def test_update_of_a_foreign_centre_is_404(api_as, world, role):
    center = world["foreign"].center
    response = patch(api_as(world["own"].users[role]), center, {"capacity": 5})
    assert response.status_code == 404
    center.refresh_from_db()
    assert center.capacity == 120


def test_update_with_bad_data_names_the_field_and_changes_nothing(api_as, world):
    center = world["own"].center
    commune_id = center.commune_id
    client = api_as(world["national_admin"])
    response = patch(client, center, {"capacity": 90, "latitude": 48.85, "longitude": 2.35})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"latitude", "longitude"}
    response = patch(client, center, {"code": world["foreign"].center.code})
    assert set(response.json()["errors"]) == {"code"}
    response = patch(client, center, {"commune": None})
    assert set(response.json()["errors"]) == {"commune"}
    center.refresh_from_db()
    assert (center.capacity, center.latitude, center.commune_id) == (120, None, commune_id)


def test_trades_endpoint(api_as, world):
    make_trade("couture")
    rows = api_as(world["own"].users["educator"]).get(f"{API}/trades").json()
    assert [row["code"] for row in rows] == ["couture"]
