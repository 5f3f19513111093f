"""Basic skills API: framework, assessments, the results grid (read, save in constant queries, refusals
naming the cell), progress and indicators; scope on every endpoint (foreign 404, partners no person)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forsa.assessments import services
from tests.api.conftest import API
from tests.assessments.conftest import DIAGNOSTIC_DAY, PERIODIC_DAY, add_learners, competency
from tests.scope import SCOPED_ROLES

pytestmark = pytest.mark.django_db

ENDPOINTS = {  # GET path from a side
    "group": lambda side: f"{API}/assessments/groups/{side.group.pk}",
    "grid": lambda side: f"{API}/assessments/{side.diagnostic.pk}/results",
    "progress": lambda side: f"{API}/assessments/learners/{side.learners[0].pk}",
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_own_visible_foreign_404(api_as, scene, role, endpoint):
    client = api_as(scene["own"].users[role])
    assert client.get(ENDPOINTS[endpoint](scene["own"])).status_code == 200
    assert client.get(ENDPOINTS[endpoint](scene["foreign"])).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_partners_see_no_group_or_person(api_as, scene, endpoint):
    assert api_as(scene["partner_viewer"]).get(ENDPOINTS[endpoint](scene["own"])).status_code == 404


def test_framework_versions_and_tree(api_as, scene):
    client = api_as(scene["partner_viewer"])
    [version] = client.get(f"{API}/assessments/frameworks").json()
    assert (version["version"], version["status"], version["levels"]) == (1, "published", 4)
    tree = client.get(f"{API}/assessments/frameworks/{version['id']}").json()
    assert [p["code"] for p in tree["poles"]][:3] == ["AR", "FR", "MATH"]
    assert len(tree["scale"]) == 4 and tree["scale"][0]["text_ar"]
    codes = [c["code"] for p in tree["poles"] for d in p["domains"] for c in d["competencies"]]
    assert "MATH-NUM-2" in codes
    assert client.get(f"{API}/assessments/frameworks/99999").status_code == 404


def test_create_an_assessment_and_save_its_grid(api_as, scene):
    own, framework = scene["own"], scene["framework"]
    client = api_as(own.users["educator"])
    url = f"{API}/assessments/groups/{own.group.pk}"
    response = client.post(url, {"kind": "periodic", "date": PERIODIC_DAY.isoformat(),
                                 "competencies": ["MATH-NUM-2", "FR-READ-1"]}, content_type="application/json")
    assert response.status_code == 201, response.content
    assessment = response.json()
    assert sorted(assessment["competencies"]) == ["FR-READ-1", "MATH-NUM-2"]
    again = client.post(url, {"kind": "periodic", "date": PERIODIC_DAY.isoformat()}, content_type="application/json")
    assert again.status_code == 422 and "date" in again.json()["errors"]
    math = competency(framework, "MATH-NUM-2").pk
    grid_url = f"{API}/assessments/{assessment['id']}/results"
    saved = client.put(grid_url, {"results": [
        {"learner": own.learners[0].pk, "competency": math, "level": 3},
        {"learner": own.learners[1].pk, "competency": math, "absent": True}]}, content_type="application/json")
    assert saved.json() == {"created": 2, "updated": 0, "removed": 0}
    grid = client.get(grid_url).json()
    assert {(r["learner"], r["level"], r["absent"]) for r in grid["results"]} == {
        (own.learners[0].pk, 3, False), (own.learners[1].pk, None, True)}
    assert [learner["name"] for learner in grid["learners"]] == ["Amina Alaoui", "Bilal Bennani", "Chaimae Chraibi"]


def test_bad_cells_refuse_the_whole_request(api_as, scene):
    own, framework = scene["own"], scene["framework"]
    client = api_as(own.users["educator"])
    math = competency(framework, "MATH-NUM-2").pk
    response = client.put(f"{API}/assessments/{own.diagnostic.pk}/results", {"results": [
        {"learner": own.learners[0].pk, "competency": math, "level": 4},
        {"learner": own.learners[1].pk, "competency": math, "level": 0},
        {"learner": scene["foreign"].learners[0].pk, "competency": math, "level": 2}]},
        content_type="application/json")
    assert response.status_code == 422
    messages = response.json()["errors"]["results"]
    assert any("Bilal Bennani" in m and "MATH-NUM-2" in m and "niveau 0" in m for m in messages), messages
    assert any("Amina Alaoui" in m and "pas dans ce groupe" in m for m in messages)
    assert dict(own.diagnostic.results.values_list("learner_id", "level"))[own.learners[0].pk] == 1


def test_readers_cannot_save(api_as, scene):
    own = scene["own"]
    response = api_as(own.users["counsellor"]).put(f"{API}/assessments/{own.diagnostic.pk}/results",
                                                   {"results": []}, content_type="application/json")
    assert response.status_code == 403


def test_grid_save_queries_do_not_grow(api_as, scene):
    own, framework = scene["own"], scene["framework"]
    client = api_as(own.users["educator"])
    url = f"{API}/assessments/{own.diagnostic.pk}/results"
    codes = ("MATH-NUM-2", "FR-READ-1", "AR-READ-1")

    def put(level):
        learners = [*own.learners, *getattr(own, "more", [])]
        body = {"results": [{"learner": learner.pk, "competency": competency(framework, code).pk, "level": level}
                            for learner in learners for code in codes]}
        with CaptureQueriesContext(connection) as context:
            assert client.put(url, body, content_type="application/json").status_code == 200
        return len(context)

    put(2)
    before = put(3)
    own.more = add_learners(own.group, 10)
    services.results_save(actor=own.users["educator"], assessment=own.diagnostic, cells={
        (learner.pk, competency(framework, code).pk): 1 for learner in own.more for code in codes})
    after = put(2)
    assert before == after, (before, after)
    assert own.diagnostic.results.filter(level=2).count() == 13 * 3


def test_progress_and_indicators(api_as, scene):
    own, framework = scene["own"], scene["framework"]
    periodic = services.assessment_create(actor=own.users["educator"], group=own.group, kind="periodic",
                                          date=PERIODIC_DAY)
    math = competency(framework, "MATH-NUM-2").pk
    services.results_save(actor=own.users["educator"], assessment=periodic, cells={
        (own.learners[0].pk, math): 3, (own.learners[1].pk, math): 2, (own.learners[2].pk, math): 4})
    client = api_as(own.users["center_director"])
    progress = client.get(f"{API}/assessments/learners/{own.learners[0].pk}").json()
    [row] = progress["competencies"]
    assert [(c["level"], c["absent"]) for c in row["cells"]] == [(1, False), (3, False)]
    assert [a["date"] for a in progress["assessments"]] == [DIAGNOSTIC_DAY.isoformat(), PERIODIC_DAY.isoformat()]
    rows = client.get(f"{API}/assessments/indicators", {"school_year": "2026-2027"}).json()
    [centre, total] = rows
    math_cell = next(c for c in centre["cells"] if c["pole"] == "MATH")
    assert (centre["level"], centre["id"]) == ("center", own.center.pk)
    assert (math_cell["measured"], math_cell["gained"], math_cell["share"]) == (2, 1, 50.0)
    assert total["level"] == "total"
    partner = api_as(scene["partner_viewer"]).get(f"{API}/assessments/indicators",
                                                  {"school_year": "2026-2027"}).json()
    assert next(c for c in partner[0]["cells"] if c["pole"] == "MATH")["measured"] is None  # 2 < 5: suppressed
    foreign = api_as(scene["foreign"].users["center_director"]).get(f"{API}/assessments/indicators",
                                                                    {"school_year": "2026-2027"}).json()
    assert foreign == []  # the foreign side has no later assessment, and never sees the own side


def test_writes_on_a_foreign_scope_are_404(api_as, scene):
    foreign = scene["foreign"]
    client = api_as(scene["own"].users["educator"])
    created = client.post(f"{API}/assessments/groups/{foreign.group.pk}",
                          {"kind": "periodic", "date": PERIODIC_DAY.isoformat()}, content_type="application/json")
    assert created.status_code == 404
    saved = client.put(f"{API}/assessments/{foreign.diagnostic.pk}/results", {"results": [
        {"learner": foreign.learners[0].pk, "competency": competency(scene["framework"], "MATH-NUM-2").pk,
         "level": 4}]}, content_type="application/json")
    assert saved.status_code == 404
    assert foreign.diagnostic.results.filter(level=4).count() == 0
