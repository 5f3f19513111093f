"""Schemas of the territory API: answers (``…Out``) and filters (``…Query``)."""

from ninja import Field, Schema


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
