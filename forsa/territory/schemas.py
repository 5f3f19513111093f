"""Schemas of the territory API: answers (``…Out``) and filters (``…Query``)."""

from typing import Annotated

from ninja import Field, Schema

from forsa.core.schemas import one_of
from forsa.territory.models import Commune, Province

# An HCP code in a path (e.g. 01, 01.051): at most 16 characters, as stored, and no NUL, which
# PostgreSQL cannot compare (the parser refuses it in queries and bodies, not in paths).
HcpCode = Annotated[str, Field(max_length=16, pattern=r"^[^\x00]+$", description="HCP code.")]


class InCommune(Schema):
    """A place in a commune (a centre, an association's seat, a learner's residence): its HCP code and name."""

    commune: str = Field(description="HCP code of the commune.")
    commune_name: str = Field(description="In the request's language (Arabic or French).")

    @staticmethod
    def resolve_commune(obj):
        return obj.commune.code

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name


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
    kind: one_of(Province.Kind)
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
    kind: one_of(Commune.Kind)
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
