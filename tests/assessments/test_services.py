"""Basic skills services and selectors: framework versions, the results grid (constant queries, clear
refusals, nothing half-saved), progress on hand-checked cases, remediation suggestions and change."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forsa.assessments import selectors, services
from forsa.assessments.models import Assessment, Competency, Framework, Result
from tests.assessments.conftest import DIAGNOSTIC_DAY, PERIODIC_DAY, add_learners, competency
from tests.factories import make_group

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# Framework


def test_default_framework_is_published_once_and_idempotent(framework):
    assert framework.version == 1 and framework.levels == 4
    assert set(framework.poles.values_list("code", flat=True)) == {"AR", "FR", "MATH", "LIFE", "VOC"}
    assert framework.competencies.count() >= 25
    assert framework.descriptors.filter(competency__isnull=True).count() == 4
    assert all(c.name_ar for c in framework.competencies.all())
    assert services.framework_ensure_default() == 0
    assert Framework.objects.count() == 1


def test_a_published_version_is_frozen_and_a_new_version_keeps_past_results_readable(scene, national_admin):
    framework = scene["framework"]
    math = competency(framework, "MATH-NUM-2")
    with pytest.raises(ValidationError, match="figée"):
        services.competency_save(actor=national_admin, competency=math, name_fr="Autre chose")
    draft = services.framework_draft_create(actor=national_admin, source=framework)
    assert (draft.version, draft.status) == (2, "draft")
    assert draft.competencies.count() == framework.competencies.count()
    with pytest.raises(ValidationError, match="brouillon"):
        services.framework_draft_create(actor=national_admin, source=framework)
    new_math = draft.competencies.get(code="MATH-NUM-2")
    services.competency_save(actor=national_admin, competency=new_math, name_fr="Additionner et soustraire "
                             "jusqu'à 10 000")
    services.framework_publish(actor=national_admin, framework=draft)
    framework.refresh_from_db()
    draft.refresh_from_db()
    assert (framework.status, draft.status) == ("retired", "published")
    assert draft.published_at is not None
    # The diagnostic taken under version 1 still reads under version 1.
    diagnostic = scene["own"].diagnostic
    diagnostic.refresh_from_db()
    assert diagnostic.framework_id == framework.pk
    assert Competency.objects.get(pk=math.pk).name_fr == "Additionner et soustraire"
    assert set(diagnostic.results.values_list("competency__framework_id", flat=True)) == {framework.pk}
    # New assessments are taken under version 2.
    later = services.assessment_create(actor=scene["own"].users["educator"], group=scene["own"].group,
                                       kind="periodic", date=PERIODIC_DAY)
    assert later.framework_id == draft.pk
    assert set(later.competencies.values_list("framework_id", flat=True)) == {draft.pk}


def test_only_national_admins_manage_the_framework(scene):
    with pytest.raises(PermissionDenied):
        services.framework_draft_create(actor=scene["own"].users["center_director"], source=scene["framework"])


# ---------------------------------------------------------------------------
# Assessments and the results grid


def test_absent_is_not_the_lowest_level(scene):
    results = {r.learner_id: r for r in scene["own"].diagnostic.results.all()}
    learners = scene["own"].learners
    assert (results[learners[0].pk].level, results[learners[0].pk].absent) == (1, False)
    assert (results[learners[2].pk].level, results[learners[2].pk].absent) == (None, True)


def test_a_second_assessment_of_the_same_kind_on_the_same_day_is_refused(scene):
    own = scene["own"]
    with pytest.raises(ValidationError) as error:
        services.assessment_create(actor=own.users["educator"], group=own.group, kind="diagnostic",
                                   date=DIAGNOSTIC_DAY)
    assert "a déjà une évaluation de ce type ce jour-là" in str(error.value.message_dict["date"])
    assert Assessment.objects.filter(group=own.group).count() == 1
    # Another kind on the same day is fine.
    services.assessment_create(actor=own.users["educator"], group=own.group, kind="periodic", date=DIAGNOSTIC_DAY)


def _grid_cells(framework, learners, codes, value):
    return {(learner.pk, competency(framework, code).pk): value for learner in learners for code in codes}


def test_bad_grid_is_refused_whole_with_the_learner_and_competency_named(scene):
    own, framework = scene["own"], scene["framework"]
    cells = _grid_cells(framework, own.learners, ["FR-READ-1"], 3)
    cells[(own.learners[1].pk, competency(framework, "AR-READ-2").pk)] = 7
    with pytest.raises(ValidationError) as error:
        services.results_save(actor=own.users["educator"], assessment=own.diagnostic, cells=cells)
    messages = error.value.message_dict["results"]
    assert any("Bilal Bennani" in m and "AR-READ-2" in m and "7" in m for m in messages), messages
    assert own.diagnostic.results.count() == 3  # nothing of the grid was saved


def test_a_result_for_a_learner_not_in_the_group_is_refused(scene):
    own, framework = scene["own"], scene["framework"]
    stranger = scene["foreign"].learners[0]
    cells = _grid_cells(framework, own.learners, ["FR-READ-1"], 2)
    cells[(stranger.pk, competency(framework, "FR-READ-1").pk)] = 2
    with pytest.raises(ValidationError) as error:
        services.results_save(actor=own.users["educator"], assessment=own.diagnostic, cells=cells)
    assert any("Amina Alaoui" in m and "pas dans ce groupe le 20/09/2026" in m
               for m in error.value.message_dict["results"])
    assert own.diagnostic.results.count() == 3


def test_results_can_be_corrected_and_cleared(scene):
    own, framework = scene["own"], scene["framework"]
    math = competency(framework, "MATH-NUM-2").pk
    counts = services.results_save(actor=own.users["educator"], assessment=own.diagnostic, cells={
        (own.learners[0].pk, math): "2", (own.learners[1].pk, math): "", (own.learners[2].pk, math): "absent"})
    assert counts == {"created": 0, "updated": 1, "removed": 1}
    assert dict(own.diagnostic.results.values_list("learner_id", "level")) == {own.learners[0].pk: 2,
                                                                               own.learners[2].pk: None}


def test_the_grid_is_saved_in_a_number_of_queries_that_does_not_grow_with_the_group(world, framework):
    center = world["own"].center
    educator = world["own"].users["educator"]
    codes = ["AR-READ-1", "AR-READ-2", "FR-READ-1", "MATH-NUM-1", "MATH-NUM-2"]

    def save(size, offset):
        group = make_group(center, name=f"Groupe {size}", educators=[educator])
        learners = add_learners(group, size, offset=offset)
        assessment = services.assessment_create(actor=educator, group=group, kind="diagnostic", date=DIAGNOSTIC_DAY)
        cells = _grid_cells(framework, learners, codes, 2)
        with CaptureQueriesContext(connection) as first:
            services.results_save(actor=educator, assessment=assessment, cells=cells)
        cells = {key: 3 for key in cells}
        with CaptureQueriesContext(connection) as second:
            services.results_save(actor=educator, assessment=assessment, cells=cells)
        assert assessment.results.filter(level=3).count() == size * len(codes)
        return len(first), len(second)

    small, large = save(2, 0), save(12, 100)
    assert small == large, (small, large)
    assert max(large) <= 14


def test_educators_record_only_for_their_groups(scene):
    own = scene["own"]
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=scene["foreign"].users["educator"], group=own.group, kind="periodic",
                                   date=PERIODIC_DAY)
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=own.users["counsellor"], group=own.group, kind="periodic", date=PERIODIC_DAY)


# ---------------------------------------------------------------------------
# Progress


def test_pole_gains_hand_checked():
    d1, p1, p2 = datetime.date(2026, 9, 20), datetime.date(2026, 11, 2), datetime.date(2027, 1, 10)
    rows = [
        # learner 1: math 1.5 → 3.0 (gain 1.5), French 2.0 → 2.5 (gain 0.5)
        (1, "MATH", "diagnostic", d1, 10, 1.5), (1, "MATH", "periodic", p1, 11, 2.0),
        (1, "MATH", "periodic", p2, 12, 3.0), (1, "FR", "diagnostic", d1, 10, 2.0), (1, "FR", "periodic", p1, 11, 2.5),
        # learner 2: math exactly +1 counts; Arabic at the diagnostic only is not measured
        (2, "MATH", "diagnostic", d1, 10, 2.0), (2, "MATH", "summative", p2, 12, 3.0),
        (2, "AR", "diagnostic", d1, 10, 1),
        # learner 3: no diagnostic, not measured
        (3, "MATH", "periodic", p1, 11, 1.0), (3, "MATH", "periodic", p2, 12, 4.0),
    ]
    gains = selectors.pole_gains(rows)
    assert gains == {(1, "MATH"): (1.5, 3.0, True), (1, "FR"): (2.0, 2.5, False), (2, "MATH"): (2.0, 3.0, True)}


def _periodic(side, framework, levels):
    """A periodic assessment of the side's group with MATH-NUM-2 levels for its learners."""
    periodic = services.assessment_create(actor=side.users["educator"], group=side.group, kind="periodic",
                                          date=PERIODIC_DAY)
    math = competency(framework, "MATH-NUM-2").pk
    services.results_save(actor=side.users["educator"], assessment=periodic,
                          cells={(learner.pk, math): level for learner, level in zip(side.learners, levels,
                                                                                      strict=True)})
    return periodic


