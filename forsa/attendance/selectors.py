"""Reads of attendance: rates at every level, rolls not taken, absence rules, a roll call's state."""

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Min, Prefetch, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from forsa.attendance.models import Absence, AbsenceRule, Session, Slot
from forsa.centers.models import Center
from forsa.core import disclosure, scoping
from forsa.learners.models import Enrollment, Learner, Placement
from forsa.learners.selectors import expected_learners
from forsa.territory.models import Province, Region

SLOT_ORDER = {slot: index for index, slot in enumerate(Slot.values)}
LEVELS = {"center": "center", "province": "province", "region": "region", "national": None}


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

    ``level`` is center, province, region or national; ``within`` narrows (e.g. region=…). Read
    through ``for_aggregates``: aggregate-only scopes (partner viewers) count the roll calls of the
    centres they see, and a row is ``suppressed`` (its counts None) by the small-cell rule of
    ``forsa.core.disclosure``, the same as the overview's. Plain sums over the sessions' counts.
    """
    rows, totals = _rate_rows(user=user, level=level, start=start, end=end, **within)
    return totals if not LEVELS[level] else rows


COUNTS = ("expected", "absent", "late")


def _month(value):
    return value if isinstance(value, date) and not isinstance(value, datetime) else value.date()


def _people(sessions, keys):
    """The distinct learners a roll call of ``sessions`` covered, per ``keys`` (one query): the
    learners placed in the roll's group on its date (one filter, so that both conditions and the
    count are on the same placement)."""
    covered = sessions.filter(Q(group__placements__start_date__lte=F("date"))
                              & (Q(group__placements__end_date__isnull=True)
                                 | Q(group__placements__end_date__gt=F("date"))))
    rows = (covered.values(*keys).annotate(people=Count("group__placements__enrollment__learner", distinct=True))
            .order_by())
    return {tuple(_month(row[k]) if k == "month" else row[k] for k in keys): row["people"] for row in rows}


def _rate_rows(*, user, level, start, end, **within):
    """(rows per place and month, totals per month) of the roll calls ``user`` may count, with rates;
    for aggregate-only scopes, cells hidden by ``disclosure.suppress_line`` month by month (the month's
    total, the sum of its places, is what the national level shows). Two queries, four for them."""
    sessions = (Session.objects.for_aggregates(user).filter(date__gte=start, date__lt=end, **within)
                .annotate(month=TruncMonth("date")))
    place = [f"{LEVELS[level]}_id"] if LEVELS[level] else []
    rows = list(sessions.values("month", *place)
                .annotate(sessions=Count("id"), expected=Sum("expected"), absent=Sum("absent"), late=Sum("late"))
                .order_by("month", *place))
    totals = {}
    for row in rows:
        row["month"] = _month(row["month"])
        total = totals.setdefault(row["month"], {"month": row["month"], "sessions": 0} | dict.fromkeys(COUNTS, 0))
        total["sessions"] += row["sessions"]
        for name in COUNTS:
            total[name] += row[name] or 0
    for row in [*rows, *totals.values()]:
        row["suppressed"] = False
    if scoping.scope_of(user).aggregates_only:
        in_month = _people(sessions, ["month"])
        in_cell = _people(sessions, ["month", *place]) if place else in_month
        for month, total in totals.items():
            line = [row for row in rows if row["month"] == month]
            hidden, total["suppressed"] = disclosure.suppress_line(
                [in_cell.get((month, *(row[key] for key in place)), 0) for row in line], total=in_month.get((month,)))
            for row, suppressed in zip(line, hidden, strict=True):
                row["suppressed"] = suppressed or (not place and total["suppressed"])
    for row in [*rows, *totals.values()]:
        row["rate"] = None if row["suppressed"] else rate(row["expected"], row["absent"])
        if row["suppressed"]:
            row.update(dict.fromkeys(COUNTS))
    return rows, [totals[month] for month in sorted(totals)]


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


ROLL_LOOKBACK_DAYS = 14  # rolls not taken are looked for over the last two weeks


def recent_days(today):
    """The past days in which a roll not taken is worth a warning (today's may still come)."""
    return {"since": today - timedelta(days=ROLL_LOOKBACK_DAYS), "until": today - timedelta(days=1)}


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


def _table(model):
    return model._meta.db_table


# work_mem of the attendance_counts query (for it alone): its hash aggregate holds a row of counts per
# learner. Measured on 1,000,000 learners: 114 s at 64 MB (it spills to disk), 64 s at 256 MB.
COUNTS_WORK_MEM = "256MB"


def _day_number(column):
    """An integer day number of a date column, so that a roll call's order is an integer key."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '2000-01-01')"
    return f"CAST(julianday({column}) AS INTEGER)"


def attendance_counts(*, learners, start, end, windows=None, center=None, enrollments=None):
    """Per learner of ``learners`` (a queryset of learner ids): the roll calls they were expected at
    between ``start`` and ``end`` (included), their absences, lateness, unjustified absences and the
    run of consecutive absences that ends at ``end``; ``windows`` ({name: (from, to)}, included) adds
    the same counts over sub-periods as ``<count>_<name>``; ``enrollments`` (a queryset of enrolment
    ids) adds ``expected_enrolment`` and ``absent_enrolment`` over those enrolments' placements only.
    ``center`` keeps that centre's roll calls.

    One SQL query with aggregates, whatever the number of learners and roll calls: a learner is
    expected at a roll call of a group their placement covers (presence is implied), and the run is
    the number of roll calls after the last one they attended (late is attended), in date and
    half-day order. Learners expected at no roll call are absent from the result.

    The learner × roll-call rows are read once, keyed on the learner's integer id and an integer
    roll-call order (day number × slots + slot rank); the run is then counted over the absences only
    (every roll call after the last attended one is an absence). On PostgreSQL the query gets
    ``COUNTS_WORK_MEM`` of ``work_mem`` (for itself only) so that its hash aggregate stays in memory.
    """
    try:
        learner_sql, learner_params = learners.order_by().query.sql_with_params()
    except EmptyResultSet:  # a scope that sees no learner
        return {}
    slot_rank = " ".join(f"WHEN '{slot}' THEN {index}" for slot, index in SLOT_ORDER.items())
    roll_key = f"{_day_number('s.date')} * {len(SLOT_ORDER) + 1} + (CASE s.slot {slot_rank} ELSE {len(SLOT_ORDER)} END)"
    in_center, center_params = ("AND s.center_id = %s", [getattr(center, "pk", center)]) if center else ("", [])
    chosen, chosen_params = "0", []
    window_sums, window_params = [], []
    for name, (since, until) in (windows or {}).items():
        within = "m.day >= %s AND m.day <= %s"
        for count, condition in (("expected", ""), ("absent", " AND m.kind = 'absent'"),
                                 ("late", " AND m.kind = 'late'"),
                                 ("unjustified", " AND m.kind = 'absent' AND NOT m.justified")):
            window_sums.append(f", COUNT(*) FILTER (WHERE {within}{condition}) AS {count}_{name}")
            window_params += [since, until]
    if enrollments is not None:
        try:
            enrollment_sql, chosen_params = enrollments.order_by().query.sql_with_params()
            chosen = f"CASE WHEN e.id IN ({enrollment_sql}) THEN 1 ELSE 0 END"
        except EmptyResultSet:
            pass
        for count, condition in (("expected", ""), ("absent", " AND m.kind = 'absent'")):
            window_sums.append(f", COUNT(*) FILTER (WHERE m.chosen = 1{condition}) AS {count}_enrolment")

    def covered(flag):  # the roll calls of the learners' placements (a subquery, not a CTE: the planner sees it)
        return f"""
            FROM (SELECT e.learner_id AS learner_id, p.group_id AS group_id, p.start_date AS start_date,
                         p.end_date AS end_date{flag}
                  FROM {_table(Placement)} p
                  JOIN {_table(Enrollment)} e ON e.id = p.enrollment_id
                  WHERE e.learner_id IN ({learner_sql})) sp
            JOIN {_table(Session)} s ON s.group_id = sp.group_id AND s.date >= sp.start_date
                 AND (sp.end_date IS NULL OR s.date < sp.end_date)"""

    sql = f"""
        WITH marks AS (
            SELECT sp.learner_id AS learner_id, sp.chosen AS chosen, s.date AS day, {roll_key} AS k,
                   a.kind AS kind, a.justified AS justified
            {covered(f", {chosen} AS chosen")}
            LEFT JOIN {_table(Absence)} a ON a.session_id = s.id AND a.learner_id = sp.learner_id
            WHERE s.date >= %s AND s.date <= %s {in_center}),
        totals AS (
            SELECT m.learner_id AS learner_id, COUNT(*) AS expected,
                   COUNT(*) FILTER (WHERE m.kind = 'absent') AS absent,
                   COUNT(*) FILTER (WHERE m.kind = 'late') AS late,
                   COUNT(*) FILTER (WHERE m.kind = 'absent' AND NOT m.justified) AS unjustified,
                   MAX(CASE WHEN m.kind IS NULL OR m.kind <> 'absent' THEN m.k END) AS last_attended
                   {"".join(window_sums)}
            FROM marks m GROUP BY m.learner_id),
        runs AS (
            SELECT sp.learner_id AS learner_id, COUNT(*) AS run
            {covered("")}
            JOIN {_table(Absence)} a ON a.session_id = s.id AND a.learner_id = sp.learner_id AND a.kind = 'absent'
            JOIN totals t ON t.learner_id = sp.learner_id
            WHERE s.date >= %s AND s.date <= %s {in_center}
              AND (t.last_attended IS NULL OR {roll_key} > t.last_attended)
            GROUP BY sp.learner_id)
        SELECT t.*, COALESCE(r.run, 0) AS run
        FROM totals t LEFT JOIN runs r ON r.learner_id = t.learner_id"""
    params = [*chosen_params, *learner_params, start, end, *center_params, *window_params,
              *learner_params, start, end, *center_params]
    postgresql, nested = connection.vendor == "postgresql", connection.in_atomic_block
    with transaction.atomic() if postgresql and not nested else nullcontext(), connection.cursor() as cursor:
        if postgresql:  # for this transaction only; put back below when it is the caller's
            cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [COUNTS_WORK_MEM])
            work_mem = cursor.fetchone()[0]
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        counts = {}
        for row in cursor.fetchall():
            row = dict(zip(columns, row, strict=True))
            del row["last_attended"]
            counts[row["learner_id"]] = row
        if postgresql and nested:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
    return counts


def _placed(user, start, end, **where):
    """The ids of the learners ``user`` sees placed (``where``) between ``start`` and ``end`` (a subquery)."""
    return (Placement.objects.filter(start_date__lte=end, enrollment__learner__in=Learner.objects.for_user(user)
                                     .values("pk"), **where)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=start)).values("enrollment__learner_id"))


def attendance_of_learners(*, user, center, start, end):
    """Per learner ``user`` sees placed in ``center`` between ``start`` and ``end``: counts, rate and the
    current run of consecutive absences, over the centre's roll calls (two queries: attendance_counts
    and the learners)."""
    placed = _placed(user, start, end, group__center=center)
    return _learner_attendance(user, placed, attendance_counts(learners=placed, start=start, end=end, center=center))


NO_ROLL_CALL = {"expected": 0, "absent": 0, "late": 0, "run": 0}


def _learner_attendance(user, placed, counts):
    """LearnerAttendance rows of the ``placed`` learners, in name order (one query for the learners):
    their attendance_counts, zero for those no roll call has covered yet (the start of a month)."""
    learners = Learner.objects.for_user(user).filter(pk__in=placed).order_by("last_name", "first_name", "pk")
    return [LearnerAttendance(learner, *(counts.get(learner.pk, NO_ROLL_CALL)[key]
                                         for key in ("expected", "absent", "late", "run")))
            for learner in learners]


def learners_meeting_rules(*, user, center, today: date):
    """Learners ``user`` sees who currently meet an absence rule of ``center``: N consecutive absences,
    or a rate under the threshold over the last 4 weeks once they were expected at the rule's minimum
    of roll calls (one absence after one roll is not a trend). These feed the early warning."""
    rule = absence_rule_for(center=center)
    flagged = []
    for attendance in attendance_of_learners(user=user, center=center, start=today - timedelta(days=27), end=today):
        reasons = []
        if attendance.consecutive_absences >= rule.consecutive_absences:
            reasons.append("consecutive")
        if attendance.expected >= rule.minimum_sessions and attendance.rate < rule.minimum_rate:
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


# ---------------------------------------------------------------------------
# Reads of the attendance pages: one roll call, the overview, a learner's month.

def month_span(day: date):
    """The first day of ``day``'s month and the first day of the next (exclusive end)."""
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def roll_get(*, user, pk):
    """A roll call with its marks in name order, or Session.DoesNotExist when out of scope."""
    absences = Absence.objects.select_related("learner").order_by("learner__last_name", "learner__first_name")
    return session_list(user=user).prefetch_related(Prefetch("absences", queryset=absences)).get(pk=pk)


