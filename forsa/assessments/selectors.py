"""Every read of basic skills, already scoped: the framework, assessments and their grids,
progress (a learner's, a group's heat-map, indicators at every level), remediation."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch
from django.utils import timezone

from forsa.assessments.models import (
    Assessment,
    BulletinBatch,
    Competency,
    Domain,
    Framework,
    Kind,
    LevelDescriptor,
    Pole,
    RemediationGroup,
    RemediationSession,
    Result,
)
from forsa.centers.models import Center, school_year_of
from forsa.core import disclosure, scoping
from forsa.learners.models import Learner
from forsa.learners.selectors import expected_learners
from forsa.territory.models import Province, Region

DEFAULT_THRESHOLD = 3  # "acquired": below it, a learner is suggested for remediation


# ---------------------------------------------------------------------------
# The framework


def framework_list():
    return Framework.objects.annotate(competency_count=Count("competencies")).order_by("-version")


def framework_get(*, pk) -> Framework:
    return Framework.objects.get(pk=pk)


def framework_published() -> Framework | None:
    return Framework.objects.filter(status=Framework.Status.PUBLISHED).first()


def published_competencies():
    """The competencies of the published framework, with their domain and pole (for choices)."""
    return Competency.objects.filter(framework=framework_published()).select_related("domain__pole")


def competency_get(*, framework, pk) -> Competency:
    return Competency.objects.filter(framework=framework).get(pk=pk)


def pole_get(*, framework, pk) -> Pole:
    return Pole.objects.filter(framework=framework).get(pk=pk)


def domain_get(*, framework, pk) -> Domain:
    return Domain.objects.filter(pole__framework=framework).select_related("pole").get(pk=pk)


def framework_tree(*, framework):
    """Poles with their domains and competencies, and the scale's descriptors (four queries)."""
    competencies = Competency.objects.order_by("position", "code").prefetch_related(
        Prefetch("descriptors", queryset=LevelDescriptor.objects.order_by("level")))
    domains = Domain.objects.order_by("position", "code").prefetch_related(Prefetch("competencies", competencies))
    poles = Pole.objects.filter(framework=framework).prefetch_related(Prefetch("domains", queryset=domains))
    scale = LevelDescriptor.objects.filter(framework=framework, competency__isnull=True).order_by("level")
    return {"framework": framework, "poles": list(poles), "scale": list(scale)}


def scale_of(framework):
    return list(LevelDescriptor.objects.filter(framework=framework, competency__isnull=True).order_by("level"))


# ---------------------------------------------------------------------------
# Assessments and the results grid


def assessment_list(*, user, group):
    return (Assessment.objects.for_user(user).filter(group=group).select_related("framework", "assessed_by")
            .annotate(result_count=Count("results")).order_by("-date", "kind"))


def bulletin_batch_get(*, user, pk) -> BulletinBatch:
    """A group's bulletins in one PDF, for whoever reads the group and its learners; else DoesNotExist (404)."""
    return BulletinBatch.objects.for_user(user).select_related("group__center", "requested_by").get(pk=pk)


def assessment_get(*, user, pk) -> Assessment:
    return (Assessment.objects.for_user(user)
            .select_related("group__center", "framework", "center", "assessed_by").get(pk=pk))


def _competencies_of(assessment):
    return list(assessment.competencies.select_related("domain__pole")
                .order_by("domain__pole__position", "domain__position", "position", "code"))


@dataclass
class Grid:
    """The learners placed in the group on the assessment date × the competencies assessed."""

    assessment: Assessment
    learners: list
    competencies: list
    values: dict  # (learner id, competency id) → level or "absent"
    scale: list
    may_record: bool

    def rows(self):
        return [(learner, [(competency, self.values.get((learner.pk, competency.pk)))
                           for competency in self.competencies]) for learner in self.learners]

    @property
    def filled(self):
        return len(self.values)

    def filled_by_learner(self):
        """(learner, the number of their competencies with a level or an absence), in the grid's order."""
        counts = defaultdict(int)
        for learner, _competency in self.values:
            counts[learner] += 1
        return [(learner, counts[learner.pk]) for learner in self.learners]

    def neighbours(self, pk):
        """The grid's learner ``pk`` with the learners before and after them (None at either end), in the
        grid's order; Learner.DoesNotExist when the learner is not in the grid (a foreign or unknown id)."""
        ids = [learner.pk for learner in self.learners]
        if pk not in ids:
            raise Learner.DoesNotExist
        at = ids.index(pk)
        return (self.learners[at - 1] if at else None, self.learners[at],
                self.learners[at + 1] if at + 1 < len(ids) else None)


