"""Schemas of the centres API: answers (``…Out``) and requests (``…In``, ``…Patch``, ``…Query``)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

STATUSES = "planned, open, suspended or closed"


class TradeOut(Schema):
    code: str
    name: str
    name_fr: str
    name_ar: str


class AssociationRef(Schema):
    id: int
    name: str


class CenterOut(Schema):
    id: int
    code: str
    name: str = Field(description="In the request's language (Arabic or French).")
    name_fr: str
    name_ar: str
    commune: str = Field(description="HCP code of the commune.")
    commune_name: str
    province: str = Field(description="HCP code of the province.")
    region: str = Field(description="HCP code of the region.")
    address: str
    latitude: float | None
    longitude: float | None
    association: AssociationRef
    opening_date: date | None
    status: str = Field(description=STATUSES)
    capacity: int
    trades: list[str] = Field(description="Codes of the trades taught.")
    updated_at: datetime

    @staticmethod
    def resolve_commune(obj):
        return obj.commune.code

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name

    @staticmethod
    def resolve_province(obj):
        return obj.province.code

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_trades(obj):
        return [trade.code for trade in obj.trades.all()]


class CenterIn(Schema):
    """A new centre. Province and region follow the commune."""

    code: str = Field(description="3 to 20 capital letters, digits or dashes; unique.")
    name_fr: str
    name_ar: str = ""
    commune: str = Field(description="HCP code of the commune.")
    address: str = ""
    latitude: Decimal | None = Field(None, description="WGS 84, within Morocco.")
    longitude: Decimal | None = Field(None, description="WGS 84, within Morocco.")
    association: int = Field(description="Id of the managing association.")
    opening_date: date | None = None
    status: str = Field("open", description=STATUSES)
    capacity: int = Field(description="Learners per school year (1 to 2000).")
    trades: list[str] = Field([], description="Codes of the trades taught.")


class CenterPatch(Schema):
    """The fields to change; the others keep their value."""

    code: str | None = None
    name_fr: str | None = None
    name_ar: str | None = None
    commune: str | None = Field(None, description="HCP code of the commune.")
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    association: int | None = None
    opening_date: date | None = None
    status: str | None = Field(None, description=STATUSES)
    capacity: int | None = None
    trades: list[str] | None = Field(None, description="Replaces the trades taught.")


class CenterQuery(Schema):
    q: str | None = Field(None, description="Part of the code, name or commune name.")
    region: str | None = Field(None, description="HCP code of a region.")
    province: str | None = Field(None, description="HCP code of a province.")
    association: int | None = Field(None, description="Id of an association.")
    status: str | None = Field(None, description=STATUSES)
    trade: str | None = Field(None, description="Code of a trade.")
