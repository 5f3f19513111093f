"""Need against coverage: the census's adolescents and the programme's seats and learners, per place.

Reads only (selectors-style): the census of 2024 per province (``figures.census_by``: public territory
rows), the seats of the open centres and the learners enrolled (``figures.seats``, ``figures.centres_open``,
``figures.learners_enrolled``, through ``for_aggregates``), the learners disclosed for aggregate-only scopes
by ``selectors.disclose`` (one line: the sub-places with the place's total). Census figures and seats are
not about people and are shown as they are.

The estimate of the out-of-school adolescents is a range (see ``figures.Census`` and docs/reporting.md):
low = adolescents 10–19 × (100 − schooling rate at 6–11), high = adolescents 10–19 × illiteracy rate at
10+. From it: the coverage rate (learners / estimate: between learners/high and learners/low), the gap
(estimate − seats) and the ranking of the provinces where a new centre would reach the most uncovered
adolescents per seat.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from forsa.core import scoping
from forsa.reporting import figures
from forsa.reporting.indicators import CENTER, NATIONAL, PROVINCE, REGION, indicator_get
from forsa.reporting.selectors import Place, disclose
from forsa.territory.models import Province, Region
from forsa.territory.selectors import counted_within

CENSUS = "RGPH 2024 (HCP)"
METHOD = _("Out-of-school adolescents aged 10 to 19, estimated per province from the 2024 census as a range: low = "
           "adolescents 10-19 × (100 − schooling rate at 6-11) / 100 (too low: leaving school after primary is "
           "missed); high = adolescents 10-19 × illiteracy rate at 10 and over / 100 (a rough ceiling: the rate is "
           "raised by older adults). The census gives no schooling rate for adolescents. Coverage rate = learners "
           "enrolled / estimate; gap = estimate − seats of the open centres. Missing census figures are null, "
           "never 0, and left out of the sums.")
BY_SEX = _("By sex: the same two estimates for girls and for boys, from the adolescents of that sex and that "
           "sex's own schooling rate at 6-11 and illiteracy rate at 10 and over; girls and boys together need not "
           "equal the estimate for everyone exactly.")
COUNTED_ONCE = _("Each person is counted once: the census lists the prefectures of arrondissements of Casablanca "
                 "beside the prefecture of Casablanca, which holds them all; they are left out of the sums and of "
                 "the ranking, the prefecture stands for them.")


@dataclass
class CoverageRow:
    """One place's need against coverage. Estimates are None when the census figures are missing."""

    obj: object  # a Region or Province (None: the nation)
    census: figures.Census
    centres: int
    seats: int
    learners: figures.Cell  # disclosed: suppressed for aggregate-only scopes when it stands on < 5 learners
    within: object = None  # the province that already counts this one's people (Casablanca's arrondissements)

    @property
    def code(self):
        return getattr(self.obj, "code", None)

    @property
    def learners_count(self):
        return None if self.learners.suppressed else self.learners.value

    def _coverage(self, estimate):
        if self.learners_count is None or not estimate:
            return None
        return figures.share(self.learners_count, estimate)

    @property
    def coverage_max(self):
        """Learners against the low estimate: the highest coverage the census allows."""
        return self._coverage(self.census.out_of_school_low)

    @property
    def coverage_min(self):
        """Learners against the high estimate."""
        return self._coverage(self.census.out_of_school_high)

    @property
    def gap_min(self):
        """Estimated out-of-school adolescents without a seat, at least (low estimate − seats)."""
        low = self.census.out_of_school_low
        return None if low is None else low - self.seats

    @property
    def gap_max(self):
        high = self.census.out_of_school_high
        return None if high is None else high - self.seats

    @property
    def uncovered(self):
        """Out-of-school adolescents (low estimate) beyond the seats there are; never below 0."""
        return None if self.gap_min is None else max(self.gap_min, 0)

    @property
    def score(self):
        """Uncovered adolescents per existing seat (None without a centre: those rank first, by uncovered)."""
        if self.uncovered is None or not self.seats:
            return None
        return round(self.uncovered / self.seats, 1)

    @property
    def no_centre(self):
        return not self.centres


