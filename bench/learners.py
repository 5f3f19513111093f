"""Learner list and search at national scale: median and p95 server time per request.

Run against a database seeded with ``seed_demo --learners N`` (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/forsa_bench_500k \\
    FORSA_SECRET_KEY=bench FORSA_ALLOWED_HOSTS=testserver \\
    python bench/learners.py --runs 50 --json bench/results-500k.json

Each request goes through Django's test Client (real middleware, session, templates and
queries) signed in as a demo user, for the list page ``/learners/`` and the API
``/api/v1/learners``; the ``selector`` path times what both share, without HTTP: the scoped
``learner_list``, ``LearnerFilter`` and page 1 (or the page asked) of 25 with the total count.
Times are wall-clock in this process, so they include the database round trips. ``--explain``
prints the PostgreSQL plans of the selector path's two queries (the page and the count).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")
# The demo users have no authenticator: measured without the second factor (a verified session
# costs one more primary-key read per request, for the device).
os.environ.setdefault("FORSA_TWO_FACTOR", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from forsa.accounts.models import User  # noqa: E402
from forsa.demo.learners import FAMILY_NAMES  # noqa: E402
from forsa.learners.filters import LearnerFilter  # noqa: E402
from forsa.learners.models import Learner  # noqa: E402
from forsa.learners.selectors import learner_list  # noqa: E402

USERS = (
    ("national admin", "national.admin@demo.forsa.ma"),
    ("regional manager", "region.casablanca@demo.forsa.ma"),
    ("centre director", "center.director@demo.forsa.ma"),
    ("educator", "educator@demo.forsa.ma"),
)
PAGE_SIZE = settings.FORSA_PAGE_SIZE


def queries_for(user):
    """The searches of the issue, made meaningful for this user's scope."""
    visible = learner_list(user=user)
    # A MASSAR code the user can see (the search must find their one learner), the same every run.
    massar = visible.exclude(massar_code="").order_by("pk").values_list("massar_code", flat=True).first()
    # The centre and region with the most learners in the user's scope.
    center = (visible.order_by().values_list("center", flat=True).distinct().first())
    region = visible.order_by().values_list("region", flat=True).first()
    rare = rarest_family_name()
    return [
        ("no filter", {}),
        ('first name "mohamed"', {"q": "mohamed"}),
        ('Arabic name "فاطمة"', {"q": "فاطمة"}),
        (f'rare family name "{rare.lower()}"', {"q": rare.lower()}),
        ("MASSAR code", {"q": massar or "Z000000000"}),
        ("centre + sex", {"center": center, "sex": "F"}),
        ("page 200", {"page": 200}),
        ("region + sex (selector only)", {"_region": region, "sex": "F"}),
    ]


_RARE = []


def rarest_family_name():
    if not _RARE:
        counts = {name: Learner.objects.filter(last_name=name).count() for name, _ in FAMILY_NAMES[-10:]}
        _RARE.append(min(counts, key=lambda name: (counts[name], name)))
    return _RARE[0]


def selector_page(user_pk, params):
    """The list's read path without HTTP: scoped queryset, filter set, one page and the count."""
    user = User.objects.get(pk=user_pk)  # as a request would load it (scope not yet cached)
    params = dict(params)
    region = params.pop("_region", None)
    page = params.pop("page", 1)
    queryset = learner_list(user=user)
    if region is not None:  # no region filter in LearnerFilter: what a region filter would run
        queryset = queryset.filter(region=region)
    filterset = LearnerFilter({k: str(v) for k, v in params.items()}, queryset=queryset, user=user)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    rows = list(paginator.get_page(page).object_list)
    return len(rows), paginator.count


COUNT_CAP = 10_000


