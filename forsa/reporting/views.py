"""Reporting pages: the home page, the indicator catalogue and the dashboards of a place."""

import re
from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from forsa.audit.services import export_record
from forsa.centers.models import Center
from forsa.core import scoping
from forsa.core.views import scoped_or_404
from forsa.documents.csvfile import csv_response
from forsa.documents.pdf import stored_pdf_response
from forsa.documents.xlsx import xlsx_response
from forsa.organizations.models import Association
from forsa.reporting import charts, coverage, exports, maps, selectors, services, today
from forsa.reporting.figures import Period
from forsa.reporting.indicators import ASSOCIATION, CENTER, LEVEL_LABELS, NATIONAL, PROVINCE, REGION
from forsa.territory.models import Province, Region

YEAR = re.compile(r"^(20\d\d)-(20\d\d)$")
HCP = re.compile(r"[0-9A-Za-z.]{1,16}")  # a place's code, as urls.HcpCode takes it
MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def home(request):
    return render(request, "reporting/today.html", today.today_page(user=request.user, today=timezone.localdate()))


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
    query = f"year={period.school_year}&month={period.month:%Y-%m}"
    context |= {"years": years, "trail": _trail(request.user, place),
                "query": query + (f"&breakdown={breakdown}" if breakdown else ""),
                "exports": _export_links(place, query), "report_form": _report_form(place, period)}
    context["map"] = maps.dashboard_map(context, query=context["query"])
    return render(request, "reporting/dashboard.html", context)


def _place_args(place):
    if place.level == NATIONAL:
        return "reporting:national_export", []
    if place.level == REGION:
        return "reporting:region_export", [place.obj.code]
    if place.level == PROVINCE:
        return "reporting:province_export", [place.obj.code]
    if place.level == ASSOCIATION:
        return "reporting:association_export", [place.obj.pk]
    if place.level == CENTER:
        return "reporting:center_export", [place.obj.pk]
    return "reporting:dashboard_export", []


def _export_links(place, query):
    """{table: {format: url}} for every table the place's page shows (its export links, same period)."""
    name, args = _place_args(place)
    return {table: {fmt: f"{reverse(name, args=[*args, table, fmt])}?{query}" for fmt in exports.FORMATS}
            for table in exports.TABLES if table != exports.SUBLEVEL or place.sublevel}


def _report_form(place, period):
    """The annual report's request form of a place that has one (nation, region, province…), else None."""
    if place.level not in selectors.REPORT_LEVELS:
        return None
    return {"level": place.level, "code": selectors.place_code(place), "year": period.school_year,
            "languages": [(code, name) for code, name in settings.LANGUAGES], "language": get_language()}


def _bad_request(request, message):
    return render(request, "reporting/bad_request.html", {"message": message}, status=400)


def _strict_period(request):
    """The period asked for, or None when a year or month is given and does not parse or is not offered
    (a file must not hold another period's figures than the one asked for)."""
    years = selectors.school_years()
    year, month = request.GET.get("year"), request.GET.get("month")
    if year is not None and (not (match := YEAR.match(year)) or int(match[2]) != int(match[1]) + 1
                             or year not in years):
        return None
    if month is not None and not MONTH.match(month):
        return None
    period, _years = _period(request)
    if month is not None and period.month != date(int(month[:4]), int(month[5:7]), 1):
        return None  # a month outside the school year
    return period


def _export(request, place, table, fmt):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        raise Http404
    period = _strict_period(request)
    if period is None:
        return _bad_request(request, _("The school year or month asked for is not one this page offers."))
    context = selectors.dashboard(user=request.user, place=place, period=period)
    result = exports.table(context, table)
    if result is None:
        raise Http404
    code = selectors.place_code(place) or ("national" if place.level == NATIONAL else "mine")
    filename = f"{table}-{place.level}-{code.replace('.', '-')}-{period.school_year}.{fmt}"
    model = {REGION: Region, PROVINCE: Province, ASSOCIATION: Association, CENTER: Center}.get(place.level, Region)
    record = partial(export_record, actor=request.user, model=model, filters={
        "level": place.level, "place": selectors.place_code(place) or None, "table": table, "format": fmt,
        "school_year": period.school_year, "month": f"{period.month:%Y-%m}",
        "small_cells_hidden": context["small_cells"]})
    columns = [str(column) for column in result.columns]
    if fmt == "csv":
        return csv_response(filename=filename, columns=columns, rows=result.rows, record=record)
    return xlsx_response(filename=filename, sheet=str(result.title), columns=columns, rows=result.rows,
                         record=record)


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
    national, regions, _provinces = selectors.reach(request.user)
    context |= {"years": years, "query": f"year={period.school_year}", "reach_national": national,
                "reach_region": national or getattr(place.obj, "region_id", None) in regions}
    context["map"] = maps.coverage_map(context, query=context["query"]) if place.level != PROVINCE else None
    return render(request, "reporting/coverage.html", context)