def _slot_order():
    return Case(*(When(slot=slot, then=Value(index)) for slot, index in SLOT_ORDER.items()),
                default=Value(9), output_field=IntegerField())


def group_sessions(*, user, group):
    """The group's roll calls, latest first, with the number present (presence is implied)."""
    return (session_list(user=user).filter(group=group).annotate(present=F("expected") - F("absent"))
            .order_by("-date", _slot_order().desc(), "-pk"))


@dataclass
class RollCall:
    """What the roll-call screen shows for one group, day and half-day."""

    group: object
    day: date
    slot: str
    learners: dict  # id → Learner, in name order
    session: Session | None
    may_take: bool
    correction_days: int | None

    @property
    def slot_label(self):
        return Slot(self.slot).label

    @property
    def marks(self):
        """learner id → Absence of the roll already taken (empty for a new roll)."""
        return {absence.learner_id: absence for absence in self.session.absences.all()} if self.session else {}

    @property
    def correctable(self):
        return self.session is not None and (timezone.localdate() - self.session.date).days <= self.correction_days

    @property
    def mode(self):
        """new (take it), correct (within the window), closed (too old) or read (not the user's to take)."""
        if not self.may_take:
            return "read"
        if self.session is None:
            return "new"
        return "correct" if self.correctable else "closed"

    def rows(self):
        marks = self.marks
        return [(learner, marks.get(pk)) for pk, learner in self.learners.items()]


