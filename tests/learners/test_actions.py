"""The forms on a learner's file: edit, transfer, exit, follow-up, consent, plan, stage, track, group."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forsa.audit.models import AuditEntry
from forsa.learners import services
from forsa.learners.models import Consent, FollowUp, Learner
from tests.factories import make_center, make_group, make_learner, make_user

D = datetime.date.fromisoformat
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def learner(world):
    return make_learner(world["own"].center, school_year="2025-2026", start_date="2025-09-15",
                        birth_date="2010-03-14")


def as_user(client, user):
    client.force_login(user)
    return client


def edit_data(learner, **overrides):
    data = {
        "first_name": learner.first_name, "last_name": learner.last_name, "first_name_ar": learner.first_name_ar,
        "last_name_ar": learner.last_name_ar, "sex": learner.sex, "birth_date": learner.birth_date.isoformat(),
        "birthplace": "", "cin": "", "massar_code": "", "province": learner.commune.province_id,
        "commune": learner.commune_id, "phone": "", "last_level": learner.last_level, "year_left": "2023",
        "reasons_left": ["economic"], "reason_left_other": "", "referral": learner.referral,
    }
    return data | overrides


def test_edit_updates_and_records_the_change(client, world, learner):
    director = world["own"].users["center_director"]
    url = reverse("learners:edit", args=[learner.pk])
    response = as_user(client, director).post(url, edit_data(learner, phone="0655443322", notes="Suivi"))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.phone == "0655443322" and learner.notes == "Suivi"
    entry = AuditEntry.objects.filter(target_id=str(learner.pk), action="update").latest("at")
    assert entry.actor == director and entry.changes["notes"] == ["•••", "•••"]


def test_edit_refuses_bad_input_next_to_the_field(client, world, learner):
    url = reverse("learners:edit", args=[learner.pk])
    response = as_user(client, world["own"].users["center_director"]).post(url, edit_data(learner, cin="12AB"))
    assert response.status_code == 200 and 'id="id_cin_error"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.cin == ""


def test_edit_by_an_educator_leaves_the_household_alone(client, world, learner):
    services.learner_update(actor=world["own"].users["counsellor"], learner=learner, notes="Confidentiel")
    group = make_group(world["own"].center, school_year="2025-2026", educators=[world["own"].users["educator"]])
    services.learner_place(actor=None, enrollment=learner.enrollments.get(), group=group, start_date=D("2025-10-01"))
    url = reverse("learners:edit", args=[learner.pk])
    response = as_user(client, world["own"].users["educator"]).post(url, edit_data(learner, notes=""))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.notes == "Confidentiel"


def test_edit_a_duplicate_massar_is_refused(client, world, learner):
    make_learner(world["foreign"].center, massar_code="J130045678", first_name="Autre", birth_date="2011-01-01")
    url = reverse("learners:edit", args=[learner.pk])
    response = as_user(client, world["own"].users["center_director"]).post(
        url, edit_data(learner, massar_code="J130045678"))
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.massar_code == ""


def test_national_admin_transfers_and_history_is_kept(client, world, learner):
    url = reverse("learners:transfer", args=[learner.pk])
    response = as_user(client, world["national_admin"]).post(
        url, {"to_center": world["foreign"].center.pk, "transfer_date": "2026-11-02"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.center == world["foreign"].center
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert world["own"].center.name in html and world["foreign"].center.name in html


def test_director_sends_a_learner_out_to_any_open_centre(client, world, learner):
    """The director of the learner's centre is offered every open centre (name, code, commune), then loses sight."""
    own, foreign = world["own"], world["foreign"]
    closed = make_center(foreign.association, "06", status="closed")
    url = reverse("learners:transfer", args=[learner.pk])
    client = as_user(client, own.users["center_director"])
    html = client.get(url).content.decode()
    assert f'value="{foreign.center.pk}"' in html
    assert f"{foreign.center.name} ({foreign.center.code}) – {foreign.center.commune.name}" in html
    assert f'value="{own.center.pk}"' not in html and f'value="{closed.pk}"' not in html
    # Offered as a destination, and nothing more: the centre's own page and API stay closed to this director.
    assert client.get(reverse("centers:detail", args=[foreign.center.pk])).status_code == 404
    assert client.get(f"/api/v1/centers/{foreign.center.pk}").status_code == 404
    assert client.post(url, {"to_center": foreign.center.pk, "transfer_date": "2026-11-02"}).status_code == 302
    learner.refresh_from_db()
    assert learner.center == foreign.center
    old, new = learner.enrollments.order_by("start_date")
    assert (old.status, old.center, new.transferred_from) == ("transferred", own.center, old)
    # The learner has left the director's scope; the receiving director has the whole file.
    assert client.get(reverse("learners:detail", args=[learner.pk])).status_code == 404
    client.force_login(foreign.users["center_director"])
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert own.center.name in html and foreign.center.name in html


