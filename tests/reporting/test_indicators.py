"""Each indicator of the catalogue, checked by hand on the small network of tests/reporting/network.py."""

import datetime

import pytest
from django.utils import translation

from forsa.reporting import figures
from forsa.reporting.indicators import CATALOGUE, LEVELS, catalogue, indicator_get
from forsa.reporting.selectors import Place, indicator_cells
from tests.reporting.network import build_network

D = datetime.date.fromisoformat
PERIOD = figures.Period.of("2026-2027", month=D("2026-11-01"), today=D("2026-12-05"))


@pytest.fixture
def network(world):
    return build_network(world)


def by_region(world, cells):
    """{region code: value} of cells keyed by region id."""
    codes = {world["own"].center.region_id: "01", world["foreign"].center.region_id: "06"}
    return {codes[key]: cell.value for key, cell in cells.items()}


EXPECTED = {  # code: (nation, {region: value}) — worked out in tests/reporting/network.py
    "learners_enrolled": (5, {"01": 2, "06": 3}),
    "new_intakes": (4, {"01": 3, "06": 1}),
    "girls_share": (60.0, {"01": 100.0, "06": 33.3}),
    "attendance_rate": (71.4, {"01": 80.0, "06": 50.0}),
    "exits": (2, {"01": 1, "06": 1}),
    "positive_exit_rate": (50.0, {"01": 100.0, "06": 0.0}),
    "follow_up_rate": (100.0, {"06": 100.0}),
    "centres_open": (3, {"01": 2, "06": 1}),
    "seats": (320, {"01": 200, "06": 120}),
    "occupancy": (1.2, {"01": 1.0, "06": 1.7}),
    "rolls_not_taken": (39, {"01": 19, "06": 20}),
    "situation_after_exit": (50.0, {"06": 50.0}),
    "basic_skills_gain": (75.0, {"01": 100.0, "06": 50.0}),
    "in_remediation": (2, {"01": 2}),
    "conventions_signed": (1, {"01": 1}),
    "amounts_committed": (500_000, {"01": 500_000}),
    "amounts_disbursed": (350_000, {"01": 250_000, "06": 100_000}),
    "late_reports": (2, {"01": 1, "06": 1}),
    "learners_at_risk": (3, {"01": 2, "06": 1}),
    "interventions": (3, {"01": 2, "06": 1}),
}
# Retention needs 91 (182) days after the intakes of 15 September: read on 1 April 2027.
APRIL = figures.Period.of("2026-2027", month=D("2026-11-01"), today=D("2027-04-01"))
RETENTION = {"retention_3m": (75.0, {"01": 100.0, "06": 0.0}), "retention_6m": (75.0, {"01": 100.0, "06": 0.0})}


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_indicator_by_hand_nationally_and_by_region(world, network, code):
    result = indicator_cells(user=world["national_analyst"], code=code, place=Place("national"), period=PERIOD)
    nation, regions = EXPECTED[code]
    assert result["total"].value == nation
    assert by_region(world, result["cells"]) == regions


# Census figures, hand-checked with the census set by hand in tests/reporting/test_coverage.py.
CHECKED_IN_TEST_COVERAGE = {"out_of_school", "coverage_rate"}


def test_every_indicator_of_the_catalogue_is_checked_here():
    assert set(EXPECTED) | set(RETENTION) | CHECKED_IN_TEST_COVERAGE == {indicator.code for indicator in CATALOGUE}


@pytest.mark.parametrize("code", list(RETENTION))
def test_retention_by_hand(world, network, code):
    """Amina stayed; Omar moved to B on 16 November (still enrolled: retained, counted at A that took him in);
    Salma left for school and came back on 2 November (retained); Youssef dropped out on 30 October (not)."""
    user = world["national_analyst"]
    result = indicator_cells(user=user, code=code, place=Place("national"), period=APRIL)
    nation, regions = RETENTION[code]
    assert (result["total"].value, result["total"].numerator, result["total"].denominator) == (nation, 3, 4)
    assert by_region(world, result["cells"]) == regions
    # on 5 December nobody was taken in 91 days before: no cohort yet, no figure
    assert indicator_cells(user=user, code=code, place=Place("national"), period=PERIOD)["total"] is None
    # Hajar, taken in on 20 September 2025, was still enrolled 91 and 182 days later (she left on 30 June 2026)
    last_year = figures.Period.of("2025-2026", today=D("2026-12-05"))
    assert indicator_cells(user=user, code=code, place=Place("center", network.b), period=last_year)["total"].value \
        == 100.0


