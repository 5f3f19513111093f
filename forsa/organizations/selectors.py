"""Every read of public bodies, associations and partners, already scoped.

The list of associations carries what upper apps register for it in core.sections (centers adds
the number of centres the user can see that each runs): organizations does not know centres.
"""

from django.db.models import Count, Q

from forsa.core import sections
from forsa.organizations.models import Association, Organization, Partner


def association_list(*, user):
    """Associations, with what upper apps add to each row (centres the user can see that it runs)."""
    qs = Association.objects.for_user(user).select_related("commune__province__region")
    return sections.extend_query("organizations.associations", qs, user=user).order_by("name")


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
