"""Every write of the early warning: scoring runs, alerts, interventions, thresholds.

A score is advice to a named person: scoring opens an alert for a learner at high risk and hands it
to the centre's counsellor; people assign, act and close, and each step is audited.
"""

import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forsa.accounts.models import Membership
from forsa.attendance.models import AbsenceRule
from forsa.audit.models import AuditEntry
from forsa.audit.services import instance_save
from forsa.core.roles import Role
from forsa.core.services import SYSTEM, require
from forsa.earlywarning import explain
from forsa.earlywarning import model as statistical_model
from forsa.earlywarning.models import (
    LEVEL_RANK,
    Alert,
    CenterRiskCount,
    Intervention,
    LearnerRisk,
    Level,
    RiskScore,
    Threshold,
)
from forsa.earlywarning.signals import compute_signals
from forsa.learners.models import Learner

MODEL_LANGUAGES = ("fr", "ar", "en")
FALLING_POINTS = 20  # a fall of this many points between the 4 weeks before and the last 2 is a reason


def thresholds_for(center_ids):
    """{centre id: Threshold}: the centre's override, else the national row, else the defaults."""
    rows = {row.center_id: row for row in Threshold.objects.filter(center_id__in=[*center_ids, None])}
    rows |= {row.center_id: row for row in Threshold.objects.filter(center__isnull=True)}
    national = rows.get(None) or Threshold()
    return {pk: rows.get(pk, national) for pk in center_ids} | {None: national}


def absence_rules_for(center_ids):
    rules = {rule.center_id: rule for rule in AbsenceRule.objects.filter(center_id__in=list(center_ids))}
    national = AbsenceRule.objects.filter(center__isnull=True).first() or AbsenceRule()
    return {pk: rules.get(pk, national) for pk in center_ids}


def rule_reasons(row, rule) -> list[dict]:
    """The reasons the rules give for one row of signals (codes and figures, worded by reasons.py)."""
    reasons = []
    if row["consecutive_absences"] >= rule.consecutive_absences:
        reasons.append({"code": "consecutive", "n": row["consecutive_absences"]})
    if row["expected_4w"] >= rule.minimum_sessions and row["attendance_4w"] < rule.minimum_rate:
        reasons.append({"code": "rate_4w", "rate": row["attendance_4w"], "minimum": rule.minimum_rate})
    if row["attendance_trend"] is not None and row["attendance_trend"] <= -FALLING_POINTS \
            and row["expected_4w"] >= rule.minimum_sessions:
        reasons.append({"code": "falling", "before": row["attendance_2w"] - row["attendance_trend"],
                        "after": row["attendance_2w"]})
    if row["no_gain"]:
        reasons.append({"code": "no_gain"})
    if row["missed_assessments"]:
        reasons.append({"code": "missed_assessments", "n": row["missed_assessments"]})
    return reasons


def level_of(reasons, probability, threshold) -> str:
    """High when an absence rule fires or the model's probability passes the national high threshold;
    watch on a falling attendance, no gain, or a probability past the watch threshold; else low."""
    codes = {reason["code"] for reason in reasons}
    level = Level.HIGH if codes & {"consecutive", "rate_4w"} else Level.WATCH if codes & {"falling", "no_gain"} \
        else Level.LOW
    if probability is not None:
        by_model = (Level.HIGH if probability * 100 >= threshold.high_probability else
                    Level.WATCH if probability * 100 >= threshold.watch_probability else Level.LOW)
        level = max(level, by_model, key=LEVEL_RANK.get)
    return level


def rank_of(row, probability) -> int:
    """Order within a worklist and for the cap: the model's probability first, then the rules' severity."""
    rate = 100 if row["attendance_4w"] is None else row["attendance_4w"]
    severity = 10 * row["consecutive_absences"] + round(100 - rate)
    return (round(probability * 1000) if probability is not None else 0) * 1000 + min(severity, 999)


