"""Writes of reporting: the refresh of the roll-ups (every indicator per centre, one school year); asking
for an annual report, building it (the task's work), logging a download."""

import logging
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record
from forsa.core import scoping
from forsa.core.scoping import SYSTEM
from forsa.reporting import figures, selectors
from forsa.reporting import report as report_pdf
from forsa.reporting.indicators import CENTER, catalogue
from forsa.reporting.models import AnnualReport, CentreCell, Refresh

logger = logging.getLogger(__name__)

COLUMNS = ("indicator", "school_year", "month", "center_id", "breakdown", "category", "value", "numerator",
           "denominator", "people", "denominator_people", "sessions")


def centre_cells(period):
    """Every additive indicator of the catalogue at the level of the centre, for the whole country
    (``SYSTEM``: a national read, no request's scope), per month for the monthly ones and per category of
    each breakdown it declares: the rows of ``CentreCell`` (as tuples of COLUMNS), not yet written."""
    rows = []
    for indicator in catalogue():
        if not indicator.additive:
            continue
        compute = figures.COMPUTATIONS[indicator.code]
        months = [month for month in period.months if month <= period.reference_day()] if indicator.monthly else [None]
        for month in months:
            at = figures.Period.of(period.school_year, month, today=period.today) if month else period
            for breakdown in ("", *indicator.breakdowns):
                cells = compute(user=SYSTEM, period=at, level=CENTER, within=None, breakdown=breakdown or None)
                for key, cell in cells.items():
                    center, category = key if breakdown else (key, "")
                    rows.append((indicator.code, period.school_year, month, center, breakdown, category or "",
                                 cell.value, cell.numerator, cell.denominator,
                                 cell.people or 0, cell.denominator_people, cell.extra.get("sessions")))
    return rows


def _copy(rows):
    """The rows into CentreCell by COPY (PostgreSQL), else bulk_create."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {CentreCell._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    CentreCell.objects.bulk_create([CentreCell(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
                                   batch_size=2000)


def rollups_refresh(*, school_year=None, today=None) -> Refresh:
    """Recompute one school year's roll-ups (the current one by default) and replace its cells in one
    transaction. Figures are computed before the transaction opens: readers keep the previous cells until
    it commits (a page never waits on a refresh)."""
    started = time.monotonic()
    period = figures.Period.of(school_year, today=today or timezone.localdate())
    rows = centre_cells(period)
    with transaction.atomic():
        CentreCell.objects.filter(school_year=period.school_year).delete()
        _copy(rows)
        return Refresh.objects.create(school_year=period.school_year, finished_at=timezone.now(),
                                      reference_day=period.reference_day(), rows=len(rows),
                                      duration=round(time.monotonic() - started, 3))


def rollups_refresh_recent(*, today=None) -> list[Refresh]:
    """The current school year and the two before it: a dashboard shows this year or the last, each beside
    its previous year (without the third, last year's page computed that year's figures directly: 505 ms
    p95 at 200,000 learners, not 197; bench/README.md, "Reporting")."""
    today = today or timezone.localdate()
    years = [figures.Period.of(today=today)]
    for _year in range(2):
        years.append(figures.Period.of(today=years[-1].start - timedelta(days=1)))
    return [rollups_refresh(school_year=period.school_year, today=today) for period in years]



def annual_report_request(*, actor, place, school_year, language) -> AnnualReport:
    """Record the request and queue its task once the row is committed (the task reads it)."""
    from forsa.reporting.tasks import annual_report_build

    report = AnnualReport.objects.create(
        requested_by=actor, level=place.level, place_code=selectors.place_code(place),
        place_name=selectors.place_name(place)[:200], school_year=school_year, language=language,
        disclosed=scoping.scope_of(actor).aggregates_only, steps=len(report_pdf.STEPS))
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=report,
                 changes={"level": report.level, "place": report.place_code, "school_year": school_year,
                          "language": language})
    transaction.on_commit(lambda: annual_report_build.enqueue(report.pk))
    return report


def _progress(report, step, **fields):
    AnnualReport.objects.filter(pk=report.pk).update(step=step, **fields)


def annual_report_build(*, report: AnnualReport) -> AnnualReport:
    """Build the PDF with the requester's scope (their dashboard's figures and small-cell rule), step by
    step, and store it. A place the requester no longer reaches, or any error, fails the report (with the
    reason), never silently."""
    _progress(report, 0, status=AnnualReport.Status.RUNNING)
    try:
        user = report.requested_by
        place = selectors.place_get(user=user, level=report.level, code=report.place_code,
                                    levels=selectors.REPORT_LEVELS)
        period = figures.Period.of(report.school_year)
        content, figures_on = report_pdf.annual_report_pdf(
            user=user, place=place, period=period, language=report.language,
            progress=lambda step: _progress(report, step))
        report.file.save(report.filename, ContentFile(content), save=False)
        report.figures_on, report.status = figures_on, AnnualReport.Status.DONE
        report.step, report.finished_at = len(report_pdf.STEPS), timezone.now()
        report.save(update_fields=["file", "figures_on", "status", "step", "finished_at"])
    except Exception as error:  # the report says it failed; the log has the traceback
        logger.exception("annual report %s failed", report.pk)
        report.status, report.finished_at = AnnualReport.Status.FAILED, timezone.now()
        report.error = f"{type(error).__name__}"[:300]
        report.save(update_fields=["status", "finished_at", "error"])
    return report


def annual_report_downloaded(*, actor, report: AnnualReport) -> None:
    """Every download of a report is logged (who took which report)."""
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=report,
                 changes={"file": report.filename, "requested_by": report.requested_by_id})
