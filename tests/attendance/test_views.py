"""Attendance pages: scope on every page, the roll call in one POST (idempotent, constant queries,
clear refusals, corrections), query counts of the group and centre pages, the overview's levels."""

import datetime
import itertools
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forsa.attendance import selectors, services
from forsa.attendance.models import Absence, AbsenceRule, Session
from forsa.audit.models import AuditEntry
from tests.factories import make_center, make_group, make_learner, make_user
from tests.queries import assert_constant_queries
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404, status_for

TODAY = timezone.localdate()
RECENT = TODAY - datetime.timedelta(days=2)  # within the correction window (7 days by default)
OLD = TODAY - datetime.timedelta(days=20)  # beyond it
START = "2026-09-15"
NAMES = [("Amina", "Alaoui", "أمينة", "العلوي"), ("Bilal", "Bennani", "بلال", "بناني"),
         ("Chaimae", "Chraibi", "شيماء", "الشرايبي")]


def add_learners(group, count, *, offset=0):
    return [make_learner(group.center, groups=[group], first_name=f"Prénom{offset + i}", last_name=f"Nom{offset + i}",
                         first_name_ar="", last_name_ar="", start_date=START,
                         birth_date=f"2011-{1 + (offset + i) % 12:02d}-{1 + (offset + i) // 12:02d}")
            for i in range(count)]


@pytest.fixture
def scene(world):
    """On each side: a class taught by the side's educator, three learners, one roll taken on RECENT.
    The own centre also has a workshop taught by another educator."""
    for label in ("own", "foreign"):
        side = world[label]
        side.group = make_group(side.center, educators=[side.users["educator"]])
        side.learners = [make_learner(side.center, groups=[side.group], first_name=first, last_name=last,
                                      first_name_ar=first_ar, last_name_ar=last_ar, start_date=START,
                                      birth_date=f"2011-0{i + 1}-10")
                         for i, (first, last, first_ar, last_ar) in enumerate(NAMES)]
        side.session, _ = services.roll_call_record(
            actor=side.users["educator"], group=side.group, date=RECENT, slot="morning",
            marks={side.learners[1].pk: {"kind": "absent"}})
    own = world["own"]
    own.other_educator = make_user("educator", own.center)
    own.workshop = make_group(own.center, name="Atelier couture", kind="workshop", educators=[own.other_educator])
    return world


def roll_url(group, day=None, slot="morning"):
    url = reverse("attendance:roll", args=[group.pk])
    return f"{url}?date={day.isoformat()}&slot={slot}" if day else url


def roll_data(learners, day, marks=None, *, slot="morning", key=None, session=None, **extra):
    """The POST of the roll-call form: one choice per learner (present unless marked)."""
    data = {"date": day.isoformat(), "slot": slot, "client_key": key or uuid.uuid4().hex,
            "session": session.pk if session else ""}
    for learner in learners:
        data[f"mark_{learner.pk}"] = (marks or {}).get(learner.pk, "present")
        data[f"reason_{learner.pk}"] = ""
    return data | extra


# ---------------------------------------------------------------------------
# Scope


PAGES = {  # route → keyword arguments from a side
    "attendance:group": lambda side: {"pk": side.group.pk},
    "attendance:roll": lambda side: {"pk": side.group.pk},
    "attendance:center": lambda side: {"pk": side.center.pk},
}


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_pages_own_scope_and_foreign_404(client, scene, role):
    for route, kwargs_of in PAGES.items():
        assert_own_visible_foreign_404(client, scene, role, route, kwargs_of)
    assert_own_visible_foreign_404(client, scene, role, "attendance:center_rules", PAGES["attendance:center"],
                                   200 if role == "center_director" else 403)


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_my_groups_and_overview_show_only_own_scope(client, scene, role):
    own, foreign = scene["own"], scene["foreign"]
    client.force_login(own.users[role])
    html = client.get(reverse("attendance:mine")).content.decode()
    assert reverse("attendance:group", args=[own.group.pk]) in html
    assert reverse("attendance:group", args=[foreign.group.pk]) not in html
    # Educators see only the groups they teach; everyone else in the centre's scope sees all of them.
    assert (reverse("attendance:group", args=[own.workshop.pk]) in html) is (role != "educator")
    assert (reverse("attendance:roll", args=[own.group.pk]) in html) is (role in ("center_director", "educator"))
    rows = client.get(reverse("attendance:overview")).context["rows"]
    assert rows and all(row["object"] in (own.center, own.center.province) for row in rows)


