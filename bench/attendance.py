"""Attendance at national scale: saving a roll call, monthly rates of a centre, a region, the country.

Two steps, on a dedicated PostgreSQL database (see bench/README.md, "Attendance"):

    export FORSA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/forsa_bench_att
    python manage.py migrate && python manage.py load_territory && python manage.py seed_demo --learners 0
    python bench/attendance.py generate          # groups, learners, a school year of roll calls (~5 min)
    python bench/attendance.py measure --runs 50 --json bench/results-attendance.json
    python bench/attendance.py explain           # the PostgreSQL plans of the rates queries

``generate`` adds to the demo network (90 centres in the 12 regions) one school year, 2025-2026:
20 groups of about 30 learners per centre (54,000 learners with an enrolment and a placement
each), two roll calls a day (morning, afternoon) on 180 school days from 15 September 2025, and
their absences (about 8 % of expected learner-sessions) and lateness (about 4 %), each learner
with their own propensity. Groups, learners, enrolments and placements are written with
``bulk_create``; the roll calls and marks are generated inside PostgreSQL (INSERT … SELECT
from temporary tables, sorted), so that each session's ``expected``, ``absent`` and ``late``
are exactly its placements and its Absence rows.

``measure`` times, in this process (so database round trips included):

* ``roll call``: ``services.roll_call_record`` for a 30-learner group (4 absent, 1 late, a
  client key), as the API calls it: the user and the group are loaded first (the user's scope
  is then read once), the transaction commits. Each run takes a new group and day after the
  generated period; the rolls written are deleted afterwards (with their marks and audit rows).
* ``rates``: ``selectors.rates_by`` over the whole school year (monthly rows): one centre
  (its director, level centre), one region (its regional manager, level region) and the country
  (the national admin, level national, then level region: one row per region and month).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")
# The demo users have no authenticator: measured without the second factor (a verified session
# costs one more primary-key read per request, for the device).
os.environ.setdefault("FORSA_TWO_FACTOR", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from forsa.accounts.models import User  # noqa: E402
from forsa.attendance import selectors, services  # noqa: E402
from forsa.attendance.models import Absence, Session  # noqa: E402
from forsa.audit.models import AuditEntry  # noqa: E402
from forsa.centers.models import Center, Group  # noqa: E402
from forsa.learners import matching  # noqa: E402
from forsa.learners.models import Enrollment, Learner, Placement  # noqa: E402
from forsa.learners.selectors import expected_learners  # noqa: E402

SCHOOL_YEAR = "2025-2026"
FIRST_DAY = date(2025, 9, 15)  # a Monday
SCHOOL_DAYS = 180
YEAR_START, YEAR_END = date(2025, 9, 1), date(2026, 7, 1)  # the rates' period (end excluded)
GROUPS_PER_CENTER = 20
GROUP_SIZE = (26, 34)  # learners per group, uniformly: 30 on average
KINDS = ["catch_up"] * 14 + ["workshop"] * 4 + ["activity"] * 2
ACTIVITY = {"catch_up": "catch_up", "workshop": "workshop", "activity": "activity"}
ABSENT_RATE, LATE_RATE = 0.08, 0.04  # mean propensities (exponential per learner)
DIRECTOR, REGIONAL, NATIONAL = ("center.director@demo.forsa.ma", "region.casablanca@demo.forsa.ma",
                                "national.admin@demo.forsa.ma")
KEY_PREFIX = "bench-att-"
FIRST_NAMES = ["Amina", "Youssef", "Salma", "Mohamed", "Fatima Zahra", "Hamza", "Khadija", "Ayoub", "Imane",
               "Othmane", "Hajar", "Bilal", "Meryem", "Zakaria", "Chaimae", "Anass", "Soukaina", "Ilyas"]
FIRST_NAMES_AR = ["أمينة", "يوسف", "سلمى", "محمد", "فاطمة الزهراء", "حمزة", "خديجة", "أيوب", "إيمان",
                  "عثمان", "هاجر", "بلال", "مريم", "زكرياء", "شيماء", "أنس", "سكينة", "إلياس"]
LAST_NAMES = [("Alaoui", "العلوي"), ("Bennani", "بناني"), ("Tazi", "التازي"), ("Berrada", "برادة"),
              ("Amrani", "العمراني"), ("Idrissi", "الإدريسي"), ("Ouazzani", "الوزاني"), ("Chraibi", "الشرايبي"),
              ("El Fassi", "الفاسي"), ("Naciri", "الناصري"), ("Sebti", "السبتي"), ("Lahlou", "لحلو")]


def school_days():
    days, day = [], FIRST_DAY
    while len(days) < SCHOOL_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def step(label, began):
    print(f"  {label}: {time.perf_counter() - began:.1f} s", flush=True)
    return time.perf_counter()


# Generation ---------------------------------------------------------------------------


def generate(seed):
    rng = random.Random(seed)
    centers = list(Center.objects.order_by("code"))
    if not centers:
        sys.exit("No centre: run `manage.py seed_demo --learners 0` first.")
    if Group.objects.filter(school_year=SCHOOL_YEAR).exists():
        sys.exit(f"Groups of {SCHOOL_YEAR} exist already: generate into a fresh database.")
    began = total = time.perf_counter()
    print(f"Generating {SCHOOL_YEAR} for {len(centers)} centres", flush=True)
    now = timezone.now()

    groups = [Group(center=center, school_year=SCHOOL_YEAR, name=f"Groupe {n + 1:02d}", kind=KINDS[n])
              for center in centers for n in range(GROUPS_PER_CENTER)]
    Group.objects.bulk_create(groups, batch_size=2000)
    educator = User.objects.filter(email="educator@demo.forsa.ma").first()
    if educator is not None:  # the demo educator teaches the first two groups of the demo centre
        demo_center = User.objects.get(email=DIRECTOR).memberships.get().center
        educator.taught_groups.add(*[g for g in groups if g.center_id == demo_center.pk][:2])
    began = step(f"{len(groups)} groups", began)

    learners, plan = [], []  # plan: (group, learner index)
    for group in groups:
        center = group.center
        for _ in range(rng.randint(*GROUP_SIZE)):
            first = rng.randrange(len(FIRST_NAMES))
            last, last_ar = rng.choice(LAST_NAMES)
            learners.append(Learner(
                first_name=FIRST_NAMES[first], last_name=last, first_name_ar=FIRST_NAMES_AR[first],
                last_name_ar=last_ar, sex="F" if first % 2 == 0 else "M",
                birth_date=date(2008 + rng.randrange(5), rng.randint(1, 12), rng.randint(1, 28)),
                commune_id=center.commune_id, last_level=rng.choice(["P4", "P5", "P6", "S1"]),
                year_left=2023, reasons_left=["economic"], referral="outreach", status="enrolled",
                center=center, province_id=center.province_id, region_id=center.region_id,
                association_id=center.association_id,
                search_key=matching.search_key(FIRST_NAMES[first], last, FIRST_NAMES_AR[first], last_ar),
                created_at=now, updated_at=now,
            ))
            plan.append(group)
    Learner.objects.bulk_create(learners, batch_size=5000)
    began = step(f"{len(learners)} learners", began)
    enrollments = [Enrollment(learner=learner, center_id=group.center_id, school_year=SCHOOL_YEAR,
                              start_date=FIRST_DAY, status="active", created_at=now, updated_at=now)
                   for learner, group in zip(learners, plan, strict=True)]
    Enrollment.objects.bulk_create(enrollments, batch_size=5000)
    Placement.objects.bulk_create(
        [Placement(enrollment=enrollment, group=group, start_date=FIRST_DAY, created_at=now, updated_at=now)
         for enrollment, group in zip(enrollments, plan, strict=True)], batch_size=5000)
    began = step(f"{len(enrollments)} enrolments and placements", began)

    days = school_days()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        # The references are right by construction: the foreign keys' triggers (deferred to the commit,
        # 8 million checks) are skipped, as pg_restore does. Needs a superuser, as CREATE DATABASE did.
        cursor.execute("SET LOCAL session_replication_role TO replica")
        cursor.execute("SELECT setseed(%s)", [rng.random() * 2 - 1])
        cursor.execute("CREATE TEMP TABLE bench_day (day date NOT NULL) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_day (day) FROM STDIN") as copy:
            for day in days:
                copy.write_row((day,))
        # Each learner's propensity to be absent or late (exponential: most rarely, a few often).
        cursor.execute("""
            CREATE TEMP TABLE bench_learner ON COMMIT DROP AS
            SELECT e.learner_id, p.group_id,
                   least(0.7, -ln(1 - random()) * %(absent)s) AS p_absent,
                   least(0.5, -ln(1 - random()) * %(late)s) AS p_late
            FROM learners_placement p JOIN learners_enrollment e ON e.id = p.enrollment_id
            JOIN centers_group g ON g.id = p.group_id WHERE g.school_year = %(year)s
        """, {"absent": ABSENT_RATE, "late": LATE_RATE, "year": SCHOOL_YEAR})
        cursor.execute("SELECT coalesce(max(id), 0) FROM attendance_session")
        base = cursor.fetchone()[0]
        cursor.execute("""
            CREATE TEMP TABLE bench_session ON COMMIT DROP AS
            SELECT %(base)s + row_number() OVER (ORDER BY d.day, g.id, s.slot) AS id,
                   g.id AS group_id, g.kind, d.day, s.slot, s.at, c.id AS center_id,
                   c.province_id, c.region_id, n.expected
            FROM centers_group g JOIN centers_center c ON c.id = g.center_id
            JOIN (SELECT group_id, count(*) AS expected FROM bench_learner GROUP BY group_id) n
              ON n.group_id = g.id
            CROSS JOIN bench_day d
            CROSS JOIN (VALUES ('morning', time '08:40'), ('afternoon', time '14:10')) s (slot, at)
            WHERE g.school_year = %(year)s
        """, {"base": base, "year": SCHOOL_YEAR})
        began = step(f"{cursor.rowcount} roll calls planned", began)
        # The marks: random() per learner and session, in a subquery so that it is drawn per row.
        cursor.execute("""
            CREATE TEMP TABLE bench_mark ON COMMIT DROP AS
            SELECT session_id, learner_id,
                   CASE WHEN r < p_absent THEN 'absent' ELSE 'late' END AS kind,
                   r < p_absent * 0.3 AS justified
            FROM (SELECT s.id AS session_id, l.learner_id, l.p_absent, l.p_late, random() AS r
                  FROM bench_session s JOIN bench_learner l ON l.group_id = s.group_id) drawn
            WHERE r < p_absent + p_late
        """)
        began = step(f"{cursor.rowcount} marks drawn", began)
        cursor.execute("""
            INSERT INTO attendance_session (id, created_at, updated_at, date, slot, activity, taken_at,
                client_key, expected, absent, late, center_id, created_by_id, group_id, province_id,
                region_id, taken_by_id)
            SELECT s.id, now(), now(), s.day, s.slot,
                   CASE s.kind WHEN 'workshop' THEN 'workshop' WHEN 'activity' THEN 'activity'
                               ELSE 'catch_up' END,
                   (s.day + s.at) AT TIME ZONE 'Africa/Casablanca', NULL, s.expected,
                   coalesce(m.absent, 0), coalesce(m.late, 0), s.center_id, NULL, s.group_id, s.province_id,
                   s.region_id, NULL
            FROM bench_session s LEFT JOIN (
                SELECT session_id, count(*) FILTER (WHERE kind = 'absent') AS absent,
                       count(*) FILTER (WHERE kind = 'late') AS late
                FROM bench_mark GROUP BY session_id) m ON m.session_id = s.id
            ORDER BY s.id
        """)
        began = step(f"{cursor.rowcount} roll calls written", began)
        cursor.execute("""
            INSERT INTO attendance_absence (kind, justified, reason, learner_id, session_id)
            SELECT kind, justified, CASE WHEN justified THEN 'certificat médical' ELSE '' END, learner_id,
                   session_id
            FROM bench_mark ORDER BY session_id, learner_id
        """)
        began = step(f"{cursor.rowcount} absences and lateness written", began)
        for table in ("attendance_session", "attendance_absence"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")
    began = step("committed", began)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", began)
    print(f"Generated in {time.perf_counter() - total:.0f} s", flush=True)
    print(json.dumps(dataset(), indent=1))


def dataset():
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT relname, pg_size_pretty(pg_total_relation_size(c.oid)) FROM pg_class c
            WHERE relname IN ('attendance_session', 'attendance_absence', 'learners_learner') ORDER BY relname
        """)
        sizes = dict(cursor.fetchall())
    sessions = Session.objects.filter(date__gte=YEAR_START, date__lt=YEAR_END).exclude(
        client_key__startswith=KEY_PREFIX)
    totals = {"expected": 0, "absent": 0, "late": 0} | {
        key: value or 0 for key, value in sessions.aggregate(
            expected=Sum("expected"), absent=Sum("absent"),
            late=Sum("late")).items()}
    return {
        "regions": Center.objects.values("region").distinct().count(),
        "centres": Center.objects.count(),
        "groups": Group.objects.filter(school_year=SCHOOL_YEAR).count(),
        "learners": Learner.objects.count(),
        "placements": Placement.objects.count(),
        "sessions": sessions.count(),
        "absence rows": Absence.objects.count(),
        "expected learner-sessions": totals["expected"],
        "absent %": round(100 * totals["absent"] / max(totals["expected"], 1), 2),
        "late %": round(100 * totals["late"] / max(totals["expected"], 1), 2),
        "table sizes": sizes,
    }