def results_grid(*, user, assessment) -> Grid:
    """Four queries whatever the size of the group."""
    learners = list(expected_learners(group=assessment.group, day=assessment.date).values())
    values = {(r.learner_id, r.competency_id): "absent" if r.absent else r.level
              for r in Result.objects.filter(assessment=assessment).only("learner_id", "competency_id", "level",
                                                                          "absent")}
    # Learners with results who are no longer placed that day still show (their results are kept).
    missing = {pk for pk, _c in values} - {learner.pk for learner in learners}
    if missing:
        learners += list(Learner._base_manager.filter(pk__in=missing))
    return Grid(assessment=assessment, learners=learners, competencies=_competencies_of(assessment), values=values,
                scale=scale_of(assessment.framework), may_record=scoping.can(user, "assessment.record",
                                                                               assessment.group))


def level_distribution(grid: Grid):
    """Per competency of the grid: the number of learners at each level and absent."""
    levels = list(range(1, grid.assessment.framework.levels + 1))
    counts = {c.pk: {level: 0 for level in [*levels, "absent"]} for c in grid.competencies}
    for (_learner, competency), value in grid.values.items():
        if competency in counts:
            counts[competency][value] += 1
    return [(c, [counts[c.pk][level] for level in [*levels, "absent"]]) for c in grid.competencies], levels


# ---------------------------------------------------------------------------
# Progress


@dataclass
class ProgressRow:
    code: str
    competency: Competency
    pole: Pole
    cells: list  # one per assessment column: level, "absent" or None

    @property
    def first(self):
        return next((v for v in self.cells if isinstance(v, int)), None)

    @property
    def latest(self):
        return next((v for v in reversed(self.cells) if isinstance(v, int)), None)


def learner_progress(*, learner, until=None):
    """The learner's level per competency over time: one column per assessment they have results in,
    one row per competency code (named as in the latest version it was assessed under). Two queries."""
    results = (Result.objects.filter(learner=learner).select_related("assessment", "competency__domain__pole")
               .order_by("assessment__date", "assessment__pk"))
    if until:
        results = results.filter(assessment__date__lte=until)
    columns, rows = [], {}
    for result in results:
        if result.assessment not in columns:
            columns.append(result.assessment)
        row = rows.setdefault(result.competency.code, ProgressRow(result.competency.code, result.competency,
                                                                  result.competency.domain.pole, {}))
        row.competency, row.pole = result.competency, result.competency.domain.pole
        row.cells[result.assessment.pk] = "absent" if result.absent else result.level
    for row in rows.values():
        row.cells = [row.cells.get(column.pk) for column in columns]
    ordered = sorted(rows.values(), key=lambda r: (r.pole.position, r.competency.domain.position,
                                                   r.competency.position, r.code))
    remediation = RemediationGroup.objects.filter(learners=learner).prefetch_related("competencies")
    remediation = list((remediation.filter(start_date__lte=until) if until else remediation).order_by("start_date"))
    return {"columns": columns, "rows": ordered, "remediation": remediation}


def group_heatmap(*, user, group, assessment=None):
    """The grid of one assessment of the group (the latest by default), coloured by level, and the
    distribution of levels per competency."""
    assessments = list(assessment_list(user=user, group=group))
    if assessment is None and assessments:
        assessment = assessments[0]
    if assessment is None:
        return {"assessments": [], "grid": None}
    grid = results_grid(user=user, assessment=assessment)
    distribution, levels = level_distribution(grid)
    return {"assessments": assessments, "grid": grid, "distribution": distribution, "levels": levels}


