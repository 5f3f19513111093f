"""Schemas of the centres API: answers (``…Out``) and requests (``…In``, ``…Patch``, ``…Query``)."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from forsa.centers.models import Center
from forsa.core.schemas import Count, Date, Id, omittable, one_of
from forsa.territory.schemas import InCommune

Status = one_of(Center.Status)


class TradeOut(Schema):
    code: str
    name: str
    name_fr: str
    name_ar: str


class AssociationRef(Schema):
    id: int
    name: str


class CenterOut(InCommune):
    id: int
    code: str
    name: str = Field(description="In the request's language (Arabic or French).")
    name_fr: str
    name_ar: str
    province: str = Field(description="HCP code of the province.")
    region: str = Field(description="HCP code of the region.")
    address: str
    latitude: float | None
    longitude: float | None
    association: AssociationRef
    opening_date: Date | None
    status: Status
    capacity: int
    trades: list[str] = Field(description="Codes of the trades taught.")
    updated_at: datetime

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
    association: Id = Field(description="Id of the managing association.")
    opening_date: Date | None = None
    status: Status = "open"
    capacity: Count = Field(description="Learners per school year (1 to 2000).")
    trades: list[str] = Field([], description="Codes of the trades taught.")


class CenterPatch(Schema):
    """The fields to change; the others keep their value."""

    code: str = omittable()
    name_fr: str = omittable()
    name_ar: str = omittable()
    commune: str = omittable(description="HCP code of the commune.")
    address: str = omittable()
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    association: Id = omittable(description="Id of the managing association.")
    opening_date: Date | None = None
    status: Status = omittable()
    capacity: Count = omittable(description="Learners per school year (1 to 2000).")
    trades: list[str] = omittable(description="Replaces the trades taught.")


class CenterQuery(Schema):
    q: str | None = Field(None, description="Part of the code, name or commune name.")
    region: str | None = Field(None, description="HCP code of a region.")
    province: str | None = Field(None, description="HCP code of a province.")
    association: Id | None = Field(None, description="Id of an association.")
    status: Status | None = None
    trade: str | None = Field(None, description="Code of a trade.")