# Measurement --------------------------------------------------------------------------


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    # python cpu: the time this process computed (Django, psycopg); the rest is waiting for PostgreSQL.
    return {"median": round(statistics.median(times), 1), "p95": round(p95, 1), "max": round(times[-1], 1),
            "python cpu median": round(statistics.median(cpu), 1)}


def roll_call_runs(count):
    """(group id, day, slot, marks) for ``count`` new rolls of the demo centre's 30-ish-learner groups."""
    director = User.objects.get(email=DIRECTOR)
    center = director.memberships.get().center
    groups = list(Group.objects.filter(center=center, school_year=SCHOOL_YEAR).order_by("name"))
    groups = [g for g in groups if len(expected_learners(group=g, day=YEAR_END)) >= 28] or groups
    day, slots = school_days()[-1], []
    while len(slots) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            slots += [(group, day, slot) for group in groups for slot in ("morning", "afternoon")]
    runs = []
    for group, day, slot in slots[:count]:
        learners = list(expected_learners(group=group, day=day))
        marks = {pk: {"kind": "absent"} for pk in learners[:4]} | {learners[4]: {"kind": "late", "justified": False}}
        runs.append((group.pk, day, slot, marks, len(learners)))
    return director.pk, runs


def cleanup():
    sessions = Session.objects.filter(client_key__startswith=KEY_PREFIX)
    ids = [str(pk) for pk in sessions.values_list("pk", flat=True)]
    AuditEntry.objects.filter(target_id__in=ids, target_type__model="session").delete()
    Absence.objects.filter(session__in=sessions).delete()
    sessions.delete()


