"""The statistical layer of the early warning: training on the programme's own history, the model
card, storage with skops, and scoring with reasons in words.

**No leakage.** ``training_set`` builds one example per learner enrolled at each past cut-off date
(every ``step_days``): the signals are ``compute_signals(as_of=cutoff)``, which reads only facts dated
on or before the cut-off, and the label is "left with the outcome *dropped out* within ``horizon_days``
after the cut-off". Only cut-offs whose horizon ended on or before ``as_of`` are used, so every label
is known at ``as_of``.

**Storage.** The fitted pipeline is written with skops (never pickle). The types skops does not
trust by default are listed in the card when the model is saved; loading refuses an artifact holding
any type outside ``TRUSTED_TYPES`` or outside that list.

**Advice, not decision.** The probability and its reasons go to a named person (services.py); nothing
is decided from them automatically.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import skops.io as sio
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from forsa.core.services import SYSTEM
from forsa.earlywarning import explain, pipeline
from forsa.earlywarning.models import RiskModel, Threshold
from forsa.earlywarning.signals import CATEGORICAL, FEATURES, NUMERIC, compute_signals
from forsa.learners.models import Consent, Enrollment, Exit, Learner, Outcome

HORIZON_DAYS = 90
STEP_DAYS = 14
FOLDS = 5
# Below these the cross-validated card means nothing: the command says so and trains nothing.
MIN_EXAMPLES = 100
MIN_PER_CLASS = 10

# Household data (consent-gated): used only when the national thresholds allow it, and then only for
# learners whose consent to the processing of personal data is in force.
SENSITIVE = {
    "orphanhood": CATEGORICAL,
    "has_disability": NUMERIC,
    "is_working_child": NUMERIC,
    "travel_minutes": NUMERIC,
}

# What the fitted pipeline is made of beyond skops' default trust (scikit-learn estimators and numpy).
# An artifact holding anything else (a function, another class) is refused.
TRUSTED_TYPES = frozenset({
    "functools.partial",  # scikit-learn's own partial of check_array inside the calibrated classifier
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
})


class NotEnoughHistory(ValueError):
    """Too few examples (or one class only) to train and judge a model."""


class UntrustedModel(ValueError):
    """A stored artifact holds a type that was not saved by ``train`` (or is not allowed at all)."""


# Training set -----------------------------------------------------------------------------------


def sensitive_allowed() -> bool:
    national = Threshold.objects.filter(center__isnull=True).first()
    return bool(national and national.use_sensitive_data)


def feature_kinds(*, sensitive=False) -> dict[str, str]:
    kinds = {name: feature.kind for name, feature in FEATURES.items()}
    return kinds | (SENSITIVE if sensitive else {})


def add_household(rows, as_of):
    """Add the household features to rows, for learners whose data consent is in force on ``as_of``
    (None for the others: missing, as for a learner who never said)."""
    ids = [row["learner_id"] for row in rows]
    consented = set(Consent.objects.filter(learner_id__in=ids, purpose=Consent.Purpose.DATA, given_on__lte=as_of)
                    .exclude(withdrawn_on__lte=as_of).values_list("learner_id", flat=True))
    household = {row["pk"]: row for row in Learner._base_manager.filter(pk__in=consented)
                 .values("pk", *SENSITIVE)}
    for row in rows:
        values = household.get(row["learner_id"], {})
        for name in SENSITIVE:
            value = values.get(name)
            row[name] = int(value) if isinstance(value, bool) else value
    return rows


def default_start(as_of):
    first = Enrollment.objects.filter(start_date__lte=as_of).aggregate(first=Min("start_date"))["first"]
    return first


def cutoffs(*, as_of, horizon_days=HORIZON_DAYS, step_days=STEP_DAYS, start=None) -> list[date]:
    """Past cut-off dates, every ``step_days`` from ``start`` (the first enrolment), whose horizon
    ended on or before ``as_of``."""
    start = start or default_start(as_of)
    if start is None:
        return []
    days, day = [], start + timedelta(days=step_days)
    while day + timedelta(days=horizon_days) <= as_of:
        days.append(day)
        day += timedelta(days=step_days)
    return days


@dataclass
class TrainingSet:
    rows: list[dict]  # KEYS, features and "cutoff"
    y: np.ndarray
    cutoffs: list[date]
    horizon_days: int
    sensitive: bool


def training_set(*, as_of, horizon_days=HORIZON_DAYS, step_days=STEP_DAYS, start=None, sensitive=None) -> TrainingSet:
    """Examples from the programme's history: the signals known at each cut-off, and whether the learner
    left with the outcome *dropped out* in the ``horizon_days`` after it."""
    sensitive = sensitive_allowed() if sensitive is None else sensitive
    days = cutoffs(as_of=as_of, horizon_days=horizon_days, step_days=step_days, start=start)
    rows, labels = [], []
    if not days:
        return TrainingSet(rows, np.zeros(0, dtype=int), days, horizon_days, sensitive)
    horizon = timedelta(days=horizon_days)
    dropouts = defaultdict(list)
    for learner_id, day in (Exit.objects.filter(outcome=Outcome.DROPOUT, exit_date__gt=days[0],
                                                exit_date__lte=min(days[-1] + horizon, as_of))
                            .values_list("enrollment__learner_id", "exit_date")):
        dropouts[learner_id].append(day)
    for cutoff in days:
        found = compute_signals(as_of=cutoff)
        if sensitive:
            add_household(found, cutoff)
        for row in found:
            row["cutoff"] = cutoff
            rows.append(row)
            labels.append(int(any(cutoff < day <= cutoff + horizon for day in dropouts.get(row["learner_id"], ()))))
    return TrainingSet(rows, np.asarray(labels, dtype=int), days, horizon_days, sensitive)


# Training and the card --------------------------------------------------------------------------


def _check_enough(y, learners_with_positive):
    positives = int(y.sum())
    if len(y) < MIN_EXAMPLES:
        raise NotEnoughHistory(f"Not enough history to train: {len(y)} examples, at least {MIN_EXAMPLES} needed.")
    if positives < MIN_PER_CLASS or len(y) - positives < MIN_PER_CLASS:
        raise NotEnoughHistory(
            f"Not enough history to train: {positives} examples of dropping out and {len(y) - positives} others, "
            f"at least {MIN_PER_CLASS} of each needed.")
    if learners_with_positive < FOLDS:
        raise NotEnoughHistory(f"Not enough history to train: {learners_with_positive} learners dropped out, "
                               f"at least {FOLDS} needed.")


def _by_group(y, p, groups):
    per_group, gap = pipeline.auc_by_group(y, p, groups)
    for name, row in per_group.items():
        mask = np.asarray(groups, dtype=object) == name
        row["predicted"] = float(np.mean(p[mask])) if mask.any() else None
        row["observed"] = float(np.mean(y[mask])) if mask.any() else None
    return {"groups": per_group, "largest_auc_gap": gap}


def _round(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def train(*, as_of, actor=SYSTEM, horizon_days=HORIZON_DAYS, step_days=STEP_DAYS, seed=0) -> RiskModel:
    """Fit the production pipeline on the history known at ``as_of``, judge it by cross-validation
    (grouped by learner) for its card, store it with skops as a new version and make it the active one.
    NotEnoughHistory when the history cannot support a model."""
    data = training_set(as_of=as_of, horizon_days=horizon_days, step_days=step_days)
    y = data.y
    _check_enough(y, len({row["learner_id"] for row, label in zip(data.rows, y, strict=True) if label}))
    kinds_of = feature_kinds(sensitive=data.sensitive)
    names = list(kinds_of)
    kinds = [kinds_of[name] for name in names]
    X = pipeline.as_matrix(data.rows, names, kinds)
    present = pipeline.present_columns(X, kinds)
    names, kinds, X = [names[c] for c in present], [kinds[c] for c in present], X[:, present]
    groups = [row["learner_id"] for row in data.rows]
    cv = pipeline.cross_validate(X, y, kinds, folds=FOLDS, seed=seed, groups=groups)
    estimator = pipeline.make_model(kinds, n_samples=len(y), seed=seed)
    with pipeline.one_thread():
        estimator.fit(X, y)
    summary = cv.summary()
    card = {
        "as_of": as_of.isoformat(), "horizon_days": horizon_days, "step_days": step_days,
        "cutoffs": len(data.cutoffs), "examples": len(y), "positives": int(y.sum()),
        "learners": len(set(groups)), "folds": FOLDS, "seed": seed,
        "calibration_method": pipeline.calibration_method(len(y)),
        "sensitive_data": data.sensitive,
        "metrics": {name: {k: v for k, v in values.items() if k != "calibration" or name == "model"}
                    for name, values in summary.items()},
        "fold_roc_auc": cv.fold_auc,
        "by_sex": _by_group(y, cv.model, [row["sex"] or None for row in data.rows]),
        "by_area": _by_group(y, cv.model, [row["area"] or None for row in data.rows]),
    }
    return store_fitted(actor=actor, estimator=estimator, X=X, names=names, kinds=kinds, card=card,
                        period_from=data.cutoffs[0], period_to=data.cutoffs[-1] + timedelta(days=horizon_days))


def store_fitted(*, actor=SYSTEM, estimator, X, names, kinds, card, period_from, period_to) -> RiskModel:
    """Store a fitted pipeline (skops) with its card, the reference learner and the features explained,
    as a new version, active. The card lists the types skops does not trust by default, for loading."""
    reference = pipeline.reference_row(X, kinds)
    with pipeline.one_thread():
        numeric_model, numbers, reference_numbers = pipeline.numeric_parts(estimator, X, reference)
        explained = explain.important_features(numeric_model, numbers, kinds, reference_numbers)
    artifact = sio.dumps(estimator)
    saved_types = sorted(sio.get_untrusted_types(data=artifact))
    if set(saved_types) - TRUSTED_TYPES:
        raise UntrustedModel(f"The fitted model holds types not allowed: {sorted(set(saved_types) - TRUSTED_TYPES)}.")
    card = _round(card | {
        "features": [{"name": n, "kind": k} for n, k in zip(names, kinds, strict=True)],
        "reference": [None if isinstance(v, float) and np.isnan(v) else v for v in reference],
        "explained": explained, "skops_types": saved_types,
    })
    return _store(actor=actor, artifact=artifact, card=card, period_from=period_from, period_to=period_to,
                  n_samples=len(X))


@transaction.atomic
def _store(*, actor, artifact, card, period_from, period_to, n_samples) -> RiskModel:
    from forsa.audit.models import AuditEntry
    from forsa.audit.services import audit_record

    latest = RiskModel.objects.select_for_update().aggregate(latest=Max("version"))["latest"] or 0
    RiskModel.objects.filter(is_active=True).update(is_active=False)
    model = RiskModel.objects.create(
        version=latest + 1, trained_at=timezone.now(), period_from=period_from, period_to=period_to,
        n_samples=n_samples, artifact=artifact, card=card, is_active=True,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=model,
                 changes={"version": [None, model.version]})
    return model


# Loading and scoring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveModel:
    version: int
    estimator: object
    names: tuple
    kinds: tuple
    reference: tuple
    explained: tuple  # indices of the features whose contribution is computed for each score
    card: dict


_cache: dict[tuple, ActiveModel] = {}


def load(risk_model: RiskModel) -> ActiveModel:
    """Load an artifact with skops, trusting only the types saved with it, themselves within TRUSTED_TYPES."""
    data = bytes(risk_model.artifact)
    found = set(sio.get_untrusted_types(data=data))
    saved = set(risk_model.card.get("skops_types", ()))
    refused = found - (saved & TRUSTED_TYPES)
    if refused:
        raise UntrustedModel(f"Risk model v{risk_model.version} holds untrusted types: {sorted(refused)}.")
    estimator = sio.loads(data, trusted=sorted(found))
    card = risk_model.card
    names = tuple(feature["name"] for feature in card["features"])
    kinds = tuple(feature["kind"] for feature in card["features"])
    reference = tuple(np.nan if value is None and kind == NUMERIC else value
                      for value, kind in zip(card["reference"], kinds, strict=True))
    return ActiveModel(version=risk_model.version, estimator=estimator, names=names, kinds=kinds,
                       reference=reference, explained=tuple(card.get("explained", range(len(names)))), card=card)


def active_model() -> ActiveModel | None:
    """The active model (loaded once per version and process), or None: rules alone decide."""
    row = RiskModel.objects.filter(is_active=True).values_list("pk", "version", "trained_at").first()
    if row is None:
        return None
    if row not in _cache:  # a version is never stored twice; its pk and date make the key safe across databases
        _cache.clear()
        _cache[row] = load(RiskModel.objects.get(pk=row[0]))
    return _cache[row]


def matrix(active: ActiveModel, rows):
    if any(name in SENSITIVE for name in active.names) and rows and any(name not in rows[0] for name in SENSITIVE):
        add_household(rows, rows[0]["as_of"])
    return pipeline.as_matrix(rows, list(active.names), list(active.kinds))


def predict(active: ActiveModel, rows, *, explain_from=None, X=None) -> tuple[np.ndarray, list]:
    """Probabilities and, for rows at or above ``explain_from`` (all when None), the top contributing
    features as (name, value, contribution) — language-free, worded by ``phrases``. ``X``: the rows'
    ``matrix`` when already made (then no query: the scoring run predicts in a thread)."""
    if not rows:
        return np.zeros(0), []
    X = matrix(active, rows) if X is None else X
    with pipeline.one_thread():
        estimator, X, reference = pipeline.numeric_parts(active.estimator, X, active.reference)
        p = estimator.predict_proba(X)[:, 1]
        top = explain.top_factors(estimator, X, p, active.names, reference, active.explained,
                                  explain_from=explain_from)
    return p, top


def phrases(active: ActiveModel, rows, top) -> list[list[str]]:
    """The factors of each row in words, in the active language."""
    return [[explain.phrase(name, row) for name, _contribution in factors] for row, factors in zip(rows, top,
                                                                                                       strict=True)]


def score(active: ActiveModel, rows, *, explain_from=None) -> list[tuple[float, list[str]]]:
    """[(probability, [top factors in words in the active language])] per row."""
    p, top = predict(active, rows, explain_from=explain_from)
    return list(zip((float(v) for v in p), phrases(active, rows, top), strict=True))
