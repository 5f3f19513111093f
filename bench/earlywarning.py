"""Early warning at national scale: signals and scores of every learner, on PostgreSQL.

Two steps, on a dedicated PostgreSQL database (see bench/README.md, "Early warning"):

    export FORSA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/forsa_bench_ew
    python manage.py migrate && python manage.py load_territory
    python bench/earlywarning.py generate --learners 54000 --fresh    # network, learners, 8 weeks of roll calls
    python bench/earlywarning.py measure --json bench/results/earlywarning-54k.json

``generate`` writes, inside PostgreSQL (INSERT … SELECT from generate_series, sorted, with the
foreign-key triggers off as pg_restore does): one centre per 600 learners (at least 90, on urban and
rural communes of the 12 regions), groups of 30, each learner with an enrolment and a placement from
``START`` (a Monday, 8 weeks before ``AS_OF``), two roll calls a day on the 40 school days up to
``AS_OF``, and the absences and lateness of each learner-session drawn from the learner's propensity
(exponential, mean 8 % absent and 4 % late); one learner in twenty stops coming for the last 1 to 10
school days (a falling attendance, the case the early warning exists for). ``--fresh`` empties the
learners, groups, roll calls and risks first (refused unless the database name contains "bench" or
"wt_").

``measure`` times, in this process, on one thread:

* ``compute_signals``: every signal of every learner enrolled on ``AS_OF`` (issue 12 §1);
* ``reference``: a hand-written SQL query sent with psycopg that computes the same attendance
  aggregates (expected, absent, late, unjustified over 4 weeks, 2 weeks and the 4 weeks before,
  since enrolment, and the run of consecutive absences), fetched into a dict per learner; it is
  checked against ``compute_signals`` (every learner's 4-week rate and run must agree);
* ``model scoring``: the trained model's probabilities and reasons in FR/AR/EN for every learner
  (``services._model_scores``), with a model fitted beforehand on 20,000 of the rows (labels drawn
  from a known probability);
* ``scoring run``: ``services.risk_score_all`` end to end (signals, rules, model, levels, cap, the
  history and latest-risk rows written, alerts), with ``--full-run``; then the same on the next school
  day (``AS_OF`` + 3 days, no roll call since: every latest risk updated, a history row added each).

Peak memory is the process's maximum resident set size (``resource.getrusage``) after each step.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")
os.environ.setdefault("FORSA_TWO_FACTOR", "0")  # the page is measured signed in, without the second factor

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from forsa.centers.models import Center  # noqa: E402
from forsa.earlywarning import model as statistical_model  # noqa: E402
from forsa.earlywarning import pipeline, services  # noqa: E402
from forsa.earlywarning.models import RiskModel  # noqa: E402
from forsa.earlywarning.signals import FEATURES, compute_signals  # noqa: E402
from forsa.organizations.services import association_create  # noqa: E402
from forsa.territory.models import Commune, Region  # noqa: E402

SCHOOL_YEAR = "2026-2027"
START = date(2026, 10, 5)  # a Monday
AS_OF = date(2026, 11, 27)  # the Friday of the 8th week
GROUP_SIZE = 30
LEARNERS_PER_CENTER = 600
ABSENT_RATE, LATE_RATE = 0.08, 0.04


def step(label, began):
    print(f"  {label}: {time.perf_counter() - began:.1f} s", flush=True)
    return time.perf_counter()


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# Generation ---------------------------------------------------------------------------------------


def school_days():
    days, day = [], START
    while day <= AS_OF:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def fresh():
    name = connection.settings_dict["NAME"]
    if "bench" not in name and "wt_" not in name:
        sys.exit(f"--fresh empties tables: refused on database {name!r} (its name has neither 'bench' nor 'wt_').")
    with connection.cursor() as cursor:
        # the scores' history has no foreign key (services write it by the million): named, not cascaded to
        cursor.execute("TRUNCATE learners_learner, centers_group, attendance_session, earlywarning_riskmodel, "
                       "earlywarning_riskscore, centers_center, organizations_association CASCADE")


def network(n_centers):
    """Centres on urban and rural communes (alternately) of the 12 regions, one association per region."""
    now = timezone.now()
    regions = list(Region.objects.order_by("code"))
    associations = {region.pk: association_create(
        actor=None, name=f"Association bench {region.code}", name_ar=f"جمعية {region.code}",
        registration_number=f"BENCH-{region.code}", president="Bench", phone="0612345678",
        email=f"bench{region.code}@forsa.test",
        commune=Commune.objects.filter(province__region=region).order_by("code").first()) for region in regions}
    communes = {(region.pk, kind): list(Commune.objects.filter(province__region=region, kind=kind)
                                        .select_related("province").order_by("code")[:50])
                for region in regions for kind in ("urban", "rural")}
    centers = []
    for n in range(n_centers):
        region = regions[n % len(regions)]
        pool = communes[(region.pk, "urban" if n % 2 else "rural")] or communes[(region.pk, "urban")]
        commune = pool[(n // len(regions)) % len(pool)]
        centers.append(Center(code=f"B-{n:05d}", name_fr=f"Centre bench {n}", name_ar=f"مركز {n}", commune=commune,
                              province_id=commune.province_id, region_id=region.pk,
                              association=associations[region.pk], capacity=LEARNERS_PER_CENTER,
                              created_at=now, updated_at=now))
    Center.objects.bulk_create(centers, batch_size=2000)
    return len(centers)


def generate(learners, seed):
    began = total = time.perf_counter()
    n_centers = max(90, -(-learners // LEARNERS_PER_CENTER))
    print(f"Generating {learners:,} learners in {n_centers} centres", flush=True)
    network(n_centers)
    began = step(f"{n_centers} centres", began)
    days = school_days()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute("SET LOCAL session_replication_role TO replica")  # references right by construction
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        params = {"n": learners, "size": GROUP_SIZE, "year": SCHOOL_YEAR, "start": START, "as_of": AS_OF,
                  "absent": ABSENT_RATE, "late": LATE_RATE}
        cursor.execute("""
            CREATE TEMP TABLE bench_center ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, commune_id, province_id, region_id, association_id
            FROM centers_center""")
        cursor.execute("SELECT count(*) FROM bench_center")
        params["centers"] = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM centers_group")
        params["group_base"] = cursor.fetchone()[0]
        cursor.execute("""
            INSERT INTO centers_group (id, created_at, updated_at, school_year, name, kind, center_id)
            SELECT %(group_base)s + g + 1, now(), now(), %(year)s, 'Groupe ' || (g / %(centers)s + 1), 'catch_up',
                   c.id
            FROM generate_series(0, (%(n)s - 1) / %(size)s) g JOIN bench_center c ON c.rn = g %% %(centers)s""",
                       params)
        began = step(f"{cursor.rowcount:,} groups", began)
        cursor.execute("SELECT coalesce(max(id), 0) FROM learners_learner")
        params["learner_base"] = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM learners_enrollment")
        params["enrollment_base"] = cursor.fetchone()[0]
        # Learner i (0-based) is in group i / 30, whose centre is (i / 30) mod centres.
        cursor.execute("""
            CREATE TEMP TABLE bench_learner ON COMMIT DROP AS
            SELECT i, %(learner_base)s + i + 1 AS learner_id, %(enrollment_base)s + i + 1 AS enrollment_id,
                   %(group_base)s + i / %(size)s + 1 AS group_id, c.id AS center_id, c.commune_id, c.province_id,
                   c.region_id, c.association_id,
                   least(0.7, -ln(1 - random()) * %(absent)s) AS p_absent,
                   least(0.5, -ln(1 - random()) * %(late)s) AS p_late,
                   CASE WHEN random() < 0.05 THEN (1 + floor(random() * 10))::int ELSE 0 END AS stops
            FROM generate_series(0, %(n)s - 1) i JOIN bench_center c ON c.rn = (i / %(size)s) %% %(centers)s""",
                       params)
        cursor.execute("""
            INSERT INTO learners_learner (id, created_at, updated_at, first_name, last_name, first_name_ar,
                last_name_ar, sex, birth_date, birthplace, cin, massar_code, phone, orphanhood, notes, last_level,
                year_left, reasons_left, reason_left_other, referral, status, search_key, commune_id, center_id,
                province_id, region_id, association_id)
            SELECT learner_id, now(), now(), 'Bench', 'L' || i, 'تجربة', 'ت' || i,
                   CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, date '2008-01-01' + (i::bigint * 7919 %% 1800)::int,
                   '', '', '', '', '', '', (ARRAY['P4', 'P5', 'P6', 'S1'])[1 + i %% 4], 2022 + i %% 3,
                   CASE WHEN i %% 3 = 0 THEN '["family"]'::jsonb ELSE '["economic"]'::jsonb END, '', 'outreach',
                   'enrolled', 'bench l' || i, commune_id, center_id, province_id, region_id, association_id
            FROM bench_learner ORDER BY learner_id""", params)
        began = step(f"{cursor.rowcount:,} learners", began)
        cursor.execute("""
            INSERT INTO learners_enrollment (id, created_at, updated_at, school_year, start_date, status,
                age_override_reason, center_id, learner_id)
            SELECT enrollment_id, now(), now(), %(year)s, %(start)s, 'active', '', center_id, learner_id
            FROM bench_learner ORDER BY enrollment_id""", params)
        cursor.execute("""
            INSERT INTO learners_placement (created_at, updated_at, start_date, enrollment_id, group_id)
            SELECT now(), now(), %(start)s, enrollment_id, group_id FROM bench_learner ORDER BY enrollment_id""",
                       params)
        began = step("enrolments and placements", began)
        cursor.execute("CREATE TEMP TABLE bench_day (day date NOT NULL, n int NOT NULL) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_day (day, n) FROM STDIN") as copy:
            for n, day in enumerate(reversed(days)):
                copy.write_row((day, n))  # n: school days before AS_OF
        cursor.execute("SELECT coalesce(max(id), 0) FROM attendance_session")
        params["session_base"] = cursor.fetchone()[0]
        cursor.execute("""
            CREATE TEMP TABLE bench_session ON COMMIT DROP AS
            SELECT %(session_base)s + row_number() OVER (ORDER BY d.day, g.id, s.slot) AS id, g.id AS group_id,
                   d.day, d.n, s.slot, s.at, c.id AS center_id, c.province_id, c.region_id
            FROM centers_group g JOIN centers_center c ON c.id = g.center_id CROSS JOIN bench_day d
            CROSS JOIN (VALUES ('morning', time '08:40'), ('afternoon', time '14:10')) s (slot, at)
            WHERE g.school_year = %(year)s""", params)
        began = step(f"{cursor.rowcount:,} roll calls planned", began)
        cursor.execute("""
            CREATE TEMP TABLE bench_mark ON COMMIT DROP AS
            SELECT session_id, learner_id, CASE WHEN stopped OR r < p_absent THEN 'absent' ELSE 'late' END AS kind,
                   NOT stopped AND r < p_absent * 0.3 AS justified
            FROM (SELECT s.id AS session_id, l.learner_id, l.p_absent, l.p_late, s.n < l.stops AS stopped,
                         random() AS r
                  FROM bench_session s JOIN bench_learner l ON l.group_id = s.group_id) drawn
            WHERE stopped OR r < p_absent + p_late""")
        began = step(f"{cursor.rowcount:,} marks drawn", began)
        cursor.execute("""
            INSERT INTO attendance_session (id, created_at, updated_at, date, slot, activity, taken_at, client_key,
                expected, absent, late, center_id, created_by_id, group_id, province_id, region_id, taken_by_id)
            SELECT s.id, now(), now(), s.day, s.slot, 'catch_up', (s.day + s.at) AT TIME ZONE 'Africa/Casablanca',
                   NULL, n.expected, coalesce(m.absent, 0), coalesce(m.late, 0), s.center_id, NULL, s.group_id,
                   s.province_id, s.region_id, NULL
            FROM bench_session s
            JOIN (SELECT group_id, count(*) AS expected FROM bench_learner GROUP BY group_id) n
              ON n.group_id = s.group_id
            LEFT JOIN (SELECT session_id, count(*) FILTER (WHERE kind = 'absent') AS absent,
                              count(*) FILTER (WHERE kind = 'late') AS late
                       FROM bench_mark GROUP BY session_id) m ON m.session_id = s.id
            ORDER BY s.id""")
        began = step(f"{cursor.rowcount:,} roll calls written", began)
        cursor.execute("""
            INSERT INTO attendance_absence (kind, justified, reason, learner_id, session_id)
            SELECT kind, justified, CASE WHEN justified THEN 'certificat médical' ELSE '' END, learner_id, session_id
            FROM bench_mark ORDER BY session_id, learner_id""")
        began = step(f"{cursor.rowcount:,} absences and lateness written", began)
        for table in ("centers_group", "learners_learner", "learners_enrollment", "learners_placement",
                      "attendance_session", "attendance_absence"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")
    began = step("committed", began)
    from forsa.attendance.summary import summary_rebuild

    summary_rebuild()  # the roll calls were written by SQL: the weekly summary the daily run reads
    began = step("weekly attendance summary (LearnerWeek) rebuilt", began)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", began)
    print(f"Generated in {time.perf_counter() - total:.0f} s", flush=True)


# The hand-written reference ---------------------------------------------------------------------------


REFERENCE_SQL = """
WITH marks AS (
    SELECT e.learner_id, e.start_date, (s.date - %(as_of)s) AS day,
           (s.date - date '2000-01-01') * 2 + CASE s.slot WHEN 'morning' THEN 0 ELSE 1 END AS k,
           a.kind, a.justified
    FROM learners_enrollment e
    JOIN learners_placement p ON p.enrollment_id = e.id
    JOIN attendance_session s ON s.group_id = p.group_id AND s.date >= p.start_date
         AND (p.end_date IS NULL OR s.date < p.end_date)
    LEFT JOIN attendance_absence a ON a.session_id = s.id AND a.learner_id = e.learner_id
    WHERE e.start_date <= %(as_of)s AND (e.end_date IS NULL OR e.end_date > %(as_of)s)
      AND s.date >= least(e.start_date, %(as_of)s - 41) AND s.date <= %(as_of)s
), attended AS (
    SELECT learner_id, max(k) FILTER (WHERE kind IS DISTINCT FROM 'absent') AS last FROM marks GROUP BY learner_id
)
SELECT m.learner_id,
       count(*) FILTER (WHERE day >= -27) AS expected_4w,
       count(*) FILTER (WHERE day >= -27 AND kind = 'absent') AS absent_4w,
       count(*) FILTER (WHERE day >= -27 AND kind = 'late') AS late_4w,
       count(*) FILTER (WHERE day >= -27 AND kind = 'absent' AND NOT justified) AS unjustified_4w,
       count(*) FILTER (WHERE day >= -13) AS expected_2w,
       count(*) FILTER (WHERE day >= -13 AND kind = 'absent') AS absent_2w,
       count(*) FILTER (WHERE day BETWEEN -41 AND -14) AS expected_before,
       count(*) FILTER (WHERE day BETWEEN -41 AND -14 AND kind = 'absent') AS absent_before,
       count(*) FILTER (WHERE day >= m.start_date - %(as_of)s) AS expected_enrolment,
       count(*) FILTER (WHERE day >= m.start_date - %(as_of)s AND kind = 'absent') AS absent_enrolment,
       count(*) FILTER (WHERE a.last IS NULL OR m.k > a.last) AS run
