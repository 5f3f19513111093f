"""Associations that run centres: list with filters, detail."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from forsa.core import scoping
from forsa.core.api import ErrorOut, Pagination, ValidationErrorOut, fetch, filtered
from forsa.organizations import selectors
from forsa.organizations.filters import AssociationFilter

router = Router(tags=["associations"])

NO_PERSON = "null for partner viewers, who never see a person."


def _contact(obj, context, field):
    """The one place that hides people from partner viewers (aggregates only)."""
    if not scoping.scope_of(context["request"].auth).sees_persons:
        return None
    return getattr(obj, field)


class AssociationOut(Schema):
    id: int
    name: str
    name_ar: str
    acronym: str
    registration_number: str
    status: str
    address: str
    commune: str = Field(description="HCP code of the commune of its seat.")
    commune_name: str
    province: str
    region: str
    center_count: int | None = Field(None, description="Centres it runs (in lists).")
    president: str | None = Field(description=f"The president's name; {NO_PERSON}")
    phone: str | None = Field(description=NO_PERSON)
    email: str | None = Field(description=NO_PERSON)

    @staticmethod
    def resolve_commune(obj):
        return obj.commune.code

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name

    @staticmethod
    def resolve_province(obj):
        return obj.commune.province.code

    @staticmethod
    def resolve_region(obj):
        return obj.commune.province.region.code

    @staticmethod
    def resolve_center_count(obj):
        return getattr(obj, "center_count", None)

    @staticmethod
    def resolve_president(obj, context):
        return _contact(obj, context, "president")

    @staticmethod
    def resolve_phone(obj, context):
        return _contact(obj, context, "phone")

    @staticmethod
    def resolve_email(obj, context):
        return _contact(obj, context, "email")


class AssociationQuery(Schema):
    q: str | None = Field(None, description="Part of the name, acronym or registration number.")
    region: str | None = Field(None, description="HCP code of the region of its seat.")
    status: str | None = None


@router.get("/associations", response={200: list[AssociationOut], 422: ValidationErrorOut})
@paginate(Pagination)
def association_list(request, filters: Query[AssociationQuery]):
    queryset = selectors.association_list(user=request.auth)
    return filtered(AssociationFilter, request, queryset, filters)


@router.get("/associations/{association_id}", response={200: AssociationOut, 404: ErrorOut})
def association_detail(request, association_id: int):
    return fetch(selectors.association_get, user=request.auth, pk=association_id)
