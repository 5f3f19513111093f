"""Schemas of the reporting API: the indicator catalogue and an indicator's cells at a place."""

from datetime import date
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import field_validator

from forsa.reporting.indicators import BREAKDOWN_LABELS, LEVELS, UNIT_LABELS

Level = Literal[tuple(LEVELS)]
Breakdown = Literal[tuple(BREAKDOWN_LABELS)]
Unit = Literal[tuple(UNIT_LABELS)]
SchoolYear = Field(None, pattern=r"^20\d\d-20\d\d$", description="School year, e.g. 2026-2027 (default: the current "
                   "one; one of the last five).", examples=["2026-2027"])


class IndicatorOut(Schema):
    code: str
    name: str = Field(description="In the request's language (French, Arabic or English).")
    definition: str
    numerator: str
    denominator: str | None
    period: str
    population: str
    source: str = Field(description="Tables read.")
    unit: Unit
    levels: list[Level]
    breakdowns: list[Breakdown]
    small_cells: bool = Field(description="Whether the small-cell rule applies (figures about people).")
    additive: bool = Field(description="Whether a place's figure is the sum of its centres' (false when one row "
                           "counts at several centres, as a convention covering several).")
    definition_url: str

    @field_validator("name", "definition", "numerator", "denominator", "period", "population", mode="before")
    @classmethod
    def in_the_request_language(cls, text):
        # The catalogue's texts are lazy translations: read them now, in the request's language.
        return str(text) if text is not None else None

    @staticmethod
    def resolve_definition_url(obj):
        return f"{reverse('reporting:catalogue')}#{obj.anchor}"

    @staticmethod
    def resolve_small_cells(obj):
        return obj.about_people


class ValuesQuery(Schema):
    year: str | None = SchoolYear
    month: date | None = Field(None, description="Any day of the month of the monthly figures (attendance); "
                               "default: the current month, or the school year's last.")
    breakdown: Breakdown | None = Field(None, description="Break the place's figure down by this category instead "
                                        "of by the level below (one the indicator declares).")


class CellOut(Schema):
    key: str | None = Field(description="The sub-place's code (region, province, centre) or the category (a sex, "
                            "age band, rural/urban, track, outcome, pole code, months after the exit, situation, "
                            "risk level); null for the place's total.")
    name: str | None = None
    value: float | None = Field(description="Null when hidden by the small-cell rule (suppressed) or not defined.")
    numerator: int | None
    denominator: int | None
    suppressed: bool


class PlaceOut(Schema):
    level: Level
    code: str | None = Field(description="HCP code of a region or province, code of a centre, id of an association.")
    name: str | None


class ValuesOut(Schema):
    indicator: str
    unit: Unit
    place: PlaceOut
    school_year: str
    month: date = Field(description="The month of the monthly figures (attendance).")
    breakdown: Breakdown | None
    sublevel: Level | None = Field(description="The level of the cells (null with a breakdown).")
    total: CellOut
    cells: list[CellOut]
    small_cells: bool = Field(description="Whether cells standing on fewer than 5 people are hidden for this user.")


# --- Need against coverage -------------------------------------------------------------------------------------

class CoverageQuery(Schema):
    year: str | None = Field(None, pattern=r"^20\d\d-20\d\d$", description="School year of the learners, e.g. "
                             "2026-2027 (default: the current one; one of the last five).", examples=["2026-2027"])


class CensusOut(Schema):
    """The census of 2024 (RGPH, HCP) of a place; a region and the nation are sums of their provinces."""

    population_10_14_male: int | None = Field(description="Null when the census figures are missing.")
    population_10_14_female: int | None
    population_15_19_male: int | None
    population_15_19_female: int | None
    population_10_19: int | None
    out_of_school_low: int | None = Field(description="Adolescents 10-19 × (100 − schooling rate at 6-11) / 100, "
                                          "summed over the provinces (each person once); null when the figures are "
                                          "missing.")
    out_of_school_high: int | None = Field(description="Adolescents 10-19 × illiteracy rate at 10+ / 100 (never "
                                           "below the low estimate).")
    out_of_school_low_male: int | None = Field(description="The low estimate for boys: boys 10-19 × (100 − "
                                               "schooling rate of boys at 6-11) / 100; null when missing.")
    out_of_school_high_male: int | None = Field(description="Boys 10-19 × illiteracy rate of men and boys at 10+ "
                                                "/ 100 (never below the boys' low estimate).")
    out_of_school_low_female: int | None = Field(description="The low estimate for girls, from the girls' rates.")
    out_of_school_high_female: int | None = Field(description="The high estimate for girls, from the women's and "
                                                  "girls' illiteracy rate at 10+.")
    provinces_missing: int = Field(description="Provinces whose census figures are missing (left out of the sums).")
    provinces_missing_by_sex: int = Field(description="Provinces without the rates by sex (left out of the sums "
                                          "by sex, which are then partial).")


class CoverageRowOut(Schema):
    code: str | None = Field(description="The region's or province's HCP code; null for the nation.")
    name: str | None
    within: str | None = Field(description="HCP code of the province that already counts this one's people "
                               "(Casablanca's prefectures of arrondissements: the prefecture of Casablanca); such a "
                               "row is left out of the sums and of the ranking. Null for every other place.")
    census: CensusOut
    centres: int = Field(description="Open centres (centres_open).")
    seats: int = Field(description="Capacity of the open centres (seats).")
    learners: int | None = Field(description="Learners enrolled in the school year; null when hidden by the "
                                 "small-cell rule (learners_suppressed).")
    learners_suppressed: bool
    coverage_min: float | None = Field(description="Learners / high estimate, in %.")
    coverage_max: float | None = Field(description="Learners / low estimate, in % (the catalogue's coverage_rate).")
    gap_min: int | None = Field(description="Low estimate − seats (negative: more seats than the estimate).")
    gap_max: int | None = Field(description="High estimate − seats.")


class CoverageRankOut(Schema):
    rank: int | None = Field(description="1 = where a new centre would reach the most; null: census missing.")
    code: str
    name: str
    region: str = Field(description="The province's region code.")
    seats: int
    uncovered: int | None = Field(description="max(low estimate − seats, 0).")
    score: float | None = Field(description="Uncovered adolescents per existing seat; null without a centre "
                                "(ranked first) or when the census figures are missing.")
    no_centre: bool


class CoverageCentreOut(Schema):
    code: str
    name: str
    seats: int
    learners: int | None = Field(description="None when hidden for an aggregate-only reader (fewer than 5).")
    occupancy: float | None = Field(description="Learners enrolled / seats, as a percentage.")


class CoverageOut(Schema):
    place: PlaceOut
    school_year: str
    census: str = Field(description="The census the population figures come from.")
    method: str = Field(description="How the out-of-school adolescents are estimated, in the request's language.")
    sublevel: Level
    total: CoverageRowOut
    rows: list[CoverageRowOut]
    ranking: list[CoverageRankOut] = Field(description="Places that do not overlap: a province counted within "
                                           "another is left out, its container stands for it.")
    centres: list[CoverageCentreOut] = Field(description="A province's open centres (empty for a region or the "
                                             "nation).")
    gap_by_province: dict[str, int | None] = Field(description="{province code: gap_min}, for a map.")
    counted_within: dict[str, str] = Field(description="{province code: code of the province that already counts "
                                           "its people}: the places nested in another (each person is counted "
                                           "once, within the container).")
    small_cells: bool
