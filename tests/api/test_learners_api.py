"""Learners through /api/v1/: scope per role, sensitive fields, intake, duplicates, transfer, exit, access log."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forsa.audit.models import AuditEntry
from forsa.learners import services
from forsa.learners.models import Consent, Enrollment, FollowUp, Guardian, Learner
from tests.api.conftest import API, queries_for
from tests.factories import make_center, make_group, make_learner

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
LOCAL_ROLES = [
    "regional_manager", "provincial_manager", "association_manager",
    "center_director", "educator", "counsellor",
]
NOTES = "Famille en grande difficulté"
HAJAR = {"first_name": "Hajar", "last_name": "Ouazzani", "first_name_ar": "هاجر", "last_name_ar": "الوزاني",
         "birth_date": "2011-06-01"}


def today():
    return timezone.localdate()


def school_year_of(day):
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def user_of(world, key):
    return world.get(key) or world["own"].users[key]


@pytest.fixture
def people(world):
    """In each side's centre: a group taught by the side's educator with a learner in it, a learner
    outside it, a learner who left (with follow-ups due), and a sibling centre of the same association.
    """
    for label, identity in (("own", {}), ("foreign", HAJAR)):
        side = world[label]
        side.group = make_group(side.center, educators=[side.users["educator"]])
        side.learner = make_learner(side.center, groups=[side.group], **identity)
        side.outsider = make_learner(side.center, first_name="Youssef", last_name="Amrani", first_name_ar="يوسف",
                                     last_name_ar="العمراني", sex="M", birth_date="2012-02-02")
        side.leaver = make_learner(side.center, groups=[side.group], first_name="Imane", last_name="Bennani",
                                   first_name_ar="إيمان", last_name_ar="بناني", birth_date="2010-10-10")
        services.learner_exit(actor=None, learner=side.leaver, exit_date=D("2026-10-01"), outcome="moved")
        side.sibling = make_center(side.association, side.region_code, commune=side.center.commune)
    # The own learner's household situation, entered under consent.
    services.learner_update(actor=None, learner=world["own"].learner, orphanhood="father", travel_minutes=45,
                            is_working_child=True, notes=NOTES)
    return world


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def post(client, url, data):
    return client.post(f"{API}{url}", data, content_type="application/json")


def patch(client, url, data):
    return client.patch(f"{API}{url}", data, content_type="application/json")


def intake_payload(world, side="own", **overrides):
    center = world[side].center
    data = {
        "center": center.pk, "school_year": "2026-2027", "start_date": "2026-09-15", "groups": [],
        "first_name": "Nadia", "last_name": "Tazi", "first_name_ar": "نادية", "last_name_ar": "التازي",
        "sex": "F", "birth_date": "2012-04-10", "birthplace": "Fès", "commune": center.commune.code,
        "phone": "0612345678", "last_level": "P6", "year_left": 2024, "reasons_left": ["economic", "distance"],
        "referral": "school",
        "guardians": [{"full_name": "Latifa Tazi", "relation": "mother", "phone": "0611223344", "cin": "C123456"}],
        "consent": {"guardian": 0, "given_on": "2026-09-15", "photos": True},
    }
    return data | overrides


def counts():
    return tuple(model.objects.count() for model in (Learner, Guardian, Consent, Enrollment))


# What each endpoint does to one learner of ``side`` (the learner in the educator's group).

def call_file(client, side, world):
    return client.get(f"{API}/learners/{side.learner.pk}")


def call_access_log(client, side, world):
    return client.get(f"{API}/learners/{side.learner.pk}/access-log")


def call_patch(client, side, world):
    return patch(client, f"/learners/{side.learner.pk}", {"phone": "0699887766"})


def call_withdraw(client, side, world):
    consent = side.learner.consents.get(purpose="data")
    return post(client, f"/learners/{side.learner.pk}/consents/{consent.pk}/withdraw",
                {"withdrawn_on": today().isoformat(), "reason": "demande de la mère"})


def call_follow_up(client, side, world):
    follow_up = side.leaver.follow_ups.get(months=3)
    return post(client, f"/follow-ups/{follow_up.pk}", {"done_on": today().isoformat(), "situation": "school"})


def call_transfer(client, side, world):
    return post(client, f"/learners/{side.learner.pk}/transfer",
                {"to_center": world["own"].sibling.pk, "transfer_date": today().isoformat()})


def call_exit(client, side, world):
    return post(client, f"/learners/{side.learner.pk}/exit", {"exit_date": today().isoformat(), "outcome": "moved"})


CALLS = {
    "file": call_file, "access_log": call_access_log, "patch": call_patch, "withdraw": call_withdraw,
    "follow_up": call_follow_up, "transfer": call_transfer, "exit": call_exit,
}
# Own scope: what each role gets. 403: in scope, but the role may not. The director sends the
# learner out to the sibling centre, outside their scope (any open centre is a destination): the
# exit that follows is then 404 for them.
EXPECTED = {
    "regional_manager": (200, 403, 403, 403, 403, 403, 403),
    "provincial_manager": (200, 403, 403, 403, 403, 403, 403),
    "association_manager": (200, 403, 200, 200, 403, 201, 403),
    "center_director": (200, 200, 200, 200, 200, 201, 404),
    "educator": (200, 403, 200, 200, 200, 403, 201),
    "counsellor": (200, 403, 200, 200, 200, 403, 201),
    "national_admin": (200, 200, 200, 200, 200, 201, 201),
    "national_analyst": (200, 403, 403, 403, 403, 403, 403),
}


# Scope --------------------------------------------------------------------------------


def test_anonymous_gets_401(client, people):
    own = people["own"]
    assert client.get(f"{API}/learners").status_code == 401
    assert client.get(f"{API}/follow-ups").status_code == 401
    assert post(client, "/learners", intake_payload(people)).status_code == 401
    for name, call in CALLS.items():
        assert call(client, own, people).status_code == 401, name
    assert not AuditEntry.objects.filter(action="view").exists()


@pytest.mark.parametrize("user_key", list(EXPECTED))
def test_each_endpoint_in_own_scope(api_as, people, user_key):
    client = api_as(user_of(people, user_key))
    got = tuple(call(client, people["own"], people).status_code for call in CALLS.values())
    assert dict(zip(CALLS, got, strict=True)) == dict(zip(CALLS, EXPECTED[user_key], strict=True))


@pytest.mark.parametrize("role", LOCAL_ROLES)
def test_foreign_learners_do_not_exist(api_as, people, role):
    own, foreign = people["own"], people["foreign"]
    client = api_as(own.users[role])
    expected = {own.learner.pk, own.leaver.pk, own.outsider.pk}
    if role == "educator":
        expected -= {own.outsider.pk}  # not in a group they teach
    assert ids(client.get(f"{API}/learners", {"page_size": 100})) == expected
    due = client.get(f"{API}/follow-ups", {"horizon_days": 366}).json()["items"]
    assert {row["learner"]["id"] for row in due} == {own.leaver.pk}

    before = (counts(), AuditEntry.objects.count(), FollowUp.objects.filter(done_on__isnull=False).count())
    for name, call in CALLS.items():
        response = call(client, foreign, people)
        assert response.status_code == 404, (name, response.content)  # not 403: existence does not leak
        assert response.json() == client.get(f"{API}/learners/999999").json()
    assert (counts(), AuditEntry.objects.count(), FollowUp.objects.filter(done_on__isnull=False).count()) == before
    foreign.learner.refresh_from_db()
    assert (foreign.learner.phone, foreign.learner.status, foreign.learner.center) == (
        "", "enrolled", foreign.center)


def test_educator_sees_only_the_learners_of_their_groups(api_as, people):
    own = people["own"]
    client = api_as(own.users["educator"])
    outsider = own.outsider  # same centre, not in the educator's group
    assert client.get(f"{API}/learners/{outsider.pk}").status_code == 404
    assert patch(client, f"/learners/{outsider.pk}", {"phone": "0699887766"}).status_code == 404
    assert post(client, f"/learners/{outsider.pk}/exit",
                {"exit_date": today().isoformat(), "outcome": "moved"}).status_code == 404
    assert ids(client.get(f"{API}/learners", {"q": "Amrani"})) == set()
    assert ids(api_as(own.users["counsellor"]).get(f"{API}/learners", {"q": "Amrani"})) == {outsider.pk}


@pytest.mark.parametrize("user_key", ["national_admin", "national_analyst"])
def test_national_roles_see_every_learner(api_as, people, user_key):
    client = api_as(people[user_key])
    found = ids(client.get(f"{API}/learners", {"page_size": 100}))
    assert found == set(Learner.objects.values_list("pk", flat=True))


def test_partner_viewer_never_sees_a_person(api_as, people):
    """The list and the worklist are empty; everything that names a learner is 404; intake is 403."""
    client = api_as(people["partner_viewer"])
    body = client.get(f"{API}/learners").json()
    assert (body["count"], body["items"]) == (0, [])
    assert client.get(f"{API}/learners", {"center": people["own"].center.pk}).json()["items"] == []
    assert client.get(f"{API}/follow-ups", {"horizon_days": 366}).json()["items"] == []
    for side in (people["own"], people["foreign"]):
        for name, call in CALLS.items():
            assert call(client, side, people).status_code == 404, name
    assert post(client, "/learners", intake_payload(people)).status_code == 403
    assert not AuditEntry.objects.filter(action="view").exists()


def test_token_client_reads_like_a_session(token_client, people):
    client = token_client(people["own"].users["center_director"])
    assert people["own"].learner.pk in ids(client.get(f"{API}/learners"))
    assert client.get(f"{API}/learners/{people['foreign'].learner.pk}").status_code == 404


# The file and its sensitive fields ------------------------------------------------------


@pytest.mark.parametrize("user_key", ["counsellor", "center_director", "national_admin"])
def test_sensitive_fields_for_the_roles_that_need_them(api_as, people, user_key):
    body = api_as(user_of(people, user_key)).get(f"{API}/learners/{people['own'].learner.pk}").json()
    assert body["household"] == {"orphanhood": "father", "has_disability": None, "is_working_child": True,
                                 "travel_minutes": 45}
    assert body["notes"] == NOTES


@pytest.mark.parametrize(
    "user_key", ["educator", "regional_manager", "provincial_manager", "association_manager", "national_analyst"]
)
def test_sensitive_fields_hidden_from_other_roles(api_as, people, user_key):
    client = api_as(user_of(people, user_key))
    response = client.get(f"{API}/learners/{people['own'].learner.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["household"] is None and body["notes"] is None
    assert NOTES not in response.content.decode()
    assert "father" not in response.content.decode()
    # Nor in the list, whoever asks.
    assert "household" not in client.get(f"{API}/learners").json()["items"][0]


def test_file_shape(api_as, people):
    own = people["own"]
    body = api_as(own.users["center_director"]).get(f"{API}/learners/{own.learner.pk}").json()
    assert (body["id"], body["first_name"], body["last_name_ar"]) == (own.learner.pk, "Salma", "برادة")
    assert body["center"] == {"id": own.center.pk, "code": own.center.code, "name": own.center.name}
    assert body["commune"] == own.center.commune.code
    assert body["age"] == own.learner.age() and body["status"] == "enrolled"
    assert body["reasons_left"] == ["economic"]
    [guardian] = body["guardians"]
    assert (guardian["full_name"], guardian["relation"]) == ("Khadija Berrada", "mother")
    [consent] = body["consents"]
    assert (consent["purpose"], consent["guardian"], consent["active"]) == ("data", guardian["id"], True)
    [enrollment] = body["enrollments"]
    assert (enrollment["school_year"], enrollment["status"], enrollment["transferred_from"]) == (
        "2026-2027", "active", None)
    center = {"id": own.center.pk, "code": own.center.code, "name": own.center.name}
    assert enrollment["placements"] == [{"group": {"id": own.group.pk, "name": own.group.name, "kind": "catch_up",
                                                   "school_year": "2026-2027", "center": center},
                                         "start_date": "2026-09-15", "end_date": None}]
    assert enrollment["stages"] == [{"stage": "intake", "start_date": "2026-09-15"}]
    assert (enrollment["tracks"], enrollment["plan"], enrollment["exit"]) == ([], None, None)


def test_each_opening_of_a_file_is_logged(api_as, people):
    own = people["own"]
    director, educator = own.users["center_director"], own.users["educator"]
    api_as(educator).get(f"{API}/learners/{own.learner.pk}")
    client = api_as(director)
    client.get(f"{API}/learners/{own.learner.pk}")
    client.get(f"{API}/learners/{own.learner.pk}")
    views = AuditEntry.objects.filter(target_id=str(own.learner.pk), action="view")
    assert sorted(views.values_list("actor__email", flat=True)) == sorted(
        [educator.email, director.email, director.email])

    log = client.get(f"{API}/learners/{own.learner.pk}/access-log").json()["items"]
    assert [(e["action"], e["actor"]) for e in log[:3]] == [
        ("view", director.full_name), ("view", director.full_name), ("view", educator.full_name)]
    assert log[-1]["action"] == "create"
    assert not views.filter(actor=None).exists()
    # The history says the household situation changed, never what it says.
    assert all(value == ["•••", "•••"] for e in log for name, value in e["changes"].items()
               if name in ("notes", "orphanhood", "travel_minutes"))
    assert NOTES not in str(log)


@pytest.mark.parametrize("user_key", ["counsellor", "educator", "regional_manager", "association_manager"])
def test_access_log_is_for_directors_and_national_admins(api_as, people, user_key):
    client = api_as(user_of(people, user_key))
    response = client.get(f"{API}/learners/{people['own'].learner.pk}/access-log")
    assert response.status_code == 403
    assert client.get(f"{API}/learners/{people['foreign'].learner.pk}/access-log").status_code == 404


def test_national_admin_reads_any_access_log(api_as, people):
    client = api_as(people["national_admin"])
    response = client.get(f"{API}/learners/{people['foreign'].learner.pk}/access-log")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


# List, search and filters --------------------------------------------------------------


def test_search_and_filters(api_as, people):
    own = people["own"]
    coded = make_learner(own.center, first_name="Mohamed", last_name="El Idrissi", first_name_ar="محمد",
                         last_name_ar="الإدريسي", sex="M", massar_code="J130045678", cin="AB123456",
                         birth_date="2008-12-01")
    services.track_start(actor=None, enrollment=coded.enrollments.get(), track="trade", start_date=D("2026-10-01"))
    client = api_as(own.users["center_director"])

    def found(**params):
        return ids(client.get(f"{API}/learners", params))

    assert found(q="idrissi") == {coded.pk}
    assert found(q="الادريسي") == {coded.pk}  # the Arabic spelling without hamza
    assert found(q="j130045678") == {coded.pk}
    assert found(q="AB123456") == {coded.pk}
    assert found(sex="M") == {coded.pk, own.outsider.pk}
    assert found(status="exited") == {own.leaver.pk}
    assert found(group=own.group.pk) == {own.learner.pk}  # the leaver's placement ended at exit
    assert found(track="trade") == {coded.pk}
    assert found(age_band="17-18") == {coded.pk}
    assert found(center=own.center.pk, sex="F", status="enrolled") == {own.learner.pk}


def test_invalid_filter_values_name_the_field(api_as, people):
    client = api_as(people["own"].users["center_director"])
    # values outside the choices the document lists, then ids of another scope (read by the filter)
    response = client.get(f"{API}/learners", {"sex": "X", "age_band": "99", "status": "gone", "track": "nope"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sex", "age_band", "status", "track"}
    response = client.get(f"{API}/learners", {"group": people["foreign"].group.pk,
                                              "center": people["foreign"].center.pk})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"group", "center"}
    assert client.get(f"{API}/learners", {"page_size": 0}).status_code == 422


def test_pagination(api_as, people):
    client = api_as(people["own"].users["center_director"])
    body = client.get(f"{API}/learners", {"page_size": 2}).json()
    assert (body["count"], body["page"], body["page_size"], len(body["items"])) == (3, 1, 2, 2)
    assert len(client.get(f"{API}/learners", {"page_size": 2, "page": 2}).json()["items"]) == 1


# Intake --------------------------------------------------------------------------------


def test_intake(api_as, people):
    own = people["own"]
    director = own.users["center_director"]
    data = intake_payload(people, groups=[own.group.pk], orphanhood="mother", travel_minutes=30)
    response = post(api_as(director), "/learners", data)
    assert response.status_code == 201, response.content
    body = response.json()
    learner = Learner.objects.get(pk=body["id"])
    assert (learner.first_name_ar, learner.center, learner.created_by) == ("نادية", own.center, director)
    assert body["household"]["orphanhood"] == "mother"  # the director may see what they entered
    guardian = learner.guardians.get()
    assert (guardian.full_name, guardian.cin) == ("Latifa Tazi", "C123456")
    assert {(c.purpose, c.guardian_id) for c in learner.consents.all()} == {("data", guardian.pk),
                                                                           ("photos", guardian.pk)}
    enrollment = learner.enrollments.get()
    assert (enrollment.status, enrollment.school_year) == ("active", "2026-2027")
    assert [p.group for p in enrollment.placements.all()] == [own.group]
    assert AuditEntry.objects.filter(target_id=str(learner.pk), action="create").exists()


def test_intake_trims_spaces_and_accepts_arabic_only_names(api_as, people):
    data = intake_payload(people, first_name="", last_name="", first_name_ar="  نادية ")
    response = post(api_as(people["own"].users["educator"]), "/learners", data)
    assert response.status_code == 201, response.content
    assert Learner.objects.get(pk=response.json()["id"]).first_name_ar == "نادية"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"massar_code": "123"}, {"massar_code"}),
        ({"cin": "12AB"}, {"cin"}),
        ({"phone": "12345"}, {"phone"}),
        ({"birth_date": "2031-01-01", "year_left": None}, {"birth_date"}),
        ({"birth_date": "14/03/2011"}, {"birth_date"}),
        ({"first_name": "", "last_name": " ", "first_name_ar": "", "last_name_ar": ""}, {"first_name", "last_name"}),
        ({"sex": "X"}, {"sex"}),
        ({"reasons_left": ["boredom"]}, {"reasons_left.0"}),
        ({"commune": "0000000"}, {"commune"}),
        ({"commune": None}, {"commune"}),
        ({"school_year": "2026"}, {"school_year"}),
        ({"school_year": "2026-2028"}, {"school_year"}),
        ({"start_date": "2031-09-15"}, {"start_date"}),
        ({"guardians": [{"full_name": "Latifa Tazi", "relation": "mother", "phone": "123"}]}, {"guardians.0.phone"}),
        ({"guardians": [{"full_name": "", "relation": "aunt"}]},
         {"guardians.0.full_name", "guardians.0.relation"}),
        ({"consent": {"guardian": 2, "given_on": "2026-09-15"}}, {"consent.guardian"}),
        ({"consent": {"guardian": 0, "given_on": "2031-01-01"}}, {"consent.given_on"}),
        ({"consent": {"guardian": None, "given_on": "2026-09-15"}}, {"consent.guardian"}),  # a minor
        ({"consent": None, "notes": "Père absent"}, {"notes"}),  # sensitive data before consent
    ],
)
def test_intake_with_bad_data_names_the_field_and_saves_nothing(api_as, people, change, fields):
    client = api_as(people["own"].users["center_director"])
    before = counts()
    data = {k: v for k, v in (intake_payload(people) | change).items() if v is not None or k == "consent"}
    response = post(client, "/learners", data)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] and set(body["errors"]) == fields
    assert all(isinstance(m, str) and m for ms in body["errors"].values() for m in ms)
    assert counts() == before


def test_intake_references_outside_the_scope_are_not_valid_choices(api_as, people):
    own, foreign = people["own"], people["foreign"]
    client = api_as(own.users["center_director"])
    before = counts()
    response = post(client, "/learners", intake_payload(people, center=foreign.center.pk))
    assert set(response.json()["errors"]) == {"center"}
    guardians = [{"full_name": "Latifa Tazi", "relation": "mother", "phone": "06"}]
    response = post(client, "/learners", intake_payload(people, center=foreign.center.pk, guardians=guardians))
    assert set(response.json()["errors"]) == {"center", "guardians.0.phone"}  # every error at once
    response = post(client, "/learners", intake_payload(people, groups=[foreign.group.pk]))
    assert set(response.json()["errors"]) == {"groups"}
    last_year = make_group(own.center, name="Atelier 2025", kind="workshop", school_year="2025-2026")
    response = post(client, "/learners", intake_payload(people, groups=[last_year.pk]))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"groups"}  # the service's "group", under the payload's name
    assert counts() == before


@pytest.mark.parametrize("role", ["regional_manager", "provincial_manager"])
def test_managers_above_the_association_cannot_take_in(api_as, people, role):
    before = counts()
    assert post(api_as(people["own"].users[role]), "/learners", intake_payload(people)).status_code == 403
    assert counts() == before


def test_educator_cannot_enter_sensitive_data(api_as, people):
    own = people["own"]
    client = api_as(own.users["educator"])
    before = counts()
    assert post(client, "/learners", intake_payload(people, notes="Père absent")).status_code == 403
    assert counts() == before
    response = patch(client, f"/learners/{own.learner.pk}", {"is_working_child": False})
    assert response.status_code == 403
    response = patch(api_as(own.users["counsellor"]), f"/learners/{own.learner.pk}", {"is_working_child": False})
    assert response.status_code == 200
    assert response.json()["household"]["is_working_child"] is False


def test_age_rule_and_its_override(api_as, people):
    client = api_as(people["own"].users["center_director"])
    too_young = intake_payload(people, birth_date="2014-01-10")  # 12 on 15 September 2026
    response = post(client, "/learners", too_young)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"age_override_reason"} and "12" in errors["age_override_reason"][0]
    assert not Learner.objects.filter(first_name="Nadia").exists()

    response = post(client, "/learners", too_young | {"age_override_reason": "Sœur inscrite, accord de l'AREF"})
    assert response.status_code == 201, response.content
    enrollment = Enrollment.objects.get(learner_id=response.json()["id"])
    assert enrollment.age_override_reason == "Sœur inscrite, accord de l'AREF"


def test_a_centre_allowed_up_to_20(api_as, people):
    own = people["own"]
    center = make_center(own.association, "01", max_age=20)
    data = intake_payload(people, center=center.pk, birth_date="2007-06-01")  # 19
    response = post(api_as(own.users["association_manager"]), "/learners", data)
    assert response.status_code == 201, response.content
    response = post(api_as(own.users["association_manager"]), "/learners",
                    intake_payload(people, birth_date="2007-06-01", first_name="Aya", first_name_ar="آية"))
    assert set(response.json()["errors"]) == {"age_override_reason"}  # the usual centre takes 13 to 18


# Duplicates ----------------------------------------------------------------------------


def test_possible_duplicate_in_another_scope_shows_only_initials(api_as, people):
    """The same adolescent, written in Arabic only, already in another region's centre."""
    foreign = people["foreign"]
    client = api_as(people["own"].users["center_director"])
    data = intake_payload(people, first_name="", last_name="", first_name_ar="هاجر", last_name_ar="الوزانى",
                          birth_date=HAJAR["birth_date"])
    before = counts()
    response = post(client, "/learners", data)
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["detail"] and set(body["errors"]) == {"__all__"}
    [match] = body["matches"]
    assert (match["in_scope"], match["id"], match["name"], match["birth_year"], match["reason"]) == (
        False, None, "H. O.", 2011, "name_and_birth_date")
    assert match["center"] in (foreign.center.name_fr, foreign.center.name_ar)
    assert match["region"] in (foreign.center.region.name_fr, foreign.center.region.name_ar)
    assert set(match) == {"in_scope", "id", "name", "birth_year", "center", "region", "status", "reason", "score"}
    text = response.content.decode()
    for name in ("Hajar", "Ouazzani", "هاجر", "الوزاني"):
        assert name not in text
    assert "phone" not in text and "guardians" not in text
    assert counts() == before

    response = post(client, "/learners", data | {"confirmed_new_person": True})
    assert response.status_code == 201, response.content