def test_director_of_an_unrelated_centre_still_gets_404(client, world, learner):
    neighbour = make_center(world["own"].association, "01")
    director = make_user("center_director", neighbour)
    for user in (director, world["foreign"].users["center_director"]):
        client = as_user(client, user)
        assert client.get(reverse("learners:transfer", args=[learner.pk])).status_code == 404
        response = client.post(reverse("learners:transfer", args=[learner.pk]),
                               {"to_center": neighbour.pk, "transfer_date": "2026-11-02"})
        assert response.status_code == 404
        assert client.get(reverse("learners:detail", args=[learner.pk])).status_code == 404
    learner.refresh_from_db()
    assert learner.center == world["own"].center


def test_association_manager_transfers_between_its_centres(client, world, learner):
    second = make_center(world["own"].association, "01")
    url = reverse("learners:transfer", args=[learner.pk])
    client = as_user(client, world["own"].users["association_manager"])
    html = client.get(url).content.decode()
    assert f'value="{second.pk}"' in html
    assert client.post(url, {"to_center": second.pk, "transfer_date": "2026-11-02"}).status_code == 302


def test_transfer_refuses_a_centre_that_is_not_open(client, world, learner):
    closed = make_center(world["own"].association, "01", status="closed")
    url = reverse("learners:transfer", args=[learner.pk])
    response = as_user(client, world["own"].users["association_manager"]).post(
        url, {"to_center": closed.pk, "transfer_date": "2026-11-02"})
    assert response.status_code == 200 and 'id="id_to_center_error"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.center == world["own"].center
    with pytest.raises(ValidationError) as refused:
        services.learner_transfer(actor=world["national_admin"], learner=learner, to_center=closed,
                                  transfer_date=D("2026-11-02"))
    assert set(refused.value.message_dict) == {"to_center"}


def test_staff_without_the_transfer_right_get_403(client, world, learner):
    html = as_user(client, world["own"].users["counsellor"]).get(
        reverse("learners:transfer", args=[learner.pk]))
    assert html.status_code == 403


