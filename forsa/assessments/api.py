"""Basic skills: the framework (versions and tree), assessments of a group, their results grid
(read and save in one request), a learner's progress, indicators.

Reads go through ``forsa.assessments.selectors`` (groups through ``forsa.centers.selectors``), scoped
by ``forsa.core.scoping``, writes through ``forsa.assessments.services``: a group, assessment or
learner outside the user's scope is 404;
partner viewers read the framework and indicators only (small cells suppressed).
"""


from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from forsa.assessments import selectors, services
from forsa.assessments.models import Competency
from forsa.assessments.schemas import (
    AssessmentIn,
    AssessmentOut,
    FrameworkOut,
    FrameworkTreeOut,
    GridIn,
    GridOut,
    IndicatorRow,
    ProgressOut,
    SavedOut,
)
from forsa.centers.models import school_year_of
from forsa.centers.selectors import group_get
from forsa.core.api import fetch
from forsa.core.schemas import ErrorOut, Id, ValidationErrorOut
from forsa.learners.selectors import learner_get

router = Router(tags=["assessments"])


# Helpers ------------------------------------------------------------------------------


def _framework(pk):
    return fetch(selectors.framework_get, pk=pk)


def _assessment(user, pk):
    return fetch(selectors.assessment_get, user=user, pk=pk)


def _framework_out(framework):
    return {"id": framework.pk, "version": framework.version, "status": framework.status,
            "published_at": framework.published_at, "levels": framework.levels}


# Endpoints ----------------------------------------------------------------------------


@router.get("/assessments/frameworks", response={200: list[FrameworkOut]})
def framework_list(request):
    """Every version of the competency framework, latest first."""
    return list(selectors.framework_list())


@router.get("/assessments/frameworks/{framework_id}", response={200: FrameworkTreeOut, 404: ErrorOut})
def framework_detail(request, framework_id: Id):
    """One version with its poles, domains, competencies and the scale's descriptors."""
    tree = selectors.framework_tree(framework=_framework(framework_id))
    return _framework_out(tree["framework"]) | {"scale": tree["scale"], "poles": tree["poles"]}


@router.get("/assessments/groups/{group_id}", response={200: list[AssessmentOut], 404: ErrorOut})
def assessment_list(request, group_id: Id):
    """The assessments of a group, latest first."""
    group = fetch(group_get, user=request.auth, pk=group_id)
    return list(selectors.assessment_list(user=request.auth, group=group).prefetch_related("competencies"))


@router.post("/assessments/groups/{group_id}",
             response={201: AssessmentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut})
def assessment_create(request, group_id: Id, payload: AssessmentIn):
    """Create an assessment under the published framework (one per group, kind and day)."""
    group = fetch(group_get, user=request.auth, pk=group_id)
    if payload.kind not in ("diagnostic", "periodic", "summative"):
        raise ValidationError({"kind": _("Choose diagnostic, periodic or summative.")})
    competencies = None
    if payload.competencies is not None:
        framework = services.published_framework()
        competencies = list(Competency.objects.filter(framework=framework, code__in=payload.competencies))
        unknown = set(payload.competencies) - {c.code for c in competencies}
        if unknown:
            raise ValidationError({"competencies": _("Unknown competency code(s): %(codes)s.")
                                   % {"codes": ", ".join(sorted(unknown))}})
    assessment = services.assessment_create(actor=request.auth, group=group, kind=payload.kind, date=payload.date,
                                            competencies=competencies)
    return Status(201, assessment)


@router.get("/assessments/{assessment_id}/results", response={200: GridOut, 404: ErrorOut})
def results_read(request, assessment_id: Id):
    """The grid: learners placed in the group that day, competencies assessed, results entered."""
    assessment = _assessment(request.auth, assessment_id)
    grid = selectors.results_grid(user=request.auth, assessment=assessment)
    return {"assessment": assessment, "learners": grid.learners, "competencies": grid.competencies,
            "results": [{"learner": learner, "competency": competency, "level": None if value == "absent" else value,
                         "absent": value == "absent"} for (learner, competency), value in grid.values.items()]}


@router.put("/assessments/{assessment_id}/results",
            response={200: SavedOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut})
def results_save(request, assessment_id: Id, payload: GridIn):
    """Save cells of the grid in one request; any bad cell (a level outside the scale, a learner not in
    the group that day) refuses the whole request with the cell named."""
    assessment = _assessment(request.auth, assessment_id)
    cells = {(row.learner, row.competency): services.ABSENT if row.absent else row.level for row in payload.results}
    return services.results_save(actor=request.auth, assessment=assessment, cells=cells)


@router.get("/assessments/learners/{learner_id}", response={200: ProgressOut, 404: ErrorOut})
def learner_progress(request, learner_id: Id):
    """A learner's level per competency at each assessment they took part in."""
    learner = fetch(learner_get, user=request.auth, pk=learner_id)
    progress = selectors.learner_progress(learner=learner)
    columns = progress["columns"]
    return {"learner": learner.pk, "assessments": columns, "competencies": [
        {"code": row.code, "pole": row.pole.code, "name": row.competency.name, "cells": [
            {"assessment": column.pk, "level": None if value == "absent" else value, "absent": value == "absent"}
            for column, value in zip(columns, row.cells, strict=True) if value is not None]}
        for row in progress["rows"]]}


@router.get("/assessments/indicators", response={200: list[IndicatorRow]})
def indicator_list(request, school_year: str | None = None):
    """Share of learners gaining at least one level per pole between their diagnostic and latest
    assessment, per region, province or centre as the user's scope calls for, and in total.
    ``school_year`` (e.g. 2026-2027) is the current one when omitted."""
    school_year = school_year or school_year_of(timezone.localdate())
    table = selectors.indicators(user=request.auth, school_year=school_year)
    codes = [pole.code for pole in table["poles"]]

    def cells(line):
        return [{"pole": code, "measured": cell["measured"], "gained": cell["gained"], "share": cell["share"]}
                for code, cell in zip(codes, line, strict=True)]

    rows = [{"level": table["level"], "id": row["object"].pk, "name": row["object"].name, "cells": cells(row["cells"])}
            for row in table["rows"]]
    if table["total"]:
        rows.append({"level": "total", "id": None, "name": _("Total"), "cells": cells(table["total"])})
    return rows