def apply_cap(scored, thresholds):
    """Keep at most the centre's cap of learners at high risk (the highest ranks); the rest are watched."""
    by_center = defaultdict(list)
    for item in scored:
        if item["level"] == Level.HIGH:
            by_center[item["center_id"]].append(item)
    for center_id, items in by_center.items():
        items.sort(key=lambda item: (-item["rank"], item["learner_id"]))
        for item in items[thresholds[center_id].high_cap:]:
            item["level"] = Level.WATCH
            item["capped"] = True


LEVELS = (Level.LOW, Level.WATCH, Level.HIGH)


def _assess(rows, model_scores, rules, thresholds):
    """Each row's reasons, level and rank, as ``rule_reasons``, ``level_of`` and ``rank_of`` give them,
    worked out over numpy arrays of the signals: the rules are tested for every row at once and
    ``rule_reasons`` words the rows where one fires; levels and ranks by the same arithmetic."""
    if not rows:
        return []
    centers = [row["center_id"] for row in rows]
    known, center_index = np.unique(np.asarray(centers, dtype=np.int64), return_inverse=True)

    def per_center(values):
        return np.asarray(values)[center_index]

    def column(name, missing=np.nan):
        return np.array([missing if row[name] is None else row[name] for row in rows], dtype=np.float64)

    consecutive, expected = column("consecutive_absences"), column("expected_4w")
    rate, trend = column("attendance_4w"), column("attendance_trend")
    minimum_sessions = per_center([rules[int(c)].minimum_sessions for c in known])
    fires = {
        "consecutive": consecutive >= per_center([rules[int(c)].consecutive_absences for c in known]),
        "rate_4w": (expected >= minimum_sessions) & (rate < per_center([rules[int(c)].minimum_rate for c in known])),
        "falling": (trend <= -FALLING_POINTS) & (expected >= minimum_sessions),
        "no_gain": column("no_gain", 0) != 0,
        "missed": column("missed_assessments", 0) != 0,
    }
    any_rule = np.logical_or.reduce(list(fires.values()))
    rule_level = np.where(fires["consecutive"] | fires["rate_4w"], 2,
                          np.where(fires["falling"] | fires["no_gain"], 1, 0))
    probability = np.array([np.nan if score is None else score[0] for score in model_scores], dtype=np.float64)
    scaled = probability * 100
    model_level = np.where(scaled >= per_center([thresholds[int(c)].high_probability for c in known]), 2,
                           np.where(scaled >= per_center([thresholds[int(c)].watch_probability for c in known]), 1, 0))
    level = np.maximum(rule_level, np.where(np.isnan(probability), 0, model_level))
    severity = np.minimum(10 * consecutive + np.rint(100 - np.where(np.isnan(rate), 100, rate)), 999)
    rank = np.where(np.isnan(probability), 0, np.rint(probability * 1000)) * 1000 + severity
    scored = []
    for row, model_score, fired, row_level, row_rank in zip(rows, model_scores, any_rule.tolist(), level.tolist(),
                                                            rank.astype(np.int64).tolist(), strict=True):
        probability, phrases = model_score or (None, ())
        reasons = rule_reasons(row, rules[row["center_id"]]) if fired else []
        if phrases:
            said = {reason["code"] for reason in reasons}
            reasons += [{"code": "model", **phrase} for phrase in phrases
                        if SAID_BY_RULE.get(phrase["feature"]) not in said]
        scored.append({"learner_id": row["learner_id"], "center_id": row["center_id"], "signals": row,
                       "probability": probability, "reasons": reasons, "level": LEVELS[row_level],
                       "rank": row_rank, "capped": False})
    return scored


# A model factor already said by a rule is not said twice ("4 absences in a row").
SAID_BY_RULE = {"consecutive_absences": "consecutive", "attendance_4w": "rate_4w", "attendance_trend": "falling",
                "no_gain": "no_gain", "missed_assessments": "missed_assessments"}


def _model_scores(rows):
    """(probability, reasons in each language) per row, or None per row without an active model.

    The model predicts and weighs the factors once; only the words are made in each language. Factors
    are worded for learners at or above the national watch threshold (nobody reads a low risk's), and
    each distinct factor (a feature and the figures its words show: ``explain.phrase_key``) is worded
    once in FR, AR and EN, then shared by every learner it describes."""
    return _model_scores_of(rows, _model_inputs(rows))