def measure_roll_call(runs, warmup):
    cleanup()
    actor_pk, plan = roll_call_runs(runs + warmup)
    queue = iter(plan)
    sizes = []

    def save():
        group_pk, day, slot, marks, size = next(queue)
        sizes.append(size)
        actor = User.objects.get(pk=actor_pk)  # as a request loads it: its scope is read once, below
        group = Group.objects.select_related("center").get(pk=group_pk)
        key = f"{KEY_PREFIX}{group_pk}-{day}-{slot}"
        session, created = services.roll_call_record(actor=actor, group=group, date=day, slot=slot, marks=marks,
                                                     client_key=key)
        assert created and session.expected == size

    try:
        timing = timed(save, runs, warmup)
    finally:
        cleanup()
    return timing | {"group size": round(statistics.mean(sizes), 1)}


def measure_roll_call_http(runs, warmup):
    """The same roll calls sent to POST /api/v1/attendance/rolls (session sign-in, middleware, JSON)."""
    cleanup()
    actor_pk, plan = roll_call_runs(runs + warmup)
    queue = iter(plan)
    client = Client()
    client.force_login(User.objects.get(pk=actor_pk))

    def send():
        group_pk, day, slot, marks, _size = next(queue)
        body = {"group": group_pk, "date": day.isoformat(), "slot": slot,
                "client_key": f"{KEY_PREFIX}{group_pk}-{day}-{slot}",
                "marks": [{"learner": pk} | mark for pk, mark in marks.items()]}
        response = client.post("/api/v1/attendance/rolls", body, content_type="application/json", secure=True)
        assert response.status_code == 201, response.content

    try:
        return timed(send, runs, warmup)
    finally:
        cleanup()


