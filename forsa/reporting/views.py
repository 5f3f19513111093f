"""Reporting pages: the home page, the indicator catalogue and the dashboards of a place."""

import re
from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from forsa.core import scoping
from forsa.core.views import scoped_or_404
from forsa.reporting import charts, coverage, maps, selectors
from forsa.reporting.figures import Period
from forsa.reporting.indicators import ASSOCIATION, CENTER, NATIONAL, PROVINCE, REGION

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


def _render(request, place):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    period, years = _period(request)
    breakdown = request.GET.get("breakdown", "")  # one the picker offers, else none (no error)
    breakdown = breakdown if breakdown in selectors.PICKER_BREAKDOWNS else None
    context = selectors.dashboard(user=request.user, place=place, period=period, breakdown=breakdown)
    context |= charts.dashboard_charts(context, rtl=get_language_bidi())
    context |= {"years": years, "trail": _trail(request.user, place),
                "query": f"year={period.school_year}&month={period.month:%Y-%m}"
                         + (f"&breakdown={breakdown}" if breakdown else "")}
    context["map"] = maps.dashboard_map(context, query=context["query"])
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


def association(request, pk):
    return _render(request, selectors.Place(ASSOCIATION, scoped_or_404(selectors.association_get, user=request.user,
                                                                       pk=pk)))


def center(request, pk):
    return _render(request, selectors.Place(CENTER, scoped_or_404(selectors.center_get, user=request.user, pk=pk)))


def _coverage(request, place):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    period, years = _period(request)
    context = coverage.coverage(user=request.user, place=place, period=period)
    context |= {"years": years, "query": f"year={period.school_year}",
                "reach_national": selectors.reach(request.user)[0]}
    return render(request, "reporting/coverage.html", context)


def coverage_national(request):
    if not selectors.reach(request.user)[0]:
        raise PermissionDenied
    return _coverage(request, selectors.Place(NATIONAL))


def coverage_region(request, code):
    return _coverage(request, selectors.Place(REGION, scoped_or_404(selectors.region_get, user=request.user,
                                                                    code=code)))
