"""The "today" page, every role's home: each item counts what it says, in the user's scope, and links to
where it is done; the foreign side's rows never show; partners and territories read figures, not persons."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from forsa.accounts.models import User
from forsa.assessments import services as assessment_services
from forsa.attendance import services as attendance_services
from forsa.attendance.selectors import missing_rolls, recent_days
from forsa.conventions import services as convention_services
from forsa.earlywarning.models import LearnerRisk
from forsa.learners import services as learner_services
from forsa.organizations.services import public_bodies_ensure
from tests.conventions.conftest import build_side, ministry, pdf
from tests.factories import make_center, make_group, make_learner, make_user

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def last_school_day_before(day):
    day -= DAY
    while day.weekday() >= 5:
        day -= DAY
    return day


def side_with_work(side):
    """A class of four in the side's centre, its educator's roll of the last school day with one absence,
    a learner without consent, one at high and one at watch risk, two overdue follow-ups and
    a group not assessed yet beside one that had its diagnostic."""
    educator, director = side.users["educator"], side.users["center_director"]
    group = make_group(side.center, educators=[educator])
    start = (TODAY - datetime.timedelta(days=30)).isoformat()
    names = ["Amina", "Bilal", "Chaimae"]
    learners = [make_learner(side.center, first_name=name, start_date=start, groups=[group]) for name in names]
    learners.append(make_learner(side.center, first_name="Driss", start_date=start, groups=[group], consent=False))
    attendance_services.roll_call_record(actor=educator, group=group, date=last_school_day_before(TODAY),
                                         slot="morning", marks={learners[1].pk: {"kind": "absent"}})
    for learner, level in ((learners[0], "high"), (learners[2], "watch")):
        LearnerRisk.objects.create(learner=learner, center=side.center, as_of=TODAY, level=level)
    exited = make_learner(side.center, first_name="Elias", school_year="2025-2026", start_date="2025-10-01")
    learner_services.learner_exit(actor=director, learner=exited, exit_date=datetime.date(2026, 5, 29),
                                  outcome="dropout", dropout_reason="economic")
    assessed = make_group(side.center, name="Atelier couture", kind="workshop", educators=[educator])
    assessment_services.assessment_create(actor=educator, group=assessed, kind="diagnostic", date=TODAY)
    side.group, side.assessed, side.learners = group, assessed, learners
    return side


@pytest.fixture
def sides(world):
    User.objects.update(language="en")  # pages in English: the assertions read the source strings
    assessment_services.framework_ensure_default()
    for label in ("own", "foreign"):
        side_with_work(world[label])
    return world


def items(html):
    """{label: (count, href)} of the page's counted items."""
    return {label.strip(): (int(count), href) for href, count, label in re.findall(
        r'<a href="([^"]+)"><span class="today-count">(\d+)</span>([^<]+)</a>', html)}


def test_educator_sees_their_groups_the_roll_to_take_and_who_was_absent(client, sides):
    own, foreign = sides["own"], sides["foreign"]
    client.force_login(own.users["educator"])
    html = client.get("/").content.decode()
    assert f'href="{reverse("attendance:roll", args=[own.group.pk])}"' in html
    assert reverse("attendance:roll", args=[foreign.group.pk]) not in html
    assert "roll not taken yet today" in html
    # the one absent at the last roll, with a link to the file; the others were present
    assert f'href="{reverse("learners:detail", args=[own.learners[1].pk])}"' in html
    assert not any(reverse("learners:detail", args=[learner.pk]) in html
                   for learner in (*own.learners[:1], *own.learners[2:], *foreign.learners))
    missing = len(missing_rolls(groups=[own.group], **recent_days(TODAY))[own.group])
    assert missing > 0 and f"{missing} rolls missing in the last two weeks" in html
    # taking today's roll turns the badge
    attendance_services.roll_call_record(actor=own.users["educator"], group=own.group, date=TODAY, slot="morning",
                                         marks={})
    assert "roll taken: morning" in client.get("/").content.decode()


def test_director_reads_each_count_and_each_link_leads_to_its_rows(client, sides):
    own, foreign = sides["own"], sides["foreign"]
    client.force_login(own.users["center_director"])
    html = client.get("/").content.decode()
    found = items(html)
    rolls = sum(len(days) for days in missing_rolls(groups=[own.group], **recent_days(TODAY)).values())
    assert found["rolls not taken in the last two weeks"] == (
        rolls, reverse("attendance:center", args=[own.center.pk]) + "#missing-title")
    assert found["learner at high risk of dropping out"] == (
        1, reverse("earlywarning:list") + f"?center={own.center.pk}&amp;level=high")
    assert found["learner to watch"][0] == 1
    # Elias left on 29 May: his +3 and +6 month follow-ups are overdue, the +12 is not due yet
    assert found["follow-ups after exit due within two weeks or overdue"] == (2, reverse("learners:follow_ups"))
    count, href = found["enrolled learner without a data consent in force"]
    assert count == 1
    listed = client.get(href.replace("&amp;", "&")).content.decode()
    assert "Driss" in listed and "Amina" not in listed
    # Rattrapage A has no diagnostic yet, the workshop had its own
    assert found["group without a diagnostic assessment yet"] == (1, reverse("assessments:mine"))
    assert "Rattrapage A</span>" in html and "Atelier couture</span>" not in html
    assert foreign.center.name not in html
    # the urgent items come first
    labels = list(found)
    assert labels.index("learner to watch") > labels.index("enrolled learner without a data consent in force")


