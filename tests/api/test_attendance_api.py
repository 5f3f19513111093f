"""Attendance through /api/v1/: scope per role, idempotent roll calls, refusals, corrections, rates, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forsa.attendance import services
from forsa.attendance.models import Absence, Session
from forsa.audit.models import AuditEntry
from tests.api.conftest import API, queries_for
from tests.factories import make_center, make_group, make_learner

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
LOCAL_ROLES = [
    "regional_manager", "provincial_manager", "association_manager",
    "center_director", "educator", "counsellor",
]
TAKERS = ["center_director", "educator"]  # in their own centre: the group's educator and the director
NAMES = ["Amina", "Bilal", "Chaimae"]


def today():
    return timezone.localdate()


def user_of(world, key):
    return world.get(key) or world["own"].users[key]


@pytest.fixture
def classes(world):
    """In each side's centre: a group taught by the side's educator with three learners from 15 Sept.,
    and one roll call (5 Oct., morning) with the first learner absent and the third late."""
    for label in ("own", "foreign"):
        side = world[label]
        side.group = make_group(side.center, educators=[side.users["educator"]])
        side.learners = [make_learner(side.center, groups=[side.group], first_name=name,
                                      birth_date=f"2011-0{i + 1}-10") for i, name in enumerate(NAMES)]
        side.roll, _ = services.roll_call_record(
            actor=side.users["educator"], group=side.group, date=D("2026-10-05"), slot="morning",
            marks={side.learners[0].pk: {"kind": "absent"}, side.learners[2].pk: {"kind": "late"}},
        )
    return world


@pytest.fixture
def recent(classes):
    """A roll of today (evening) in each side's group: within the correction window."""
    for label in ("own", "foreign"):
        side = classes[label]
        side.recent, _ = services.roll_call_record(actor=None, group=side.group, date=today(), slot="evening",
                                                   marks={side.learners[1].pk: {"kind": "late"}})
    return classes


def post(client, data):
    return client.post(f"{API}/attendance/rolls", data, content_type="application/json")


def put(client, roll, marks):
    return client.put(f"{API}/attendance/rolls/{roll.pk}/marks", {"marks": marks}, content_type="application/json")


def payload(side, day="2026-10-06", slot="morning", key="phone-1-0001", marks=None, **extra):
    return {"group": side.group.pk, "date": str(day), "slot": slot, "client_key": key,
            "marks": marks if marks is not None else [{"learner": side.learners[1].pk, "kind": "absent"}]} | extra


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def written():
    return Session.objects.count(), Absence.objects.count(), AuditEntry.objects.count()


# What each endpoint does to the roll, group and learner of ``side``.

def call_detail(client, side):
    return client.get(f"{API}/attendance/rolls/{side.roll.pk}")


def call_expected(client, side):
    return client.get(f"{API}/attendance/groups/{side.group.pk}/expected", {"date": "2026-10-05"})


def call_learner(client, side):
    return client.get(f"{API}/learners/{side.learners[0].pk}/attendance", {"start": "2026-10-01"})


def call_record(client, side):
    return post(client, payload(side, key=f"key-{side.group.pk}"))


def call_correct(client, side):
    return put(client, side.recent, [])


READS = {"detail": call_detail, "expected": call_expected, "learner": call_learner}
WRITES = {"record": call_record, "correct": call_correct}


# Scope --------------------------------------------------------------------------------


def test_anonymous_gets_401(client, recent):
    own = recent["own"]
    assert client.get(f"{API}/attendance/rolls").status_code == 401
    assert client.get(f"{API}/attendance/rates").status_code == 401
    for call in (*READS.values(), *WRITES.values()):
        assert call(client, own).status_code == 401


@pytest.mark.parametrize("role", LOCAL_ROLES)
def test_own_rolls_visible_foreign_ones_do_not_exist(api_as, recent, role):
    own, foreign = recent["own"], recent["foreign"]
    client = api_as(own.users[role])
    assert ids(client.get(f"{API}/attendance/rolls")) == {own.roll.pk, own.recent.pk}
    for name, call in READS.items():
        assert call(client, own).status_code == 200, name
        response = call(client, foreign)
        assert response.status_code == 404, name  # not 403: existence does not leak
        assert response.json() == {"detail": "Not found."} or response.json()["detail"]
    before = written()
    for name, call in WRITES.items():
        # a foreign roll in the path does not exist (404); a foreign group in the body is a 422 naming it
        assert call(client, foreign).status_code == {"record": 422, "correct": 404}[name], name
    assert written() == before


