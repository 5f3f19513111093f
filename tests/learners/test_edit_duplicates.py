"""An edit of names, birth date, CIN or MASSAR code runs the intake's duplicate detection again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forsa.learners import services
from tests.factories import make_learner

D = datetime.date.fromisoformat
API = "/api/v1"


@pytest.fixture
def learner(world):
    return make_learner(world["own"].center, first_name="Salma", last_name="Berrada", first_name_ar="",
                        last_name_ar="", birth_date="2010-03-14")


@pytest.fixture
def elsewhere(world):
    """Someone registered in the other region, with a CIN and a MASSAR code."""
    return make_learner(world["foreign"].center, first_name="Fatima Zahra", last_name="El Idrissi",
                        first_name_ar="", last_name_ar="", birth_date="2011-05-02", cin="BK123456",
                        massar_code="J130045678", phone="0622334455")


def edit_data(learner, **overrides):
    data = {
        "first_name": learner.first_name, "last_name": learner.last_name, "first_name_ar": learner.first_name_ar,
        "last_name_ar": learner.last_name_ar, "sex": learner.sex, "birth_date": learner.birth_date.isoformat(),
        "birthplace": "", "cin": learner.cin, "massar_code": learner.massar_code,
        "province": learner.commune.province_id, "commune": learner.commune_id, "phone": "",
        "last_level": learner.last_level, "year_left": "2023", "reasons_left": ["economic"], "reason_left_other": "",
        "referral": learner.referral,
    }
    return data | overrides


def edit(client, user, learner, **overrides):
    client.force_login(user)
    return client.post(reverse("learners:edit", args=[learner.pk]), edit_data(learner, **overrides))


@pytest.mark.parametrize("field, value", [("cin", "bk123456"), ("massar_code", "J130045678")])
def test_another_learners_identifier_is_refused_naming_the_field(client, world, learner, elsewhere, field, value):
    response = edit(client, world["own"].users["center_director"], learner, **{field: value})
    html = response.content.decode()
    assert response.status_code == 200 and f'id="id_{field}_error"' in html
    [match] = response.context["matches"]
    assert (match["reason"], match["in_scope"], match["name"]) == (field, False, "F. E.")
    assert "Fatima" not in html and "0622334455" not in html
    learner.refresh_from_db()
    assert getattr(learner, field) == ""


def test_a_likely_match_is_shown_with_initials_and_needs_confirmation(client, world, learner, elsewhere):
    director = world["own"].users["center_director"]
    renamed = {"first_name": "Fatima-Zahra", "last_name": "Idrissi", "birth_date": "2011-05-02"}
    response = edit(client, director, learner, **renamed)
    html = response.content.decode()
    assert response.status_code == 200 and 'name="confirmed_new_person"' in html
    [match] = response.context["matches"]
    assert (match["reason"], match["name"], match["birth_year"]) == ("name_and_birth_date", "F. E.", 2011)
    assert world["foreign"].center.name in html and "Fatima Zahra" not in html
    assert reverse("learners:detail", args=[elsewhere.pk]) not in html
    learner.refresh_from_db()
    assert learner.last_name == "Berrada"
    # The page still names the learner as saved.
    assert "Salma Berrada" in html
    response = edit(client, director, learner, **renamed, confirmed_new_person="on")
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.last_name, learner.birth_date) == ("Idrissi", D("2011-05-02"))


def test_a_match_in_scope_links_to_its_file(client, world, learner):
    twin = make_learner(world["own"].center, first_name="Salma", last_name="Berrada", first_name_ar="",
                        last_name_ar="", birth_date="2010-04-20")
    response = edit(client, world["own"].users["center_director"], learner, birth_date="2010-04-20")
    [match] = response.context["matches"]
    assert match["in_scope"] and match["pk"] == twin.pk
    assert reverse("learners:detail", args=[twin.pk]) in response.content.decode()


def test_other_changes_do_not_ask_again(client, world, learner):
    """A likely twin confirmed at intake is not asked about again when only the phone changes."""
    twin = make_learner(world["own"].center, first_name="Salma", last_name="Berada", first_name_ar="",
                        last_name_ar="", birth_date="2010-03-14")
    found = services.duplicate_candidates(first_name="Salma", last_name="Berrada", birth_date=D("2010-03-14"),
                                          exclude_pk=learner.pk)
    assert [candidate for candidate, *_ in found] == [twin]  # a likely match, were the identity to change
    response = edit(client, world["own"].users["center_director"], learner, phone="0655443322")
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.phone == "0655443322"


def test_service_refuses_and_asks_like_the_intake(world, learner, elsewhere):
    director = world["own"].users["center_director"]
    with pytest.raises(ValidationError) as refused:
        services.learner_update(actor=director, learner=learner, cin="BK123456")
    assert set(refused.value.message_dict) == {"cin"}
    learner.refresh_from_db()
    with pytest.raises(ValidationError) as asked:
        services.learner_update(actor=director, learner=learner, first_name="Fatima Zahra", last_name="El Idrisi",
                                birth_date=D("2011-05-02"))
    assert asked.value.code == "possible_duplicate"
    learner.refresh_from_db()
    services.learner_update(actor=director, learner=learner, first_name="Fatima Zahra", last_name="El Idrisi",
                            birth_date=D("2011-05-02"), confirmed_new_person=True)
    learner.refresh_from_db()
    assert learner.last_name == "El Idrisi"


def test_api_patch_answers_409_with_the_matches_then_accepts_the_confirmation(client, world, learner, elsewhere):
    client.force_login(world["own"].users["center_director"])
    url = f"{API}/learners/{learner.pk}"
    response = client.patch(url, {"first_name": "Fatima Zahra", "last_name": "Idrissi", "birth_date": "2011-05-02"},
                            content_type="application/json")
    assert response.status_code == 409, response.content
    [match] = response.json()["matches"]
    assert (match["in_scope"], match["id"], match["name"]) == (False, None, "F. E.")
    response = client.patch(url, {"massar_code": "J130045678"}, content_type="application/json")
    assert response.status_code == 409 and set(response.json()["errors"]) == {"massar_code"}
    response = client.patch(url, {"massar_code": "J13004567"}, content_type="application/json")
    assert response.status_code == 422 and set(response.json()["errors"]) == {"massar_code"}
    response = client.patch(url, {"first_name": "Fatima Zahra", "last_name": "Idrissi", "birth_date": "2011-05-02",
                                  "confirmed_new_person": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["last_name"] == "Idrissi"
