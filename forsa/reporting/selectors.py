"""Reads of reporting: the indicators of the catalogue at a level, disclosed; the dashboards.

Every figure is computed by ``forsa.reporting.figures`` through the scoping module (``for_aggregates``)
and, for aggregate-only scopes (partner viewers), passed through the one disclosure policy of
``forsa.core.disclosure`` here (``disclose``): a cell that 1 to 4 people stand behind is hidden, and so
is the smallest other cell of its line when a hidden one could be recovered from the line's total.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forsa.assessments.models import Pole
from forsa.attendance import selectors as attendance
from forsa.centers.models import Center, school_year_of
from forsa.core import disclosure, scoping
from forsa.earlywarning.models import Level as RiskLevel
from forsa.learners.models import FollowUp, Outcome, Sex, Track
from forsa.organizations.models import Association
from forsa.reporting import figures, rollups
from forsa.reporting.indicators import (
    ASSOCIATION,
    BREAKDOWN_LABELS,
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
from forsa.territory.models import Commune, Province, Region

# The figures a dashboard shows, in order and by theme (each links to its definition).
KEY_GROUPS = ((_("Learners"), ("learners_enrolled", "new_intakes", "girls_share", "retention_3m", "retention_6m")),
              (_("Attendance"), ("attendance_rate", "rolls_not_taken")),
              (_("Basic skills"), ("basic_skills_gain", "in_remediation")),
              (_("Exits and insertion"), ("positive_exit_rate", "follow_up_rate", "situation_after_exit")),
              (_("Centres"), ("centres_open", "seats", "occupancy")),
              (_("Conventions"), ("conventions_signed", "amounts_committed", "amounts_disbursed", "late_reports")),
              (_("Early warning"), ("learners_at_risk", "interventions")))
KEY_FIGURES = tuple(code for _title, codes in KEY_GROUPS for code in codes)
# The figures read over one month (their previous period is the month before, not the year before).
MONTHLY = tuple(indicator.code for indicator in catalogue() if indicator.monthly)
# The columns of a dashboard's table by sub-level.
TABLE_FIGURES = ("learners_enrolled", "girls_share", "attendance_rate", "positive_exit_rate", "seats",
                 "occupancy")
# The breakdowns the dashboard's picker offers, with the key figures cut by each (those that declare it).
PICKER_BREAKDOWNS = ("sex", "age_band", "area", "track", "outcome", "pole", "milestone", "situation", "risk_level")
CATEGORIES = {"sex": Sex, "outcome": Outcome, "age_band": AgeBand, "area": Commune.Kind, "track": Track,
              "situation": FollowUp.Situation, "risk_level": RiskLevel}
SCOPE = "scope"  # the whole of a user's scope that is no one place (an association's centres)


def categories(breakdown):
    """(value, label) of each category of ``breakdown``, in order (the poles: those of the published
    framework; the milestones: 3, 6 and 12 months)."""
    if breakdown == "pole":
        return [(pole.code, pole.name) for pole in Pole.objects.filter(framework__status="published")
                .order_by("position")]
    if breakdown == "milestone":
        return [(months, _("+%(months)s months") % {"months": months}) for months in FollowUp.MONTHS]
    return list(CATEGORIES[breakdown].choices)


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


def association_get(*, user, pk) -> Association:
    """The association (national roles and partners: any; others: one they see, an association manager their
    own), or Association.DoesNotExist."""
    national, _regions, _provinces = reach(user)
    associations = Association.objects.all() if national else Association.objects.for_user(user)
    return associations.get(pk=pk)


def center_get(*, user, pk) -> Center:
    """The centre (any role that sees it), or Center.DoesNotExist."""
    return Center.objects.for_user(user).select_related("province", "region", "association").get(pk=pk)


# The levels a place may be named at by (level, code) — exports and annual reports — and how each is read
# (DoesNotExist when out of the user's reach: a 404). Data-driven: a new level (the association) is one
# more entry here and in REPORT_LEVELS.
PLACE_GETTERS = {
    REGION: lambda user, code: region_get(user=user, code=code),
    PROVINCE: lambda user, code: province_get(user=user, code=code),
    ASSOCIATION: lambda user, code: association_get(user=user, pk=int(code) if str(code).isdigit() else 0),
    CENTER: lambda user, code: center_get(user=user, pk=int(code) if str(code).isdigit() else 0),
}
# The levels an annual report is made for, from the top.
REPORT_LEVELS = (NATIONAL, REGION, PROVINCE, ASSOCIATION)


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


def place_code(place: Place) -> str:
    """The code that names a place in URLs and stored reports: a region's or province's HCP code, an
    association's or centre's id, "" for the nation."""
    if place.obj is None:
        return ""
    return str(getattr(place.obj, "code", None) or place.obj.pk)


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


LATEST = object()  # indicator_cells: look up the latest refresh of the period's school year


def indicator_cells(*, user, code, place: Place, period, by_sublevel=True, breakdown=None, refresh=LATEST):
    """One indicator at ``place``: {"total": Cell, "cells": {sub-place id or category: Cell}, "as_of":
    when the figures were computed (None: now)}, disclosed.

    ``by_sublevel`` breaks it down by the level below the place (regions of the nation…); ``breakdown``
    (sex, outcome: one the indicator declares) instead breaks the place's figure by category. Read from
    the roll-ups (``rollups``: the sums of the centres' cells of the last refresh, one query) when the
    school year has been refreshed and the figure adds up; else computed directly."""
    indicator = indicator_get(code)
    if refresh is LATEST:
        refresh = rollups.refresh_of(period.school_year)
    if refresh is not None and rollups.answers(user, indicator):
        total, cells = rollups.indicator_cells(user=user, indicator=indicator, place=place, period=period,
                                               refresh=refresh, by_sublevel=by_sublevel, breakdown=breakdown)
        as_of = refresh.finished_at
    else:
        compute = figures.COMPUTATIONS[code]
        total = compute(user=user, period=period, within=place.within).get(None)
        if breakdown:
            cells = compute(user=user, period=period, within=place.within, breakdown=breakdown)
        elif by_sublevel and place.sublevel in indicator.levels:  # census figures stop at the province
            cells = compute(user=user, period=period, level=place.sublevel, within=place.within)
        else:
            cells = {}
        as_of = None
    keys = list(cells)
    disclose(user, indicator, [cells[key] for key in keys], total)
    return {"indicator": indicator, "total": total, "cells": cells, "as_of": as_of}


def _names(level, ids, user):
    model = {REGION: Region, PROVINCE: Province, CENTER: Center, ASSOCIATION: Association}[level]
    return model.objects.for_user(user).in_bulk(list(ids))


def previous_period(period, code):
    """The period a key figure is compared with: the month before for monthly figures, else the school year
    before read on the same day a year earlier (the same stretch of the year)."""
    if code in MONTHLY:
        month = (period.month - timedelta(days=1)).replace(day=1)
        year = period.school_year if month >= period.start else school_year_of(month)
        return figures.Period(year, month, period.reference_day())
    start = period.start.year - 1
    day = period.reference_day()
    try:
        day = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        day = day.replace(year=day.year - 1, day=28)
    return figures.Period(f"{start}-{start + 1}", period.month.replace(year=period.month.year - 1), day)


def change(indicator, cell, before):
    """The change of a key figure over its previous period: {"previous": Cell, "delta", "direction"}; the
    delta is in points for rates, in units otherwise; None when either side is hidden or missing."""
    out = {"previous": before, "delta": None, "direction": None, "previous_text": None, "delta_text": None}
    if not cell or not before or cell.suppressed or before.suppressed or cell.value is None or before.value is None:
        return out
    delta = round(cell.value - before.value, 1)
    out["delta"] = abs(delta) if indicator.is_rate else abs(int(delta))
    out["direction"] = "up" if delta > 0 else "down" if delta < 0 else "same"
    if indicator.is_rate:
        out["previous_text"] = f"{number_format(before.value, 1)} %"
        out["delta_text"] = gettext("%(delta)s points") % {"delta": number_format(out["delta"], 1)}
    else:
        out["previous_text"] = number_format(before.value, 0, force_grouping=True)
        out["delta_text"] = number_format(out["delta"], 0, force_grouping=True)
    return out


def key_figures(*, user, place: Place, period, codes, by_sublevel=(), refresh=LATEST) -> dict:
    """{code: its cells at ``place`` (by sub-level for the codes in ``by_sublevel``) and its "change" over
    the previous period}, read from the roll-ups where they answer (``refresh``: the period's, if known)."""
    refreshes = {period.school_year: rollups.refresh_of(period.school_year) if refresh is LATEST else refresh}
    figures_ = {}
    for code in codes:
        result = figures_[code] = indicator_cells(user=user, code=code, place=place, period=period,
                                                  by_sublevel=code in by_sublevel,
                                                  refresh=refreshes[period.school_year])
        earlier = previous_period(period, code)  # the previous period may be the previous school year's
        if earlier.school_year not in refreshes:
            refreshes[earlier.school_year] = rollups.refresh_of(earlier.school_year)
        before = indicator_cells(user=user, code=code, place=place, period=earlier, by_sublevel=False,
                                 refresh=refreshes[earlier.school_year])["total"]
        result["change"] = change(result["indicator"], result["total"], before)
        # a school year (2025-2026) has no letter: a left-to-right mark keeps it in order in Arabic
        result["change"]["when"] = (date_format(earlier.month, "F Y") if code in MONTHLY
                                    else f"\u200e{earlier.school_year}")
    return figures_


def dashboard(*, user, place: Place, period, breakdown=None):
    """The key figures of ``place`` (each with its change over the previous period) and its table by
    sub-level (one row per sub-place, a column per TABLE_FIGURES), with the outcomes of the exits and, when
    ``breakdown`` is asked, the key figures that declare it cut by its categories; all disclosed for
    aggregate-only scopes; ``as_of``: the refresh its figures were read from, if any may lag (None: all
    computed now)."""
    refresh = rollups.refresh_of(period.school_year)
    figures_ = key_figures(user=user, place=place, period=period, codes=KEY_FIGURES, by_sublevel=TABLE_FIGURES,
                           refresh=refresh)
    by_category = None
    if breakdown in PICKER_BREAKDOWNS:
        codes = [code for code in KEY_FIGURES if breakdown in indicator_get(code).breakdowns]
        if breakdown == "outcome":
            codes = ["exits"]
        results = [indicator_cells(user=user, code=code, place=place, period=period, breakdown=breakdown,
                                   refresh=refresh) for code in codes]
        by_category = {"breakdown": breakdown, "label": BREAKDOWN_LABELS[breakdown],
                       "indicators": [result["indicator"] for result in results],
                       "totals": [result["total"] for result in results],
                       "rows": [{"label": label, "cells": [result["cells"].get(value) for result in results]}
                                for value, label in categories(breakdown)]}
    outcomes = indicator_cells(user=user, code="exits", place=place, period=period, breakdown="outcome",
                               refresh=refresh)
    # who the learners are: the place's learners enrolled by sex and by age band (each line disclosed)
    profile = []
    for breakdown in ("sex", "age_band"):
        result = indicator_cells(user=user, code="learners_enrolled", place=place, period=period, breakdown=breakdown,
                                 refresh=refresh)
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
        "trend": attendance_trend(user=user, place=place, period=period, refresh=refresh),
        "as_of": next((figure["as_of"] for figure in figures_.values() if figure["as_of"]), None),
        "exits_indicator": indicator_get("exits"), "outcomes": outcome_rows, "exits_total": outcomes["total"],
        "small_cells": scoping.scope_of(user).aggregates_only, "min_cell": disclosure.min_cell(),
        "by_category": by_category, "breakdowns": [(key, BREAKDOWN_LABELS[key]) for key in PICKER_BREAKDOWNS],
        "breakdown": breakdown if by_category else None,
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
        labels = dict(categories(breakdown))
        for value, label in labels.items():
            if value in result["cells"]:
                cells.append(_cell_out(result["cells"][value], str(value), str(label)))
    elif place.sublevel:
        names = _names(place.sublevel, [key for key in result["cells"] if key is not None], user)
        for pk, obj in sorted(names.items(), key=lambda item: item[1].code):
            cells.append(_cell_out(result["cells"][pk], obj.code, obj.name))
    obj = place.obj
    return {"indicator": code, "unit": result["indicator"].unit,
            "place": {"level": place.level, "name": getattr(obj, "name", None),
                      "code": str(obj.pk) if place.level == ASSOCIATION else getattr(obj, "code", None)},
            "school_year": period.school_year, "month": period.month, "breakdown": breakdown,
            "sublevel": None if breakdown else place.sublevel, "total": _cell_out(result["total"]), "cells": cells,
            "small_cells": scoping.scope_of(user).aggregates_only}


def attendance_trend(*, user, place: Place, period, refresh=LATEST):
    """The attendance rate of ``place`` month by month over the school year so far (one query, two for
    aggregate-only scopes): the roll-ups' monthly sums when the year has been refreshed, else attendance's
    ``rates_by`` totals, disclosed month by month there."""
    today = timezone.localdate()
    end = min(period.end, attendance.month_span(today)[1]) if period.start <= today else period.start
    if end <= period.start:
        return []
    indicator = indicator_get("attendance_rate")
    if refresh is LATEST:
        refresh = rollups.refresh_of(period.school_year)
    if refresh is not None and rollups.answers(user, indicator):
        by_month = rollups.attendance_trend(user=user, indicator=indicator, place=place, period=period, end=end,
                                            refresh=refresh)
        return [(month, by_month.get(month)) for month in period.months if month < end]
    rows = attendance.rates_by(user=user, level="national", start=period.start, end=end,
                               **figures.attendance_within(place.within))
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
