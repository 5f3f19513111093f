"""Rules, levels, the per-centre cap, reasons in words, history and alerts from a scoring run."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from forsa.earlywarning import services
from forsa.earlywarning.models import Alert, LearnerRisk, Level, RiskScore, Threshold
from forsa.earlywarning.reasons import changes_since, reasons_text
from tests.earlywarning.conftest import ABSENT, D, roll, school_days
from tests.factories import make_learner


def absent_run(educator, group, learners, days):
    for day in days:
        roll(educator, group, day, {learner.pk: ABSENT for learner in learners})


def test_rules_and_levels_on_a_hand_made_fortnight(world, klass):
    group, (amina, bilal, chaimae) = klass
    educator = world["own"].users["educator"]
    # 10 mornings: Amina absent the last 4 (rule: 3 in a row; rate 60 % < 80 %), Bilal absent twice
    # early on (80 %: not under the rule), Chaimae always there.
    for day in school_days("2026-11-02", "2026-11-13"):
        marks = {}
        if day >= "2026-11-10":
            marks[amina.pk] = ABSENT
        if day in ("2026-11-02", "2026-11-03"):
            marks[bilal.pk] = ABSENT
        roll(educator, group, day, marks)
    summary = services.risk_score_all(as_of=D("2026-11-13"))
    assert (summary["scored"], summary["high"], summary["low"], summary["model_version"]) == (3, 1, 2, None)
    risk = LearnerRisk.objects.get(learner=amina)
    assert risk.level == Level.HIGH and risk.probability is None
    assert [reason["code"] for reason in risk.reasons] == ["consecutive", "rate_4w"]
    with translation.override("fr"):
        assert reasons_text(risk.reasons) == ["4 absences de suite", "assiduité 60 % sur 4 semaines (règle : 80 %)"]
    with translation.override("ar"):
        assert reasons_text(risk.reasons) == ["4 غيابات متتالية", "المواظبة 60 % خلال 4 أسابيع (القاعدة: 80 %)"]
    with translation.override("en"):
        assert reasons_text(risk.reasons) == ["4 absences in a row", "attendance 60 % over 4 weeks (rule: 80 %)"]
    assert LearnerRisk.objects.get(learner=bilal).level == Level.LOW
    # One alert, handed to the centre's counsellor, audited; the score is in the history.
    alert = Alert.objects.get()
    assert (alert.learner, alert.assigned_to, alert.status) == (amina, world["own"].users["counsellor"], "open")
    assert RiskScore.objects.filter(as_of=D("2026-11-13")).count() == 3


def test_a_rule_waits_for_its_minimum_of_roll_calls(world, klass):
    group, (amina, _bilal, _chaimae) = klass
    roll(world["own"].users["educator"], group, "2026-11-02", {amina.pk: ABSENT})
    services.risk_score_all(as_of=D("2026-11-02"))
    # One absence after one roll call: 0 % but not a rate yet (and not 3 in a row).
    assert LearnerRisk.objects.get(learner=amina).level == Level.LOW


def test_the_cap_keeps_the_most_at_risk_high_and_the_rest_watched(world, klass):
    group, learners = klass
    own = world["own"]
    more = [make_learner(own.center, groups=[group], first_name=f"Extra{i}", birth_date=f"2011-05-{i + 10}",
                         start_date="2026-09-15") for i in range(2)]
    Threshold.objects.create(center=own.center, high_cap=2)
    educator = own.users["educator"]
    # All five absent the whole week; runs of 5, 4, 3, 3, 3 (some came on Monday or Tuesday).
    days = school_days("2026-11-02", "2026-11-06")
    everyone = [*learners, *more]
    for day in days:
        present = {"2026-11-02": everyone[1:], "2026-11-03": everyone[2:]}.get(day, [])
        roll(educator, group, day, {learner.pk: ABSENT for learner in everyone if learner not in present})
    summary = services.risk_score_all(as_of=D("2026-11-06"))
    levels = dict(LearnerRisk.objects.values_list("learner_id", "level"))
    # Ranked by run: learners[0] (5 in a row) and learners[1] (4) keep high; the three with 3 are watched.
    assert levels == {learners[0].pk: "high", learners[1].pk: "high", learners[2].pk: "watch",
                      more[0].pk: "watch", more[1].pk: "watch"}
    assert summary["high"] == 2 and summary["alerts_opened"] == 2
    capped = LearnerRisk.objects.get(learner=more[0])
    assert {"code": "capped"} in capped.reasons
    # The national cap is another matter: the foreign centre (no override) keeps the default of 10.
    assert services.thresholds_for([world["foreign"].center.pk])[world["foreign"].center.pk].high_cap == 10


def test_a_week_later_the_change_is_told_and_a_new_alert_is_not_opened_twice(world, klass):
    group, (amina, bilal, _chaimae) = klass
    educator = world["own"].users["educator"]
    absent_run(educator, group, [amina], school_days("2026-11-02", "2026-11-06"))
    services.risk_score_all(as_of=D("2026-11-06"))
    absent_run(educator, group, [amina, bilal], school_days("2026-11-09", "2026-11-13"))
    services.risk_score_all(as_of=D("2026-11-13"))
    assert Alert.objects.filter(learner=amina).count() == 1
    risk = LearnerRisk.objects.get(learner=bilal)
    assert (risk.level, risk.previous_level) == ("high", "low")
    with translation.override("fr"):
        words = changes_since(risk.reasons, risk.previous_reasons, risk.level, risk.previous_level)
    assert words[0] == "en hausse (avant : faible)"
    assert "nouveau : 5 absences de suite" in words
    assert list(RiskScore.objects.filter(learner=amina).values_list("as_of", flat=True)) == [
        D("2026-11-13"), D("2026-11-06")]


def test_the_daily_digest_reaches_the_counsellor_once(world, klass):
    group, (amina, _bilal, _chaimae) = klass
    absent_run(world["own"].users["educator"], group, [amina], school_days("2026-11-02", "2026-11-06"))
    counsellor = world["own"].users["counsellor"]
    counsellor.language = "ar"
    counsellor.save()
    call_command("earlywarning_score", "--as-of", "2026-11-06", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [counsellor.email]
    assert "5 غيابات متتالية" in mail.outbox[0].body
    call_command("earlywarning_score", "--as-of", "2026-11-06", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2999-01-01"])
def test_the_command_refuses_a_bad_date(db, value):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("earlywarning_score", "--as-of", value)


def test_the_daily_task_scores(world, klass):
    from forsa.earlywarning.tasks import score_daily

    result = score_daily.enqueue("2026-10-01")
    assert result.return_value["scored"] == 3


def test_the_vectorised_assessment_equals_the_rules_row_by_row():
    """``_assess`` (rules tested over arrays) gives each row the reasons, level and rank that
    ``rule_reasons``, ``level_of`` and ``rank_of`` give it, on random signals with missing values, two
    centres with their own rules and thresholds, with and without a model's probability and phrases."""
    import random

    from forsa.attendance.models import AbsenceRule

    rng = random.Random(3)
    rules = {1: AbsenceRule(consecutive_absences=3, minimum_rate=80, minimum_sessions=6),
             2: AbsenceRule(consecutive_absences=5, minimum_rate=70, minimum_sessions=10)}
    thresholds = {1: Threshold(watch_probability=20, high_probability=50),
                  2: Threshold(watch_probability=30, high_probability=60)}
    rows, model_scores = [], []
    for n in range(3000):
        expected = rng.choice([0, 2, 6, 10, 40])
        rate = None if not expected else round(rng.uniform(20, 100), 1)
        recent = None if not expected else round(rng.uniform(0, 100), 1)
        rows.append({"learner_id": n, "center_id": rng.choice([1, 2]), "expected_4w": expected,
                     "attendance_4w": rate, "consecutive_absences": rng.choice([0, 0, 1, 3, 5, 8]),
                     "attendance_2w": recent,
                     "attendance_trend": None if recent is None or rng.random() < 0.2 else
                     round(rng.uniform(-60, 30), 1),
                     "no_gain": rng.choice([None, 0, 1]), "missed_assessments": rng.choice([0, 0, 1, 2])})
        phrases = [{"feature": name, "text": {"fr": name, "ar": name, "en": name}}
                   for name in rng.sample(["attendance_4w", "consecutive_absences", "age_gap", "no_gain"], 2)]
        model_scores.append(None if n % 7 == 0 else (rng.choice([rng.random(), 0.5, 0.2, 0.6005]),
                                                      phrases if rng.random() < 0.3 else ()))
    scored = services._assess(rows, model_scores, rules, thresholds)
    levels = set()
    for row, model_score, item in zip(rows, model_scores, scored, strict=True):
        probability, phrases = model_score or (None, [])
        reasons = services.rule_reasons(row, rules[row["center_id"]])
        said = {reason["code"] for reason in reasons}
        reasons += [{"code": "model", **phrase} for phrase in phrases
                    if services.SAID_BY_RULE.get(phrase["feature"]) not in said]
        assert item["reasons"] == reasons and item["probability"] == probability, row
        assert item["level"] == services.level_of(reasons, probability, thresholds[row["center_id"]]), row
        assert item["rank"] == services.rank_of(row, probability) and type(item["rank"]) is int, row
        levels.add(item["level"])
    assert levels == {"low", "watch", "high"}
