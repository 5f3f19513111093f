"""The intake page: one form in steps (identity, schooling, guardian and consent, enrolment) saved by one service
call at the end; duplicates; uploads."""

import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from forsa.learners.models import Consent, Enrollment, Guardian, Learner, Placement
from tests.factories import make_group, make_learner

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def intake_data(center, **overrides):
    data = {
        "center": center.pk, "school_year": "2026-2027", "start_date": "2026-11-02",
        "first_name": "Meryem", "last_name": "El Fassi", "first_name_ar": "مريم", "last_name_ar": "الفاسي",
        "sex": "F", "birth_date": "2012-02-14", "birthplace": "Fès", "cin": "", "massar_code": "",
        "province": center.commune.province_id, "commune": center.commune_id, "phone": "",
        "guardian": "Aicha El Fassi", "guardian_relation": "mother", "guardian_phone": "0612345678",
        "guardian_cin": "", "data_consent": "on", "given_on": "2026-11-02",
        "last_level": "P6", "year_left": "2024", "reasons_left": ["economic", "distance"], "reason_left_other": "",
        "referral": "outreach",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, user, data, **extra):
    client.force_login(user)
    return client.post(reverse("learners:create"), data, **extra)


def french(message):
    with translation.override("fr"):
        translated = str(translation.gettext(message))
    assert translated != message, f"not translated into French: {message}"
    return html_lib.escape(translated)


def test_form_preselects_the_centre_and_the_current_school_year(client, world):
    client.force_login(world["own"].users["center_director"])
    response = client.get(reverse("learners:create"))
    form = response.context["form"]
    assert form["center"].value() == world["own"].center.pk
    assert form["school_year"].value() == "2026-2027"  # today is in November 2026
    html = response.content.decode()
    assert 'name="notes"' in html and 'name="orphanhood"' in html  # the director may enter the household
    assert 'name="age_override_reason"' not in html and 'name="confirmed_new_person"' not in html


def steps_of(html):
    """Each step of the page as its label and the names of its fields, in order."""
    steps = re.findall(r'<section class="step stack"[^>]*?(data-errors)?\s*aria-label="([^"]+)">(.*?)</section>', html,
                       re.S)
    return [(label, bool(errors), list(dict.fromkeys(re.findall(r' name="(\w+)"', body))))
            for errors, label, body in steps]


def test_the_form_comes_in_four_steps_the_household_after_the_consent_it_needs(client, world):
    client.force_login(world["own"].users["center_director"])
    steps = steps_of(client.get(reverse("learners:create")).content.decode())
    assert [label for label, _errors, _names in steps] == [
        "Étape 1 sur 4 : Identité", "Étape 2 sur 4 : Scolarité", "Étape 3 sur 4 : Tuteur·rice et consentement",
        "Étape 4 sur 4 : Inscription"]
    identity, schooling, guardian, enrolment = (names for _label, _errors, names in steps)
    assert identity[:2] == ["first_name", "last_name"] and "birth_date" in identity and "commune" in identity
    assert schooling == ["last_level", "year_left", "reasons_left", "reason_left_other", "referral"]
    assert guardian.index("data_consent") < guardian.index("orphanhood")
    assert enrolment == ["center", "school_year", "start_date"]  # and the groups, when the centre has some
    assert not any(errors for _label, errors, _names in steps)


def test_an_error_marks_the_step_that_holds_it_and_nothing_is_saved(client, world):
    data = intake_data(world["own"].center, guardian="", last_level="")
    steps = steps_of(post(client, world["own"].users["center_director"], data).content.decode())
    assert [errors for _label, errors, _names in steps] == [False, True, True, False]
    assert not Learner.objects.exists() and not Guardian.objects.exists()


def test_educator_is_not_offered_the_household_fields(client, world):
    client.force_login(world["own"].users["educator"])
    html = client.get(reverse("learners:create")).content.decode()
    assert 'name="first_name_ar"' in html and 'name="notes"' not in html and 'name="orphanhood"' not in html


def test_intake_registers_enrols_places_and_records_consent(client, world):
    center = world["own"].center
    group = make_group(center, educators=[world["own"].users["educator"]])
    document = SimpleUploadedFile("consentement.pdf", PDF, content_type="application/pdf")
    response = post(client, world["own"].users["center_director"], intake_data(
        center, groups=[group.pk], document=document, photo_consent="on", orphanhood="father",
        travel_minutes="40"))
    learner = Learner.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("learners:detail", args=[learner.pk])
    assert (learner.first_name_ar, learner.center, learner.orphanhood) == ("مريم", center, "father")
    assert learner.reasons_left == ["economic", "distance"]
    assert learner.guardians.get().full_name == "Aicha El Fassi"
    consents = {c.purpose: c for c in learner.consents.all()}
    assert set(consents) == {"data", "photos"} and consents["data"].document.name.endswith(".pdf")
    assert consents["data"].guardian == learner.guardians.get()
    enrollment = learner.enrollments.get()
    assert enrollment.school_year == "2026-2027" and enrollment.placements.get().group == group


