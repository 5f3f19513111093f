"""The trained model: training without leakage, calibration, skops storage, reasons in words, the
training command, and the model's part in a scoring run."""

import io
from datetime import timedelta

import numpy as np
import pytest
import skops.io as sio
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from forsa.core.services import SYSTEM
from forsa.earlywarning import model, pipeline, services
from forsa.earlywarning.models import LearnerRisk, RiskModel, RiskScore
from forsa.earlywarning.signals import FEATURES
from forsa.earlywarning.tasks import train_model
from forsa.learners.services import learner_exit
from tests.earlywarning.conftest import ABSENT, D, roll
from tests.factories import make_group, make_learner

# A history: one group from 15 September 2025, a roll call every Monday until 22 June 2026. Twenty of
# the fifty learners drop out between 4 May and 22 June 2026; the planted signal: from a day on, each
# future dropout is absent at every roll call until they leave.
YEAR, ENROLLED = "2025-2026", "2025-09-15"
TRAIN_AS_OF = D("2026-07-31")  # cut-offs every 14 days whose 90-day horizon ended by then: the last is 27 April
LATER_AS_OF = D("2026-09-30")  # the last cut-off is then 29 June: the planted absences are its past


def mondays(first, last):
    day, days = D(first), []
    while day <= D(last):
        days.append(day)
        day += timedelta(days=7)
    return days


def make_history(world, *, absent_from):
    own = world["own"]
    educator = own.users["educator"]
    group = make_group(own.center, school_year=YEAR, educators=[educator])
    learners = [make_learner(own.center, groups=[group], school_year=YEAR, start_date=ENROLLED,
                             first_name=f"L{i}", sex="F" if i % 2 else "M", birth_date=f"2010-0{1 + i % 9}-10")
                for i in range(50)]
    dropouts = {learner.pk: D("2026-05-04") + (D("2026-06-22") - D("2026-05-04")) * (i / 19)
                for i, learner in enumerate(learners[:20])}
    for day in mondays(ENROLLED, "2026-06-22"):
        marks = {pk: ABSENT for pk, leaves in dropouts.items() if D(absent_from) <= day < leaves}
        roll(educator, group, day.isoformat(), marks)
    for learner in learners[:20]:
        learner.refresh_from_db()
        learner_exit(actor=SYSTEM, learner=learner, exit_date=dropouts[learner.pk], outcome="dropout",
                     dropout_reason="family")
    return learners, dropouts


def absence_seen(rows):
    return [row for row in rows if row["consecutive_absences"] or (row["attendance_4w"] or 100) < 100]


def test_training_cannot_see_a_signal_planted_after_its_cutoffs(world):
    """The future dropouts are absent only after the last cut-off (from 4 May): every example shows full
    attendance, and the trained model gives the same probability to a learner always absent and one
    always present. Trained later (cut-offs to 1 July), the same absences are the past and show."""
    learners, dropouts = make_history(world, absent_from="2026-05-04")
    data = model.training_set(as_of=TRAIN_AS_OF)
    assert data.cutoffs[-1] == D("2026-04-27") and len(data.cutoffs) == 16
    assert data.y.sum() > 40 and len(data.y) > 700  # positives: dropping out within 90 days of a cut-off
    positives = [row for row, label in zip(data.rows, data.y, strict=True) if label]
    assert {row["learner_id"] for row in positives} == set(dropouts)
    assert all(row["cutoff"] < dropouts[row["learner_id"]] <= row["cutoff"] + timedelta(days=90)
               for row in positives)
    assert absence_seen(data.rows) == []
    # The control: with cut-offs after 4 May, the planted absences are history and the examples show them.
    later = model.training_set(as_of=LATER_AS_OF)
    assert len(absence_seen(later.rows)) > 20

    risk_model = model.train(as_of=TRAIN_AS_OF)
    active = model.active_model()
    assert active.version == risk_model.version
    base = {name: None for name in FEATURES} | {"learner_id": learners[30].pk, "as_of": TRAIN_AS_OF,
                                                "weeks_enrolled": 30, "expected_4w": 4, "late_4w": 0,
                                                "missed_assessments": 0, "transfers": 0, "earlier_exits": 0}
    present = base | {"attendance_4w": 100.0, "attendance_2w": 100.0, "attendance_trend": 0.0,
                      "attendance_since_enrolment": 100.0, "consecutive_absences": 0}
    absent = base | {"attendance_4w": 0.0, "attendance_2w": 0.0, "attendance_trend": -100.0,
                     "attendance_since_enrolment": 60.0, "consecutive_absences": 8, "unjustified_share": 100.0}
    (p_present, _), (p_absent, _) = model.score(active, [present, absent])
    assert p_present == pytest.approx(p_absent, abs=1e-9)


