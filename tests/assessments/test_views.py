"""Basic skills pages: scope on every page, the results grid in one POST (clear refusals, nothing
half-saved), query counts of the grid, heat-map and progress pages, the framework pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forsa.assessments import services
from forsa.assessments.models import Assessment, Framework, Result
from tests.assessments.conftest import PERIODIC_DAY, add_learners, competency
from tests.queries import assert_constant_queries
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404, status_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(scene):
    for label in ("own", "foreign"):
        side = scene[label]
        side.remediation = services.remediation_group_create(
            actor=side.users["educator"], center=side.center, name="Calcul", group=side.group,
            competencies=[competency(scene["framework"], "MATH-NUM-2")], learners=side.learners[:2],
            start_date=datetime.date(2026, 10, 1))
    return scene


PAGES = {  # route → keyword arguments from a side
    "assessments:group": lambda side: {"pk": side.group.pk},
    "assessments:heatmap": lambda side: {"pk": side.group.pk},
    "assessments:suggestions": lambda side: {"pk": side.group.pk},
    "assessments:grid": lambda side: {"pk": side.diagnostic.pk},
    "assessments:remediation": lambda side: {"pk": side.remediation.pk},
    "assessments:learner": lambda side: {"pk": side.learners[0].pk},
}


@pytest.mark.parametrize("route", PAGES)
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_every_page_own_visible_foreign_404(client, pages, role, route):
    assert_own_visible_foreign_404(client, pages, role, route, PAGES[route])


@pytest.mark.parametrize("route", PAGES)
def test_partners_never_see_a_person_and_national_roles_see_all(client, pages, route):
    url = reverse(route, kwargs=PAGES[route](pages["foreign"]))
    assert status_for(client, pages["partner_viewer"], url) == 404
    assert status_for(client, pages["national_admin"], url) == 200
    assert status_for(client, pages["national_analyst"], url) == 200


def test_an_educator_sees_only_their_groups(client, pages):
    other = services.remediation_group_create(
        actor=pages["own"].users["center_director"], center=pages["own"].center, name="Lecture",
        competencies=[competency(pages["framework"], "AR-READ-1")], learners=pages["own"].learners[2:],
        start_date=datetime.date(2026, 10, 1))
    url = reverse("assessments:remediation", args=[other.pk])
    assert status_for(client, pages["own"].users["educator"], url) == 404
    assert status_for(client, pages["own"].users["counsellor"], url) == 200


def test_indicators_page_for_every_role(client, pages):
    url = reverse("assessments:indicators")
    for user in [pages["partner_viewer"], pages["national_admin"], *pages["own"].users.values()]:
        assert status_for(client, user, url) == 200


def _grid_post(side, framework, values):
    data = {}
    for learner, value in zip(side.learners, values, strict=True):
        for code in ("MATH-NUM-2", "FR-READ-1"):
            data[f"cell_{learner.pk}_{competency(framework, code).pk}"] = value
    return data


def test_the_grid_is_saved_in_one_post(client, pages):
    own, framework = pages["own"], pages["framework"]
    client.force_login(own.users["educator"])
    url = reverse("assessments:grid", args=[own.diagnostic.pk])
    response = client.post(url, _grid_post(own, framework, ["1", "absent", "4"]))
    assert response.status_code == 302
    saved = {(r.learner_id, r.competency.code): (r.level, r.absent) for r in own.diagnostic.results.all()}
    assert saved[(own.learners[0].pk, "FR-READ-1")] == (1, False)
    assert saved[(own.learners[1].pk, "MATH-NUM-2")] == (None, True)
    assert saved[(own.learners[2].pk, "FR-READ-1")] == (4, False)
    page = client.get(url).content.decode()
    assert 'value="absent" selected' in page


def test_a_bad_grid_post_is_refused_with_a_clear_message_and_nothing_saved(client, pages):
    own, framework = pages["own"], pages["framework"]
    client.force_login(own.users["educator"])
    url = reverse("assessments:grid", args=[own.diagnostic.pk])
    data = _grid_post(own, framework, ["3", "3", "3"])
    data[f"cell_{own.learners[1].pk}_{competency(framework, 'FR-READ-1').pk}"] = "9"
    data[f"cell_{pages['foreign'].learners[0].pk}_{competency(framework, 'FR-READ-1').pk}"] = "2"
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bilal Bennani, FR-READ-1 : le niveau 9 est hors de" in page  # … l'échelle (1 à 4).
    assert "Amina Alaoui n&#x27;est pas dans ce groupe le" in page
    assert own.diagnostic.results.count() == 3 and not own.diagnostic.results.filter(level=3).exists()


def test_readers_cannot_post_the_grid(client, pages):
    own = pages["own"]
    client.force_login(own.users["counsellor"])
    response = client.post(reverse("assessments:grid", args=[own.diagnostic.pk]),
                           _grid_post(own, pages["framework"], ["2", "2", "2"]))
    assert response.status_code == 403
    assert own.diagnostic.results.count() == 3


def test_create_an_assessment_from_the_group_page_and_refuse_a_duplicate(client, pages):
    own = pages["own"]
    client.force_login(own.users["educator"])
    url = reverse("assessments:group", args=[own.group.pk])
    data = {"kind": "periodic", "date": PERIODIC_DAY.isoformat(), "poles": ["MATH", "FR"]}
    response = client.post(url, data)
    assessment = Assessment.objects.get(group=own.group, kind="periodic")
    assert response.url == reverse("assessments:grid", args=[assessment.pk])
    assert set(assessment.competencies.values_list("domain__pole__code", flat=True)) == {"MATH", "FR"}
    response = client.post(url, data)
    assert "Ce groupe a déjà une évaluation de ce type ce jour-là." in response.content.decode()
    assert Assessment.objects.filter(group=own.group, kind="periodic").count() == 1


def test_remediation_from_a_suggestion_and_a_session(client, pages):
    own, framework = pages["own"], pages["framework"]
    client.force_login(own.users["center_director"])
    url = reverse("assessments:suggestions", args=[own.group.pk])
    page = client.get(url).content.decode()
    assert "MATH-NUM-2" in page and "Amina Alaoui" in page and "Bilal Bennani" in page
    math = competency(framework, "MATH-NUM-2")
    response = client.post(url, {"name": "Calcul 2", "start_date": "2026-10-10",
                                 "learners": [own.learners[0].pk], "competencies": [math.pk]})
    assert response.status_code == 302
    detail = client.get(response.url)
    assert "Calcul 2" in detail.content.decode()
    response = client.post(response.url, {"date": "2026-10-12", "content": "Tables", "done": "on",
                                          "attended": [own.learners[0].pk], "follow_up": "Bien."})
    assert response.status_code == 302


def test_framework_pages_and_versions(client, pages):
    framework = pages["framework"]
    admin = pages["national_admin"]
    director = pages["own"].users["center_director"]
    assert status_for(client, director, reverse("assessments:framework", args=[framework.pk])) == 200
    client.force_login(director)
    assert client.post(reverse("assessments:framework_draft", args=[framework.pk])).status_code == 403
    client.force_login(admin)
    client.post(reverse("assessments:framework_draft", args=[framework.pk]))
    draft = Framework.objects.get(status="draft")
    domain = draft.competencies.get(code="MATH-NUM-1").domain
    response = client.post(reverse("assessments:competency_new", args=[draft.pk]), {
        "domain": domain.pk, "code": "MATH-NUM-5", "name_fr": "Estimer un ordre de grandeur",
        "name_ar": "تقدير رتبة مقدار", "reference_level": "S1", "position": 9})
    assert response.status_code == 302
    frozen = framework.competencies.get(code="MATH-NUM-1")
    response = client.post(reverse("assessments:competency_edit", args=[framework.pk, frozen.pk]), {
        "domain": frozen.domain.pk, "code": "MATH-NUM-1", "name_fr": "Changé", "name_ar": "", "reference_level": "P2",
        "position": 0})
    assert "figée" in response.content.decode()
    for route in ("assessments:domain_new", "assessments:competency_new"):
        assert client.get(reverse(route, args=[draft.pk])).status_code == 200
    assert client.get(reverse("assessments:framework", args=[draft.pk])).status_code == 200
    response = client.post(reverse("assessments:domain_new", args=[draft.pk]), {
        "pole": draft.poles.get(code="LIFE").pk, "code": "LIFE-CIT", "name_fr": "Citoyenneté", "name_ar": "المواطنة",
        "position": 5})
    assert response.status_code == 302 and draft.poles.get(code="LIFE").domains.filter(code="LIFE-CIT").exists()
    response = client.post(reverse("assessments:domain_new", args=[framework.pk]), {
        "pole": framework.poles.get(code="LIFE").pk, "code": "LIFE-X", "name_fr": "X", "position": 0})
    assert "figée" in response.content.decode()  # the published version takes no new domain
    client.post(reverse("assessments:framework_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published" and draft.competencies.filter(code="MATH-NUM-5").exists()
    assert Framework.objects.get(pk=framework.pk).status == "retired"


# ---------------------------------------------------------------------------
# Query counts


def _bigger(pages, count=6, offset=50):
    own = pages["own"]
    learners = add_learners(own.group, count, offset=offset)
    services.results_save(actor=own.users["educator"], assessment=own.diagnostic, cells={
        (learner.pk, competency(pages["framework"], code).pk): 2 for learner in learners
        for code in ("MATH-NUM-2", "AR-READ-1")})
    return learners


@pytest.mark.parametrize("route", ["assessments:grid", "assessments:heatmap", "assessments:learner",
                                   "assessments:suggestions", "assessments:remediation"])
def test_query_counts_do_not_grow(client, pages, route):
    own = pages["own"]
    client.force_login(own.users["center_director"])
    url = reverse(route, kwargs=PAGES[route](own))

    def grow():
        learners = _bigger(pages)
        periodic = services.assessment_create(actor=own.users["educator"], group=own.group, kind="periodic",
                                              date=PERIODIC_DAY)
        services.results_save(actor=own.users["educator"], assessment=periodic, cells={
            (own.learners[0].pk, competency(pages["framework"], "FR-READ-1").pk): 3})
        own.remediation.learners.add(*learners)

    assert_constant_queries(client, url, grow, at_most=30)


def test_grid_post_queries_do_not_grow(client, pages):
    own, framework = pages["own"], pages["framework"]
    client.force_login(own.users["educator"])
    url = reverse("assessments:grid", args=[own.diagnostic.pk])

    def post(value):
        """Every cell of the grid changes to ``value`` (updates only: the same statements each time)."""
        math = competency(framework, "MATH-NUM-2").pk
        learners = set(Result.objects.filter(assessment=own.diagnostic).values_list("learner_id", flat=True))
        data = {f"cell_{learner}_{math}": value for learner in learners}
        data |= {key: value for key in _grid_post(own, framework, ["2", "2", "2"])}
        with CaptureQueriesContext(connection) as context:
            assert client.post(url, data).status_code == 302
        return len(context)

    post("3")  # warm up (the session), and every cell has a result from now on
    before = post("2")
    _bigger(pages, count=8)
    after = post("3")
    assert before == after, (before, after)
    assert Result.objects.filter(assessment=own.diagnostic, level=3).count() == 8 + 3 * 2



def test_the_learner_file_links_to_the_progress(client, pages):
    learner = pages["own"].learners[0]
    client.force_login(pages["own"].users["center_director"])
    page = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert reverse("assessments:learner", args=[learner.pk]) in page


def test_my_groups_lists_only_visible_groups(client, pages):
    url = reverse("assessments:mine")
    client.force_login(pages["own"].users["educator"])
    page = client.get(url).content.decode()
    assert reverse("assessments:group", args=[pages["own"].group.pk]) in page
    assert reverse("assessments:group", args=[pages["foreign"].group.pk]) not in page
    assert status_for(client, pages["partner_viewer"], url) == 404  # no group, no person


def test_a_closed_remediation_group_takes_no_more_sessions(client, pages):
    own = pages["own"]
    client.force_login(own.users["counsellor"])
    url = reverse("assessments:remediation", args=[own.remediation.pk])
    assert client.post(reverse("assessments:remediation_close", args=[own.remediation.pk])).status_code == 302
    own.remediation.refresh_from_db()
    assert own.remediation.status == "closed"
    response = client.post(url, {"date": "2026-10-12", "content": "Tables", "done": "on"})
    assert response.status_code == 200 and "Ce groupe de remédiation est clos." in response.content.decode()
    assert not own.remediation.sessions.exists()
    client.force_login(own.users["association_manager"])  # sees the group, may not manage it
    assert client.post(reverse("assessments:remediation_close", args=[own.remediation.pk])).status_code == 403


def test_indicators_drill_down_from_regions_to_centres(client, pages):
    own, framework = pages["own"], pages["framework"]
    periodic = services.assessment_create(actor=own.users["educator"], group=own.group, kind="periodic",
                                          date=PERIODIC_DAY)
    math = competency(framework, "MATH-NUM-2").pk
    services.results_save(actor=own.users["educator"], assessment=periodic, cells={
        (learner.pk, math): 4 for learner in own.learners})
    client.force_login(pages["national_admin"])
    url = reverse("assessments:indicators")
    regions = client.get(url, {"school_year": "2026-2027"})
    assert f"region={own.center.region.pk}" in regions.content.decode()
    provinces = client.get(url, {"school_year": "2026-2027", "region": own.center.region.pk})
    assert [row["object"] for row in provinces.context["rows"]] == [own.center.province]
    centres = client.get(url, {"school_year": "2026-2027", "province": own.center.province.pk})
    [row] = centres.context["rows"]
    assert row["object"] == own.center
    assert "100 %" in centres.content.decode()  # both measured learners gained (1 → 4, 2 → 4)
    client.force_login(pages["foreign"].users["regional_manager"])
    assert client.get(url, {"school_year": "2026-2027", "province": own.center.province.pk}).context["rows"] == []


def test_results_export_as_xlsx_is_logged_and_scoped(client, pages):
    import io

    from openpyxl import load_workbook

    from forsa.audit.models import AuditEntry

    own = pages["own"]
    url = reverse("assessments:grid_export", args=[own.diagnostic.pk])
    client.force_login(own.users["educator"])
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    math = rows[0].index("MATH-NUM-2")
    assert {row[0]: row[math] for row in rows[1:]} == {"Amina Alaoui": 1, "Bilal Bennani": 2, "Chaimae Chraibi": "Abs."}
    assert AuditEntry.objects.filter(action="export", actor=own.users["educator"]).exists()
    assert status_for(client, pages["foreign"].users["educator"], url) == 404
    assert status_for(client, pages["partner_viewer"], url) == 404