def roll_call_state(*, user, group, day, slot) -> RollCall:
    """The expected learners, the roll already taken (if any) and what ``user`` may do with it."""
    session = (session_list(user=user).filter(group=group, date=day, slot=slot)
               .prefetch_related("absences").first())
    rule = absence_rule_for(center=group.center) if session else None
    return RollCall(group=group, day=day, slot=slot, learners=expected_learners(group=group, day=day),
                    session=session, may_take=scoping.can(user, "attendance.take", group),
                    correction_days=rule.correction_days if rule else None)


def group_learner_rates(*, user, group, start, end):
    """attendance_of_learners for the learners ``user`` sees placed in ``group`` between ``start`` and ``end``.

    Their counts cover every session of their groups at the centre, not this group's only.
    """
    placed = _placed(user, start, end, group=group)
    return _learner_attendance(user, placed, attendance_counts(learners=placed, start=start, end=end,
                                                               center=group.center))


def rates_overview(*, user, level, start, end, **within):
    """Monthly rates per ``level`` (rows) and month (columns) from ``start`` to ``end`` (exclusive), with
    the month's total; ``rates_by``'s figures, small cells hidden for aggregate-only scopes."""
    rows, totals = _rate_rows(user=user, level=level, start=start, end=end, **within)
    months, day = [], start
    while day < end:
        months.append(day)
        day = month_span(day)[1]
    key = f"{level}_id"
    cells = defaultdict(dict)
    for row in rows:
        cells[row[key]][row["month"]] = row
    model = {"region": Region, "province": Province, "center": Center}[level]
    names = model.objects.for_user(user).in_bulk(list(cells))
    table = [{"object": names[pk], "cells": [cells[pk].get(month) for month in months]}
             for pk in cells if pk in names]
    table.sort(key=lambda row: getattr(row["object"], "code", "") or row["object"].name)
    by_month = {total["month"]: total for total in totals}
    return {"months": months, "rows": table, "totals": [by_month.get(month) for month in months],
            "small_cells": scoping.scope_of(user).aggregates_only, "min_cell": disclosure.min_cell()}


