"""Why a score is what it is: each feature's contribution, and the top ones in words.

A feature's contribution to a learner's probability is the model's own what-if: the probability
minus the probability with that feature set to the reference learner's value (the training median,
or the most frequent category). It is computed for a few features only (the ``K`` that move the
training predictions most, chosen once at training), vectorised over all the rows to explain: one
extra prediction per feature, not per learner. A factor is worded when it raises the probability by
at least ``MINIMUM`` (one point).

Words come from gettext in the active language, with the numbers formatted for it ("61 %",
"1,5 ans"): services call ``phrases`` under ``translation.override`` for each language it stores.
"""

from __future__ import annotations

import math

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forsa.learners.models import LeftReason, Orphanhood, Referral, SchoolLevel, Stage

K = 8  # features whose contribution is computed for every score
TOP = 3  # factors worded per learner
MINIMUM = 0.01  # a factor raises the probability by at least one point
SAMPLE = 2000  # training rows used to choose the K features


def _what_if(estimator, X, p, column, value):
    """How much each row's probability falls when ``column`` is set to ``value``. On a numeric matrix only
    the rows whose value differs are predicted again: a row already at ``value`` is unchanged, its
    prediction the same (each row is scored on its own), so its fall is 0."""
    if X.dtype == object:
        changed = X.copy()
        changed[:, column] = value
        return p - estimator.predict_proba(changed)[:, 1]
    column_values = X[:, column]
    differ = ~((column_values == value) | (np.isnan(column_values) & np.isnan(value)))
    fall = np.zeros(len(X))
    if differ.any():
        changed = X[differ]
        changed[:, column] = value
        fall[differ] = p[differ] - estimator.predict_proba(changed)[:, 1]
    return fall


def important_features(estimator, X, kinds, reference, k=K, seed=0) -> list[int]:
    """Indices of the ``k`` features with the largest mean absolute contribution on (a sample of) the
    training rows."""
    if len(X) > SAMPLE:
        X = X[np.random.default_rng(seed).choice(len(X), SAMPLE, replace=False)]
    p = estimator.predict_proba(X)[:, 1]
    weight = [float(np.mean(np.abs(_what_if(estimator, X, p, c, reference[c])))) for c in range(X.shape[1])]
    order = sorted(range(X.shape[1]), key=lambda c: (-weight[c], c))
    return [c for c in order[:k] if weight[c] > 0]


def top_factors(estimator, X, p, names, reference, explained, *, explain_from=None, top=TOP,
                minimum=MINIMUM) -> list[list[tuple[str, float]]]:
    """Per row, the features (among ``explained``) that raise its probability most: [(name, points)].
    Rows under ``explain_from`` get no factor (nobody reads the reasons of a low risk)."""
    rows = np.arange(len(X)) if explain_from is None else np.flatnonzero(p >= explain_from)
    factors = [[] for _row in range(len(X))]
    if not len(rows) or not explained:
        return factors
    subset, base = X[rows], p[rows]
    contributions = np.column_stack([_what_if(estimator, subset, base, c, reference[c]) for c in explained])
    order = np.argsort(-contributions, axis=1, kind="stable")[:, :top]
    for i, row in enumerate(rows):
        factors[row] = [(names[explained[j]], float(contributions[i, j])) for j in order[i]
                        if contributions[i, j] >= minimum]
    return factors


# Words --------------------------------------------------------------------------------------------


def _missing(value):
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _n(value, decimals=0):
    return number_format(round(float(value), decimals), decimal_pos=decimals)


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def phrase(name, row) -> str:
    """One factor of one learner in words, with the learner's own figures."""
    value = row.get(name)
    if _missing(value):
        return _missing_phrase(name)
    wording = PHRASES.get(name)
    return _feature_label(name) if wording is None else wording(value, row)


def phrase_key(name, row):
    """What ``phrase(name, row)`` depends on: the feature and its value (none when missing), and for
    the trend the rate of the last 2 weeks too. Equal keys give equal words, in every language."""
    value = row.get(name)
    if _missing(value):
        return (name, None)
    value = repr(value) if isinstance(value, float) else value  # -0.0 and 0.0 may not read the same
    if name == "attendance_trend":
        after = row.get("attendance_2w")
        return (name, value, None if _missing(after) else repr(float(after)))
    return (name, value)


