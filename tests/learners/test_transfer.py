"""Transfers: the source centre's director sends a learner out; the destination's director pulls one in."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from forsa.learners import services
from forsa.learners.models import Enrollment
from forsa.learners.selectors import duplicate_matches
from tests.factories import make_center, make_learner, make_user

D = datetime.date.fromisoformat


@pytest.fixture
def learner(world):
    return make_learner(world["own"].center, school_year="2025-2026", start_date="2025-09-15",
                        birth_date="2010-03-14")


def test_director_of_the_source_centre_transfers_out(world, learner):
    own, foreign = world["own"], world["foreign"]
    new = services.learner_transfer(actor=own.users["center_director"], learner=learner, to_center=foreign.center,
                                    transfer_date=D("2026-11-02"))
    old = learner.enrollments.get(status=Enrollment.Status.TRANSFERRED)
    assert (old.center, old.end_date, new.transferred_from, new.center) == (
        own.center, D("2026-11-02"), old, foreign.center)
    learner.refresh_from_db()
    assert (learner.center, learner.region) == (foreign.center, foreign.center.region)


def test_director_of_the_destination_still_pulls_a_learner_in(world):
    learner = make_learner(world["foreign"].center)
    services.learner_transfer(actor=world["own"].users["center_director"], learner=learner,
                              to_center=world["own"].center, transfer_date=D("2026-11-02"))
    learner.refresh_from_db()
    assert learner.center == world["own"].center


@pytest.mark.parametrize("role", ["educator", "counsellor", "regional_manager"])
def test_staff_without_the_transfer_right_on_either_side_are_refused(world, learner, role):
    with pytest.raises(PermissionDenied):
        services.learner_transfer(actor=world["own"].users[role], learner=learner,
                                  to_center=world["foreign"].center, transfer_date=D("2026-11-02"))
    assert learner.enrollments.get().status == Enrollment.Status.ACTIVE


def test_director_of_an_unrelated_centre_may_neither_send_nor_see(client, world, learner):
    """A director of a third centre holds the right neither at the source nor at the destination."""
    third = make_center(world["own"].association, "01")
    director = make_user("center_director", third)
    with pytest.raises(PermissionDenied):
        services.learner_transfer(actor=director, learner=learner, to_center=world["foreign"].center,
                                  transfer_date=D("2026-11-02"))
    client.force_login(director)
    assert client.get(reverse("learners:detail", args=[learner.pk])).status_code == 404
    assert client.get(reverse("learners:transfer", args=[learner.pk])).status_code == 404
    response = client.post(f"/api/v1/learners/{learner.pk}/transfer",
                           {"to_center": third.pk, "transfer_date": "2026-11-02"}, content_type="application/json")
    assert response.status_code == 404


def test_pulling_in_offers_only_the_centres_of_the_one_who_pulls(client, world):
    """Without the right at the source, a director may take a learner only into their own centre."""
    make_learner(world["foreign"].center, first_name="Fatima Zahra", last_name="El Idrissi", first_name_ar="",
                 last_name_ar="", birth_date="2011-05-02")
    other_open = make_center(world["foreign"].association, "06")
    director = world["own"].users["center_director"]
    reference = duplicate_matches(user=director, first_name="Fatima Zahra", last_name="El Idrissi",
                                  birth_date=D("2011-05-02"))[0]["reference"]
    client.force_login(director)
    form = client.get(reverse("learners:transfer_in", args=[reference])).context["form"]
    offered = list(form.fields["to_center"].queryset)
    assert offered == [world["own"].center] and other_open not in offered


def test_api_director_sends_out_to_an_open_centre_of_another_region(client, world, learner):
    client.force_login(world["own"].users["center_director"])
    response = client.post(f"/api/v1/learners/{learner.pk}/transfer",
                           {"to_center": world["foreign"].center.pk, "transfer_date": "2026-11-02"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["center"]["id"] == world["foreign"].center.pk
    assert client.get(f"/api/v1/learners/{learner.pk}").status_code == 404
