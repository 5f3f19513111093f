"""Enrolling again a learner who left: page and API; the age rule as at intake; the history stays."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from forsa.centers.models import school_year_of
from forsa.learners import services
from forsa.learners.models import Enrollment, Learner
from tests.factories import make_center, make_group, make_learner
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404

D = datetime.date.fromisoformat
API = "/api/v1"
ENROLLERS = {"association_manager", "center_director", "educator", "counsellor"}


def today():
    return timezone.localdate()


@pytest.fixture
def left(world):
    """On each side, a learner who left their centre at the end of June."""
    for side in (world["own"], world["foreign"]):
        group = make_group(side.center, school_year="2025-2026", educators=[side.users["educator"]])
        side.learner = make_learner(side.center, school_year="2025-2026", start_date="2025-09-15",
                                    birth_date="2011-03-14", groups=[group])
        services.learner_exit(actor=None, learner=side.learner, exit_date=D("2026-06-30"), outcome="dropout",
                              dropout_reason="economic")
    return world


def enroll_data(center, **overrides):
    return {"center": center.pk, "school_year": school_year_of(today()), "start_date": today().isoformat(),
            "age_override_reason": ""} | overrides


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_enroll_page_own_scope_and_foreign_404(client, left, role):
    assert_own_visible_foreign_404(client, left, role, "learners:enroll", lambda s: {"pk": s.learner.pk},
                                   200 if role in ENROLLERS else 403)


def test_partner_viewer_gets_404(client, left):
    client.force_login(left["partner_viewer"])
    assert client.get(reverse("learners:enroll", args=[left["own"].learner.pk])).status_code == 404


def test_director_enrols_again_and_the_exit_stays_in_the_history(client, left):
    own = left["own"]
    learner = own.learner
    group = make_group(own.center, name="Atelier Couture", kind="workshop", school_year=school_year_of(today()))
    client.force_login(own.users["center_director"])
    detail = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    url = reverse("learners:enroll", args=[learner.pk])
    assert url in detail
    page = client.get(url)
    assert page.context["form"]["center"].value() == own.center.pk  # the centre they left, when it may take them
    assert "Atelier Couture" in page.content.decode()
    response = client.post(url, enroll_data(own.center, groups=[group.pk]))
    assert response.status_code == 302, response.context["form"].errors
    learner.refresh_from_db()
    assert learner.status == Learner.Status.ENROLLED and learner.center == own.center
    old, new = learner.enrollments.order_by("start_date")
    assert old.status == Enrollment.Status.EXITED and old.exit.outcome == "dropout"
    assert new.status == Enrollment.Status.ACTIVE and new.placements.get().group == group
    assert [step.stage for step in new.steps.all()] == ["intake"]
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert "Atelier Couture" in html and url not in html
    assert client.get(url).status_code == 404  # enrolled: nothing to enrol again


def test_an_active_learner_is_not_enrolled_twice(client, world):
    learner = make_learner(world["own"].center)
    client.force_login(world["own"].users["center_director"])
    assert client.get(reverse("learners:enroll", args=[learner.pk])).status_code == 404
    assert reverse("learners:enroll", args=[learner.pk]) not in client.get(
        reverse("learners:detail", args=[learner.pk])).content.decode()


def test_age_rule_asks_for_a_reason_then_accepts_it(client, world):
    """A learner of 19 in a centre taking 13–18: the reason for the exception, as at intake."""
    own = world["own"]
    birth = today().replace(year=today().year - 19) - datetime.timedelta(days=10)
    learner = make_learner(own.center, school_year="2025-2026", start_date="2025-09-15",
                           birth_date=birth.isoformat(), age_override_reason="Retour après une longue absence")
    services.learner_exit(actor=None, learner=learner, exit_date=D("2026-06-30"), outcome="moved")
    client.force_login(own.users["center_director"])
    url = reverse("learners:enroll", args=[learner.pk])
    response = client.post(url, enroll_data(own.center))
    assert response.status_code == 200 and 'id="id_age_override_reason_error"' in response.content.decode()
    assert learner.enrollments.count() == 1
    response = client.post(url, enroll_data(own.center, age_override_reason="Dernière année de rattrapage"))
    assert response.status_code == 302
    assert learner.enrollments.get(status="active").age_override_reason == "Dernière année de rattrapage"


def test_bad_input_names_the_field_and_saves_nothing(client, left):
    own = left["own"]
    closed = make_center(own.association, "01", status="closed")
    foreign_group = make_group(left["foreign"].center, school_year=school_year_of(today()))
    client.force_login(own.users["association_manager"])
    url = reverse("learners:enroll", args=[own.learner.pk])
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    for data, field in ((enroll_data(own.center, start_date=tomorrow), "start_date"),
                        (enroll_data(closed), "center"),
                        (enroll_data(own.center, groups=[foreign_group.pk]), "groups")):
        response = client.post(url, data)
        assert response.status_code == 200 and f'id="id_{field}_error"' in response.content.decode(), field
    assert own.learner.enrollments.count() == 1


def test_api_enrols_again(client, left):
    own = left["own"]
    second = make_center(own.association, "01")
    client.force_login(own.users["association_manager"])
    url = f"{API}/learners/{own.learner.pk}/enrollments"
    payload = {"center": second.pk, "school_year": school_year_of(today()), "start_date": today().isoformat()}
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["center"]["id"], body["status"], body["stages"][0]["stage"]) == (second.pk, "active", "intake")
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 422  # already enrolled
    statuses = [e["status"] for e in client.get(f"{API}/learners/{own.learner.pk}").json()["enrollments"]]
    assert statuses == ["active", "exited"]


def test_api_enrol_again_scope_and_validation(client, left):
    own, foreign = left["own"], left["foreign"]
    payload = {"center": own.center.pk, "school_year": school_year_of(today()), "start_date": today().isoformat()}
    client.force_login(own.users["center_director"])
    response = client.post(f"{API}/learners/{foreign.learner.pk}/enrollments", payload,
                           content_type="application/json")
    assert response.status_code == 404
    for change, field in (({"center": foreign.center.pk}, "center"), ({"school_year": "2026-2028"}, "school_year"),
                          ({"start_date": "2031-01-01"}, "start_date")):
        response = client.post(f"{API}/learners/{own.learner.pk}/enrollments", payload | change,
                               content_type="application/json")
        assert response.status_code == 422 and set(response.json()["errors"]) == {field}, response.content
    client.force_login(own.users["regional_manager"])
    response = client.post(f"{API}/learners/{own.learner.pk}/enrollments", payload,
                           content_type="application/json")
    assert response.status_code == 403
    assert own.learner.enrollments.count() == 1
