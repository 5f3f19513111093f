"""Basic skills' tasks: a group's bulletins in one PDF (django-tasks; the immediate backend in tests and
demo, a worker in production)."""

from django_tasks import task

from forsa.assessments import services
from forsa.assessments.models import BulletinBatch


@task()
def bulletin_batch_build(batch_id: int) -> dict:
    """Tasks take plain values: the batch's id. A batch already finished is not built again."""
    batch = BulletinBatch.objects.select_related("requested_by").filter(pk=batch_id).first()
    if batch is None or batch.finished:
        return {"batch": batch_id, "built": False}
    batch = services.bulletin_batch_build(batch=batch)
    return {"batch": batch_id, "built": True, "status": batch.status, "bulletins": batch.done}