def pole_gains(rows):
    """Who gained at least one level per pole, from (learner, pole, kind, date, assessment, mean level) rows.

    Definition: a learner's *diagnostic* is their earliest diagnostic assessment; their *latest*
    is their latest assessment of any kind dated after it. For each pole, their level at an
    assessment is the mean of their levels on the pole's competencies at that assessment
    (absences are not levels and do not count). A learner is *measured* in a pole when they have a
    level in it both at their diagnostic and at a later assessment, and *gained* when the mean at
    the latest such assessment is at least one level above the mean at the diagnostic.

    Returns {(learner, pole): (diagnostic mean, latest mean, gained)}.
    """
    by_learner = defaultdict(list)
    for learner, pole, kind, day, assessment, mean in rows:
        by_learner[learner].append((day, assessment, kind, pole, mean))
    gains = {}
    for learner, items in by_learner.items():
        diagnostics = [(day, a) for day, a, kind, _p, _m in items if kind == Kind.DIAGNOSTIC]
        if not diagnostics:
            continue
        start = min(diagnostics)
        first, last = {}, {}
        for day, a, _kind, pole, mean in sorted(items):
            if (day, a) == start:
                first[pole] = mean
            elif (day, a) > start:
                last[pole] = mean
        for pole, mean in first.items():
            if pole in last:
                gains[(learner, pole)] = (mean, last[pole], last[pole] - mean >= 1)
    return gains


def recent_school_years(count=3):
    """The current school year and the ones before it, latest first."""
    start = int(school_year_of(timezone.localdate())[:4])
    return [f"{year}-{year + 1}" for year in range(start, start - count, -1)]


PLACE_PATH = {"region": "assessment__center__region_id", "province": "assessment__center__province_id",
              "center": "assessment__center_id"}


def indicators(*, user, school_year, level=None, within=None):
    """Per place (regions, provinces or centres, as the user's scope calls for) and pole: learners measured,
    learners who gained at least one level (see ``pole_gains``) and their share. One aggregate query
    (means per learner, pole and assessment) plus the names. ``within`` narrows to a region or province
    ({"region": region}), to drill down. For aggregate-only scopes (partner viewers) the results of the
    centres they see are counted, and the cells that forsa.core.disclosure hides are suppressed, pole by
    pole (the places of a pole and its total)."""
    level = level or scoping.overview_level(user)
    narrow = {f"assessment__center__{key}": place for key, place in (within or {}).items()}
    results = Result.objects.for_aggregates(user)  # partners: the results of the centres they see, to count
    rows = (results.filter(absent=False, assessment__group__school_year=school_year, **narrow)
            .values_list("learner_id", PLACE_PATH[level], "competency__domain__pole__code", "assessment__kind",
                         "assessment__date", "assessment_id")
            .annotate(mean=Avg("level")).order_by())
    latest_place, flat = {}, []
    for learner, place, pole, kind, day, assessment, mean in rows:
        # a learner counts where their latest results were taken
        latest_place[learner] = max(latest_place.get(learner, (day, place)), (day, place))
        flat.append((learner, pole, kind, day, assessment, float(mean)))
    place_of = {learner: place for learner, (_day, place) in latest_place.items()}
    gains = pole_gains(flat)
    small_cells = scoping.scope_of(user).aggregates_only
    poles = list(Pole.objects.filter(framework=framework_published()).order_by("position")) \
        if framework_published() else []
    codes = [p.code for p in poles]
    cells = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (learner, pole), (_first, _last, gained) in gains.items():
        for place in (place_of[learner], "total"):
            cells[place][pole][0] += 1
            cells[place][pole][1] += gained
    model = {"region": Region, "province": Province, "center": Center}[level]
    names = model.objects.for_user(user).in_bulk([p for p in cells if p != "total"])
    hidden = set()  # (place, pole) of the cells the small-cell rule hides from aggregate-only scopes
    for code in codes if small_cells else ():
        places = list(names)
        line, total = disclosure.suppress_line([cells[pk][code][0] for pk in places], total=cells["total"][code][0])
        hidden |= {(pk, code) for pk, is_hidden in zip(places, line, strict=True) if is_hidden}
        if total:
            hidden.add(("total", code))

    def line(place):
        out = []
        for code in codes:
            measured, gained = cells[place].get(code, (0, 0))
            suppressed = (place, code) in hidden
            out.append({"measured": None if suppressed else measured, "gained": None if suppressed else gained,
                        "share": None if suppressed or not measured else round(100 * gained / measured, 1),
                        "suppressed": suppressed})
        return out

    table = [{"object": names[pk], "cells": line(pk)} for pk in names]
    table.sort(key=lambda row: getattr(row["object"], "code", "") or row["object"].name)
    return {"level": level, "poles": poles, "rows": table, "total": line("total") if gains else None,
            "small_cells": small_cells, "school_year": school_year}


