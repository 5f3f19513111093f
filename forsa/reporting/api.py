"""The reporting API: the indicator catalogue, and an indicator at a place with its cells (disclosed)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router

from forsa.core.api import fetch
from forsa.core.schemas import ErrorOut, Id, ValidationErrorOut
from forsa.reporting import coverage, selectors
from forsa.reporting.figures import Period
from forsa.reporting.indicators import ASSOCIATION, CENTER, NATIONAL, PROVINCE, REGION, catalogue, indicator_get
from forsa.reporting.schemas import CoverageOut, CoverageQuery, IndicatorOut, ValuesOut, ValuesQuery
from forsa.territory.schemas import HcpCode

router = Router(tags=["reporting"])
VALUES = {200: ValuesOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.get("/indicators", response=list[IndicatorOut])
def indicator_list(request):
    """The catalogue: every indicator with its definition in the request's language."""
    return list(catalogue())


def _indicator(code):
    return fetch(indicator_get, code=code)


@router.get("/indicators/{code}", response={200: IndicatorOut, 404: ErrorOut})
def indicator_detail(request, code: str):
    return _indicator(code)


def _values(request, code, place, query):
    indicator = _indicator(code)
    if place.level not in indicator.levels:
        raise ValidationError({"code": _("This indicator does not exist at this level.")})
    if query.breakdown and query.breakdown not in indicator.breakdowns:
        raise ValidationError({"breakdown": _("This indicator has no such breakdown.")})
    if query.year and query.year not in selectors.school_years():
        raise ValidationError({"year": _("Choose one of the last five school years.")})
    period = Period.of(query.year, query.month)
    return selectors.indicator_values(user=request.auth, code=indicator.code, place=place, period=period,
                                      breakdown=query.breakdown)


@router.get("/indicators/{code}/national", response=VALUES)
def indicator_national(request, code: str, query: Query[ValuesQuery]):
    """The indicator for the nation (the whole of what the user may count), by region."""
    if not selectors.reach(request.auth)[0]:
        raise PermissionDenied
    return _values(request, code, selectors.Place(NATIONAL), query)


@router.get("/indicators/{code}/regions/{region_code}", response=VALUES)
def indicator_region(request, code: str, region_code: HcpCode, query: Query[ValuesQuery]):
    """The indicator for a region, by province."""
    region = fetch(selectors.region_get, user=request.auth, code=region_code)
    return _values(request, code, selectors.Place(REGION, region), query)


@router.get("/indicators/{code}/provinces/{province_code}", response=VALUES)
def indicator_province(request, code: str, province_code: HcpCode, query: Query[ValuesQuery]):
    """The indicator for a province, by centre."""
    province = fetch(selectors.province_get, user=request.auth, code=province_code)
    return _values(request, code, selectors.Place(PROVINCE, province), query)


@router.get("/indicators/{code}/associations/{association_id}", response=VALUES)
def indicator_association(request, code: str, association_id: Id, query: Query[ValuesQuery]):
    """The indicator for an association (the centres it runs), by centre. An association manager reads their
    own association only."""
    association = fetch(selectors.association_get, user=request.auth, pk=association_id)
    return _values(request, code, selectors.Place(ASSOCIATION, association), query)


@router.get("/indicators/{code}/centers/{center_id}", response=VALUES)
def indicator_center(request, code: str, center_id: Id, query: Query[ValuesQuery]):
    """The indicator for a centre (no level below it: ask a breakdown)."""
    center = fetch(selectors.center_get, user=request.auth, pk=center_id)
    return _values(request, code, selectors.Place(CENTER, center), query)


COVERAGE = {200: CoverageOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _coverage(request, place, query):
    if query.year and query.year not in selectors.school_years():
        raise ValidationError({"year": _("Choose one of the last five school years.")})
    return coverage.coverage_values(user=request.auth, place=place, period=Period.of(query.year))


@router.get("/coverage", response=COVERAGE)
def coverage_national(request, query: Query[CoverageQuery]):
    """Need against coverage of the nation, by region, with the ranking of every province (census 2024:
    estimated out-of-school adolescents aged 10-19 as a low-high range; seats; learners, disclosed)."""
    if not selectors.reach(request.auth)[0]:
        raise PermissionDenied
    return _coverage(request, selectors.Place(NATIONAL), query)


@router.get("/coverage/regions/{region_code}", response=COVERAGE)
def coverage_region(request, region_code: HcpCode, query: Query[CoverageQuery]):
    """Need against coverage of a region, by province, with the ranking of its provinces."""
    region = fetch(selectors.region_get, user=request.auth, code=region_code)
    return _coverage(request, selectors.Place(REGION, region), query)


@router.get("/coverage/provinces/{province_code}", response=COVERAGE)
def coverage_province(request, province_code: HcpCode, query: Query[CoverageQuery]):
    """Need against coverage of a province, with its open centres' seats and learners (disclosed)."""
    province = fetch(selectors.province_get, user=request.auth, code=province_code)
    return _coverage(request, selectors.Place(PROVINCE, province), query)
