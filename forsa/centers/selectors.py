"""Every read of centres, already scoped."""

from django.db.models import Count, Q, Sum

from forsa.centers.models import Center, StaffAssignment, Trade
from forsa.core import scoping


def center_list(*, user):
    return (
        Center.objects.for_user(user)
        .select_related("commune", "province", "region", "association")
        .prefetch_related("trades")
        .order_by("code")
    )


def center_choices(*, user):
    """The centres ``user`` sees, for a choice list: their id and names only (no joins, no trades)."""
    return Center.objects.for_user(user).only("pk", "code", "name_fr", "name_ar").order_by("code")


def center_get(*, user, pk) -> Center:
    """The centre, or Center.DoesNotExist when it is out of the user's scope."""
    return (
        Center.objects.for_user(user)
        .select_related("commune", "province", "region", "association")
        .prefetch_related("trades")
        .get(pk=pk)
    )


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
