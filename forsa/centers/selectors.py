"""Every read of centres and their groups, already scoped."""

from django.db.models import Count, Q, Sum

from forsa.centers.models import Center, Group, StaffAssignment, Trade
from forsa.core import scoping
from forsa.territory.models import Province, Region


def center_list(*, user):
    return (
        Center.objects.for_user(user)
        .select_related("commune", "province", "region", "association")
        .prefetch_related("trades")
        .order_by("code")
    )


def center_choices(*, user):
    """The centres ``user`` sees, for a choice list: their id and names only (no joins, no trades)."""
    return Center.objects.for_user(user).only("pk", "code", "name_fr", "name_ar", "region").order_by("code")


def region_choices(*, user):
    """The regions the centres ``user`` sees lie in, for a choice list (a national user: the 12)."""
    return (Region.objects.filter(pk__in=Center.objects.for_user(user).values("region_id"))
            .only("pk", "code", "name_fr", "name_ar").order_by("code"))


def center_get(*, user, pk) -> Center:
    """The centre, or Center.DoesNotExist when it is out of the user's scope."""
    return (
        Center.objects.for_user(user)
        .select_related("commune", "province", "region", "association")
        .prefetch_related("trades")
        .get(pk=pk)
    )


def group_scope(*, user):
    """The groups the user sees (an educator: the groups they teach)."""
    return Group.objects.for_user(user).select_related("center")


def group_list(*, user, school_year):
    return group_scope(user=user).filter(school_year=school_year).order_by("center__code", "name", "pk")


def group_get(*, user, pk) -> Group:
    """The group, or Group.DoesNotExist when out of scope (an educator sees only the groups they teach)."""
    return group_scope(user=user).get(pk=pk)


def overview_breakdown(*, user, region=None, province=None):
    """(level, filters, place) of an overview of the centres (attendance, basic skills): the user's own
    breakdown (scoping.overview_level), or a drill-down into one region (its provinces) or province (its
    centres). Out of scope, the table is simply empty."""
    if province and (place := Province.objects.for_user(user).filter(pk=province).first()):
        return "center", {"province": place}, place
    if region and (place := Region.objects.for_user(user).filter(pk=region).first()):
        return "province", {"region": place}, place
    return scoping.overview_level(user), {}, None


def center_staff(*, user, center):
    if not scoping.can(user, "staff.view", center):
        return StaffAssignment.objects.none()
    return StaffAssignment.objects.for_user(user).filter(center=center).select_related("user")


def trade_list(*, user):
    return Trade.objects.for_user(user).filter(is_active=True)


def center_totals(*, user, group_by="region"):
    """Centres and capacity per region (or province), within the user's scope."""
    return (
        Center.objects.for_user(user)
        .values(f"{group_by}_id", f"{group_by}__code", f"{group_by}__name_fr", f"{group_by}__name_ar")
        .annotate(centers=Count("id"), capacity=Sum("capacity"))
        .order_by(f"{group_by}__code")
    )


def with_center_counts(queryset, *, user):
    """A region's or province's rows with the centres the user can see in it and their capacity
    (registered in core.sections for territory's lists)."""
    visible = Center.objects.for_user(user).values("pk")
    return queryset.annotate(
        center_count=Count("centers", filter=Q(centers__in=visible)),
        capacity=Sum("centers__capacity", filter=Q(centers__in=visible)),
    )


def with_centers_run(queryset, *, user):
    """An association's rows with the number of centres the user can see that it runs
    (registered in core.sections for organizations' list)."""
    visible = Center.objects.for_user(user).values("pk")
    return queryset.annotate(center_count=Count("centers", filter=Q(centers__in=visible), distinct=True))