def learner_month(*, learner, day):
    """learner_calendar for ``day``'s month, laid out in weeks (Monday first) for the learner's file."""
    start, end = month_span(day)
    calendar = learner_calendar(learner=learner, start=start, end=end - timedelta(days=1))
    by_day = defaultdict(list)
    for session, kind in calendar["days"]:
        by_day[session.date].append((session, kind or "present"))
    weeks, monday = [], start - timedelta(days=start.weekday())
    while monday < end:
        week = [monday + timedelta(days=n) for n in range(7)]
        weeks.append([{"date": d, "in_month": d.month == start.month, "marks": by_day.get(d, [])} for d in week])
        monday += timedelta(days=7)
    return calendar | {"month": start, "weeks": weeks}


def national_absence_rule():
    """The national thresholds (the defaults until a national admin sets them)."""
    return AbsenceRule.objects.filter(center__isnull=True).first() or AbsenceRule()


def rolls_taken_on(*, groups, day) -> dict[int, list[str]]:
    """{group id: the half-days whose roll was taken on ``day``} for ``groups`` (one query)."""
    taken = defaultdict(list)
    for group_id, slot in (Session.objects.filter(group__in=groups, date=day)
                           .order_by("group", "slot").values_list("group_id", "slot")):
        taken[group_id].append(slot)
    return dict(taken)


def absent_at_my_last_rolls(*, user, before: date, lookback_days=7):
    """(day, absences) of the last day before ``before`` on which ``user`` took a roll (within
    ``lookback_days``): the learners they marked absent then, with the group; (None, []) when none."""
    last = (Session.objects.for_user(user).filter(taken_by=user, date__lt=before,
                                                  date__gte=before - timedelta(days=lookback_days))
            .order_by("-date").values_list("date", flat=True).first())
    if last is None:
        return None, []
    absences = (Absence.objects.filter(session__in=Session.objects.for_user(user).filter(taken_by=user, date=last),
                                       kind=Absence.Kind.ABSENT, learner__in=Learner.objects.for_user(user))
                .select_related("learner", "session__group").order_by("learner__last_name", "learner__first_name",
                                                                      "session__slot"))
    return last, list(absences)
