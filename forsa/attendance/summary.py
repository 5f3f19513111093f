"""The per-learner weekly summary of attendance (``LearnerWeek``): how it is built, and how it is read.

Every roll call taken or corrected rebuilds the rows of the learners it covers (in the same
transaction), and so does a change of placements (``learners.signals.placements_changed``): a
learner's rows are recomputed from their whole history, a few hundred learner × roll-call rows for a
group, so that a correction of a past roll call, a roll taken late or a group change leave no stale
row. ``summary_rebuild()`` rebuilds every learner (the ``attendance_summary_rebuild`` command, and the
bench, which writes roll calls by SQL).

``summary_counts`` gives the early warning's attendance figures from these rows: counts over windows
of days, the counts since a date, and the current run of consecutive absences (every roll call after
the last one attended, late counting as attended), equal to ``selectors.attendance_counts`` over the
learner's whole history. A learner's day numbers count from Monday 3 January 2000, so that
``day - day % 7`` is the Monday of its week and ``day % 7`` its weekday.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date

import numpy as np
from django.db import connection, transaction

from forsa.attendance.models import Absence, LearnerWeek, Session
from forsa.attendance.selectors import SLOT_ORDER, _table
from forsa.learners.models import Enrollment, Placement

EPOCH = date(2000, 1, 3)  # a Monday
SENTINEL = 255  # in run_days: the run is run_before plus the week's absences so far
REBUILD_BATCH = 50_000  # learners per statement in a full rebuild
REBUILD_WORK_MEM = "256MB"


def day_number(day: date) -> int:
    return (day - EPOCH).days


def _day_sql(column):
    if connection.vendor == "postgresql":
        return f"({column} - DATE '2000-01-03')"
    return f"CAST(julianday({column}) - julianday('2000-01-03') AS INTEGER)"


def _byte(column, day):
    return f"(({column} >> {8 * day}) & 255)" if day else f"({column} & 255)"


def _rebuild_sql(where):
    slot_rank = " ".join(f"WHEN '{slot}' THEN {index}" for slot, index in SLOT_ORDER.items())
    day = _day_sql("s.date")
    key = f"{day} * {len(SLOT_ORDER) + 1} + (CASE s.slot {slot_rank} ELSE {len(SLOT_ORDER)} END)"
    power = "(CAST(1 AS BIGINT) << (8 * (d.day %% 7)))"
    # Each learner × roll call in order (a tie: the absence first), its rank and the rank of the last
    # roll call attended up to it; every roll call after that one was missed, so the run after a roll
    # call is its rank minus that rank.
    return f"""
        INSERT INTO {_table(LearnerWeek)} (learner_id, week, expected_days, absent_days, late_days,
                                           unjustified_days, run_days, run_before, expected_before, absent_before)
        WITH marks AS (
            SELECT e.learner_id AS learner_id, {day} AS day, {key} AS k,
                   CASE WHEN a.kind = 'absent' THEN 1 ELSE 0 END AS ab,
                   CASE WHEN a.kind = 'late' THEN 1 ELSE 0 END AS lt,
                   CASE WHEN a.kind = 'absent' AND NOT a.justified THEN 1 ELSE 0 END AS uj
            FROM {_table(Placement)} p
            JOIN {_table(Enrollment)} e ON e.id = p.enrollment_id
            JOIN {_table(Session)} s ON s.group_id = p.group_id AND s.date >= p.start_date
                 AND (p.end_date IS NULL OR s.date < p.end_date)
            LEFT JOIN {_table(Absence)} a ON a.session_id = s.id AND a.learner_id = e.learner_id
            WHERE {where}),
        ranked AS (
            SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.learner_id ORDER BY m.k, m.ab DESC) AS rn FROM marks m),
        attended AS (
            SELECT r.*, MAX(CASE WHEN r.ab = 0 THEN r.rn ELSE 0 END)
                        OVER (PARTITION BY r.learner_id ORDER BY r.rn ROWS UNBOUNDED PRECEDING) AS la
            FROM ranked r),
        days AS (
            SELECT learner_id, day, COUNT(*) AS e, SUM(ab) AS a, SUM(lt) AS l, SUM(uj) AS u,
                   MIN(rn) AS first_rn, MAX(rn) - MAX(la) AS run_end, MAX(la) AS la_end
            FROM attended GROUP BY learner_id, day),
        running AS (
            SELECT d.*, COALESCE(LAG(d.la_end) OVER (PARTITION BY d.learner_id ORDER BY d.day), 0) AS la_before,
                   SUM(d.e) OVER (PARTITION BY d.learner_id ORDER BY d.day ROWS UNBOUNDED PRECEDING) - d.e AS e_before,
                   SUM(d.a) OVER (PARTITION BY d.learner_id ORDER BY d.day ROWS UNBOUNDED PRECEDING) - d.a AS a_before
            FROM days d)
        SELECT d.learner_id, d.day - d.day %% 7, SUM(d.e * {power}), SUM(d.a * {power}), SUM(d.l * {power}),
               SUM(d.u * {power}),
               SUM((CASE WHEN d.run_end >= {SENTINEL} THEN {SENTINEL} ELSE d.run_end END) * {power}),
               MIN(d.first_rn) - 1 - MIN(d.la_before), MIN(d.e_before), MIN(d.a_before)
        FROM running d GROUP BY d.learner_id, d.day - d.day %% 7"""


def summary_rebuild(learner_ids=None):
    """Recompute the LearnerWeek rows of ``learner_ids`` (every learner when None) from their roll calls."""
    learner_ids = None if learner_ids is None else sorted(set(learner_ids))
    if learner_ids is not None and not learner_ids:
        return
    postgresql, nested = connection.vendor == "postgresql", connection.in_atomic_block
    with transaction.atomic() if not nested else nullcontext(), connection.cursor() as cursor:
        if learner_ids is not None:
            LearnerWeek.objects.filter(learner_id__in=learner_ids).delete()
            marks = ", ".join(["%s"] * len(learner_ids))
            cursor.execute(_rebuild_sql(f"e.learner_id IN ({marks})"), learner_ids)
            return
        if postgresql and not nested:  # TRUNCATE: not with the caller's deferred constraint checks pending
            cursor.execute(f"TRUNCATE {_table(LearnerWeek)}")
            cursor.execute("SELECT set_config('work_mem', %s, true)", [REBUILD_WORK_MEM])
        else:
            LearnerWeek.objects.all().delete()
        cursor.execute(f"SELECT MIN(learner_id), MAX(learner_id) FROM {_table(Enrollment)}")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, REBUILD_BATCH):
            cursor.execute(_rebuild_sql("e.learner_id >= %s AND e.learner_id < %s"), [start, start + REBUILD_BATCH])


def placements_changed_received(sender, learner_ids, **kwargs):
    """``learners.signals.placements_changed``: rebuild those learners' rows if a roll call covers them."""
    summary_rebuild(learner_ids)


