"""Reporting at national scale: the dashboards and the indicator API from the roll-ups, on PostgreSQL,
side by side with DuckDB over the same rows exported to Parquet.

On a dedicated PostgreSQL database (see bench/README.md, "Reporting"):

    export FORSA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reporting_54k
    python manage.py migrate && python manage.py load_territory
    python bench/reporting.py generate --learners 54000 --fresh --full-year
    python bench/reporting.py measure --json bench/results/reporting-54k.json

``generate`` is bench/earlywarning.py's generator, reused as is (centres of 600 learners on the 12
regions, groups of 30, one enrolment and placement each from 5 October 2026, two roll calls a day on the
40 school days to 27 November 2026 with absences and lateness), then exits: one learner in 25 left on a
school day of November, with an outcome (half of them positive), their enrolment ended.

``generate --full-year`` also writes the whole school year before, 2025-2026 (``previous_year``): every
learner enrolled at the same centre from 15 September 2025, two roll calls a day on every school day
(Monday to Friday) to 30 June 2026 with absences and lateness drawn the same way, one learner in 25
leaving through the year with an outcome, the other enrolments closed at the end of June.

``measure``, in this process, for each school year generated (2025-2026 in June, 2026-2027 in November):

* ``refresh``: ``reporting.services.rollups_refresh`` of the year (every indicator per centre, the
  cells replaced in one transaction), timed;
* the pages ``/reporting/national/``, a region's, a centre's, and the API
  ``/api/v1/indicators/{learners_enrolled,attendance_rate}/national`` through Django's test Client as a
  national admin (session, every middleware, the template), warm, median and p95 over ``--runs``;
  the national page also computed directly (no refresh: today's path) for comparison;
* DuckDB: the tables the national figures read (enrolments, learners' sex, centres, roll calls, exits)
  exported to Parquet once, then the same national figures by region (learners enrolled, girls' share,
  attendance rate of November, exits and positive exit rate, centres and seats) computed by DuckDB over
  the Parquet files, timed the same way in the same run, and compared with the page's figures (they
  must be identical).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import earlywarning as ew  # noqa: E402  (sets Django up, as every bench does)
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

YEAR = "2026-2027"
TODAY = ew.AS_OF  # the reference day of the generated data
MONTH = date(2026, 11, 1)
EXIT_EVERY = 25


def exits(seed):
    """One learner in EXIT_EVERY left on a November school day: an Exit row, the enrolment ended."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 1000 + 0.5])
        cursor.execute("""
            CREATE TEMP TABLE bench_exit ON COMMIT DROP AS
            SELECT e.id AS enrollment_id, e.learner_id,
                   date '2026-11-02' + ((e.id %% 4) * 7 + (e.id %% 5))::int AS exit_date,
                   (ARRAY['school', 'vocational', 'apprenticeship', 'employment', 'dropout', 'dropout',
                          'moved', 'other'])[1 + (e.id / %(every)s) %% 8] AS outcome
            FROM learners_enrollment e WHERE e.school_year = %(year)s AND e.id %% %(every)s = 0""",
                       {"every": EXIT_EVERY, "year": YEAR})
        cursor.execute("""
            INSERT INTO learners_exit (created_at, updated_at, exit_date, outcome, school_level, school_name,
                                       training_provider, programme, employer, dropout_reason, details, enrollment_id)
            SELECT now(), now(), exit_date, outcome, CASE WHEN outcome = 'school' THEN 'S1' ELSE '' END, '', '', '',
                   '', CASE WHEN outcome = 'dropout' THEN 'economic' ELSE '' END, '', enrollment_id FROM bench_exit""")
        print(f"  {cursor.rowcount:,} exits", flush=True)
        cursor.execute("""UPDATE learners_enrollment e SET end_date = x.exit_date, status = 'exited'
                          FROM bench_exit x WHERE x.enrollment_id = e.id""")
        cursor.execute("""UPDATE learners_placement p SET end_date = x.exit_date
                          FROM bench_exit x WHERE x.enrollment_id = p.enrollment_id""")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE learners_exit, learners_enrollment, learners_placement")


PREVIOUS_YEAR = "2025-2026"
PREVIOUS_START = date(2025, 9, 15)  # a Monday
PREVIOUS_LAST = date(2026, 6, 30)  # the last school day: enrolments and placements end the day after
PREVIOUS_MONTH = date(2026, 6, 1)  # the month measured: the last with roll calls


