"""The daily refresh of the roll-ups (the figures of the dashboards), as a task."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from forsa.reporting import services


@task()
def reporting_refresh(school_year: str | None = None, today: str | None = None) -> dict:
    """Tasks take plain values: ``school_year`` like 2026-2027 (None: the current and the previous
    one), ``today`` an ISO date (None: today)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    if school_year:
        refreshes = [services.rollups_refresh(school_year=school_year, today=day)]
    else:
        refreshes = services.rollups_refresh_recent(today=day)
    return {refresh.school_year: {"cells": refresh.rows, "seconds": refresh.duration} for refresh in refreshes}
