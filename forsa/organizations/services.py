"""Every write to public bodies, associations and partners."""

from django.db import transaction

from forsa.core.services import instance_save, require
from forsa.organizations.models import Association, Organization, Partner
from forsa.territory.models import Province, Region


@transaction.atomic
def association_create(*, actor, **fields) -> Association:
    require(actor, "association.change")
    return instance_save(actor=actor, instance=Association(**fields))


@transaction.atomic
def association_update(*, actor, association: Association, **fields) -> Association:
    require(actor, "association.change", association)
    for name, value in fields.items():
        setattr(association, name, value)
    return instance_save(actor=actor, instance=association)


@transaction.atomic
def partner_create(*, actor, **fields) -> Partner:
    require(actor, "association.change")
    return instance_save(actor=actor, instance=Partner(**fields))


@transaction.atomic
def public_bodies_ensure(*, actor=None) -> int:
    """The central directorate, one AREF per region, one directorate per province. Idempotent."""
    created = 0
    _, was = Organization.objects.get_or_create(
        kind=Organization.Kind.MINISTRY,
        defaults={
            "name_fr": "Direction de l'éducation non formelle (DENF)",
            "name_ar": "مديرية التربية غير النظامية",
            "acronym": "DENF",
        },
    )
    created += was
    for region in Region.objects.all():
        _, was = Organization.objects.get_or_create(
            kind=Organization.Kind.AREF, region=region,
            defaults={
                "name_fr": f"AREF {region.name_fr}",
                "name_ar": f"الأكاديمية الجهوية للتربية والتكوين {region.name_ar}",
                "acronym": "AREF",
            },
        )
        created += was
    for province in Province.objects.select_related("region"):
        _, was = Organization.objects.get_or_create(
            kind=Organization.Kind.PROVINCIAL, province=province,
            defaults={
                "region": province.region,
                "name_fr": f"Direction provinciale {province.name_fr}",
                "name_ar": f"المديرية الإقليمية {province.name_ar}",
            },
        )
        created += was
    return created