def _model_inputs(rows):
    """What ``_model_scores_of`` needs from the database: the active model (or None), the rows' matrix
    (which adds the household features to the rows when the model uses them) and the watch threshold."""
    active = statistical_model.active_model()
    if active is None or not rows:
        return None
    return active, statistical_model.matrix(active, rows), thresholds_for([])[None].watch_probability / 100


def _model_scores_of(rows, inputs):
    """``_model_scores`` from ``_model_inputs``: no query, so that it can run in a thread."""
    if inputs is None:
        return [None] * len(rows), None
    active, X, explain_from = inputs
    probabilities, top = statistical_model.predict(active, rows, explain_from=explain_from, X=X)
    worded = {}
    scores = []
    for row, probability, factors in zip(rows, probabilities.tolist(), top, strict=True):
        if not factors:
            scores.append((probability, ()))
            continue
        phrases = []
        for name, _points in factors:
            key = explain.phrase_key(name, row)
            phrase = worded.get(key)
            if phrase is None:
                texts = {}
                for language in MODEL_LANGUAGES:
                    with translation.override(language):
                        texts[language] = explain.phrase(name, row)
                phrase = worded[key] = {"feature": name, "text": texts}
            phrases.append(phrase)
        scores.append((probability, phrases))
    return scores, active.version


def _counsellors(center_ids):
    """The responsible counsellor of each centre (the longest-serving one)."""
    rows = (Membership.objects.filter(role=Role.COUNSELLOR, center_id__in=list(center_ids), user__is_active=True)
            .order_by("center_id", "pk").values_list("center_id", "user_id"))
    counsellors = {}
    for center_id, user_id in rows:
        counsellors.setdefault(center_id, user_id)
    return counsellors


@transaction.atomic
def risk_score_all(*, actor=SYSTEM, as_of, learner_ids=None) -> dict:
    """Score every learner enrolled on ``as_of`` (or the given ones): signals, rules, model, levels and
    the per-centre cap; keep the latest risk and the day's score, and open an alert (handed to the
    centre's counsellor) for each learner newly at high risk, within the centre's cap of open alerts."""
    rows = compute_signals(as_of=as_of, learner_ids=learner_ids)
    inputs = _model_inputs(rows)  # may add household features to the rows: before their signals are staged
    staged = connection.vendor == "postgresql" and bool(rows) and _signal_kinds(rows[0]) is not None
    with ThreadPoolExecutor(max_workers=1) as pool:
        # On PostgreSQL the model predicts in a thread (numpy and scikit-learn release the GIL) while
        # PostgreSQL takes the signals and builds their JSON (_stage_signals): two cores at work.
        scoring = pool.submit(_model_scores_of, rows, inputs) if staged else None
        if staged:
            _stage_signals(rows)
        model_scores, model_version = scoring.result() if staged else _model_scores_of(rows, inputs)
    center_ids = {row["center_id"] for row in rows}
    thresholds = thresholds_for(center_ids)
    rules = absence_rules_for(center_ids)
    scored = _assess(rows, model_scores, rules, thresholds)
    apply_cap(scored, thresholds)
    touched = None  # the centres whose counts change: all of them, or those of the learners scored
    if learner_ids is not None:
        touched = {item["center_id"] for item in scored} | set(
            LearnerRisk.objects.filter(learner_id__in=[item["learner_id"] for item in scored])
            .values_list("center_id", flat=True))
    previous = {}  # the latest score a week or more before
    earlier = RiskScore.objects.filter(as_of__lte=as_of - timedelta(days=7), as_of__gt=as_of - timedelta(days=35))
    if learner_ids is not None:
        earlier = earlier.filter(learner_id__in=[item["learner_id"] for item in scored])
    for score in earlier.order_by("as_of").values("learner_id", "level", "reasons"):
        previous[score["learner_id"]] = score
    _write_risks(as_of, scored, previous, model_version, staged=staged)
    if staged:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {STAGED}")
    if learner_ids is None:  # no longer enrolled: no current risk (the history stays)
        LearnerRisk.objects.exclude(as_of=as_of).delete()
    _write_center_counts(as_of, touched)
    opened = _open_alerts(actor, as_of, [item for item in scored if item["level"] == Level.HIGH], thresholds)
    levels = defaultdict(int)
    for item in scored:
        levels[item["level"]] += 1
    return {"scored": len(scored), "high": levels[Level.HIGH], "watch": levels[Level.WATCH],
            "low": levels[Level.LOW], "alerts_opened": opened, "model_version": model_version}