def test_possible_duplicate_in_scope_points_at_the_file(api_as, people):
    own = people["own"]
    client = api_as(own.users["center_director"])
    data = intake_payload(people, first_name="Salma", last_name="Berada", first_name_ar="", last_name_ar="",
                          birth_date="2011-03-14")
    response = post(client, "/learners", data)
    assert response.status_code == 409
    [match] = response.json()["matches"]
    assert (match["in_scope"], match["id"], match["name"]) == (True, own.learner.pk, "Salma Berrada")


@pytest.mark.parametrize(("field", "value"), [("massar_code", "J130045678"), ("cin", "AB123456")])
def test_same_identifier_in_another_scope_cannot_be_confirmed_past(api_as, people, field, value):
    foreign = people["foreign"]
    services.learner_update(actor=None, learner=foreign.learner, **{field: value})
    client = api_as(people["own"].users["center_director"])
    before = counts()
    for confirmed in (False, True):
        response = post(client, "/learners", intake_payload(people, confirmed_new_person=confirmed, **{field: value}))
        assert response.status_code == 409, response.content
        body = response.json()
        assert set(body["errors"]) == {field}
        [match] = body["matches"]
        assert (match["in_scope"], match["id"], match["name"], match["reason"]) == (False, None, "H. O.", field)
        assert "Hajar" not in response.content.decode() and "الوزاني" not in response.content.decode()
    assert counts() == before


