"""Associations that run centres: list with filters, detail."""

from ninja import Query, Router
from ninja.pagination import paginate

from forsa.core.api import Pagination, fetch, filtered
from forsa.core.schemas import ErrorOut, Id, ValidationErrorOut
from forsa.organizations import selectors
from forsa.organizations.filters import AssociationFilter
from forsa.organizations.schemas import AssociationOut, AssociationQuery

router = Router(tags=["associations"])


@router.get("/associations", response={200: list[AssociationOut], 422: ValidationErrorOut})
@paginate(Pagination)
def association_list(request, filters: Query[AssociationQuery]):
    queryset = selectors.association_list(user=request.auth)
    return filtered(AssociationFilter, request, queryset, filters)


@router.get("/associations/{association_id}", response={200: AssociationOut, 404: ErrorOut})
def association_detail(request, association_id: Id):
    return fetch(selectors.association_get, user=request.auth, pk=association_id)
