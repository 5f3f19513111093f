"""Reads of the early warning, always through the scoping module (for_user to show, for_aggregates to
count, small cells by forsa.core.disclosure)."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from forsa.attendance.models import Absence
from forsa.centers.models import Center
from forsa.core import disclosure, scoping
from forsa.earlywarning.models import (
    Alert,
    CenterRiskCount,
    Intervention,
    LearnerRisk,
    Level,
    RiskModel,
    RiskScore,
    level_order,
)
from forsa.learners.models import Learner, Outcome
from forsa.territory.models import Province, Region

EFFECT_WEEKS = 4
DROPOUT_WITHIN = timedelta(days=91)


def _level_order():
    return level_order()


def worklist(*, user, region=None, center=None, level=None, reason=None):
    """Learners of the user's scope at high or watch risk, most at risk first, with their open alert and
    the last intervention (subqueries: the query count does not grow with the rows)."""
    risks = LearnerRisk.objects.for_user(user).filter(level__in=[Level.HIGH, Level.WATCH])
    if region is not None:
        risks = risks.filter(center__region=region)
    if center is not None:
        risks = risks.filter(center=center)
    if level:
        risks = risks.filter(level=level)
    if reason:
        risks = risks.filter(reasons__contains=[{"code": reason}]) if _json_contains() else \
            risks.filter(reasons__icontains=f'"code": "{reason}"')
    open_alert = Alert.objects.filter(learner=OuterRef("learner"), status=Alert.Status.OPEN)
    last = Intervention.objects.filter(learner=OuterRef("learner")).order_by("-date", "-pk")
    return (risks.select_related("learner", "center")
            .annotate(order=_level_order(), alert_id=Subquery(open_alert.values("pk")[:1]),
                      assignee=Subquery(open_alert.values("assigned_to__full_name")[:1]),
                      last_kind=Subquery(last.values("kind")[:1]), last_date=Subquery(last.values("date")[:1]))
            .order_by("-order", "-rank", "learner_id"))


def worklist_count(*, user, region=None, center=None, level=None, reason=None):
    """How many learners ``worklist`` lists, read from the counts per centre (CenterRiskCount) where they
    say it: for a scope of territories only (national, regions, provinces: their learners are their
    centres' learners) and without a reason filter. None otherwise: the worklist is counted (a centre's
    staff read a short list; an educator sees their groups' learners, not the centre's)."""
    scope = scoping.scope_of(user)
    if reason or not scope.sees_persons or not scope.grants or not all(
            grant.role in scoping.NATIONAL_ROLES or grant.field in ("region", "province") for grant in scope.grants):
        return None
    counts = CenterRiskCount.objects.for_user(user)
    if region is not None:
        counts = counts.filter(center__region=region)
    if center is not None:
        counts = counts.filter(center=center)
    totals = counts.aggregate(high=Sum("high"), watch=Sum("watch"))
    return sum(totals[name] or 0 for name in ((level,) if level else ("high", "watch")))


def _json_contains():
    """JSON containment is PostgreSQL's; SQLite matches the stored text."""
    from django.db import connection

    return connection.vendor == "postgresql"


def learner_get(*, user, pk):
    """A learner of the user's scope (Learner.DoesNotExist otherwise)."""
    return Learner.objects.for_user(user).get(pk=pk)


def learner_risk_of(*, user, learner):
    """A learner's current risk, or None when not scored (no longer enrolled, or not yet)."""
    return LearnerRisk.objects.for_user(user).filter(pk=learner.pk).first()


def score_history(*, user, learner, weeks=26):
    return RiskScore.objects.for_user(user).filter(learner=learner).order_by("-as_of")[:weeks * 7]


def alerts_of(*, user, learner):
    return (Alert.objects.for_user(user).filter(learner=learner).select_related("assigned_to", "closed_by")
            .order_by("-opened_on", "-pk"))


def interventions_of(*, user, learner):
    return Intervention.objects.for_user(user).filter(learner=learner).select_related("actor", "alert")


def alert_get(*, user, pk):
    return Alert.objects.for_user(user).select_related("learner").get(pk=pk)


def alert_list(*, user, status=None):
    alerts = Alert.objects.for_user(user).select_related("learner", "assigned_to")
    return alerts.filter(status=status) if status else alerts