def rate_cases():
    director = User.objects.get(email=DIRECTOR)
    regional = User.objects.get(email=REGIONAL)
    national = User.objects.get(email=NATIONAL)
    center = director.memberships.get().center
    region = regional.memberships.get().region
    return [
        ("one centre", director.pk, "center", {"center": center.pk},
         Session.objects.filter(center=center).count()),
        ("one region", regional.pk, "region", {"region": region.pk},
         Session.objects.filter(region=region).count()),
        ("whole country (national)", national.pk, "national", {}, Session.objects.count()),
        ("whole country (by region)", national.pk, "region", {}, Session.objects.count()),
    ]


def run_rates(user_pk, level, within):
    user = User.objects.get(pk=user_pk)
    return selectors.rates_by(user=user, level=level, start=YEAR_START, end=YEAR_END, **within)


def measure(args):
    results = {"date": date.today().isoformat(), "machine": machine(), "dataset": dataset(),
               "runs": args.runs, "warmup": args.warmup, "rows": []}
    print(json.dumps({k: results[k] for k in ("date", "machine", "dataset")}, indent=1, ensure_ascii=False))
    timing = measure_roll_call(args.runs, args.warmup)
    results["rows"].append({"case": "save a roll call (service)", "target": 50} | timing)
    print(f"  save a roll call ({timing['group size']} learners)   median {timing['median']:7.1f} ms"
          f"  p95 {timing['p95']:7.1f} ms  (python cpu {timing['python cpu median']} ms)", flush=True)
    timing = measure_roll_call_http(args.runs, args.warmup)
    results["rows"].append({"case": "save a roll call (POST /api/v1/attendance/rolls)", "target": None} | timing)
    print(f"  the same through the API                median {timing['median']:7.1f} ms"
          f"  p95 {timing['p95']:7.1f} ms  (python cpu {timing['python cpu median']} ms)", flush=True)
    targets = {"one centre": 100, "one region": 500}
    for label, user_pk, level, within, sessions in rate_cases():
        rows = run_rates(user_pk, level, within)
        timing = timed(lambda user_pk=user_pk, level=level, within=within: run_rates(user_pk, level, within),
                       args.runs, args.warmup)
        results["rows"].append({"case": f"monthly rates, {label}", "target": targets.get(label, 2000),
                                "sessions": sessions, "rows": len(rows)} | timing)
        print(f"  rates {label:<28} {sessions:>7} sessions {len(rows):>4} rows  median {timing['median']:7.1f} ms"
              f"  p95 {timing['p95']:7.1f} ms  (python cpu {timing['python cpu median']} ms)", flush=True)
    results["load average (1 min) at end"] = round(os.getloadavg()[0], 2)
    print(f"Load average (1 min): {results['machine']['load average (1 min) at start']} at start, "
          f"{results['load average (1 min) at end']} at end")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


