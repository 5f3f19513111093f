"""The scoring run's writes: on PostgreSQL through COPY and one INSERT … ON CONFLICT per table (the
signals' JSON built by PostgreSQL), giving the same rows as the generic path (``_upsert`` by
bulk_create); a latest risk equal to the one stored is not rewritten."""

import functools

import pytest
from django.db import connection

from forsa.earlywarning import services
from forsa.earlywarning.models import LearnerRisk, RiskScore, Threshold
from forsa.learners.models import Learner
from tests.earlywarning.conftest import ABSENT, D, roll, school_days
from tests.earlywarning.test_model import stored_synthetic_model
from tests.factories import make_learner

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")


def stored_rows():
    risks = sorted(LearnerRisk.objects.values_list(
        "learner_id", "center_id", "as_of", "signals", "level", "probability", "reasons", "model_version", "rank",
        "previous_level", "previous_reasons"))
    scores = sorted(RiskScore.objects.values_list("learner_id", "center_id", "as_of", "level", "probability",
                                                  "reasons", "model_version"))
    return risks, scores


def a_fortnight(world, klass):
    """Absences making rule reasons, a cap that moves one learner down, a model with worded factors, and
    a score a week before (the previous level and reasons)."""
    group, learners = klass
    own = world["own"]
    more = [make_learner(own.center, groups=[group], first_name=f"Extra{i}", birth_date=f"2010-0{i + 1}-12",
                         start_date="2026-09-20") for i in range(3)]
    Threshold.objects.create(center=own.center, high_cap=1)
    everyone = [*learners, *more]
    for n, day in enumerate(school_days("2026-10-26", "2026-11-13")):
        roll(own.users["educator"], group, day,
             {learner.pk: ABSENT for i, learner in enumerate(everyone) if (n + i) % (i + 2) == 0 or
              (i < 2 and day >= "2026-11-10")})
    stored_synthetic_model()
    services.risk_score_all(as_of=D("2026-11-06"))
    return everyone


@postgresql_only
def test_the_copy_path_writes_the_rows_of_the_generic_path(world, klass, monkeypatch):
    """The signals staged (COPY and JSON built) while the model predicts in a thread, then the scores
    copied and joined to them: the rows the generic path writes."""
    everyone = a_fortnight(world, klass)
    staged, stage = [], services._stage_signals
    monkeypatch.setattr(services, "_stage_signals", lambda rows: staged.append(len(rows)) or stage(rows))
    services.risk_score_all(as_of=D("2026-11-13"))
    assert staged == [len(everyone)]
    by_copy = stored_rows()
    risks, _scores = by_copy
    assert any(risk[4] == "high" for risk in risks) and any({"code": "capped"} in risk[6] for risk in risks)
    assert any(reason["code"] == "model" for risk in risks for reason in risk[6])
    assert any(risk[9] for risk in risks) and any(value is None for risk in risks for value in risk[3].values())
    assert all(isinstance(risk[3]["expected_4w"], int) and risk[3]["as_of"] == "2026-11-13" for risk in risks)
    LearnerRisk.objects.all().delete()
    RiskScore.objects.filter(as_of=D("2026-11-13")).delete()
    monkeypatch.setattr(services, "_write_risks", functools.partial(services._write_risks, copy=False))
    services.risk_score_all(as_of=D("2026-11-13"))
    assert stored_rows() == by_copy


@postgresql_only
def test_a_latest_risk_is_rewritten_only_when_it_changed(world, klass, monkeypatch):
    everyone = a_fortnight(world, klass)
    written = []
    real = services._write_risks

    def counting(*args, **kwargs):
        written.append(real(*args, **kwargs))
        return written[-1]

    monkeypatch.setattr(services, "_write_risks", counting)
    services.risk_score_all(as_of=D("2026-11-13"))
    before = stored_rows()
    services.risk_score_all(as_of=D("2026-11-13"))  # the same day again: nothing changed
    assert stored_rows() == before
    # One learner's referral recorded anew (a signal): only that learner's latest risk is rewritten.
    Learner.objects.filter(pk=everyone[4].pk).update(referral="family")
    services.risk_score_all(as_of=D("2026-11-13"))
    after = stored_rows()
    changed = {risk[0] for risk, old in zip(after[0], before[0], strict=True) if risk != old}
    assert written == [len(everyone), 0, 1] and changed == {everyone[4].pk}
    # A new day rewrites every one (its date is in each).
    services.risk_score_all(as_of=D("2026-11-16"))
    assert written[-1] == len(everyone)