def _window(column, since, until):
    """SQL: the sum of ``column``'s days of week row ``w`` falling between day numbers since and until."""
    return " + ".join(f"(CASE WHEN w.week + {d} BETWEEN {since} AND {until} THEN {_byte(column, d)} ELSE 0 END)"
                      for d in range(7))


def _up_to(row, column, until, *, strictly=False):
    """SQL: the sum of ``column``'s days of ``row`` on or before (before) day number ``until``."""
    compare = "<" if strictly else "<="
    return " + ".join(f"(CASE WHEN {row}.week + {d} {compare} {until} THEN {_byte(f'{row}.{column}', d)} ELSE 0 END)"
                      for d in range(7))


def _run(row, until):
    """SQL: the run of consecutive absences at the end of day number ``until``, from the learner's last
    week row on or before it: the run at the end of its last day of roll calls up to ``until``."""
    cases = []
    for d in range(6, -1, -1):
        absences = " + ".join(_byte(f"{row}.absent_days", e) for e in range(d + 1))
        cases.append(f"WHEN {row}.week + {d} <= {until} AND {_byte(f'{row}.expected_days', d)} > 0 THEN "
                     f"(CASE WHEN {_byte(f'{row}.run_days', d)} = {SENTINEL} THEN {row}.run_before + {absences} "
                     f"ELSE {_byte(f'{row}.run_days', d)} END)")
    return f"(CASE {' '.join(cases)} ELSE {row}.run_before END)"