def test_retention_counts_a_positive_exit_before_the_milestone(world, network):
    """Nadia, taken in at A on 5 October 2025, left for vocational training on 20 December 2025, before her 91st
    day (4 January 2026): retained at 3 months; Karim, taken in the same day, dropped out then: not retained."""
    from forsa.learners.services import learner_exit
    from tests.factories import make_learner

    for name, sex, details in (("Nadia", "F", {"outcome": "vocational", "training_provider": "ofppt",
                                               "programme": "Couture"}),
                               ("Karim", "M", {"outcome": "dropout", "dropout_reason": "economic"})):
        learner = make_learner(network.a, first_name=name, sex=sex, start_date="2025-10-05", school_year="2025-2026")
        learner_exit(actor=None, learner=learner, exit_date=D("2025-12-20"), **details)
    last_year = figures.Period.of("2025-2026", today=D("2026-12-05"))
    user, centre_a = world["national_analyst"], Place("center", network.a)
    total = indicator_cells(user=user, code="retention_3m", place=centre_a, period=last_year)["total"]
    assert (total.numerator, total.denominator) == (1, 2)
    by_sex = indicator_cells(user=user, code="retention_3m", place=centre_a, period=last_year, breakdown="sex")
    assert {key: cell.value for key, cell in by_sex["cells"].items()} == {"F": 100.0, "M": 0.0}


def test_rolls_not_taken_in_the_month(world, network):
    """November 2026 has 21 school days; A's group had a learner placed every day (Amina) and two rolls (2 and 17
    November); B's group too (Hajar) and one roll (17 November). Hajar's group of 2025-2026 has nobody placed."""
    user = world["national_analyst"]
    result = indicator_cells(user=user, code="rolls_not_taken", place=Place("province", network.a.province),
                             period=PERIOD)
    assert (result["total"].numerator, result["total"].denominator) == (19, 21)
    assert {key: cell.value for key, cell in result["cells"].items()} == {network.a.pk: 19}
    # read on 18 November: the school days up to the 17th (12), rolls on the 2nd and 17th
    mid = figures.Period.of("2026-2027", month=D("2026-11-01"), today=D("2026-11-18"))
    at_a = indicator_cells(user=user, code="rolls_not_taken", place=Place("center", network.a), period=mid)["total"]
    assert (at_a.value, at_a.denominator) == (10, 12)


def test_basic_skills_gain_by_pole_and_the_transfer(world, network):
    user = world["national_analyst"]
    result = indicator_cells(user=user, code="basic_skills_gain", place=Place("national"), period=PERIOD,
                             breakdown="pole")
    assert {key: (cell.numerator, cell.denominator) for key, cell in result["cells"].items()} == {
        "AR": (1, 1), "MATH": (2, 3)}
    # Omar's diagnostic was at A, his latest level at B: he counts at B (with Hajar), not at A
    at_b = indicator_cells(user=user, code="basic_skills_gain", place=Place("center", network.b), period=PERIOD,
                           breakdown="pole")
    assert {key: (cell.numerator, cell.denominator) for key, cell in at_b["cells"].items()} == {"MATH": (1, 2)}


def test_situation_after_exit_by_situation_and_milestone(world, network):
    user = world["national_analyst"]
    by_situation = indicator_cells(user=user, code="situation_after_exit", place=Place("national"), period=PERIOD,
                                   breakdown="situation")
    assert {key: cell.value for key, cell in by_situation["cells"].items()} == {"school": 1, "nothing": 1}
    by_milestone = indicator_cells(user=user, code="situation_after_exit", place=Place("national"), period=PERIOD,
                                   breakdown="milestone")
    assert {key: cell.value for key, cell in by_milestone["cells"].items()} == {3: 50.0}
    # Hajar's follow-up of 2 October 2026 was done in 2026-2027 although her exit was in 2025-2026
    last_year = figures.Period.of("2025-2026", today=D("2026-12-05"))
    assert indicator_cells(user=user, code="situation_after_exit", place=Place("national"), period=last_year)[
        "total"] is None


