"""The counts per place on the risk list: read from the counts per centre the scoring run writes
(CenterRiskCount), they must be the figures a direct count of the learners' risks gives, in every
scope; and the worklist's centre filter lists one region's centres at a time."""

import pytest
from django.db.models import Count, F, Q
from django.urls import reverse

from forsa.earlywarning import selectors, services
from forsa.earlywarning.models import CenterRiskCount, LearnerRisk
from forsa.learners import services as learner_services
from tests.earlywarning.conftest import ABSENT, D, roll, school_days
from tests.factories import make_center, make_group, make_learner, make_user

KEYS = {"region": "center__region_id", "province": "center__province_id", "center": "center_id"}


def direct_counts(user, level):
    """What the page showed before the counts were stored: every learner's risk counted, in scope."""
    rows = (LearnerRisk.objects.for_aggregates(user).values(place=F(KEYS[level]))
            .annotate(scored=Count("pk"), high=Count("pk", filter=Q(level="high")),
                      watch=Count("pk", filter=Q(level="watch"))).order_by())
    return {row["place"]: (row["scored"], row["high"], row["watch"]) for row in rows}


def stored_counts(user, level):
    return {row["place"]: (row["scored"], row["high"], row["watch"])
            for row in selectors.risk_counts(user=user, level=level)}


@pytest.fixture
def network(world, scored):
    """Besides the scored fixture (own centre: Amina high, Bilal and Chaimae low; foreign: Farah high):
    a second centre in the own region with six learners, two of them absent all week (high) and one
    absent three days of the last ten (watch: attendance fell from 100 % to 70 %), so that places differ."""
    own = world["own"]
    second = make_center(own.association, own.region_code)
    educator = make_user("educator", second)
    group = make_group(second, educators=[educator])
    learners = [make_learner(second, groups=[group], first_name=f"Second{i}", start_date="2026-09-15",
                             birth_date=f"2011-03-{i + 10}") for i in range(6)]
    for day in school_days("2026-10-05", "2026-10-30"):
        roll(educator, group, day)
    for index, day in enumerate(school_days("2026-11-02", "2026-11-13")):
        marks = {learners[0].pk: ABSENT, learners[1].pk: ABSENT}
        marks |= {learners[2].pk: ABSENT} if index in (1, 4, 7) else {}
        roll(educator, group, day, marks)
    services.risk_score_all(as_of=D("2026-11-13"))
    return second, learners


def test_stored_counts_equal_the_direct_count_in_every_scope(world, network):
    second, _learners = network
    own, foreign = world["own"], world["foreign"]
    users = [world["national_admin"], world["national_analyst"], world["partner_viewer"],
             own.users["regional_manager"], own.users["provincial_manager"], foreign.users["regional_manager"]]
    assert CenterRiskCount.objects.count() == 3  # a row per centre scored
    for user in users:
        for level in KEYS:
            assert stored_counts(user, level) == direct_counts(user, level), (user, level)
    # The national figures by hand: own region 3 + 6 scored, 1 + 2 high; foreign region 1 scored, 1 high.
    national = stored_counts(world["national_admin"], "center")
    assert national[own.center.pk][:2] == (3, 1) and national[second.pk] == (6, 2, 1)
    assert national[foreign.center.pk] == (1, 1, 0)
    # A regional manager's counts cover their region only.
    regional = stored_counts(own.users["regional_manager"], "center")
    assert set(regional) == {own.center.pk, second.pk}
    assert set(stored_counts(foreign.users["regional_manager"], "center")) == {foreign.center.pk}


def test_counts_follow_a_partial_run_and_a_learner_who_leaves(world, network):
    second, learners = network
    own = world["own"]
    director = make_user("center_director", second)
    # Learner 3 is now absent all week: a partial run for them alone updates their centre's counts only.
    educator = second.groups.get().educators.get()
    for day in school_days("2026-11-16", "2026-11-20"):
        roll(educator, second.groups.get(), day, {learners[3].pk: ABSENT})
    services.risk_score_all(as_of=D("2026-11-20"), learner_ids=[learners[3].pk])
    for level in KEYS:
        assert stored_counts(world["national_admin"], level) == direct_counts(world["national_admin"], level)
    assert stored_counts(world["national_admin"], "center")[second.pk][1] == 3
    # Learner 0 leaves: the next full run no longer scores them, and the counts drop with them.
    learner_services.learner_exit(actor=director, learner=learners[0], exit_date=D("2026-11-20"), outcome="dropout",
                                  dropout_reason="economic")
    services.risk_score_all(as_of=D("2026-11-23"))
    for user in (world["national_admin"], own.users["regional_manager"], world["partner_viewer"]):
        for level in KEYS:
            assert stored_counts(user, level) == direct_counts(user, level)
    assert stored_counts(world["national_admin"], "center")[second.pk][0] == 5