def rank(rows):
    """The provinces where a new centre would reach the most out-of-school adolescents per seat: first those
    without an open centre (by uncovered adolescents, most first), then the others by uncovered adolescents
    per existing seat; provinces whose census figures are missing come last, unranked. Places that do not
    overlap: one counted within another (``within``) is left out, its container stands for it."""
    rows = [row for row in rows if row.within is None]
    known = [row for row in rows if row.uncovered is not None]
    without = sorted((row for row in known if not row.seats), key=lambda row: (-row.uncovered, row.code))
    with_seats = sorted((row for row in known if row.seats),
                        key=lambda row: (-row.score, -row.uncovered, row.code))
    missing = sorted((row for row in rows if row.uncovered is None), key=lambda row: row.code)
    return [(index, row) for index, row in enumerate(without + with_seats, start=1)] + [(None, row) for row in missing]


@dataclass
class CentreRow:
    """An open centre of a province's coverage page: its seats, the learners enrolled in the year and its
    occupancy (the catalogue's, on the period's reference day), both disclosed."""

    obj: object
    seats: int
    learners: figures.Cell
    occupancy: figures.Cell | None


def gap_by_province(rows) -> dict:
    """{province code: gap} (low estimate − seats; None when its census figures are missing), the shape a
    choropleth map takes."""
    return {row.code: row.gap_min for row in rows}


def _learners(user, period, level, within):
    """The learners enrolled by ``level`` within a place and its total, disclosed as one line."""
    line = figures.learners_enrolled(user=user, period=period, level=level, within=within)
    total = figures.learners_enrolled(user=user, period=period, within=within).get(None)
    keys = list(line)
    disclose(user, indicator_get("learners_enrolled"), [line[key] for key in keys], total)
    return line, total or figures.Cell(0, numerator=0)


SUBLEVELS = {NATIONAL: REGION, REGION: PROVINCE, PROVINCE: CENTER}


def coverage(*, user, place: Place, period):
    """Need against coverage of the nation (rows: regions), of a region (rows: provinces) or of a province
    (one row, and its open centres), with the ranking of the provinces (all of them nationally, the region's
    for a region) and the gap by province."""
    sublevel = SUBLEVELS[place.level]
    within = place.within
    narrow = {NATIONAL: {}, REGION: {"region": place.obj}, PROVINCE: {"pk": getattr(place.obj, "pk", None)}}
    provinces = list(Province.objects.for_user(user).filter(**narrow[place.level]).select_related("region"))
    census = figures.census_by(level=PROVINCE, within=within)
    seats = figures.seats(user=user, period=period, level=PROVINCE, within=within)
    centres = figures.centres_open(user=user, period=period, level=PROVINCE, within=within)
    seats_by_centre = figures.seats(user=user, period=period, level=CENTER, within=within) if sublevel == CENTER else {}
    learners, total = _learners(user, period, sublevel, within)
    province_learners = learners if sublevel == PROVINCE else {}

    def count(cells, pk):
        return cells[pk].value if pk in cells else 0

    by_code = {province.code: province for province in provinces}
    nested = counted_within(by_code)
    province_rows = [CoverageRow(province, census.get(province.pk, figures.Census()), count(centres, province.pk),
                                 count(seats, province.pk),
                                 province_learners.get(province.pk) or figures.Cell(0, numerator=0),
                                 within=by_code[nested[province.code]] if province.code in nested else None)
                     for province in provinces]
    # census sums count each person once: not the rows counted within another (seats, centres and learners
    # belong to one province each, the one of their commune, and are summed over every row)
    counted = [row for row in province_rows if row.within is None]
    centre_rows = []
    if sublevel == CENTER:
        rows = province_rows
        for row in rows:
            row.learners = total
        occupancy = figures.occupancy(user=user, period=period, level=CENTER, within=within)
        disclose(user, indicator_get("occupancy"), list(occupancy.values()),
                 figures.occupancy(user=user, period=period, within=within).get(None))
        open_ones = (figures.open_centers(user, period, within).order_by("name_fr")
                     .only("pk", "name_fr", "name_ar", "code"))
        centre_rows = [CentreRow(centre, count(seats_by_centre, centre.pk),
                                 learners.get(centre.pk) or figures.Cell(0, numerator=0), occupancy.get(centre.pk))
                       for centre in open_ones]
    elif sublevel == PROVINCE:
        rows = province_rows
    else:
        rows = []
        for region in Region.objects.for_user(user):
            own = [row for row in province_rows if row.obj.region_id == region.pk]
            rows.append(CoverageRow(region, _summed(row.census for row in own if row.within is None),
                                    sum(row.centres for row in own),
                                    sum(row.seats for row in own),
                                    learners.get(region.pk) or figures.Cell(0, numerator=0)))
    total_row = CoverageRow(place.obj, _summed(row.census for row in counted),
                            sum(row.centres for row in province_rows), sum(row.seats for row in province_rows),
                            total)
    return {
        "place": place, "period": period, "sublevel": sublevel, "census_source": CENSUS,
        "rows": rows, "total": total_row, "centres": centre_rows,
        "ranking": rank(province_rows) if sublevel != CENTER else [],
        "gap_by_province": gap_by_province(province_rows),
        "counted_within": {code: container for code, container in nested.items()},
        "nested": [row for row in province_rows if row.within is not None],
        "indicators": {code: indicator_get(code) for code in ("out_of_school", "coverage_rate", "seats",
                                                               "learners_enrolled", "centres_open",
                                                               "occupancy")},
        "small_cells": scoping.scope_of(user).aggregates_only,
    }


