"""Every write to centres and their staff."""

from django.db import transaction

from forsa.audit.services import instance_save
from forsa.centers.models import Center, Group, StaffAssignment, Trade
from forsa.core.services import require


def _place(center):
    """Province and region always follow the commune."""
    if center.commune_id:
        center.province_id = center.commune.province_id
        center.region_id = center.commune.province.region_id


@transaction.atomic
def center_create(*, actor, trades=(), **fields) -> Center:
    center = Center(**fields)
    _place(center)
    # Bad input is reported as such before the scope check (which needs a valid commune).
    center.full_clean(exclude=["region", "province"])
    require(
        actor, "center.create",
        region=center.region_id, province=center.province_id, association=center.association_id,
    )
    return instance_save(actor=actor, instance=center, m2m={"trades": trades})


@transaction.atomic
def center_update(*, actor, center: Center, trades=None, **fields) -> Center:
    require(actor, "center.change", center)
    placed_at = (center.commune_id, center.association_id)
    for name, value in fields.items():
        setattr(center, name, value)
    _place(center)
    if (center.commune_id, center.association_id) != placed_at:  # a move must stay within reach
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


# The managed list of trades taught in workshops: (code, French, Arabic, English).
DEFAULT_TRADES = (
    ("couture", "Couture", "الخياطة", "Sewing"),
    ("broderie", "Broderie", "الطرز", "Embroidery"),
    ("coiffure", "Coiffure", "الحلاقة وتصفيف الشعر", "Hairdressing"),
    ("esthetique", "Esthétique", "التجميل", "Beauty care"),
    ("cuisine-patisserie", "Cuisine et pâtisserie", "الطبخ والحلويات", "Cooking and pastry"),
    ("service-restauration", "Service en restauration", "الخدمة في المطاعم", "Restaurant service"),
    ("informatique", "Informatique", "المعلوميات", "Computing"),
    ("reparation-telephones", "Réparation de téléphones mobiles", "إصلاح الهواتف المحمولة",
     "Mobile phone repair"),
    ("electricite", "Électricité du bâtiment", "كهرباء البناء", "Building electrics"),
    ("plomberie", "Plomberie", "الترصيص الصحي", "Plumbing"),
    ("menuiserie", "Menuiserie", "النجارة", "Carpentry"),
    ("peinture-batiment", "Peinture en bâtiment", "صباغة البناء", "Building painting"),
    ("soudure", "Soudure", "التلحيم", "Welding"),
    ("mecanique-auto", "Mécanique automobile", "ميكانيك السيارات", "Car mechanics"),
    ("froid-climatisation", "Froid et climatisation", "التبريد والتكييف",
     "Refrigeration and air conditioning"),
    ("agriculture", "Agriculture", "الفلاحة", "Agriculture"),
    ("tapisserie-artisanat", "Tapisserie et artisanat", "الزرابي والصناعة التقليدية",
     "Carpet weaving and crafts"),
)


@transaction.atomic
def trades_ensure_defaults(*, actor=None) -> int:
    """Create the trades of the managed list that are missing. Idempotent.

    Existing trades are left as they are: an administrator may have renamed or
    deactivated them. Returns the number of trades created.
    """
    existing = set(Trade.objects.values_list("code", flat=True))
    created = 0
    for code, name_fr, name_ar, name_en in DEFAULT_TRADES:
        if code not in existing:
            trade = Trade(code=code, name_fr=name_fr, name_ar=name_ar, name_en=name_en)
            instance_save(actor=actor, instance=trade)
            created += 1
    return created


@transaction.atomic
def group_create(*, actor, center: Center, educators=(), **fields) -> Group:
    require(actor, "group.manage", center)
    return instance_save(actor=actor, instance=Group(center=center, **fields), m2m={"educators": educators})