def test_a_model_trained_on_the_planted_signal_in_the_past_uses_it(world, client):
    """The same history with the absences starting in March (before many cut-offs): the model learns
    them, so the test above could fail. The card holds the figures the page and the API show in words."""
    make_history(world, absent_from="2026-03-02")
    out = io.StringIO()
    call_command("earlywarning_train", as_of=TRAIN_AS_OF.isoformat(), stdout=out)
    risk_model = RiskModel.objects.get(is_active=True)
    assert out.getvalue().startswith(f"Risk model v{risk_model.version} trained and active: {risk_model.n_samples} ")
    card = risk_model.card
    assert card["metrics"]["model"]["roc_auc"] > 0.8
    assert {"by_sex", "by_area", "metrics", "features", "examples", "positives", "horizon_days"} <= set(card)
    assert set(card["by_sex"]["groups"]) == {"F", "M"}
    assert card["sensitive_data"] is False
    assert not {"orphanhood", "is_working_child"} & {f["name"] for f in card["features"]}
    assert len(card["metrics"]["model"]["calibration"]) == 10
    active = model.active_model()
    row = {name: None for name in FEATURES} | {"learner_id": 1, "as_of": TRAIN_AS_OF, "weeks_enrolled": 30,
                                               "expected_4w": 4, "late_4w": 0, "missed_assessments": 0,
                                               "transfers": 0, "earlier_exits": 0, "attendance_since_enrolment": 100.0}
    (p_present, _), (p_absent, _) = model.score(active, [
        row | {"attendance_4w": 100.0, "attendance_2w": 100.0, "attendance_trend": 0.0, "consecutive_absences": 0},
        row | {"attendance_4w": 0.0, "attendance_2w": 0.0, "attendance_trend": -100.0, "consecutive_absences": 4},
    ])
    assert p_absent > p_present + 0.2

    counsellor = world["own"].users["counsellor"]
    client.force_login(counsellor)
    auc = round(100 * card["metrics"]["model"]["roc_auc"])
    page = client.get(reverse("earlywarning:model"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"a abandonné {auc} fois sur 100" in page and "Aucune décision automatique" in page
    assert "<td>fille</td>" in page and "ROC-AUC" in page
    counsellor.language = "ar"  # the language is kept on the user
    counsellor.save()
    page = client.get(reverse("earlywarning:model")).content.decode()
    assert f"لمن انقطع {auc} مرة من 100" in page and "لا يُتخذ أي قرار آلي" in page
    counsellor.language = "fr"
    counsellor.save()
    body = client.get("/api/v1/earlywarning/model").json()
    assert body["version"] == risk_model.version and "never a decision" in body["advice"]
    assert any(f"{auc} fois sur 100" in sentence for sentence in body["summary"])
    assert {row["group"] for row in body["groups"]} >= {"fille", "garçon"}
    assert sum(row["n"] for row in body["calibration"]) == card["examples"]


def test_the_model_card_page_says_rules_only_without_a_model(client, world):
    client.force_login(world["own"].users["educator"])
    page = client.get(reverse("earlywarning:model"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "aucun modèle statistique" in page.lower() and "pas une décision" in page


# Synthetic data with a known probability -----------------------------------------------------------


NAMES = ["attendance_4w", "attendance_2w", "attendance_trend", "consecutive_absences", "weeks_enrolled",
         "reason_left"]
KINDS = [FEATURES[name].kind for name in NAMES]


def synthetic(n, seed):
    """Rows of signals and their true probability of dropping out (a logistic of attendance, a recent
    fall and the reason for leaving school), and labels drawn from it."""
    rng = np.random.default_rng(seed)
    before = rng.uniform(50, 100, n)
    trend = np.where(rng.random(n) < 0.3, -rng.uniform(0, 50, n), rng.uniform(-5, 5, n))
    recent = np.clip(before + trend, 0, 100)
    rate = np.clip((before + recent) / 2 + rng.normal(0, 3, n), 0, 100)
    run = np.where(recent < 60, rng.integers(0, 6, n), 0)
    reason = rng.choice(["economic", "family", "failure"], n)
    logit = -1.5 - 0.06 * (rate - 80) - 0.03 * np.minimum(trend, 0) + 0.25 * run + (reason == "family") * 0.7
    p = 1 / (1 + np.exp(-logit))
    y = (rng.random(n) < p).astype(int)
    rows = [{"attendance_4w": float(rate[i]), "attendance_2w": float(recent[i]), "attendance_trend": float(trend[i]),
             "consecutive_absences": int(run[i]), "weeks_enrolled": int(rng.integers(2, 30)),
             "reason_left": str(reason[i])} for i in range(n)]
    return rows, y, p


def test_calibration_on_synthetic_data_with_a_known_probability():
    """Trained on 6,000 rows, judged on 6,000 fresh ones: in every bin of predicted probability with
    100 rows or more, the mean prediction is within 5 points of the observed rate and of the true mean
    probability; the AUC is close to that of the true probability."""
    rows, y, _p = synthetic(6000, seed=1)
    test_rows, test_y, test_p = synthetic(6000, seed=2)
    estimator = pipeline.make_model(KINDS, n_samples=len(y))
    with pipeline.one_thread():
        estimator.fit(pipeline.as_matrix(rows, NAMES, KINDS), y)
        predicted = estimator.predict_proba(pipeline.as_matrix(test_rows, NAMES, KINDS))[:, 1]
    table = pipeline.calibration_table(test_y, predicted)
    checked = 0
    for row, low in zip(table, np.arange(0, 1, 0.1), strict=True):
        if row["n"] >= 100:
            in_bin = (predicted >= low) & (predicted < low + 0.1)
            assert abs(row["predicted"] - row["observed"]) < 0.05, row
            assert abs(row["predicted"] - test_p[in_bin].mean()) < 0.05, row
            checked += 1
    assert checked >= 4
    metrics = pipeline.metrics(test_y, predicted)
    assert metrics["roc_auc"] > pipeline.metrics(test_y, test_p)["roc_auc"] - 0.02
    assert metrics["calibration_error"] < 0.03


# Storage ---------------------------------------------------------------------------------------------


def stored_synthetic_model(n=1500):
    rows, y, _p = synthetic(n, seed=3)
    X = pipeline.as_matrix(rows, NAMES, KINDS)
    estimator = pipeline.make_model(KINDS, n_samples=n)
    with pipeline.one_thread():
        estimator.fit(X, y)
    return model.store_fitted(estimator=estimator, X=X, names=NAMES, kinds=KINDS, card={"examples": n},
                              period_from=D("2025-09-15"), period_to=D("2026-06-30"))


def test_skops_round_trip_gives_the_same_probabilities(db):
    first = stored_synthetic_model()
    rows, _y, _p = synthetic(200, seed=4)
    active = model.active_model()
    assert active.version == first.version == 1
    assert bytes(RiskModel.objects.get().artifact)[:2] == b"PK"  # a skops zip, not a pickle
    again = model.load(RiskModel.objects.get(pk=first.pk))
    X = pipeline.as_matrix(rows, NAMES, KINDS)
    assert np.array_equal(active.estimator.predict_proba(X), again.estimator.predict_proba(X))
    assert set(first.card["skops_types"]) <= model.TRUSTED_TYPES
    # A new version replaces the active one, in one step; the old one stays, inactive.
    second = stored_synthetic_model(n=1200)
    assert list(RiskModel.objects.values_list("version", "is_active")) == [(2, True), (1, False)]
    assert model.active_model().version == second.version == 2


def test_an_artifact_with_an_untrusted_type_is_refused(db):
    import os

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    stored = stored_synthetic_model()
    evil = make_pipeline(FunctionTransformer(os.system))
    RiskModel.objects.filter(pk=stored.pk).update(artifact=sio.dumps(evil))
    with pytest.raises(model.UntrustedModel, match="untrusted types"):
        model.active_model()
    # Listing the type in the card does not help: it is not among the types a trained model holds.
    card = stored.card | {"skops_types": sorted(sio.get_untrusted_types(data=sio.dumps(evil)))}
    RiskModel.objects.filter(pk=stored.pk).update(card=card, version=9)
    with pytest.raises(model.UntrustedModel):
        model.active_model()


# Reasons in words -------------------------------------------------------------------------------------


def test_score_gives_the_top_factors_in_french_and_arabic(db):
    stored_synthetic_model()
    active = model.active_model()
    falling = {"attendance_4w": 75.0, "attendance_2w": 61.0, "attendance_trend": -31.0, "consecutive_absences": 0,
               "weeks_enrolled": 12, "reason_left": "economic"}
    steady = {"attendance_4w": 97.0, "attendance_2w": 98.0, "attendance_trend": 1.0, "consecutive_absences": 0,
              "weeks_enrolled": 12, "reason_left": "economic"}
    with translation.override("fr"):
        (p_falling, fr), (p_steady, fr_steady) = model.score(active, [falling, steady])
    with translation.override("ar"):
        (_p, ar), _steady = model.score(active, [falling, steady])
    with translation.override("en"):
        (_p, en), _steady = model.score(active, [falling, steady])
    assert p_falling > p_steady + 0.1
    assert "assiduité tombée de 92 % à 61 % en 2 semaines" in fr
    assert "انخفضت المواظبة من 92 % إلى 61 % في أسبوعين" in ar
    assert "attendance fell from 92 % to 61 % in 2 weeks" in en
    assert fr_steady == []  # nothing raises a steady learner's risk above the reference
    # Numbers are written the language's way: a decimal comma in French.
    with translation.override("fr"):
        assert model.explain.phrase("age_gap", {"age_gap": 1.5}) == "1,5 ans de plus que la moyenne du groupe"


# The command and the scoring run ----------------------------------------------------------------------


def test_train_command_says_clearly_when_history_is_short(world, klass):
    with pytest.raises(CommandError, match="Not enough history to train: 0 examples") as error:
        call_command("earlywarning_train", as_of="2026-11-01")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="not a date") as error:
        call_command("earlywarning_train", as_of="2026-13-01")
    assert error.value.returncode == 2
    assert not RiskModel.objects.exists()


def test_train_command_refuses_one_class(world):
    """Fifty learners, none dropped out: one class."""
    own = world["own"]
    group = make_group(own.center, school_year=YEAR, educators=[own.users["educator"]])
    for i in range(10):
        make_learner(own.center, groups=[group], school_year=YEAR, start_date=ENROLLED, first_name=f"N{i}")
    with pytest.raises(CommandError, match="0 examples of dropping out") as error:
        call_command("earlywarning_train", as_of="2026-07-31")
    assert error.value.returncode == 2
    # The task beside score_daily says the same and trains nothing.
    result = train_model.enqueue("2026-07-31").return_value
    assert result["trained"] is False and "0 examples of dropping out" in result["reason"]
    assert not RiskModel.objects.exists()


def test_a_scoring_run_uses_the_active_model(world, scored):
    """With a model active, each learner's score has the model's probability and version, and the model's
    reasons in each language beside the rules'."""
    _group, (amina, bilal, _chaimae) = scored  # scored once with rules only
    assert RiskScore.objects.filter(learner=amina, probability__isnull=True).exists()
    stored = stored_synthetic_model()
    summary = services.risk_score_all(as_of=D("2026-11-06"))
    assert summary["model_version"] == stored.version
    score = RiskScore.objects.get(learner=amina, as_of=D("2026-11-06"))
    assert score.probability is not None and score.model_version == stored.version
    risk = LearnerRisk.objects.get(learner=amina)
    assert risk.probability == score.probability
    model_reasons = [reason for reason in risk.reasons if reason["code"] == "model"]
    assert model_reasons and all(set(reason["text"]) == {"fr", "ar", "en"} for reason in model_reasons)
    # Amina's 5 absences in a row are said once, by the rule.
    assert "consecutive_absences" not in {reason["feature"] for reason in model_reasons}
    assert LearnerRisk.objects.get(learner=bilal).probability < risk.probability


def test_household_data_only_when_the_nation_allows_and_consent_covers_them(world, klass):
    from forsa.earlywarning.models import Threshold
    from forsa.earlywarning.signals import compute_signals
    from forsa.learners.models import Consent, Learner

    _group, (amina, bilal, chaimae) = klass
    Learner.objects.filter(pk__in=[amina.pk, bilal.pk]).update(is_working_child=True, travel_minutes=50)
    Consent.objects.filter(learner=bilal).update(withdrawn_on=D("2026-10-01"))
    assert not model.sensitive_allowed() and "is_working_child" not in model.feature_kinds()
    Threshold.objects.create(use_sensitive_data=True)
    assert model.sensitive_allowed() and model.feature_kinds(sensitive=True)["is_working_child"] == "numeric"
    rows = {row["learner_id"]: row for row in model.add_household(compute_signals(as_of=D("2026-11-02")),
                                                                   D("2026-11-02"))}
    assert (rows[amina.pk]["is_working_child"], rows[amina.pk]["travel_minutes"]) == (1, 50)
    assert rows[bilal.pk]["is_working_child"] is None  # consent withdrawn: not used
    assert rows[chaimae.pk]["is_working_child"] is None  # nothing recorded
