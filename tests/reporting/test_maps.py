"""The maps: the shipped boundaries against the territory, the choropleth's classes, links, hidden cells, scope."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from forsa.reporting import maps
from forsa.reporting.figures import Cell
from forsa.territory.models import Province, Region
from tests.factories import make_center, make_learner
from tests.reporting.network import build_network

QUERY = "?year=2026-2027&month=2026-11"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "reporting.md"


@pytest.fixture
def network(world):
    return build_network(world)


def _map_html(html, map_id="map-occupancy"):
    start = html.index(f'<figure class="map" id="{map_id}">')
    return html[start:html.index("</figure>", start)]


def _shapes(html):
    """{code: (href or None, fill, aria-label)} of the places drawn on a map."""
    return {code: (href, fill, label) for href, label, code, fill in re.findall(
        r'<a href="([^"]*)" aria-label="([^"]*)" data-code="([^"]*)"><path d="[^"]*" fill="([^"]*)"', html)}


@pytest.mark.django_db
def test_all_12_regions_are_drawn_and_every_code_is_a_place_of_the_territory():
    data = maps.boundaries()
    regions = dict(Region.objects.values_list("code", "pk"))
    assert len(regions) == 12
    assert set(data["nation"]["regions"]) == set(regions)
    assert set(data["regions"]) == set(regions)
    province_region = dict(Province.objects.values_list("code", "region__code"))
    for region, frame in data["regions"].items():
        assert frame["provinces"], region
        for code in frame["provinces"]:
            assert province_region[code] == region, code  # exists, and in that region
    for code, entry in data["not_drawn"].items():
        assert province_region[code] == province_region[entry["within"]]
        assert entry["within"] in data["regions"][province_region[code]]["provinces"]  # what contains it is drawn
    for path in [*data["nation"]["regions"].values(),
                 *(d for frame in data["regions"].values() for d in frame["provinces"].values())]:
        assert re.fullmatch(r"M[0-9. ]+Z", path) and path.count(" ") >= 5


@pytest.mark.django_db
def test_the_drawn_province_count_is_the_one_the_docs_state_and_none_is_dropped_silently():
    data = maps.boundaries()
    drawn = {code for frame in data["regions"].values() for code in frame["provinces"]}
    territory = set(Province.objects.values_list("code", flat=True))
    assert len(territory) == 83
    assert drawn | set(data["not_drawn"]) == territory and not drawn & set(data["not_drawn"])
    docs = DOCS.read_text()
    stated = re.search(r"provinces and prefectures drawn: \*\*(\d+) of (\d+)\*\*", docs)
    assert (int(stated[1]), int(stated[2])) == (len(drawn), len(territory)) == (75, 83)
    section = docs[docs.index("<!-- maps:begin"):docs.index("<!-- maps:end")]
    for code in data["not_drawn"]:
        assert f"`{code}`" in section  # each one named, with the reason


def test_classes_colours_and_legend():
    values = {"01": 10, "02": 20, "03": 30, "04": 40, "05": 50, "06": 60, "07": Cell(None, suppressed=True),
              "08": None, "09": Cell(25.0, numerator=1, denominator=4)}
    names = {code: f"R{code}" for code in maps.boundaries()["nation"]["regions"]}
    figure = maps.choropleth("region", values, title="T", names=names, formatter=lambda value: f"{value:g}",
                             href=lambda code: f"/r/{code}")
    shapes = {shape.code: shape for shape in figure.shapes}
    assert len(shapes) == 12
    # 10..60 in five classes of 10: (10-20], (20-30], … ; 10 and 20 fall in the first
    assert [shapes[code].fill for code in ("01", "02", "03", "09", "04", "05", "06")] == [
        maps.PALETTE[0], maps.PALETTE[0], maps.PALETTE[1], maps.PALETTE[1], maps.PALETTE[2], maps.PALETTE[3],
        maps.PALETTE[4]]
    assert [(entry.low, entry.high) for entry in figure.legend] == [("10", "20"), ("20", "30"), ("30", "40"),
                                                                    ("40", "50"), ("50", "60")]
    assert shapes["07"].hidden and shapes["07"].fill == "url(#map-no-data)" and "25" not in shapes["07"].label
    assert shapes["08"].missing and shapes["10"].missing and shapes["10"].fill == "url(#map-no-data)"
    assert shapes["09"].label == "R09: 25" and shapes["09"].href == "/r/09"
    assert figure.no_data and figure.rows  # no table of the page named: the map has its own
    # two distinct values: two classes, the lightest and the darkest colour
    figure = maps.choropleth("region", {"01": 1, "02": 3}, title="T", names=names, href=False)
    shapes = {shape.code: shape for shape in figure.shapes}
    assert (shapes["01"].fill, shapes["02"].fill, shapes["01"].href) == (maps.PALETTE[0], maps.PALETTE[-1], None)
    with pytest.raises(ValueError):
        maps.choropleth("province", {}, region="99", title="T", names={})


def test_the_national_map_links_each_region_to_its_dashboard(client, world, network):
    client.force_login(world["national_analyst"])
    html = client.get(reverse("reporting:national") + QUERY).content.decode()
    figure = _map_html(html)
    assert "style=" not in figure and "http" not in figure.replace('xmlns="http://www.w3.org/2000/svg"', "")
    shapes = _shapes(figure)
    assert set(shapes) == set(Region.objects.values_list("code", flat=True))
    for code, (href, _fill, _label) in shapes.items():
        assert href == reverse("reporting:region", args=[code]) + QUERY.replace("&", "&amp;")
    # region 01: occupancy 2/200 = 1.0 %, region 06: 2/120 = 1.7 %; the others have no centre
    assert shapes["01"][1] == maps.PALETTE[0] and shapes["06"][1] == maps.PALETTE[-1]
    assert shapes["02"][1] == "url(#map-occupancy-no-data)"
    assert 'aria-describedby="map-occupancy-note"' in figure and 'id="sublevel-table"' in html
    response = client.get(shapes["06"][0].replace("&amp;", "&"))
    assert response.context["place"].obj.code == "06"
    figure = _map_html(response.content.decode())
    provinces = _shapes(figure)
    assert set(provinces) == set(maps.boundaries()["regions"]["06"]["provinces"])
    assert provinces["06.141"][0].startswith(reverse("reporting:province", args=["06.141"]))
    province = network.b.province
    assert provinces[province.code][1] == maps.PALETTE[-1]  # the one province with a centre
    # the 8 prefectures of arrondissements are listed as not drawn, counted in Casablanca
    assert "Non dessinés sur cette carte" in figure and "Casablanca-Anfa" in figure and "Moulay Rachid" in figure
    assert client.get(provinces[province.code][0].replace("&amp;", "&")).context["place"].obj == province


def test_the_map_in_arabic_names_places_in_arabic_and_is_not_mirrored(client, world, network):
    client.force_login(world["national_analyst"])
    client.post(reverse("accounts:language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("reporting:national") + QUERY).content.decode()
    figure = _map_html(html)
    with translation.override("ar"):
        name = Region.objects.get(code="06").name
    assert name != Region.objects.get(code="06").name_fr
    assert f'aria-label="{name}: 1,7 %"' in figure or f'aria-label="{name}: 1.7 %"' in figure
    assert "scale(-1" not in figure and 'dir="rtl"' in html


def test_hidden_cells_are_drawn_as_no_data_for_a_partner_viewer(client, world):
    """6, 3 and 7 learners in regions 01, 06 and 09: 06 hidden (3 < 5), 01 hidden too (16 - 6 - 7 = 3)."""
    third = make_center(region_code="09")
    for center, count in ((world["own"].center, 6), (world["foreign"].center, 3), (third, 7)):
        for n in range(count):
            make_learner(center, first_name=f"Nour{n}", birth_date=f"2011-0{1 + n % 9}-1{n % 9}")
    client.force_login(world["partner_viewer"])
    shapes = _shapes(_map_html(client.get(reverse("reporting:national") + QUERY).content.decode()))
    for code in ("01", "06"):
        assert shapes[code][1] == "url(#map-occupancy-no-data)", code
        assert "%" not in shapes[code][2] and "moins de 5" in shapes[code][2]
    assert shapes["09"][1] in maps.PALETTE and "%" in shapes["09"][2]
    client.force_login(world["national_analyst"])
    shapes = _shapes(_map_html(client.get(reverse("reporting:national") + QUERY).content.decode()))
    assert all(shapes[code][1] in maps.PALETTE for code in ("01", "06", "09"))


def test_a_regional_manager_gets_the_map_of_its_region_and_a_404_for_another(client, world, network):
    client.force_login(world["own"].users["regional_manager"])
    own, foreign = network.a.region, network.b.region
    response = client.get(reverse("reporting:region", args=[own.code]) + QUERY)
    shapes = _shapes(_map_html(response.content.decode()))
    assert set(shapes) == set(maps.boundaries()["regions"][own.code]["provinces"])
    assert all(href.startswith(f"/reporting/provinces/{own.code}.") for href, _fill, _label in shapes.values())
    assert client.get(reverse("reporting:region", args=[foreign.code]) + QUERY).status_code == 404
    assert client.get(reverse("reporting:province", args=[network.b.province.code])).status_code == 404


def test_no_map_below_the_region(client, world, network):
    client.force_login(world["national_analyst"])
    for url in (reverse("reporting:province", args=[network.a.province.code]),
                reverse("reporting:center", args=[network.a.pk])):
        response = client.get(url + QUERY)
        assert response.context["map"] is None and 'class="map"' not in response.content.decode()