def summary_counts_by_joins(*, enrollments, as_of: date, windows) -> dict:
    """{learner id: counts} for the learners of ``enrollments`` (a queryset of enrolments, one per
    learner) as of ``as_of``, from LearnerWeek: ``<count>_<name>`` for each window name → (from, to)
    dates (expected, absent, late, unjustified), ``expected_enrolment`` and ``absent_enrolment`` (the
    roll calls from the enrolment's start date to ``as_of``) and ``run``. Learners without a roll call
    up to ``as_of`` are absent from the result. One query."""
    chosen_sql, chosen_params = enrollments.order_by().values("learner_id", "start_date").query.sql_with_params()
    today = day_number(as_of)
    spans = {name: (day_number(since), day_number(until)) for name, (since, until) in windows.items()}
    first_week = min(since for since, _until in spans.values())
    first_week -= first_week % 7
    sums, names = [], []
    for name, (since, until) in spans.items():
        for count in ("expected", "absent", "late", "unjustified"):
            sums.append(f"SUM({_window(f'w.{count}_days', since, until)}) AS {count}_{name}")
            names.append(f"win.{count}_{name}")
    start = _day_sql("c.start_date")
    sql = f"""
        WITH chosen AS ({chosen_sql}),
        win AS (
            SELECT w.learner_id AS learner_id, {", ".join(sums)}
            FROM {_table(LearnerWeek)} w
            WHERE w.learner_id IN (SELECT learner_id FROM chosen) AND w.week >= {first_week} AND w.week <= {today}
            GROUP BY w.learner_id),
        latest AS (
            SELECT w.learner_id AS learner_id, MAX(w.week) AS week FROM {_table(LearnerWeek)} w
            WHERE w.learner_id IN (SELECT learner_id FROM chosen) AND w.week <= {today}
            GROUP BY w.learner_id),
        starts AS (
            SELECT c.learner_id AS learner_id, {start} AS start_day, MIN(w.week) AS week
            FROM chosen c JOIN {_table(LearnerWeek)} w ON w.learner_id = c.learner_id
                 AND w.week >= {start} - {start} %% 7 AND w.week <= {today}
            GROUP BY c.learner_id, c.start_date)
        SELECT l.learner_id, {", ".join(names)}, {_run("l", today)} AS run,
               COALESCE(l.expected_before + {_up_to("l", "expected_days", today)}
                        - (f.expected_before + {_up_to("f", "expected_days", "si.start_day", strictly=True)}), 0)
                   AS expected_enrolment,
               COALESCE(l.absent_before + {_up_to("l", "absent_days", today)}
                        - (f.absent_before + {_up_to("f", "absent_days", "si.start_day", strictly=True)}), 0)
                   AS absent_enrolment
        FROM latest lt
        JOIN {_table(LearnerWeek)} l ON l.learner_id = lt.learner_id AND l.week = lt.week
        LEFT JOIN win ON win.learner_id = lt.learner_id
        LEFT JOIN starts si ON si.learner_id = lt.learner_id
        LEFT JOIN {_table(LearnerWeek)} f ON f.learner_id = si.learner_id AND f.week = si.week"""
    with connection.cursor() as cursor:
        cursor.execute(sql, chosen_params)
        columns = [column[0] for column in cursor.description]
        counts = {}
        for row in cursor.fetchall():
            row = dict(zip(columns, row, strict=True))
            learner_id = row.pop("learner_id")
            counts[learner_id] = {key: int(value or 0) for key, value in row.items()} | {"learner_id": learner_id}
    return counts


# One pass ------------------------------------------------------------------------------------------

CHUNK = 50_000  # learners per chunk of week rows read and summed at once (bounded memory)
RECORD = np.dtype([("learner", ">i8"), ("start", ">i4"), ("week", ">i4"), ("expected", ">i8"), ("absent", ">i8"),
                   ("late", ">i8"), ("unjustified", ">i8"), ("run", ">i8"), ("run_before", ">i4"),
                   ("expected_before", ">i4"), ("absent_before", ">i4")])
COUNTS = ("expected", "absent", "late", "unjustified")


def _packed(names):
    """SQL: the RECORD of each row named by ``names`` as big-endian bytes."""
    return " || ".join(f"{'int8send' if RECORD[n].itemsize == 8 else 'int4send'}(({name})::"
                       f"{'int8' if RECORD[n].itemsize == 8 else 'int4'})" for n, name in enumerate(names))


def _row_names(start):
    return ("y.learner_id", start, "y.week", "y.expected_days", "y.absent_days", "y.late_days",
            "y.unjustified_days", "y.run_days", "y.run_before", "y.expected_before", "y.absent_before")


