"""Aggregates for dashboards, computed within the user's scope."""

from django.db.models import Count, Q, Sum

from forsa.centers.models import Center
from forsa.core import scoping
from forsa.organizations.models import Association


def dashboard(*, user):
    """Totals and a breakdown by region (or by province when the scope is one region)."""
    centers = Center.objects.for_user(user)
    totals = centers.aggregate(
        centers=Count("id"),
        open_centers=Count("id", filter=Q(status=Center.Status.OPEN)),
        capacity=Sum("capacity", filter=Q(status=Center.Status.OPEN)),
    )
    totals["associations"] = Association.objects.for_user(user).count()
    regions = centers.values("region").distinct().count()
    level = "region" if regions > 1 or scoping.scope_of(user).is_national else "province"
    breakdown = list(
        centers.values(f"{level}__code", f"{level}__name_fr", f"{level}__name_ar")
        .annotate(
            centers=Count("id"),
            capacity=Sum("capacity", filter=Q(status=Center.Status.OPEN)),
            associations=Count("association", distinct=True),
        )
        .order_by(f"{level}__code")
    )
    largest = max((row["capacity"] or 0 for row in breakdown), default=0) or 1
    for row in breakdown:
        row["code"] = row.pop(f"{level}__code")
        row["name_fr"] = row.pop(f"{level}__name_fr")
        row["name_ar"] = row.pop(f"{level}__name_ar")
        row["share"] = round(100 * (row["capacity"] or 0) / largest)
    # Association and centre staff work on a handful of centres: show them by name.
    own_centers = None
    if level == "province" and totals["centers"] <= 10:
        own_centers = centers.select_related("commune", "province").order_by("code")
    return {"totals": totals, "breakdown": breakdown, "breakdown_level": level, "own_centers": own_centers}