def _write_center_counts(as_of, center_ids=None):
    """Replace the counts per centre (CenterRiskCount) of ``center_ids`` (every centre when None) by
    those of the LearnerRisk rows as they now stand: one aggregate (an index-only scan of
    ``(center, level)``) and one insert, so that the overview reads a row per centre."""
    risks, counts = LearnerRisk.objects.all(), CenterRiskCount.objects.all()
    if center_ids is not None:
        risks, counts = risks.filter(center_id__in=center_ids), counts.filter(center_id__in=center_ids)
    rows = (risks.values("center_id").annotate(scored=Count("level"), high=Count("level", filter=Q(level=Level.HIGH)),
                                               watch=Count("level", filter=Q(level=Level.WATCH)))
            .order_by())
    fresh = [CenterRiskCount(center_id=row["center_id"], as_of=as_of, scored=row["scored"], high=row["high"],
                             watch=row["watch"]) for row in rows]
    counts.delete()
    CenterRiskCount.objects.bulk_create(fresh, batch_size=2000)


STAGED = "forsa_signals"  # the temporary table of _stage_signals


def _signals_sql(kinds):
    """The columns of the signals, their types, and the SQL building their JSON from those columns."""
    names = list(kinds)
    signal_columns = [f"s{n}" for n in range(len(names))]
    signals = "jsonb_build_object(" + ", ".join(f"'{name}', {column}" for name, column in
                                                 zip(names, signal_columns, strict=True)) + ")"
    return names, signal_columns, [kinds[name] for name in names], signals


def _stage_signals(rows):
    """PostgreSQL: one COPY of the rows' signals (typed columns) into a temporary table, and their JSON
    built from it into the temporary table ``STAGED`` (learner_id, signals), which ``_write_risks``
    joins; it is dropped by the caller."""
    names, signal_columns, types, signals = _signals_sql(_signal_kinds(rows[0]))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE forsa_signal_columns (" + ", ".join(
            f"{column} {kind}" for column, kind in zip(signal_columns, types, strict=True)) + ") ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY forsa_signal_columns ({', '.join(signal_columns)}) FROM STDIN") as stream:
            for row in rows:
                stream.write_row([row[name] for name in names])
        cursor.execute(f"CREATE TEMP TABLE {STAGED} ON COMMIT DROP AS "
                       f"SELECT s{names.index('learner_id')}::bigint AS learner_id, {signals} AS signals "
                       f"FROM forsa_signal_columns")
        cursor.execute("DROP TABLE forsa_signal_columns")


