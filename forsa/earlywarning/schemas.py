"""Schemas of the early-warning API: answers (``…Out``) and requests (``…In``, ``…Query``)."""

import datetime as dt

from ninja import Field, Schema

from forsa.earlywarning.explain import card_in_words
from forsa.earlywarning.models import Alert, Intervention, Level
from forsa.earlywarning.reasons import CODES, changes_since, reasons_text

ADVICE = "Advice to a named person, never a decision: no step is taken automatically."


def _words(reasons):
    return reasons_text([reason for reason in reasons or () if reason.get("code") != "capped"])


class RiskQuery(Schema):
    center: int | None = Field(None, ge=1, description="Id of a centre of the user's scope.")
    level: Level | None = Field(None, description="high or watch (both when omitted).")
    reason: str | None = Field(None, description=f"A reason code: {', '.join(CODES)}.")


class RiskOut(Schema):
    """A learner's current risk: advice to a named person, never a decision."""

    learner: int
    learner_name: str
    center: int
    as_of: dt.date
    level: Level
    probability: float | None = Field(description="The model's calibrated probability; null with rules only.")
    reasons: list[str] = Field(description="In the request's language.")
    reason_codes: list[str]
    changes: list[str] = Field(description="What changed since last week, in words.")
    capped: bool = Field(description="Kept at watch because the centre's cap of high alerts is reached.")

    @staticmethod
    def resolve_learner(obj):
        return obj.learner_id

    @staticmethod
    def resolve_learner_name(obj):
        return obj.learner.full_name

    @staticmethod
    def resolve_center(obj):
        return obj.center_id

    @staticmethod
    def resolve_reasons(obj):
        return _words(obj.reasons)

    @staticmethod
    def resolve_reason_codes(obj):
        return [reason["code"] for reason in obj.reasons if reason.get("code") != "capped"]

    @staticmethod
    def resolve_changes(obj):
        return changes_since(obj.reasons, obj.previous_reasons, obj.level, obj.previous_level)

    @staticmethod
    def resolve_capped(obj):
        return any(reason.get("code") == "capped" for reason in obj.reasons)


class ScoreOut(Schema):
    as_of: dt.date
    level: Level
    probability: float | None
    reasons: list[str]

    @staticmethod
    def resolve_reasons(obj):
        return _words(obj.reasons)


class LearnerRiskOut(Schema):
    current: RiskOut | None = Field(description="Null when the learner is not scored (not enrolled, or not yet).")
    history: list[ScoreOut]
    advice: str = Field(ADVICE)


class AlertOut(Schema):
    id: int
    learner: int
    center: int
    opened_on: dt.date
    status: Alert.Status
    reasons: list[str]
    assigned_to: int | None
    closed_on: dt.date | None
    close_reason: Alert.CloseReason | None
    close_note: str

    @staticmethod
    def resolve_learner(obj):
        return obj.learner_id

    @staticmethod
    def resolve_center(obj):
        return obj.center_id

    @staticmethod
    def resolve_reasons(obj):
        return _words(obj.reasons)

    @staticmethod
    def resolve_assigned_to(obj):
        return obj.assigned_to_id

    @staticmethod
    def resolve_close_reason(obj):
        return obj.close_reason or None


class AlertQuery(Schema):
    status: Alert.Status | None = None


class AssignIn(Schema):
    assignee: int = Field(ge=1, description="Id of a member of staff of the learner's centre.")


class CloseIn(Schema):
    reason: Alert.CloseReason
    note: str = Field("", max_length=300, description="Required when the reason is other.")


class InterventionIn(Schema):
    kind: Intervention.Kind
    date: dt.date
    outcome: str = Field("", max_length=300)
    next_step: str = Field("", max_length=300)
    notes: str = Field("", description="Confidential: only for the roles that see sensitive data, under consent.")


class InterventionOut(Schema):
    id: int
    learner: int
    alert: int | None
    kind: Intervention.Kind
    date: dt.date
    actor: str
    outcome: str
    next_step: str
    notes: str | None = Field(description="Null unless the user's role may see sensitive data.")

    @staticmethod
    def resolve_learner(obj):
        return obj.learner_id

    @staticmethod
    def resolve_alert(obj):
        return obj.alert_id

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.full_name

    @staticmethod
    def resolve_notes(obj, context):
        from forsa.learners.selectors import sees_sensitive

        return obj.notes if sees_sensitive(user=context["request"].auth, learner=obj.learner) else None


class CalibrationBinOut(Schema):
    bin: str = Field(description="Range of predicted probability.")
    n: int
    predicted: str = Field(description="Mean predicted probability, in %, formatted for the request's language.")
    observed: str = Field(description="Share who dropped out, in %, formatted for the request's language.")


class GroupFiguresOut(Schema):
    group: str = Field(description="A sex or a rural/urban centre, in the request's language.")
    n: str
    auc: str
    predicted: str
    observed: str


class ModelCardOut(Schema):
    """The active model: what it was trained on and how well it does, in figures (``card``) and in words."""

    version: int
    trained_at: dt.datetime
    period_from: dt.date
    period_to: dt.date
    n_samples: int
    summary: list[str] = Field(description="The card in plain words, in the request's language.")
    calibration: list[CalibrationBinOut]
    groups: list[GroupFiguresOut] = Field(description="ROC-AUC and calibration by sex and by rural/urban centre.")
    features: list[str] = Field(description="The signals the model uses, in words.")
    advice: str = Field(ADVICE)
    card: dict = Field(description="Every figure of the card (metrics, calibration, groups, features).")

    @staticmethod
    def resolve_summary(obj):
        return card_in_words(obj)["sentences"]

    @staticmethod
    def resolve_calibration(obj):
        return card_in_words(obj)["calibration"]

    @staticmethod
    def resolve_groups(obj):
        return card_in_words(obj)["groups"]

    @staticmethod
    def resolve_features(obj):
        return card_in_words(obj)["features"]
