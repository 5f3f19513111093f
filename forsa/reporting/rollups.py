"""Reads of the roll-ups: an indicator at a place, the sum of the cells of the centres a user may count.

A refresh (``services.rollups_refresh``) keeps every additive indicator per centre. Here a place's
figure is added up in SQL over ``CentreCell.objects.for_aggregates(user)`` (the centres of the user's
scope, narrowed to the place), grouped by the level asked through the centre's own columns: one query
per line of cells, rates recomputed from the summed numerators and denominators. What is disclosed is
decided afterwards, as for direct computations (``selectors.disclose``).

So a region's figure is the figure of its centres: a learner counts at the centre of the cell
(where they were enrolled), whoever reads it. Direct computations read ``Enrollment`` through the
learner's current placement; see docs/reporting.md, "Scope".
"""

from django.db.models import Sum

from forsa.attendance import selectors as attendance
from forsa.core import scoping
from forsa.reporting.figures import Cell, share
from forsa.reporting.indicators import ASSOCIATION, CENTER, PROVINCE, REGION
from forsa.reporting.models import CentreCell, Refresh

# The column of a centre's cell that places it at each level.
COLUMNS = {REGION: "center__region_id", PROVINCE: "center__province_id", ASSOCIATION: "center__association_id",
           CENTER: "center_id"}
NARROW = {REGION: "center__region", PROVINCE: "center__province", ASSOCIATION: "center__association",
          CENTER: "center"}
SUMS = {name: Sum(name) for name in ("value", "numerator", "denominator", "people", "denominator_people",
                                     "sessions")}


def refresh_of(school_year):
    """The latest refresh of ``school_year``, or None (then figures are computed directly)."""
    return Refresh.objects.filter(school_year=school_year).order_by("-finished_at").first()


def answers(user, indicator) -> bool:
    """Whether the roll-ups may answer ``indicator`` for ``user``: additive figures only, and for
    aggregate-only scopes (whose small cells are counted in people) only those whose people add up."""
    if not indicator.additive:
        return False
    return indicator.people_additive or not scoping.scope_of(user).aggregates_only


def _cell(indicator, row, refresh, *, total=False):
    """The Cell of summed ``row``; for a total, None when nothing was counted (as a direct aggregate)."""
    if total and not any(row.get(name) for name in ("value", "numerator", "denominator", "people", "sessions")):
        return None
    numerator, denominator = row["numerator"], row["denominator"]
    if indicator.code == "attendance_rate":
        value = attendance.rate(denominator, denominator - numerator)
    elif indicator.is_rate and denominator is not None:
        value = share(numerator or 0, denominator)
    else:
        value = row["value"]
        value = int(value) if value is not None and float(value).is_integer() else value
    cell = Cell(value, numerator=numerator, denominator=denominator, people=row["people"] or 0,
                denominator_people=row["denominator_people"])
    if row.get("sessions") is not None:
        cell.extra["sessions"] = row["sessions"]
    if indicator.code == "occupancy":
        cell.extra["day"] = refresh.reference_day
    return cell


def _category(stored):
    """A category as the computations key it: the months after an exit (3, 6, 12) are numbers, stored as text."""
    return int(stored) if stored.isdigit() else stored


def _total(rows):
    total = {}
    for row in rows:
        for name in SUMS:
            if row[name] is not None:
                total[name] = (total.get(name) or 0) + row[name]
    return dict.fromkeys(SUMS) | total


def _cells(user, indicator, period, place):
    cells = CentreCell.objects.for_aggregates(user).filter(indicator=indicator.code, school_year=period.school_year)
    cells = cells.filter(month=period.month) if indicator.monthly else cells.filter(month__isnull=True)
    return cells.filter(**{NARROW[level]: obj for level, obj in place.within.items()})


def indicator_cells(*, user, indicator, place, period, refresh, by_sublevel=True, breakdown=None):
    """(total, {sub-place id or category: Cell}) of ``indicator`` at ``place``, from the cells of the
    centres ``user`` may count (one query), not yet disclosed."""
    cells = _cells(user, indicator, period, place)
    if breakdown:
        rows = list(cells.filter(breakdown__in=("", breakdown)).values("breakdown", "category").annotate(**SUMS)
                    .order_by())
        total = _total([row for row in rows if not row["breakdown"]])
        line = {_category(row["category"]): _cell(indicator, row, refresh) for row in rows if row["breakdown"]}
    elif by_sublevel and place.sublevel:
        column = COLUMNS[place.sublevel]
        rows = list(cells.filter(breakdown="").values(column).annotate(**SUMS).order_by())
        total = _total(rows)
        line = {row[column]: _cell(indicator, row, refresh) for row in rows}
    else:
        total, line = cells.filter(breakdown="").aggregate(**SUMS), {}
    return _cell(indicator, total, refresh, total=True), line


def attendance_trend(*, user, indicator, place, period, end, refresh):
    """{month: Cell} of the attendance rate at ``place`` from the start of the school year to ``end``."""
    cells = CentreCell.objects.for_aggregates(user).filter(
        indicator=indicator.code, school_year=period.school_year, breakdown="", month__gte=period.start,
        month__lt=end, **{NARROW[level]: obj for level, obj in place.within.items()})
    rows = cells.values("month").annotate(**SUMS).order_by()
    return {row["month"]: _cell(indicator, row, refresh) for row in rows}
