"""Regions, provinces and communes (HCP codes): public reference data, read only."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from forsa.core.api import Pagination, fetch
from forsa.core.schemas import ErrorOut, ValidationErrorOut
from forsa.territory import selectors
from forsa.territory.schemas import (
    CommuneOut,
    CommuneQuery,
    HcpCode,
    ProvinceDetail,
    ProvinceListItem,
    ProvinceQuery,
    RegionListItem,
    RegionOut,
)

router = Router(tags=["territory"])


def _reference(getter, field, **kwargs):
    """A region or province named in a filter; an unknown code is a 422 on that field."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise ValidationError(
            {field: _("Select a valid choice. That choice is not one of the available choices.")}
        ) from None


@router.get("/regions", response=list[RegionListItem])
def region_list(request):
    return selectors.region_list(user=request.auth)


@router.get("/regions/{code}", response={200: RegionOut, 404: ErrorOut})
def region_detail(request, code: HcpCode):
    return fetch(selectors.region_get, user=request.auth, code=code)


@router.get("/provinces", response={200: list[ProvinceListItem], 422: ValidationErrorOut})
def province_list(request, filters: Query[ProvinceQuery]):
    region = None
    if filters.region:
        region = _reference(selectors.region_get, "region", user=request.auth, code=filters.region)
    return selectors.province_list(user=request.auth, region=region)


@router.get("/provinces/{code}", response={200: ProvinceDetail, 404: ErrorOut})
def province_detail(request, code: HcpCode):
    return fetch(selectors.province_get, user=request.auth, code=code)


@router.get("/communes", response={200: list[CommuneOut], 422: ValidationErrorOut})
@paginate(Pagination)
def commune_list(request, filters: Query[CommuneQuery]):
    province = None
    if filters.province:
        province = _reference(
            selectors.province_get, "province", user=request.auth, code=filters.province
        )
    return selectors.commune_list(user=request.auth, province=province, search=filters.q)