def previous_year(seed):
    """The whole school year before: every learner of the bench enrolled (at the same centre, in a group of
    that year) from PREVIOUS_START to PREVIOUS_LAST, two roll calls a day on every school day (Monday to
    Friday) with absences and lateness drawn as earlywarning.generate draws them; one learner in
    EXIT_EVERY left on a school day of the year with an outcome (absent on their last 10 school days),
    the others' enrolments closed at the end of June. All in SQL, from generate_series."""
    began = total = time.perf_counter()
    days, day = [], PREVIOUS_START
    while day <= PREVIOUS_LAST:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    print(f"Generating {PREVIOUS_YEAR}: {len(days)} school days, {PREVIOUS_START} to {PREVIOUS_LAST}", flush=True)
    params = {"year": YEAR, "prev": PREVIOUS_YEAR, "start": PREVIOUS_START, "first": days[0], "last": PREVIOUS_LAST,
              "closed": PREVIOUS_LAST + timedelta(days=1), "days": len(days), "every": EXIT_EVERY,
              "absent": ew.ABSENT_RATE, "late": ew.LATE_RATE}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute("SET LOCAL session_replication_role TO replica")  # references right by construction
        cursor.execute("SELECT setseed(%s)", [seed / 1000 - 0.5])
        cursor.execute("SELECT count(*) FROM learners_enrollment WHERE school_year = %(prev)s", params)
        if cursor.fetchone()[0]:
            sys.exit(f"{PREVIOUS_YEAR} has enrolments already: generate with --fresh.")
        for table in ("centers_group", "learners_enrollment", "attendance_session"):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            params[table] = cursor.fetchone()[0]
        # the school days, numbered from the first (generate_series, weekends left out)
        cursor.execute("""
            CREATE TEMP TABLE bench_pday ON COMMIT DROP AS
            SELECT d::date AS day, (row_number() OVER (ORDER BY d) - 1)::int AS n
            FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
            WHERE extract(isodow FROM d) < 6""", params)
        # a group of the year before for each group of this year, with the same learners
        cursor.execute("""
            CREATE TEMP TABLE bench_pgroup ON COMMIT DROP AS
            SELECT %(centers_group)s + row_number() OVER (ORDER BY g.id) AS id, g.id AS old_id, g.name,
                   g.center_id, c.province_id, c.region_id
            FROM centers_group g JOIN centers_center c ON c.id = g.center_id WHERE g.school_year = %(year)s""",
                       params)
        cursor.execute("""
            INSERT INTO centers_group (id, created_at, updated_at, school_year, name, kind, center_id)
            SELECT id, now(), now(), %(prev)s, name, 'catch_up', center_id FROM bench_pgroup ORDER BY id""", params)
        began = ew.step(f"{cursor.rowcount:,} groups", began)
        cursor.execute("""
            CREATE TEMP TABLE bench_prev ON COMMIT DROP AS
            SELECT %(learners_enrollment)s + row_number() OVER (ORDER BY e.learner_id) AS enrollment_id,
                   e.learner_id, e.center_id, g.id AS group_id,
                   least(0.7, -ln(1 - random()) * %(absent)s) AS p_absent,
                   least(0.5, -ln(1 - random()) * %(late)s) AS p_late,
                   CASE WHEN e.learner_id %% %(every)s = 12 THEN 15 + (e.learner_id * 7919) %% (%(days)s - 15) END
                       AS exit_n,
                   (ARRAY['school', 'vocational', 'apprenticeship', 'employment', 'dropout', 'dropout', 'moved',
                          'other'])[1 + (e.learner_id / %(every)s) %% 8] AS outcome
            FROM learners_enrollment e JOIN learners_placement p ON p.enrollment_id = e.id
            JOIN bench_pgroup g ON g.old_id = p.group_id WHERE e.school_year = %(year)s""", params)
        cursor.execute("ALTER TABLE bench_prev ADD COLUMN exit_date date")
        cursor.execute("UPDATE bench_prev l SET exit_date = d.day FROM bench_pday d WHERE d.n = l.exit_n")
        cursor.execute("CREATE INDEX ON bench_prev (group_id)")
        cursor.execute("ANALYZE bench_prev")
        cursor.execute("""
            INSERT INTO learners_enrollment (id, created_at, updated_at, school_year, start_date, end_date, status,
                age_override_reason, center_id, learner_id)
            SELECT enrollment_id, now(), now(), %(prev)s, %(start)s, coalesce(exit_date, %(closed)s),
                   CASE WHEN exit_date IS NULL THEN 'closed' ELSE 'exited' END, '', center_id, learner_id
            FROM bench_prev ORDER BY enrollment_id""", params)
        cursor.execute("""
            INSERT INTO learners_placement (created_at, updated_at, start_date, end_date, enrollment_id, group_id)
            SELECT now(), now(), %(start)s, coalesce(exit_date, %(closed)s), enrollment_id, group_id
            FROM bench_prev ORDER BY enrollment_id""", params)
        began = ew.step(f"{cursor.rowcount:,} enrolments and placements", began)
        cursor.execute("""
            INSERT INTO learners_exit (created_at, updated_at, exit_date, outcome, school_level, school_name,
                                       training_provider, programme, employer, dropout_reason, details, enrollment_id)
            SELECT now(), now(), exit_date, outcome, CASE WHEN outcome = 'school' THEN 'S1' ELSE '' END, '', '', '',
                   '', CASE WHEN outcome = 'dropout' THEN 'economic' ELSE '' END, '', enrollment_id
            FROM bench_prev WHERE exit_date IS NOT NULL ORDER BY enrollment_id""")
        began = ew.step(f"{cursor.rowcount:,} exits", began)
        cursor.execute("""
            CREATE TEMP TABLE bench_psession ON COMMIT DROP AS
            SELECT %(attendance_session)s + row_number() OVER (ORDER BY d.day, g.id, s.slot) AS id, g.id AS group_id,
                   d.day, s.slot, s.at, g.center_id, g.province_id, g.region_id
            FROM bench_pgroup g CROSS JOIN bench_pday d
            CROSS JOIN (VALUES ('morning', time '08:40'), ('afternoon', time '14:10')) s (slot, at)""", params)
        began = ew.step(f"{cursor.rowcount:,} roll calls planned", began)
        # the learners expected at a roll call: those placed in the group that day (not yet gone)
        cursor.execute("""
            CREATE TEMP TABLE bench_pmark ON COMMIT DROP AS
            SELECT session_id, learner_id, CASE WHEN stopped OR r < p_absent THEN 'absent' ELSE 'late' END AS kind,
                   NOT stopped AND r < p_absent * 0.3 AS justified
            FROM (SELECT s.id AS session_id, l.learner_id, l.p_absent, l.p_late,
                         coalesce(s.day >= l.exit_date - 14, false) AS stopped, random() AS r
                  FROM bench_psession s JOIN bench_prev l ON l.group_id = s.group_id
                  WHERE l.exit_date IS NULL OR s.day < l.exit_date) drawn
            WHERE stopped OR r < p_absent + p_late""")
        began = ew.step(f"{cursor.rowcount:,} marks drawn", began)
        cursor.execute("""
            INSERT INTO attendance_session (id, created_at, updated_at, date, slot, activity, taken_at, client_key,
                expected, absent, late, center_id, created_by_id, group_id, province_id, region_id, taken_by_id)
            SELECT s.id, now(), now(), s.day, s.slot, 'catch_up', (s.day + s.at) AT TIME ZONE 'Africa/Casablanca',
                   NULL, n.placed - coalesce(x.gone, 0), coalesce(m.absent, 0), coalesce(m.late, 0), s.center_id,
                   NULL, s.group_id, s.province_id, s.region_id, NULL
            FROM bench_psession s
            JOIN (SELECT group_id, count(*) AS placed FROM bench_prev GROUP BY group_id) n ON n.group_id = s.group_id
            LEFT JOIN LATERAL (SELECT count(*) AS gone FROM bench_prev l
                               WHERE l.group_id = s.group_id AND l.exit_date <= s.day) x ON true
            LEFT JOIN (SELECT session_id, count(*) FILTER (WHERE kind = 'absent') AS absent,
                              count(*) FILTER (WHERE kind = 'late') AS late
                       FROM bench_pmark GROUP BY session_id) m ON m.session_id = s.id
            ORDER BY s.id""")
        began = ew.step(f"{cursor.rowcount:,} roll calls written", began)
        cursor.execute("""
            INSERT INTO attendance_absence (kind, justified, reason, learner_id, session_id)
            SELECT kind, justified, CASE WHEN justified THEN 'certificat médical' ELSE '' END, learner_id, session_id
            FROM bench_pmark ORDER BY session_id, learner_id""")
        began = ew.step(f"{cursor.rowcount:,} absences and lateness written", began)
        for table in ("centers_group", "learners_enrollment", "learners_placement", "learners_exit",
                      "attendance_session", "attendance_absence"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")
    began = ew.step("committed", began)
    from forsa.attendance.summary import summary_rebuild

    summary_rebuild()  # the roll calls were written by SQL: the weekly summary the daily run reads
    began = ew.step("weekly attendance summary (LearnerWeek) rebuilt", began)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    ew.step("VACUUM ANALYZE", began)
    print(f"{PREVIOUS_YEAR} generated in {time.perf_counter() - total:.0f} s", flush=True)


EXPORTS = {
    "enrollment": "SELECT id, learner_id, center_id, school_year, start_date FROM learners_enrollment",
    "learner": "SELECT id, sex FROM learners_learner",
    "center": "SELECT id, region_id, province_id, capacity, status, opening_date FROM centers_center",
    "session": "SELECT center_id, date, expected, absent FROM attendance_session",
    "exit": "SELECT enrollment_id, exit_date, outcome FROM learners_exit",
}

DUCKDB_SQL = {
    # the latest enrolment of each learner in the year, counted at its centre's region
    "learners_enrolled": """
        WITH latest AS (SELECT *, row_number() OVER (PARTITION BY learner_id ORDER BY start_date DESC, id DESC) AS k
                        FROM enrollment WHERE school_year = '{year}')
        SELECT c.region_id, count(DISTINCT l.learner_id) AS n, count(DISTINCT l.learner_id) FILTER (WHERE p.sex = 'F')
        FROM latest l JOIN center c ON c.id = l.center_id JOIN learner p ON p.id = l.learner_id
        WHERE k = 1 GROUP BY ALL""",
    "attendance_rate": """
        SELECT c.region_id, sum(s.expected) AS expected, sum(s.expected) - sum(s.absent) AS present
        FROM session s JOIN center c ON c.id = s.center_id
        WHERE s.date >= DATE '{month}' AND s.date < DATE '{month}' + INTERVAL 1 MONTH GROUP BY ALL""",
    "positive_exit_rate": """
        SELECT c.region_id, count(*) AS n,
               count(*) FILTER (WHERE x.outcome IN ('school', 'vocational', 'apprenticeship', 'employment',
                                                    'self_employment')) AS positive
        FROM exit x JOIN enrollment e ON e.id = x.enrollment_id JOIN center c ON c.id = e.center_id
        WHERE x.exit_date >= DATE '{start}' AND x.exit_date < DATE '{end}' GROUP BY ALL""",
    "seats": """
        SELECT region_id, count(*) AS centres, sum(capacity) AS seats FROM center
        WHERE status = 'open' AND (opening_date IS NULL OR opening_date < DATE '{end}') GROUP BY ALL""",
}


def export_parquet(folder, batch=500_000):
    """Each table of EXPORTS written to a Parquet file, fetched in batches (a server-side cursor)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sizes = {}
    connection.ensure_connection()
    with transaction.atomic():
        for name, sql in EXPORTS.items():
            writer, rows = None, 0
            with connection.connection.cursor(name=f"bench_export_{name}") as cursor:
                cursor.execute(sql)
                while chunk := cursor.fetchmany(batch):
                    columns = [column.name for column in cursor.description]
                    table = pa.table({column: [row[i] for row in chunk] for i, column in enumerate(columns)})
                    writer = writer or pq.ParquetWriter(folder / f"{name}.parquet", table.schema)
                    writer.write_table(table)
                    rows += len(chunk)
            writer.close()
            sizes[name] = rows
    return sizes


def duckdb_figures(db, period):
    """{indicator: {region id: (numerator, denominator)}} of the national figures, by DuckDB."""
    params = {"year": period.school_year, "month": period.month.isoformat(), "start": period.start.isoformat(),
              "end": period.end.isoformat()}
    out = {}
    enrolled = db.execute(DUCKDB_SQL["learners_enrolled"].format(**params)).fetchall()
    out["learners_enrolled"] = {region: (n, None) for region, n, _girls in enrolled}
    out["girls_share"] = {region: (girls, n) for region, n, girls in enrolled}
    attendance = db.execute(DUCKDB_SQL["attendance_rate"].format(**params)).fetchall()
    out["attendance_rate"] = {region: (present, expected) for region, expected, present in attendance}
    exits_ = db.execute(DUCKDB_SQL["positive_exit_rate"].format(**params)).fetchall()
    out["exits"] = {region: (n, None) for region, n, _positive in exits_}
    out["positive_exit_rate"] = {region: (positive, n) for region, n, positive in exits_}
    seats_ = db.execute(DUCKDB_SQL["seats"].format(**params)).fetchall()
    out["centres_open"] = {region: (n, None) for region, n, _seats in seats_}
    out["seats"] = {region: (int(seats), None) for region, _n, seats in seats_}
    return out


def forsa_figures(user, period, codes):
    """The same figures as the national page reads them (``selectors.indicator_cells``, by region)."""
    from forsa.reporting.selectors import Place, indicator_cells

    out = {}
    for code in codes:
        cells = indicator_cells(user=user, code=code, place=Place("national"), period=period)["cells"]
        out[code] = {region: (cell.numerator, cell.denominator if code in ("girls_share", "attendance_rate",
                                                                           "positive_exit_rate") else None)
                     for region, cell in cells.items()}
    return out


def sql_timer(times, statements=None):
    """An execute wrapper that appends each statement's time to ``times`` (and ``(time, sql)`` to
    ``statements``): Django's query log is reset by a request, a wrapper is not."""
    def count(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times.append(time.perf_counter() - began)
            if statements is not None:
                statements.append((times[-1], sql))
    return count


def queries(fn, runs=5):
    """The SQL statements ``fn`` sends and the time spent in them, against the whole call (median of
    ``runs``): SQL against Python and template."""
    sent, sql, total = [], [], []
    for _run in range(runs):
        sent.clear()
        began = time.perf_counter()
        with connection.execute_wrapper(sql_timer(sent)):
            fn()
        total.append(time.perf_counter() - began)
        sql.append(sum(sent))
    return {"queries": len(sent), "sql_ms": round(1000 * sorted(sql)[runs // 2], 1),
            "whole_ms": round(1000 * sorted(total)[runs // 2], 1)}


def timings(fn, runs, warm=3):
    from django.db import reset_queries

    for _warm in range(warm):
        fn()
    times = []
    for _run in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
        reset_queries()
    return ew.percentiles(times)


MONTHS = {YEAR: MONTH, PREVIOUS_YEAR: PREVIOUS_MONTH}


def measure_year(args, year, client, user, db):
    """One school year: the national page computed directly, the refresh, the pages and the API from
    the roll-ups, DuckDB's national figures over the Parquet files and the same read from the roll-ups."""
    from forsa.centers.models import Center
    from forsa.learners.models import Enrollment
    from forsa.reporting import services
    from forsa.reporting.figures import Period
    from forsa.reporting.models import CentreCell, Refresh

    month = MONTHS[year]
    results = {"month": f"{month:%Y-%m}", "learners": Enrollment.objects.filter(school_year=year).count()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM attendance_session WHERE date >= %s AND date < %s",
                       [date(int(year[:4]), 9, 1), date(int(year[:4]) + 1, 9, 1)])
        results["roll_calls"] = cursor.fetchone()[0]
    print(year, results, flush=True)
    query = f"?year={year}&month={month:%Y-%m}"
    center = Center.objects.order_by("pk").first()
    urls = {"national page": f"/reporting/national/{query}",
            "region page": f"/reporting/regions/{center.region.code}/{query}",
            "centre page": f"/reporting/centres/{center.pk}/{query}",
            "API learners_enrolled national": f"/api/v1/indicators/learners_enrolled/national?year={year}",
            "API attendance_rate national": f"/api/v1/indicators/attendance_rate/national?year={year}"
                                            f"&month={month.isoformat()}"}

    def get(url):
        def run():
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            return response
        return run

    # the path before the roll-ups, for comparison: computed directly (no refresh of the year)
    CentreCell.objects.filter(school_year=year).delete()
    Refresh.objects.filter(school_year=year).delete()
    if args.direct_runs:
        results["direct"] = {"national page": timings(get(urls["national page"]), args.direct_runs, warm=1)
                             | queries(get(urls["national page"]), runs=1)}
        print("direct", results["direct"], flush=True)
    began = time.perf_counter()
    refresh = services.rollups_refresh(school_year=year)
    results["refresh"] = {"seconds": round(time.perf_counter() - began, 2), "cells": refresh.rows}
    print("refresh", results["refresh"], flush=True)
    before = f"{int(year[:4]) - 1}-{year[:4]}"
    if args.refresh_year_before and not Refresh.objects.filter(school_year=before).exists():
        # what the daily refresh does not do for the earliest year it keeps: its comparisons with the year
        # before are otherwise computed directly
        results["year before refreshed"] = {"school_year": before,
                                            "cells": services.rollups_refresh(school_year=before).rows}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reporting_centrecell")
    results["from roll-ups"] = {}
    for label, url in urls.items():
        results["from roll-ups"][label] = timings(get(url), args.runs) | queries(get(url))
        print(label, results["from roll-ups"][label], flush=True)
    period = Period.of(year, month)
    duck = duckdb_figures(db, period)
    results["duckdb national figures"] = timings(lambda: duckdb_figures(db, period), args.runs)
    print("duckdb", results["duckdb national figures"], flush=True)
    codes = list(duck)
    ours = forsa_figures(user, period, codes)
    results["figures identical"] = ours == duck
    results["figures"] = {code: {str(region): list(value) for region, value in sorted(cells.items())}
                          for code, cells in ours.items()}
    if ours != duck:
        results["duckdb figures (differ)"] = {code: {str(region): list(value) for region, value in
                                                     sorted(cells.items())} for code, cells in duck.items()}
    results["roll-ups national figures (selectors, no HTTP)"] = timings(
        lambda: forsa_figures(user, period, codes), args.runs)
    duck_p95 = results["duckdb national figures"]["p95_ms"]
    results["ratio_p95_to_duckdb"] = {label: round(row["p95_ms"] / duck_p95, 2)
                                      for label, row in results["from roll-ups"].items()}
    results["ratio_p95_to_duckdb"]["national figures (selectors)"] = round(
        results["roll-ups national figures (selectors, no HTTP)"]["p95_ms"] / duck_p95, 2)
    print(year, "figures identical:", results["figures identical"], "ratios:", results["ratio_p95_to_duckdb"],
          flush=True)
    return results


def measure(args):
    import duckdb
    from django.test import Client

    from forsa.centers.models import Center
    from forsa.learners.models import Enrollment

    present = set(Enrollment.objects.values_list("school_year", flat=True).distinct())
    years = args.year or [year for year in (PREVIOUS_YEAR, YEAR) if year in present]
    results = {"date": timezone.now().isoformat(timespec="seconds"), "machine": ew.machine(),
               "learners": Enrollment.objects.filter(school_year=YEAR).count(),
               "centres": Center.objects.count(), "roll_calls": ew_count("attendance_session"),
               "absences": ew_count("attendance_absence"), "years measured": years}
    print(json.dumps(results, default=str), flush=True)
    user = ew.page_user()
    client = Client()
    client.force_login(user)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        began = time.perf_counter()
        results["parquet_rows"] = export_parquet(folder)  # DuckDB over the same rows, in Parquet
        results["parquet_export_seconds"] = round(time.perf_counter() - began, 2)
        print("parquet", results["parquet_rows"], results["parquet_export_seconds"], "s", flush=True)
        db = duckdb.connect()
        db.execute("SET threads TO 1")  # one thread, as one Django request
        for name in EXPORTS:
            db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")
        results["years"] = {year: measure_year(args, year, client, user, db) for year in years}
    results["load_average_end"] = os.getloadavg()
    results["peak_rss_mb"] = ew.peak_mb()
    print(json.dumps(results, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n")


def profile(args):
    """Where one national page request's time goes (roll-ups refreshed first): the dashboard's figures
    (selectors.dashboard), its charts, its map and the template's rendering, each timed by a wrapper, and
    the SQL inside them; median of ``--runs`` warm requests, then cProfile's top functions of one."""
    import cProfile
    import pstats
    from unittest import mock

    from django.test import Client

    from forsa.reporting import services, views
    from forsa.reporting.models import Refresh

    year = args.year
    if not Refresh.objects.filter(school_year=year).exists():
        services.rollups_refresh(school_year=year)
    client = Client()
    client.force_login(ew.page_user())
    url = f"/reporting/national/?year={year}&month={MONTHS[year]:%Y-%m}"
    spent = {}
    phases = {"figures (selectors.dashboard)": (views.selectors, "dashboard"),
              "charts (charts.dashboard_charts)": (views.charts, "dashboard_charts"),
              "map (maps.dashboard_map)": (views.maps, "dashboard_map"), "template (render)": (views, "render")}
    sql, statements = [], []

    def timed(label, fn):
        def run(*a, **kw):
            began, before = time.perf_counter(), sum(sql)
            try:
                return fn(*a, **kw)
            finally:
                spent.setdefault(label, []).append(time.perf_counter() - began)
                spent.setdefault(f"  of which SQL in {label}", []).append(sum(sql) - before)
        return run

    patches = [mock.patch.object(module, name, timed(label, getattr(module, name)))
               for label, (module, name) in phases.items()]
    for patch in patches:
        patch.start()
    whole = []
    with connection.execute_wrapper(sql_timer(sql, statements)):
        for run in range(3 + args.runs):
            if run == 3:
                spent.clear()
            sql.clear()
            statements.clear()
            began = time.perf_counter()
            assert client.get(url, secure=True).status_code == 200
            whole.append(time.perf_counter() - began)
            spent.setdefault("SQL, all", []).append(sum(sql))
    for patch in patches:
        patch.stop()
    whole = whole[3:]
    print(f"{url}: median of {args.runs} warm requests")
    print(f"  {'whole request':45} {1000 * sorted(whole)[len(whole) // 2]:7.1f} ms")
    for label, times in spent.items():
        print(f"  {label:45} {1000 * sorted(times)[len(times) // 2]:7.1f} ms")
    print(f"  the slowest of the last request's {len(statements)} statements:")
    for seconds, statement in sorted(statements, key=lambda row: -row[0])[:args.top // 2]:
        print(f"  {1000 * seconds:7.1f} ms  {' '.join(statement.split())[:300]}")
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url, secure=True)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


def ew_count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("--learners", type=int, default=54000)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--fresh", action="store_true", help="empty learners, groups, roll calls and centres first")
    gen.add_argument("--full-year", action="store_true",
                     help=f"also the whole school year {PREVIOUS_YEAR} (enrolments, roll calls, exits)")
    commands.add_parser("exits", help="only the exits (after an interrupted generate)")
    commands.add_parser("previous-year", help=f"only the school year {PREVIOUS_YEAR} (after generate)")
    run = commands.add_parser("measure")
    run.add_argument("--runs", type=int, default=40)
    run.add_argument("--direct-runs", type=int, default=10, help="runs of the national page computed directly")
    run.add_argument("--json", metavar="OUT")
    run.add_argument("--refresh-year-before", action="store_true",
                     help="also refresh the year before each year measured (the daily refresh keeps two years)")
    run.add_argument("--year", action="append", choices=list(MONTHS),
                     help="a school year to measure (repeatable; default: each generated)")
    prof = commands.add_parser("profile", help="where a national page request's time goes")
    prof.add_argument("--year", choices=list(MONTHS), default=PREVIOUS_YEAR)
    prof.add_argument("--runs", type=int, default=15)
    prof.add_argument("--top", type=int, default=20, help="cProfile's top functions by own time")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL.")
    if args.command == "generate":
        if args.fresh:
            ew.fresh()
        if args.full_year:  # the weekly summary is rebuilt once, after the year before
            from unittest import mock
            with mock.patch("forsa.attendance.summary.summary_rebuild"):
                ew.generate(args.learners, args.seed)
        else:
            ew.generate(args.learners, args.seed)
        exits(args.seed)
        if args.full_year:
            previous_year(args.seed)
    elif args.command == "exits":
        exits(1)
    elif args.command == "previous-year":
        previous_year(1)
    elif args.command == "profile":
        profile(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