def _lower(start, first_week):
    return f"(CASE WHEN {start} - {start} %% 7 < {first_week} THEN {start} - {start} %% 7 ELSE {first_week} END)"


def _week_rows(chosen_sql, chosen_params, today, first_week):
    """The week rows of the chosen learners from their span's first week (the earliest window's, or the
    enrolment's start week when earlier) to today, with the enrolment's start day: arrays of RECORD,
    each holding whole learners. On PostgreSQL packed as bytes in PostgreSQL itself (a few values a
    chunk instead of a message a row), elsewhere fetched as rows."""
    start = _day_sql("c.start_date")
    source = f"""
        FROM {_table(LearnerWeek)} y JOIN chosen c ON c.learner_id = y.learner_id
        WHERE y.week <= {today} AND y.week >= {_lower(start, first_week)}"""
    names = _row_names(start)
    if connection.vendor == "postgresql":
        sql = f"WITH chosen AS ({chosen_sql}) SELECT string_agg({_packed(names)}, ''::bytea) {source} " \
              f"GROUP BY y.learner_id / {CHUNK}"
        with connection.cursor() as cursor:
            cursor.execute(sql, chosen_params)
            while chunk := cursor.fetchone():
                yield np.frombuffer(chunk[0], dtype=RECORD)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"WITH chosen AS ({chosen_sql}) SELECT {', '.join(names)} {source}", chosen_params)
        rows = [tuple(int(value) for value in row) for row in cursor.fetchall()]
    if rows:
        yield np.array(rows, dtype=RECORD)


def _week_rows_given(starts, today, first_week):
    """``_week_rows`` for the learners of ``starts`` ({learner id: their enrolment's start date}) on
    PostgreSQL: one query per CHUNK of learners (their ids and dates sent as arrays), which aggregates
    without grouping, so without sorting the rows (at a million learners that sort spilled to disk);
    each chunk's query runs in a thread on the same connection while the caller sums the one before,
    so that PostgreSQL and numpy work at the same time (two cores)."""
    start = _day_sql("c.start_date")
    sql = f"""
        SELECT string_agg({_packed(_row_names(start))}, ''::bytea)
        FROM unnest(%s::bigint[], %s::date[]) AS c (learner_id, start_date)
        JOIN {_table(LearnerWeek)} y ON y.learner_id = c.learner_id
        WHERE y.week <= {today} AND y.week >= {_lower(start, first_week)}"""
    ids = sorted(starts)
    raw = connection.connection  # psycopg's own: Django's wrapper is per thread; one statement at a time

    def fetch(chunk):
        with raw.cursor() as cursor:
            cursor.execute(sql, [chunk, [starts[learner_id] for learner_id in chunk]])
            return cursor.fetchone()[0]

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for index in range(0, len(ids) + CHUNK, CHUNK):
            ahead = pool.submit(fetch, ids[index:index + CHUNK]) if index < len(ids) else None
            packed = pending.result() if pending is not None else None
            pending = ahead
            if packed:
                yield np.frombuffer(packed, dtype=RECORD)


def _bytes(values):
    """(n, 7) array of the day bytes of packed values, Monday first."""
    return np.ascontiguousarray(values.astype("<i8")).view(np.uint8).reshape(-1, 8)[:, :7].astype(np.int32)