def my_new_alerts(*, user):
    """Open alerts handed to the user (the in-app side of the digest)."""
    return alert_list(user=user, status=Alert.Status.OPEN).filter(assigned_to=user).order_by("-opened_on", "pk")


def staff_choices(*, center_id):
    """Members of staff of a centre an alert may be handed to."""
    from forsa.accounts.models import User
    from forsa.core.roles import Role

    roles = (Role.CENTER_DIRECTOR, Role.COUNSELLOR, Role.EDUCATOR, Role.TRAINER)
    return User.objects.filter(memberships__center_id=center_id, memberships__role__in=roles,
                               is_active=True).distinct().order_by("full_name")


def active_model_card():
    """The active model (its card), or None (rules only)."""
    return RiskModel.objects.filter(is_active=True).defer("artifact").first()  # the card, not the megabytes


def risk_counts(*, user, level):
    """Learners scored, at watch and at high risk per ``level`` (region, province or centre) of the user's
    scope. Partners (aggregates only) read the same counts over the centres they may see
    (``for_aggregates``), with forsa.core.disclosure's small-cell rule column by column: a count that 1 to
    4 learners stand behind is hidden, and so is a second one when it could be worked out from the total."""
    scope = scoping.scope_of(user)
    # The counts per centre the scoring run wrote with the risks (CenterRiskCount, a row per centre),
    # summed per place: the same figures as counting the learners' risks, without reading them all.
    counts = CenterRiskCount.objects.for_aggregates(user)
    key = {"region": "center__region_id", "province": "center__province_id", "center": "center_id"}[level]
    rows = (counts.values(place=F(key)).annotate(scored=Sum("scored"), high=Sum("high"), watch=Sum("watch"))
            .order_by("place"))
    model = {"region": Region, "province": Province, "center": Center}[level]
    names = model.objects.for_user(user).in_bulk([row["place"] for row in rows])
    table = [row for row in rows if row["place"] in names]
    for name in ("scored", "high", "watch"):
        counts = [row[name] for row in table]
        hidden = (disclosure.suppress_line(counts, total=sum(counts))[0] if scope.aggregates_only
                  else [False] * len(table))
        for row, is_hidden in zip(table, hidden, strict=True):
            row[f"{name}_hidden"] = is_hidden
    for row in table:
        hidden = row["hidden"] = row.pop("scored_hidden")
        for name in ("high", "watch"):
            row[f"{name}_hidden"] = hidden or row[f"{name}_hidden"]
            row[f"{name}_rate"] = None if hidden or not row["scored"] else round(100 * row[name] / row["scored"], 1)
        row["object"] = names[row["place"]]
    table.sort(key=lambda row: getattr(row["object"], "code", "") or str(row["object"]))
    return table


