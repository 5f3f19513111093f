"""Reads of attendance: who is expected, rates at every level, rolls not taken, absence rules."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth

from forsa.attendance.models import Absence, AbsenceRule, Session, Slot
from forsa.learners.models import Learner, Placement

SLOT_ORDER = {slot: index for index, slot in enumerate(Slot.values)}
LEVELS = {"center": "center", "province": "province", "region": "region", "national": None}


def placed_on(day):
    """Placements covering ``day``: started on or before it, ending after it (end dates are exclusive)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


def expected_learners(*, group, day):
    """The learners a roll call of ``group`` on ``day`` covers, by id (one query)."""
    placed = Placement.objects.filter(placed_on(day), group=group).values("enrollment__learner")
    learners = Learner._base_manager.filter(pk__in=placed).order_by("last_name", "first_name", "last_name_ar")
    return {learner.pk: learner for learner in learners}


def absence_rule_for(*, center):
    """The centre's override, else the national rule, else the defaults."""
    rules = {rule.center_id: rule for rule in AbsenceRule.objects.filter(Q(center=center) | Q(center__isnull=True))}
    return rules.get(center.pk) or rules.get(None) or AbsenceRule()


def rate(expected, absent):
    """Attendance rate in %, or None when nobody was expected."""
    return None if not expected else round(100 * (expected - absent) / expected, 1)


def session_list(*, user):
    return Session.objects.for_user(user).select_related("group", "taken_by")


def rates_by(*, user, level, start, end, **within):
    """Sessions, expected learner-sessions, absences, lateness and rate per ``level`` and month.

    ``level`` is center, province, region or national; ``within`` narrows (e.g. region=…).
    Plain sums over the sessions' counts: a national year is a few hundred thousand rows.
    """
    sessions = Session.objects.for_user(user).filter(date__gte=start, date__lt=end, **within)
    keys = ["month"] + ([f"{LEVELS[level]}_id"] if LEVELS[level] else [])
    rows = (
        sessions.annotate(month=TruncMonth("date")).values(*keys)
        .annotate(sessions=Count("id"), expected=Sum("expected"), absent=Sum("absent"), late=Sum("late"))
        .order_by(*keys)
    )
    return [row | {"rate": rate(row["expected"], row["absent"])} for row in rows]


def daily_rates(*, user, start, end, **within):
    rows = (
        Session.objects.for_user(user).filter(date__gte=start, date__lt=end, **within).values("date")
        .annotate(sessions=Count("id"), expected=Sum("expected"), absent=Sum("absent"), late=Sum("late"))
        .order_by("date")
    )
    return [row | {"rate": rate(row["expected"], row["absent"])} for row in rows]


def school_days(start, end):
    """Monday to Friday from ``start`` to ``end`` included (centres set no timetable yet)."""
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def missing_rolls(*, groups, since, until):
    """For each group, the school days without any roll call since its first learner was placed."""
    groups = list(groups)
    taken = set(Session.objects.filter(group__in=groups, date__gte=since, date__lte=until)
                .values_list("group_id", "date"))
    first_placed = dict(Placement.objects.filter(group__in=groups).values("group")
                        .annotate(first=Min("start_date")).values_list("group", "first"))
    missing = {}
    for group in groups:
        start = max(since, first_placed.get(group.pk) or until + timedelta(days=1))
        days = [day for day in school_days(start, until) if (group.pk, day) not in taken]
        if days:
            missing[group] = days
    return missing


def _covers(spans, group_id, day):
    """Whether one of the (group, start, exclusive end) placement spans puts the learner in the group."""
    return any(g == group_id and f <= day and (u is None or u > day) for g, f, u in spans)


@dataclass
class LearnerAttendance:
    learner: Learner
    expected: int
    absent: int
    late: int
    consecutive_absences: int

    @property
    def rate(self):
        return rate(self.expected, self.absent)


def attendance_of_learners(*, center, start, end):
    """Per learner placed in ``center`` between ``start`` and ``end``: counts, rate and the current
    run of consecutive absences. Three queries whatever the number of learners."""
    sessions = list(Session.objects.filter(center=center, date__gte=start, date__lte=end)
                    .values_list("id", "group_id", "date", "slot"))
    sessions.sort(key=lambda s: (s[2], SLOT_ORDER.get(s[3], 9)))
    placements = (Placement.objects.filter(group__center=center, start_date__lte=end)
                  .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
                  .values_list("enrollment__learner_id", "group_id", "start_date", "end_date"))
    by_learner = defaultdict(list)
    for learner_id, group_id, placed_from, placed_until in placements:
        by_learner[learner_id].append((group_id, placed_from, placed_until))
    marks = {(session_id, learner_id): kind for session_id, learner_id, kind in
             Absence.objects.filter(session__center=center, session__date__gte=start, session__date__lte=end)
             .values_list("session_id", "learner_id", "kind")}
    learners = Learner._base_manager.in_bulk(list(by_learner))
    results = []
    for learner_id, spans in by_learner.items():
        expected = absent = late = run = 0
        for session_id, group_id, day, _slot in sessions:
            if not _covers(spans, group_id, day):
                continue
            expected += 1
            kind = marks.get((session_id, learner_id))
            absent += kind == Absence.Kind.ABSENT
            late += kind == Absence.Kind.LATE
            run = run + 1 if kind == Absence.Kind.ABSENT else 0
        results.append(LearnerAttendance(learners[learner_id], expected, absent, late, run))
    return sorted(results, key=lambda a: (a.learner.last_name, a.learner.first_name))


def learners_meeting_rules(*, center, today: date):
    """Learners who currently meet an absence rule: N consecutive absences, or a rate under the
    threshold over the last 4 weeks. These feed the early warning."""
    rule = absence_rule_for(center=center)
    flagged = []
    for attendance in attendance_of_learners(center=center, start=today - timedelta(days=27), end=today):
        reasons = []
        if attendance.consecutive_absences >= rule.consecutive_absences:
            reasons.append("consecutive")
        if attendance.rate is not None and attendance.rate < rule.minimum_rate:
            reasons.append("rate")
        if reasons:
            flagged.append((attendance, reasons))
    return rule, flagged


def learner_calendar(*, learner, start, end):
    """Each session the learner was expected at between ``start`` and ``end``, with their mark."""
    spans = list(Placement.objects.filter(enrollment__learner=learner).values_list("group_id", "start_date",
                                                                                   "end_date"))
    sessions = Session.objects.filter(group_id__in={g for g, _f, _u in spans}, date__gte=start, date__lte=end)
    marks = dict(Absence.objects.filter(learner=learner, session__in=sessions).values_list("session_id", "kind"))
    days = []
    for session in sessions.select_related("group").order_by("date", "slot"):
        if _covers(spans, session.group_id, session.date):
            days.append((session, marks.get(session.pk)))
    expected = len(days)
    absent = sum(1 for _s, kind in days if kind == Absence.Kind.ABSENT)
    return {"days": days, "expected": expected, "absent": absent,
            "late": sum(1 for _s, kind in days if kind == Absence.Kind.LATE), "rate": rate(expected, absent)}
