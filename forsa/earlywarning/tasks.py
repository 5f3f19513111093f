"""The daily run: score every learner, then send the digest of new alerts."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from forsa.earlywarning import services


@task()
def score_daily(as_of: str | None = None) -> dict:
    """Tasks take plain values: ``as_of`` is an ISO date (today when None)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    summary = services.risk_score_all(as_of=day)
    summary["digests"] = services.alert_digest_send(as_of=day)
    return summary