def test_conventions_count_once_per_place_but_at_each_centre_they_cover(world, network):
    """The own convention covers A and A2: once for the province, once at each centre (not additive)."""
    user = world["national_analyst"]
    result = indicator_cells(user=user, code="conventions_signed", place=Place("province", network.a.province),
                             period=PERIOD)
    assert result["total"].value == 1
    assert {key: cell.value for key, cell in result["cells"].items()} == {network.a.pk: 1, network.a2.pk: 1}
    assert not indicator_get("conventions_signed").additive and indicator_get("learners_enrolled").additive
    committed = indicator_cells(user=user, code="amounts_committed", place=Place("province", network.a.province),
                                period=PERIOD)["total"]
    assert committed.value == 500_000
    late = indicator_cells(user=user, code="late_reports", place=Place("national"), period=APRIL)["total"]
    assert (late.value, late.denominator) == (3, 4)  # the report due 31 January 2027 is late by April
    # the foreign convention was signed last year: its money committed then
    last_year = figures.Period.of("2025-2026", today=D("2026-12-05"))
    assert indicator_cells(user=user, code="amounts_committed", place=Place("national"), period=last_year)[
        "total"].value == 100_000


def test_risk_levels_and_interventions(world, network):
    user = world["national_analyst"]
    by_level = indicator_cells(user=user, code="learners_at_risk", place=Place("national"), period=PERIOD,
                               breakdown="risk_level")
    assert {key: cell.value for key, cell in by_level["cells"].items()} == {"high": 1, "watch": 2}
    last_year = figures.Period.of("2025-2026", today=D("2026-12-05"))
    assert indicator_cells(user=user, code="interventions", place=Place("center", network.b), period=last_year)[
        "total"].value == 1


def test_breakdowns_rural_urban_and_track(world, network):
    """A's commune and B's: their kinds as loaded by the territory app; tracks of the latest enrolments."""
    from forsa.learners.models import TrackParticipation

    user = world["national_analyst"]
    kinds = {network.a.pk: network.a.commune.kind, network.b.pk: network.b.commune.kind}
    expected = {}
    for center, count in ((network.a, 2), (network.b, 3)):
        expected[kinds[center.pk]] = expected.get(kinds[center.pk], 0) + count
    result = indicator_cells(user=user, code="learners_enrolled", place=Place("national"), period=PERIOD,
                             breakdown="area")
    assert {key: cell.value for key, cell in result["cells"].items()} == expected
    amina = network.learners["amina"].enrollments.get()
    TrackParticipation.objects.create(enrollment=amina, track="trade", start_date=D("2026-10-01"))
    TrackParticipation.objects.create(enrollment=amina, track="catch_up", start_date=D("2026-09-15"))
    hajar = network.learners["hajar"].enrollments.get(school_year="2026-2027")
    TrackParticipation.objects.create(enrollment=hajar, track="catch_up", start_date=D("2026-09-21"))
    result = indicator_cells(user=user, code="learners_enrolled", place=Place("national"), period=PERIOD,
                             breakdown="track")
    assert {key: cell.value for key, cell in result["cells"].items()} == {"catch_up": 2, "trade": 1}


def test_counts_behind_the_rates(world, network):
    user = world["national_analyst"]
    girls = indicator_cells(user=user, code="girls_share", place=Place("national"), period=PERIOD)["total"]
    assert (girls.numerator, girls.denominator) == (3, 5)
    attendance = indicator_cells(user=user, code="attendance_rate", place=Place("national"), period=PERIOD)["total"]
    assert (attendance.numerator, attendance.denominator) == (5, 7)
    occupancy = indicator_cells(user=user, code="occupancy", place=Place("national"), period=PERIOD)["total"]
    assert (occupancy.numerator, occupancy.denominator) == (4, 320)