def test_educator_of_another_group_gets_404_on_groups_they_do_not_teach(client, scene):
    own = scene["own"]
    other = own.other_educator
    assert status_for(client, other, reverse("attendance:group", args=[own.group.pk])) == 404
    assert status_for(client, other, roll_url(own.group)) == 404
    assert status_for(client, other, reverse("attendance:group", args=[own.workshop.pk])) == 200
    client.force_login(other)
    response = client.post(roll_url(own.group, TODAY), roll_data(own.learners, TODAY))
    assert response.status_code == 404 and not Session.objects.filter(date=TODAY).exists()
    # The centre page shows them only their own group's rolls and learners.
    html = client.get(reverse("attendance:center", args=[own.center.pk])).content.decode()
    assert own.group.name not in html.split("missing-title")[1].split("</section>")[0]


def test_partner_viewer_gets_404_on_group_roll_and_centre_pages(client, scene):
    partner, own = scene["partner_viewer"], scene["own"]
    for url in (reverse("attendance:mine"), reverse("attendance:group", args=[own.group.pk]), roll_url(own.group),
                reverse("attendance:center", args=[own.center.pk]),
                reverse("attendance:center_rules", args=[own.center.pk])):
        assert status_for(client, partner, url) == 404, url
    assert status_for(client, partner, reverse("attendance:overview")) == 200
    assert status_for(client, partner, reverse("attendance:rules")) == 403


def test_national_admin_sees_both_sides(client, scene):
    client.force_login(scene["national_admin"])
    for side in (scene["own"], scene["foreign"]):
        for route, kwargs_of in PAGES.items():
            assert client.get(reverse(route, kwargs=kwargs_of(side))).status_code == 200, route


def test_navigation_links_to_attendance(client, scene):
    client.force_login(scene["own"].users["educator"])
    assert f'href="{reverse("attendance:mine")}"' in client.get("/").content.decode()
    client.force_login(scene["partner_viewer"])
    html = client.get("/").content.decode()
    assert f'href="{reverse("attendance:overview")}"' in html and f'href="{reverse("attendance:mine")}"' not in html


# ---------------------------------------------------------------------------
# The roll call


def test_roll_screen_lists_expected_learners_in_both_scripts(client, scene):
    own = scene["own"]
    client.force_login(own.users["educator"])
    html = client.get(roll_url(own.group, TODAY)).content.decode()
    for first, last, first_ar, last_ar in NAMES:
        assert f"{first} {last}" in html and f"{first_ar} {last_ar}" in html
    assert html.count('type="radio"') == 9 and 'name="client_key"' in html