def test_exit_needs_the_outcome_details_then_schedules_follow_ups(client, world, learner):
    url = reverse("learners:exit", args=[learner.pk])
    client = as_user(client, world["own"].users["center_director"])
    response = client.post(url, {"exit_date": "2026-10-30", "outcome": "vocational"})
    html = response.content.decode()
    assert 'id="id_training_provider_error"' in html and 'id="id_programme_error"' in html
    assert not FollowUp.objects.exists()
    response = client.post(url, {"exit_date": "2026-10-30", "outcome": "vocational", "training_provider": "ofppt",
                                 "programme": "Électricité du bâtiment"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.status == "exited" and FollowUp.objects.filter(learner=learner).count() == 3


def test_exit_in_the_future_is_refused(client, world, learner):
    response = as_user(client, world["own"].users["counsellor"]).post(
        reverse("learners:exit", args=[learner.pk]), {"exit_date": "2027-01-01", "outcome": "moved"})
    assert 'id="id_exit_date_error"' in response.content.decode()
    assert Learner.objects.get(pk=learner.pk).status == "enrolled"


def test_follow_up_worklist_and_recording(client, world, learner):
    services.learner_exit(actor=None, learner=learner, exit_date=D("2026-08-20"), outcome="dropout",
                          dropout_reason="economic")
    due = FollowUp.objects.get(learner=learner, months=3)  # due 2026-11-20: overdue
    client = as_user(client, world["own"].users["center_director"])
    worklist = reverse("learners:follow_ups")
    html = client.get(worklist).content.decode()
    assert reverse("learners:follow_up", args=[due.pk]) in html and "en retard" in html
    url = reverse("learners:follow_up", args=[due.pk])
    response = client.post(url, {"done_on": "2026-11-25", "situation": "", "notes": ""})
    assert 'id="id_situation_error"' in response.content.decode()
    response = client.post(url, {"done_on": "2026-11-25", "situation": "apprenticeship", "notes": "Chez un menuisier"})
    assert response.status_code == 302 and response["Location"] == worklist
    due.refresh_from_db()
    assert due.situation == "apprenticeship" and due.recorded_by == world["own"].users["center_director"]
    assert reverse("learners:follow_up", args=[due.pk]) not in client.get(worklist).content.decode()


def test_withdrawing_consent_erases_the_household(client, world, learner):
    services.learner_update(actor=world["own"].users["counsellor"], learner=learner, orphanhood="mother")
    consent = learner.consents.get()
    url = reverse("learners:consent_withdraw", args=[learner.pk, consent.pk])
    response = as_user(client, world["own"].users["counsellor"]).post(
        url, {"withdrawn_on": "2026-11-20", "reason": "Demande de la mère"})
    assert response.status_code == 302
    learner.refresh_from_db()
    consent.refresh_from_db()
    assert learner.orphanhood == "" and consent.withdrawn_on == D("2026-11-20")
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert "Demande de la mère" in html
    assert client.get(url).status_code == 200
    assert 'id="id_withdrawn_on_error"' not in html


def test_consent_of_another_learner_is_404(client, world, learner):
    other = make_learner(world["own"].center, first_name="Autre", birth_date="2012-01-01")
    url = reverse("learners:consent_withdraw", args=[other.pk, learner.consents.get().pk])
    assert as_user(client, world["own"].users["center_director"]).get(url).status_code == 404


def test_record_a_consent_with_its_signed_form_and_download_it(client, world):
    learner = make_learner(world["own"].center, consent=False)
    client = as_user(client, world["own"].users["center_director"])
    response = client.post(reverse("learners:consent_add", args=[learner.pk]), {
        "purpose": "data", "guardian": learner.guardians.get().pk, "given_on": "2026-11-01",
        "document": SimpleUploadedFile("accord.pdf", PDF)})
    assert response.status_code == 302
    consent = Consent.objects.get(learner=learner)
    url = reverse("learners:consent_document", args=[learner.pk, consent.pk])
    assert url in client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    client.force_login(world["foreign"].users["center_director"])
    assert client.get(url).status_code == 404
    client.force_login(world["own"].users["regional_manager"])
    assert client.get(url).status_code == 403


def test_consent_form_offers_only_purposes_without_a_consent_in_force(client, world, learner):
    html = as_user(client, world["own"].users["center_director"]).get(
        reverse("learners:consent_add", args=[learner.pk])).content.decode()
    assert 'value="photos"' in html and 'value="data"' not in html


def test_a_minor_s_consent_needs_a_guardian(client, world):
    learner = make_learner(world["own"].center, consent=False)
    response = as_user(client, world["own"].users["center_director"]).post(
        reverse("learners:consent_add", args=[learner.pk]), {"purpose": "data", "given_on": "2026-11-01"})
    assert response.status_code == 200 and 'id="id_guardian_error"' in response.content.decode()


def test_guardian_added(client, world, learner):
    response = as_user(client, world["own"].users["counsellor"]).post(
        reverse("learners:guardian_add", args=[learner.pk]),
        {"full_name": "Mohamed Berrada", "relation": "father", "phone": "0612121212", "cin": "bk12345"})
    assert response.status_code == 302
    assert learner.guardians.filter(full_name="Mohamed Berrada", cin="BK12345").exists()


def test_plan_then_reviews(client, world, learner):
    client = as_user(client, world["own"].users["counsellor"])
    review_url = reverse("learners:plan_review", args=[learner.pk])
    response = client.get(review_url)
    assert response.status_code == 302 and response["Location"] == reverse("learners:plan", args=[learner.pk])
    assert client.post(reverse("learners:plan", args=[learner.pk]), {"goals": "Lire couramment"}).status_code == 302
    response = client.post(review_url, {"reviewed_on": "2026-11-20", "notes": "Bons progrès",
                                        "next_review_on": "2026-11-10"})
    assert 'id="id_next_review_on_error"' in response.content.decode()
    response = client.post(review_url, {"reviewed_on": "2026-11-20", "notes": "Bons progrès",
                                        "next_review_on": "2027-01-15"})
    assert response.status_code == 302
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert "Lire couramment" in html and "Bons progrès" in html
    assert world["own"].users["counsellor"].full_name in html  # the review names its author


def test_stage_track_and_group(client, world, learner):
    client = as_user(client, world["own"].users["center_director"])
    assert client.post(reverse("learners:stage", args=[learner.pk]),
                       {"stage": "catch_up", "start_date": "2026-10-01"}).status_code == 302
    response = client.post(reverse("learners:stage", args=[learner.pk]),
                           {"stage": "pre_vocational", "start_date": "2025-01-01"})
    assert 'id="id_start_date_error"' in response.content.decode()
    assert client.post(reverse("learners:track", args=[learner.pk]),
                       {"track": "trade", "start_date": "2026-10-01"}).status_code == 302
    group = make_group(world["own"].center, name="Menuiserie", kind="workshop", school_year="2025-2026")
    make_group(world["own"].center, name="Autre année", school_year="2026-2027")
    html = client.get(reverse("learners:group", args=[learner.pk])).content.decode()
    assert "Menuiserie" in html and "Autre année" not in html
    assert client.post(reverse("learners:group", args=[learner.pk]),
                       {"group": group.pk, "start_date": "2026-10-01"}).status_code == 302
    enrollment = learner.enrollments.get()
    assert [s.stage for s in enrollment.steps.all()] == ["intake", "catch_up"]
    assert enrollment.tracks.get().track == "trade" and enrollment.placements.get().group == group


def test_pathway_forms_need_an_active_enrolment(client, world, learner):
    services.learner_exit(actor=None, learner=learner, exit_date=D("2026-06-30"), outcome="moved")
    client = as_user(client, world["own"].users["center_director"])
    for route in ("learners:stage", "learners:track", "learners:group", "learners:plan", "learners:plan_review"):
        assert client.get(reverse(route, args=[learner.pk])).status_code == 404, route
    html = client.get(reverse("learners:detail", args=[learner.pk])).content.decode()
    assert reverse("learners:exit", args=[learner.pk]) not in html
