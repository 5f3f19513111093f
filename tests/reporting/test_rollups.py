"""The roll-ups: the figures added up from the centres' cells of a refresh are the figures computed
directly, for every role, place, level and breakdown; the refresh is idempotent; pages say when their
figures were computed and ask fewer queries.

One change is documented (docs/reporting.md, "Scope"): from the roll-ups a region's figure is the sum
of its centres', whoever reads it; computed directly, a territorial manager counts enrolments through
the learner's CURRENT placement. So a regional or association manager's figures from the roll-ups are
compared with a national reader's direct figures at the same place, and the one figure of the network
that differs (Omar, taken in at A in region 01 and now at B in region 06) is checked by hand.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forsa.reporting import figures, services
from forsa.reporting.indicators import CATALOGUE, CENTER, NATIONAL, PROVINCE, REGION
from forsa.reporting.models import CentreCell, Refresh
from forsa.reporting.selectors import SCOPE, Place, attendance_trend, dashboard, indicator_cells
from tests.reporting.network import build_network

D = datetime.date.fromisoformat
TODAY = D("2026-12-05")
PERIOD = figures.Period.of("2026-2027", month=D("2026-11-01"), today=TODAY)


@pytest.fixture
def network(world):
    return build_network(world)


@pytest.fixture
def refresh(network):
    return services.rollups_refresh(school_year="2026-2027", today=TODAY)


def shape(cell):
    return None if cell is None else (cell.value, cell.numerator, cell.denominator, cell.suppressed)


def figures_at(user, place, refresh):
    """Every line of every indicator at ``place`` (by sub-level, and by each breakdown it declares):
    {(code, line): (total, {key: cell})} in comparable shapes."""
    out = {}
    # the figures that exist down to a centre (the census ones stop at the province and are never rolled up)
    for indicator in (indicator for indicator in CATALOGUE if CENTER in indicator.levels):
        for breakdown in (None, *indicator.breakdowns):
            result = indicator_cells(user=user, code=indicator.code, place=place, period=PERIOD, breakdown=breakdown,
                                     refresh=refresh)
            assert result["as_of"] == (refresh.finished_at if refresh and result["as_of"] else None)
            out[indicator.code, breakdown] = (shape(result["total"]),
                                              {key: shape(cell) for key, cell in result["cells"].items()})
    return out


def places(world, network, *levels):
    own = world["own"].center
    objects = {NATIONAL: None, REGION: own.region, PROVINCE: own.province, CENTER: network.a, SCOPE: None}
    return [Place(level, objects[level]) for level in levels]


@pytest.mark.parametrize("role", ["national_analyst", "partner_viewer"])
def test_national_readers_get_the_direct_figures_at_every_level_and_breakdown(world, network, refresh, role):
    user = world[role]
    foreign = world["foreign"].center
    for place in [*places(world, network, NATIONAL, REGION, PROVINCE, CENTER),
                  Place(REGION, foreign.region), Place(CENTER, network.a2)]:
        assert figures_at(user, place, refresh) == figures_at(user, place, None), (role, place)


def test_the_roll_ups_are_read_for_national_readers_and_add_up(world, network, refresh):
    user = world["national_analyst"]
    result = indicator_cells(user=user, code="learners_enrolled", place=Place(NATIONAL), period=PERIOD)
    assert result["as_of"] == refresh.finished_at
    assert result["total"].value == 5 and sorted(cell.value for cell in result["cells"].values()) == [2, 3]
    # a cell changed in the roll-ups is what the page reads (the read does not recompute)
    CentreCell.objects.filter(indicator="learners_enrolled", center=network.a, breakdown="").update(value=7,
                                                                                                   numerator=7)
    result = indicator_cells(user=user, code="learners_enrolled", place=Place(NATIONAL), period=PERIOD)
    assert result["total"].value == 10


def test_partners_read_figures_whose_people_do_not_add_up_directly(world, network, refresh):
    partner = world["partner_viewer"]
    for code, from_rollups in (("learners_enrolled", True), ("girls_share", True), ("attendance_rate", False),
                               ("exits", False), ("follow_up_rate", False), ("occupancy", True)):
        result = indicator_cells(user=partner, code=code, place=Place(NATIONAL), period=PERIOD)
        assert (result["as_of"] is not None) == from_rollups, code


@pytest.mark.parametrize("role", ["regional_manager", "association_manager"])
def test_managers_get_the_figures_of_their_centres(world, network, refresh, role):
    user = world["own"].users[role]
    national = world["national_analyst"]
    for place in places(world, network, REGION, PROVINCE, CENTER):
        if role == "association_manager" and place.level != CENTER:
            continue  # their dashboards reach their centres (the SCOPE place below), not a region
        assert figures_at(user, place, refresh) == figures_at(national, place, None), (role, place)
    if role == "association_manager":
        # the association's centres are all the centres of region 01 in this network: its SCOPE figures
        # (by centre) are the region's figures by centre
        own = world["own"]
        assert set(own.association.centers.values_list("pk", flat=True)) == set(
            own.center.region.centers.values_list("pk", flat=True))
        province = Place(PROVINCE, own.center.province)
        assert set(own.center.region.centers.values_list("province", flat=True)) == {own.center.province_id}
        assert figures_at(user, Place(SCOPE), refresh) == figures_at(national, province, None)


def test_a_region_counts_the_learners_its_centres_took_in_even_those_who_moved_away(world, network, refresh):
    """Documented change: Omar was taken in at A (region 01) and moved to B (region 06) in November."""
    manager = world["own"].users["regional_manager"]
    region = Place(REGION, world["own"].center.region)
    from_rollups = indicator_cells(user=manager, code="new_intakes", place=region, period=PERIOD)
    direct = indicator_cells(user=manager, code="new_intakes", place=region, period=PERIOD, refresh=None)
    assert from_rollups["total"].value == 3  # Amina, Omar, Salma: the region's centres took in three
    assert direct["total"].value == 2  # through the current placement: Omar is now in region 06


def test_attendance_trend_from_the_roll_ups(world, network, refresh, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    for user, place in ((world["national_analyst"], Place(NATIONAL)),
                        (world["own"].users["regional_manager"], Place(REGION, world["own"].center.region))):
        trend = attendance_trend(user=user, place=place, period=PERIOD)
        direct = attendance_trend(user=world["national_analyst"], place=place, period=PERIOD, refresh=None)
        assert [(month, shape(cell)) for month, cell in trend] == [(month, shape(cell)) for month, cell in direct]
        assert dict(trend)[D("2026-11-01")].extra["sessions"] == (3 if place.level == NATIONAL else 2)


def test_refresh_is_idempotent_and_replaces_the_year(world, network):
    def cells():
        return sorted(CentreCell.objects.values_list(
            "indicator", "school_year", "month", "center", "breakdown", "category", "value", "numerator",
            "denominator", "people", "denominator_people", "sessions"), key=repr)

    first = services.rollups_refresh(school_year="2026-2027", today=TODAY)
    before = cells()
    second = services.rollups_refresh(school_year="2026-2027", today=TODAY)
    assert cells() == before and first.rows == second.rows == len(before) > 0
    assert Refresh.objects.filter(school_year="2026-2027").count() == 2
    # another year's refresh leaves this one's cells alone
    services.rollups_refresh(school_year="2025-2026", today=TODAY)
    assert [cell for cell in cells() if cell[1] == "2026-2027"] == before


def test_command_refreshes_the_current_year_and_the_two_before(world, network, capsys):
    """Last year's page compares with the year before it: that one is refreshed too, not computed directly."""
    call_command("reporting_refresh", today="2026-12-05")
    assert set(Refresh.objects.values_list("school_year", flat=True)) == {"2026-2027", "2025-2026", "2024-2025"}
    assert "2026-2027:" in capsys.readouterr().out


