"""Reading history: whole log for national roles; one object's history where allowed."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

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


def entries_about(targets):
    """The entries whose target is one of ``targets``: (content type id, primary key) pairs, in one query.

    Grouped by content type, each group an ``IN`` list on the (target_type, target_id) index.
    """
    by_type = {}
    for type_id, pk in targets:
        by_type.setdefault(type_id, set()).add(str(pk))
    condition = Q(pk__in=[])
    for type_id, pks in by_type.items():
        condition |= Q(target_type_id=type_id, target_id__in=sorted(pks))
    return AuditEntry.objects.filter(condition)
