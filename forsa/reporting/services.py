"""Writes of reporting: the refresh of the roll-ups (every indicator per centre, one school year)."""

import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from forsa.core.scoping import SYSTEM
from forsa.reporting import figures
from forsa.reporting.indicators import CENTER, catalogue
from forsa.reporting.models import CentreCell, Refresh

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
    """The current school year and the one before it (what dashboards compare)."""
    today = today or timezone.localdate()
    current = figures.Period.of(today=today)
    previous = figures.Period.of(today=current.start - timedelta(days=1)).school_year
    return [rollups_refresh(school_year=current.school_year, today=today),
            rollups_refresh(school_year=previous, today=today)]