@pytest.mark.parametrize("role", LOCAL_ROLES)
def test_who_may_take_and_correct_a_roll_in_scope(api_as, recent, role):
    own = recent["own"]
    client = api_as(own.users[role])
    allowed = role in TAKERS
    assert call_record(client, own).status_code == (201 if allowed else 403)
    assert call_correct(client, own).status_code == (200 if allowed else 403)


@pytest.mark.parametrize("user_key", ["national_admin", "national_analyst"])
def test_national_roles_see_every_roll(api_as, recent, user_key):
    client = api_as(recent[user_key])
    foreign = recent["foreign"]
    assert ids(client.get(f"{API}/attendance/rolls")) == {
        recent["own"].roll.pk, recent["own"].recent.pk, foreign.roll.pk, foreign.recent.pk}
    for call in READS.values():
        assert call(client, foreign).status_code == 200
    # The analyst reads; only the national admin among them takes or corrects a roll.
    allowed = user_key == "national_admin"
    assert call_record(client, foreign).status_code == (201 if allowed else 403)
    assert call_correct(client, foreign).status_code == (200 if allowed else 403)


def test_educator_sees_only_the_groups_they_teach(api_as, classes):
    own = classes["own"]
    other = make_group(own.center, "Atelier couture", kind="workshop")
    learner = make_learner(own.center, groups=[other], first_name="Dounia", birth_date="2012-04-04")
    roll, _ = services.roll_call_record(actor=own.users["center_director"], group=other, date=D("2026-10-05"),
                                        slot="morning", marks={})
    client = api_as(own.users["educator"])
    assert ids(client.get(f"{API}/attendance/rolls")) == {own.roll.pk}
    assert client.get(f"{API}/attendance/rolls/{roll.pk}").status_code == 404
    assert client.get(f"{API}/attendance/groups/{other.pk}/expected").status_code == 404
    assert client.get(f"{API}/learners/{learner.pk}/attendance").status_code == 404
    assert "group" in post(client, payload(own, marks=[]) | {"group": other.pk}).json()["errors"]  # 422
    assert put(client, roll, []).status_code == 404
    # Their director sees both.
    director = api_as(own.users["center_director"])
    assert ids(director.get(f"{API}/attendance/rolls")) == {own.roll.pk, roll.pk}


def test_partners_read_rates_only(api_as, recent):
    own = recent["own"]
    client = api_as(recent["partner_viewer"])
    assert ids(client.get(f"{API}/attendance/rolls")) == set()
    for call in (*READS.values(), WRITES["correct"]):
        assert call(client, own).status_code == 404
    assert "group" in WRITES["record"](client, own).json()["errors"]  # a group they cannot see: 422 naming it
    response = client.get(f"{API}/attendance/rates", {"level": "region", "start": "2026-10-01"})
    assert response.status_code == 200
    assert {row["place"]["code"] for row in response.json()} == {"01", "06"}


# Recording ----------------------------------------------------------------------------


def test_record_answers_the_roll_with_its_counts(api_as, classes):
    own = classes["own"]
    client = api_as(own.users["educator"])
    marks = [{"learner": own.learners[0].pk, "kind": "absent", "justified": True, "reason": "malade"},
             {"learner": own.learners[1].pk, "kind": "late"}]
    response = post(client, payload(own, marks=marks))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["expected"], body["absent"], body["late"], body["present"], body["rate"]) == (3, 1, 1, 2, 66.7)
    assert body["group"]["id"] == own.group.pk and body["slot"] == "morning" and body["activity"] == "catch_up"
    assert body["taken_by"] == own.users["educator"].full_name and body["client_key"] == "phone-1-0001"
    detail = client.get(f"{API}/attendance/rolls/{body['id']}").json()
    assert [(m["learner"], m["kind"], m["justified"], m["reason"]) for m in detail["marks"]] == [
        (own.learners[0].pk, "absent", True, "malade"), (own.learners[1].pk, "late", False, "")]


def test_a_resend_with_the_same_key_changes_nothing(api_as, classes):
    own = classes["own"]
    client = api_as(own.users["educator"])
    before = written()
    first = post(client, payload(own, key="phone-42-0001"))
    again = post(client, payload(own, key="phone-42-0001"))
    # Even a resend whose marks differ (edited offline after the first send) is the roll already saved.
    third = post(client, payload(own, key="phone-42-0001", marks=[]))
    assert (first.status_code, again.status_code, third.status_code) == (201, 200, 200)
    assert first.json() == again.json() == third.json()
    assert written() == (before[0] + 1, before[1] + 1, before[2] + 1)  # one roll, one absence, one entry
    assert Absence.objects.filter(session_id=first.json()["id"]).count() == 1


