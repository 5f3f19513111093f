"""The signals of each learner at a date, computed in SQL from what Forsa already holds.

``compute_signals(as_of=…)`` reads only facts dated on or before ``as_of`` (roll calls, absences,
assessments, pathway steps, plan reviews, exits, enrolments), so that the model can be trained at past
cut-off dates without seeing the future. Every figure comes from aggregate queries (a handful per call
whatever the number of learners); Python only assembles one row per learner from their results.

``FEATURES`` names each signal, its kind (numeric or categorical) and its label: the model's pipeline,
its reasons and the pages use the same names.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from forsa.assessments.models import Kind as AssessmentKind
from forsa.assessments.models import Result
from forsa.attendance.selectors import attendance_counts
from forsa.attendance.summary import summary_counts
from forsa.learners.models import Enrollment, Exit, PathwayStep, Placement, PlanReview, age_on

NUMERIC, CATEGORICAL = "numeric", "categorical"


@dataclass(frozen=True)
class Feature:
    kind: str
    label: str


FEATURES = {
    # attendance
    "attendance_4w": Feature(NUMERIC, _("attendance over the last 4 weeks (%)")),
    "expected_4w": Feature(NUMERIC, _("roll calls expected over the last 4 weeks")),
    "attendance_since_enrolment": Feature(NUMERIC, _("attendance since enrolment (%)")),
    "consecutive_absences": Feature(NUMERIC, _("consecutive absences")),
    "unjustified_share": Feature(NUMERIC, _("share of absences not justified over 4 weeks (%)")),
    "attendance_2w": Feature(NUMERIC, _("attendance over the last 2 weeks (%)")),
    "attendance_trend": Feature(NUMERIC, _("attendance of the last 2 weeks against the 4 before (points)")),
    "late_4w": Feature(NUMERIC, _("late arrivals over the last 4 weeks")),
    # basic skills
    "diagnostic_level": Feature(NUMERIC, _("mean level at the diagnostic")),
    "diagnostic_weakest_pole": Feature(NUMERIC, _("level at the diagnostic in the weakest pole")),
    "no_gain": Feature(NUMERIC, _("no gain between the last two assessments")),
    "missed_assessments": Feature(NUMERIC, _("assessments missed")),
    # pathway
    "weeks_enrolled": Feature(NUMERIC, _("weeks since enrolment")),
    "weeks_in_stage": Feature(NUMERIC, _("weeks in the current stage")),
    "stage": Feature(CATEGORICAL, _("stage")),
    "plan_missing": Feature(NUMERIC, _("no individual plan")),
    "weeks_since_plan_review": Feature(NUMERIC, _("weeks since the plan was last reviewed")),
    "transfers": Feature(NUMERIC, _("transfers")),
    "earlier_exits": Feature(NUMERIC, _("earlier exits")),
    # profile at intake
    "age_gap": Feature(NUMERIC, _("age against the group's mean (years)")),
    "years_out_of_school": Feature(NUMERIC, _("years out of school")),
    "reason_left": Feature(CATEGORICAL, _("reason for leaving school")),
    "referral": Feature(CATEGORICAL, _("referred by")),
    "last_level": Feature(CATEGORICAL, _("last school level attained")),
}
# Carried in each row beside the features: who, where, and what the model card breaks metrics by.
# They are not features (sex and area are for fairness checks, never for scoring).
KEYS = ("learner_id", "center_id", "sex", "area", "as_of")


@lru_cache(maxsize=1 << 16)  # few distinct pairs: a dictionary look-up instead of a round() per learner
def _rate(expected, absent):
    return None if not expected else round(100 * (expected - absent) / expected, 1)


@lru_cache(maxsize=1 << 16)
def _trend(recent, before):
    return None if recent is None or before is None else round(recent - before, 1)


@lru_cache(maxsize=1 << 16)
def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _weeks(since, as_of):
    return None if since is None else (as_of - since).days // 7


def active_enrollments(as_of: date, learner_ids=None):
    """Enrolments running on ``as_of`` by their dates (not their status, which tells the present)."""
    enrollments = Enrollment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=as_of), start_date__lte=as_of)
    if learner_ids is not None:
        enrollments = enrollments.filter(learner_id__in=learner_ids)
    return enrollments.order_by()


def chosen_enrollments(as_of: date, learner_ids=None):
    """The one running enrolment of each learner enrolled on ``as_of``: the latest start (then the
    highest id) should two overlap. A subquery, so that no list of ids travels to the database."""
    later = active_enrollments(as_of).filter(learner_id=OuterRef("learner_id")).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk")))
    return active_enrollments(as_of, learner_ids).filter(~Exists(later))


def compute_signals(*, as_of: date, learner_ids=None, from_summary=True) -> list[dict]:
    """One row per learner enrolled on ``as_of`` (or per given id so enrolled): KEYS and FEATURES.

    The attendance figures come from the weekly summary kept up by the roll calls
    (``attendance.summary``); ``from_summary=False`` computes them from every learner × roll call
    instead (``attendance_counts``: the reference the summary is tested against, and slower)."""
    chosen = chosen_enrollments(as_of, learner_ids)
    enrollments, learners = {}, {}
    # tuples, not dicts, and the first reason for leaving school read as text (no JSON decoded per learner)
    for (pk, learner_id, center_id, start_date, area, sex, birth_date, year_left, reason_left, referral,
         last_level) in (chosen.annotate(first_reason_left=KeyTextTransform("0", "learner__reasons_left"))
                         .values_list("pk", "learner_id", "center_id", "start_date", "center__commune__kind",
                                      "learner__sex", "learner__birth_date", "learner__year_left",
                                      "first_reason_left", "learner__referral", "learner__last_level")
                         .order_by("learner_id")):
        enrollments[learner_id] = {"pk": pk, "center_id": center_id, "start_date": start_date, "area": area}
        learners[learner_id] = {"sex": sex, "birth_date": birth_date, "year_left": year_left,
                                "reason_left": reason_left or "", "referral": referral, "last_level": last_level}
    if not enrollments:
        return []
    targets = chosen.values("learner_id")
    attendance = (_attendance_from_summary if from_summary else _attendance)(targets, chosen, enrollments, as_of)
    skills = _basic_skills(targets, as_of)
    pathway = _pathway(targets, chosen, enrollments, as_of)
    age_gaps = _age_gaps(targets, learners, as_of)
    rows = []
    for learner_id, enrollment in enrollments.items():
        learner = learners[learner_id]
        counts = attendance.get(learner_id, {})
        row = {
            "learner_id": learner_id, "center_id": enrollment["center_id"], "sex": learner["sex"],
            "area": enrollment["area"], "as_of": as_of,
            **_attendance_features(counts),
            **skills.get(learner_id, {"diagnostic_level": None, "diagnostic_weakest_pole": None, "no_gain": None,
                                      "missed_assessments": 0}),
            **pathway[learner_id],
            "age_gap": age_gaps.get(learner_id),
            "years_out_of_school": None if learner["year_left"] is None else max(0, as_of.year - learner["year_left"]),
            "reason_left": learner["reason_left"],
            "referral": learner["referral"],
            "last_level": learner["last_level"],
        }
        rows.append(row)
    return rows


def _windows(as_of):
    return {
        "4w": (as_of - timedelta(days=27), as_of),
        "2w": (as_of - timedelta(days=13), as_of),
        "before": (as_of - timedelta(days=41), as_of - timedelta(days=14)),
    }


def _attendance_from_summary(targets, chosen, enrollments, as_of):
    """The same counts from the learners' weekly rows; since enrolment: the roll calls from the running
    enrolment's start date (its placements are the learner's only ones then)."""
    return summary_counts(enrollments=chosen, as_of=as_of, windows=_windows(as_of), learner_ids=enrollments.keys(),
                          starts={learner_id: row["start_date"] for learner_id, row in enrollments.items()})


def _attendance(targets, chosen, enrollments, as_of):
    """attendance_counts from the earliest running enrolment's start (or 6 weeks back) to ``as_of``, over
    the last 4 weeks, the last 2, the 4 before those, and the running enrolment's own placements."""
    windows = _windows(as_of)
    start = min(min(row["start_date"] for row in enrollments.values()), windows["before"][0])
    return attendance_counts(learners=targets, start=start, end=as_of, windows=windows,
                             enrollments=chosen.values("pk"))


