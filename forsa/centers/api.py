"""Centres: list with filters, detail, create and update (for the roles that may)."""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from forsa.centers import selectors, services
from forsa.centers.filters import CenterFilter
from forsa.core.api import ErrorOut, Pagination, ValidationErrorOut, fetch, filtered
from forsa.organizations.selectors import association_list
from forsa.territory.selectors import commune_list

router = Router(tags=["centres"])

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


class CenterReferences(forms.Form):
    """Reads the payload's references (commune code, association id, trade codes) as objects.

    The choices are what the user can see, so an out-of-scope association is simply invalid.
    """

    commune = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False)
    association = forms.ModelChoiceField(queryset=None, required=False)
    trades = forms.ModelMultipleChoiceField(queryset=None, to_field_name="code", required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["commune"].queryset = commune_list(user=user)
        self.fields["association"].queryset = association_list(user=user)
        self.fields["trades"].queryset = selectors.trade_list(user=user)


def _fields(request, payload: Schema) -> dict:
    """The payload's fields (only those sent), with references turned into objects."""
    data = payload.model_dump(exclude_unset=True)
    sent = {name: data[name] for name in CenterReferences.base_fields if data.get(name) is not None}
    form = CenterReferences(sent, user=request.auth)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return data | {name: form.cleaned_data[name] for name in sent}


@router.get("/trades", response=list[TradeOut])
def trade_list(request):
    return selectors.trade_list(user=request.auth)


@router.get("/centers", response={200: list[CenterOut], 422: ValidationErrorOut})
@paginate(Pagination)
def center_list(request, filters: Query[CenterQuery]):
    queryset = selectors.center_list(user=request.auth).prefetch_related("trades")
    return filtered(CenterFilter, request, queryset, filters)


@router.get("/centers/{center_id}", response={200: CenterOut, 404: ErrorOut})
def center_detail(request, center_id: int):
    return fetch(selectors.center_get, user=request.auth, pk=center_id)


@router.post(
    "/centers", response={201: CenterOut, 403: ErrorOut, 422: ValidationErrorOut}
)
def center_create(request, payload: CenterIn):
    return Status(201, services.center_create(actor=request.auth, **_fields(request, payload)))


@router.patch(
    "/centers/{center_id}",
    response={200: CenterOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def center_update(request, center_id: int, payload: CenterPatch):
    center = fetch(selectors.center_get, user=request.auth, pk=center_id)
    return services.center_update(actor=request.auth, center=center, **_fields(request, payload))