FROM marks m JOIN attended a USING (learner_id)
GROUP BY m.learner_id
"""


def reference(as_of):
    """The attendance aggregates by hand: one query through psycopg, one dict per learner."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, without Django's wrapper
        raw.execute(REFERENCE_SQL, {"as_of": as_of})
        columns = [column.name for column in raw.description]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in raw}


def check_reference(rows, counts):
    """Every learner's 4-week rate and run agree between compute_signals and the reference."""
    wrong = 0
    for row in rows:
        c = counts.get(row["learner_id"])
        rate = None if not c or not c["expected_4w"] else round(100 * (c["expected_4w"] - c["absent_4w"])
                                                               / c["expected_4w"], 1)
        if rate != row["attendance_4w"] or (c["run"] if c else 0) != row["consecutive_absences"]:
            wrong += 1
    return wrong


# Measures -----------------------------------------------------------------------------------------------


def fit_model(rows, seed=0):
    """A production pipeline fitted on 20,000 of the rows, labels drawn from a known probability (low
    and falling attendance, consecutive absences), stored and made active."""
    rng = np.random.default_rng(seed)
    sample = [rows[i] for i in rng.choice(len(rows), min(20000, len(rows)), replace=False)]
    names = list(FEATURES)
    kinds = [FEATURES[name].kind for name in names]
    X = pipeline.as_matrix(sample, names, kinds)
    present = pipeline.present_columns(X, kinds)
    names, kinds, X = [names[c] for c in present], [kinds[c] for c in present], X[:, present]
    rate = np.array([row["attendance_4w"] if row["attendance_4w"] is not None else 100 for row in sample])
    run = np.array([row["consecutive_absences"] for row in sample])
    p = 1 / (1 + np.exp(-(-2.5 - 0.08 * (rate - 90) + 0.2 * run)))
    y = (rng.random(len(sample)) < p).astype(int)
    estimator = pipeline.make_model(kinds, n_samples=len(y), seed=seed)
    with pipeline.one_thread():
        estimator.fit(X, y)
    RiskModel.objects.all().delete()
    return statistical_model.store_fitted(estimator=estimator, X=X, names=names, kinds=kinds,
                                          card={"examples": len(y), "bench": True},
                                          period_from=START, period_to=AS_OF)