@pytest.mark.parametrize("change, field", [
    ({"date": "FUTURE"}, "date"),
    ({"marks": "STRANGER"}, "marks"),
    ({"date": "2026-10-05", "key": "another-key"}, "slot"),  # the roll of 5 Oct. morning is taken
    ({"slot": "midnight"}, "slot"),
    ({"activity": "party"}, "activity"),
    ({"marks": [{"learner": "ME", "kind": "asleep"}]}, "marks.0.kind"),
    ({"marks": [{"learner": "ME", "kind": "absent"}, {"learner": "ME", "kind": "late"}]}, "marks.1.learner"),
    ({"key": ""}, "client_key"),
    ({"key": "   "}, "client_key"),
    ({"key": "k" * 65}, "client_key"),
    ({"date": "05/10/2026"}, "date"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(api_as, classes, change, field):
    own = classes["own"]
    stranger = make_learner(own.center, first_name="Zakaria", birth_date="2011-12-12")  # not in the group
    client = api_as(own.users["educator"])
    change = dict(change)
    if change.get("date") == "FUTURE":
        change["date"] = str(today() + datetime.timedelta(days=1))
    if change.get("marks") == "STRANGER":
        change["marks"] = [{"learner": own.learners[0].pk, "kind": "absent"}, {"learner": stranger.pk,
                                                                                "kind": "absent"}]
    for mark in change.get("marks", []):
        mark["learner"] = own.learners[0].pk if mark["learner"] == "ME" else mark["learner"]
    data = payload(own, **{k: v for k, v in change.items() if k not in ("key", "marks")},
                   key=change.get("key", "phone-1-0001"), marks=change.get("marks"))
    before = written()
    response = post(client, data)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert written() == before


def test_missing_fields_are_named(api_as, classes):
    client = api_as(classes["own"].users["educator"])
    response = post(client, {"marks": []})
    assert response.status_code == 422
    assert {"group", "date", "slot", "client_key"} <= set(response.json()["errors"])


def test_a_key_already_used_for_another_roll_is_refused(api_as, classes):
    own = classes["own"]
    client = api_as(own.users["educator"])
    assert post(client, payload(own, key="phone-7")).status_code == 201
    response = post(client, payload(own, key="phone-7", slot="afternoon"))
    assert response.status_code == 422 and "client_key" in response.json()["errors"]
    assert Session.objects.filter(group=own.group).count() == 2


def test_queries_to_record_a_roll_do_not_grow_with_the_group(api_as, classes):
    own = classes["own"]
    client = api_as(own.users["educator"])
    big = make_group(own.center, "Rattrapage B", educators=[own.users["educator"]])
    learners = [make_learner(own.center, groups=[big], first_name=f"Extra{i}", birth_date=f"2011-05-{i + 10}")
                for i in range(20)]

    def count(group, day, marks):
        data = {"group": group.pk, "date": day, "slot": "morning", "client_key": f"{group.pk}-{day}", "marks": marks}
        with CaptureQueriesContext(connection) as context:
            assert post(client, data).status_code == 201
        return len(context.captured_queries)

    count(own.group, "2026-10-01", [])  # warm-up: the session's first request, content types
    small = count(own.group, "2026-10-02", [{"learner": p.pk, "kind": "absent"} for p in own.learners])
    large = count(big, "2026-10-02", [{"learner": p.pk, "kind": "late"} for p in learners])
    assert small == large, (small, large)
    assert large <= 20


# Corrections ---------------------------------------------------------------------------


def test_a_correction_within_the_window_is_logged(api_as, classes):
    own = classes["own"]
    amina, bilal, chaimae = own.learners
    client = api_as(own.users["educator"])
    recent = post(client, payload(own, day=today() - datetime.timedelta(days=2), key="recent")).json()
    response = client.put(f"{API}/attendance/rolls/{recent['id']}/marks",
                          {"marks": [{"learner": amina.pk, "kind": "absent", "justified": True}]},
                          content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["absent"], body["late"]) == (1, 0)
    assert [(m["learner"], m["justified"]) for m in body["marks"]] == [(amina.pk, True)]
    entry = AuditEntry.objects.get(target_id=str(recent["id"]), action="update")
    assert entry.changes["marks"] == [{str(bilal.pk): "absent"}, {str(amina.pk): "absent*"}]
    assert entry.actor == own.users["educator"]


def test_a_correction_after_the_window_is_refused(api_as, classes):
    own = classes["own"]
    client = api_as(own.users["educator"])
    old = own.roll  # 5 Oct.: older than the 7 days of the national rule
    before = list(old.absences.values_list("learner", "kind"))
    response = put(client, old, [{"learner": own.learners[1].pk, "kind": "absent"}])
    assert response.status_code == 422
    assert list(old.absences.values_list("learner", "kind")) == before
    assert not AuditEntry.objects.filter(target_id=str(old.pk), action="update").exists()
    # A bad mark within the window is refused too, naming the marks.
    recent = post(client, payload(own, day=today(), key="today")).json()
    response = client.put(f"{API}/attendance/rolls/{recent['id']}/marks",
                          {"marks": [{"learner": 999999, "kind": "absent"}]}, content_type="application/json")
    assert response.status_code == 422 and "marks" in response.json()["errors"]
    assert Absence.objects.filter(session_id=recent["id"]).count() == 1


# Reading ------------------------------------------------------------------------------


def test_expected_learners_and_rolls_taken(api_as, classes):
    own = classes["own"]
    late_comer = make_learner(own.center, groups=[own.group], first_name="Dounia", birth_date="2012-04-04",
                              start_date="2026-10-20")
    client = api_as(own.users["educator"])
    body = client.get(f"{API}/attendance/groups/{own.group.pk}/expected", {"date": "2026-10-05"}).json()
    assert [row["id"] for row in body["learners"]] == [p.pk for p in own.learners]
    assert body["taken"] == [{"id": own.roll.pk, "slot": "morning"}] and body["date"] == "2026-10-05"
    body = client.get(f"{API}/attendance/groups/{own.group.pk}/expected", {"date": "2026-10-20"}).json()
    assert late_comer.pk in {row["id"] for row in body["learners"]} and body["taken"] == []
    assert client.get(f"{API}/attendance/groups/{own.group.pk}/expected", {"date": "hier"}).status_code == 422


def test_roll_list_filters(api_as, classes):
    own = classes["own"]
    later, _ = services.roll_call_record(actor=own.users["educator"], group=own.group, date=D("2026-11-02"),
                                         slot="afternoon", marks={})
    other = make_group(own.center, "Rattrapage B")
    elsewhere, _ = services.roll_call_record(actor=None, group=other, date=D("2026-10-05"), slot="morning", marks={})
    client = api_as(classes["national_admin"])
    url = f"{API}/attendance/rolls"
    assert ids(client.get(url, {"group": own.group.pk})) == {own.roll.pk, later.pk}
    assert ids(client.get(url, {"center": own.center.pk})) == {own.roll.pk, later.pk, elsewhere.pk}
    assert ids(client.get(url, {"center": own.center.pk, "date_from": "2026-11-01"})) == {later.pk}
    assert ids(client.get(url, {"center": own.center.pk, "date_to": "2026-10-31"})) == {own.roll.pk, elsewhere.pk}
    items = client.get(url, {"page_size": 2}).json()
    assert items["count"] == 4 and len(items["items"]) == 2 and items["items"][0]["id"] == later.pk


def test_learner_calendar_and_rate(api_as, classes):
    own = classes["own"]
    amina = own.learners[0]
    educator = own.users["educator"]
    services.roll_call_record(actor=educator, group=own.group, date=D("2026-10-05"), slot="afternoon",
                              marks={amina.pk: {"kind": "late"}})
    services.roll_call_record(actor=educator, group=own.group, date=D("2026-10-06"), slot="morning", marks={})
    client = api_as(own.users["center_director"])
    response = client.get(f"{API}/learners/{amina.pk}/attendance", {"start": "2026-10-01", "end": "2026-10-31"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["expected"], body["absent"], body["late"], body["rate"]) == (3, 1, 1, 66.7)
    assert [(d["date"], d["slot"], d["mark"]) for d in body["days"]] == [
        ("2026-10-05", "morning", "absent"), ("2026-10-05", "afternoon", "late"), ("2026-10-06", "morning", None)]
    assert AuditEntry.objects.filter(target_id=str(amina.pk), action="view").count() == 1  # a view of the file
    response = client.get(f"{API}/learners/{amina.pk}/attendance", {"start": "2026-10-06", "end": "2026-10-05"})
    assert response.status_code == 422 and "end" in response.json()["errors"]


# Rates --------------------------------------------------------------------------------


@pytest.fixture
def october(classes):
    """The own group (3 learners): 5 Oct. morning 1 absent 1 late (above), 6 Oct. 2 absent, 2 Nov. all present.
    The foreign group: 5 Oct. (above) only."""
    own = classes["own"]
    amina, bilal, _chaimae = own.learners
    educator = own.users["educator"]
    services.roll_call_record(actor=educator, group=own.group, date=D("2026-10-06"), slot="morning",
                              marks={amina.pk: {"kind": "absent"}, bilal.pk: {"kind": "absent"}})
    services.roll_call_record(actor=educator, group=own.group, date=D("2026-11-02"), slot="morning", marks={})
    return classes


def rates(client, **params):
    response = client.get(f"{API}/attendance/rates", {"start": "2026-10-01", "end": "2026-11-30"} | params)
    assert response.status_code == 200, response.content
    return [(row["month"], row["place"] and row["place"]["code"], row["sessions"], row["expected"], row["absent"],
             row["late"], row["rate"], row["suppressed"]) for row in response.json()]


def test_rates_on_a_hand_checked_case(api_as, october):
    own = october["own"]
    code = own.center.code
    client = api_as(october["national_admin"])
    # October: own 2 rolls × 3 = 6 expected, 3 absent (1 + 2), 1 late → 50 %; foreign 3 expected, 1 absent → 66.7 %.
    assert rates(client, center=own.center.pk) == [
        ("2026-10-01", code, 2, 6, 3, 1, 50.0, False), ("2026-11-01", code, 1, 3, 0, 0, 100.0, False)]
    assert rates(client, level="region") == [
        ("2026-10-01", "01", 2, 6, 3, 1, 50.0, False), ("2026-10-01", "06", 1, 3, 1, 1, 66.7, False),
        ("2026-11-01", "01", 1, 3, 0, 0, 100.0, False)]
    assert rates(client, level="national") == [
        ("2026-10-01", None, 3, 9, 4, 2, 55.6, False), ("2026-11-01", None, 1, 3, 0, 0, 100.0, False)]
    assert rates(client, level="province", province=own.center.province.code)[0][1] == own.center.province.code
    # The end day is included; the month before the start is not counted.
    assert rates(client, level="national", start="2026-10-06", end="2026-10-06") == [
        ("2026-10-01", None, 1, 3, 2, 0, 33.3, False)]
    # Scoped: a regional manager sees the own region only.
    assert rates(api_as(own.users["regional_manager"]), level="region") == [
        ("2026-10-01", "01", 2, 6, 3, 1, 50.0, False), ("2026-11-01", "01", 1, 3, 0, 0, 100.0, False)]
    assert rates(api_as(october["foreign"].users["educator"]), level="region", region="01") == []


def test_partners_get_small_cells_suppressed(api_as, october):
    """A figure that fewer than 5 LEARNERS stand behind is hidden from partner viewers, however many
    learner-sessions it counts: the own region's October stands on 3 learners over 2 roll calls (6
    learner-sessions), which the API used to show them (it counted learner-sessions, the page learners)."""
    client = api_as(october["partner_viewer"])
    assert rates(client, level="region") == [
        ("2026-10-01", "01", 2, None, None, None, None, True),  # 3 learners (6 learner-sessions)
        ("2026-10-01", "06", 1, None, None, None, None, True),  # 3 learners
        ("2026-11-01", "01", 1, None, None, None, None, True),  # 3 learners
    ]
    assert rates(client, level="national") == [
        ("2026-10-01", None, 3, 9, 4, 2, 55.6, False),  # 6 learners: shown, its two regions both hidden
        ("2026-11-01", None, 1, None, None, None, None, True),
    ]
    assert rates(client, level="center", center=october["own"].center.pk)[0][-1] is True
    # Nothing is hidden from those who see persons.
    assert not any(row[-1] for row in rates(api_as(october["national_admin"]), level="region"))


def test_partners_cannot_recover_a_hidden_region_from_the_national_total(api_as, october):
    """Secondary suppression: when one region of a month is hidden, the smallest other one is hidden too,
    so that the national figure minus the regions shown never gives a figure of fewer than 5 learners."""
    own = october["own"]
    big = make_group(own.center, name="Grande classe")
    learners = [make_learner(own.center, groups=[big], first_name=f"Grand{i}", birth_date=f"2011-06-{i + 10}")
                for i in range(6)]
    services.roll_call_record(actor=None, group=big, date=D("2026-10-07"), slot="morning",
                              marks={learners[0].pk: {"kind": "absent"}})
    third = make_center(region_code="02")
    group = make_group(third)
    for i in range(7):
        make_learner(third, groups=[group], first_name=f"Tiers{i}", birth_date=f"2011-07-{i + 10}")
    services.roll_call_record(actor=None, group=group, date=D("2026-10-07"), slot="morning", marks={})
    client = api_as(october["partner_viewer"])
    october_rows = {row[1]: row for row in rates(client, level="region") if row[0] == "2026-10-01"}
    # 01: 9 learners, shown; 02: 7 learners, hidden so that 06 (3 learners) cannot be worked out.
    assert october_rows["01"][3:] == (12, 4, 1, 66.7, False)
    assert october_rows["02"][-1] is True and october_rows["06"][-1] is True
    national = rates(client, level="national")[0]
    assert national[-1] is False and national[3] == 12 + 7 + 3


def test_rates_refuse_an_unknown_level_and_a_reversed_period(api_as, classes):
    client = api_as(classes["national_admin"])
    response = client.get(f"{API}/attendance/rates", {"level": "commune"})
    assert response.status_code == 422 and "level" in response.json()["errors"]
    response = client.get(f"{API}/attendance/rates", {"start": "2026-11-01", "end": "2026-10-01"})
    assert response.status_code == 422 and "end" in response.json()["errors"]


# Query counts -------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_the_rows(api_as, classes, django_assert_max_num_queries):
    own = classes["own"]
    director = own.users["center_director"]
    client = api_as(director)
    urls = [
        f"{API}/attendance/rolls",
        f"{API}/attendance/rolls/{own.roll.pk}",
        f"{API}/attendance/groups/{own.group.pk}/expected?date=2026-10-07",
        f"{API}/attendance/rates?level=center&start=2026-09-01",
        f"{API}/attendance/rates?level=region&start=2026-09-01",
        f"{API}/learners/{own.learners[0].pk}/attendance?start=2026-09-01",
    ]
    before = [queries_for(client, url, django_assert_max_num_queries, 12) for url in urls]
    # More learners in the group, more rolls with more marks, more centres with rolls.
    extra = [make_learner(own.center, groups=[own.group], first_name=f"Extra{i}", birth_date=f"2011-05-{i + 10}")
             for i in range(5)]
    group_learners = [*own.learners, *extra]
    for day in ("2026-10-06", "2026-10-07", "2026-11-03"):
        for slot in ("morning", "afternoon"):
            services.roll_call_record(actor=director, group=own.group, date=D(day), slot=slot,
                                      marks={p.pk: {"kind": "absent"} for p in group_learners[::2]})
    Absence.objects.bulk_create(Absence(session=own.roll, learner=p, kind="late") for p in extra)  # more marks
    for _ in range(2):
        center = make_center(own.association, "01")
        group = make_group(center)
        make_learner(center, groups=[group], first_name="Nouvel", birth_date="2011-07-07")
        services.roll_call_record(actor=None, group=group, date=D("2026-10-06"), slot="morning", marks={})
    after = [queries_for(client, url, django_assert_max_num_queries, 12) for url in urls]
    assert before == after


def test_openapi_lists_the_attendance_endpoints(client):
    document = client.get(f"{API}/openapi.json").json()
    paths = {path: set(ops) for path, ops in document["paths"].items() if "attendance" in path}
    assert paths == {
        "/api/v1/attendance/rolls": {"get", "post"},
        "/api/v1/attendance/rolls/{roll_id}": {"get"},
        "/api/v1/attendance/rolls/{roll_id}/marks": {"put"},
        "/api/v1/attendance/groups/{group_id}/expected": {"get"},
        "/api/v1/attendance/rates": {"get"},
        "/api/v1/learners/{learner_id}/attendance": {"get"},
    }
    assert set(document["paths"]["/api/v1/attendance/rolls"]["post"]["responses"]) >= {"200", "201", "404", "422"}
    params = {p["name"] for p in document["paths"]["/api/v1/attendance/rates"]["get"]["parameters"]}
    assert params == {"level", "start", "end", "region", "province", "center"}
