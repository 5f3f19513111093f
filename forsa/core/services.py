"""The write path every service shares: validate, save, record history."""

from django.core.exceptions import PermissionDenied

from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record, diff, snapshot
from forsa.core import scoping

SYSTEM = None  # the actor of management commands (load, seed, purge): no person


def require(actor, permission, obj=None, **anchor):
    """Refuse an action the actor's roles do not allow (the object is in scope: 403)."""
    if actor is SYSTEM:
        return
    if not scoping.can(actor, permission, obj, **anchor):
        raise PermissionDenied(permission)


REDACTED = "•••"


def instance_save(*, actor, instance, m2m=None, exclude_from_history=(), redact=()):
    """full_clean, save, set many-to-many fields and audit the change, in the caller's transaction.

    ``m2m`` maps a many-to-many field name to its new values. Fields in ``redact`` are recorded
    as changed without their values (sensitive data must not leak into the history).
    """
    creating = instance._state.adding
    before = {} if creating else snapshot(instance._meta.model._base_manager.get(pk=instance.pk))
    if creating and hasattr(instance, "created_by_id") and getattr(actor, "is_authenticated", False):
        instance.created_by = actor
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    after = snapshot(instance)
    for field in ("created_at", "updated_at", "created_by", *exclude_from_history):
        before.pop(field, None)
        after.pop(field, None)
    changes = diff(before, after)
    for field in set(redact) & set(changes):
        changes[field] = [REDACTED, REDACTED]
    if creating or changes:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            target=instance,
            changes=changes,
        )
    return instance
