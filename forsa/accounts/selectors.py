"""Reads of the signed-in user's own account."""

from forsa.accounts.models import ApiToken


def api_token_list(*, user):
    return ApiToken.objects.for_user(user)


def api_token_get(*, user, pk) -> ApiToken:
    return ApiToken.objects.for_user(user).get(pk=pk)


def membership_list(*, user):
    """The signed-in user's own memberships, with their scope objects."""
    return user.memberships.select_related("region", "province", "association", "center", "partner")
