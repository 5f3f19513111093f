"""Reading history: whole log for national roles; one object's history where allowed."""

from django.contrib.contenttypes.models import ContentType

from forsa.audit.models import AuditEntry
from forsa.core import scoping


def history_for(*, user, target, limit=50):
    """The changes to ``target`` (already fetched through its own selector) if the user may see them."""
    if not scoping.can(user, "audit.view", target):
        return AuditEntry.objects.none()
    return (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
        ).exclude(action=AuditEntry.Action.VIEW)
        .select_related("actor")[:limit]
    )
