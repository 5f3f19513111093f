"""Reads of the signed-in user's own account."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from forsa.accounts.models import ApiToken
from forsa.core.roles import TWO_FACTOR_ROLES
from forsa.core.scoping import scope_of


def api_token_list(*, user):
    return ApiToken.objects.for_user(user)


def api_token_get(*, user, pk) -> ApiToken:
    return ApiToken.objects.for_user(user).get(pk=pk)


def membership_list(*, user):
    """The signed-in user's own memberships, with their scope objects."""
    return user.memberships.select_related("region", "province", "association", "center", "partner")


def two_factor_device(*, user):
    """The user's confirmed authenticator (TOTP) device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_required(*, user) -> bool:
    """National and regional roles must sign in with a second factor when FORSA_TWO_FACTOR is on."""
    return settings.FORSA_TWO_FACTOR and bool(scope_of(user).roles & TWO_FACTOR_ROLES)