def test_same_common_name_with_another_birth_date_is_someone_else(api_as, people):
    client = api_as(people["own"].users["center_director"])
    data = intake_payload(people, first_name="Salma", last_name="Berrada", first_name_ar="سلمى",
                          last_name_ar="برادة", birth_date="2012-07-19")
    assert post(client, "/learners", data).status_code == 201


# Edit, consent -------------------------------------------------------------------------


def test_update(api_as, people):
    own = people["own"]
    commune = own.center.commune.province.communes.exclude(pk=own.center.commune_id).first()
    response = patch(api_as(own.users["educator"]), f"/learners/{own.learner.pk}",
                     {"phone": "0699887766", "commune": commune.code, "massar_code": "J130045678"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["phone"], body["commune"], body["massar_code"]) == ("0699887766", commune.code, "J130045678")
    assert body["household"] is None
    own.learner.refresh_from_db()
    assert (own.learner.phone, own.learner.commune, own.learner.first_name) == ("0699887766", commune, "Salma")
    entry = AuditEntry.objects.filter(target_id=str(own.learner.pk), action="update").latest("at")
    assert entry.changes["phone"] == ["", "0699887766"]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"massar_code": "J13"}, {"massar_code"}),
        ({"cin": "123"}, {"cin"}),
        ({"phone": "+33 6 12"}, {"phone"}),
        ({"birth_date": "2031-01-01"}, {"birth_date", "year_left"}),  # year_left: before school age
        ({"first_name": "", "first_name_ar": ""}, {"first_name"}),
        ({"commune": "nope"}, {"commune"}),
        ({"last_level": None}, {"last_level"}),
    ],
)
def test_update_with_bad_data_names_the_field_and_changes_nothing(api_as, people, change, fields):
    own = people["own"]
    response = patch(api_as(own.users["center_director"]), f"/learners/{own.learner.pk}", change)
    assert response.status_code == 422, response.content
    assert set(response.json()["errors"]) == fields
    learner = Learner.objects.get(pk=own.learner.pk)
    assert (learner.first_name, learner.massar_code, learner.phone, learner.last_level) == ("Salma", "", "", "P5")


