"""The daily run: score every learner, then send the digest of new alerts; and training the model."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from forsa.earlywarning import model, services


@task()
def score_daily(as_of: str | None = None) -> dict:
    """Tasks take plain values: ``as_of`` is an ISO date (today when None)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    summary = services.risk_score_all(as_of=day)
    summary["digests"] = services.alert_digest_send(as_of=day)
    return summary


@task()
def train_model(as_of: str | None = None) -> dict:
    """Train and activate a new risk model on the history known at ``as_of`` (today when None); with too
    little history, nothing changes and the answer says why."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    try:
        risk_model = model.train(as_of=day)
    except model.NotEnoughHistory as error:
        return {"trained": False, "reason": str(error)}
    return {"trained": True, "version": risk_model.version, "examples": risk_model.n_samples,
            "roc_auc": risk_model.card["metrics"]["model"]["roc_auc"]}
