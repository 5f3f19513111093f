"""Signals hand-checked on small cases, and nothing after the as-of date is seen."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forsa.assessments import services as assessment_services
from forsa.assessments.models import Framework
from forsa.earlywarning.signals import CATEGORICAL, FEATURES, KEYS, NUMERIC, compute_signals
from forsa.learners import services as learner_services
from tests.earlywarning.conftest import ABSENT, LATE, D, roll, school_days
from tests.factories import make_group, make_learner


def by_learner(rows):
    return {row["learner_id"]: row for row in rows}


def test_every_row_carries_the_named_features(world, klass):
    _group, learners = klass
    rows = compute_signals(as_of=D("2026-10-01"))
    assert {row["learner_id"] for row in rows} == {learner.pk for learner in learners}
    assert all(set(row) == set(FEATURES) | set(KEYS) for row in rows)
    assert {feature.kind for feature in FEATURES.values()} == {NUMERIC, CATEGORICAL}
    row = by_learner(rows)[learners[0].pk]
    # Enrolled on 15 September, no roll call yet: rates unknown, not 0 %.
    assert (row["weeks_enrolled"], row["attendance_4w"], row["expected_4w"], row["plan_missing"]) == (2, None, 0, 1)
    assert (row["sex"], row["center_id"], row["referral"], row["reason_left"]) == (
        "F", world["own"].center.pk, "outreach", "economic")


def test_four_consecutive_absences_and_the_rates_around_them(world, klass):
    group, (amina, bilal, chaimae) = klass
    educator = world["own"].users["educator"]
    # Two weeks of roll calls (10 mornings, 2-13 November); Amina is absent the last four, one of them
    # justified; Bilal is late twice; an afternoon roll on the 12th makes the half-day order matter.
    days = school_days("2026-11-02", "2026-11-13")
    for day in days:
        marks = {}
        if day >= "2026-11-10":
            marks[amina.pk] = ABSENT | ({"justified": True} if day == "2026-11-10" else {})
        if day in ("2026-11-03", "2026-11-04"):
            marks[bilal.pk] = LATE
        roll(educator, group, day, marks)
    roll(educator, group, "2026-11-12", {amina.pk: ABSENT}, slot="afternoon")
    rows = by_learner(compute_signals(as_of=D("2026-11-13")))
    a, b, c = rows[amina.pk], rows[bilal.pk], rows[chaimae.pk]
    assert (a["expected_4w"], a["consecutive_absences"], a["attendance_4w"]) == (11, 5, 54.5)
    assert a["unjustified_share"] == 80.0  # 4 of 5 absences not justified
    # Last 2 weeks (30 Oct - 13 Nov): 10 mornings and 1 afternoon, 5 absent; the 4 weeks before: no roll.
    assert a["attendance_trend"] is None
    assert (b["consecutive_absences"], b["late_4w"], b["attendance_4w"]) == (0, 2, 100.0)
    assert (c["consecutive_absences"], c["attendance_since_enrolment"]) == (0, 100.0)
    # A day later Amina comes back: the run ends.
    roll(educator, group, "2026-11-16", {})
    assert by_learner(compute_signals(as_of=D("2026-11-16")))[amina.pk]["consecutive_absences"] == 0


def test_four_week_rate_across_a_change_of_group(world, klass):
    group, (amina, _bilal, _chaimae) = klass
    own = world["own"]
    educator, director = own.users["educator"], own.users["center_director"]
    other = make_group(own.center, name="Rattrapage B", educators=[educator])
    enrollment = amina.enrollments.get()
    # Group A on 26, 27, 28 Oct (absent on the 27th); Amina moves to group B on 29 Oct.
    for day in ("2026-10-26", "2026-10-27", "2026-10-28"):
        roll(educator, group, day, {amina.pk: ABSENT} if day == "2026-10-27" else {})
    learner_services.learner_place(actor=director, enrollment=enrollment, group=other, start_date=D("2026-10-29"))
    # Group A goes on without her (not expected there); group B from the 29th: absent on 2 Nov.
    for day in ("2026-10-29", "2026-10-30", "2026-11-02"):
        roll(educator, group, day, {})
        roll(educator, other, day, {amina.pk: ABSENT} if day == "2026-11-02" else {})
    # And a group B roll call before she joined it does not count either.
    roll(educator, other, "2026-10-28", {})
    row = by_learner(compute_signals(as_of=D("2026-11-02")))[amina.pk]
    assert (row["expected_4w"], row["attendance_4w"], row["consecutive_absences"]) == (6, 66.7, 1)


def test_no_gain_between_two_assessments_and_a_missed_one(world, klass):
    group, (amina, bilal, chaimae) = klass
    assessment_services.framework_ensure_default()
    framework = Framework.objects.get(status="published")
    math = framework.competencies.get(code="MATH-NUM-2")
    educator = world["own"].users["educator"]

    def assess(kind, day, cells):
        assessment = assessment_services.assessment_create(actor=educator, group=group, kind=kind, date=D(day),
                                                           competencies=[math])
        assessment_services.results_save(actor=educator, assessment=assessment,
                                         cells={(learner.pk, math.pk): value for learner, value in cells.items()})

    assess("diagnostic", "2026-09-20", {amina: 2, bilal: 1, chaimae: "absent"})
    assess("periodic", "2026-11-02", {amina: 2, bilal: 3, chaimae: 2})
    rows = by_learner(compute_signals(as_of=D("2026-11-10")))
    assert (rows[amina.pk]["no_gain"], rows[amina.pk]["diagnostic_level"]) == (1, 2.0)
    assert (rows[bilal.pk]["no_gain"], rows[bilal.pk]["diagnostic_weakest_pole"]) == (0, 1.0)
    # Chaimae missed the diagnostic: one assessment sat, no comparison, no diagnostic level.
    assert (rows[chaimae.pk]["no_gain"], rows[chaimae.pk]["missed_assessments"],
            rows[chaimae.pk]["diagnostic_level"]) == (None, 1, None)
    # Before the periodic assessment, nobody has two assessments yet.
    assert by_learner(compute_signals(as_of=D("2026-10-01")))[amina.pk]["no_gain"] is None


def test_facts_after_the_as_of_date_are_not_seen(world, klass):
    group, (amina, bilal, _chaimae) = klass
    own = world["own"]
    educator, director = own.users["educator"], own.users["center_director"]
    for day in school_days("2026-10-05", "2026-10-09"):
        roll(educator, group, day, {})
    before = by_learner(compute_signals(as_of=D("2026-10-09")))
    # Planted after the cut-off: absences, a group change, a pathway step, a plan review, an exit.
    for day in school_days("2026-10-12", "2026-10-16"):
        roll(educator, group, day, {amina.pk: ABSENT})
    enrollment = amina.enrollments.get()
    learner_services.pathway_advance(actor=director, enrollment=enrollment, stage="catch_up",
                                     start_date=D("2026-10-12"))
    learner_services.learner_exit(actor=director, learner=bilal, exit_date=D("2026-10-14"), outcome="dropout",
                                 dropout_reason="economic")
    after = by_learner(compute_signals(as_of=D("2026-10-09")))
    assert after == before
    assert before[amina.pk]["consecutive_absences"] == 0 and bilal.pk in before
    # Seen from later, the same facts count, and Bilal is no longer enrolled.
    later = by_learner(compute_signals(as_of=D("2026-10-16")))
    assert later[amina.pk]["consecutive_absences"] == 5 and bilal.pk not in later


def test_a_bounded_number_of_queries_whatever_the_number_of_learners(world, klass):
    group, _learners = klass
    educator = world["own"].users["educator"]

    def count():
        with CaptureQueriesContext(connection) as context:
            compute_signals(as_of=D("2026-11-06"))
        return len(context.captured_queries)

    roll(educator, group, "2026-11-02", {})
    small = count()
    for i in range(6):
        make_learner(world["own"].center, groups=[group], first_name=f"Extra{i}", birth_date=f"2011-05-{i + 10}",
                     start_date="2026-09-20")
    for day in school_days("2026-11-03", "2026-11-06"):
        roll(educator, group, day, {})
    assert count() == small <= 12


@pytest.mark.parametrize("given", ["own", "unknown"])
def test_given_ids_narrow_the_rows(world, klass, given):
    _group, learners = klass
    ids = [learners[0].pk] if given == "own" else [999999]
    rows = compute_signals(as_of=D("2026-10-01"), learner_ids=ids)
    assert [row["learner_id"] for row in rows] == ([learners[0].pk] if given == "own" else [])


def test_age_gap_against_the_group(world, klass):
    _group, (amina, bilal, chaimae) = klass
    rows = by_learner(compute_signals(as_of=datetime.date(2026, 10, 1)))
    # Born 10 Jan, 10 Feb, 10 Mar 2011: all 15 on 1 Oct 2026, so no gap.
    assert {rows[learner.pk]["age_gap"] for learner in (amina, bilal, chaimae)} == {0.0}