def summary_counts(*, enrollments, as_of: date, windows, learner_ids=None, starts=None) -> dict:
    """The same as ``summary_counts_by_joins`` (``learner_ids``: those of ``enrollments`` when the caller
    has them, which spares a query), reading each learner's week rows once and summing with numpy.

    The rows read: from the earliest window's week (or the enrolment's start week when earlier) to
    ``as_of``. Each window's counts are the bytes of its days; the run and the counts up to today come
    from the latest row, those before the enrolment from the first row of its start week or after. A
    learner whose rows are all older than that span (no roll call for weeks) gets the run of their
    latest row from ``summary_counts_by_joins``. ``starts``: {learner id: start date} of the enrolments of
    ``enrollments`` when the caller has them; on PostgreSQL the rows are then read chunk by chunk
    (``_week_rows_given``)."""
    chosen_sql, chosen_params = enrollments.order_by().values("learner_id", "start_date").query.sql_with_params()
    today = day_number(as_of)
    spans = {name: (day_number(since), day_number(until)) for name, (since, until) in windows.items()}
    first_week = min(since for since, _until in spans.values())
    first_week -= first_week % 7
    counts = {}
    if starts is not None and connection.vendor == "postgresql":
        learner_ids, chunks = starts.keys(), _week_rows_given(starts, today, first_week)
    else:
        chunks = _week_rows(chosen_sql, chosen_params, today, first_week)
    for rows in chunks:
        counts |= _counts_from(rows, spans, today)
    if learner_ids is not None:  # those without a row in the span; the joins find which have an older one
        older = sorted(set(learner_ids) - counts.keys())
    else:
        lower = _lower(_day_sql("c.start_date"), first_week)
        older_sql = f"""
            WITH chosen AS ({chosen_sql})
            SELECT c.learner_id FROM chosen c
            WHERE NOT EXISTS (SELECT 1 FROM {_table(LearnerWeek)} y WHERE y.learner_id = c.learner_id
                              AND y.week <= {today} AND y.week >= {lower})
              AND EXISTS (SELECT 1 FROM {_table(LearnerWeek)} y WHERE y.learner_id = c.learner_id
                          AND y.week < {lower})"""
        with connection.cursor() as cursor:
            cursor.execute(older_sql, chosen_params)
            older = [learner_id for (learner_id,) in cursor.fetchall()]
    for index in range(0, len(older), 10_000):
        counts |= summary_counts_by_joins(enrollments=enrollments.filter(learner_id__in=older[index:index + 10_000]),
                                          as_of=as_of, windows=windows)
    return counts


def _counts_from(rows, spans, today):
    """{learner id: counts} from the week rows of whole learners (RECORD, in any order)."""
    rows = rows[np.lexsort((rows["week"], rows["learner"]))]
    learner = rows["learner"].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, learner[1:] != learner[:-1]])
    lasts = np.r_[starts[1:], len(rows)] - 1
    week = rows["week"].astype(np.int64)
    days = week[:, None] + np.arange(7)
    packed = {count: _bytes(rows[count]) for count in COUNTS}
    result = {}
    for name, (since, until) in spans.items():
        inside = (days >= since) & (days <= until)
        for count in COUNTS:
            result[f"{count}_{name}"] = np.add.reduceat((packed[count] * inside).sum(axis=1), starts)
    # the latest row: the run at the end of its last day of roll calls up to today, the counts up to today
    up_to_today = days[lasts] <= today
    expected, absent = packed["expected"][lasts], packed["absent"][lasts]
    called = up_to_today & (expected > 0)
    last_day = 6 - np.argmax(called[:, ::-1], axis=1)
    index = np.arange(len(lasts))
    run_byte = _bytes(rows["run"][lasts])[index, last_day]
    run_before = rows["run_before"][lasts].astype(np.int64)
    absences_to = np.cumsum(absent, axis=1)[index, last_day]
    result["run"] = np.where(called.any(axis=1),
                             np.where(run_byte == SENTINEL, run_before + absences_to, run_byte), run_before)
    expected_today = rows["expected_before"][lasts].astype(np.int64) + (expected * up_to_today).sum(axis=1)
    absent_today = rows["absent_before"][lasts].astype(np.int64) + (absent * up_to_today).sum(axis=1)
    # the enrolment's first row (its start week or the first after): the counts before its start day
    start_day = rows["start"].astype(np.int64)
    candidate = np.where(week >= start_day - start_day % 7, np.arange(len(rows)), len(rows))
    first = np.minimum.reduceat(candidate, starts)
    has_first = first < len(rows)
    first = np.where(has_first, first, 0)
    before_start = days[first] < start_day[first][:, None]
    expected_start = rows["expected_before"][first].astype(np.int64) + (packed["expected"][first] * before_start).sum(1)
    absent_start = rows["absent_before"][first].astype(np.int64) + (packed["absent"][first] * before_start).sum(1)
    result["expected_enrolment"] = np.where(has_first, expected_today - expected_start, 0)
    result["absent_enrolment"] = np.where(has_first, absent_today - absent_start, 0)
    ids = learner[starts].tolist()
    keys = [*result, "learner_id"]
    columns = [result[key].tolist() for key in keys[:-1]] + [ids]
    return {learner_id: dict(zip(keys, values, strict=True))
            for learner_id, values in zip(ids, zip(*columns, strict=True), strict=True)}
