"""Roll calls: implied presence, idempotence, corrections, rates and absence rules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forsa.attendance import selectors, services
from forsa.attendance.models import Absence, Session
from forsa.audit.models import AuditEntry
from forsa.learners import services as learner_services
from forsa.learners.selectors import expected_learners
from tests.factories import make_group, make_learner, make_user

D = datetime.date.fromisoformat
ABSENT, LATE = {"kind": "absent"}, {"kind": "late"}


@pytest.fixture
def klass(world):
    """A catch-up group of the own centre taught by the own educator, with three learners from 15 Sept."""
    own = world["own"]
    group = make_group(own.center, educators=[own.users["educator"]])
    learners = [make_learner(own.center, groups=[group], first_name=name, start_date="2026-09-15",
                             birth_date=f"2011-0{i + 1}-10")
                for i, name in enumerate(("Amina", "Bilal", "Chaimae"))]
    return group, learners


def roll(actor, group, day, marks=None, slot="morning", **kw):
    return services.roll_call_record(actor=actor, group=group, date=D(day), slot=slot, marks=marks or {}, **kw)


def test_presence_is_implied_and_only_absences_stored(world, klass):
    group, (amina, bilal, chaimae) = klass
    session, created = roll(world["own"].users["educator"], group, "2026-10-05", {bilal.pk: ABSENT, chaimae.pk: LATE})
    assert created and (session.expected, session.absent, session.late) == (3, 1, 1)
    assert Absence.objects.count() == 2
    assert selectors.rate(session.expected, session.absent) == 66.7


def test_presence_follows_enrolment_dates_and_group_changes(world, klass):
    group, (amina, bilal, chaimae) = klass
    own = world["own"]
    other = make_group(own.center, "Rattrapage B")
    learner_services.learner_place(actor=None, enrollment=bilal.enrollments.get(), group=other,
                                   start_date=D("2026-10-12"))
    late_comer = make_learner(own.center, groups=[group], first_name="Dounia", start_date="2026-10-20",
                              birth_date="2012-04-04")
    assert set(expected_learners(group=group, day=D("2026-09-14"))) == set()  # before anyone started
    assert set(expected_learners(group=group, day=D("2026-10-09"))) == {amina.pk, bilal.pk, chaimae.pk}
    assert set(expected_learners(group=group, day=D("2026-10-12"))) == {amina.pk, chaimae.pk}
    assert set(expected_learners(group=other, day=D("2026-10-12"))) == {bilal.pk}
    assert late_comer.pk in expected_learners(group=group, day=D("2026-10-20"))
    learner_services.learner_exit(actor=None, learner=chaimae, exit_date=D("2026-11-02"), outcome="moved")
    assert chaimae.pk not in expected_learners(group=group, day=D("2026-11-02"))
    with pytest.raises(ValidationError) as error:
        roll(own.users["educator"], group, "2026-11-03", {chaimae.pk: ABSENT})
    assert "marks" in error.value.message_dict


def test_resend_with_the_same_key_changes_nothing(world, klass):
    group, (amina, *_rest) = klass
    educator = world["own"].users["educator"]
    first, created = roll(educator, group, "2026-10-05", {amina.pk: ABSENT}, client_key="phone-42-0001")
    again, created_again = roll(educator, group, "2026-10-05", {amina.pk: ABSENT}, client_key="phone-42-0001")
    assert created and not created_again and first.pk == again.pk
    assert Session.objects.count() == 1 and Absence.objects.count() == 1


def test_future_date_refused(world, klass):
    group, _ = klass
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as error:
        roll(world["own"].users["educator"], group, tomorrow)
    assert "date" in error.value.message_dict and not Session.objects.exists()


def test_learner_not_in_the_group_is_refused_and_nothing_saved(world, klass):
    group, (amina, *_rest) = klass
    stranger = make_learner(world["own"].center, first_name="Zakaria", birth_date="2011-12-12")
    with pytest.raises(ValidationError) as error:
        roll(world["own"].users["educator"], group, "2026-10-05", {amina.pk: ABSENT, stranger.pk: ABSENT})
    assert "marks" in error.value.message_dict
    assert not Session.objects.exists() and not Absence.objects.exists()


def test_second_roll_for_the_same_slot_is_refused(world, klass):
    group, _ = klass
    educator = world["own"].users["educator"]
    roll(educator, group, "2026-10-05")
    with pytest.raises(ValidationError) as error:
        roll(educator, group, "2026-10-05")
    assert "slot" in error.value.message_dict
    roll(educator, group, "2026-10-05", slot="afternoon")
    assert Session.objects.count() == 2


def test_corrections_are_logged_and_refused_after_the_window(world, klass):
    group, (amina, bilal, _c) = klass
    educator = world["own"].users["educator"]
    today = timezone.localdate()
    recent, _ = roll(educator, group, (today - datetime.timedelta(days=3)).isoformat(), {amina.pk: ABSENT})
    services.roll_call_correct(actor=educator, session=recent, marks={bilal.pk: {"kind": "absent",
                                                                                 "justified": True}})
    recent.refresh_from_db()
    assert (recent.absent, list(recent.absences.values_list("learner", flat=True))) == (1, [bilal.pk])
    entry = AuditEntry.objects.get(target_id=str(recent.pk), action="update")
    assert entry.changes["marks"] == [{str(amina.pk): "absent"}, {str(bilal.pk): "absent*"}]
    old, _ = roll(educator, group, (today - datetime.timedelta(days=25)).isoformat())
    with pytest.raises(ValidationError):
        services.roll_call_correct(actor=educator, session=old, marks={})
    services.absence_rule_set(actor=world["own"].users["center_director"], center=group.center, correction_days=30)
    services.roll_call_correct(actor=educator, session=old, marks={amina.pk: LATE})


def test_only_the_groups_educators_and_the_director_take_its_roll(world, klass):
    group, _ = klass
    with pytest.raises(PermissionDenied):
        roll(world["foreign"].users["center_director"], group, "2026-10-05")
    with pytest.raises(PermissionDenied):
        roll(world["own"].users["counsellor"], group, "2026-10-05")
    roll(world["own"].users["center_director"], group, "2026-10-05")


def test_queries_to_save_a_roll_do_not_grow_with_the_group(world, klass):
    group, learners = klass
    educator = world["own"].users["educator"]

    def count(day, marks):
        with CaptureQueriesContext(connection) as context:
            roll(educator, group, day, marks)
        return len(context.captured_queries)

    count("2026-10-02", {})  # warm-up: content types and the actor's scope are cached after the first roll
    small = count("2026-10-05", {learners[0].pk: ABSENT})
    for i in range(12):
        make_learner(group.center, groups=[group], first_name=f"Extra{i}", birth_date=f"2011-05-{i + 10}",
                     start_date="2026-09-15")
    marks = {pk: ABSENT for pk in expected_learners(group=group, day=D("2026-10-06"))}
    assert count("2026-10-06", marks) == small


def test_rates_on_a_hand_checked_case(world, klass):
    group, (amina, bilal, chaimae) = klass
    educator = world["own"].users["educator"]
    roll(educator, group, "2026-10-05", {amina.pk: ABSENT})                 # 2 of 3 present
    roll(educator, group, "2026-10-06", {amina.pk: ABSENT, bilal.pk: LATE})  # late counts as present
    roll(educator, group, "2026-11-02", {})                                  # all present
    rows = selectors.rates_by(user=world["national_admin"], level="center", start=D("2026-10-01"),
                              end=D("2026-12-01"))
    october, november = rows
    assert (october["expected"], october["absent"], october["late"], october["rate"]) == (6, 2, 1, 66.7)
    assert (november["expected"], november["absent"], november["rate"]) == (3, 0, 100.0)
    assert selectors.rates_by(user=world["foreign"].users["regional_manager"], level="region",
                              start=D("2026-10-01"), end=D("2026-12-01")) == []
    calendar = selectors.learner_calendar(learner=amina, start=D("2026-10-01"), end=D("2026-11-30"))
    assert (calendar["expected"], calendar["absent"], calendar["rate"]) == (3, 2, 33.3)


def test_absence_rules_flag_consecutive_absences_and_low_rates(world, klass):
    group, (amina, bilal, chaimae) = klass
    educator = world["own"].users["educator"]
    roll(educator, group, "2026-11-12", {bilal.pk: ABSENT})
    # One absence after one roll call is not yet a rate: the rule waits for its minimum of roll calls.
    rule, flagged = selectors.learners_meeting_rules(user=educator, center=group.center, today=D("2026-11-12"))
    assert flagged == [] and rule.minimum_sessions == 6
    roll(educator, group, "2026-11-13", {})
    for day in ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"):
        roll(educator, group, day, {amina.pk: ABSENT} | ({bilal.pk: ABSENT} if day == "2026-11-16" else {}))
    rule, flagged = selectors.learners_meeting_rules(user=educator, center=group.center, today=D("2026-11-20"))
    reasons = {attendance.learner.pk: set(why) for attendance, why in flagged}
    # Amina: 4 absences in a row, 2 of 6 present (33 %); Bilal: 2 absences in 6, 66.7 % < 80 %; Chaimae: 100 %.
    assert reasons == {amina.pk: {"consecutive", "rate"}, bilal.pk: {"rate"}}
    counts = {attendance.learner.pk: (attendance.expected, attendance.absent, attendance.consecutive_absences)
              for attendance, _why in flagged}
    assert counts == {amina.pk: (6, 4, 4), bilal.pk: (6, 2, 0)}
    assert rule.consecutive_absences == 3 and rule.minimum_rate == 80


def test_a_run_of_absences_follows_the_half_days_in_order(world, klass):
    group, (amina, _bilal, _chaimae) = klass
    educator = world["own"].users["educator"]
    roll(educator, group, "2026-11-16", {amina.pk: ABSENT}, slot="afternoon")
    roll(educator, group, "2026-11-16", {}, slot="morning")
    roll(educator, group, "2026-11-17", {amina.pk: LATE}, slot="morning")      # late is attended
    roll(educator, group, "2026-11-17", {amina.pk: ABSENT}, slot="afternoon")
    roll(educator, group, "2026-11-18", {amina.pk: ABSENT}, slot="morning")
    rows = {a.learner.pk: a for a in selectors.attendance_of_learners(user=educator, center=group.center,
                                                                      start=D("2026-11-01"), end=D("2026-11-20"))}
    assert (rows[amina.pk].expected, rows[amina.pk].absent, rows[amina.pk].late,
            rows[amina.pk].consecutive_absences) == (5, 3, 1, 2)


def test_a_learners_attendance_is_read_through_the_users_scope(world, klass):
    """attendance_of_learners, group_learner_rates and learners_meeting_rules take the user and read
    the learners through for_user: a foreign director, a partner viewer and an educator of another
    group of the same centre get nobody; the group's educator and the centre's director get its learners."""
    group, learners = klass
    own = world["own"]
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        roll(own.users["educator"], group, day, {learners[0].pk: ABSENT})
    other_educator = make_user("educator", own.center)
    make_group(own.center, name="Atelier", kind="workshop", educators=[other_educator])
    period = {"start": D("2026-11-01"), "end": D("2026-11-20")}
    for user, expected in ((own.users["center_director"], set(learners)), (own.users["educator"], set(learners)),
                           (world["foreign"].users["center_director"], set()), (world["partner_viewer"], set()),
                           (other_educator, set())):
        assert {a.learner for a in selectors.attendance_of_learners(user=user, center=group.center, **period)} \
            == expected
        assert {a.learner for a in selectors.group_learner_rates(user=user, group=group, **period)} == expected
        _rule, flagged = selectors.learners_meeting_rules(user=user, center=group.center, today=D("2026-11-18"))
        assert {a.learner for a, _why in flagged} == expected & {learners[0]}