def _missing_phrase(name):
    if name in ("attendance_4w", "attendance_2w", "attendance_since_enrolment"):
        return _("no roll call recorded yet")
    if name in ("diagnostic_level", "diagnostic_weakest_pole"):
        return _("no diagnostic recorded")
    if name == "weeks_since_plan_review":
        return _("individual plan never reviewed")
    if name == "years_out_of_school":
        return _("year of leaving school not recorded")
    return _("not recorded: %(what)s") % {"what": _feature_label(name)}


def _feature_label(name):
    from forsa.earlywarning.signals import FEATURES

    return str(FEATURES[name].label) if name in FEATURES else name


def _trend(value, row):
    after = row.get("attendance_2w")
    if _missing(after):
        return _("attendance changed by %(points)s points in 2 weeks") % {"points": _n(value)}
    before = after - value
    if value < 0:
        return _("attendance fell from %(before)s %% to %(after)s %% in 2 weeks") % {
            "before": _n(before), "after": _n(after)}
    return _("attendance went from %(before)s %% to %(after)s %% in 2 weeks") % {
        "before": _n(before), "after": _n(after)}


def _age_gap(value, row):
    if value >= 0:
        return _("%(years)s years older than the group on average") % {"years": _n(value, 1)}
    return _("%(years)s years younger than the group on average") % {"years": _n(-value, 1)}


PHRASES = {
    "attendance_4w": lambda v, r: _("attendance %(rate)s %% over the last 4 weeks") % {"rate": _n(v)},
    "attendance_2w": lambda v, r: _("attendance %(rate)s %% over the last 2 weeks") % {"rate": _n(v)},
    "attendance_since_enrolment": lambda v, r: _("attendance %(rate)s %% since enrolment") % {"rate": _n(v)},
    "attendance_trend": _trend,
    "expected_4w": lambda v, r: ngettext("%(n)d roll call over the last 4 weeks",
                                         "%(n)d roll calls over the last 4 weeks", int(v)) % {"n": int(v)},
    "consecutive_absences": lambda v, r: ngettext("%(n)d absence in a row", "%(n)d absences in a row",
                                                  int(v)) % {"n": int(v)},
    "unjustified_share": lambda v, r: _("%(share)s %% of absences not justified over 4 weeks") % {"share": _n(v)},
    "late_4w": lambda v, r: ngettext("late %(n)d time over 4 weeks", "late %(n)d times over 4 weeks",
                                     int(v)) % {"n": int(v)},
    "diagnostic_level": lambda v, r: _("mean level %(level)s at the diagnostic") % {"level": _n(v, 1)},
    "diagnostic_weakest_pole": lambda v, r: _("level %(level)s at the diagnostic in the weakest pole") % {
        "level": _n(v, 1)},
    "no_gain": lambda v, r: (_("no gain between the last two assessments") if v else
                             _("progress between the last two assessments")),
    "missed_assessments": lambda v, r: ngettext("missed %(n)d assessment", "missed %(n)d assessments",
                                                int(v)) % {"n": int(v)},
    "weeks_enrolled": lambda v, r: ngettext("enrolled %(n)d week ago", "enrolled %(n)d weeks ago",
                                            int(v)) % {"n": int(v)},
    "weeks_in_stage": lambda v, r: ngettext("%(n)d week in the current stage", "%(n)d weeks in the current stage",
                                            int(v)) % {"n": int(v)},
    "stage": lambda v, r: _("stage: %(stage)s") % {"stage": _label(Stage, v)},
    "plan_missing": lambda v, r: _("no individual plan") if v else _("an individual plan"),
    "weeks_since_plan_review": lambda v, r: ngettext("plan last reviewed %(n)d week ago",
                                                     "plan last reviewed %(n)d weeks ago", int(v)) % {"n": int(v)},
    "transfers": lambda v, r: ngettext("%(n)d transfer", "%(n)d transfers", int(v)) % {"n": int(v)},
    "earlier_exits": lambda v, r: ngettext("left the programme %(n)d time before",
                                           "left the programme %(n)d times before", int(v)) % {"n": int(v)},
    "age_gap": _age_gap,
    "years_out_of_school": lambda v, r: ngettext("%(n)d year out of school", "%(n)d years out of school",
                                                 int(v)) % {"n": int(v)},
    "reason_left": lambda v, r: _("left school for: %(reason)s") % {"reason": _label(LeftReason, v)},
    "referral": lambda v, r: _("referred by: %(who)s") % {"who": _label(Referral, v)},
    "last_level": lambda v, r: _("last school level: %(level)s") % {"level": _label(SchoolLevel, v)},
    "orphanhood": lambda v, r: _label(Orphanhood, v),
    "has_disability": lambda v, r: _("living with a disability") if v else _("no disability recorded"),
    "is_working_child": lambda v, r: _("working child") if v else _("not a working child"),
    "travel_minutes": lambda v, r: ngettext("%(n)d minute to the centre", "%(n)d minutes to the centre",
                                            int(v)) % {"n": int(v)},
}


