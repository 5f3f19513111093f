"""The weekly attendance summary kept up by the roll calls gives the same signals as the full
computation over every learner × roll call, through a group change, a second group the same day, a
roll taken late, a correction of a past roll call and a learner leaving; a rebuild from scratch
gives the same rows."""

import datetime
import random
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from forsa.attendance import services as attendance_services
from forsa.attendance.models import AbsenceRule, LearnerWeek
from forsa.earlywarning.signals import compute_signals
from forsa.learners import services as learner_services
from tests.earlywarning.conftest import ABSENT, LATE, roll
from tests.factories import make_group

ATTENDANCE = ("attendance_4w", "expected_4w", "attendance_since_enrolment", "consecutive_absences",
              "unjustified_share", "attendance_2w", "attendance_trend", "late_4w")


def rows(as_of, from_summary):
    return {row["learner_id"]: {name: row[name] for name in ATTENDANCE}
            for row in compute_signals(as_of=as_of, from_summary=from_summary)}


def summary_rows():
    return sorted(LearnerWeek.objects.values_list("learner_id", "week", "expected_days", "absent_days", "late_days",
                                                  "unjustified_days", "run_days", "run_before", "expected_before",
                                                  "absent_before"))


def test_the_summary_gives_the_signals_of_the_full_computation(world, klass):
    group, (amina, bilal, chaimae) = klass
    own = world["own"]
    educator, director = own.users["educator"], own.users["center_director"]
    AbsenceRule.objects.create(center=None, correction_days=60)
    other = make_group(own.center, name="Rattrapage B", educators=[educator])
    workshop = make_group(own.center, name="Atelier", kind="workshop", educators=[educator])
    today = timezone.localdate()
    first = today - datetime.timedelta(days=45)
    days = [first + datetime.timedelta(days=n) for n in range(45) if (first + datetime.timedelta(days=n)).weekday() < 5]
    moved_on = days[len(days) // 2]
    # Amina joins a workshop on the second Tuesday or Thursday of the span, whatever weekday today is.
    workshop_from = [day for day in days if day.weekday() in (1, 3)][1]
    rng = random.Random(12)

    def marks(learners):
        chosen = {}
        for learner in learners:
            draw = rng.random()
            if draw < 0.3:
                chosen[learner.pk] = ABSENT | ({"justified": True} if rng.random() < 0.3 else {})
            elif draw < 0.4:
                chosen[learner.pk] = LATE
        return chosen

    # Bilal's roll calls in the other group are taken before he is placed there, from the day he moves:
    # placing him then (a date in the past) must bring them into his summary.
    for day in days:
        if day >= moved_on:
            roll(educator, other, day.isoformat(), {})
    for day in days:
        in_group = [amina, chaimae] + ([bilal] if day < moved_on else [])
        roll(educator, group, day.isoformat(), marks(in_group))
        if day.weekday() in (1, 3):  # a workshop on the same half-day for Amina: two rolls at one key
            if day == workshop_from:
                learner_services.learner_place(actor=director, enrollment=amina.enrollments.get(),
                                               group=workshop, start_date=day)
            if day >= workshop_from:
                roll(educator, workshop, day.isoformat(), marks([amina]))
    learner_services.learner_place(actor=director, enrollment=bilal.enrollments.get(), group=other,
                                   start_date=moved_on)
    # A roll of the other group corrected: Bilal absent twice there after all.
    for day in days[-6:-4]:
        session = other.sessions.get(date=day)
        attendance_services.roll_call_correct(actor=educator, session=session, marks={bilal.pk: ABSENT})
    # A past roll of the first group corrected: Amina's absence becomes presence, Chaimae absent.
    session = group.sessions.get(date=days[-3])
    attendance_services.roll_call_correct(actor=educator, session=session, marks={chaimae.pk: ABSENT})
    # Chaimae leaves four school days before the end.
    learner_services.learner_exit(actor=director, learner=chaimae, exit_date=days[-4], outcome="dropout",
                                 dropout_reason="economic")

    checked = 0
    for n in range(0, 50):
        as_of = first + datetime.timedelta(days=n)
        summary, full = rows(as_of, True), rows(as_of, False)
        assert summary == full, as_of
        checked += len(full)
    late = rows(today, True)
    assert chaimae.pk not in late and set(late) == {amina.pk, bilal.pk}
    assert late[bilal.pk]["expected_4w"] > 0 and checked > 100
    # Some figures are not trivial: runs and absences were seen.
    assert any(row["consecutive_absences"] >= 2 for n in range(0, 50)
               for row in rows(first + datetime.timedelta(days=n), True).values())

    kept_up = summary_rows()
    LearnerWeek.objects.all().delete()
    call_command("attendance_summary_rebuild", stdout=open("/dev/null", "w"))
    assert summary_rows() == kept_up and kept_up


def test_one_pass_reader_equals_the_joins_on_any_rows(world):
    """``summary_counts`` (the week rows read once, summed with numpy; on PostgreSQL packed in chunks)
    gives what ``summary_counts_by_joins`` gives, on random week rows: rows inside and before the
    windows, an enrolment starting inside a week, runs counted from the week's start (255), a learner
    whose rows are all older than the windows (their run only), and one without any row."""
    from forsa.attendance.summary import SENTINEL, day_number, summary_counts, summary_counts_by_joins
    from forsa.earlywarning.signals import _windows, chosen_enrollments
    from tests.factories import make_learner

    rng = random.Random(7)
    center = world["own"].center
    starts = ["2026-09-16", "2026-10-08", "2026-11-04", "2026-10-05", "2026-11-20", "2026-10-01"]
    learners = [make_learner(center, first_name=f"L{n}", start_date=start, birth_date=f"2011-0{n % 9 + 1}-10")
                for n, start in enumerate(starts)]

    def packed(low, high):
        return sum(rng.randint(low, high) << (8 * d) for d in range(7))

    as_of = datetime.date(2026, 11, 27)
    monday = day_number(as_of) - day_number(as_of) % 7
    rows = []
    for n, learner in enumerate(learners[:-1]):  # the last one has no row at all
        weeks = range(monday - 7 * 16, monday - 7 * 9, 7) if n == 3 else \
            sorted(rng.sample(range(monday - 7 * 14, monday + 7, 7), 9))
        expected_before = absent_before = 0
        for week in weeks:
            expected = packed(0, 3)
            absent = sum(min(rng.randint(0, 3), (expected >> (8 * d)) & 255) << (8 * d) for d in range(7))
            run_days = sum(rng.choice([0, 1, 2, SENTINEL]) << (8 * d) for d in range(7))
            rows.append(LearnerWeek(learner=learner, week=week, expected_days=expected, absent_days=absent,
                                    late_days=packed(0, 1), unjustified_days=packed(0, 1), run_days=run_days,
                                    run_before=rng.randint(0, 4), expected_before=expected_before,
                                    absent_before=absent_before))
            expected_before += sum((expected >> (8 * d)) & 255 for d in range(7))
            absent_before += sum((absent >> (8 * d)) & 255 for d in range(7))
    LearnerWeek.objects.all().delete()
    LearnerWeek.objects.bulk_create(rows)
    compared = 0
    for n in range(-70, 8, 3):
        day = as_of + datetime.timedelta(days=n)
        chosen, windows = chosen_enrollments(day), _windows(day)
        joins = summary_counts_by_joins(enrollments=chosen, as_of=day, windows=windows)
        ids = list(chosen.values_list("learner_id", flat=True))
        assert summary_counts(enrollments=chosen, as_of=day, windows=windows) == joins, day
        assert summary_counts(enrollments=chosen, as_of=day, windows=windows, learner_ids=ids) == joins, day
        starts = dict(chosen.values_list("learner_id", "start_date"))  # on PostgreSQL: read chunk by chunk
        assert summary_counts(enrollments=chosen, as_of=day, windows=windows, starts=starts) == joins, day
        with mock.patch("forsa.attendance.summary.CHUNK", 2):  # several chunks, one read ahead of the sums
            assert summary_counts(enrollments=chosen, as_of=day, windows=windows, starts=starts) == joins, day
        compared += len(joins)
    final = summary_counts_by_joins(enrollments=chosen_enrollments(as_of), as_of=as_of, windows=_windows(as_of))
    assert learners[3].pk in final  # rows all older than the enrolment and the windows: a run, no window count
    assert final[learners[3].pk]["expected_4w"] == 0 and learners[-1].pk not in final and compared > 50
