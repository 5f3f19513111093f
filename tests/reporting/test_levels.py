"""The association level, the period and breakdown picker, the change over the previous period, and the new
indicators' disclosure to a partner viewer, on the pages and in the API."""

import datetime

import pytest
from django.urls import reverse

from forsa.reporting import figures
from forsa.reporting.indicators import indicator_get
from forsa.reporting.selectors import Place, change, indicator_cells, previous_period
from tests.factories import make_center, make_learner
from tests.reporting.network import build_network

D = datetime.date.fromisoformat
QUERY = "?year=2026-2027&month=2026-11"
API = "/api/v1/indicators"


@pytest.fixture
def network(world):
    return build_network(world)


def test_association_page_shows_its_centres(client, world, network):
    """The own association runs A, A2 (and the closed centre); B belongs to the foreign one."""
    own = world["own"].association
    client.force_login(world["own"].users["association_manager"])
    response = client.get(reverse("reporting:association", args=[own.pk]) + QUERY)
    assert response.status_code == 200
    totals = {figure["indicator"].code: figure["total"] for figure in response.context["key_figures"]}
    assert totals["learners_enrolled"].value == 2 and totals["seats"].value == 200
    assert totals["conventions_signed"].value == 1 and totals["interventions"].value == 2
    assert {row["object"] for row in response.context["rows"]} == {network.a, network.a2}
    foreign = world["foreign"].association
    assert client.get(reverse("reporting:association", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("reporting:association", args=[999999])).status_code == 404


def test_association_in_the_api(client, world, network):
    own, foreign = world["own"].association, world["foreign"].association
    client.force_login(world["own"].users["association_manager"])
    answer = client.get(f"{API}/learners_enrolled/associations/{own.pk}{QUERY}-01").json()
    assert answer["place"] == {"level": "association", "code": str(own.pk), "name": own.name}
    assert answer["total"]["value"] == 2 and answer["sublevel"] == "center"
    assert {cell["key"]: cell["value"] for cell in answer["cells"]} == {network.a.code: 2}
    assert client.get(f"{API}/learners_enrolled/associations/{foreign.pk}").status_code == 404
    client.force_login(world["national_analyst"])
    assert client.get(f"{API}/seats/associations/{foreign.pk}{QUERY}-01").json()["total"]["value"] == 120


def test_regional_manager_does_not_reach_a_foreign_association(client, world, network):
    client.force_login(world["own"].users["regional_manager"])
    foreign = world["foreign"].association
    assert client.get(reverse("reporting:association", args=[foreign.pk])).status_code == 404
    assert client.get(f"{API}/seats/associations/{foreign.pk}").status_code == 404
    assert client.get(reverse("reporting:association", args=[world["own"].association.pk])).status_code == 200


def test_breakdown_picker(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:national") + QUERY + "&breakdown=pole")
    table = response.context["by_category"]
    assert [indicator.code for indicator in table["indicators"]] == ["basic_skills_gain"]
    rows = {str(row["label"]): row["cells"][0] for row in table["rows"]}
    assert {label: cell.value for label, cell in rows.items() if cell} == {"Langue arabe": 100.0,
                                                                          "Mathématiques": 66.7}
    assert 'id="category-table"' in response.content.decode()
    response = client.get(reverse("reporting:national") + QUERY + "&breakdown=sex")
    codes = [indicator.code for indicator in response.context["by_category"]["indicators"]]
    assert codes == ["learners_enrolled", "new_intakes", "retention_3m", "retention_6m", "in_remediation",
                     "learners_at_risk", "interventions"]
    for bad in ("colour", "%00", ""):
        response = client.get(reverse("reporting:national") + QUERY + f"&breakdown={bad}")
        assert response.status_code == 200 and response.context["by_category"] is None


def test_change_over_the_previous_period(client, world, network):
    """2025-2026 read on 5 December 2025: Hajar enrolled at B (1 learner); this year 5: up 4. Attendance:
    November 71.4 %, no roll call in October: no change shown."""
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:national") + QUERY)
    figures_ = {figure["indicator"].code: figure for figure in response.context["key_figures"]}
    enrolled = figures_["learners_enrolled"]["change"]
    assert (enrolled["previous"].value, enrolled["direction"], enrolled["delta"], enrolled["when"]) == (
        1, "up", 4, "\u200e2025-2026")
    assert figures_["attendance_rate"]["change"]["direction"] is None
    html = response.content.decode()
    assert "▲" in html and "2025-2026" in html


def test_previous_period_of_a_month_and_of_a_year():
    period = figures.Period.of("2026-2027", month=D("2026-09-01"), today=D("2026-12-05"))
    before = previous_period(period, "attendance_rate")
    assert (before.school_year, before.month) == ("2025-2026", D("2026-08-01"))
    before = previous_period(period, "learners_enrolled")
    assert (before.school_year, before.reference_day()) == ("2025-2026", D("2025-12-05"))
    rate = indicator_get("girls_share")
    assert change(rate, figures.Cell(60.0), figures.Cell(62.5))["delta"] == 2.5
    assert change(rate, figures.Cell(60.0), figures.Cell(None, suppressed=True))["direction"] is None


def _many_learners(world):
    third = make_center(region_code="09")
    for center, count in ((world["own"].center, 6), (world["foreign"].center, 3), (third, 7)):
        for n in range(count):
            make_learner(center, first_name=f"Nour{n}", birth_date=f"2011-0{1 + n % 9}-1{n % 9}",
                         start_date="2025-09-15", school_year="2025-2026")
    return third


def test_partner_viewer_gets_the_new_indicators_disclosed(client, world, network):
    """Retention of last year's intakes (on 5 December 2026, all were still enrolled): 6, 3 + Hajar and 7 per
    region; the foreign region's 4 is hidden and so is the own region's 6 (secondary); interventions (2 and 1
    learners) hidden, and their total (3 < 5); conventions are about institutions: shown."""
    third = _many_learners(world)
    partner = world["partner_viewer"]
    last_year = figures.Period.of("2025-2026", today=D("2026-12-05"))
    result = indicator_cells(user=partner, code="retention_3m", place=Place("national"), period=last_year)
    regions = {world["own"].center.region_id: "01", world["foreign"].center.region_id: "06", third.region_id: "09"}
    shown = {regions[key]: cell.value for key, cell in result["cells"].items()}
    assert shown == {"01": None, "06": None, "09": 100.0}
    assert result["total"].value == 100.0 and result["total"].denominator == 17
    this_year = figures.Period.of("2026-2027", month=D("2026-11-01"), today=D("2026-12-05"))
    interventions = indicator_cells(user=partner, code="interventions", place=Place("national"), period=this_year)
    assert interventions["total"].suppressed and all(cell.suppressed for cell in interventions["cells"].values())
    conventions = indicator_cells(user=partner, code="amounts_disbursed", place=Place("national"), period=this_year)
    assert conventions["total"].value == 350_000
    client.force_login(partner)
    page = client.get(reverse("reporting:national") + QUERY)
    totals = {figure["indicator"].code: figure["total"] for figure in page.context["key_figures"]}
    assert totals["interventions"].suppressed and totals["learners_at_risk"].suppressed  # 3 learners each
    assert totals["in_remediation"].suppressed and totals["basic_skills_gain"].suppressed
    assert totals["amounts_disbursed"].value == 350_000 and totals["rolls_not_taken"].value == 39
    assert 'class="suppressed"' in page.content.decode()
    answer = client.get(f"{API}/retention_3m/national?year=2025-2026").json()
    assert {cell["key"]: cell["suppressed"] for cell in answer["cells"]} == {"01": True, "06": True, "09": False}
    answer = client.get(f"{API}/interventions/national{QUERY}-01").json()
    assert answer["total"]["suppressed"] and answer["total"]["value"] is None
    answer = client.get(f"{API}/basic_skills_gain/national{QUERY}-01&breakdown=pole").json()
    assert all(cell["suppressed"] for cell in answer["cells"]) and answer["total"]["suppressed"]


def test_the_national_page_in_arabic(client, world, network):
    client.force_login(world["national_analyst"])
    client.post(reverse("accounts:language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("reporting:national") + QUERY + "&breakdown=risk_level").content.decode()
    for text in ("الاحتفاظ بعد 3 أشهر", "نداءات الحضور غير المنجزة", "الإنذار المبكر",
                 "ارتفاع بـ4 (1 في <bdi>\u200e2025-2026</bdi>)", "الأرقام الرئيسية حسب مستوى الخطر"):
        assert text in html, text
