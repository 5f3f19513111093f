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
from tests.factories import make_learner
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
    "assessments:learner_results": lambda side: {"pk": side.diagnostic.pk, "learner": side.learners[0].pk},
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
    assert "Bilal Bennani, FR-READ-1 · Déchiffrer des mots et des phrases : le niveau 9 est hors de" in page
    assert "Amina Alaoui n&#x27;est pas dans ce groupe le" in page
    assert own.diagnostic.results.count() == 3 and not own.diagnostic.results.filter(level=3).exists()


# ---------------------------------------------------------------------------
# One learner at a time (the grid on a phone)


def _learner_url(side, learner):
    return reverse("assessments:learner_results", kwargs={"pk": side.diagnostic.pk, "learner": learner.pk})


def _learner_post(client, url, **levels):
    """The learner's form as the page shows it, with ``levels`` (competency code → value) changed."""
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    for code, value in levels.items():
        [name] = [name for name, field in form.fields.items() if name.endswith(f"_{_pk(form, code)}")]
        data[name] = value
    return data


def _pk(form, code):
    return next(c.pk for c in form.grid.competencies if c.code == code)


def test_one_learners_results_are_saved_then_the_next_learner_opens(client, pages):
    own = pages["own"]
    amina, bilal, chaimae = own.learners
    client.force_login(own.users["educator"])
    url = _learner_url(own, amina)
    page = client.get(url).content.decode()
    assert "Déchiffrer des mots et des phrases" in page and "FR-READ-1" in page  # the name, the code beside it
    assert page.count('type="radio"') == 6 * own.diagnostic.competencies.count()  # —, 1 to 4, absent
    assert _learner_url(own, bilal) in page and "1 sur 3" in page
    response = client.post(url, _learner_post(client, url, **{"FR-READ-1": "4", "MATH-NUM-2": "absent"}) | {
        "next": "1"})
    assert response.status_code == 302 and response.url == _learner_url(own, bilal)
    saved = {(r.learner_id, r.competency.code): (r.level, r.absent) for r in own.diagnostic.results.all()}
    assert saved == {(amina.pk, "FR-READ-1"): (4, False), (amina.pk, "MATH-NUM-2"): (None, True),
                     (bilal.pk, "MATH-NUM-2"): (2, False), (chaimae.pk, "MATH-NUM-2"): (None, True)}
    # The last learner: no "next", saving stays on their page; "—" removes a result.
    last = _learner_url(own, chaimae)
    page = client.get(last).content.decode()
    assert '<button type="submit" name="next"' not in page and "3 sur 3" in page
    response = client.post(last, _learner_post(client, last, **{"MATH-NUM-2": ""}) | {"next": "1"})
    assert response.url == last
    assert not own.diagnostic.results.filter(learner=chaimae).exists()


def test_one_bad_value_saves_nothing_and_names_the_competency(client, pages):
    own = pages["own"]
    amina = own.learners[0]
    client.force_login(own.users["educator"])
    url = _learner_url(own, amina)
    before = sorted(own.diagnostic.results.values_list("learner_id", "competency_id", "level", "absent"))
    response = client.post(url, _learner_post(client, url, **{"FR-READ-1": "3", "AR-READ-1": "9"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amina Alaoui, AR-READ-1 · " in page and ": le niveau 9 est hors de l&#x27;échelle (1 à 4)." in page
    assert sorted(own.diagnostic.results.values_list("learner_id", "competency_id", "level", "absent")) == before
    response = client.post(url, {"cell_x_y": "1", f"cell_{amina.pk}_{_pk(response.context['form'], 'AR-READ-1')}":
                                 "<script>"})  # nonsense: refused, never a 500
    assert response.status_code == 200 and "Veuillez corriger" in response.content.decode()
    huge = "9" * 20  # beyond the keys' range: refused by name, never a database error
    for key in (f"cell_{huge}_{_pk(response.context['form'], 'AR-READ-1')}", f"cell_{amina.pk}_{huge}"):
        response = client.post(url, {key: "2"})
        assert response.status_code == 200 and huge in response.content.decode(), key
    assert sorted(own.diagnostic.results.values_list("learner_id", "competency_id", "level", "absent")) == before


def test_the_learner_page_404s_for_a_learner_outside_the_assessment(client, pages):
    own, foreign = pages["own"], pages["foreign"]
    client.force_login(own.users["educator"])
    for learner in (foreign.learners[0], *add_learners(foreign.group, 1)):
        assert client.get(_learner_url(own, learner)).status_code == 404
    outsider = make_learner(own.center, first_name="Driss", last_name="Daoudi", start_date="2026-09-15",
                            birth_date="2011-05-05")  # own centre, not in the group
    assert client.get(_learner_url(own, outsider)).status_code == 404
    assert client.get(reverse("assessments:learner_results", kwargs={
        "pk": own.diagnostic.pk, "learner": 999999})).status_code == 404
    # an own learner in the foreign assessment: 404 too (the assessment is out of scope)
    assert client.get(_learner_url(foreign, own.learners[0])).status_code == 404


def test_readers_see_one_learners_results_and_cannot_post_them(client, pages):
    own = pages["own"]
    client.force_login(own.users["counsellor"])
    url = _learner_url(own, own.learners[1])
    page = client.get(url).content.decode()
    assert 'type="radio"' not in page and '<span class="lvl lvl-2">2</span>' in page
    assert client.post(url, {f"cell_{own.learners[1].pk}_{_pk(client.get(url).context['form'], 'MATH-NUM-2')}":
                             "4"}).status_code == 403
    assert own.diagnostic.results.get(learner=own.learners[1]).level == 2


def test_the_grid_links_to_each_learners_page_and_the_heatmap_names_competencies(client, pages):
    own = pages["own"]
    client.force_login(own.users["educator"])
    page = client.get(reverse("assessments:grid", args=[own.diagnostic.pk])).content.decode()
    for learner in own.learners:
        assert _learner_url(own, learner) in page
    assert "1/" in page  # each learner's results entered so far
    heatmap = client.get(reverse("assessments:heatmap", args=[own.group.pk])).content.decode()
    assert '<span class="competency-name" title="FR-READ-1">Déchiffrer des mots et des phrases</span>' in heatmap
    assert "<abbr" not in heatmap


def test_one_learners_page_takes_eight_queries_whatever_the_group(client, pages):
    """Eight queries at most, the same with 3 learners or 9."""
    own = pages["own"]
    client.force_login(own.users["educator"])
    assert_constant_queries(client, _learner_url(own, own.learners[0]), lambda: _bigger(pages), at_most=8)


def test_one_learners_post_takes_the_same_queries_whatever_the_group(client, pages):
    own = pages["own"]
    client.force_login(own.users["educator"])
    url = _learner_url(own, own.learners[0])

    def post(value):
        data = _learner_post(client, url, **{"MATH-NUM-2": value, "FR-READ-1": value})
        with CaptureQueriesContext(connection) as context:
            assert client.post(url, data).status_code == 302
        return len(context)

    post("3")  # warm up: both results exist from now on
    before = post("2")
    _bigger(pages, count=8)
    after = post("3")
    assert before == after, (before, after)


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
                                   "assessments:suggestions", "assessments:remediation",
                                   "assessments:learner_results"])
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