# ---------------------------------------------------------------------------
# Remediation


@dataclass
class Suggestion:
    """Learners below the threshold on the same competencies: a remediation group to consider."""

    competencies: list
    learners: list = field(default_factory=list)


def latest_levels(*, learner_ids, until=None):
    """(learner id, competency code) → (level, date) of the learner's latest level on that competency."""
    results = Result.objects.filter(learner_id__in=learner_ids, absent=False)
    if until:
        results = results.filter(assessment__date__lte=until)
    latest = {}
    for learner, code, level, day in (results.order_by("assessment__date", "assessment_id")
                                      .values_list("learner_id", "competency__code", "level", "assessment__date")):
        latest[(learner, code)] = (level, day)
    return latest


def remediation_suggestions(*, user, group, threshold=DEFAULT_THRESHOLD, minimum=2):
    """Learners of ``group`` whose latest level on a competency is below ``threshold``, one suggestion
    per competency; competencies with exactly the same weak learners are merged into one suggestion.
    Suggestions with fewer than ``minimum`` learners are dropped; the largest come first. Three queries."""
    assessment = assessment_list(user=user, group=group).first()
    if assessment is None:
        return []
    learners = expected_learners(group=group, day=assessment.date)
    latest = latest_levels(learner_ids=list(learners))
    weak = defaultdict(set)
    competencies = _competencies_of(assessment)
    for competency in competencies:
        for learner in learners:
            value = latest.get((learner, competency.code))
            if value is not None and value[0] < threshold:
                weak[competency.pk].add(learner)
    merged = {}
    for competency in competencies:
        members = frozenset(weak.get(competency.pk, ()))
        if len(members) >= minimum:
            merged.setdefault(members, Suggestion(competencies=[])).competencies.append(competency)
    suggestions = []
    for members, suggestion in merged.items():
        suggestion.learners = sorted((learners[pk] for pk in members), key=lambda x: (x.last_name, x.first_name))
        suggestions.append(suggestion)
    return sorted(suggestions, key=lambda s: (-len(s.learners), s.competencies[0].code))


def remediation_list(*, user, center=None):
    groups = (RemediationGroup.objects.for_user(user).select_related("center", "facilitator")
              .annotate(member_count=Count("learners", distinct=True)))
    return groups.filter(center=center) if center else groups


def remediation_get(*, user, pk) -> RemediationGroup:
    return (RemediationGroup.objects.for_user(user).select_related("center", "facilitator", "group")
            .prefetch_related("competencies", "learners",
                              Prefetch("sessions", queryset=RemediationSession.objects.prefetch_related("attended")))
            .get(pk=pk))


def remediation_change(*, remediation_group):
    """For each member and targeted competency: the latest level on or before the group's start,
    and the first level at an assessment after it ("the change at the next assessment"). One query."""
    codes = [c.code for c in remediation_group.competencies.all()]
    members = list(remediation_group.learners.all())
    before, after = {}, {}
    results = (Result.objects.filter(learner__in=members, competency__code__in=codes, absent=False)
               .order_by("assessment__date", "assessment_id")
               .values_list("learner_id", "competency__code", "level", "assessment__date"))
    for learner, code, level, day in results:
        if day <= remediation_group.start_date:
            before[(learner, code)] = level
        else:
            after.setdefault((learner, code), level)
    return [(learner, [(code, before.get((learner.pk, code)), after.get((learner.pk, code))) for code in codes])
            for learner in sorted(members, key=lambda x: (x.last_name, x.first_name))]


def groups_without_diagnostic(groups):
    """The ``groups`` (already scoped) no diagnostic assessment has placed yet, in name order."""
    return (groups.exclude(pk__in=Assessment.objects.filter(kind=Kind.DIAGNOSTIC).values("group"))
            .order_by("name", "pk"))