def test_indicators_share_of_learners_gaining_a_level_per_pole(scene):
    own, framework = scene["own"], scene["framework"]
    _periodic(own, framework, [3, 2, 4])  # 1 → 3 gained; 2 → 2 not; absent at the diagnostic: not measured
    table = selectors.indicators(user=own.users["center_director"], school_year="2026-2027")
    assert table["level"] == "center"
    math = [p.code for p in table["poles"]].index("MATH")
    [row] = table["rows"]
    assert row["object"] == own.center
    assert row["cells"][math] == {"measured": 2, "gained": 1, "share": 50.0, "suppressed": False}
    national = selectors.indicators(user=scene["national_admin"], school_year="2026-2027")
    assert national["level"] == "region"
    assert {r["object"].code for r in national["rows"]} == {"01"}  # the foreign side has no later assessment
    # A partner sees aggregates only, and a cell of two learners is suppressed.
    partner = selectors.indicators(user=scene["partner_viewer"], school_year="2026-2027")
    assert partner["rows"][0]["cells"][math] == {"measured": None, "gained": None, "share": None, "suppressed": True}


def test_learner_progress_over_time(scene):
    own, framework = scene["own"], scene["framework"]
    _periodic(own, framework, [3, 2, 4])
    progress = selectors.learner_progress(learner=own.learners[2])
    assert [a.kind for a in progress["columns"]] == ["diagnostic", "periodic"]
    [row] = progress["rows"]
    assert (row.code, row.cells, row.first, row.latest) == ("MATH-NUM-2", ["absent", 4], 4, 4)