def test_group_options_follow_the_centre_and_year(client, world):
    center = world["own"].center
    make_group(center, name="Atelier couture", kind="workshop")
    make_group(center, name="Ancien groupe", school_year="2025-2026")
    make_group(world["foreign"].center, name="Groupe étranger")
    client.force_login(world["own"].users["center_director"])
    url = reverse("learners:group_options")
    html = client.get(url, {"center": center.pk, "school_year": "2026-2027"}).content.decode()
    assert "Atelier couture" in html and "Ancien groupe" not in html and 'id="groups-field"' in html
    html = client.get(url, {"center": world["foreign"].center.pk, "school_year": "2026-2027"}).content.decode()
    assert "Groupe étranger" not in html


BAD_INPUT = [
    ("massar_code", {"massar_code": "123"},
     "A MASSAR code is one capital letter followed by 9 digits, e.g. J130045678."),
    ("cin", {"cin": "12AB"}, "A CIN number is 1 or 2 capital letters followed by up to 6 digits, e.g. AB123456."),
    ("phone", {"phone": "12345"}, "Enter a Moroccan phone number such as 0612345678 or +212612345678."),
    ("guardian_phone", {"guardian_phone": "12345"},
     "Enter a Moroccan phone number such as 0612345678 or +212612345678."),
    ("birth_date", {"birth_date": "2030-01-01"}, "The birth date cannot be in the future."),
    ("first_name", {"first_name": "", "last_name": "", "first_name_ar": "", "last_name_ar": ""},
     "Enter the first and last name, in Latin or in Arabic script."),
    ("first_name_ar", {"first_name": "", "last_name": "", "first_name_ar": "", "last_name_ar": "الفاسي"},
     "Enter the first and last name, in Latin or in Arabic script."),
]


@pytest.mark.parametrize("field, overrides, message", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_shown_next_to_the_field_in_french_and_nothing_is_saved(client, world, field, overrides,
                                                                             message):
    response = post(client, world["own"].users["center_director"], intake_data(world["own"].center, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert french(message) in html
    assert 'role="alert"' in html
    assert not Learner.objects.exists() and not Guardian.objects.exists() and not Enrollment.objects.exists()


def test_what_was_typed_is_kept_after_an_error(client, world):
    response = post(client, world["own"].users["center_director"], intake_data(world["own"].center, cin="12AB"))
    html = response.content.decode()
    assert 'value="مريم"' in html and 'value="Aicha El Fassi"' in html


def test_household_without_consent_is_refused_on_the_field(client, world):
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, data_consent=None, orphanhood="both"))
    assert response.status_code == 200 and 'id="id_orphanhood_error"' in response.content.decode()
    assert not Learner.objects.exists()


def test_age_rule_asks_for_a_reason_then_accepts_it(client, world):
    director = world["own"].users["center_director"]
    data = intake_data(world["own"].center, birth_date="2007-05-01")  # 19 on the start date
    response = post(client, director, data)
    html = response.content.decode()
    assert 'id="id_age_override_reason_error"' in html and 'name="age_override_reason"' in html
    assert french("Required when the learner is younger or older than the centre's age range.") in html
    assert not Learner.objects.exists()
    response = post(client, director, data | {"age_override_reason": "Accord de l'AREF, frère inscrit"})
    assert response.status_code == 302
    assert Learner.objects.get().enrollments.get().age_override_reason == "Accord de l'AREF, frère inscrit"


@pytest.mark.parametrize("name, content, error", [
    ("consentement.pdf", b"MZ\x90\x00 not a pdf at all", "file_type"),  # an executable named .pdf
    ("photo.png", PDF, "file_type"),  # a PDF calling itself a PNG
    ("scan.pdf", PDF + b"0" * (5 * 1024 * 1024), "too_large"),
])
def test_uploads_are_checked_by_content_and_size(client, world, name, content, error):
    document = SimpleUploadedFile(name, content)
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, document=document))
    assert response.status_code == 200
    assert response.context["form"].has_error("document", error)
    html = response.content.decode()
    assert 'id="id_document_error"' in html and french("signed form") in html.lower()
    assert not Learner.objects.exists() and not Consent.objects.exists()


