"""Basic-skills bulletins (PDF): one learner's, and a group of 25 one after the other, in French and Arabic.

On the demo database (SQLite is enough: the time is in the PDF, not in the queries):

    export FORSA_DEBUG=1 DATABASE_URL=sqlite:////tmp/demo.sqlite3 FORSA_VAR_DIR=/tmp/forsa-bench-fonts
    python manage.py migrate && python manage.py seed_demo
    python bench/bulletins.py --json bench/results/bulletins.json

Each size is measured twice in one process: "fonts per document" lays the fonts out as Forsa did before
(fpdf2 makes the static instances of the variable Noto fonts for every document, ``variations=``), then
"fonts once" (documents.pdf.static_font: made once per machine, read from VAR_DIR/fonts). The first
"fonts once" document of a machine makes the instances: it is timed apart ("first on a machine").
Memory is the process's peak resident set size.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from forsa.assessments import bulletin  # noqa: E402
from forsa.assessments.models import Result  # noqa: E402
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
    """Bulletins made as before: fpdf2 instantiates each variable font at each weight, for every document."""
    static_font, add_font = pdf.static_font, pdf.FPDF.add_font

    def add_variable_font(self, family, style="", fname=None, **kwargs):
        return add_font(self, family, style=style, fname=fname, variations={"wght": pdf.WEIGHTS[style]})

    pdf.static_font, pdf.FPDF.add_font = (lambda path, weight: path), add_variable_font
    try:
        return timed(learners, language)
    finally:
        pdf.static_font, pdf.FPDF.add_font = static_font, add_font


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", type=int, default=25, help="learners of the group measured (default 25)")
    parser.add_argument("--before-runs", type=int, default=3, help="bulletins made the old way (8 s each)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    learners = learners_with_results(args.group)
    if len(learners) < args.group:
        sys.exit(f"only {len(learners)} learners have results: seed the demo first")
    results = {"learners": len(learners)}

    for language in ("fr", "ar"):
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
    results["peak RSS (MB)"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["load average"] = [round(value, 2) for value in os.getloadavg()]
    for key, value in results.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