def test_roll_post_saves_absences_and_redirects_with_a_message(client, scene):
    own = scene["own"]
    amina, bilal, chaimae = own.learners
    client.force_login(own.users["educator"])
    data = roll_data(own.learners, TODAY, {amina.pk: "absent", chaimae.pk: "late"})
    data |= {f"justified_{amina.pk}": "on", f"reason_{amina.pk}": "Malade"}
    response = client.post(roll_url(own.group, TODAY), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("attendance:group", args=[own.group.pk])
    assert "Appel enregistré" in response.content.decode() or "Roll call saved" in response.content.decode()
    session = Session.objects.get(group=own.group, date=TODAY, slot="morning")
    assert (session.expected, session.absent, session.late, session.taken_by) == (3, 1, 1, own.users["educator"])
    marks = {a.learner_id: (a.kind, a.justified, a.reason) for a in session.absences.all()}
    assert marks == {amina.pk: ("absent", True, "Malade"), chaimae.pk: ("late", False, "")}


def test_roll_post_queries_do_not_grow_with_the_group(client, scene):
    own = scene["own"]
    director = own.users["center_director"]
    small = make_group(own.center, name="Petit groupe")
    big = make_group(own.center, name="Grand groupe")
    small_learners, big_learners = add_learners(small, 3), add_learners(big, 15, offset=3)
    client.force_login(director)
    client.post(roll_url(own.group, OLD), roll_data(own.learners, OLD))  # warm-up (session, content types)

    def count(group, learners):
        marks = {learner.pk: "absent" for learner in learners[::2]}
        with CaptureQueriesContext(connection) as context:
            response = client.post(roll_url(group, TODAY), roll_data(learners, TODAY, marks))
        assert response.status_code == 302
        return len(context.captured_queries)

    assert count(small, small_learners) == count(big, big_learners)
    assert Session.objects.get(group=big, date=TODAY).absent == 8


def test_resending_the_same_post_creates_nothing(client, scene):
    own = scene["own"]
    client.force_login(own.users["educator"])
    data = roll_data(own.learners, TODAY, {own.learners[0].pk: "absent"}, key="phone-7-0001")
    assert client.post(roll_url(own.group, TODAY), data).status_code == 302
    counts = (Session.objects.count(), Absence.objects.count(), AuditEntry.objects.count())
    response = client.post(roll_url(own.group, TODAY), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("attendance:group", args=[own.group.pk])
    assert (Session.objects.count(), Absence.objects.count(), AuditEntry.objects.count()) == counts


def assert_refused(response, *words):
    """The page is shown again with the error (one of ``words``, French or English)."""
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert any(word in html for word in words), words


def test_future_date_is_refused_on_the_page(client, scene):
    own = scene["own"]
    tomorrow = TODAY + datetime.timedelta(days=1)
    client.force_login(own.users["educator"])
    before = (Session.objects.count(), Absence.objects.count())
    response = client.post(roll_url(own.group, tomorrow),
                           roll_data(own.learners, tomorrow, {own.learners[0].pk: "absent"}))
    assert_refused(response, "future", "futur")
    assert (Session.objects.count(), Absence.objects.count()) == before


def test_second_roll_for_the_same_slot_is_refused_on_the_page(client, scene):
    own = scene["own"]
    amina, bilal, _c = own.learners
    client.force_login(own.users["educator"])
    first = roll_data(own.learners, TODAY, {amina.pk: "absent"})
    second = roll_data(own.learners, TODAY, {bilal.pk: "late"})  # another phone showed the empty roll too
    assert client.post(roll_url(own.group, TODAY), first).status_code == 302
    assert_refused(client.post(roll_url(own.group, TODAY), second), "already", "déjà")
    session = Session.objects.get(group=own.group, date=TODAY, slot="morning")
    assert list(session.absences.values_list("learner", "kind")) == [(amina.pk, "absent")]


def test_a_learner_not_in_the_group_is_refused_and_nothing_saved(client, scene):
    own = scene["own"]
    stranger = make_learner(own.center, first_name="Zakaria", last_name="Hors", birth_date="2011-12-12")
    client.force_login(own.users["educator"])
    data = roll_data(own.learners, TODAY, {own.learners[0].pk: "absent"}) | {f"mark_{stranger.pk}": "absent"}
    before = (Session.objects.count(), Absence.objects.count())
    assert_refused(client.post(roll_url(own.group, TODAY), data), str(stranger.pk))
    assert (Session.objects.count(), Absence.objects.count()) == before


def test_an_existing_roll_opens_in_correction_mode_and_is_corrected(client, scene):
    own = scene["own"]
    amina, bilal, _c = own.learners
    client.force_login(own.users["educator"])
    html = client.get(roll_url(own.group, RECENT)).content.decode()
    assert f'name="session" value="{own.session.pk}"' in html
    assert re.search(rf'name="mark_{bilal.pk}" value="absent"[^>]*checked', html)  # the saved mark
    data = roll_data(own.learners, RECENT, {amina.pk: "late"}, session=own.session)
    response = client.post(roll_url(own.group, RECENT), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("attendance:group", args=[own.group.pk])
    own.session.refresh_from_db()
    assert (own.session.absent, own.session.late) == (0, 1)
    assert AuditEntry.objects.filter(target_id=str(own.session.pk), action="update").exists()


def test_a_correction_after_the_window_is_refused_with_a_message(client, scene):
    own = scene["own"]
    educator = own.users["educator"]
    old, _ = services.roll_call_record(actor=educator, group=own.group, date=OLD, slot="morning", marks={})
    client.force_login(educator)
    html = client.get(roll_url(own.group, OLD)).content.decode()
    assert 'class="roll"' not in html and ("corrected" in html or "corrig" in html)  # read-only, says why
    data = roll_data(own.learners, OLD, {own.learners[0].pk: "absent"}, session=old)
    assert_refused(client.post(roll_url(own.group, OLD), data), "corrected", "corrig")
    assert not old.absences.exists()


def test_roles_that_do_not_take_the_roll_read_it_and_cannot_post(client, scene):
    own = scene["own"]
    counsellor = own.users["counsellor"]
    client.force_login(counsellor)
    html = client.get(roll_url(own.group, RECENT)).content.decode()
    assert 'class="roll"' not in html and 'class="mark absent"' in html
    response = client.post(roll_url(own.group, TODAY), roll_data(own.learners, TODAY))
    assert response.status_code == 403 and not Session.objects.filter(date=TODAY).exists()


def test_default_moment_and_a_bad_date(client, scene):
    own = scene["own"]
    client.force_login(own.users["educator"])
    html = client.get(roll_url(own.group)).content.decode()
    assert f'value="{TODAY.isoformat()}"' in html
    response = client.get(f"{roll_url(own.group)}?date=2026-13-45&slot=morning")
    assert response.status_code == 200 and 'class="error"' in response.content.decode()


# ---------------------------------------------------------------------------
# Group, centre, overview and rules pages


def test_my_groups_warns_of_rolls_not_taken(client, scene):
    own = scene["own"]
    client.force_login(own.users["educator"])
    html = client.get(reverse("attendance:mine")).content.decode()
    missing = selectors.missing_rolls(groups=[own.group], since=TODAY - datetime.timedelta(days=14),
                                      until=TODAY - datetime.timedelta(days=1))[own.group]
    assert RECENT not in missing and missing
    assert f"?date={missing[0].isoformat()}&amp;slot=morning" in html


def test_group_page_shows_sessions_rates_and_learners(client, scene):
    own = scene["own"]
    client.force_login(own.users["educator"])
    html = client.get(reverse("attendance:group", args=[own.group.pk])).content.decode()
    assert f"?date={RECENT.isoformat()}&amp;slot=morning" in html
    assert "2/3" in html  # present / expected of the roll taken
    if RECENT.month == TODAY.month:
        assert "Bennani" in html and "66,7" in html


def test_group_page_lists_its_learners_before_the_first_roll_of_the_month(client, scene):
    own = scene["own"]
    group = make_group(own.center, name="Groupe sans appel", educators=[own.users["educator"]])
    learner = make_learner(own.center, groups=[group], first_name="Yassine", last_name="Zemmouri", start_date=START)
    client.force_login(own.users["educator"])
    html = client.get(reverse("attendance:group", args=[group.pk])).content.decode()
    assert reverse("learners:detail", args=[learner.pk]) in html and "Zemmouri" in html


def test_centre_page_lists_learners_meeting_the_rules(client, scene):
    own = scene["own"]
    amina = own.learners[0]
    educator = own.users["educator"]
    for day in (TODAY - datetime.timedelta(days=1), TODAY):  # after the roll of RECENT
        for slot in ("morning", "afternoon"):
            services.roll_call_record(actor=educator, group=own.group, date=day, slot=slot,
                                      marks={amina.pk: {"kind": "absent"}})
    client.force_login(own.users["center_director"])
    html = client.get(reverse("attendance:center", args=[own.center.pk])).content.decode()
    flagged = html.split('id="flagged-title"')[1].split("</section>")[0]
    assert reverse("learners:detail", args=[amina.pk]) in flagged
    assert "4 absences" in flagged  # four in a row, rule 3
    assert reverse("learners:detail", args=[own.learners[2].pk]) not in flagged


def test_group_and_centre_pages_query_counts_do_not_grow(client, scene):
    own = scene["own"]
    educator = own.users["center_director"]
    client.force_login(educator)
    days = iter(TODAY - datetime.timedelta(days=n) for n in range(3, 40))
    offsets = itertools.count(20, 6)

    def grow():
        learners = add_learners(own.group, 6, offset=next(offsets))
        for _ in range(8):
            day = next(days)
            services.roll_call_record(actor=educator, group=own.group, date=day, slot="afternoon",
                                      marks={learners[0].pk: {"kind": "absent"}, learners[1].pk: {"kind": "late"}})
        make_group(own.center, name=f"Groupe {next(days)}")

    assert_constant_queries(client, reverse("attendance:group", args=[own.group.pk]), grow, at_most=16)
    assert_constant_queries(client, reverse("attendance:center", args=[own.center.pk]), grow, at_most=16)
    assert_constant_queries(client, reverse("attendance:mine"), grow, at_most=12)


@pytest.mark.parametrize("role, level", [("regional_manager", "province"), ("provincial_manager", "center"),
                                         ("association_manager", "center"), ("center_director", "center")])
def test_overview_breaks_down_by_the_users_scope(client, scene, role, level):
    own = scene["own"]
    client.force_login(own.users[role])
    response = client.get(reverse("attendance:overview"))
    assert response.context["level"] == level
    [row] = response.context["rows"]
    expected = {"province": own.center.province, "center": own.center}[level]
    assert row["object"] == expected
    assert reverse("attendance:center", args=[own.center.pk]) in response.content.decode() or level == "province"


def test_overview_nationally_by_region_with_drill_down(client, scene):
    client.force_login(scene["national_admin"])
    response = client.get(reverse("attendance:overview"))
    assert response.context["level"] == "region" and len(response.context["rows"]) == 2
    region = scene["own"].center.region
    response = client.get(reverse("attendance:overview"), {"region": region.pk})
    assert response.context["level"] == "province"
    assert [row["object"] for row in response.context["rows"]] == [scene["own"].center.province]


def test_overview_hides_small_cells_from_partners(client, scene):
    """The overview hides from partner viewers a figure that fewer than 5 learners stand behind, and a
    second one of the month when the hidden one could be worked out from the month's total (the API's
    rule: forsa.core.disclosure)."""
    partner = scene["partner_viewer"]
    own = scene["own"]
    client.force_login(partner)
    response = client.get(reverse("attendance:overview"))
    html = response.content.decode()
    assert response.context["small_cells"] and "5" in html.split('class="alert info"')[1].split("</p>")[0]
    cells = [cell for row in response.context["rows"] for cell in row["cells"] if cell]
    assert cells and all(cell["suppressed"] and cell["rate"] is None for cell in cells)  # 3 learners a region
    # Each region's rate (1 absent of 3) stands on 3 learners; the month's total, on 6, is shown.
    assert "66,7" not in html.split("<tbody>")[1].split("</tbody>")[0] and "Bennani" not in html
    assert [cell["rate"] for cell in response.context["totals"] if cell] == [66.7]
    big = make_group(own.center, name="Grande classe")
    learners = add_learners(big, 6, offset=40)
    services.roll_call_record(actor=None, group=big, date=RECENT, slot="afternoon",
                              marks={learners[0].pk: {"kind": "absent"}})

    def shown():
        response = client.get(reverse("attendance:overview"))
        return response, {row["object"].code for row in response.context["rows"]
                          for cell in row["cells"] if cell and not cell["suppressed"]}

    # The own region now stands on 9 learners, but the foreign one (3) would be the total minus it.
    response, regions = shown()
    total = [cell for cell in response.context["totals"] if cell]
    assert regions == set() and len(total) == 1 and not total[0]["suppressed"] and total[0]["rate"] is not None
    third = make_center(region_code="02")
    group = make_group(third)
    add_learners(group, 7, offset=60)
    services.roll_call_record(actor=None, group=group, date=RECENT, slot="morning", marks={})
    # A third region of 7 learners: the smaller of the two large ones is hidden in the foreign one's stead.
    response, regions = shown()
    assert regions == {own.center.region.code}
    assert reverse("attendance:center", args=[own.center.pk]) not in response.content.decode()


def test_absence_rules_national_and_centre_override(client, scene):
    own = scene["own"]
    client.force_login(scene["national_admin"])
    response = client.post(reverse("attendance:rules"), {"consecutive_absences": 4, "minimum_rate": 75,
                                                         "minimum_sessions": 6, "correction_days": 5})
    assert response.status_code == 302
    national = AbsenceRule.objects.get(center__isnull=True)
    assert (national.consecutive_absences, national.minimum_rate, national.correction_days) == (4, 75, 5)
    client.force_login(own.users["center_director"])
    url = reverse("attendance:center_rules", args=[own.center.pk])
    assert 'value="4"' in client.get(url).content.decode()  # the national rule until the centre sets its own
    response = client.post(url, {"consecutive_absences": 1, "minimum_rate": 70, "minimum_sessions": 8,
                                 "correction_days": 10})
    assert response.status_code == 200 and 'id="id_consecutive_absences_error"' in response.content.decode()
    assert not AbsenceRule.objects.filter(center=own.center).exists()
    response = client.post(url, {"consecutive_absences": 5, "minimum_rate": 70, "minimum_sessions": 8,
                                 "correction_days": 10})
    assert response.status_code == 302
    assert AbsenceRule.objects.get(center=own.center).consecutive_absences == 5
    assert status_for(client, own.users["center_director"], reverse("attendance:rules")) == 403
    assert status_for(client, scene["foreign"].users["center_director"], url) == 404


def test_learner_file_shows_the_month_of_attendance(client, scene):
    own = scene["own"]
    bilal = own.learners[1]
    client.force_login(own.users["educator"])
    html = client.get(reverse("learners:detail", args=[bilal.pk])).content.decode()
    section = html.split('id="attendance-title"')[1].split("</section>")[0]
    if RECENT.month == TODAY.month:
        assert 'class="mark absent"' in section and "0,0" in section
    assert 'table class="calendar"' in html


def test_a_centre_without_rolls_shows_empty_tables(client, world):
    center = make_center(world["own"].association, "01")
    client.force_login(world["national_admin"])
    html = client.get(reverse("attendance:center", args=[center.pk])).content.decode()
    assert "Aucun appel" in html or "No roll call" in html
