"""Every write to users, memberships and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from forsa.accounts.models import ApiToken, Membership, User
from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record
from forsa.core import scoping
from forsa.core.services import instance_save, require


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