# The model card in words ---------------------------------------------------------------------------


def _share(value):
    return "—" if value is None else number_format(round(100 * value), decimal_pos=0)


def _figure(value, decimals=2):
    return "—" if value is None else number_format(round(value, decimals), decimal_pos=decimals)


def card_in_words(risk_model) -> dict:
    """What the model card page and the API say about a model, in the active language: sentences, the
    calibration table and the figures by sex and by rural/urban centre."""
    from django.utils.formats import date_format

    from forsa.earlywarning.signals import FEATURES
    from forsa.learners.models import Sex
    from forsa.territory.models import Commune

    card = risk_model.card
    m = card.get("metrics", {}).get("model", {})
    baseline = card.get("metrics", {}).get("logistic", {})
    examples, positives = card.get("examples", risk_model.n_samples), card.get("positives", 0)
    sentences = [
        _("Trained on %(trained)s on the programme's history from %(start)s to %(end)s: %(examples)s situations of "
          "%(learners)s learners, every %(step)s days; in %(positives)s of them the learner dropped out within the "
          "next %(days)s days.") % {
            "trained": date_format(risk_model.trained_at, "SHORT_DATE_FORMAT"),
            "start": date_format(risk_model.period_from, "SHORT_DATE_FORMAT"),
            "end": date_format(risk_model.period_to, "SHORT_DATE_FORMAT"),
            "examples": number_format(examples, force_grouping=True),
            "learners": number_format(card.get("learners", 0), force_grouping=True),
            "step": card.get("step_days", "—"), "positives": number_format(positives, force_grouping=True),
            "days": card.get("horizon_days", "—")},
        _("Checked on learners it was not trained on (%(folds)s-fold cross-validation): given a learner who dropped "
          "out and one who did not, it gives the higher score to the one who dropped out %(auc)s times in 100 "
          "(ROC-AUC %(auc_value)s; a simple logistic regression: %(baseline)s; chance: %(chance)s).") % {
            "chance": _figure(0.5),
            "folds": card.get("folds", "—"), "auc": _share(m.get("roc_auc")), "auc_value": _figure(m.get("roc_auc")),
            "baseline": _figure(baseline.get("roc_auc"))},
        _("Precision-recall area %(pr_auc)s (by chance: %(rate)s); Brier score %(brier)s (0 is perfect); on average "
          "a predicted probability is %(error)s points away from the observed rate.") % {
            "pr_auc": _figure(m.get("pr_auc")), "rate": _figure(positives / examples if examples else None),
            "brier": _figure(m.get("brier"), 3), "error": _share(m.get("calibration_error"))},
        (_("Household data (under consent) are used where the learner's consent covers them.")
         if card.get("sensitive_data") else _("Household data (orphanhood, disability, work, travel time) are not "
                                              "used.")),
        _("Sex and the rural or urban centre are not used to score: they serve only to check that the model works "
          "as well for each group."),
    ]
    calibration = [{"bin": row["bin"], "n": row["n"], "predicted": _share(row["predicted"]),
                    "observed": _share(row["observed"])} for row in m.get("calibration", []) if row["n"]]
    groups = []
    for key, labels in (("by_sex", Sex), ("by_area", Commune.Kind)):
        for name, row in card.get(key, {}).get("groups", {}).items():
            groups.append({"group": _label(labels, name), "n": number_format(row["n"], force_grouping=True),
                           "auc": _figure(row.get("roc_auc")), "predicted": _share(row.get("predicted")),
                           "observed": _share(row.get("observed"))})
    features = [str(FEATURES[f["name"]].label) if f["name"] in FEATURES else f["name"]
                for f in card.get("features", [])]
    return {"sentences": [str(s) for s in sentences], "calibration": calibration, "groups": groups,
            "features": features}
