"""Regions, provinces and communes (HCP codes): public reference data, read only."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from forsa.core.api import ErrorOut, Pagination, ValidationErrorOut, fetch
from forsa.territory import selectors

router = Router(tags=["territory"])


class RegionOut(Schema):
    code: str
    name: str = Field(description="In the request's language (Arabic or French).")
    name_fr: str
    name_ar: str
    population: int


class RegionListItem(RegionOut):
    center_count: int = Field(description="Centres the user can see in the region.")
    capacity: int = Field(description="Their total capacity.")

    @staticmethod
    def resolve_capacity(obj):
        return obj.capacity or 0


class ProvinceOut(Schema):
    code: str
    name: str
    name_fr: str
    name_ar: str
    kind: str
    region: str = Field(description="HCP code of the region.")
    population: int

    @staticmethod
    def resolve_region(obj):
        return obj.region.code


class ProvinceListItem(ProvinceOut):
    center_count: int
    capacity: int

    @staticmethod
    def resolve_capacity(obj):
        return obj.capacity or 0


class ProvinceDetail(ProvinceOut):
    population_10_19: int
    schooling_rate_6_11: float | None
    illiteracy_rate_10_plus: float | None


class CommuneOut(Schema):
    code: str
    name: str
    name_fr: str
    name_ar: str
    kind: str
    province: str = Field(description="HCP code of the province.")
    population: int

    @staticmethod
    def resolve_province(obj):
        return obj.province.code


class ProvinceQuery(Schema):
    region: str | None = Field(None, description="HCP code of a region.")


class CommuneQuery(Schema):
    province: str | None = Field(None, description="HCP code of a province.")
    q: str | None = Field(None, description="Part of the name (French or Arabic) or code start.")


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
def region_detail(request, code: str):
    return fetch(selectors.region_get, user=request.auth, code=code)


@router.get("/provinces", response={200: list[ProvinceListItem], 422: ValidationErrorOut})
def province_list(request, filters: Query[ProvinceQuery]):
    region = None
    if filters.region:
        region = _reference(selectors.region_get, "region", user=request.auth, code=filters.region)
    return selectors.province_list(user=request.auth, region=region)


@router.get("/provinces/{code}", response={200: ProvinceDetail, 404: ErrorOut})
def province_detail(request, code: str):
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
