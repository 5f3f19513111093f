"""Writing audit entries; services call these explicitly inside their transaction.

``instance_save`` is the write path every service shares (validate, save, record the change);
``export_record`` logs an export.
"""

from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict

from forsa.audit.models import AuditEntry


def snapshot(instance, fields=None):
    """A JSON-safe dict of an instance's editable fields, for diffing."""
    data = model_to_dict(instance, fields=fields)
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value):
    if isinstance(value, list | tuple | set):
        return sorted(_jsonable(v) for v in value)
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def diff(before, after):
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(*, actor, action, target, changes=None):
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
    )


def export_record(*, actor, model, filename: str, rows: int, filters: dict | None = None) -> AuditEntry:
    """Every export is logged: who took which list, how many rows, with which filters.

    The writers in forsa.documents take it as their ``record`` (``partial(export_record, actor=…,
    model=…, filters=…)``) and call it with the file name and the number of rows written.
    """
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditEntry.Action.EXPORT,
        target_type=ContentType.objects.get_for_model(model),
        target_id="",
        target_repr=f"{rows} × {model._meta.verbose_name_plural}"[:200],
        changes={"file": filename, "rows": rows, "filters": filters or {}},
    )


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