def _attendance_features(counts):
    expected_4w = counts.get("expected_4w", 0)
    absent_4w = counts.get("absent_4w", 0)
    recent = _rate(counts.get("expected_2w", 0), counts.get("absent_2w", 0))
    before = _rate(counts.get("expected_before", 0), counts.get("absent_before", 0))
    return {
        "attendance_4w": _rate(expected_4w, absent_4w),
        "expected_4w": expected_4w,
        "attendance_since_enrolment": _rate(counts.get("expected_enrolment", 0), counts.get("absent_enrolment", 0)),
        "consecutive_absences": counts.get("run", 0),
        "unjustified_share": _share(counts["unjustified_4w"], absent_4w) if absent_4w else None,
        "attendance_2w": recent,
        "attendance_trend": _trend(recent, before),
        "late_4w": counts.get("late_4w", 0),
    }


def _basic_skills(targets, as_of):
    """Diagnostic levels (mean, and the weakest pole's mean), no gain between the last two assessments
    the learner sat, and the assessments they missed. Aggregates per learner × assessment (× pole)."""
    results = Result.objects.filter(learner_id__in=targets, assessment__date__lte=as_of)
    features = defaultdict(lambda: {"diagnostic_level": None, "diagnostic_weakest_pole": None, "no_gain": None,
                                    "missed_assessments": 0})
    poles = defaultdict(list)
    for row in (results.filter(assessment__kind=AssessmentKind.DIAGNOSTIC, absent=False)
                .values("learner_id", pole=F("competency__domain__pole_id")).annotate(mean=Avg("level"))
                .order_by()):
        poles[row["learner_id"]].append(row["mean"])
    for learner_id, levels in poles.items():
        features[learner_id]["diagnostic_level"] = round(sum(levels) / len(levels), 2)
        features[learner_id]["diagnostic_weakest_pole"] = round(min(levels), 2)
    sat = defaultdict(list)
    for row in (results.values("learner_id", "assessment_id", day=F("assessment__date"))
                .annotate(mean=Avg("level"), missed=Count("pk", filter=Q(absent=True)), levels=Count("level"))
                .order_by("day", "assessment_id")):
        if row["levels"]:
            sat[row["learner_id"]].append(row["mean"])
        elif row["missed"]:
            features[row["learner_id"]]["missed_assessments"] += 1
    for learner_id, levels in sat.items():
        if len(levels) >= 2:
            features[learner_id]["no_gain"] = int(levels[-1] <= levels[-2])
    return features