def test_withdrawing_consent_erases_the_household_situation(api_as, people):
    own = people["own"]
    client = api_as(own.users["counsellor"])
    consent = own.learner.consents.get(purpose="data")
    url = f"/learners/{own.learner.pk}/consents/{consent.pk}/withdraw"
    response = post(client, url, {"withdrawn_on": today().isoformat(), "reason": "demande de la mère"})
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["withdrawn_on"]) == (False, today().isoformat())
    body = client.get(f"{API}/learners/{own.learner.pk}").json()
    assert body["household"] == {"orphanhood": "", "has_disability": None, "is_working_child": None,
                                 "travel_minutes": None}
    assert body["notes"] == "" and body["first_name"] == "Salma" and len(body["enrollments"]) == 1
    assert post(client, url, {"withdrawn_on": today().isoformat()}).status_code == 422  # already withdrawn
    response = patch(client, f"/learners/{own.learner.pk}", {"notes": "Nouvelle note"})
    assert set(response.json()["errors"]) == {"notes"}  # no sensitive data without consent


def test_a_consent_is_reached_only_through_its_learner(api_as, people):
    own = people["own"]
    other = own.outsider.consents.get(purpose="data")
    response = post(api_as(own.users["center_director"]),
                    f"/learners/{own.learner.pk}/consents/{other.pk}/withdraw", {"withdrawn_on": "2026-10-01"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active


# Transfer ------------------------------------------------------------------------------


def test_transfer_keeps_history(api_as, people):
    own = people["own"]
    manager = own.users["association_manager"]
    workshop = make_group(own.sibling, name="Couture", kind="workshop")
    old = own.learner.enrollments.get()
    client = api_as(manager)
    response = post(client, f"/learners/{own.learner.pk}/transfer",
                    {"to_center": own.sibling.pk, "transfer_date": today().isoformat(), "groups": [workshop.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["center"]["id"], body["status"], body["transferred_from"]) == (own.sibling.pk, "active", old.pk)
    assert [p["group"]["id"] for p in body["placements"]] == [workshop.pk]

    enrollments = client.get(f"{API}/learners/{own.learner.pk}").json()["enrollments"]
    assert [(e["center"]["id"], e["status"]) for e in enrollments] == [
        (own.sibling.pk, "active"), (own.center.pk, "transferred")]
    assert enrollments[1]["end_date"] == today().isoformat()
    assert enrollments[1]["placements"][0]["end_date"] == today().isoformat()
    # The learner has left the first centre: its staff no longer see them; the new centre's do.
    assert client.get(f"{API}/learners/{own.learner.pk}").json()["center"]["id"] == own.sibling.pk
    assert api_as(own.users["center_director"]).get(f"{API}/learners/{own.learner.pk}").status_code == 404


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"transfer_date": "2026-09-01"}, {"transfer_date"}),  # before the current enrolment began
        ({"transfer_date": "2031-01-01"}, {"transfer_date"}),
        ({"to_center": "own"}, {"to_center"}),
        ({"to_center": "closed"}, {"to_center"}),
        ({"school_year": "2026-2028"}, {"school_year"}),
    ],
)
def test_transfer_with_bad_data_names_the_field_and_changes_nothing(api_as, people, change, fields):
    own = people["own"]
    centers = {"own": own.center.pk, "closed": make_center(own.association, "01", status="closed").pk}
    data = {"to_center": own.sibling.pk, "transfer_date": today().isoformat()} | change
    data["to_center"] = centers.get(data["to_center"], data["to_center"])
    response = post(api_as(own.users["association_manager"]), f"/learners/{own.learner.pk}/transfer", data)
    assert response.status_code == 422, response.content
    assert set(response.json()["errors"]) == fields
    assert own.learner.enrollments.get().status == "active"


