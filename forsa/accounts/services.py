"""Every write to users, memberships and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from forsa.accounts.models import ApiToken, Membership, User
from forsa.accounts.selectors import two_factor_required
from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record, instance_save
from forsa.core import scoping
from forsa.core.services import require


@transaction.atomic
def user_create(*, actor, email, full_name, password, language="fr") -> User:
    require(actor, "user.manage")
    user = User(email=email.strip().lower(), full_name=full_name, language=language)
    validate_password(password, user)
    user.set_password(password)
    return instance_save(actor=actor, instance=user, exclude_from_history=("password", "last_login"))


@transaction.atomic
def user_set_language(*, actor, user: User, language) -> User:
    """Users choose their own language; nobody else's."""
    if actor.pk != user.pk:
        require(actor, "user.manage")
    user.language = language
    return instance_save(actor=actor, instance=user, exclude_from_history=("password", "last_login"))


@transaction.atomic
def membership_grant(*, actor, user: User, role, **scope) -> Membership:
    require(actor, "user.manage")
    membership = instance_save(actor=actor, instance=Membership(user=user, role=role, **scope))
    scoping.forget_scope(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    require(actor, "user.manage")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=membership,
                 changes={"role": [membership.role, None]})
    membership.delete()
    scoping.forget_scope(membership.user)


@transaction.atomic
def api_token_create(*, actor, name) -> tuple[ApiToken, str]:
    """A new personal token for the actor; the raw value is returned once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken(
        user=actor, name=name.strip(), prefix=raw[3 : 3 + ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(raw),
    )
    token.full_clean()
    token.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=token,
                     changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token


def api_token_touch(*, token: ApiToken, every) -> None:
    """Note when a token was last used, at most once per ``every`` (not audited: it is not a change)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= every:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# ---------------------------------------------------------------------------
# Two-factor sign-in: one authenticator (TOTP) device per user


@transaction.atomic
def two_factor_begin(*, actor) -> TOTPDevice:
    """A new, unconfirmed authenticator for the actor; its secret is shown once, as a QR code."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)


def _check_token(device: TOTPDevice, token: str) -> None:
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"token": ValidationError(_("Too many wrong codes: wait a minute, then try again."),
                                                        code="throttled")})
    if not device.verify_token(token):
        raise ValidationError({"token": ValidationError(
            _("This code is not valid. Check your phone's time and try the current code."), code="wrong_code")})


@transaction.atomic
def two_factor_confirm(*, actor, device: TOTPDevice, token: str) -> TOTPDevice:
    """The first code proves the application holds the secret: the device replaces any earlier one."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    _check_token(device, token)
    for old in TOTPDevice.objects.filter(user=actor, confirmed=True):
        old.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=actor, changes={"two_factor": [False, True]})
    return device


def two_factor_check(*, actor, token: str) -> TOTPDevice:
    """The device that accepts ``token`` at sign-in (failures are throttled by django-otp)."""
    device = TOTPDevice.objects.get(user=actor, confirmed=True)
    _check_token(device, token)
    return device


@transaction.atomic
def two_factor_remove(*, actor) -> None:
    """Turn two-factor off for oneself; refused for the roles that must keep it."""
    if two_factor_required(user=actor):
        raise PermissionDenied
    if TOTPDevice.objects.filter(user=actor).delete()[0]:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=actor,
                     changes={"two_factor": [True, False]})