# ---------------------------------------------------------------------------
# Remediation


def test_remediation_suggestions_cluster_learners_below_the_threshold(scene):
    own, framework = scene["own"], scene["framework"]
    periodic = _periodic(own, framework, [1, 2, 3])
    ar, fr = competency(framework, "AR-READ-2").pk, competency(framework, "FR-READ-1").pk
    services.results_save(actor=own.users["educator"], assessment=periodic, cells={
        (own.learners[0].pk, ar): 2, (own.learners[1].pk, ar): 1, (own.learners[2].pk, ar): 4,
        (own.learners[0].pk, fr): 1, (own.learners[1].pk, fr): 4, (own.learners[2].pk, fr): 1})
    suggestions = selectors.remediation_suggestions(user=own.users["educator"], group=own.group, threshold=3)
    # MATH-NUM-2 and AR-READ-2: Amina and Bilal; FR-READ-1: Amina and Chaimae.
    summary = [(sorted(c.code for c in s.competencies), [learner.first_name for learner in s.learners])
               for s in suggestions]
    assert summary == [(["AR-READ-2", "MATH-NUM-2"], ["Amina", "Bilal"]), (["FR-READ-1"], ["Amina", "Chaimae"])]
    # Below 2 (level 1): only FR-READ-1 has two learners; MATH-NUM-2 and AR-READ-2 have one each.
    [only] = selectors.remediation_suggestions(user=own.users["educator"], group=own.group, threshold=2)
    assert [c.code for c in only.competencies] == ["FR-READ-1"]


def test_remediation_group_sessions_and_change_at_the_next_assessment(scene):
    own, framework = scene["own"], scene["framework"]
    math = competency(framework, "MATH-NUM-2")
    remediation = services.remediation_group_create(
        actor=own.users["educator"], center=own.center, name="Calcul", competencies=[math],
        learners=own.learners[:2], start_date=datetime.date(2026, 10, 1), group=own.group)
    assert remediation.facilitator == own.users["educator"]
    services.remediation_session_record(actor=own.users["educator"], remediation_group=remediation,
                                        date=datetime.date(2026, 10, 5), content="Tables d'addition",
                                        attended=[own.learners[0]], follow_up="Progrès nets.")
    with pytest.raises(ValidationError):
        services.remediation_session_record(actor=own.users["educator"], remediation_group=remediation,
                                            date=datetime.date(2026, 10, 6), content="x", attended=[own.learners[2]])
    with pytest.raises(ValidationError):
        services.remediation_group_create(actor=own.users["educator"], center=own.center, name="x",
                                          competencies=[math], learners=[scene["foreign"].learners[0]],
                                          start_date=datetime.date(2026, 10, 1))
    _periodic(own, framework, [3, 2, 4])
    change = selectors.remediation_change(remediation_group=remediation)
    assert [(learner.first_name, cells) for learner, cells in change] == [
        ("Amina", [("MATH-NUM-2", 1, 3)]), ("Bilal", [("MATH-NUM-2", 2, 2)])]
    assert Result.objects.count() == 9