def coverage_national(request):
    if not selectors.reach(request.user)[0]:
        raise PermissionDenied
    return _coverage(request, selectors.Place(NATIONAL))


def coverage_region(request, code):
    return _coverage(request, selectors.Place(REGION, scoped_or_404(selectors.region_get, user=request.user,
                                                                    code=code)))


def coverage_province(request, code):
    return _coverage(request, selectors.Place(PROVINCE, scoped_or_404(selectors.province_get, user=request.user,
                                                                      code=code)))


# -- exports of a dashboard's tables ------------------------------------------------------------------------


def dashboard_export(request, table, fmt):
    return _export(request, selectors.home_place(request.user), table, fmt)


def national_export(request, table, fmt):
    if not selectors.reach(request.user)[0]:
        raise PermissionDenied
    return _export(request, selectors.Place(NATIONAL), table, fmt)


def region_export(request, code, table, fmt):
    return _export(request, selectors.Place(REGION, scoped_or_404(selectors.region_get, user=request.user,
                                                                  code=code)), table, fmt)


def province_export(request, code, table, fmt):
    return _export(request, selectors.Place(PROVINCE, scoped_or_404(selectors.province_get, user=request.user,
                                                                    code=code)), table, fmt)


def association_export(request, pk, table, fmt):
    return _export(request, selectors.Place(ASSOCIATION, scoped_or_404(selectors.association_get,
                                                                       user=request.user, pk=pk)), table, fmt)


def center_export(request, pk, table, fmt):
    return _export(request, selectors.Place(CENTER, scoped_or_404(selectors.center_get, user=request.user, pk=pk)),
                   table, fmt)


# -- annual reports -------------------------------------------------------------------------------------------


def reports(request):
    """My reports (GET) and asking for a new one (POST: level, code, year, language)."""
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    if request.method == "POST":
        return _report_request(request)
    return render(request, "reporting/reports.html", {
        "reports": selectors.annual_report_list(user=request.user)[:50], "level_labels": LEVEL_LABELS})


def _report_request(request):
    data = request.POST
    level, code, year, language = (data.get(key, "") for key in ("level", "code", "year", "language"))
    if level not in selectors.REPORT_LEVELS:
        return _bad_request(request, _("There is no annual report at this level."))
    match = YEAR.match(year)
    if not match or int(match[2]) != int(match[1]) + 1 or year not in selectors.school_years():
        return _bad_request(request, _("The school year asked for is not one a report can be made for."))
    if language not in dict(settings.LANGUAGES):
        return _bad_request(request, _("This language is not offered."))
    if code and not HCP.fullmatch(code):  # as the URLs' codes: no such place (and no NUL for PostgreSQL)
        raise Http404
    try:
        place = selectors.place_get(user=request.user, level=level, code=code, levels=selectors.REPORT_LEVELS)
    except selectors.UnknownLevel:
        return _bad_request(request, _("A region or province must be named."))
    except ObjectDoesNotExist:
        raise Http404 from None
    with transaction.atomic():
        report = services.annual_report_request(actor=request.user, place=place, school_year=year,
                                                language=language)
    return redirect("reporting:report", pk=report.pk)


def report(request, pk):
    """A report's progress (polled by htmx while it is being made), then its download link."""
    report = scoped_or_404(selectors.annual_report_get, user=request.user, pk=pk)
    template = "reporting/includes/report_status.html" if request.htmx else "reporting/report.html"
    return render(request, template, {"report": report, "level_labels": LEVEL_LABELS})


def report_download(request, pk):
    report = scoped_or_404(selectors.annual_report_get, user=request.user, pk=pk)
    response = stored_pdf_response(report)
    services.annual_report_downloaded(actor=request.user, report=report)
    return response