def explain():
    for label, user_pk, level, within, _sessions in rate_cases():
        user = User.objects.get(pk=user_pk)
        sessions = Session.objects.for_user(user).filter(date__gte=YEAR_START, date__lt=YEAR_END, **within)
        keys = ["month"] + ([f"{selectors.LEVELS[level]}_id"] if selectors.LEVELS[level] else [])
        rows = (sessions.annotate(month=TruncMonth("date")).values(*keys)
                .annotate(sessions=Count("id"), expected=Sum("expected"),
                          absent=Sum("absent"), late=Sum("late"))
                .order_by(*keys))
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print(f"--- {label}\n" + "\n".join(row[0] for row in cursor.fetchall()))


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "postgresql": server,
            "system": platform.platform(), "load average (1 min) at start": round(os.getloadavg()[0], 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="add the school year to a database seeded with seed_demo --learners 0")
    gen.add_argument("--seed", type=int, default=1)
    run = sub.add_parser("measure", help="time the roll call and the rates")
    run.add_argument("--runs", type=int, default=50)
    run.add_argument("--warmup", type=int, default=5)
    run.add_argument("--json", help="write the results to this file")
    sub.add_parser("explain", help="print the plans of the rates queries")
    sub.add_parser("dataset", help="print the sizes of the data set")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL (DATABASE_URL=postgres://…).")
    if args.command == "generate":
        generate(args.seed)
    elif args.command == "measure":
        measure(args)
    elif args.command == "explain":
        explain()
    else:
        print(json.dumps(dataset(), indent=1))


if __name__ == "__main__":
    main()