def test_transfer_mid_month_counts_once_where_the_learner_went(world, network):
    """Omar moved from A (region 01) to B (region 06) on 16 November: enrolled once, at B; taken in at A;
    expected at A's roll of 2 November and at B's of 17 November, not at A's of 17 November (Amina and
    Salma, back on 2 November, are)."""
    user = world["national_analyst"]
    by_center = indicator_cells(user=user, code="learners_enrolled", place=Place("region", network.b.region),
                                period=PERIOD)
    assert by_center["cells"][network.b.province_id].value == 3
    centre_a = Place("center", network.a)
    assert indicator_cells(user=user, code="learners_enrolled", place=centre_a, period=PERIOD)["total"].value == 2
    assert indicator_cells(user=user, code="new_intakes", place=centre_a, period=PERIOD)["total"].value == 3
    attendance = indicator_cells(user=user, code="attendance_rate", place=centre_a, period=PERIOD)["total"]
    assert (attendance.denominator, attendance.numerator) == (5, 4)


def test_exit_then_return_is_one_learner_one_exit_and_no_second_intake(world, network):
    user, centre_a = world["national_analyst"], Place("center", network.a)
    exits = indicator_cells(user=user, code="exits", place=centre_a, period=PERIOD, breakdown="outcome")
    assert {key: cell.value for key, cell in exits["cells"].items()} == {"school": 1}
    # Hajar left in 2025-2026 and came back: enrolled this year, not a new intake, her exit is last year's.
    centre_b = Place("center", network.b)
    assert indicator_cells(user=user, code="new_intakes", place=centre_b, period=PERIOD)["total"].value == 1
    last_year = figures.Period.of("2025-2026")
    assert indicator_cells(user=user, code="exits", place=centre_b, period=last_year)["total"].value == 1
    assert indicator_cells(user=user, code="new_intakes", place=centre_b, period=last_year)["total"].value == 1


def test_follow_ups_due_up_to_the_reference_day(world, network):
    later = figures.Period.of("2026-2027", today=D("2027-01-25"))
    result = indicator_cells(user=world["national_analyst"], code="follow_up_rate", place=Place("national"),
                             period=later)
    assert (result["total"].numerator, result["total"].denominator, result["total"].value) == (1, 3, 33.3)
    assert by_region(world, result["cells"]) == {"01": 0.0, "06": 50.0}


def test_centre_opened_mid_year_counts_and_a_closed_one_does_not(world, network):
    result = indicator_cells(user=world["national_analyst"], code="seats", place=Place("region", network.a.region),
                             period=PERIOD)
    assert result["total"].value == 200
    earlier = indicator_cells(user=world["national_analyst"], code="centres_open",
                              place=Place("region", network.a.region), period=figures.Period.of("2025-2026"))
    assert earlier["total"].value == 1  # A2 opened in October 2026


def test_breakdown_by_sex(world, network):
    result = indicator_cells(user=world["national_analyst"], code="learners_enrolled", place=Place("national"),
                             period=PERIOD, breakdown="sex")
    assert {key: cell.value for key, cell in result["cells"].items()} == {"F": 3, "M": 2}


def test_regional_manager_counts_only_its_region(world, network):
    manager = world["own"].users["regional_manager"]
    result = indicator_cells(user=manager, code="learners_enrolled", place=Place("national"), period=PERIOD)
    assert result["total"].value == 2
    assert by_region(world, result["cells"]) == {"01": 2}
    seats = indicator_cells(user=manager, code="seats", place=Place("national"), period=PERIOD)
    assert by_region(world, seats["cells"]) == {"01": 200}


def test_the_catalogue_says_everything_in_three_languages():
    for indicator in catalogue():
        assert set(indicator.levels) <= set(LEVELS)
        for language in ("fr", "ar", "en"):
            with translation.override(language):
                texts = [str(indicator.name), str(indicator.definition), str(indicator.numerator),
                         str(indicator.period), str(indicator.population)]
            assert all(texts), (indicator.code, language)
        with translation.override("en"):
            english = [str(indicator.name), str(indicator.definition), str(indicator.numerator)]
        for language in ("fr", "ar"):  # translated, not the English source shown again
            with translation.override(language):
                assert str(indicator.name) != english[0], (indicator.code, language)
                assert str(indicator.definition) != english[1], (indicator.code, language)
                assert str(indicator.numerator) != english[2], (indicator.code, language)
    with pytest.raises(LookupError):
        indicator_get("nothing")


