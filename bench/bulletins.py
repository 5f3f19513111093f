"""Basic-skills bulletins (PDF): one learner's, a group of 25 one after the other, and a group in one PDF,
in French and Arabic.

On the demo database (SQLite is enough: the time is in the PDF, not in the queries):

    export FORSA_DEBUG=1 DATABASE_URL=sqlite:////tmp/demo.sqlite3 FORSA_VAR_DIR=/tmp/forsa-bench-fonts
    python manage.py migrate && python manage.py seed_demo
    python bench/bulletins.py --json bench/results/bulletins.json

Each size is measured twice in one process: "fonts per document" lays the fonts out as Forsa did before
(fpdf2 makes the static instances of the variable Noto fonts for every document, ``variations=``), then
"fonts once" (documents.pdf.static_font: made once per machine, read from VAR_DIR/fonts). The first
"fonts once" document of a machine makes the instances: it is timed apart ("first on a machine").
Memory is the process's peak resident set size.

"Group of 25 in one PDF" is ``bulletin.bulletins_document`` over the same 25 learners, and "task" the whole
background task (``services.bulletin_batch_build``: the group's learners read, the count of bulletins done
written after each one, the PDF stored) on the assessed demo class with the most learners. Each runs in a
fresh process of its own beside "one bulletin" (fonts read once before the clock starts, as in a worker):
its time, pages, size and peak resident set size, so that the memory of one PDF for the whole group is
compared with one bulletin's.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from forsa.accounts.models import User  # noqa: E402
from forsa.assessments import bulletin, services  # noqa: E402
from forsa.assessments.models import Assessment, BulletinBatch, Result  # noqa: E402
from forsa.centers.models import Group  # noqa: E402
from forsa.documents import pdf  # noqa: E402
from forsa.learners.models import Learner  # noqa: E402


def learners_with_results(count):
    ids = list(Result.objects.values_list("learner", flat=True).distinct().order_by("learner")[:count])
    return list(Learner.objects.filter(pk__in=ids).order_by("pk"))


def timed(learners, language):
    times = []
    for learner in learners:
        start = time.perf_counter()
        with translation.override(language):
            bulletin.bulletin_document(learner=learner, language=language).bytes()
        times.append(time.perf_counter() - start)
    return times


def before(learners, language):
    """Bulletins made as before: fpdf2 instantiates each variable font at each weight, for every document
    (neither static instances nor fonts parsed once per process)."""
    static_font, add_parsed_font = pdf.static_font, pdf.add_parsed_font

    def add_variable_font(document, family, style, path):
        document.add_font(family, style=style, fname=path, variations={"wght": pdf.WEIGHTS[style]})

    pdf.static_font, pdf.add_parsed_font = (lambda path, weight: path), add_variable_font
    try:
        return timed(learners, language)
    finally:
        pdf.static_font, pdf.add_parsed_font = static_font, add_parsed_font


def in_process(kind, language, count):
    """One measure in a fresh process (``--measure``), so that its peak resident set size is its own: a
    process that makes one bulletin and one that makes a group's in one PDF start from the same point."""
    command = [sys.executable, __file__, "--measure", kind, "--language", language, "--group", str(count)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def measure(kind, language, count):
    """What ``in_process`` runs: the fonts are read once first (a worker's state), then the work is timed."""
    learners = learners_with_results(count)
    with translation.override(language):
        bulletin.bulletin_document(learner=learners[0], language=language).bytes()  # warm: fonts, modules
    start = time.perf_counter()
    if kind == "one":
        with translation.override(language):
            content = bulletin.bulletin_document(learner=learners[0], language=language).bytes()
        answer = {}
    elif kind == "group":
        with translation.override(language):
            content = bulletin.bulletins_document(learners=learners, language=language).bytes()
        answer = {"learners": len(learners)}
    else:
        content, answer = task(language)
    answer["time (s)"] = round(time.perf_counter() - start, 3)
    answer |= {"pages": pages(content), "size (KB)": round(len(content) / 1024),
               "peak RSS (MB)": peak_rss()}
    return answer


def peak_rss():
    """The process's peak resident set size (MB), its own (getrusage's survives exec: it would be the parent's)."""
    status = Path("/proc/self/status").read_text()
    return round(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024)


def pages(content):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def biggest_group():
    """The assessed demo class with the most learners placed in it today, and a national admin (who sees it)."""
    today = timezone.localdate()
    placed = Q(placements__start_date__lte=today) & (Q(placements__end_date__isnull=True)
                                                      | Q(placements__end_date__gte=today))
    group = (Group.objects.filter(kind=Group.Kind.CATCH_UP, pk__in=Assessment.objects.values("group"))
             .annotate(size=Count("placements", filter=placed)).order_by("-size", "pk").first())
    return group, User.objects.filter(memberships__role="national_admin").order_by("pk").first()


def task(language):
    """The whole background task on the biggest demo class; its row and file are removed afterwards."""
    group, user = biggest_group()
    batch = BulletinBatch.objects.create(group=group, language=language, until=timezone.localdate(),
                                         requested_by=user, total=0)
    try:
        batch = services.bulletin_batch_build(batch=batch)
        assert batch.status == BulletinBatch.Status.DONE, batch.error
        return batch.file.read(), {"learners": batch.total}
    finally:
        batch.file.delete(save=False)
        batch.delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", type=int, default=25, help="learners of the group measured (default 25)")
    parser.add_argument("--before-runs", type=int, default=3, help="bulletins made the old way (8 s each)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--measure", choices=["one", "group", "task"], help=argparse.SUPPRESS)
    parser.add_argument("--language", default="fr", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.language, args.group)))
        return
    learners = learners_with_results(args.group)
    if len(learners) < args.group:
        sys.exit(f"only {len(learners)} learners have results: seed the demo first")
    results = {"learners": len(learners)}

    for language in ("fr", "ar") if args.before_runs else ():
        times = before(learners[:args.before_runs], language)
        results[f"fonts per document, {language}, one bulletin median (s)"] = round(statistics.median(times), 3)

    shutil.rmtree(Path(settings.VAR_DIR) / "fonts", ignore_errors=True)  # as on a new machine
    start = time.perf_counter()
    for weight in pdf.WEIGHTS.values():
        for path in pdf.FONT_FILES.values():
            pdf.static_font(path, weight)
    results["fonts once: instances made, first on a machine (s)"] = round(time.perf_counter() - start, 3)
    for language in ("fr", "ar"):
        times = timed(learners, language)
        results[f"fonts once, {language}, one bulletin median (s)"] = round(statistics.median(times), 3)
        results[f"fonts once, {language}, one bulletin p95 (s)"] = round(sorted(times)[int(0.95 * len(times))], 3)
        results[f"fonts once, {language}, group of {len(learners)} (s)"] = round(sum(times), 3)
    for language in ("fr", "ar"):
        for kind, label in (("one", "one bulletin"), ("group", f"group of {len(learners)} in one PDF"),
                            ("task", "the task on the biggest demo class")):
            results[f"{language}, {label}, in a process of its own"] = in_process(kind, language, len(learners))
    results["peak RSS of the main process (MB)"] = peak_rss()
    results["load average"] = [round(value, 2) for value in os.getloadavg()]
    for key, value in results.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