def timed(label, fn, results):
    before = peak_mb()
    began = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - began
    results[label] = {"seconds": round(seconds, 2), "peak_rss_mb": peak_mb(), "rss_growth_mb": peak_mb() - before}
    print(f"  {label}: {seconds:.1f} s, peak RSS {peak_mb()} MB", flush=True)
    return value


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version(),
            "django": django.get_version(), "postgresql": version}


def measure(args):
    results = {"date": timezone.now().isoformat(timespec="seconds"), "as_of": AS_OF.isoformat(),
               "machine": machine(), "steps": {}}
    steps = results["steps"]
    print(f"Measuring on {connection.settings_dict['NAME']} (as of {AS_OF})", flush=True)
    rows = timed("compute_signals", lambda: compute_signals(as_of=AS_OF), steps)
    results["learners"] = len(rows)
    counts = timed("reference (hand-written SQL, psycopg)", lambda: reference(AS_OF), steps)
    results["reference_disagreements"] = check_reference(rows, counts)
    results["ratio_signals_to_reference"] = round(
        steps["compute_signals"]["seconds"] / steps["reference (hand-written SQL, psycopg)"]["seconds"], 2)
    began = time.perf_counter()
    risk_model = fit_model(rows)
    results["model_fit_seconds"] = round(time.perf_counter() - began, 1)
    results["model_artifact_mb"] = round(len(bytes(risk_model.artifact)) / 1e6, 1)
    scores, _version = timed("model scoring (probabilities, reasons FR/AR/EN)",
                             lambda: services._model_scores(rows), steps)
    probabilities = np.array([score[0] for score in scores])
    results["explained"] = int(sum(1 for score in scores if score[1]))
    results["mean_probability"] = round(float(probabilities.mean()), 3)
    steps["signals + model scoring"] = {
        "seconds": round(steps["compute_signals"]["seconds"]
                         + steps["model scoring (probabilities, reasons FR/AR/EN)"]["seconds"], 2)}
    rows = counts = scores = None  # free them before the full run
    if args.full_run:
        summary = timed("scoring run (risk_score_all, rows written)",
                        lambda: services.risk_score_all(as_of=AS_OF), steps)
        results["scoring_run"] = summary

        def center_counts():
            with transaction.atomic():
                services._write_center_counts(AS_OF)

        timed("counts per centre (part of the run, timed again alone)", center_counts, steps)
        # the next school day on the same database (no roll call since): every latest risk updated in
        # place, a history row added per learner
        second = AS_OF + timedelta(days=3)
        results["second_day"] = {"as_of": second.isoformat(), "load_average_before": os.getloadavg()}
        results["second_day"]["scoring_run"] = timed(
            "second day: scoring run (risk_score_all, rows written)", lambda: services.risk_score_all(as_of=second),
            steps)
        results["second_day"]["load_average_after"] = os.getloadavg()
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n")


