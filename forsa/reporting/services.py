"""Reporting writes: only the trail of what was exported."""

from django.contrib.contenttypes.models import ContentType

from forsa.audit.models import AuditEntry


def export_record(*, actor, model, filename: str, rows: int, filters: dict | None = None) -> AuditEntry:
    """Every export is logged: who took which list, how many rows, with which filters."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditEntry.Action.EXPORT,
        target_type=ContentType.objects.get_for_model(model),
        target_id="",
        target_repr=f"{rows} × {model._meta.verbose_name_plural}"[:200],
        changes={"file": filename, "rows": rows, "filters": filters or {}},
    )