# Exit and follow-ups -------------------------------------------------------------------


def test_exit_schedules_follow_ups_and_the_worklist_shows_those_due(api_as, people):
    own = people["own"]
    start = today() - datetime.timedelta(days=200)
    group = make_group(own.center, name="Rattrapage B", school_year=school_year_of(start),
                       educators=[own.users["educator"]])
    learner = make_learner(own.center, groups=[group], start_date=start.isoformat(),
                           school_year=school_year_of(start), first_name="Karim", last_name="Saidi",
                           first_name_ar="كريم", last_name_ar="السعيدي", sex="M", birth_date="2011-01-20")
    director = api_as(own.users["center_director"])
    exit_date = today() - datetime.timedelta(days=100)
    url = f"/learners/{learner.pk}/exit"
    response = post(director, url, {"exit_date": exit_date.isoformat(), "outcome": "vocational"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"training_provider", "programme"}
    response = post(director, url, {"exit_date": (start - datetime.timedelta(days=1)).isoformat(),
                                    "outcome": "moved"})
    assert set(response.json()["errors"]) == {"exit_date"}  # before the enrolment began
    assert learner.enrollments.get().status == "active"

    response = post(director, url, {"exit_date": exit_date.isoformat(), "outcome": "vocational",
                                    "training_provider": "ofppt", "programme": "Électricité du bâtiment"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "vocational"
    assert [(f["months"], f["due_on"]) for f in body["follow_ups"]] == [
        (months, (exit_date + relativedelta(months=months)).isoformat()) for months in (3, 6, 12)]
    learner.refresh_from_db()
    assert learner.status == "exited"

    def worklist(client, **params):
        return {(row["learner"]["id"], row["months"]): row for row in
                client.get(f"{API}/follow-ups", params).json()["items"]}

    due = worklist(director)
    assert {key for key in due if key[0] == learner.pk} == {(learner.pk, 3)}  # +6 is months away
    assert due[(learner.pk, 3)]["overdue"] is True
    assert due[(learner.pk, 3)]["outcome"] == "vocational"
    assert due[(learner.pk, 3)]["learner"]["name"] == "Karim Saidi"
    assert set(worklist(director, horizon_days=120)) >= {(learner.pk, 3), (learner.pk, 6)}
    assert (learner.pk, 3) in worklist(api_as(own.users["educator"]))
    assert (learner.pk, 3) in worklist(api_as(own.users["regional_manager"]))
    assert (learner.pk, 3) not in worklist(api_as(people["foreign"].users["center_director"]))

    follow_up = learner.follow_ups.get(months=3)
    director = api_as(own.users["center_director"])  # the test client was lent to the others above
    response = post(director, f"/follow-ups/{follow_up.pk}", {"done_on": today().isoformat(), "situation": ""})
    assert set(response.json()["errors"]) == {"situation"}
    response = post(director, f"/follow-ups/{follow_up.pk}",
                    {"done_on": today().isoformat(), "situation": "vocational", "notes": "En 2e année"})
    assert response.status_code == 200, response.content
    assert (response.json()["done_on"], response.json()["situation"]) == (today().isoformat(), "vocational")
    assert (learner.pk, 3) not in worklist(director)

    [enrollment] = director.get(f"{API}/learners/{learner.pk}").json()["enrollments"]
    assert enrollment["status"] == "exited"
    assert enrollment["stages"][-1]["stage"] == "exit"
    assert enrollment["exit"]["follow_ups"][0]["situation"] == "vocational"


def test_follow_up_with_bad_data(api_as, people):
    own = people["own"]
    follow_up = own.leaver.follow_ups.get(months=3)
    client = api_as(own.users["counsellor"])
    for data, field in (({"done_on": "2026-09-20", "situation": "school"}, "done_on"),  # before the exit
                        ({"done_on": "2031-01-01", "situation": "school"}, "done_on"),
                        ({"done_on": today().isoformat(), "situation": "astronaut"}, "situation")):
        response = post(client, f"/follow-ups/{follow_up.pk}", data)
        assert response.status_code == 422
        assert set(response.json()["errors"]) == {field}
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_worklist_horizon_is_bounded(api_as, people):
    client = api_as(people["own"].users["center_director"])
    assert client.get(f"{API}/follow-ups", {"horizon_days": -1}).status_code == 422
    assert set(client.get(f"{API}/follow-ups", {"horizon_days": "soon"}).json()["errors"]) == {"horizon_days"}


# Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("user_key", ["national_admin", "regional_manager", "center_director", "educator"])
def test_list_query_count_does_not_grow_with_rows(api_as, people, django_assert_max_num_queries, user_key):
    own = people["own"]
    client = api_as(user_of(people, user_key))
    url = f"{API}/learners?page_size=100"
    # session, user, memberships, count, the page's ids, its rows (a deferred join, see core/pagination.py)
    few = queries_for(client, url, django_assert_max_num_queries, 6)
    for n in range(25):
        make_learner(own.center, groups=[own.group], first_name=f"Learner{n}", birth_date=f"2011-01-{n + 1:02d}")
    many = queries_for(client, url, django_assert_max_num_queries, 6)
    assert many == few
    assert len(client.get(url).json()["items"]) >= 26


def test_filtered_list_query_count_is_bounded(api_as, people, django_assert_max_num_queries):
    own = people["own"]
    client = api_as(own.users["center_director"])
    url = (f"{API}/learners?q=salma&center={own.center.pk}&group={own.group.pk}&sex=F&age_band=15-16"
           f"&status=enrolled&track=catch_up")
    queries_for(client, url, django_assert_max_num_queries, 7)  # + the centre and the group of the filters


# Session, user, memberships, the learner, its enrolments, placements (with groups), stages, tracks, plan
# reviews, their reviewers, follow-ups, guardians, consents, the consents' guardians; the access log entry.
FILE_QUERIES = 15


@pytest.mark.parametrize("user_key", ["center_director", "educator", "national_admin"])
def test_file_query_count_does_not_grow_with_history(api_as, people, django_assert_max_num_queries, user_key):
    own, admin, counsellor = people["own"], people["national_admin"], people["own"].users["counsellor"]
    client = api_as(user_of(people, user_key))
    learner = own.learner
    url = f"{API}/learners/{learner.pk}"
    queries_for(client, url, django_assert_max_num_queries, FILE_QUERIES)  # a new file

    # One of each: a plan with a review, an exit with its follow-ups, a return.
    first = learner.enrollments.get()
    plan = services.plan_set(actor=None, enrollment=first, goals="Lire et écrire couramment")
    services.plan_review_add(actor=counsellor, plan=plan, reviewed_on=D("2026-10-01"), notes="Progrès")
    services.learner_exit(actor=None, learner=learner, exit_date=D("2026-10-20"), outcome="dropout",
                          dropout_reason="family")
    services.learner_enroll(actor=None, learner=learner, center=own.center, school_year="2026-2027",
                            start_date=D("2026-11-01"), groups=[own.group])
    few = queries_for(client, url, django_assert_max_num_queries, FILE_QUERIES)

    # Much more: guardians, consents, reviews, tracks, stages, a plan per enrolment, transfers away and back.
    for name in ("Ahmed Berrada", "Zineb Berrada", "Omar Berrada"):
        services.guardian_add(actor=None, learner=learner, full_name=name, relation="other")
    services.consent_record(actor=None, learner=learner, purpose="photos", given_on=D("2026-09-16"),
                            guardian=learner.guardians.last())
    for day in ("2026-10-08", "2026-10-15"):
        services.plan_review_add(actor=own.users["center_director"], plan=plan, reviewed_on=D(day), notes="Suivi")
    second = learner.enrollments.get(status="active")
    for track in ("catch_up", "personal_development", "psychosocial"):
        services.track_start(actor=None, enrollment=second, track=track, start_date=D("2026-11-02"))
    services.pathway_advance(actor=None, enrollment=second, stage="catch_up", start_date=D("2026-11-03"))
    services.plan_review_add(actor=counsellor, reviewed_on=D("2026-11-04"), notes="Reprise",
                             plan=services.plan_set(actor=None, enrollment=second, goals="Reprendre le rythme"))
    services.learner_transfer(actor=admin, learner=learner, to_center=own.sibling, transfer_date=D("2026-11-10"))
    services.learner_transfer(actor=admin, learner=learner, to_center=own.center, transfer_date=D("2026-11-20"),
                              groups=[own.group])

    many = queries_for(client, url, django_assert_max_num_queries, FILE_QUERIES)
    assert many == few
    body = client.get(url).json()
    assert len(body["enrollments"]) == 4 and len(body["guardians"]) == 4 and len(body["consents"]) == 2
    assert [e["status"] for e in body["enrollments"]] == ["active", "transferred", "transferred", "exited"]
    assert len(body["enrollments"][-1]["plan"]["reviews"]) == 3
    assert len(body["enrollments"][-1]["exit"]["follow_ups"]) == 3
    assert len(body["enrollments"][2]["tracks"]) == 3


# The published description -------------------------------------------------------------


def test_openapi_lists_the_learner_endpoints(client):
    document = client.get(f"{API}/openapi.json").json()
    paths = {path: set(ops) for path, ops in document["paths"].items()
             if path.startswith(("/api/v1/learners", "/api/v1/follow-ups"))}  # this router's, not other apps'

    assert paths == {
        "/api/v1/learners": {"get", "post"},
        "/api/v1/learners/{learner_id}": {"get", "patch"},
        "/api/v1/learners/{learner_id}/transfer": {"post"},
        "/api/v1/learners/{learner_id}/exit": {"post"},
        "/api/v1/learners/{learner_id}/enrollments": {"post"},
        "/api/v1/learners/{learner_id}/consents/{consent_id}/withdraw": {"post"},
        "/api/v1/learners/{learner_id}/access-log": {"get"},
        "/api/v1/learners/{learner_id}/attendance": {"get"},
        "/api/v1/follow-ups": {"get"},
        "/api/v1/follow-ups/{follow_up_id}": {"post"},
    }
    assert set(document["paths"]["/api/v1/learners"]["post"]["responses"]) >= {"201", "403", "409", "422"}
    params = {p["name"] for p in document["paths"]["/api/v1/learners"]["get"]["parameters"]}
    assert params == {"q", "center", "group", "sex", "age_band", "status", "track", "consent", "page", "page_size"}
    file_out = document["components"]["schemas"]["LearnerFileOut"]["properties"]
    assert {"household", "notes", "guardians", "consents", "enrollments"} <= set(file_out)
