import pytest

from forsa.audit.models import AuditEntry
from forsa.centers.services import center_update


def test_history_is_append_only(world):
    entry = AuditEntry.objects.first()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_update_records_only_what_changed(world):
    center = world["own"].center
    center_update(actor=world["national_admin"], center=center, capacity=300)
    center_update(actor=world["national_admin"], center=center, capacity=300)  # no change, no entry
    entries = AuditEntry.objects.filter(target_id=str(center.pk), action="update")
    assert [e.changes for e in entries] == [{"capacity": [120, 300]}]


def test_centre_history_shown_to_director_not_to_educator(client, world):
    from django.urls import reverse

    center = world["own"].center
    center_update(actor=world["national_admin"], center=center, capacity=150)
    client.force_login(world["own"].users["center_director"])
    assert client.get(reverse("centers:detail", args=[center.pk])).context["history"]
    client.force_login(world["own"].users["educator"])
    assert not client.get(reverse("centers:detail", args=[center.pk])).context["history"]