def test_png_consent_form_is_accepted(client, world):
    document = SimpleUploadedFile("formulaire.png", PNG)
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, document=document))
    assert response.status_code == 302
    assert Consent.objects.get().document.name.endswith(".png")


@pytest.fixture
def registered_elsewhere(world):
    """A learner written in Latin script only, in the other region."""
    return make_learner(world["foreign"].center, first_name="Fatima Zahra", last_name="El Idrissi",
                        first_name_ar="", last_name_ar="", birth_date="2011-05-02", phone="0622334455")


ARABIC_VARIANT = {"first_name": "", "last_name": "", "first_name_ar": "فاطمة الزهراء", "last_name_ar": "الإدريسي",
                  "birth_date": "2011-05-02"}


def test_possible_duplicate_in_another_region_shows_initials_only(client, world, registered_elsewhere):
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, **ARABIC_VARIANT))
    assert response.status_code == 200
    html = response.content.decode()
    assert "F. E." in html and "2011" in html and world["foreign"].center.name in html
    assert "Fatima" not in html and "Idrissi" not in html and "0622334455" not in html
    assert reverse("learners:detail", args=[registered_elsewhere.pk]) not in html
    assert 'name="confirmed_new_person"' in html
    assert Learner.objects.count() == 1


def test_confirming_a_different_person_registers_them(client, world, registered_elsewhere):
    data = intake_data(world["own"].center, **ARABIC_VARIANT, confirmed_new_person="on")
    response = post(client, world["own"].users["center_director"], data)
    assert response.status_code == 302
    assert Learner.objects.count() == 2 and Learner.objects.filter(first_name_ar="فاطمة الزهراء").exists()


def test_possible_duplicate_in_scope_links_to_the_file(client, world):
    existing = make_learner(world["own"].center, first_name="Fatima Zahra", last_name="El Idrissi",
                            first_name_ar="", last_name_ar="", birth_date="2011-05-02")
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, **ARABIC_VARIANT))
    html = response.content.decode()
    assert reverse("learners:detail", args=[existing.pk]) in html and "Fatima Zahra El Idrissi" in html


def test_exact_duplicate_massar_is_refused_with_the_match(client, world):
    make_learner(world["foreign"].center, massar_code="J130045678", birth_date="2010-01-01")
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, massar_code="j130045678", confirmed_new_person="on"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_massar_code_error"' in html
    assert response.context["matches"][0]["reason"] == "massar_code"
    assert Learner.objects.count() == 1


def test_transfer_in_from_another_region_through_the_match(client, world, registered_elsewhere):
    director = world["own"].users["center_director"]
    response = post(client, director, intake_data(world["own"].center, **ARABIC_VARIANT))
    url = reverse("learners:transfer_in", args=[response.context["matches"][0]["reference"]])
    assert url in response.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "F. E." in html and "Fatima" not in html
    response = client.post(url, {"to_center": world["own"].center.pk, "transfer_date": "2026-11-02"})
    registered_elsewhere.refresh_from_db()
    assert response.status_code == 302 and registered_elsewhere.center == world["own"].center
    assert registered_elsewhere.enrollments.count() == 2  # the history is kept
    assert client.get(reverse("learners:detail", args=[registered_elsewhere.pk])).status_code == 200


def test_transfer_in_reference_is_personal_and_unforgeable(client, world, registered_elsewhere):
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, **ARABIC_VARIANT))
    reference = response.context["matches"][0]["reference"]
    client.force_login(world["own"].users["association_manager"])
    assert client.get(reverse("learners:transfer_in", args=[reference])).status_code == 404
    client.force_login(world["own"].users["center_director"])
    assert client.get(reverse("learners:transfer_in", args=[reference[:-2] + "xx"])).status_code == 404


def test_educator_cannot_transfer_and_is_told_so(client, world, registered_elsewhere):
    response = post(client, world["own"].users["educator"], intake_data(world["own"].center, **ARABIC_VARIANT))
    html = response.content.decode()
    assert "transfer-in" not in html
    reference = response.context["matches"][0]["reference"]
    assert client.get(reverse("learners:transfer_in", args=[reference])).status_code == 403


def test_groups_are_placed_only_in_the_chosen_centre(client, world):
    foreign_group = make_group(world["foreign"].center)
    response = post(client, world["own"].users["center_director"],
                    intake_data(world["own"].center, groups=[foreign_group.pk]))
    assert response.status_code == 200 and 'id="id_groups_error"' in response.content.decode()
    assert not Placement.objects.exists()