def _write_risks(as_of, scored, previous, model_version, *, copy=None, staged=False):
    """The day's score (RiskScore) and the latest risk (LearnerRisk) of each learner scored, replacing
    those of the same day and learner. On PostgreSQL (``copy``) one COPY of the scored rows, the
    signals as typed columns, into a temporary table, then one INSERT … ON CONFLICT per table; the
    signals' JSON is built by PostgreSQL, and a latest risk equal to the one stored is not rewritten.
    Elsewhere (or for signals of unknown kinds) ``_upsert`` of each table. Returns the number of
    latest-risk rows written (every one on the generic path). ``staged``: the signals' JSON is already
    in ``STAGED`` (``_stage_signals``), so only the scores are copied."""
    copy = connection.vendor == "postgresql" if copy is None else copy
    kinds = _signal_kinds(scored[0]["signals"]) if scored else None
    if not copy or kinds is None:
        _upsert(RiskScore, ("learner_id", "center_id", "as_of", "level", "probability", "reasons", "model_version"),
                [(item["learner_id"], item["center_id"], as_of, item["level"], item["probability"], item["reasons"],
                  model_version) for item in scored],
                unique=("learner_id", "as_of"))
        _upsert(LearnerRisk, ("learner_id", "center_id", "as_of", "signals", "level", "probability", "reasons",
                              "model_version", "rank", "previous_level", "previous_reasons"),
                [(item["learner_id"], item["center_id"], as_of, _jsonable(item["signals"]), item["level"],
                  item["probability"], item["reasons"] + ([{"code": "capped"}] if item["capped"] else []),
                  model_version, item["rank"], previous.get(item["learner_id"], {}).get("level", ""),
                  previous.get(item["learner_id"], {}).get("reasons", [])) for item in scored],
                unique=("learner_id",))
        return len(scored)
    names, signal_columns, signal_types, signals = _signals_sql(kinds)
    if staged:
        names, signal_columns, signal_types, signals = [], [], [], f"{STAGED}.signals"
    columns = ["learner_id", "center_id", "level", "probability", "reasons", "capped", "rank", "previous_level",
               "previous_reasons", *signal_columns]
    types = ["bigint", "bigint", "text", "double precision", "jsonb", "boolean", "bigint", "text", "jsonb",
             *signal_types]
    risk_score, learner_risk = RiskScore._meta.db_table, LearnerRisk._meta.db_table
    empty = "[]"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE forsa_risk (" + ", ".join(
            f"{column} {kind}" for column, kind in zip(columns, types, strict=True)) + ") ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY forsa_risk ({', '.join(columns)}) FROM STDIN") as stream:
            for item in scored:
                before = previous.get(item["learner_id"])
                row = item["signals"]
                stream.write_row((
                    item["learner_id"], item["center_id"], item["level"], item["probability"],
                    json.dumps(item["reasons"]) if item["reasons"] else empty, item["capped"], item["rank"],
                    before["level"] if before else "",
                    json.dumps(before["reasons"]) if before and before["reasons"] else empty,
                    *(row[name] for name in names)))
        cursor.execute(f"""
            INSERT INTO {risk_score} (learner_id, center_id, as_of, level, probability, reasons, model_version)
            SELECT learner_id, center_id, %s, level, probability, reasons, %s FROM forsa_risk
            ON CONFLICT (learner_id, as_of) DO UPDATE SET center_id = EXCLUDED.center_id, level = EXCLUDED.level,
                probability = EXCLUDED.probability, reasons = EXCLUDED.reasons,
                model_version = EXCLUDED.model_version""", [as_of, model_version])
        updated = ("center_id", "as_of", "signals", "level", "probability", "reasons", "model_version", "rank",
                   "previous_level", "previous_reasons")
        cursor.execute(f"""
            INSERT INTO {learner_risk} (learner_id, {", ".join(updated)})
            SELECT learner_id, center_id, %s, {signals}, level, probability,
                   CASE WHEN capped THEN reasons || '[{{"code": "capped"}}]'::jsonb ELSE reasons END,
                   %s, rank, previous_level, previous_reasons
            FROM forsa_risk{f" JOIN {STAGED} USING (learner_id)" if staged else ""}
            ON CONFLICT (learner_id) DO UPDATE SET {", ".join(f"{name} = EXCLUDED.{name}" for name in updated)}
            WHERE ({", ".join(f"{learner_risk}.{name}" for name in updated)})
                  IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in updated)})""",
                       [as_of, model_version])
        written = cursor.rowcount
        cursor.execute("DROP TABLE forsa_risk")
    return written


SIGNAL_KEYS = {"learner_id": "bigint", "center_id": "bigint", "sex": "text", "area": "text", "as_of": "date"}


def _signal_kinds(row):
    """{signal: PostgreSQL type} for a row of signals, or None when one is of no known kind. Numbers
    as ``numeric``, which keeps an integer an integer and a float's digits in the JSON."""
    from forsa.earlywarning.model import SENSITIVE
    from forsa.earlywarning.signals import CATEGORICAL, FEATURES

    kinds = {}
    for name in row:
        kind = SIGNAL_KEYS.get(name) or (FEATURES[name].kind if name in FEATURES else SENSITIVE.get(name))
        if kind is None:
            return None
        kinds[name] = "text" if kind == CATEGORICAL else "numeric" if kind not in SIGNAL_KEYS.values() else kind
    return kinds