# The risk list page --------------------------------------------------------------------------------------

PAGE_USER = "bench.national@forsa.test"

# What the page needs from the database for a national user, by hand: the counts per region (the
# national level) and the first page of the worklist (25 learners at high or watch risk, most at risk
# first, with their open alert, its assignee and the last intervention) and its count. The order is
# written as the partial index learnerrisk_worklist has it, so that the reference reads that index too.
# The counts per region and the worklist's length read from the counts per centre the scoring run writes
# (as the page does); the direct count of every learner's risk (what the page read before) is timed after.
DIRECT_COUNTS_SQL = """
SELECT c.region_id, count(*), count(*) FILTER (WHERE r.level = 'high'), count(*) FILTER (WHERE r.level = 'watch')
FROM earlywarning_learnerrisk r JOIN centers_center c ON c.id = r.center_id GROUP BY c.region_id ORDER BY 1
"""
REFERENCE_PAGE_SQL = ["""
SELECT c.region_id, sum(n.scored), sum(n.high), sum(n.watch)
FROM earlywarning_centerriskcount n JOIN centers_center c ON c.id = n.center_id GROUP BY c.region_id ORDER BY 1
""", """
SELECT sum(high + watch) FROM earlywarning_centerriskcount
""", """
SELECT r.learner_id, r.level, r.probability, r.reasons, r.previous_level, l.first_name, l.last_name, c.name_fr,
       a.id, u.full_name, i.kind, i.date
FROM earlywarning_learnerrisk r
JOIN learners_learner l ON l.id = r.learner_id
JOIN centers_center c ON c.id = r.center_id
LEFT JOIN LATERAL (SELECT id, assigned_to_id FROM earlywarning_alert
                   WHERE learner_id = r.learner_id AND status = 'open' LIMIT 1) a ON true
LEFT JOIN accounts_user u ON u.id = a.assigned_to_id
LEFT JOIN LATERAL (SELECT kind, date FROM earlywarning_intervention WHERE learner_id = r.learner_id
                   ORDER BY date DESC, id DESC LIMIT 1) i ON true
WHERE r.level IN ('high', 'watch')
ORDER BY CASE WHEN r.level = 'high' THEN 2 WHEN r.level = 'watch' THEN 1 ELSE 0 END DESC, r.rank DESC, r.learner_id
LIMIT 25
"""]


