"""Every read of public bodies, associations and partners, already scoped."""

from django.db.models import Count, Q

from forsa.centers.models import Center
from forsa.organizations.models import Association, Organization, Partner


def association_list(*, user):
    visible_centers = Center.objects.for_user(user).values("pk")
    qs = Association.objects.for_user(user).select_related("commune__province__region").annotate(
        center_count=Count("centers", filter=Q(centers__in=visible_centers), distinct=True)
    )
    return qs.order_by("name")


def association_get(*, user, pk) -> Association:
    return Association.objects.for_user(user).select_related("commune__province__region").get(pk=pk)


def public_body_list(*, user, kind=None):
    qs = Organization.objects.for_user(user).select_related("region", "province")
    return qs.filter(kind=kind) if kind else qs


def partner_list(*, user):
    return Partner.objects.for_user(user)


def association_counts(*, user):
    return Association.objects.for_user(user).aggregate(
        total=Count("id"), active=Count("id", filter=Q(status=Association.Status.ACTIVE))
    )