def _upsert(model, columns, rows, *, unique):
    """Insert ``rows`` (tuples of ``columns``, attribute names), replacing the row with the same
    ``unique`` columns. On PostgreSQL through COPY into a temporary table and one INSERT … ON CONFLICT
    (bulk_create's per-value quoting of 54,000 rows of JSON took 40 s); elsewhere bulk_create."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000,
            update_conflicts=True, unique_fields=[fields[name].name for name in unique],
            update_fields=[fields[name].name for name in columns if name not in unique])
        return
    table, names = model._meta.db_table, [fields[name].column for name in columns]
    is_json = [fields[name].get_internal_type() == "JSONField" for name in columns]
    listed = ", ".join(names)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names if name not in unique)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE forsa_upsert ON COMMIT DROP AS SELECT {listed} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY forsa_upsert ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(value) if json_value else value
                                for value, json_value in zip(row, is_json, strict=True)])
        cursor.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM forsa_upsert "
                       f"ON CONFLICT ({', '.join(fields[name].column for name in unique)}) DO UPDATE SET {updates}")
        cursor.execute("DROP TABLE forsa_upsert")


def _jsonable(row):
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()}


def _open_alerts(actor, as_of, high, thresholds):
    """An alert for each learner at high risk without an open one, while the centre's open alerts stay
    within its cap; handed to the centre's counsellor."""
    already = set(Alert.objects.filter(status=Alert.Status.OPEN, learner_id__in=[i["learner_id"] for i in high])
                  .values_list("learner_id", flat=True))
    fresh = [item for item in high if item["learner_id"] not in already]
    if not fresh:
        return 0
    centers = {item["center_id"] for item in fresh}
    open_counts = defaultdict(int)
    for center_id in (Alert.objects.filter(status=Alert.Status.OPEN, center_id__in=centers)
                      .values_list("center_id", flat=True)):
        open_counts[center_id] += 1
    counsellors = _counsellors(centers)
    alerts = []
    for item in sorted(fresh, key=lambda item: (-item["rank"], item["learner_id"])):
        if open_counts[item["center_id"]] >= thresholds[item["center_id"]].high_cap:
            continue
        alerts.append(Alert(learner_id=item["learner_id"], center_id=item["center_id"], opened_on=as_of,
                            level=Level.HIGH, reasons=item["reasons"],
                            assigned_to_id=counsellors.get(item["center_id"])))
        open_counts[item["center_id"]] += 1
    if not alerts:
        return 0
    Alert.objects.bulk_create(alerts, batch_size=2000)
    learners = Learner._base_manager.only("first_name", "last_name", "first_name_ar", "last_name_ar").in_bulk(
        [alert.learner_id for alert in alerts])  # the names its text shows, not the whole record
    alert_type = ContentType.objects.get_for_model(Alert, for_concrete_model=False)
    by = actor if getattr(actor, "is_authenticated", False) else None
    entries = []
    for alert in alerts:  # as audit_record writes them, in one statement
        alert.learner = learners[alert.learner_id]
        entries.append(AuditEntry(actor=by, action=AuditEntry.Action.CREATE, target_type=alert_type,
                                  target_id=str(alert.pk), target_repr=str(alert)[:200],
                                  changes={"reasons": [None, [reason["code"] for reason in alert.reasons]]}))
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    return len(alerts)


@transaction.atomic
def alert_assign(*, actor, alert: Alert, assignee) -> Alert:
    """Hand an open alert to a member of staff of the learner's centre."""
    require(actor, "earlywarning.act", alert.learner)
    if alert.status != Alert.Status.OPEN:
        raise ValidationError({"alert": _("This alert is closed.")})
    staff_roles = (Role.CENTER_DIRECTOR, Role.COUNSELLOR, Role.EDUCATOR, Role.TRAINER)
    if assignee is None or not Membership.objects.filter(user=assignee, role__in=staff_roles,
                                                         center_id=alert.center_id).exists():
        raise ValidationError({"assignee": _("Choose a member of staff of the learner's centre.")})
    alert.assigned_to = assignee
    return instance_save(actor=actor, instance=alert)


