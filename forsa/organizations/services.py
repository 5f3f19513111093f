"""Every write to public bodies, associations and partners."""

from django.db import transaction

from forsa.audit.services import instance_save
from forsa.core.services import require
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
    wanted = [Organization(kind=Organization.Kind.MINISTRY, acronym="DENF",
                           name_fr="Direction de l'éducation non formelle (DENF)",
                           name_ar="مديرية التربية غير النظامية")]
    wanted += [Organization(kind=Organization.Kind.AREF, region=region, acronym="AREF",
                            name_fr=f"AREF {region.name_fr}",
                            name_ar=f"الأكاديمية الجهوية للتربية والتكوين {region.name_ar}")
               for region in Region.objects.all()]
    wanted += [Organization(kind=Organization.Kind.PROVINCIAL, region_id=province.region_id, province=province,
                            name_fr=f"Direction provinciale {province.name_fr}",
                            name_ar=f"المديرية الإقليمية {province.name_ar}")
               for province in Province.objects.all()]
    existing = set(Organization.objects.values_list("kind", "region_id", "province_id"))
    missing = [body for body in wanted if (body.kind, body.region_id, body.province_id) not in existing]
    for body in missing:
        instance_save(actor=actor, instance=body)  # validated and in the history, like any change
    return len(missing)
