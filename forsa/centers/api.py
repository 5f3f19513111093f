"""Centres: list with filters, detail, create and update (for the roles that may)."""


from django import forms
from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from forsa.centers import selectors, services
from forsa.centers.filters import CenterFilter
from forsa.centers.schemas import CenterIn, CenterOut, CenterPatch, CenterQuery, TradeOut
from forsa.core.api import Pagination, fetch, filtered
from forsa.core.schemas import ErrorOut, ValidationErrorOut
from forsa.organizations.selectors import association_list
from forsa.territory.selectors import commune_list

router = Router(tags=["centres"])


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