def _summed(parts) -> figures.Census:
    """The census of a region or the nation: the sum of its provinces' (partial when some are missing)."""
    whole = figures.Census()
    for part in parts:
        whole.provinces += part.provinces
        whole.missing += part.missing
        whole.counted += part.counted
        for band, value in part.population.items():
            whole.population[band] += value
        for estimate in ("out_of_school_low", "out_of_school_high"):
            value = getattr(part, estimate)
            if value is not None:
                setattr(whole, estimate, (getattr(whole, estimate) or 0) + value)
        whole.missing_by_sex += part.missing_by_sex
        for estimate in ("low_by_sex", "high_by_sex"):
            for sex, value in getattr(part, estimate).items():
                if value is not None:
                    getattr(whole, estimate)[sex] = (getattr(whole, estimate)[sex] or 0) + value
    return whole


def _row_out(row):
    census = row.census
    return {"code": row.code, "name": getattr(row.obj, "name", None), "within": getattr(row.within, "code", None),
            "census": {"population_10_14_male": census.population_10_14_male,
                       "population_10_14_female": census.population_10_14_female,
                       "population_15_19_male": census.population_15_19_male,
                       "population_15_19_female": census.population_15_19_female,
                       "population_10_19": census.population_10_19,
                       "out_of_school_low": census.out_of_school_low, "out_of_school_high": census.out_of_school_high,
                       "out_of_school_low_male": census.out_of_school_low_male,
                       "out_of_school_high_male": census.out_of_school_high_male,
                       "out_of_school_low_female": census.out_of_school_low_female,
                       "out_of_school_high_female": census.out_of_school_high_female,
                       "provinces_missing_by_sex": census.missing_by_sex,
                       "provinces_missing": census.missing},
            "centres": row.centres, "seats": row.seats, "learners": row.learners_count,
            "learners_suppressed": row.learners.suppressed, "coverage_min": row.coverage_min,
            "coverage_max": row.coverage_max, "gap_min": row.gap_min, "gap_max": row.gap_max}


def coverage_values(*, user, place: Place, period):
    """``coverage`` in the API's shape."""
    result = coverage(user=user, place=place, period=period)
    obj = place.obj
    return {"place": {"level": place.level, "code": getattr(obj, "code", None), "name": getattr(obj, "name", None)},
            "school_year": period.school_year, "census": CENSUS, "method": f"{METHOD} {BY_SEX} {COUNTED_ONCE}",
            "sublevel": result["sublevel"], "total": _row_out(result["total"]),
            "rows": [_row_out(row) for row in result["rows"]],
            "ranking": [{"rank": position, "code": row.code, "name": row.obj.name, "region": row.obj.region.code,
                         "seats": row.seats, "uncovered": row.uncovered, "score": row.score,
                         "no_centre": row.no_centre} for position, row in result["ranking"]],
            "centres": [{"code": row.obj.code, "name": row.obj.name, "seats": row.seats,
                         "learners": None if row.learners.suppressed else row.learners.value,
                         "occupancy": None if row.occupancy is None or row.occupancy.suppressed
                         else row.occupancy.value} for row in result["centres"]],
            "gap_by_province": result["gap_by_province"], "counted_within": result["counted_within"],
            "small_cells": result["small_cells"]}
