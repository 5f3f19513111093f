"""Schemas of the associations API: answers (``…Out``) and filters (``…Query``)."""

from ninja import Field, Schema

from forsa.core import scoping
from forsa.core.schemas import one_of
from forsa.organizations.models import Association
from forsa.territory.schemas import InCommune

NO_PERSON = "null for partner viewers, who never see a person."


def _contact(obj, context, field):
    """The one place that hides people from partner viewers (aggregates only)."""
    if not scoping.scope_of(context["request"].auth).sees_persons:
        return None
    return getattr(obj, field)


class AssociationOut(InCommune):
    id: int
    name: str
    name_ar: str
    acronym: str
    registration_number: str
    status: one_of(Association.Status)
    address: str
    province: str
    region: str
    center_count: int | None = Field(None, description="Centres it runs (in lists).")
    president: str | None = Field(description=f"The president's name; {NO_PERSON}")
    phone: str | None = Field(description=NO_PERSON)
    email: str | None = Field(description=NO_PERSON)

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
    status: one_of(Association.Status) | None = None
