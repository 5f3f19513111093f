"""The catalogue page and the dashboards: figures with their definition, drill-down, scope, disclosure."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from forsa.reporting.indicators import catalogue
from tests.factories import make_center, make_learner
from tests.reporting.network import build_network

QUERY = "?year=2026-2027&month=2026-11"


@pytest.fixture
def network(world):
    return build_network(world)


def test_catalogue_lists_every_indicator_with_its_definition_in_each_language(client, world):
    client.force_login(world["partner_viewer"])
    for language in ("fr", "ar", "en"):
        with translation.override(language):
            html = client.get(reverse("reporting:catalogue"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
            for indicator in catalogue():
                assert f'id="{indicator.anchor}"' in html
                assert str(indicator.definition).replace("'", "&#x27;") in html


def test_every_figure_of_the_dashboard_links_to_its_definition(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:national") + QUERY)
    html = response.content.decode()
    anchors = set(re.findall(r'href="/reporting/indicators/#(indicator-[a-z0-9_]+)"', html))
    # the census figures are on the coverage page it links to (tests/reporting/test_coverage.py)
    on_coverage_page = {"indicator-out_of_school", "indicator-coverage_rate"}
    assert anchors == {indicator.anchor for indicator in catalogue()} - on_coverage_page
    assert reverse("reporting:coverage") in html
    totals = {figure["indicator"].code: getattr(figure["total"], "value", None)
              for figure in response.context["key_figures"]}
    assert totals["learners_enrolled"] == 5 and totals["attendance_rate"] == 71.4 and totals["seats"] == 320


def test_national_table_drills_down_to_region_province_and_centre(client, world, network):
    client.force_login(world["national_analyst"])
    html = client.get(reverse("reporting:national") + QUERY).content.decode()
    region, province = network.a.region, network.a.province
    assert reverse("reporting:region", args=[region.code]) in html
    response = client.get(reverse("reporting:region", args=[region.code]) + QUERY)
    assert [row["object"] for row in response.context["rows"]] == [province]
    assert reverse("reporting:province", args=[province.code]) in response.content.decode()
    response = client.get(reverse("reporting:province", args=[province.code]) + QUERY)
    names = {row["object"] for row in response.context["rows"]}
    assert network.a in names and network.a2 in names  # A2 counts no learner yet but is open
    response = client.get(reverse("reporting:center", args=[network.a.pk]) + QUERY)
    assert response.status_code == 200
    assert response.context["key_figures"][0]["total"].value == 2


def test_regional_manager_sees_only_its_region(client, world, network):
    manager = world["own"].users["regional_manager"]
    client.force_login(manager)
    response = client.get(reverse("reporting:dashboard") + QUERY)
    assert response.context["place"].obj == network.a.region
    assert response.context["key_figures"][0]["total"].value == 2
    foreign = network.b
    assert client.get(reverse("reporting:region", args=[foreign.region.code])).status_code == 404
    assert client.get(reverse("reporting:province", args=[foreign.province.code])).status_code == 404
    assert client.get(reverse("reporting:center", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("reporting:national")).status_code == 403


def test_own_dashboard_of_each_role(client, world, network):
    own = world["own"]
    for role, level in (("provincial_manager", "province"), ("center_director", "center"),
                        ("association_manager", "scope"), ("national_admin", "national"),
                        ("partner_viewer", "national")):
        user = own.users.get(role) or world[role]
        client.force_login(user)
        response = client.get(reverse("reporting:dashboard") + QUERY)
        assert response.status_code == 200, role
        assert response.context["place"].level == level, role


def test_partner_viewer_gets_hidden_cells_on_the_page(client, world):
    """6, 3 and 7 learners in regions 01, 06 and 09: 06 hidden (3 < 5), 01 hidden too (16 - 6 - 7 = 3)."""
    third = make_center(region_code="09")
    for center, count in ((world["own"].center, 6), (world["foreign"].center, 3), (third, 7)):
        for n in range(count):
            make_learner(center, first_name=f"Nour{n}", birth_date=f"2011-0{1 + n % 9}-1{n % 9}")
    client.force_login(world["partner_viewer"])
    response = client.get(reverse("reporting:national") + QUERY)
    rows = {row["object"].code: row["cells"][0] for row in response.context["rows"]}
    assert {code: cell.value for code, cell in rows.items()} == {"01": None, "06": None, "09": 7}
    html = response.content.decode()
    assert html.count('class="suppressed"') >= 2
    client.force_login(world["national_analyst"])
    rows = {row["object"].code: row["cells"][0].value
            for row in client.get(reverse("reporting:national") + QUERY).context["rows"]}
    assert rows == {"01": 6, "06": 3, "09": 7}


@pytest.mark.parametrize("query", ["?year=1999-2000", "?year=abc&month=2026-13", "?month=%00", "?year=2026-2026",
                                   "?year=2026-2027&month=2031-01"])
def test_no_error_from_a_hand_edited_period(client, world, query):
    client.force_login(world["national_admin"])
    assert client.get(reverse("reporting:national") + query).status_code == 200


def test_unknown_places_are_404(client, world):
    client.force_login(world["national_admin"])
    assert client.get(reverse("reporting:region", args=["99"])).status_code == 404
    assert client.get(reverse("reporting:province", args=["nowhere"])).status_code == 404
    assert client.get(reverse("reporting:center", args=[999999])).status_code == 404
    assert client.get("/reporting/centres/99999999999999999999/").status_code == 404
    assert client.get("/reporting/provinces/a%00b/").status_code == 404


def test_query_count_does_not_grow_with_the_places(client, world, network, django_assert_max_num_queries):
    client.force_login(world["national_analyst"])
    url = reverse("reporting:national") + QUERY
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for code in ("02", "03", "04", "05", "07"):
        center = make_center(region_code=code)
        make_learner(center, first_name=f"Rim{code}")
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["rows"]) == 7
    # 70: 21 key figures, each its total and its previous period's total (occupancy 4 for each; basic skills and
    # rolls not taken 2 each), 6 of them by region too, 2 for
    # the outcomes, 4 for the learners by sex and age band, 1 for the month-by-month attendance, the region
    # names, the map's place names, the session, user and scope (it was 32 with 9 key figures and no change over
    # the previous period), and the look-ups of the roll-ups' last refresh of this year and the previous one (none
    # here: computed directly)
    assert len(small) <= 73


def test_charts_are_svg_with_a_title_and_mirrored_in_arabic(client, world, network):
    client.force_login(world["national_analyst"])
    html = client.get(reverse("reporting:national") + QUERY).content.decode()
    assert '<svg role="img" aria-labelledby="chart-enrolled-title"' in html
    assert "<title>" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    client.post(reverse("accounts:language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("reporting:national") + QUERY).content.decode()
    assert 'dir="rtl"' in html and 'direction="rtl"' in html
    # Region 06 has 3 learners, the most: its bar is full width; region 01's (2) starts a third of the way in.
    assert 'x="33.3%" y="' in html


def test_attendance_month_by_month(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:national") + QUERY)
    trend = dict(response.context["trend"])
    november = trend[datetime.date(2026, 11, 1)]
    assert (november.denominator, november.numerator, november.value) == (7, 5, 71.4)
    assert trend[datetime.date(2026, 10, 1)] is None  # no roll call in October
    assert 'aria-labelledby="chart-trend-title"' in response.content.decode()


@pytest.mark.parametrize("page", ["region", "province", "center", "catalogue"])
def test_query_count_of_the_other_pages_does_not_grow(client, world, network, page, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = network.a
    url = {"region": reverse("reporting:region", args=[a.region.code]),
           "province": reverse("reporting:province", args=[a.province.code]),
           "center": reverse("reporting:center", args=[a.pk]), "catalogue": reverse("reporting:catalogue")}[page]
    client.force_login(world["national_analyst"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url + QUERY).status_code == 200
    for n in range(3):  # more centres in the same province, and learners in them and in A
        center = make_center(a.association, "01", commune=a.commune)
        make_learner(center, first_name=f"Sara{n}")
        make_learner(a, first_name=f"Hiba{n}")
    with django_assert_max_num_queries(len(small)):
        client.get(url + QUERY)
    # 72 computed directly (no refresh here), plus the look-ups of the roll-ups' last refresh
    assert len(small) <= 74
