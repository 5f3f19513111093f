"""Centres: list with filters, detail, create and update (for the roles that may)."""


from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from forsa.centers import selectors, services
from forsa.centers.filters import CenterFilter
from forsa.centers.schemas import CenterIn, CenterOut, CenterPatch, CenterQuery, TradeOut
from forsa.core.api import Pagination, fetch, filtered, resolved
from forsa.core.schemas import ErrorOut, Id, ValidationErrorOut
from forsa.organizations.selectors import association_list
from forsa.territory.selectors import commune_list

router = Router(tags=["centres"])


def _fields(request, payload: Schema) -> dict:
    """The payload's fields (only those sent), with references turned into rows the user may choose."""
    user = request.auth
    return resolved(payload.model_dump(exclude_unset=True), commune=(commune_list(user=user), "code"),
                    association=association_list(user=user), trades=(selectors.trade_list(user=user), "code"))


@router.get("/trades", response=list[TradeOut])
def trade_list(request):
    return selectors.trade_list(user=request.auth)


@router.get("/centers", response={200: list[CenterOut], 422: ValidationErrorOut})
@paginate(Pagination)
def center_list(request, filters: Query[CenterQuery]):
    queryset = selectors.center_list(user=request.auth).prefetch_related("trades")
    return filtered(CenterFilter, request, queryset, filters)


@router.get("/centers/{center_id}", response={200: CenterOut, 404: ErrorOut})
def center_detail(request, center_id: Id):
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
def center_update(request, center_id: Id, payload: CenterPatch):
    center = fetch(selectors.center_get, user=request.auth, pk=center_id)
    return services.center_update(actor=request.auth, center=center, **_fields(request, payload))
