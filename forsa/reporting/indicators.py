"""The indicator catalogue: what each figure of Forsa means, in one place.

One declaration per indicator (``Indicator``): its code, its name and definition in the interface's
language (gettext: French, Arabic, English), what is counted over what (numerator, denominator), over
which period and population, from which tables, its unit, the levels at which it exists and its
breakdowns. The computation of each (in SQL, returning cells) is ``forsa.reporting.selectors``'s,
registered under the same code; pages and the API read both through ``catalogue()``.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Levels of the territory and of the programme at which a figure may be read, from the top.
NATIONAL, REGION, PROVINCE, CENTER = "national", "region", "province", "center"
LEVELS = (NATIONAL, REGION, PROVINCE, CENTER)
LEVEL_LABELS = {NATIONAL: _("nation"), REGION: _("region"), PROVINCE: _("province"), CENTER: _("centre")}
# The level below each: what a dashboard's table breaks a place down into.
SUBLEVEL = {NATIONAL: REGION, REGION: PROVINCE, PROVINCE: CENTER, CENTER: None}


class Unit:
    LEARNERS = "learners"
    PERCENT = "percent"
    CENTRES = "centres"
    SEATS = "seats"
    EXITS = "exits"


UNIT_LABELS = {Unit.LEARNERS: _("learners"), Unit.PERCENT: _("%"), Unit.CENTRES: _("centres"),
               Unit.SEATS: _("seats"), Unit.EXITS: _("exits")}

# Breakdowns an indicator may be cut by (a column of the cells' key besides the place).
SEX, OUTCOME, AGE_BAND = "sex", "outcome", "age_band"
BREAKDOWN_LABELS = {SEX: _("sex"), AGE_BAND: _("age band (on 1 September)"), OUTCOME: _("outcome")}


class AgeBand(models.TextChoices):
    """Age on 1 September of the school year (E2C-NG takes adolescents of 13 to 18, some centres to 20)."""

    UNDER_13 = "-12", _("12 or under")
    FROM_13 = "13-14", _("13 to 14")
    FROM_15 = "15-16", _("15 to 16")
    FROM_17 = "17-18", _("17 to 18")
    FROM_19 = "19+", _("19 or over")


# The lowest age of each band, in order (the first band has none).
AGE_BAND_FROM = ((AgeBand.FROM_19, 19), (AgeBand.FROM_17, 17), (AgeBand.FROM_15, 15), (AgeBand.FROM_13, 13))


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    definition: Promise
    numerator: Promise
    denominator: Promise | None
    period: Promise
    population: Promise
    source: str  # the tables read (names of the database, not translated)
    unit: str
    levels: tuple[str, ...] = LEVELS
    breakdowns: tuple[str, ...] = ()
    # Whether the figure stands on people (learners): then the small-cell rule applies to it.
    about_people: bool = True
    # Read per month (``Period.month``), not per school year: its roll-ups are kept month by month.
    monthly: bool = False
    # Whether a place's figure is the sum of its centres' (numerator, denominator, counts): then pages
    # read it from the roll-ups (``forsa.reporting.rollups``); False: always computed directly.
    additive: bool = True
    # Whether the distinct people behind a place's cell are the sum of its centres' (False when one
    # learner may count at two centres in one cell: a move within the month, exits from two centres).
    # The small-cell rule needs them exact: for aggregate-only scopes such figures are computed directly.
    people_additive: bool = True

    @property
    def is_rate(self) -> bool:
        return self.unit == Unit.PERCENT

    @property
    def unit_label(self):
        return UNIT_LABELS[self.unit]

    @property
    def level_labels(self):
        return [LEVEL_LABELS[level] for level in self.levels]

    @property
    def breakdown_labels(self):
        return [BREAKDOWN_LABELS[breakdown] for breakdown in self.breakdowns]

    @property
    def anchor(self) -> str:
        """The id of its definition on the catalogue page (``reporting:catalogue#<anchor>``)."""
        return f"indicator-{self.code}"


SCHOOL_YEAR = _("the school year chosen (1 September to 31 August)")
MONTH = _("the month chosen (calendar month)")

CATALOGUE = (
    Indicator(
        code="learners_enrolled",
        name=_("Learners enrolled"),
        definition=_("Learners enrolled at any time of the school year, each counted once, at the centre of "
                     "their latest enrolment of the year (a learner who moved counts at the centre they "
                     "moved to, once at every level above it)."),
        numerator=_("distinct learners with an enrolment of the school year"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("every enrolment of the school year, whatever its status (active, transferred, exited, "
                     "closed)"),
        source="learners_enrollment, learners_learner",
        unit=Unit.LEARNERS,
        breakdowns=(SEX, AGE_BAND),
    ),
    Indicator(
        code="new_intakes",
        name=_("New intakes"),
        definition=_("Learners whose first enrolment in the programme started during the school year, at the "
                     "centre that took them in. A transfer or a return after leaving is not a new intake."),
        numerator=_("distinct learners whose first enrolment started in the period"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("first enrolments (no earlier enrolment of the learner, not a transfer)"),
        source="learners_enrollment, learners_learner",
        unit=Unit.LEARNERS,
        breakdowns=(SEX, AGE_BAND),
    ),
    Indicator(
        code="girls_share",
        name=_("Girls' share"),
        definition=_("The share of girls among the learners enrolled in the school year."),
        numerator=_("girls among the learners enrolled"),
        denominator=_("learners enrolled (see Learners enrolled)"),
        period=SCHOOL_YEAR,
        population=_("learners enrolled in the school year, at the centre of their latest enrolment"),
        source="learners_enrollment, learners_learner",
        unit=Unit.PERCENT,
    ),
    Indicator(
        code="attendance_rate",
        name=_("Attendance rate"),
        definition=_("The share of the roll calls at which the learners expected were present (late counts "
                     "as present). A learner is expected at every roll call of a group they were placed in "
                     "on that day; presence is implied, only absences are recorded."),
        numerator=_("learner-roll calls expected minus absences"),
        denominator=_("learner-roll calls expected"),
        period=MONTH,
        population=_("roll calls taken in the month, at the centre of the group called"),
        source="attendance_session (expected, absent), attendance_absence",
        unit=Unit.PERCENT,
        monthly=True,
        people_additive=False,
    ),
    Indicator(
        code="exits",
        name=_("Exits by outcome"),
        definition=_("Exits from the programme dated in the school year, by where the learner went. A learner "
                     "who left, came back and left again counts twice (two exits)."),
        numerator=_("exits dated in the period"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("exits recorded, at the centre of the enrolment that ended"),
        source="learners_exit, learners_enrollment",
        unit=Unit.EXITS,
        breakdowns=(OUTCOME,),
        people_additive=False,
    ),
    Indicator(
        code="positive_exit_rate",
        name=_("Positive exit rate"),
        definition=_("The share of exits towards formal school, vocational training, apprenticeship, "
                     "employment or self-employment, among all exits of the school year (dropouts, moves "
                     "and other exits included in the denominator)."),
        numerator=_("exits to school, vocational training, apprenticeship, employment or self-employment"),
        denominator=_("all exits dated in the period"),
        period=SCHOOL_YEAR,
        population=_("exits recorded, at the centre of the enrolment that ended"),
        source="learners_exit, learners_enrollment",
        unit=Unit.PERCENT,
        people_additive=False,
    ),
    Indicator(
        code="follow_up_rate",
        name=_("Follow-ups done"),
        definition=_("The share of the follow-ups of former learners (3, 6 and 12 months after their exit) due "
                     "since the start of the school year that were done (the learner's situation found, or "
                     "recorded as unreachable)."),
        numerator=_("follow-ups due in the period and done"),
        denominator=_("follow-ups due from the start of the school year to the reference day"),
        period=pgettext_lazy("period", "the school year up to the reference day (today during the year)"),
        population=_("follow-ups of exits, at the centre of the enrolment that ended"),
        source="learners_followup, learners_exit, learners_enrollment",
        unit=Unit.PERCENT,
        people_additive=False,
    ),
    Indicator(
        code="centres_open",
        name=_("Centres open"),
        definition=_("Centres whose status is open and that had opened before the end of the school year "
                     "(a centre opened during the year counts)."),
        numerator=_("open centres"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("centres, by their commune's province and region"),
        source="centers_center",
        unit=Unit.CENTRES,
        about_people=False,
    ),
    Indicator(
        code="seats",
        name=_("Seats"),
        definition=_("The capacity (places) of the centres open (see Centres open)."),
        numerator=_("sum of the capacity of the open centres"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("open centres"),
        source="centers_center",
        unit=Unit.SEATS,
        about_people=False,
    ),
    Indicator(
        code="occupancy",
        name=_("Occupancy"),
        definition=_("Learners enrolled on the reference day (today during the school year, its last day "
                     "after it) against the seats of the open centres."),
        numerator=_("distinct learners whose enrolment covers the reference day"),
        denominator=_("seats of the open centres"),
        period=pgettext_lazy("period", "the reference day of the school year"),
        population=_("enrolments covering the reference day; open centres"),
        source="learners_enrollment, centers_center",
        unit=Unit.PERCENT,
    ),
)

BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}


def catalogue() -> tuple[Indicator, ...]:
    return CATALOGUE


class IndicatorDoesNotExist(LookupError, ObjectDoesNotExist):
    """No indicator of the catalogue has this code (a 404 for pages and the API)."""


def indicator_get(code: str) -> Indicator:
    """The indicator, or IndicatorDoesNotExist when no indicator has this code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise IndicatorDoesNotExist(code) from None
