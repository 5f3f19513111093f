"""Writes of reporting: asking for an annual report, building it (the task's work), logging a download."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record
from forsa.core import scoping
from forsa.reporting import report as report_pdf
from forsa.reporting import selectors
from forsa.reporting.figures import Period
from forsa.reporting.models import AnnualReport

logger = logging.getLogger(__name__)


def annual_report_request(*, actor, place, school_year, language) -> AnnualReport:
    """Record the request and queue its task once the row is committed (the task reads it)."""
    from forsa.reporting.tasks import annual_report_build

    report = AnnualReport.objects.create(
        requested_by=actor, level=place.level, place_code=getattr(place.obj, "code", "") or "",
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
        period = Period.of(report.school_year)
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
