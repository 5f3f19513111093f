"""Demo roll calls: every group's roll, every school day, from the start of 2025-2026 to the demo's "today".

A catch-up class takes its roll in the morning, a workshop in the afternoon, on every school day a
learner is placed in it (weekdays, less the holidays below). Only absences and lateness are stored,
with each roll's counts, as ``attendance.services`` writes them.

Who is absent follows each learner's hidden risk (``learners.LearnerReport.risk``):

* a learner misses a whole day with a probability that grows with the risk, and an absence often
  lasts a few days (one draw per day, so a day missed is both half-days);
* an absence is justified (a medical certificate, a family reason) more often for those at low risk;
  lateness is rarer than absence, more frequent at high risk;
* before dropping out (an exit with outcome *dropout*), attendance falls over three to seven weeks and
  the last days are missed; before moving away, the last days are missed;
* some learners enrolled today are slipping the same way towards a dropout still to come: the
  learners the early warning should find.

Deterministic for a seed (one ``random.Random``, rows read in key order) and written in bulk
(``bulk_create`` in batches, primary keys given here): a few seconds for the default demo.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from forsa.attendance.models import Absence, Activity, Session, Slot
from forsa.attendance.summary import summary_rebuild
from forsa.centers.models import Group
from forsa.learners.models import Exit, Outcome, Placement

BATCH_SIZE = 5000
# School days: weekdays of each year, less the holidays (national days and school breaks).
YEARS = {"2025-2026": (date(2025, 9, 15), date(2026, 6, 30)), "2026-2027": (date(2026, 9, 14), date(2027, 6, 30))}
HOLIDAYS = (
    (date(2025, 11, 6), date(2025, 11, 6)), (date(2025, 11, 18), date(2025, 11, 18)),
    (date(2025, 12, 8), date(2025, 12, 12)), (date(2026, 1, 1), date(2026, 1, 1)),
    (date(2026, 1, 14), date(2026, 1, 14)), (date(2026, 1, 26), date(2026, 1, 30)),
    (date(2026, 3, 16), date(2026, 3, 20)), (date(2026, 5, 1), date(2026, 5, 1)),
    (date(2026, 4, 27), date(2026, 4, 30)), (date(2026, 11, 6), date(2026, 11, 6)),
    (date(2026, 11, 18), date(2026, 11, 18)),
)
SLOTS = {Group.Kind.CATCH_UP: (Slot.MORNING, Activity.CATCH_UP, time(8, 40)),
         Group.Kind.WORKSHOP: (Slot.AFTERNOON, Activity.WORKSHOP, time(14, 10))}
JUSTIFICATIONS = ("Certificat médical", "Maladie, la mère a prévenu", "Décès dans la famille",
                  "Rendez-vous à l'hôpital", "Convocation administrative (CIN)", "Fête familiale")
SLIPPING_SHARE = 0.035  # of learners enrolled today at an average risk, slipping towards dropping out
AGAIN = 0.35  # chance that an absence goes on the next day


@dataclass
class AttendanceReport:
    sessions: int = 0
    absences: int = 0
    late: int = 0
    slipping: int = 0


def school_days(start: date, end: date) -> list[date]:
    """The school days from ``start`` to ``end`` included."""
    off = {start_ + timedelta(days=n) for start_, end_ in HOLIDAYS for n in range((end_ - start_).days + 1)}
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in off]


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


@transaction.atomic
def seed_attendance(*, rng: random.Random, today: date, risk: dict[int, float], demo_center=None,
                    educator=None, center_ids=None, batch_size=BATCH_SIZE) -> AttendanceReport:
    """Roll calls of every group (of ``center_ids`` when given) up to ``today`` (included); none when the
    demo already has some."""
    report = AttendanceReport()
    if Session.objects.exists():
        return report
    placements = defaultdict(list)  # group -> [(learner, start, end)]
    enrolment_days = {}  # enrolment -> (learner, first day, last day + 1)
    rows = Placement.objects.order_by("pk")
    if center_ids is not None:
        rows = rows.filter(group__center_id__in=center_ids)
    for group, enrollment, learner, start, end in rows.values_list(
            "group_id", "enrollment_id", "enrollment__learner_id", "start_date", "end_date"):
        placements[group].append((learner, start, end or date.max))
        first, last = enrolment_days.get(enrollment, (learner, start, end or date.max))[1:]
        enrolment_days[enrollment] = (learner, min(first, start), max(last, end or date.max))
    exits = dict(Exit.objects.values_list("enrollment_id", "exit_date"))
    outcomes = dict(Exit.objects.values_list("enrollment_id", "outcome"))
    state = _day_states(rng, today, risk, enrolment_days, exits, outcomes, report)
    groups = list(Group.objects.filter(pk__in=list(placements)).order_by("pk").values_list(
        "pk", "kind", "school_year", "center_id", "center__province_id", "center__region_id"))
    # Catch-up classes first: a late arrival is marked at the day's first roll call only.
    groups.sort(key=lambda row: (row[1] != Group.Kind.CATCH_UP, row[0]))
    late_marked = set()
    next_session = (Session.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    sessions, absences = [], []
    for pk, kind, year, center, province, region in groups:
        slot, activity, at = SLOTS.get(kind, SLOTS[Group.Kind.CATCH_UP])
        first, last = YEARS.get(year, (None, None))
        spans = placements[pk]
        if first is None:
            continue
        begin = max(first, min(start for _l, start, _e in spans))
        taken_by = educator.pk if educator is not None and demo_center is not None \
            and center == demo_center.pk else None
        for day in school_days(begin, min(last, today)):
            placed = [learner for learner, start, end in spans if start <= day < end]
            if not placed:
                continue
            session_id, absent, late = next_session, 0, 0
            next_session += 1
            for learner in placed:
                mark = state.get((learner, day))
                if mark is None:
                    continue
                if mark == "late":
                    if (learner, day) in late_marked:
                        continue
                    late_marked.add((learner, day))
                    late += 1
                    absences.append(Absence(session_id=session_id, learner_id=learner, kind=Absence.Kind.LATE))
                else:
                    absent += 1
                    absences.append(Absence(session_id=session_id, learner_id=learner, kind=Absence.Kind.ABSENT,
                                            justified=bool(mark), reason=mark))
            sessions.append(Session(
                id=session_id, group_id=pk, date=day, slot=slot, activity=activity, taken_by_id=taken_by,
                taken_at=timezone.make_aware(datetime.combine(day, at)), center_id=center, province_id=province,
                region_id=region, expected=len(placed), absent=absent, late=late))
            if len(sessions) >= batch_size:
                _write(sessions, absences, report, batch_size)
                sessions, absences = [], []
    _write(sessions, absences, report, batch_size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Session, Absence]):
                cursor.execute(sql)
    summary_rebuild()  # the roll calls were written in bulk: the weekly summary from them
    return report


def _write(sessions, absences, report, batch_size):
    Session.objects.bulk_create(sessions, batch_size=batch_size)
    Absence.objects.bulk_create(absences, batch_size=batch_size)
    report.sessions += len(sessions)
    report.absences += sum(1 for a in absences if a.kind == Absence.Kind.ABSENT)
    report.late += sum(1 for a in absences if a.kind == Absence.Kind.LATE)


def _day_states(rng, today, risk, enrolment_days, exits, outcomes, report):
    """{(learner, day): mark} for the days a learner was not simply present: "late", or absent with the
    justification ("" when not justified). One draw per school day of each enrolment."""
    state = {}
    for enrollment in sorted(enrolment_days):
        learner, first, end = enrolment_days[enrollment]
        hidden = risk.get(learner, 0.0)
        base = _sigmoid(-3.5 + 0.9 * hidden)  # a day missed: about 3 % at an average risk
        late = 0.015 + 0.03 * _sigmoid(hidden)
        justified = 0.55 * (1 - _sigmoid(1.5 * hidden - 0.5))
        days = school_days(first, min(end - timedelta(days=1), today))
        if not days:
            continue
        falls_from, leaves_on, fades = None, None, 0
        exit_day, outcome = exits.get(enrollment), outcomes.get(enrollment)
        if outcome == Outcome.DROPOUT:
            leaves_on = exit_day
            fades = rng.randint(21, 49)
        elif outcome == Outcome.MOVED:
            leaves_on, fades = exit_day, rng.randint(3, 8)
        elif exit_day is None and end == date.max and rng.random() < min(0.5, SLIPPING_SHARE * math.exp(hidden)):
            leaves_on, fades = today + timedelta(days=rng.randint(0, 40)), rng.randint(21, 49)
            report.slipping += 1
        if leaves_on is not None:
            falls_from = leaves_on - timedelta(days=fades)
        absent_before, reason = False, ""
        for day in days:
            chance = base
            if falls_from is not None and day >= falls_from:
                if outcome == Outcome.MOVED:
                    chance = 0.9
                else:  # attendance falls, and the last days are missed
                    share = (day - falls_from).days / max(1, (leaves_on - falls_from).days)
                    chance = 0.95 if share > 0.85 else base + (0.8 - base) * share
            if absent_before:
                chance = max(chance, AGAIN)
            draw = rng.random()
            if draw < chance:
                if not absent_before:
                    reason = rng.choice(JUSTIFICATIONS) if rng.random() < justified and chance < 0.5 else ""
                state[(learner, day)] = reason
                absent_before = True
            else:
                absent_before = False
                if draw > 1 - late:
                    state[(learner, day)] = "late"
    return state
