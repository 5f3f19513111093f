"""Every write to centres and their staff."""

from django.db import transaction

from forsa.centers.models import Center, StaffAssignment
from forsa.core.services import instance_save, require


def _place(center):
    """Province and region always follow the commune."""
    if center.commune_id:
        center.province_id = center.commune.province_id
        center.region_id = center.commune.province.region_id


@transaction.atomic
def center_create(*, actor, trades=(), **fields) -> Center:
    center = Center(**fields)
    _place(center)
    require(
        actor, "center.create",
        region=center.region_id, province=center.province_id, association=center.association_id,
    )
    return instance_save(actor=actor, instance=center, m2m={"trades": trades})


@transaction.atomic
def center_update(*, actor, center: Center, trades=None, **fields) -> Center:
    require(actor, "center.change", center)
    for name, value in fields.items():
        setattr(center, name, value)
    _place(center)
    if {"commune", "association"} & set(fields):  # moving it must stay within the actor's reach
        require(
            actor, "center.create",
            region=center.region_id, province=center.province_id, association=center.association_id,
        )
    return instance_save(
        actor=actor, instance=center, m2m=None if trades is None else {"trades": trades}
    )


@transaction.atomic
def staff_assign(*, actor, center: Center, **fields) -> StaffAssignment:
    require(actor, "center.change", center)
    return instance_save(actor=actor, instance=StaffAssignment(center=center, **fields))