def test_queries_do_not_grow_with_the_rows(client, sides, django_assert_max_num_queries):
    own = sides["own"]
    for user, limit in ((own.users["educator"], 22), (own.users["center_director"], 30)):
        client.force_login(user)
        client.get("/")
        with django_assert_max_num_queries(limit):
            client.get("/")
    for name in ("Farid", "Ghita", "Hamza"):  # more learners, absent and without consent: the same queries
        learner = make_learner(own.center, first_name=name, groups=[own.group], consent=False,
                               start_date=(TODAY - 30 * DAY).isoformat())
        LearnerRisk.objects.create(learner=learner, center=own.center, as_of=TODAY, level="high")
    with django_assert_max_num_queries(30):
        client.get("/")


@pytest.mark.parametrize("role", ["national_analyst", "partner_viewer", "regional_manager"])
def test_a_territorys_figures_take_the_same_queries_whatever_the_centres(client, sides, role):
    """The key figures are aggregates: another centre with learners, in the region or elsewhere, adds no query."""
    client.force_login(sides[role] if role in sides else sides["own"].users[role])
    client.get("/")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for region in ("01", "09"):
        center = make_center(region_code=region)
        for name in ("Ilham", "Jamal"):
            make_learner(center, first_name=name, start_date=(TODAY - 30 * DAY).isoformat())
    assert queries() == before <= 25


def test_association_manager_sees_its_centres_calls_reports_and_tranches(client, sides, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    public_bodies_ensure(actor=None)
    own, foreign = sides["own"], sides["foreign"]
    second = make_center(own.association, "01")
    admin = sides["national_admin"]
    call = convention_services.call_create(
        actor=admin, owner=ministry(), reference="AAP-NAT-OPEN", title="Appel national ouvert", budget=1_000_000,
        opens_on=TODAY - 10 * DAY, closes_on=TODAY + 20 * DAY, criteria=[("Pertinence", 100, 10)])
    convention_services.call_open(actor=admin, call=call)
    reviewer = make_user("reviewer")
    for side in (own, foreign):
        convention = build_side(side, reviewer).convention
        manager = side.users["regional_manager"]
        convention_services.convention_sign(actor=manager, convention=convention, signed_on=TODAY - 60 * DAY,
                                            signed_document=pdf())
        convention_services.convention_transition(actor=manager, convention=convention, to="active")
        report = convention_services.report_plan(actor=manager, convention=convention, kind="activity",
                                                 period=f"Trimestre {side.region_code}", due_on=TODAY - 3 * DAY)
        convention_services.tranche_plan(actor=manager, convention=convention, order=2, planned_amount=250_000,
                                          planned_on=TODAY + 30 * DAY, required_reports=[report])
        side.convention = convention
    client.force_login(own.users["association_manager"])
    html = client.get("/").content.decode()
    assert own.center.name in html and second.name in html and foreign.center.name not in html
    assert reverse("conventions:call", args=[call.pk]) in html and "Appel national ouvert" in html
    assert "Trimestre 01" in html and "Trimestre 06" not in html and "late" in html
    assert reverse("conventions:detail", args=[own.convention.pk]) in html
    assert reverse("conventions:detail", args=[foreign.convention.pk]) not in html
    assert "Tranche 2: 250,000 MAD" in html
    # the director owes the report too, but tranches and calls are the association's business
    client.force_login(own.users["center_director"])
    html = client.get("/").content.decode()
    assert "Trimestre 01" in html and "Tranche 2" not in html and "Appel national ouvert" not in html


@pytest.mark.parametrize("role", ["regional_manager", "provincial_manager", "partner_viewer", "national_analyst"])
def test_territories_and_partners_read_figures_with_their_change_never_a_person(client, sides, role):
    user = sides[role] if role in sides else sides["own"].users[role]
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    figures = response.context["figures"]
    assert [figure["indicator"].code for figure in figures["key"]] == [
        "learners_enrolled", "attendance_rate", "rolls_not_taken", "learners_at_risk", "positive_exit_rate",
        "follow_up_rate"]
    assert all("change" in figure for figure in figures["key"])
    assert f'href="{reverse("reporting:dashboard")}"' in html
    assert not any(learner.first_name in html for side in ("own", "foreign") for learner in sides[side].learners)
    assert 'class="today-count"' not in html and reverse("attendance:roll", args=[sides["own"].group.pk]) not in html
    enrolled = figures["key"][0]["total"]
    if role in ("partner_viewer", "national_analyst"):  # 4 enrolled on each side (the exited one apart)
        assert enrolled.value == 8 and not enrolled.suppressed
    else:  # the own region's or province's 4 enrolled (the exited one apart)
        assert enrolled.value == 4


def test_a_user_with_nothing_to_do_is_told_so(client, world):
    client.force_login(world["own"].users["educator"])  # teaches no group yet
    html = client.get("/").content.decode()
    assert "Rien ne vous attend" in html  # in French, the default language


def test_learner_list_filters_the_learners_without_consent_on_page_and_api(client, sides):
    own = sides["own"]
    client.force_login(own.users["center_director"])
    html = client.get(reverse("learners:list"), {"consent": "missing"}).content.decode()
    assert "Driss" in html and "Amina" not in html and "Bilal" not in html
    answer = client.get("/api/v1/learners", {"consent": "missing"})
    assert answer.status_code == 200 and [row["first_name"] for row in answer.json()["items"]] == ["Driss"]
    assert client.get("/api/v1/learners", {"consent": "nope"}).status_code == 422
