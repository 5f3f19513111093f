"""Pages: the worklist, a learner's risk with the alert workflow, the effect of interventions; scope,
partners and query counts."""

import datetime

import pytest
from django.urls import reverse

from forsa.audit.models import AuditEntry
from forsa.earlywarning import selectors, services
from forsa.earlywarning.models import Alert, Intervention
from forsa.learners import services as learner_services
from tests.earlywarning.conftest import ABSENT, D, roll, school_days
from tests.factories import make_learner
from tests.queries import count_queries
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404, status_for


def test_the_counsellor_reads_the_list_with_reasons_and_the_advice(client, world, scored):
    _group, (amina, bilal, _chaimae) = scored
    client.force_login(world["own"].users["counsellor"])
    page = client.get(reverse("earlywarning:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Amina" in page and "5 absences de suite" in page and "Farah" not in page and "Bilal" not in page
    assert "pas une décision" in page
    assert "Alertes qui vous sont confiées" in page  # the new alert, in the app


def test_filters_narrow_the_list_and_a_bad_filter_is_no_error(client, world, scored):
    client.force_login(world["own"].users["center_director"])
    url = reverse("earlywarning:list")
    assert "Amina" in client.get(url, {"level": "high", "reason": "consecutive"}).content.decode()
    assert "Amina" not in client.get(url, {"level": "watch"}).content.decode()
    assert "Amina" not in client.get(url, {"reason": "no_gain"}).content.decode()
    response = client.get(url, {"level": "nonsense", "center": "abc", "page": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_a_learner_risk_page_is_404_out_of_scope(client, world, scored, role):
    _group, (amina, *_rest) = scored
    learners = {"own": amina.pk, "foreign": world["foreign"].learner.pk}
    if role in ("educator",):  # an educator sees their groups' learners only: the foreign educator's is 404
        assert status_for(client, world["own"].users[role],
                          reverse("earlywarning:learner", args=[learners["foreign"]])) == 404
    assert_own_visible_foreign_404(
        client, world, role, "earlywarning:learner",
        lambda side: {"pk": learners["own"] if side is world["own"] else learners["foreign"]})


def test_partners_see_counts_with_small_cells_hidden_and_never_a_person(client, world, scored):
    _group, (amina, *_rest) = scored
    partner = world["partner_viewer"]
    client.force_login(partner)
    page = client.get(reverse("earlywarning:list")).content.decode()
    assert "Amina" not in page and "Farah" not in page
    assert "suppressed" in page  # 3 learners scored in a region: fewer than 5, hidden
    assert status_for(client, partner, reverse("earlywarning:learner", args=[amina.pk])) == 404
    rows = selectors.risk_counts(user=partner, level="region")
    assert rows and all(row["hidden"] and row["high_rate"] is None for row in rows)
    national = selectors.risk_counts(user=world["national_admin"], level="region")
    assert sorted((row["scored"], row["high"]) for row in national) == [(1, 1), (3, 1)]


def test_the_alert_workflow_through_the_pages(client, world, scored):
    _group, (amina, *_rest) = scored
    own = world["own"]
    counsellor, director = own.users["counsellor"], own.users["center_director"]
    alert = Alert.objects.get(learner=amina)
    client.force_login(counsellor)
    url = reverse("earlywarning:learner", args=[amina.pk])
    page = client.get(url).content.decode()
    assert "5 absences de suite" in page and "notes" in page  # the counsellor may write confidential notes
    response = client.post(reverse("earlywarning:intervention_add", args=[amina.pk]), {
        "kind": "home_visit", "date": "2026-11-09", "outcome": "Mère rencontrée", "next_step": "Rappeler lundi",
        "notes": "Difficultés à la maison"})
    assert response.status_code == 302
    visit = Intervention.objects.get()
    assert (visit.kind, visit.actor, visit.alert, visit.notes) == ("home_visit", counsellor, alert,
                                                                   "Difficultés à la maison")
    history = AuditEntry.objects.get(target_id=str(visit.pk), action="create", target_type__model="intervention")
    assert history.changes["notes"] == ["•••", "•••"]  # confidential notes stay out of the history
    # Bad input names the field and writes nothing.
    response = client.post(reverse("earlywarning:intervention_add", args=[amina.pk]),
                           {"kind": "séance", "date": "2999-01-01"})
    assert response.status_code == 422 and Intervention.objects.count() == 1
    assert 'id="id_kind_error"' in response.content.decode()
    response = client.post(reverse("earlywarning:alert_assign", args=[alert.pk]), {"assignee": director.pk})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.assigned_to == director
    foreign_staff = world["foreign"].users["counsellor"]
    response = client.post(reverse("earlywarning:alert_assign", args=[alert.pk]), {"assignee": foreign_staff.pk})
    assert response.status_code == 422
    response = client.post(reverse("earlywarning:alert_close", args=[alert.pk]), {"reason": "other"})
    assert response.status_code == 422 and "pourquoi" in response.content.decode()
    response = client.post(reverse("earlywarning:alert_close", args=[alert.pk]), {"reason": "returned"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.close_reason, alert.closed_by) == ("closed", "returned", counsellor)
    page = client.get(url).content.decode()
    assert "visite à domicile" in page and "Rappeler lundi" in page and "Difficultés à la maison" in page
    # The educator reads the intervention but not the confidential notes, and cannot write them.
    client.force_login(own.users["educator"])
    page = client.get(url).content.decode()
    assert "Rappeler lundi" in page and "Difficultés à la maison" not in page and 'name="notes"' not in page
    # A foreign counsellor cannot act on it: 404.
    assert client.post(reverse("earlywarning:alert_close", args=[alert.pk]), {"reason": "returned"}).status_code \
        in (302, 422)  # own educator: allowed to act, but the alert is closed
    client.force_login(foreign_staff)
    assert client.post(reverse("earlywarning:alert_close", args=[alert.pk]), {"reason": "returned"}).status_code == 404
    assert client.post(reverse("earlywarning:intervention_add", args=[amina.pk]),
                       {"kind": "home_visit", "date": "2026-11-09"}).status_code == 404


def test_the_learner_file_shows_the_risk_section(client, world, scored):
    _group, (amina, *_rest) = scored
    client.force_login(world["own"].users["center_director"])
    page = client.get(reverse("learners:detail", args=[amina.pk])).content.decode()
    assert "Risque d'abandon" in page and "5 absences de suite" in page
    assert reverse("earlywarning:learner", args=[amina.pk]) in page


def test_the_effect_of_interventions_on_hand_made_attendance(client, world, klass):
    group, (amina, bilal, _chaimae) = klass
    own = world["own"]
    educator, counsellor, director = own.users["educator"], own.users["counsellor"], own.users["center_director"]
    # 4 weeks before the home visit of 2 Nov (5 Oct - 30 Oct): 20 mornings, Amina absent 10, Bilal 4.
    for index, day in enumerate(school_days("2026-10-05", "2026-10-30")):
        marks = {amina.pk: ABSENT} if index % 2 else {}
        roll(educator, group, day, marks | ({bilal.pk: ABSENT} if index < 4 else {}))
    # 4 weeks after (2 Nov - 27 Nov): 20 mornings, Amina absent 2, Bilal absent 0.
    for index, day in enumerate(school_days("2026-11-02", "2026-11-27")):
        roll(educator, group, day, {amina.pk: ABSENT} if index in (3, 7) else {})
    for learner in (amina, bilal):
        services.intervention_record(actor=counsellor, learner=learner, kind="home_visit", date=D("2026-11-02"))
    learner_services.learner_exit(actor=director, learner=bilal, exit_date=D("2026-11-30"), outcome="dropout",
                                  dropout_reason="economic")
    rows = selectors.intervention_effect(user=world["national_admin"])
    national = next(row for row in rows if row["center"] is None)
    by_center = next(row for row in rows if row["center"] == own.center)
    # before: 40 expected, 10 + 4 absent = 65 %; after: Bilal left on 30 Nov, 40 expected, 2 absent = 95 %.
    assert (national["n"], national["before"], national["after"], national["dropped_share"]) == (2, 65.0, 95.0, 50.0)
    assert by_center["before"] == national["before"]
    client.force_login(own.users["center_director"])
    page = client.get(reverse("earlywarning:effect")).content.decode()
    assert "pas causal" in page.lower() or "non causal" in page.lower()
    # Partners: two learners behind the figures, fewer than 5: hidden.
    partner_rows = selectors.intervention_effect(user=world["partner_viewer"])
    assert partner_rows and all(row["hidden"] and row["before"] is None for row in partner_rows)
    # The foreign director sees nothing of it.
    assert selectors.intervention_effect(user=world["foreign"].users["center_director"]) == []


def test_query_counts_do_not_grow_with_the_rows(client, world, scored):
    group, learners = scored
    own = world["own"]
    client.force_login(own.users["counsellor"])
    amina = learners[0]

    def grow():
        extra = [make_learner(own.center, groups=[group], first_name=f"Extra{i}", birth_date=f"2011-05-{i + 10}")
                 for i in range(4)]
        for day in school_days("2026-11-09", "2026-11-13"):
            roll(own.users["educator"], group, day, {learner.pk: ABSENT for learner in [amina, *extra]})
        services.risk_score_all(as_of=D("2026-11-13"))
        for learner in extra:
            services.intervention_record(actor=own.users["counsellor"], learner=learner, kind="guardian_call",
                                         date=D("2026-11-13"))
            services.intervention_record(actor=own.users["counsellor"], learner=amina, kind="counselling",
                                         date=datetime.date(2026, 11, 13))

    urls = [reverse("earlywarning:list"), reverse("earlywarning:learner", args=[amina.pk]),
            reverse("earlywarning:effect")]
    services.intervention_record(actor=own.users["counsellor"], learner=amina, kind="home_visit",
                                 date=D("2026-11-06"))
    counts = {}
    for url in urls:
        client.get(url)
        counts[url] = count_queries(client, url)
    grow()
    for url in urls:
        assert count_queries(client, url) == counts[url], url
        assert counts[url] <= 25, (url, counts[url])