def _pathway(targets, chosen, enrollments, as_of):
    """Weeks enrolled and in the current stage, the individual plan and its last review, transfers and
    earlier exits: each an aggregate over facts dated on or before ``as_of``."""
    enrollment_ids = chosen.values("pk")
    steps = {enrollment_id: (stage, start_date) for enrollment_id, stage, start_date in (
        PathwayStep.objects.filter(enrollment_id__in=enrollment_ids, start_date__lte=as_of)
        .values_list("enrollment_id", "stage", "start_date").order_by("enrollment_id", "start_date", "pk"))}
    plans = set(Enrollment.objects.filter(pk__in=enrollment_ids, plan__created_at__date__lte=as_of)
                .values_list("pk", flat=True))
    reviews = dict(PlanReview.objects.filter(plan__enrollment_id__in=enrollment_ids, reviewed_on__lte=as_of)
                   .values("plan__enrollment_id").annotate(last=Max("reviewed_on"))
                   .values_list("plan__enrollment_id", "last"))
    transfers = dict(Enrollment.objects.filter(learner_id__in=targets, start_date__lte=as_of).values("learner_id")
                     .annotate(transfers=Count("pk", filter=Q(transferred_from__isnull=False)))
                     .values_list("learner_id", "transfers").order_by())
    earlier_exits = {learner_id: n for learner_id, n in (
        Exit.objects.filter(enrollment__learner_id__in=targets, exit_date__lte=as_of)
        .values(learner_id=F("enrollment__learner_id")).annotate(n=Count("pk")).values_list("learner_id", "n")
        .order_by())}
    features = {}
    for learner_id, enrollment in enrollments.items():
        pk, start_date = enrollment["pk"], enrollment["start_date"]
        stage, step_start = steps.get(pk, ("", start_date))
        features[learner_id] = {
            "weeks_enrolled": _weeks(start_date, as_of),
            "weeks_in_stage": _weeks(step_start, as_of),
            "stage": stage,
            "plan_missing": 0 if pk in plans else 1,
            "weeks_since_plan_review": _weeks(reviews.get(pk), as_of),
            "transfers": transfers.get(learner_id, 0),
            "earlier_exits": earlier_exits.get(learner_id, 0),
        }
    return features


def _age_gaps(targets, learners, as_of):
    """Each learner's age on ``as_of`` against the mean age of the learners placed in their group(s) then
    (a learner in two groups: the mean over both groups' placements). Ages in whole years from the birth
    dates' year, month and day read as numbers; the sums per group and per learner with numpy."""
    placements = (Placement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=as_of), start_date__lte=as_of,
                                           group__in=Placement.objects.filter(enrollment__learner_id__in=targets)
                                           .values("group_id"))
                  .annotate(birth_year=ExtractYear("enrollment__learner__birth_date"),
                            birth_month=ExtractMonth("enrollment__learner__birth_date"),
                            birth_day=ExtractDay("enrollment__learner__birth_date"))
                  .values_list("group_id", "enrollment__learner_id", "birth_year", "birth_month", "birth_day")
                  .order_by())
    data = np.array(list(placements), dtype=np.int64).reshape(-1, 5)
    if not len(data):
        return {}
    group, learner = data[:, 0], data[:, 1]
    ages = as_of.year - data[:, 2] - ((as_of.month * 100 + as_of.day) < (data[:, 3] * 100 + data[:, 4]))
    groups, group_index = np.unique(group, return_inverse=True)
    group_sum = np.bincount(group_index, weights=ages, minlength=len(groups)).astype(np.int64)
    group_count = np.bincount(group_index, minlength=len(groups))
    pairs = np.unique(learner * len(groups) + group_index)  # each learner's groups, once each
    pair_learner, pair_group = pairs // len(groups), pairs % len(groups)
    ids, learner_index = np.unique(pair_learner, return_inverse=True)
    total = np.bincount(learner_index, weights=group_sum[pair_group], minlength=len(ids)).astype(np.int64)
    count = np.bincount(learner_index, weights=group_count[pair_group], minlength=len(ids)).astype(np.int64)
    gaps = {}
    for learner_id, peers_total, peers in zip(ids.tolist(), total.tolist(), count.tolist(), strict=True):
        if learner_id in learners:
            gaps[learner_id] = round(age_on(learners[learner_id]["birth_date"], as_of) - peers_total / peers, 1)
    return gaps
