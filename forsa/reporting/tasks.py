"""Reporting's tasks: the daily refresh of the roll-ups (the figures of the dashboards), and building an
annual report (django-tasks; the immediate backend in tests and demo)."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from forsa.reporting import services
from forsa.reporting.models import AnnualReport


@task()
def reporting_refresh(school_year: str | None = None, today: str | None = None) -> dict:
    """Tasks take plain values: ``school_year`` like 2026-2027 (None: the current one and the
    two before it), ``today`` an ISO date (None: today)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    if school_year:
        refreshes = [services.rollups_refresh(school_year=school_year, today=day)]
    else:
        refreshes = services.rollups_refresh_recent(today=day)
    return {refresh.school_year: {"cells": refresh.rows, "seconds": refresh.duration} for refresh in refreshes}


@task()
def annual_report_build(report_id: int) -> dict:
    """Tasks take plain values: the report's id. A report already finished is not built again."""
    report = AnnualReport.objects.select_related("requested_by").filter(pk=report_id).first()
    if report is None or report.finished:
        return {"report": report_id, "built": False}
    report = services.annual_report_build(report=report)
    return {"report": report_id, "built": True, "status": report.status}