def intervention_effect(*, user, center=None):
    """For each intervention type, by centre and nationally: attendance in the 4 weeks after against the
    4 weeks before, and the share of learners who dropped out within 3 months. Descriptive, not causal.

    Three aggregate queries over the interventions of the user's scope: roll calls expected around each
    intervention (through the learner's placements), absences around it, and dropouts after it.
    """
    scope = scoping.scope_of(user)
    interventions = Intervention.objects.for_aggregates(user)  # partners: those of the centres they see
    if center is not None:
        interventions = interventions.filter(center=center)
    window = timedelta(weeks=EFFECT_WEEKS)
    sessions = "learner__enrollments__placements__group__sessions"
    placement = "learner__enrollments__placements"
    # One filter() call, so that the sessions and the placement are the same joined rows.
    expected = (interventions.filter(
        Q(**{f"{sessions}__date__gte": F("date") - window}) & Q(**{f"{sessions}__date__lt": F("date") + window})
        & Q(**{f"{sessions}__date__gte": F(f"{placement}__start_date")})
        & (Q(**{f"{placement}__end_date__isnull": True}) | Q(**{f"{sessions}__date__lt": F(f"{placement}__end_date")})))
        .values("kind", "center_id")
        .annotate(before=Count(sessions, filter=Q(**{f"{sessions}__date__lt": F("date")})),
                  after=Count(sessions, filter=Q(**{f"{sessions}__date__gte": F("date")})))
        .order_by())
    absences = (interventions.filter(learner__absences__kind=Absence.Kind.ABSENT,
                                     learner__absences__session__date__gte=F("date") - window,
                                     learner__absences__session__date__lt=F("date") + window)
                .values("kind", "center_id")
                .annotate(before=Count("learner__absences", filter=Q(learner__absences__session__date__lt=F("date"))),
                          after=Count("learner__absences", filter=Q(learner__absences__session__date__gte=F("date"))))
                .order_by())
    dropped = (interventions.values("kind", "center_id")
               .annotate(n=Count("pk", distinct=True), learners=Count("learner", distinct=True),
                         dropped=Count("learner", distinct=True, filter=Q(
                             learner__enrollments__exit__outcome=Outcome.DROPOUT,
                             learner__enrollments__exit__exit_date__gte=F("date"),
                             learner__enrollments__exit__exit_date__lte=F("date") + DROPOUT_WITHIN)))
               .order_by())
    cells = defaultdict(lambda: {"n": 0, "learners": 0, "dropped": 0, "expected_before": 0, "expected_after": 0,
                                 "absent_before": 0, "absent_after": 0})
    for rows, names in ((expected, {"before": "expected_before", "after": "expected_after"}),
                        (absences, {"before": "absent_before", "after": "absent_after"}),
                        (dropped, {"n": "n", "learners": "learners", "dropped": "dropped"})):
        for row in rows:
            for key in ((row["kind"], row["center_id"]), (row["kind"], None)):
                for source, target in names.items():
                    cells[key][target] += row[source]
    centers = Center.objects.for_user(user).in_bulk({center_id for _kind, center_id in cells if center_id})
    hidden = dict.fromkeys(cells, False)
    for kind in {kind for kind, _center in cells} if scope.aggregates_only else ():
        # a kind's line: its centres, and its total (the national row) that they add up to
        places = [key for key in cells if key[0] == kind and key[1] is not None]
        line, total = disclosure.suppress_line([cells[key]["learners"] for key in places],
                                               total=cells[(kind, None)]["learners"])
        hidden |= dict(zip(places, line, strict=True)) | {(kind, None): total}
    table = []
    for (kind, center_id), cell in cells.items():
        is_hidden = hidden[(kind, center_id)]
        table.append({
            "kind": kind, "kind_label": Intervention.Kind(kind).label, "center": centers.get(center_id),
            "n": None if is_hidden else cell["n"], "learners": None if is_hidden else cell["learners"],
            "hidden": is_hidden,
            "before": None if is_hidden else _rate(cell["expected_before"], cell["absent_before"]),
            "after": None if is_hidden else _rate(cell["expected_after"], cell["absent_after"]),
            "dropped_share": None if is_hidden or not cell["learners"] else
            round(100 * cell["dropped"] / cell["learners"], 1),
        })
    table.sort(key=lambda row: (row["center"] is not None, row["center"].code if row["center"] else "",
                                Intervention.Kind.values.index(row["kind"])))
    return table


def _rate(expected, absent):
    return None if not expected else round(100 * (expected - absent) / expected, 1)



def active_model():
    """The active RiskModel (RiskModel.DoesNotExist when rules alone decide)."""
    return RiskModel.objects.get(is_active=True)


def center_for_thresholds(*, user):
    """The centre whose own cap of high alerts the user may set (a director's centre), when there is one."""
    ids = sorted(scoping.scope_of(user).ids("center", roles=scoping.PERMISSIONS["attendance.rules"]))
    return Center.objects.for_user(user).filter(pk__in=ids).order_by("pk").first() if ids else None


def at_risk_by_center(*, user, centers) -> dict[int, dict[str, int]]:
    """{centre id: {"high": n, "watch": n}} of the learners the user sees at risk in ``centers`` (one query)."""
    counts = defaultdict(dict)
    for center_id, level, count in (LearnerRisk.objects.for_user(user)
                                    .filter(center__in=centers, level__in=[Level.HIGH, Level.WATCH])
                                    .order_by().values_list("center", "level").annotate(count=Count("pk"))):
        counts[center_id][level] = count
    return dict(counts)