def proposed_page(user_pk, params):
    """What the fix proposed in bench/README.md would run (not the application's code, yet).

    The same scoped and filtered queryset, but the page's ids come from an index-only scan of the
    covering index of migration 0003 (a "deferred join"), and the count stops at COUNT_CAP + 1
    ("10 000+"), as large lists do not need their exact size to be paged.
    """
    user = User.objects.get(pk=user_pk)
    params = dict(params)
    region = params.pop("_region", None)
    page = int(params.pop("page", 1))
    queryset = learner_list(user=user)
    if region is not None:
        queryset = queryset.filter(region=region)
    filtered = LearnerFilter({k: str(v) for k, v in params.items()}, queryset=queryset, user=user).qs
    count = filtered.order_by()[:COUNT_CAP + 1].count()
    offset = (min(page, max(1, -(-min(count, COUNT_CAP) // PAGE_SIZE))) - 1) * PAGE_SIZE
    ids = filtered.values("pk")[offset:offset + PAGE_SIZE]
    rows = list(Learner.objects.filter(pk__in=ids).select_related("center").order_by(*filtered.query.order_by))
    return len(rows), count


def http_get(client, path, params):
    if "_region" in params:
        return None
    response = client.get(path, {k: v for k, v in params.items()}, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{path} {params}: HTTP {response.status_code}")
    return response


def measure(fn, runs, warmup, budget):
    """Median and p95 over ``runs`` runs after ``warmup``; only 3 runs when the first request shows
    that all of them would exceed ``budget`` seconds: such a request misses the target anyway."""
    began = time.perf_counter()
    fn()
    each = time.perf_counter() - began
    if each * (warmup + runs) > budget:  # slow: 3 runs after the first, no more
        warmup, runs = 0, 3
    for _ in range(warmup - 1):
        fn()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return {"median": statistics.median(times), "p95": p95, "max": times[-1], "runs": runs}


def explain(user, params):
    """EXPLAIN ANALYZE of the selector path's two queries: the page and the count."""
    user = User.objects.get(pk=user.pk)
    params = dict(params)
    region = params.pop("_region", None)
    page = int(params.pop("page", 1))
    queryset = learner_list(user=user)
    if region is not None:
        queryset = queryset.filter(region=region)
    qs = LearnerFilter({k: str(v) for k, v in params.items()}, queryset=queryset, user=user).qs
    offset = (page - 1) * PAGE_SIZE
    with connection.cursor() as cursor:
        for label, sql, args in (
            ("page", *qs[offset:offset + PAGE_SIZE].query.sql_with_params()),
            ("count", *qs.order_by().query.get_compiler(qs.db).as_sql()),
        ):
            if label == "count":
                sql, args = f"SELECT COUNT(*) FROM ({sql}) AS counted", args
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", args)
            print(f"--- {label}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def markdown(paths):
    """A table per results file: median / p95 in ms per user, query and path."""
    for path in paths:
        results = json.loads(Path(path).read_text())
        kinds = [k for k in ("selector", "proposed", "page", "api") if any(r["path"] == k for r in results["rows"])]
        print(f"\n{results['learners']:,} learners ({results['runs']} runs after {results['warmup']} warm-up runs; "
              f"load average {results['load_before'][0]:.1f} → {results['load_after'][0]:.1f} on 2 CPUs)\n")
        print("| user | query | found | " + " | ".join(f"{k} median / p95 ms" for k in kinds) + " |")
        print("|---|---|--:|" + "--:|" * len(kinds))
        cells = {}
        for row in results["rows"]:
            key = (row["user"], row["query"])
            cells.setdefault(key, {"found": row["found"]})[row["path"]] = row
        for (user, query), row in cells.items():
            values = []
            for kind in kinds:
                cell = row.get(kind)
                if cell is None:
                    values.append("–" if "selector only" in query or kind == "proposed" else "skipped (> 3 s)")
                else:
                    few = f" ({cell['runs']} runs)" if cell["runs"] < results["runs"] else ""
                    values.append(f"{cell['median']:.0f} / {cell['p95']:.0f}{few}")
            print(f"| {user} | {query} | {row['found']:,} | " + " | ".join(values) + " |")


def main():
    if sys.argv[1:2] == ["--markdown"]:
        markdown(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--budget", type=float, default=60,
                        help="seconds per measured row at most: slow requests get fewer runs (5 at least)")
    parser.add_argument("--paths", default="selector,page,api",
                        help="selector, page, api and/or proposed (the fix of bench/README.md)")
    parser.add_argument("--users", default=",".join(label for label, _ in USERS))
    parser.add_argument("--explain", action="store_true", help="print the plans instead of timing")
    parser.add_argument("--slow", type=float, default=3000,
                        help="ms: once a path is this slow for a user, its other queries are skipped")
    args = parser.parse_args()

    learners = Learner.objects.count()
    page_url, api_url = "/learners/", "/api/v1/learners"
    results = {"learners": learners, "runs": args.runs, "warmup": args.warmup,
               "database": connection.vendor, "rows": []}
    results["load_before"] = os.getloadavg()
    print(f"{learners} learners on {connection.vendor}; {args.runs} runs after {args.warmup} warm-up runs; "
          f"load average {results['load_before'][0]:.1f} on {os.cpu_count()} CPUs")
    wanted = set(args.users.split(","))
    for label, email in USERS:
        if label not in wanted:
            continue
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        visible = learner_list(user=user).count()
        print(f"\n## {label} ({email}): {visible} learners in scope")
        too_slow = set()
        for name, params in queries_for(user):
            if args.explain:
                print(f"\n# {label} / {name} {params}")
                explain(user, params)
                continue
            paths = {
                "selector": lambda params=params, pk=user.pk: selector_page(pk, params),
                "proposed": lambda params=params, pk=user.pk: proposed_page(pk, params),
                "page": lambda params=params, client=client: http_get(client, page_url, params),
                "api": lambda params=params, client=client: http_get(client, api_url, params),
            }
            for path in args.paths.split(","):
                if path not in ("selector", "proposed") and "_region" in params:
                    continue
                if path in too_slow:
                    print(f"  {name:<34} {path:<8} skipped: this path takes over {args.slow:.0f} ms for this user")
                    continue
                reset_queries()
                found = selector_page(user.pk, params)[1]
                try:
                    timing = measure(paths[path], args.runs, args.warmup, args.budget)
                except Exception as error:  # a page or endpoint not there (yet): say so, measure the rest
                    print(f"  {name:<34} {path:<8} unavailable: {type(error).__name__}: {str(error)[:80]}")
                    continue
                if timing["median"] > args.slow:
                    too_slow.add(path)
                row = {"user": label, "query": name, "path": path, "found": found, **timing}
                results["rows"].append(row)
                print(f"  {name:<34} {path:<8} found {found:>7}  median {timing['median']:7.1f} ms"
                      f"  p95 {timing['p95']:7.1f} ms  ({timing['runs']} runs)")
    results["load_after"] = os.getloadavg()
    print(f"\nload average at the end: {results['load_after'][0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