def page_user():
    from forsa.accounts.models import Membership, User
    from forsa.core.roles import Role

    user = User.objects.filter(email=PAGE_USER).first()
    if user is None:
        user = User.objects.create_user(email=PAGE_USER, password=None, full_name="Bench national")
        Membership.objects.create(user=user, role=Role.NATIONAL_ADMIN)
    return user


def percentiles(times):
    times = sorted(times)
    return {"median_ms": round(1000 * times[len(times) // 2], 1),
            "p95_ms": round(1000 * times[min(len(times) - 1, int(0.95 * len(times)))], 1), "runs": len(times)}


def page(args):
    """GET /early-warning/ as a national admin through Django's test client (session, every
    middleware, the template), warm, then the reference queries through psycopg, interleaved."""
    from django.db import reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forsa.earlywarning.models import CenterRiskCount, LearnerRisk

    results = {"date": timezone.now().isoformat(timespec="seconds"), "machine": machine(),
               "learner_risks": LearnerRisk.objects.count(),
               "at_risk": LearnerRisk.objects.filter(level__in=["high", "watch"]).count(),
               "center_counts": CenterRiskCount.objects.count()}
    client = Client()
    client.force_login(page_user())
    # the region with the most centres: the filter then lists its centres
    region = (Center.objects.values("region_id").annotate(n=Count("pk")).order_by("-n", "region_id")
              .values_list("region_id", "n").first())
    results["region_chosen"] = {"id": region[0], "centres": region[1]}

    def get(query=None):
        response = client.get("/early-warning/", query or {}, secure=True)
        assert response.status_code == 200, response.status_code
        return response

    def sql(statements):
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.cursor.execute(statement)
                cursor.cursor.fetchall()

    def by_hand():
        sql(REFERENCE_PAGE_SQL)

    for _warm in range(5):
        get()
        get({"region": region[0]})
        by_hand()
    with CaptureQueriesContext(connection) as context:
        get()
    results["page_queries"] = len(context.captured_queries)
    with CaptureQueriesContext(connection) as context:
        get({"region": region[0]})
    results["page_region_queries"] = len(context.captured_queries)
    times = {"page": [], "page, one region chosen": [], "reference": [], "direct count": []}
    runs = {"page": get, "page, one region chosen": lambda: get({"region": region[0]}), "reference": by_hand}
    for _run in range(args.runs):
        for name, run in runs.items():
            began = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - began)
        reset_queries()
    # after, not interleaved: it reads the whole table of risks, which would push the page's out of the cache
    for _run in range(args.runs):
        began = time.perf_counter()
        sql([DIRECT_COUNTS_SQL])
        times["direct count"].append(time.perf_counter() - began)
    results["page"] = percentiles(times["page"])
    results["page, one region chosen"] = percentiles(times["page, one region chosen"])
    results["reference (hand-written SQL, psycopg)"] = percentiles(times["reference"])
    results["direct count per region (the counts before, psycopg)"] = percentiles(times["direct count"])
    results["ratio_p95_page_to_reference"] = round(results["page"]["p95_ms"]
                                                   / results["reference (hand-written SQL, psycopg)"]["p95_ms"], 2)
    results["load_average_after"] = os.getloadavg()
    results["peak_rss_mb"] = peak_mb()
    print(json.dumps(results, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("--learners", type=int, default=54000)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--fresh", action="store_true", help="empty learners, groups, roll calls and centres first")
    run = commands.add_parser("measure")
    run.add_argument("--json", metavar="OUT")
    run.add_argument("--full-run", action="store_true", help="also time risk_score_all (writes every row)")
    risk_page = commands.add_parser("page", help="p95 of the risk list page for a national user")
    risk_page.add_argument("--runs", type=int, default=50)
    risk_page.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL.")
    if args.command == "generate":
        if args.fresh:
            fresh()
        generate(args.learners, args.seed)
    elif args.command == "page":
        page(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
