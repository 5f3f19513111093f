"""Reads of the territory (public reference data, still through the scoping module)."""

from django.db.models import Count, Q, Sum

from forsa.centers.models import Center
from forsa.territory.models import Commune, Province, Region


def region_list(*, user):
    """Regions with the centres and capacity the user can see in each."""
    visible = Center.objects.for_user(user).values("pk")
    return Region.objects.for_user(user).annotate(
        center_count=Count("centers", filter=Q(centers__in=visible)),
        capacity=Sum("centers__capacity", filter=Q(centers__in=visible)),
    ).order_by("code")


def region_get(*, user, code) -> Region:
    return Region.objects.for_user(user).get(code=code)


def province_list(*, user, region=None):
    visible = Center.objects.for_user(user).values("pk")
    qs = Province.objects.for_user(user).select_related("region").annotate(
        center_count=Count("centers", filter=Q(centers__in=visible)),
        capacity=Sum("centers__capacity", filter=Q(centers__in=visible)),
    )
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("code")


def province_get(*, user, code) -> Province:
    return Province.objects.for_user(user).select_related("region").get(code=code)


def commune_list(*, user, province=None, search=None):
    qs = Commune.objects.for_user(user).select_related("province")
    if province is not None:
        qs = qs.filter(province=province)
    if search:
        qs = qs.filter(Q(name_fr__icontains=search) | Q(name_ar__icontains=search) | Q(code__startswith=search))
    return qs.order_by("code")
