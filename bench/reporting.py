"""Reporting at national scale: the dashboards and the indicator API from the roll-ups, on PostgreSQL,
side by side with DuckDB over the same rows exported to Parquet.

On a dedicated PostgreSQL database (see bench/README.md, "Reporting"):

    export FORSA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reporting_54k
    python manage.py migrate && python manage.py load_territory
    python bench/reporting.py generate --learners 54000 --fresh
    python bench/reporting.py measure --json bench/results/reporting-54k.json

``generate`` is bench/earlywarning.py's generator, reused as is (centres of 600 learners on the 12
regions, groups of 30, one enrolment and placement each from 5 October 2026, two roll calls a day on the
40 school days to 27 November 2026 with absences and lateness), then exits: one learner in 25 left on a
school day of November, with an outcome (half of them positive), their enrolment ended.

``measure``, in this process:

* ``refresh``: ``reporting.services.rollups_refresh`` of 2026-2027 (every indicator per centre, the
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
from datetime import date
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


def export_parquet(folder):
    import pyarrow as pa
    import pyarrow.parquet as pq

    sizes = {}
    with connection.cursor() as cursor:
        for name, sql in EXPORTS.items():
            cursor.cursor.execute(sql)
            columns = [column.name for column in cursor.cursor.description]
            rows = cursor.cursor.fetchall()
            table = pa.table({column: [row[i] for row in rows] for i, column in enumerate(columns)})
            pq.write_table(table, folder / f"{name}.parquet")
            sizes[name] = len(rows)
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


def queries(fn):
    """The SQL statements ``fn`` sends (counted by an execute wrapper: a request resets Django's log)."""
    sent = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len(sent)


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


def measure(args):
    import duckdb
    from django.test import Client

    from forsa.centers.models import Center
    from forsa.learners.models import Enrollment
    from forsa.reporting import services
    from forsa.reporting.figures import Period
    from forsa.reporting.models import CentreCell, Refresh

    results = {"date": timezone.now().isoformat(timespec="seconds"), "machine": ew.machine(),
               "learners": Enrollment.objects.filter(school_year=YEAR).count(),
               "centres": Center.objects.count(), "roll_calls": ew_count("attendance_session")}
    print(json.dumps(results, default=str), flush=True)
    user = ew.page_user()
    client = Client()
    client.force_login(user)
    query = f"?year={YEAR}&month={MONTH:%Y-%m}"
    center = Center.objects.order_by("pk").first()
    urls = {"national page": f"/reporting/national/{query}",
            "region page": f"/reporting/regions/{center.region.code}/{query}",
            "centre page": f"/reporting/centres/{center.pk}/{query}",
            "API learners_enrolled national": f"/api/v1/indicators/learners_enrolled/national?year={YEAR}",
            "API attendance_rate national": f"/api/v1/indicators/attendance_rate/national?year={YEAR}"
                                            f"&month={MONTH.isoformat()}"}

    def get(url):
        def run():
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            return response
        return run

    # today's path, for comparison: computed directly (no refresh of the year)
    CentreCell.objects.filter(school_year=YEAR).delete()
    Refresh.objects.filter(school_year=YEAR).delete()
    results["direct"] = {"national page": timings(get(urls["national page"]), args.direct_runs, warm=1)
                         | {"queries": queries(get(urls["national page"]))}}
    print("direct", results["direct"], flush=True)
    # the refresh
    began = time.perf_counter()
    refresh = services.rollups_refresh(school_year=YEAR)
    results["refresh"] = {"seconds": round(time.perf_counter() - began, 2), "cells": refresh.rows}
    print("refresh", results["refresh"], flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reporting_centrecell")
    results["from roll-ups"] = {}
    for label, url in urls.items():
        results["from roll-ups"][label] = timings(get(url), args.runs) | {"queries": queries(get(url))}
        print(label, results["from roll-ups"][label], flush=True)
    # DuckDB over the same rows, in Parquet
    period = Period.of(YEAR, MONTH)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        began = time.perf_counter()
        results["parquet_rows"] = export_parquet(folder)
        results["parquet_export_seconds"] = round(time.perf_counter() - began, 2)
        db = duckdb.connect()
        db.execute("SET threads TO 1")  # one thread, as one Django request
        for name in EXPORTS:
            db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")
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
    results["load_average_end"] = os.getloadavg()
    results["peak_rss_mb"] = ew.peak_mb()
    print(json.dumps(results, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n")


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
    commands.add_parser("exits", help="only the exits (after an interrupted generate)")
    run = commands.add_parser("measure")
    run.add_argument("--runs", type=int, default=40)
    run.add_argument("--direct-runs", type=int, default=10, help="runs of the national page computed directly")
    run.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL.")
    if args.command == "generate":
        if args.fresh:
            ew.fresh()
        ew.generate(args.learners, args.seed)
        exits(args.seed)
    elif args.command == "exits":
        exits(1)
    else:
        measure(args)


if __name__ == "__main__":
    main()
