"""Reporting pages: the home page, the indicator catalogue and the dashboards of a place."""

import re
from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from forsa.core import scoping
from forsa.core.views import scoped_or_404
from forsa.learners.models import Outcome
from forsa.reporting import charts, selectors
from forsa.reporting.figures import Period
from forsa.reporting.indicators import CENTER, NATIONAL, PROVINCE, REGION, UNIT_LABELS, Unit

YEAR = re.compile(r"^(20\d\d)-(20\d\d)$")
MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def home(request):
    return render(request, "reporting/home.html", selectors.scope_summary(user=request.user))


def catalogue(request):
    return render(request, "reporting/catalogue.html", {"indicators": selectors.catalogue_list()})


def _period(request):
    """The school year and month asked for (?year=2026-2027&month=2026-11), else the current ones; a value
    that does not parse, or a year not offered, is the default (no error for a hand-edited URL)."""
    years = selectors.school_years()
    year = request.GET.get("year", "")
    match = YEAR.match(year)
    if not match or int(match[2]) != int(match[1]) + 1 or year not in years:
        year = None
    month = MONTH.match(request.GET.get("month", ""))
    return Period.of(year, date(int(month[1]), int(month[2]), 1) if month else None), years


def _display(cell, indicator):
    if cell is None or cell.value is None:
        return ""
    if indicator.unit == Unit.PERCENT:
        return f"{number_format(cell.value, 1)} %"
    return number_format(cell.value, 0, force_grouping=True)


def _render(request, place):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    period, years = _period(request)
    context = selectors.dashboard(user=request.user, place=place, period=period)
    rtl = get_language_bidi()
    enrolled = context["table_indicators"][0]
    context["chart"] = charts.bar_chart(
        [(row["object"].name, getattr(row["cells"][0], "value", None), _display(row["cells"][0], enrolled),
          bool(row["cells"][0] and row["cells"][0].suppressed)) for row in context["rows"]], rtl=rtl, ranked=True)
    context["chart_indicator"] = enrolled
    exits = selectors.indicator_get("exits")
    context["outcome_chart"] = charts.bar_chart(
        [(Outcome(row["outcome"]).label, getattr(row["cell"], "value", None), _display(row["cell"], exits),
          bool(row["cell"] and row["cell"].suppressed)) for row in context["outcomes"]], rtl=rtl)
    trend = selectors.attendance_trend(user=request.user, place=place, period=period)
    context["trend"] = trend
    context["trend_chart"] = charts.bar_chart(
        [(date_format(month, "F Y"), row["rate"] if row else None,
          f"{number_format(row['rate'], 1)} %" if row and row["rate"] is not None else "—",
          bool(row and row["suppressed"])) for month, row in trend], rtl=rtl, scale=100)
    context |= {"years": years, "units": UNIT_LABELS, "query": f"year={period.school_year}",
                "trail": _trail(request.user, place), "levels": {"national": NATIONAL, "region": REGION,
                                                                   "province": PROVINCE, "center": CENTER}}
    return render(request, "reporting/dashboard.html", context)


def _trail(user, place):
    """The places above ``place`` that the user's dashboards reach (the breadcrumb)."""
    national, regions, provinces = selectors.reach(user)
    trail = []
    obj = place.obj
    region = getattr(obj, "region", None) if place.level in (PROVINCE, CENTER) else None
    province = getattr(obj, "province", None) if place.level == CENTER else None
    if national and place.level != NATIONAL:
        trail.append((NATIONAL, None, _("Nation")))
    if region and (national or region.pk in regions):
        trail.append((REGION, region, region.name))
    if province and (national or province.region_id in regions or province.pk in provinces):
        trail.append((PROVINCE, province, province.name))
    return trail


def dashboard(request):
    return _render(request, selectors.home_place(request.user))


def national(request):
    if not selectors.reach(request.user)[0]:
        raise PermissionDenied
    return _render(request, selectors.Place(NATIONAL))


def region(request, code):
    return _render(request, selectors.Place(REGION, scoped_or_404(selectors.region_get, user=request.user,
                                                                  code=code)))


def province(request, code):
    return _render(request, selectors.Place(PROVINCE, scoped_or_404(selectors.province_get, user=request.user,
                                                                    code=code)))


def center(request, pk):
    return _render(request, selectors.Place(CENTER, scoped_or_404(selectors.center_get, user=request.user, pk=pk)))
