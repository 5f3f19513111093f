"""Need against coverage: the census estimate, seats, learners, coverage and gap, hand-checked on the network.

The census figures of region 01 are set by hand (the loaded ones are the HCP's): the province of centres A
and A2 (P), another province without a centre (Q), and every other province of region 01 with its figures
missing (population 0 as the loader leaves it, rates null). By hand, school year 2026-2027:

                       P (A, A2)            Q (no centre)        region 01 (P + Q)
adolescents 10-19      1000+900+800+700     2000+2000+1500+1500  10,400
                       = 3,400              = 7,000
schooling 6-11 %       95.0                 90.0
illiteracy 10+ %       20.0                 30.0
low estimate           3,400 × 5 % = 170    7,000 × 10 % = 700   870
high estimate          3,400 × 20 % = 680   7,000 × 30 % = 2,100 2,780
seats                  120 + 80 = 200       0                    200
learners               2 (Amina, Salma)     0                    2
coverage %             2/680 = 0.3 – 2/170 = 1.2   0 – 0         2/2780 = 0.1 – 2/870 = 0.2
gap                    170−200 = −30 – 480  700 – 2,100          670 – 2,580
uncovered (low)        0 (score 0/200 = 0)  700 (no centre)
ranking                2                    1                    the missing ones unranked, after

By sex, from each sex's own rates (boys: schooling / illiteracy; girls: the same):
                       P                    Q                    region 01
boys 10-19             1000+800 = 1,800     2000+1500 = 3,500
  rates                96.0 / 15.0          92.0 / 20.0
  low – high           72 – 270             280 – 700            352 – 970
girls 10-19            900+700 = 1,600      2000+1500 = 3,500
  rates                94.0 / 25.0          88.0 / 40.0
  low – high           96 – 400             420 – 1,400          516 – 1,800
(girls + boys: 868 – 2,770, not the 870 – 2,780 of everyone's rates: each sex has its own rate)
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from forsa.reporting.coverage import BY_SEX
from forsa.reporting.indicators import catalogue
from forsa.territory.models import Province
from tests.factories import make_center, make_learner
from tests.reporting.network import build_network

QUERY = "?year=2026-2027"
CENSUS_RATES = ("schooling_rate_6_11_male", "schooling_rate_6_11_female", "illiteracy_rate_10_plus_male",
                "illiteracy_rate_10_plus_female")
API = "/api/v1/coverage"


def census(province, boys_10, girls_10, boys_15, girls_15, schooling, illiteracy, by_sex=(None, None, None, None)):
    """``by_sex``: the schooling rates at 6-11 of boys and girls, then the illiteracy rates at 10+."""
    Province.objects.filter(pk=province.pk).update(
        population_10_14_male=boys_10, population_10_14_female=girls_10, population_15_19_male=boys_15,
        population_15_19_female=girls_15, schooling_rate_6_11=schooling, illiteracy_rate_10_plus=illiteracy,
        **dict(zip(CENSUS_RATES, by_sex, strict=True)))


@pytest.fixture
def network(world):
    network = build_network(world)
    p = network.a.province
    assert network.a2.province == p  # the factories put both in the first communes of region 01
    q = Province.objects.filter(region=p.region).exclude(pk=p.pk).order_by("code").first()
    others = Province.objects.filter(region=p.region).exclude(pk__in=[p.pk, q.pk])
    others.update(population_10_14_male=0, population_10_14_female=0, population_15_19_male=0,
                  population_15_19_female=0, schooling_rate_6_11=None, illiteracy_rate_10_plus=None,
                  **dict.fromkeys(CENSUS_RATES))
    census(p, 1000, 900, 800, 700, Decimal("95.0"), Decimal("20.0"), by_sex=("96.0", "94.0", "15.0", "25.0"))
    census(q, 2000, 2000, 1500, 1500, Decimal("90.0"), Decimal("30.0"), by_sex=("92.0", "88.0", "20.0", "40.0"))
    network.p, network.q, network.missing = p, q, list(others.order_by("code"))
    return network


def test_region_figures_by_hand(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:coverage_region", args=[network.p.region.code]) + QUERY)
    assert response.status_code == 200
    rows = {row.code: row for row in response.context["rows"]}
    p, q = rows[network.p.code], rows[network.q.code]
    assert p.census.population_10_19 == 3400 and p.census.population_10_14_female == 900
    assert (p.census.out_of_school_low, p.census.out_of_school_high) == (170, 680)
    assert (p.seats, p.centres, p.learners.value) == (200, 2, 2)
    assert (p.coverage_min, p.coverage_max) == (0.3, 1.2)
    assert (p.gap_min, p.gap_max, p.uncovered, p.score) == (-30, 480, 0, 0.0)
    assert (q.census.out_of_school_low, q.census.out_of_school_high, q.seats) == (700, 2100, 0)
    assert (q.gap_min, q.gap_max, q.uncovered, q.no_centre, q.coverage_max) == (700, 2100, 700, True, 0.0)
    total = response.context["total"]
    assert total.census.population_10_19 == 10400 and total.census.missing == len(network.missing)
    assert (total.census.out_of_school_low, total.census.out_of_school_high) == (870, 2780)
    assert (total.seats, total.learners.value, total.coverage_min, total.coverage_max) == (200, 2, 0.1, 0.2)
    assert (total.gap_min, total.gap_max) == (670, 2580)
    ranking = [(position, row.code) for position, row in response.context["ranking"]]
    assert ranking == [(1, network.q.code), (2, network.p.code)] + [(None, m.code) for m in network.missing]
    assert response.context["gap_by_province"] == {network.p.code: -30, network.q.code: 700,
                                                   **{m.code: None for m in network.missing}}


def test_province_figures_by_hand_with_its_open_centres(client, world, network, django_assert_max_num_queries):
    """P, by hand (the table above): its census, estimate and gap; its open centres A (120 seats; Amina and
    Salma enrolled, both there on 5 December: 2/120 = 1.7 %) and A2 (80 seats, nobody); the closed one is not
    listed. No map (a province's communes are not drawn) and no ranking (one province)."""
    client.force_login(world["national_analyst"])
    url = reverse("reporting:coverage_province", args=[network.p.code]) + QUERY
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert response.status_code == 200
    total = response.context["total"]
    assert [row.code for row in response.context["rows"]] == [network.p.code]
    assert total.census.population_10_19 == 3400 and total.census.population_10_14_female == 900
    assert (total.census.out_of_school_low, total.census.out_of_school_high) == (170, 680)
    assert (total.census.out_of_school_low_female, total.census.out_of_school_high_female) == (96, 400)
    assert (total.seats, total.centres, total.learners.value) == (200, 2, 2)
    assert (total.coverage_min, total.coverage_max, total.gap_min, total.gap_max) == (0.3, 1.2, -30, 480)
    centres = [(row.obj.pk, row.seats, row.learners.value, row.occupancy.value) for row in response.context["centres"]]
    assert sorted(centres) == sorted([(network.a.pk, 120, 2, 1.7), (network.a2.pk, 80, 0, 0.0)])
    assert response.context["map"] is None and response.context["ranking"] == []
    html = response.content.decode()
    assert reverse("reporting:center", args=[network.a.pk]) in html
    assert reverse("reporting:coverage_region", args=[network.p.region.code]) in html  # the breadcrumb
    answer = client.get(f"{API}/provinces/{network.p.code}{QUERY}").json()
    assert answer["sublevel"] == "center" and answer["total"]["gap_min"] == -30
    assert sorted((row["seats"], row["learners"], row["occupancy"]) for row in answer["centres"]) == [
        (80, 0, 0.0), (120, 2, 1.7)]


def test_province_page_of_a_province_without_a_centre_says_so(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:coverage_province", args=[network.q.code]) + QUERY)
    assert response.context["centres"] == [] and response.context["total"].uncovered == 700
    assert "Aucun centre ouvert dans cette province." in response.content.decode()


def test_province_page_scope(client, world, network):
    own = world["own"]
    for role in ("provincial_manager", "regional_manager"):
        client.force_login(own.users[role])
        own_page = client.get(reverse("reporting:coverage_province", args=[network.p.code]) + QUERY)
        assert own_page.status_code == 200, role
        assert client.get(reverse("reporting:coverage_province", args=[network.b.province.code])).status_code == 404
        assert client.get(f"{API}/provinces/{network.b.province.code}").status_code == 404, role
    client.force_login(own.users["provincial_manager"])  # no page of its region to go back to
    html = client.get(reverse("reporting:coverage_province", args=[network.p.code]) + QUERY).content.decode()
    assert reverse("reporting:coverage_region", args=[network.p.region.code]) not in html


def test_partner_sees_a_provinces_centres_disclosed(client, world, network):
    client.force_login(world["partner_viewer"])
    response = client.get(reverse("reporting:coverage_province", args=[network.p.code]) + QUERY)
    assert response.context["total"].learners.suppressed  # 2 learners in the province
    assert all(row.learners.suppressed or row.learners.value == 0 for row in response.context["centres"])
    assert all(row.occupancy.suppressed or row.occupancy.value == 0 for row in response.context["centres"])
    assert response.context["total"].seats == 200  # seats are not about people


def test_missing_census_is_shown_as_missing_not_zero(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:coverage_region", args=[network.p.region.code]) + QUERY)
    missing = next(row for row in response.context["rows"] if row.code == network.missing[0].code)
    assert missing.census.population_10_19 is None and missing.census.out_of_school_low is None
    assert missing.gap_min is None and missing.coverage_max is None and missing.score is None
    html = response.content.decode()
    row_html = html.split(f">{missing.obj.name}</a></th>")[1].split("</tr>")[0]
    assert "missing" in row_html or "manquant" in row_html
    assert ">0<" not in row_html.replace(' class="num">0<', "")  # seats 0 is a count; no census figure reads 0


def test_national_page_by_region(client, world, network, django_assert_max_num_queries):
    client.force_login(world["national_analyst"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reporting:coverage") + QUERY)
    assert response.status_code == 200
    rows = {row.code: row for row in response.context["rows"]}
    assert len(rows) == 12
    own = rows[network.p.region.code]
    assert (own.census.out_of_school_low, own.census.out_of_school_high, own.seats, own.learners.value) == (
        870, 2780, 200, 2)
    assert (rows[network.b.region.code].seats, rows[network.b.region.code].learners.value) == (120, 3)
    total = response.context["total"]
    assert (total.seats, total.centres, total.learners.value) == (320, 3, 5)
    assert total.census.out_of_school_low == sum(row.census.out_of_school_low for row in rows.values())
    assert total.census.missing == len(network.missing)
    assert len(response.context["ranking"]) == Province.objects.count() - 8 == 75  # not the 8 within Casablanca
    # every province with figures and no centre ranks before every one with a centre
    ranked = [row for position, row in response.context["ranking"] if position]
    first_with_seats = next(index for index, row in enumerate(ranked) if row.seats)
    assert all(row.seats for row in ranked[first_with_seats:])
    html = response.content.decode()
    assert reverse("reporting:coverage_region", args=[network.p.region.code]) in html
    for code in ("out_of_school", "coverage_rate", "seats", "learners_enrolled"):
        assert f"/reporting/indicators/#indicator-{code}" in html
    assert 'id="map-of-the-gap"' in html and 'id="map-gap"' in html


def test_query_count_does_not_grow_with_centres(client, world, network, django_assert_max_num_queries):
    for region_code in ("03", "07", "09"):
        make_learner(make_center(region_code=region_code))
    client.force_login(world["national_analyst"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reporting:coverage") + QUERY).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reporting:coverage_region", args=["01"]) + QUERY).status_code == 200


def test_dashboards_link_to_coverage(client, world, network):
    client.force_login(world["national_analyst"])
    assert reverse("reporting:coverage") in client.get(reverse("reporting:national") + QUERY).content.decode()
    html = client.get(reverse("reporting:region", args=["01"]) + QUERY).content.decode()
    assert reverse("reporting:coverage_region", args=["01"]) in html


def test_scope_of_a_regional_manager(client, world, network):
    client.force_login(world["own"].users["regional_manager"])
    assert client.get(reverse("reporting:coverage_region", args=["01"]) + QUERY).status_code == 200
    assert client.get(reverse("reporting:coverage_region", args=["06"])).status_code == 404
    assert client.get(reverse("reporting:coverage")).status_code == 403
    assert client.get(f"{API}/regions/06").status_code == 404
    assert client.get(API).status_code == 403
    assert client.get(f"{API}/regions/01{QUERY}").json()["total"]["learners"] == 2


def test_other_roles(client, world, network):
    own = world["own"]
    for role in ("provincial_manager", "center_director", "association_manager"):
        client.force_login(own.users[role])
        assert client.get(reverse("reporting:coverage")).status_code == 403, role
        assert client.get(reverse("reporting:coverage_region", args=["06"])).status_code == 404, role
    client.logout()
    assert client.get(reverse("reporting:coverage")).status_code == 302


def test_partner_sees_learners_disclosed(client, world, network):
    client.force_login(world["partner_viewer"])
    response = client.get(reverse("reporting:coverage") + QUERY)
    rows = {row.code: row for row in response.context["rows"]}
    own, foreign = rows["01"], rows["06"]
    assert own.learners.suppressed and foreign.learners.suppressed  # 2 and 3 learners
    assert own.coverage_max is None and own.coverage_min is None
    assert own.census.out_of_school_low == 870 and own.seats == 200  # census and seats are not about people
    assert response.context["total"].learners.value == 5
    assert "•" in response.content.decode()
    region = client.get(reverse("reporting:coverage_region", args=["01"]) + QUERY).context
    assert region["total"].learners.suppressed  # 2 learners: the region's total too
    assert next(row for row in region["rows"] if row.code == network.p.code).learners.suppressed
    answer = client.get(f"{API}{QUERY}").json()
    assert answer["small_cells"] is True
    cells = {row["code"]: (row["learners"], row["learners_suppressed"], row["coverage_max"]) for row in answer["rows"]}
    assert cells["01"] == (None, True, None) and cells["06"] == (None, True, None)
    assert answer["total"]["learners"] == 5


def test_api_matches_the_page(client, world, network):
    client.force_login(world["national_analyst"])
    answer = client.get(f"{API}/regions/01{QUERY}").json()
    assert answer["place"] == {"level": "region", "code": "01", "name": network.p.region.name}
    assert answer["sublevel"] == "province" and answer["census"] == "RGPH 2024 (HCP)" and answer["method"]
    p = next(row for row in answer["rows"] if row["code"] == network.p.code)
    assert p["census"]["population_10_19"] == 3400
    assert (p["census"]["out_of_school_low"], p["census"]["out_of_school_high"]) == (170, 680)
    assert (p["seats"], p["learners"], p["coverage_min"], p["coverage_max"], p["gap_min"]) == (200, 2, 0.3, 1.2, -30)
    missing = next(row for row in answer["rows"] if row["code"] == network.missing[0].code)
    assert missing["census"]["population_10_19"] is None and missing["gap_min"] is None
    assert answer["ranking"][0] == {"rank": 1, "code": network.q.code, "name": network.q.name, "region": "01",
                                    "seats": 0, "uncovered": 700, "score": None, "no_centre": True}
    assert answer["gap_by_province"][network.q.code] == 700
    national = client.get(f"{API}{QUERY}").json()
    assert national["total"]["learners"] == 5 and len(national["rows"]) == 12 and len(national["ranking"]) == 75


def test_catalogue_indicators(client, world, network):
    codes = [indicator.code for indicator in catalogue()]
    assert codes[-2:] == ["out_of_school", "coverage_rate"]
    client.force_login(world["national_analyst"])
    answer = client.get(f"/api/v1/indicators/coverage_rate/regions/01{QUERY}").json()
    assert (answer["total"]["value"], answer["total"]["numerator"], answer["total"]["denominator"]) == (0.2, 2, 870)
    cells = {cell["key"]: cell["value"] for cell in answer["cells"]}
    assert cells[network.p.code] == 1.2 and cells[network.q.code] == 0.0 and cells[network.missing[0].code] is None
    answer = client.get(f"/api/v1/indicators/out_of_school/national{QUERY}").json()
    assert {cell["key"]: cell["value"] for cell in answer["cells"]}["01"] == 870
    # census figures stop at the province: no cells below it, and no answer for a centre
    answer = client.get(f"/api/v1/indicators/out_of_school/provinces/{network.p.code}{QUERY}").json()
    assert answer["total"]["value"] == 170 and answer["cells"] == []
    assert client.get(f"/api/v1/indicators/coverage_rate/centers/{network.a.pk}").status_code == 422


@pytest.mark.parametrize("query", ["?year=1999-2000", "?year=x", "?year=2026-2028"])
def test_bad_input(client, world, query):
    client.force_login(world["national_admin"])
    response = client.get(f"{API}{query}")
    assert response.status_code == 422 and set(response.json()["errors"]) == {"year"}
    assert client.get(reverse("reporting:coverage") + query).status_code == 200  # a hand-edited URL: the default


def test_unknown_region(client, world):
    client.force_login(world["national_admin"])
    assert client.get(reverse("reporting:coverage_region", args=["99"])).status_code == 404
    assert client.get(f"{API}/regions/99").status_code == 404
    assert client.get(f"{API}/regions/0%001").status_code in (404, 422)


def test_map_of_the_gap_national(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:coverage") + QUERY)
    figure = response.context["map"]
    shapes = {shape.code: shape for shape in figure.shapes}
    assert set(shapes) == {row.code for row in response.context["rows"]} and len(shapes) == 12
    rows = {row.code: row for row in response.context["rows"]}
    # region 01: low estimate 870 − 200 seats = 670 without a seat, as its row says
    assert rows["01"].uncovered == 670 and shapes["01"].text == "670"
    for code, shape in shapes.items():  # a region drills down to its coverage page
        assert shape.href == reverse("reporting:coverage_region", args=[code]) + QUERY
    html = response.content.decode()
    assert 'id="map-gap"' in html and html.count('<path d="') >= 12
    assert 'aria-labelledby="map-gap-legend"' in html
    legend = html.split('id="map-gap-legend">')[1].split("</p>")[0]
    assert "seats" in legend or "places" in legend  # the legend says what the colours count (fr: places)
    assert f'href="{reverse("reporting:coverage_region", args=["06"])}?year=2026-2027"' in html


def test_map_of_the_gap_region(client, world, network):
    client.force_login(world["own"].users["regional_manager"])
    response = client.get(reverse("reporting:coverage_region", args=["01"]) + QUERY)
    figure = response.context["map"]
    shapes = {shape.code: shape for shape in figure.shapes}
    assert set(shapes) == set(Province.objects.filter(region__code="01").values_list("code", flat=True))
    assert shapes[network.q.code].text == "700" and shapes[network.p.code].text == "0"  # 170 − 200 seats: none
    assert shapes[network.q.code].href == reverse("reporting:coverage_province", args=[network.q.code]) + QUERY
    missing = shapes[network.missing[0].code]
    assert missing.missing and missing.fill == "url(#map-gap-no-data)"
    assert figure.no_data and str(figure.no_data_label) and figure.rows  # the map carries its own table
    html = response.content.decode()
    assert "<summary>" in html and missing.text in html
    # the map of a foreign region is not drawn for this manager: 404, in French and Arabic alike
    assert client.get(reverse("reporting:coverage_region", args=["06"]) + QUERY).status_code == 404


def test_map_of_the_gap_in_arabic(client, world, network):
    user = world["national_analyst"]
    user.language = "ar"
    user.save(update_fields=["language"])
    client.force_login(user)
    html = client.get(reverse("reporting:coverage") + QUERY, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in html and 'id="map-gap"' in html
    legend = html.split('id="map-gap-legend">')[1].split("</p>")[0]
    assert any("\u0600" <= character <= "\u06ff" for character in legend)  # translated, not English


ARRONDISSEMENTS = ["06.141.01.00", "06.141.01.10", "06.141.01.20", "06.141.01.30", "06.141.01.40", "06.141.01.50",
                   "06.141.01.60", "06.141.01.70"]


def test_casablanca_counted_once(client, world):
    """On the territory load_territory loaded (HCP, RGPH 2024). The HCP lists the prefecture of Casablanca
    (06.141: the whole city, 3,199,416 residents) and, beside it, its 8 prefectures of arrondissements
    (3,197,332 residents; the Méchouar makes the difference). By hand, from the census's own rows:

    region 06, all ages:   its row 7,651,096; its 17 provinces summed 10,848,428; without the 8: 7,651,096
    nation, all ages:      the 12 regions' rows 36,490,591
    region 06, aged 10-19: men 3,816,290 × (9.5 % + 8.0 %) = 362,548 + 305,303 = 667,851;
                           women 3,834,806 × (8.8 % + 7.5 %) = 337,463 + 287,610 = 625,073; → 1,292,924.
                           The provinces' bands summed once give 1,295,457 (their shares are rounded to 0.1 %,
                           hence 0.2 % apart); with the 8 counted twice 1,782,603 (+38 %).
    """
    from forsa.territory.models import Commune
    from forsa.territory.selectors import counted_within

    codes = list(Province.objects.values_list("code", flat=True))
    assert counted_within(codes) == dict.fromkeys(ARRONDISSEMENTS, "06.141")
    assert not Commune.objects.filter(province__code__in=ARRONDISSEMENTS).exists()  # no centre can be in them
    region = Province.objects.filter(region__code="06")
    assert sum(region.values_list("population", flat=True)) == 10_848_428
    assert sum(region.exclude(code__in=ARRONDISSEMENTS).values_list("population", flat=True)) == 7_651_096
    assert sum(Province.objects.exclude(code__in=ARRONDISSEMENTS).values_list("population", flat=True)) == 36_490_591

    client.force_login(world["national_analyst"])
    page = client.get(reverse("reporting:coverage_region", args=["06"]) + QUERY).context
    total = page["total"]
    assert total.census.population_10_19 == 1_295_457 and abs(total.census.population_10_19 - 1_292_924) < 3000
    assert total.census.provinces == 9
    rows = {row.code: row for row in page["rows"]}
    assert len(rows) == 17 and all(rows[code].within.code == "06.141" for code in ARRONDISSEMENTS)
    assert total.census.out_of_school_low == sum(row.census.out_of_school_low for row in rows.values()
                                                 if row.within is None)
    assert total.census.out_of_school_low < sum(row.census.out_of_school_low for row in rows.values())
    ranked = [row.code for _position, row in page["ranking"]]
    assert len(ranked) == 9 and "06.141" in ranked and not set(ranked) & set(ARRONDISSEMENTS)

    national = client.get(reverse("reporting:coverage") + QUERY).context
    region_row = next(row for row in national["rows"] if row.code == "06")
    assert region_row.census.population_10_19 == 1_295_457
    assert region_row.census.out_of_school_low == total.census.out_of_school_low
    assert national["total"].census.population_10_19 == sum(row.census.population_10_19 for row in national["rows"])
    assert not {row.code for _position, row in national["ranking"]} & set(ARRONDISSEMENTS)

    # the API says which places are counted within another, and the catalogue's indicator agrees
    answer = client.get(f"{API}/regions/06{QUERY}").json()
    assert answer["counted_within"] == dict.fromkeys(ARRONDISSEMENTS, "06.141")
    assert {row["code"]: row["within"] for row in answer["rows"]}["06.141.01.50"] == "06.141"
    assert {row["code"]: row["within"] for row in answer["rows"]}["06.141"] is None
    assert answer["total"]["census"]["population_10_19"] == 1_295_457 and "Casablanca" in answer["method"]
    indicator = client.get(f"/api/v1/indicators/out_of_school/regions/06{QUERY}").json()
    assert indicator["total"]["value"] == total.census.out_of_school_low
    national_indicator = client.get(f"/api/v1/indicators/out_of_school/national{QUERY}").json()
    assert national_indicator["total"]["value"] == national["total"].census.out_of_school_low
    html = client.get(reverse("reporting:coverage_region", args=["06"]) + QUERY).content.decode()
    assert html.count('class="within"') == 24  # the 8, in the coverage, by-sex and census tables
    assert 'class="note counted-within"' in html


def test_out_of_school_by_sex_by_hand(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:coverage_region", args=["01"]) + QUERY)
    rows = {row.code: row.census for row in response.context["rows"]}
    p, q, total = rows[network.p.code], rows[network.q.code], response.context["total"].census
    assert (p.out_of_school_low_male, p.out_of_school_high_male) == (72, 270)
    assert (p.out_of_school_low_female, p.out_of_school_high_female) == (96, 400)
    assert (q.out_of_school_low_male, q.out_of_school_high_male) == (280, 700)
    assert (q.out_of_school_low_female, q.out_of_school_high_female) == (420, 1400)
    assert (total.out_of_school_low_male, total.out_of_school_high_male) == (352, 970)
    assert (total.out_of_school_low_female, total.out_of_school_high_female) == (516, 1800)
    assert (total.out_of_school_low, total.out_of_school_high) == (870, 2780)  # everyone's rates: not 868 – 2,770
    assert total.missing_by_sex == len(network.missing)
    missing = rows[network.missing[0].code]
    assert missing.out_of_school_low_female is None and missing.out_of_school_high_male is None
    html = response.content.decode()
    footer = html.split('id="by-sex-table"')[1].split("</table>")[0].split("<tfoot>")[1]
    figures = re.sub(r"[\s\u202f\xa0,.]", "", re.sub(r"<[^>]+>", " ", footer))  # grouping as the language writes it
    assert "516–1800" in figures and "352–970" in figures and "870–2780" in figures
    assert figures.index("516–1800") < figures.index("352–970")  # girls first, then boys
    assert 'class="kpi-detail by-sex"' in html
    # the API gives the same, and its method says how
    answer = client.get(f"{API}/regions/01{QUERY}").json()
    census_out = answer["total"]["census"]
    assert (census_out["out_of_school_low_female"], census_out["out_of_school_high_female"]) == (516, 1800)
    assert (census_out["out_of_school_low_male"], census_out["out_of_school_high_male"]) == (352, 970)
    assert census_out["provinces_missing_by_sex"] == len(network.missing)
    row_q = next(row for row in answer["rows"] if row["code"] == network.q.code)["census"]
    assert (row_q["out_of_school_low_female"], row_q["out_of_school_low_male"]) == (420, 280)
    with translation.override("fr"):  # the analyst's language
        assert str(BY_SEX) in answer["method"] and answer["method"].count("Par sexe") == 1


def test_out_of_school_by_sex_national_sums_regions(client, world, network):
    client.force_login(world["national_analyst"])
    response = client.get(reverse("reporting:coverage") + QUERY)
    rows = {row.code: row.census for row in response.context["rows"]}
    assert (rows["01"].out_of_school_low_female, rows["01"].out_of_school_low_male) == (516, 352)
    total = response.context["total"].census
    for estimate in ("out_of_school_low_female", "out_of_school_high_male"):
        assert getattr(total, estimate) == sum(getattr(row, estimate) for row in rows.values())
    # on the loaded census, girls' and boys' estimates of region 06 stand near the estimate for everyone
    region = rows["06"]
    both = region.out_of_school_low_female + region.out_of_school_low_male
    assert abs(both - region.out_of_school_low) < 0.05 * region.out_of_school_low


def test_school_years_read_left_to_right_in_arabic(client, world, network):
    user = world["national_analyst"]
    user.language = "ar"
    user.save(update_fields=["language"])
    client.force_login(user)
    wrapped = '<bdi dir="ltr" class="school-year">2026-2027</bdi>'
    for url in (reverse("reporting:coverage"), reverse("reporting:coverage_region", args=["01"]),
                reverse("reporting:national"), reverse("reporting:region", args=["01"])):
        html = client.get(url + QUERY, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
        assert 'dir="rtl"' in html and wrapped in html, url
        assert "<bdi>2026-2027</bdi>" not in html, url  # no year left to the page's direction
        assert '<option value="2026-2027" dir="ltr" selected>' in html, url