def test_the_page_shows_the_stored_counts_to_a_regional_manager_and_404_stays(client, world, network):
    second, _learners = network
    own, foreign = world["own"], world["foreign"]
    manager = own.users["regional_manager"]
    client.force_login(manager)
    page = client.get(reverse("earlywarning:list")).content.decode()
    assert own.center.province.name in page or second.province.name in page
    assert foreign.center.province.name not in page and "Farah" not in page
    # The centre filter of a manager of one region lists its centres at once (no region to choose).
    assert f'<option value="{second.pk}">' in page and f'value="{foreign.center.pk}"' not in page
    assert 'name="region"' not in page
    assert client.get(reverse("earlywarning:learner", args=[foreign.learner.pk])).status_code == 404
    # A foreign centre in the filter is a form error on the page, never another region's learners.
    response = client.get(reverse("earlywarning:list"), {"center": foreign.center.pk})
    assert response.status_code == 200 and "Farah" not in response.content.decode()


def test_a_national_user_chooses_a_region_then_its_centres(client, world, network):
    second, _learners = network
    own, foreign = world["own"], world["foreign"]
    client.force_login(world["national_admin"])
    url = reverse("earlywarning:list")
    page = client.get(url).content.decode()
    assert 'name="region"' in page and f'<option value="{own.center.region_id}">' in page
    assert f'value="{second.pk}"' not in page and f'value="{foreign.center.pk}"' not in page  # no centre listed yet
    assert 'aria-describedby="id_center_helptext"' in page  # the hint is read with the field
    page = client.get(url, {"region": own.center.region_id}).content.decode()
    assert f'<option value="{second.pk}">' in page and f'<option value="{own.center.pk}">' in page
    assert f'value="{foreign.center.pk}"' not in page
    assert "Amina" in page and "Farah" not in page  # the worklist is that region's
    # A link to a centre's worklist: its region is chosen for it, and its centres listed.
    page = client.get(url, {"center": foreign.center.pk}).content.decode()
    assert f'<option value="{foreign.center.region_id}" selected>' in page
    assert f'<option value="{foreign.center.pk}" selected>' in page and "Farah" in page and "Amina" not in page
    # The region changed with the other region's centre still chosen: the region wins.
    page = client.get(url, {"region": own.center.region_id, "center": foreign.center.pk}).content.decode()
    assert "Amina" in page and "Farah" not in page
    # Bad input: a form error, never a 500.
    for bad in ({"region": "x"}, {"region": 2**70}, {"region": 999999}, {"center": "9" * 30}, {"region": ""}):
        assert client.get(url, bad).status_code == 200, bad


def test_the_national_page_reads_a_bounded_number_of_queries(client, world, network,
                                                             django_assert_max_num_queries):
    client.force_login(world["national_admin"])
    url = reverse("earlywarning:list")
    client.get(url)
    # session and user, memberships, the model card, my alerts, the counts per centre summed per region and
    # the regions' names, the regions of the filter, the worklist's count and page
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):  # and the centres of the region chosen
        assert client.get(url, {"region": world["own"].center.region_id}).status_code == 200


def test_the_worklist_length_from_the_stored_counts_is_the_worklist_count(world, network):
    second, _learners = network
    own, foreign = world["own"], world["foreign"]
    region = own.center.region
    cases = [{}, {"level": "high"}, {"level": "watch"}, {"region": region}, {"center": second},
             {"region": region, "level": "watch"}, {"center": foreign.center}]
    for user in (world["national_admin"], world["national_analyst"], own.users["regional_manager"],
                 own.users["provincial_manager"], foreign.users["regional_manager"]):
        for filters in cases:
            stored = selectors.worklist_count(user=user, **filters)
            assert stored == selectors.worklist(user=user, **filters).count(), (user, filters)
    assert selectors.worklist_count(user=world["national_admin"]) == 5  # Amina, Farah, Second0-2
    assert selectors.worklist_count(user=own.users["regional_manager"], center=foreign.center) == 0
    # Where the stored counts do not say it, the worklist is counted.
    for user in (own.users["center_director"], own.users["educator"], own.users["counsellor"],
                 own.users["association_manager"], world["partner_viewer"]):
        assert selectors.worklist_count(user=user) is None
    assert selectors.worklist_count(user=world["national_admin"], reason="consecutive") is None