def test_command_rejects_bad_input(db):
    from django.core.management import CommandError

    for bad in ({"year": "2026-2028"}, {"today": "05/12/2026"}):
        with pytest.raises(CommandError):
            call_command("reporting_refresh", **bad)


def test_task_refreshes(world, network):
    from forsa.reporting.tasks import reporting_refresh

    result = reporting_refresh.call(school_year="2026-2027", today="2026-12-05")
    assert result["2026-2027"]["cells"] == CentreCell.objects.filter(school_year="2026-2027").count() > 0


def test_the_page_shows_when_its_figures_were_computed(client, world, network):
    client.force_login(world["national_analyst"])
    url = reverse("reporting:national") + "?year=2026-2027&month=2026-11"
    assert 'id="figures-as-of"' not in client.get(url).content.decode()
    refresh = services.rollups_refresh(school_year="2026-2027", today=TODAY)
    response = client.get(url)
    assert response.context["as_of"] == refresh.finished_at
    assert 'id="figures-as-of"' in response.content.decode()


def test_national_page_asks_fewer_queries_from_the_roll_ups(client, world, network, django_assert_max_num_queries):
    client.force_login(world["national_analyst"])
    url = reverse("reporting:national") + "?year=2026-2027&month=2026-11"
    client.get(url)  # warm the session and the scope
    with CaptureQueriesContext(connection) as direct:
        client.get(url)
    # the daily refresh keeps the current and the previous school year (the key figures' change reads it)
    services.rollups_refresh(school_year="2026-2027", today=TODAY)
    services.rollups_refresh(school_year="2025-2026", today=TODAY)
    # 53: a query per line from the roll-ups (21 key figures and their previous period, the table's 6 by region,
    # the profile, the outcomes, the trend), the conventions' 4 figures computed directly (not additive), the
    # look-ups of the two refreshes, the names, the session, user and scope (69 computed directly)
    with django_assert_max_num_queries(53), CaptureQueriesContext(connection) as rolled:
        assert client.get(url).status_code == 200
    assert len(rolled) < len(direct) - 5, (len(rolled), len(direct))


def test_dashboard_as_of_is_none_without_a_refresh(world, network):
    context = dashboard(user=world["national_analyst"], place=Place(NATIONAL), period=PERIOD)
    assert context["as_of"] is None
