"""The demo's roll calls and early warning: a school year of rolls with a plausible structure, a short
risk list for the demo centre, alerts handed to its counsellor (the same data for the same seed: test_seed_demo)."""

from contextlib import ExitStack
from datetime import timedelta
from statistics import mean

import pytest
from django.db import transaction
from django.db.models import Max, Min

from forsa.attendance.models import Absence, Session
from forsa.attendance.selectors import attendance_counts
from forsa.centers.models import Group
from forsa.demo.attendance import YEARS, school_days
from forsa.demo.reference import REFERENCE_DATE
from forsa.demo.users import DEMO_USERS
from forsa.earlywarning.models import Alert, LearnerRisk, Level, RiskScore
from forsa.earlywarning.services import thresholds_for
from forsa.learners.models import Exit, Learner, Outcome, Placement
from forsa.learners.selectors import expected_learner_ids
from tests.demo.test_seed_demo import seed_quickly

SEEDED_LEARNERS = 400


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        stack.enter_context(transaction.atomic())
        report = seed_quickly(1, learners=SEEDED_LEARNERS)
        yield report
        transaction.set_rollback(True)


def demo_user(key):
    return next(user.email for user in DEMO_USERS if user.role == key)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_every_group_with_learners_has_its_roll_on_every_school_day():
    # Every group where a learner was placed on a school day of its year (a placement may begin and end in a
    # holiday, or run on into the summer).
    placed = {group for group, year, start, end in Placement.objects.values_list(
        "group", "group__school_year", "start_date", "end_date")
        if school_days(max(start, YEARS[year][0]),
                       min(end - timedelta(days=1) if end else REFERENCE_DATE, REFERENCE_DATE, YEARS[year][1]))}
    rolled = set(Session.objects.values_list("group", flat=True).distinct())
    assert placed == rolled
    span = Session.objects.aggregate(first=Min("date"), last=Max("date"))
    assert span["first"].isoformat() == "2025-09-15" and span["last"] == REFERENCE_DATE
    assert not Session.objects.filter(date__week_day__in=(1, 7)).exists()  # no weekend roll
    # A current class: a roll on every school day since its first learner came.
    group = Group.objects.filter(school_year="2026-2027", kind="catch_up", pk__in=rolled).order_by("pk").first()
    first = Placement.objects.filter(group=group).aggregate(first=Min("start_date"))["first"]
    days = set(Session.objects.filter(group=group).values_list("date", flat=True))
    assert days == {day for day in school_days(first, REFERENCE_DATE)
                    if expected_learner_ids(group=group, day=day)}


def test_each_roll_counts_what_it_holds():
    for session in Session.objects.order_by("pk")[::97]:
        expected = expected_learner_ids(group=session.group, day=session.date)
        marks = list(session.absences.values_list("learner_id", "kind"))
        assert session.expected == len(expected) > 0
        assert {learner for learner, _kind in marks} <= expected
        assert session.absent == sum(kind == "absent" for _l, kind in marks)
        assert session.late == sum(kind == "late" for _l, kind in marks)
        assert session.slot == ("morning" if session.group.kind == "catch_up" else "afternoon")
    assert not Absence.objects.filter(kind="late", justified=True).exists()
    assert not Absence.objects.filter(justified=True, reason="").exists()
    assert not Absence.objects.filter(justified=False).exclude(reason="").exists()


def test_attendance_is_plausible_and_falls_before_dropping_out():
    for year in ("2025-2026", "2026-2027"):
        sessions = Session.objects.filter(group__school_year=year)
        expected = sum(sessions.values_list("expected", flat=True))
        absent = Absence.objects.filter(session__in=sessions, kind="absent").count()
        assert 0.04 < absent / expected < 0.2, (year, absent / expected)  # about nine learners in ten are there
    justified = Absence.objects.filter(kind="absent", justified=True).count() / Absence.objects.filter(
        kind="absent").count()
    assert 0.1 < justified < 0.5

    def last_weeks(outcomes):
        rates = []
        for exit_ in Exit.objects.filter(outcome__in=outcomes).select_related("enrollment"):
            counts = attendance_counts(learners=Learner.objects.filter(pk=exit_.enrollment.learner_id).values("pk"),
                                       start=exit_.exit_date - timedelta(days=21), end=exit_.exit_date)
            row = counts.get(exit_.enrollment.learner_id)
            if row and row["expected"] >= 5:
                rates.append(1 - row["absent"] / row["expected"])
        return rates

    dropped, others = last_weeks([Outcome.DROPOUT]), last_weeks([Outcome.SCHOOL, Outcome.VOCATIONAL,
                                                                  Outcome.APPRENTICESHIP, Outcome.EMPLOYMENT])
    assert len(dropped) >= 10 and len(others) >= 10
    assert mean(dropped) < 0.5 < 0.85 < mean(others), (mean(dropped), mean(others))


def test_dropping_out_follows_the_hidden_structure():
    """Long out of school: more dropouts among the exits; weaker diagnostics for those who dropped out."""
    exits = list(Exit.objects.values_list("outcome", "exit_date", "enrollment__learner__year_left"))
    long_out = [outcome == Outcome.DROPOUT for outcome, day, left in exits if left is None or day.year - left >= 4]
    recent = [outcome == Outcome.DROPOUT for outcome, day, left in exits if left is not None and day.year - left <= 2]
    assert len(long_out) >= 15 and len(recent) >= 15
    assert mean(long_out) > mean(recent) + 0.1, (mean(long_out), mean(recent))


def test_the_demo_centre_has_a_short_believable_risk_list():
    from forsa.accounts.models import Membership

    counsellor = Membership.objects.select_related("user", "center").get(user__email=demo_user("counsellor"))
    center = counsellor.center
    risks = LearnerRisk.objects.filter(center=center)
    levels = {level: risks.filter(level=level).count() for level in Level.values}
    assert risks.count() >= 30 and risks.filter(as_of=REFERENCE_DATE).count() == risks.count()
    assert 1 <= levels[Level.HIGH] <= thresholds_for([center.pk])[center.pk].high_cap
    assert 3 <= levels[Level.HIGH] + levels[Level.WATCH] <= 0.35 * risks.count()  # a short list, not everyone
    assert all(risk.reasons for risk in risks.exclude(level=Level.LOW))
    # Scored a week before too: the list says what changed since last week.
    assert RiskScore.objects.filter(center=center, as_of=REFERENCE_DATE - timedelta(days=7)).exists()
    alerts = Alert.objects.filter(center=center, status=Alert.Status.OPEN)
    assert alerts.exists() and all(alert.assigned_to_id == counsellor.user_id for alert in alerts)
    # Nationally too, a handful per centre.
    scored = LearnerRisk.objects.count()
    assert 0.02 < LearnerRisk.objects.filter(level=Level.HIGH).count() / scored < 0.2
    assert 0.02 < LearnerRisk.objects.filter(level=Level.WATCH).count() / scored < 0.2


def test_seed_report_tells_the_attendance_and_the_risk(seeded):
    assert seeded.attendance.sessions == Session.objects.count()
    assert seeded.attendance.absences == Absence.objects.filter(kind="absent").count()
    assert seeded.risk["scored"] == LearnerRisk.objects.count()
    assert seeded.risk["high"] == LearnerRisk.objects.filter(level=Level.HIGH).count()
