"""Intake, consent, enrolment, transfer, exit and follow-up, through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forsa.audit.models import AuditEntry
from forsa.learners import services
from forsa.learners.models import Consent, Enrollment, FollowUp, Learner
from tests.factories import LEARNER_DEFAULTS, make_center, make_group, make_learner

D = datetime.date.fromisoformat


def intake(center, actor=None, **overrides):
    values = {k: (D(v) if k == "birth_date" else v) for k, v in LEARNER_DEFAULTS.items()}
    values |= {"commune": center.commune}
    values |= overrides
    return services.learner_intake(actor=actor, center=center, school_year="2026-2027", start_date=D("2026-09-15"),
                                   **values)


def test_intake_places_the_learner_and_opens_a_pathway(world):
    center = world["own"].center
    learner = make_learner(center)
    assert (learner.center, learner.region, learner.association) == (center, center.region, center.association)
    enrollment = learner.enrollments.get()
    assert enrollment.status == "active" and enrollment.steps.get().stage == "intake"
    assert learner.consents.get().purpose == "data" and learner.guardians.count() == 1
    # folded (ى→ي, ة→ه), then the sound of each Latin word (named in both scripts: no consonant skeleton)
    assert learner.search_key == "salma berrada سلمي براده ~salma ~birada"


def test_sensitive_data_needs_consent_first(world):
    center = world["own"].center
    with pytest.raises(ValidationError) as error:
        intake(center, orphanhood="father", confirmed_new_person=True)
    assert "orphanhood" in error.value.message_dict
    assert not Learner.objects.exists()
    learner = make_learner(center, consent=False)
    with pytest.raises(ValidationError) as error:
        services.learner_update(actor=world["own"].users["counsellor"], learner=learner, is_working_child=True)
    assert "is_working_child" in error.value.message_dict


def test_educator_cannot_enter_sensitive_data(world):
    learner = make_learner(world["own"].center)
    with pytest.raises(PermissionDenied):
        services.learner_update(actor=world["own"].users["educator"], learner=learner, notes="famille en difficulté")
    services.learner_update(actor=world["own"].users["counsellor"], learner=learner, notes="famille en difficulté")
    entry = AuditEntry.objects.filter(target_id=str(learner.pk), action="update").latest("at")
    assert entry.changes["notes"] == ["•••", "•••"]  # the history says it changed, not what it says


def test_withdrawing_consent_erases_the_household_situation_and_keeps_the_rest(world):
    learner = make_learner(world["own"].center)
    counsellor = world["own"].users["counsellor"]
    services.learner_update(actor=counsellor, learner=learner, orphanhood="father", travel_minutes=45)
    consent = learner.consents.get(purpose=Consent.Purpose.DATA)
    services.consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=D("2026-10-01"), reason="demande")
    learner.refresh_from_db()
    assert learner.orphanhood == "" and learner.travel_minutes is None
    assert learner.enrollments.count() == 1 and learner.first_name == "Salma"
    with pytest.raises(ValidationError):
        services.learner_update(actor=counsellor, learner=learner, travel_minutes=30)
    services.consent_record(actor=counsellor, learner=learner, purpose="data", guardian=learner.guardians.get(),
                            given_on=D("2026-10-05"))
    services.learner_update(actor=counsellor, learner=learner, travel_minutes=30)


@pytest.mark.parametrize("birth_date, ok", [("2013-09-15", True), ("2013-09-16", False), ("2007-09-16", True),
                                            ("2007-09-15", False)])
def test_age_rule_13_to_18(world, birth_date, ok):
    center = world["own"].center
    if ok:
        intake(center, birth_date=D(birth_date), confirmed_new_person=True)
    else:
        with pytest.raises(ValidationError) as error:
            intake(center, birth_date=D(birth_date), confirmed_new_person=True)
        assert "age_override_reason" in error.value.message_dict
        learner = intake(center, birth_date=D(birth_date), confirmed_new_person=True,
                         age_override_reason="Frère inscrit, accord de l'AREF")
        assert learner.enrollments.get().age_override_reason


def test_centre_allowed_up_to_20(world):
    center = make_center(region_code="01", max_age=20)
    intake(center, birth_date=D("2006-10-01"), confirmed_new_person=True)


@pytest.mark.parametrize("field, value", [
    ("massar_code", "123"), ("cin", "12AB"), ("phone", "12345"), ("birth_date", D("2030-01-01")),
    ("first_name", ""), ("birth_date", D("1950-01-01")), ("year_left", 2031),
])
def test_bad_input_names_the_field_and_saves_nothing(world, field, value):
    overrides = {field: value}
    if field == "first_name":
        overrides["first_name_ar"] = ""
    with pytest.raises(ValidationError) as error:
        intake(world["own"].center, confirmed_new_person=True, **overrides)
    assert field in error.value.message_dict
    assert not Learner.objects.exists() and not Enrollment.objects.exists()


def test_arabic_only_names_are_accepted(world):
    learner = intake(world["own"].center, first_name="", last_name="", confirmed_new_person=True)
    assert learner.full_name_ar == "سلمى برادة"


def test_exact_duplicate_is_refused(world):
    make_learner(world["own"].center, massar_code="J130045678")
    with pytest.raises(ValidationError) as error:
        intake(world["foreign"].center, first_name="Other", massar_code="J130045678", birth_date=D("2012-01-01"))
    assert "massar_code" in error.value.message_dict


def test_fuzzy_duplicate_stops_intake_until_confirmed(world):
    make_learner(world["own"].center, first_name="Fatima Zahra", last_name="El Idrissi", first_name_ar="",
                 last_name_ar="", birth_date="2011-05-02")
    with pytest.raises(ValidationError) as error:
        intake(world["foreign"].center, first_name="", last_name="", first_name_ar="فاطمة الزهراء",
               last_name_ar="الإدريسي", birth_date=D("2011-05-02"))
    assert error.value.code == "possible_duplicate"
    assert Learner.objects.count() == 1


def test_same_common_name_but_another_birth_date_is_not_a_duplicate(world):
    make_learner(world["own"].center, first_name="Mohamed", last_name="Alaoui", birth_date="2011-05-02")
    intake(world["foreign"].center, first_name="Mohamed", last_name="Alaoui", birth_date=D("2012-07-19"))
    assert Learner.objects.count() == 2


def test_transfer_keeps_history(world):
    learner = make_learner(world["own"].center)
    target = world["foreign"].center
    new = services.learner_transfer(actor=world["national_admin"], learner=learner, to_center=target,
                                    transfer_date=D("2026-11-02"))
    old = learner.enrollments.get(status="transferred")
    assert old.end_date == D("2026-11-02") and new.transferred_from == old
    learner.refresh_from_db()
    assert learner.center == target and learner.region == target.region
    assert learner.enrollments.count() == 2


def test_transfer_refused_for_another_regions_manager(world):
    learner = make_learner(world["foreign"].center)
    with pytest.raises(PermissionDenied):
        services.learner_transfer(actor=world["own"].users["regional_manager"], learner=learner,
                                  to_center=world["foreign"].center, transfer_date=D("2026-11-02"))


def test_placement_in_a_group_of_another_centre_is_refused(world):
    learner = make_learner(world["own"].center)
    group = make_group(world["foreign"].center)
    with pytest.raises(ValidationError) as error:
        services.learner_place(actor=None, enrollment=learner.enrollments.get(), group=group,
                               start_date=D("2026-10-01"))
    assert "group" in error.value.message_dict


def test_exit_schedules_follow_ups_and_needs_details(world):
    learner = make_learner(world["own"].center)
    director = world["own"].users["center_director"]
    with pytest.raises(ValidationError) as error:
        services.learner_exit(actor=director, learner=learner, exit_date=D("2026-11-20"), outcome="vocational")
    assert {"training_provider", "programme"} <= set(error.value.message_dict)
    services.learner_exit(actor=director, learner=learner, exit_date=D("2026-11-20"), outcome="vocational",
                          training_provider="ofppt", programme="Électricité du bâtiment")
    learner.refresh_from_db()
    assert learner.status == "exited" and learner.enrollments.get().status == "exited"
    assert [(f.months, f.due_on) for f in FollowUp.objects.order_by("months")] == [
        (3, D("2027-02-20")), (6, D("2027-05-20")), (12, D("2027-11-20"))]


def test_follow_up_records_the_situation(world):
    learner = make_learner(world["own"].center, start_date="2025-09-15", school_year="2025-2026",
                           birth_date="2010-03-14")
    director = world["own"].users["center_director"]
    services.learner_exit(actor=director, learner=learner, exit_date=D("2026-06-30"), outcome="school",
                          school_level="S1", school_name="Collège Ibn Battouta")
    follow_up = FollowUp.objects.get(months=3)
    services.follow_up_record(actor=director, follow_up=follow_up, done_on=D("2026-10-01"), situation="school")
    follow_up.refresh_from_db()
    assert follow_up.recorded_by == director and follow_up.situation == "school"


def test_view_is_logged(world):
    learner = make_learner(world["own"].center)
    services.learner_file_viewed(actor=world["own"].users["educator"], learner=learner)
    assert AuditEntry.objects.filter(target_id=str(learner.pk), action="view").count() == 1


def test_exact_duplicate_error_keeps_its_code(world):
    make_learner(world["own"].center, cin="AB123456", birth_date="2008-01-01",
                 age_override_reason="18 ans révolus en cours d'année")
    with pytest.raises(ValidationError) as error:
        intake(world["foreign"].center, cin="AB123456", birth_date=D("2009-01-01"))
    assert error.value.error_dict["cin"][0].code == "duplicate"


def test_consent_naming_a_missing_guardian_is_refused(world):
    with pytest.raises(ValidationError) as error:
        intake(world["own"].center, confirmed_new_person=True, guardians=[],
               consent={"guardian": 0, "given_on": D("2026-09-15")})
    assert "guardian" in error.value.message_dict and not Learner.objects.exists()


def test_badly_written_school_year_is_a_validation_error(world):
    from forsa.centers.models import Group

    with pytest.raises(ValidationError) as error:
        Group(center=world["own"].center, school_year="2026", name="A", kind="catch_up").full_clean()
    assert "school_year" in error.value.message_dict


def test_a_learner_named_only_in_arabic_is_named_in_every_language(world):
    from django.utils import translation

    learner = intake(world["own"].center, first_name="", last_name="", confirmed_new_person=True)
    for language in ("fr", "ar", "en"):
        with translation.override(language):
            assert str(learner) == "سلمى برادة"