@transaction.atomic
def alert_close(*, actor, alert: Alert, reason, note="", closed_on=None) -> Alert:
    """Close an open alert with a reason."""
    require(actor, "earlywarning.act", alert.learner)
    if alert.status != Alert.Status.OPEN:
        raise ValidationError({"alert": _("This alert is already closed.")})
    if reason not in Alert.CloseReason.values:
        raise ValidationError({"reason": _("Choose a reason for closing.")})
    if reason == Alert.CloseReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Say why the alert is closed.")})
    alert.status, alert.close_reason, alert.close_note = Alert.Status.CLOSED, reason, note.strip()
    alert.closed_on, alert.closed_by = closed_on or timezone.localdate(), actor
    return instance_save(actor=actor, instance=alert)


@transaction.atomic
def intervention_record(*, actor, learner, kind, date, outcome="", next_step="", notes="", alert=None) -> Intervention:
    """Record what was done for a learner (by ``actor``, on ``date``). Confidential notes need the
    sensitive-data role and the learner's consent, as the learner's own notes do."""
    require(actor, "earlywarning.act", learner)
    if notes.strip():
        require(actor, "learner.sensitive", learner)
        if not learner.consents.filter(withdrawn_on__isnull=True).exists():
            raise ValidationError({"notes": _("Record the consent of the learner's guardian before confidential "
                                              "notes.")})
    if date and date > timezone.localdate():
        raise ValidationError({"date": _("An intervention cannot be dated in the future.")})
    if alert is not None and alert.learner_id != learner.pk:
        raise ValidationError({"alert": _("This alert is about another learner.")})
    if learner.center_id is None:
        raise ValidationError({"learner": _("This learner is not enrolled in a centre.")})
    intervention = Intervention(learner=learner, alert=alert, center_id=learner.center_id, kind=kind, date=date,
                                actor=actor, outcome=outcome.strip(), next_step=next_step.strip(),
                                notes=notes.strip())
    return instance_save(actor=actor, instance=intervention, redact=("notes",))


@transaction.atomic
def threshold_save(*, actor, center=None, **values) -> Threshold:
    """Set the national thresholds (national admin), or a centre's override (its director): a centre
    sets only its cap; the levels and the use of sensitive data are national."""
    if center is None:
        require(actor, "earlywarning.thresholds")
    else:
        require(actor, "attendance.rules", center)
        values = {"high_cap": values["high_cap"]} if "high_cap" in values else {}
    threshold = Threshold.objects.filter(center=center).first() or Threshold(center=center)
    if center is not None and threshold._state.adding:
        national = Threshold.objects.filter(center__isnull=True).first() or Threshold()
        threshold.watch_probability, threshold.high_probability = national.watch_probability, national.high_probability
    for name, value in values.items():
        setattr(threshold, name, value)
    return instance_save(actor=actor, instance=threshold)


def alert_digest_send(*, as_of) -> int:
    """E-mail each assignee the open alerts handed to them and not yet sent, in their language; one
    message per person a day. Returns the number of messages."""
    pending = defaultdict(list)
    for alert in (Alert.objects.filter(status=Alert.Status.OPEN, notified_on__isnull=True, assigned_to__isnull=False)
                  .select_related("learner", "assigned_to").order_by("assigned_to_id", "-opened_on", "pk")):
        pending[alert.assigned_to].append(alert)
    sent = 0
    for user, alerts in pending.items():
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = render_to_string("earlywarning/digest.txt", {"user": user, "alerts": alerts, "as_of": as_of})
            subject = _("Forsa: %(n)s learners at high risk to follow") % {"n": len(alerts)}
        send_mail(subject, body, None, [user.email])
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(notified_on=as_of)
        sent += 1
    return sent