def test_partner_viewer_gets_small_cells_hidden_and_the_one_that_would_give_them_away(world):
    """Regions 01, 06 and 09 with 6, 3 and 7 learners: 06 stands on fewer than 5 people (hidden); the
    national total (16) is shown, so 06 = 16 - 6 - 7 could be recovered: the smallest other region, 01,
    is hidden too. The national analyst sees every figure."""
    from tests.factories import make_center, make_learner

    third = make_center(region_code="09")
    for center, count in ((world["own"].center, 6), (world["foreign"].center, 3), (third, 7)):
        for n in range(count):
            make_learner(center, first_name=f"Nour{n}", birth_date=f"2011-0{1 + n % 9}-1{n % 9}")
    regions = {world["own"].center.region_id: "01", world["foreign"].center.region_id: "06", third.region_id: "09"}
    for user, shown in ((world["national_analyst"], {"01": 6, "06": 3, "09": 7}),
                        (world["partner_viewer"], {"01": None, "06": None, "09": 7})):
        for code in ("learners_enrolled", "girls_share"):
            result = indicator_cells(user=user, code=code, place=Place("national"), period=PERIOD)
            cells = {regions[key]: cell for key, cell in result["cells"].items()}
            values = {key: cell.numerator for key, cell in cells.items()}
            assert values == shown, (code, user)
            assert {key for key, cell in cells.items() if cell.suppressed} == {k for k, v in shown.items() if v is None}
            assert result["total"].numerator == 16 and not result["total"].suppressed
    # Seats are no people: shown to the partner.
    seats = indicator_cells(user=world["partner_viewer"], code="seats", place=Place("national"), period=PERIOD)
    assert not any(cell.suppressed for cell in seats["cells"].values())


def test_partner_viewer_never_sees_a_total_of_fewer_than_five(world, network):
    result = indicator_cells(user=world["partner_viewer"], code="exits", place=Place("national"), period=PERIOD,
                             breakdown="outcome")
    assert result["total"].suppressed and result["total"].value is None
    assert all(cell.suppressed for cell in result["cells"].values())
    attendance = indicator_cells(user=world["partner_viewer"], code="attendance_rate", place=Place("national"),
                                 period=PERIOD)
    assert attendance["total"].suppressed and attendance["total"].value is None


def test_period_defaults_to_the_last_complete_month_of_the_year():
    assert figures.Period.of("2026-2027", today=D("2026-12-05")).month == D("2026-11-01")
    assert figures.Period.of("2026-2027", today=D("2026-09-10")).month == D("2026-09-01")
    assert figures.Period.of("2025-2026", today=D("2026-12-05")).month == D("2026-08-01")
    assert figures.Period.of("2026-2027", month=D("2027-03-17"), today=D("2026-12-05")).month == D("2027-03-01")
    assert figures.Period.of("2026-2027", month=D("2031-01-01"), today=D("2026-12-05")).month == D("2026-11-01")
    assert figures.Period.of(today=D("2027-02-01")).school_year == "2026-2027"


def test_breakdown_by_age_band_on_1_september(world, network):
    """Ages on 1 September 2026: Amina (14 March 2011) 15, Omar (2 May 2011) 15, Salma (9 July 2011) 15,
    Youssef (21 January 2011) 15, Hajar (30 November 2010) 15; one more born on 1 September 2013 is 13 that
    day, one born on 2 September 2013 is 12."""
    from tests.factories import make_learner

    make_learner(network.a2, first_name="Rania", birth_date="2013-09-01", start_date="2026-10-05")
    make_learner(network.a2, first_name="Ilyas", birth_date="2013-09-02", start_date="2026-10-05",
                 age_override_reason="younger brother of a learner")
    result = indicator_cells(user=world["national_analyst"], code="learners_enrolled", place=Place("national"),
                             period=PERIOD, breakdown="age_band")
    assert {key: cell.value for key, cell in result["cells"].items()} == {"15-16": 5, "13-14": 1, "-12": 1}
    intakes = indicator_cells(user=world["national_analyst"], code="new_intakes", place=Place("center", network.a2),
                              period=PERIOD, breakdown="age_band")
    assert {key: cell.value for key, cell in intakes["cells"].items()} == {"13-14": 1, "-12": 1}
