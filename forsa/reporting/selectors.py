"""Reads of reporting: the indicators of the catalogue at a level, disclosed; the dashboards.

Every figure is computed by ``forsa.reporting.figures`` through the scoping module (``for_aggregates``)
and, for aggregate-only scopes (partner viewers), passed through the one disclosure policy of
``forsa.core.disclosure`` here (``disclose``): a cell that 1 to 4 people stand behind is hidden, and so
is the smallest other cell of its line when a hidden one could be recovered from the line's total.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forsa.attendance import selectors as attendance
from forsa.centers.models import Center
from forsa.core import disclosure, scoping
from forsa.learners.models import Outcome, Sex
from forsa.organizations.models import Association
from forsa.reporting import figures
from forsa.reporting.indicators import (
    CENTER,
    NATIONAL,
    PROVINCE,
    REGION,
    SUBLEVEL,
    AgeBand,
    Indicator,
    catalogue,
    indicator_get,
)
from forsa.reporting.models import AnnualReport
from forsa.territory.models import Province, Region

# The figures a dashboard shows, in order and by theme (each links to its definition).
KEY_GROUPS = ((_("Learners"), ("learners_enrolled", "new_intakes", "girls_share")),
              (_("Attendance and exits"), ("attendance_rate", "positive_exit_rate", "follow_up_rate")),
              (_("Centres"), ("centres_open", "seats", "occupancy")))
KEY_FIGURES = tuple(code for _title, codes in KEY_GROUPS for code in codes)
# The columns of a dashboard's table by sub-level.
TABLE_FIGURES = ("learners_enrolled", "girls_share", "attendance_rate", "positive_exit_rate", "seats",
                 "occupancy")
CATEGORIES = {"sex": Sex, "outcome": Outcome, "age_band": AgeBand}
SCOPE = "scope"  # the whole of a user's scope that is no one place (an association's centres)


@dataclass(frozen=True)
class Place:
    """Where figures are read: the nation (or the whole of a user's scope), a region, a province, a centre."""

    level: str
    obj: object = None

    @property
    def within(self) -> dict:
        return {self.level: self.obj} if self.obj is not None else {}

    @property
    def sublevel(self):
        return CENTER if self.level == SCOPE else SUBLEVEL[self.level]


def reach(user):
    """(national reach, region ids, province ids) of ``user``'s scope for dashboards: national roles and
    aggregate-only scopes (partner viewers count the rows of every centre they see) read any place."""
    scope = scoping.scope_of(user)
    if scope.is_national or scope.aggregates_only:
        return True, set(), set()
    return False, scope.ids("region"), scope.ids("province")


def home_place(user) -> Place:
    """The place of a user's own dashboard: the nation for national roles and partners, their region or
    province for territorial managers, their centre for its staff, else the whole of their scope (an
    association's centres), broken down by centre."""
    national, regions, provinces = reach(user)
    if national:
        return Place(NATIONAL)
    if len(regions) == 1 and not provinces:
        return Place(REGION, Region.objects.for_user(user).get(pk=next(iter(regions))))
    if len(provinces) == 1 and not regions:
        return Place(PROVINCE, Province.objects.for_user(user).select_related("region").get(pk=next(iter(provinces))))
    centers = list(Center.objects.for_user(user).select_related("province", "region", "association")[:2])
    if len(centers) == 1 and not regions and not provinces:
        return Place(CENTER, centers[0])
    return Place(SCOPE)


def region_get(*, user, code) -> Region:
    """The region, or Region.DoesNotExist when the user's dashboards do not reach it."""
    national, regions, _provinces = reach(user)
    region = Region.objects.for_user(user).get(code=code)
    if not national and region.pk not in regions:
        raise Region.DoesNotExist(code)
    return region


def province_get(*, user, code) -> Province:
    """The province, or Province.DoesNotExist when the user's dashboards do not reach it."""
    national, regions, provinces = reach(user)
    province = Province.objects.for_user(user).select_related("region").get(code=code)
    if not national and province.region_id not in regions and province.pk not in provinces:
        raise Province.DoesNotExist(code)
    return province


def center_get(*, user, pk) -> Center:
    """The centre (any role that sees it), or Center.DoesNotExist."""
    return Center.objects.for_user(user).select_related("province", "region", "association").get(pk=pk)


# The levels a place may be named at by (level, code) — exports and annual reports — and how each is read
# (DoesNotExist when out of the user's reach: a 404). Data-driven: a new level (the association) is one
# more entry here and in REPORT_LEVELS.
PLACE_GETTERS = {
    REGION: lambda user, code: region_get(user=user, code=code),
    PROVINCE: lambda user, code: province_get(user=user, code=code),
    CENTER: lambda user, code: center_get(user=user, pk=int(code) if str(code).isdigit() else 0),
}
# The levels an annual report is made for, from the top.
REPORT_LEVELS = (NATIONAL, REGION, PROVINCE)


class UnknownLevel(LookupError):
    """A level that is not one of the levels asked for (a bad request, not a missing place)."""


def place_get(*, user, level, code=None, levels=(NATIONAL, *PLACE_GETTERS)) -> Place:
    """The place named by ``level`` and ``code`` as the user's dashboards reach it: UnknownLevel for a level
    not in ``levels``, PermissionDenied for the nation out of national reach (as its page), DoesNotExist for
    a place out of reach or missing (a 404, as its page)."""
    if level not in levels:
        raise UnknownLevel(level)
    if level == NATIONAL:
        if not reach(user)[0]:
            raise PermissionDenied
        return Place(NATIONAL)
    if not code:
        raise UnknownLevel(level)
    return Place(level, PLACE_GETTERS[level](user, code))


def place_name(place: Place) -> str:
    return place.obj.name if place.obj is not None else str(_("Nation"))


def annual_report_list(*, user):
    """The annual reports the user asked for, the latest first."""
    return AnnualReport.objects.filter(requested_by=user).order_by("-created_at", "-pk")


def annual_report_get(*, user, pk) -> AnnualReport:
    """A report its requester, or anyone whose dashboards reach its place, may read — except that a report
    made without the small-cell rule is never shown to an aggregate-only scope. Else DoesNotExist (a 404)."""
    report = AnnualReport.objects.select_related("requested_by").get(pk=pk)
    if report.requested_by_id == user.pk:
        return report
    if not report.disclosed and scoping.scope_of(user).aggregates_only:
        raise AnnualReport.DoesNotExist(pk)
    try:
        place_get(user=user, level=report.level, code=report.place_code, levels=REPORT_LEVELS)
    except (UnknownLevel, PermissionDenied, ObjectDoesNotExist):
        raise AnnualReport.DoesNotExist(pk) from None
    return report


def _suppress(cells, total, *, people="people"):
    """Hide, in place, the cells of one line (and its total) that the disclosure policy hides."""
    counts = [getattr(cell, people) if cell else 0 for cell in cells]
    total_people = getattr(total, people) if total else None
    hidden, total_hidden = disclosure.suppress_line(counts, total=total_people)
    for cell, is_hidden in zip(cells, hidden, strict=True):
        if is_hidden and cell:
            cell.hide()
    if total_hidden and total:
        total.hide()


def disclose(user, indicator: Indicator, line: list, total):
    """Apply the small-cell rule to one line of cells and its total, for aggregate-only scopes.

    Figures about institutions (centres, seats) are shown; the attendance rate comes disclosed from
    attendance's selector (month by month, with the same policy). For a rate both its numerator's and its
    denominator's people are checked."""
    if not scoping.scope_of(user).aggregates_only or not indicator.about_people:
        return
    if indicator.code == "attendance_rate":
        return
    _suppress(line, total)
    if indicator.is_rate:
        _suppress(line, total, people="denominator_people")


def indicator_cells(*, user, code, place: Place, period, by_sublevel=True, breakdown=None):
    """One indicator at ``place``: {"total": Cell, "cells": {sub-place id or category: Cell}}, disclosed.

    ``by_sublevel`` breaks it down by the level below the place (regions of the nation…); ``breakdown``
    (sex, outcome: one the indicator declares) instead breaks the place's figure by category."""
    indicator = indicator_get(code)
    compute = figures.COMPUTATIONS[code]
    total = compute(user=user, period=period, within=place.within).get(None)
    if breakdown:
        cells = compute(user=user, period=period, within=place.within, breakdown=breakdown)
        cells = {key: cell for key, cell in cells.items()}
    elif by_sublevel and place.sublevel:
        cells = compute(user=user, period=period, level=place.sublevel, within=place.within)
    else:
        cells = {}
    keys = list(cells)
    disclose(user, indicator, [cells[key] for key in keys], total)
    return {"indicator": indicator, "total": total, "cells": cells}


def _names(level, ids, user):
    model = {REGION: Region, PROVINCE: Province, CENTER: Center}[level]
    return model.objects.for_user(user).in_bulk(list(ids))


def dashboard(*, user, place: Place, period):
    """The key figures of ``place`` and its table by sub-level (one row per sub-place, a column per
    TABLE_FIGURES), with the outcomes of the exits, all disclosed for aggregate-only scopes."""
    figures_ = {code: indicator_cells(user=user, code=code, place=place, period=period,
                                      by_sublevel=code in TABLE_FIGURES)
                for code in KEY_FIGURES}
    outcomes = indicator_cells(user=user, code="exits", place=place, period=period, breakdown="outcome")
    # who the learners are: the place's learners enrolled by sex and by age band (each line disclosed)
    profile = []
    for breakdown in ("sex", "age_band"):
        result = indicator_cells(user=user, code="learners_enrolled", place=place, period=period, breakdown=breakdown)
        profile.append({"breakdown": breakdown, "total": result["total"], "rows": [
            {"label": label, "cell": result["cells"].get(value) or figures.Cell(0, numerator=0)}
            for value, label in CATEGORIES[breakdown].choices]})
    rows = []
    if place.sublevel:
        ids = set()
        for code in TABLE_FIGURES:
            ids |= {key for key in figures_[code]["cells"] if key is not None}
        if place.sublevel == CENTER:  # centres with nothing counted yet still show in the table
            ids |= set(figures.open_centers(user, period, place.within).values_list("pk", flat=True))
        names = _names(place.sublevel, ids, user)
        for pk, obj in names.items():
            rows.append({"object": obj, "cells": [figures_[code]["cells"].get(pk) for code in TABLE_FIGURES]})
        rows.sort(key=lambda row: row["object"].code)
    # an outcome nobody went to is a 0 (a count of no one discloses no one)
    outcome_rows = [{"outcome": outcome, "cell": outcomes["cells"].get(outcome.value) or figures.Cell(0, numerator=0)}
                    for outcome in Outcome]
    return {
        "place": place, "period": period,
        "key_figures": [figures_[code] for code in KEY_FIGURES],
        "key_groups": [(title, [figures_[code] for code in codes]) for title, codes in KEY_GROUPS],
        "table_indicators": [indicator_get(code) for code in TABLE_FIGURES],
        "table_totals": [figures_[code]["total"] for code in TABLE_FIGURES],
        "rows": rows, "profile": profile,
        "attendance_indicator": indicator_get("attendance_rate"),
        "trend": attendance_trend(user=user, place=place, period=period),
        "exits_indicator": indicator_get("exits"), "outcomes": outcome_rows, "exits_total": outcomes["total"],
        "small_cells": scoping.scope_of(user).aggregates_only, "min_cell": disclosure.min_cell(),
    }


def _cell_out(cell, key=None, name=None):
    cell = cell or figures.Cell(None)
    return {"key": key, "name": name, "value": cell.value, "numerator": cell.numerator,
            "denominator": cell.denominator, "suppressed": cell.suppressed}


def indicator_values(*, user, code, place: Place, period, breakdown=None):
    """One indicator at ``place`` for the API: its total and its cells by sub-level (or by category of
    ``breakdown``), named, disclosed as on the pages."""
    result = indicator_cells(user=user, code=code, place=place, period=period, breakdown=breakdown)
    cells = []
    if breakdown:
        labels = dict(CATEGORIES[breakdown].choices)
        for value, label in labels.items():
            if value in result["cells"]:
                cells.append(_cell_out(result["cells"][value], value, str(label)))
    elif place.sublevel:
        names = _names(place.sublevel, [key for key in result["cells"] if key is not None], user)
        for pk, obj in sorted(names.items(), key=lambda item: item[1].code):
            cells.append(_cell_out(result["cells"][pk], obj.code, obj.name))
    obj = place.obj
    return {"indicator": code, "unit": result["indicator"].unit,
            "place": {"level": place.level, "code": getattr(obj, "code", None), "name": getattr(obj, "name", None)},
            "school_year": period.school_year, "month": period.month, "breakdown": breakdown,
            "sublevel": None if breakdown else place.sublevel, "total": _cell_out(result["total"]), "cells": cells,
            "small_cells": scoping.scope_of(user).aggregates_only}


def attendance_trend(*, user, place: Place, period):
    """The attendance rate of ``place`` month by month over the school year so far (one query, two for
    aggregate-only scopes): attendance's ``rates_by`` totals, disclosed month by month there."""
    today = timezone.localdate()
    end = min(period.end, attendance.month_span(today)[1]) if period.start <= today else period.start
    if end <= period.start:
        return []
    rows = attendance.rates_by(user=user, level="national", start=period.start, end=end, **place.within)
    by_month = {row["month"]: row for row in rows}
    trend = []
    for month in (month for month in period.months if month < end):
        row = by_month.get(month)
        cell = None
        if row:
            cell = figures.Cell(row["rate"], numerator=None if row["suppressed"] else row["expected"] - row["absent"],
                                denominator=row["expected"], suppressed=row["suppressed"])
            cell.extra["sessions"] = row["sessions"]
        trend.append((month, cell))
    return trend


def catalogue_list():
    return catalogue()


def school_years(today=None):
    """The school years a dashboard offers: the current one and the four before it."""
    current = figures.Period.of(today=today).school_year
    start = int(current[:4])
    return [f"{year}-{year + 1}" for year in range(start, start - 5, -1)]


def scope_summary(*, user):
    """Totals and a breakdown by region (or by province when the scope is one region)."""
    centers = Center.objects.for_user(user)
    totals = centers.aggregate(
        centers=Count("id"),
        open_centers=Count("id", filter=Q(status=Center.Status.OPEN)),
        capacity=Sum("capacity", filter=Q(status=Center.Status.OPEN)),
    )
    totals["associations"] = Association.objects.for_user(user).count()
    regions = centers.values("region").distinct().count()
    level = "region" if regions > 1 or scoping.scope_of(user).is_national else "province"
    breakdown = list(
        centers.values(f"{level}__code", f"{level}__name_fr", f"{level}__name_ar")
        .annotate(
            centers=Count("id"),
            capacity=Sum("capacity", filter=Q(status=Center.Status.OPEN)),
            associations=Count("association", distinct=True),
        )
        .order_by(f"{level}__code")
    )
    largest = max((row["capacity"] or 0 for row in breakdown), default=0) or 1
    for row in breakdown:
        row["code"] = row.pop(f"{level}__code")
        row["name_fr"] = row.pop(f"{level}__name_fr")
        row["name_ar"] = row.pop(f"{level}__name_ar")
        row["share"] = round(100 * (row["capacity"] or 0) / largest)
    # Association and centre staff work on a handful of centres: show them by name.
    own_centers = None
    if level == "province" and totals["centers"] <= 10:
        own_centers = centers.select_related("commune", "province").order_by("code")
    return {"totals": totals, "breakdown": breakdown, "breakdown_level": level, "own_centers": own_centers}
