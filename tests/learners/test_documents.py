"""Signed consent forms: no file is left on disk when the intake or the consent record fails after the upload."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from forsa.audit import services as audit_services
from forsa.learners import services
from forsa.learners.models import Consent, Learner
from tests.factories import LEARNER_DEFAULTS, make_group, make_learner

D = datetime.date.fromisoformat
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(root):
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def intake(center, **overrides):
    values = {k: (D(v) if k == "birth_date" else v) for k, v in LEARNER_DEFAULTS.items()} | {"commune": center.commune}
    return services.learner_intake(
        actor=None, center=center, school_year="2026-2027", start_date=D("2026-09-15"), confirmed_new_person=True,
        guardians=[{"full_name": "Khadija Berrada", "relation": "mother"}],
        consent={"guardian": 0, "given_on": D("2026-09-15"), "document": SimpleUploadedFile("accord.pdf", PDF)},
        **values | overrides,
    )


def test_an_intake_that_fails_after_the_upload_leaves_no_file(world, media_root):
    """The group of another centre is refused after the consent (and its form) were written."""
    foreign_group = make_group(world["foreign"].center)
    with pytest.raises(ValidationError) as refused:
        intake(world["own"].center, groups=[foreign_group])
    assert "group" in refused.value.message_dict
    assert not Learner.objects.exists() and not Consent.objects.exists()
    assert files_in(media_root) == []


def test_a_successful_intake_keeps_its_file(world, media_root):
    learner = intake(world["own"].center)
    consent = learner.consents.get()
    assert files_in(media_root) == [consent.document.name.rsplit("/", 1)[-1]]
    assert consent.document.read() == PDF


def test_a_consent_record_that_fails_after_the_upload_leaves_no_file(world, media_root, monkeypatch):
    learner = make_learner(world["own"].center, consent=False)

    def broken_history(**kwargs):
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(audit_services, "audit_record", broken_history)
    with pytest.raises(RuntimeError):
        services.consent_record(actor=None, learner=learner, purpose="data", given_on=D("2026-09-20"),
                                guardian=learner.guardians.get(), document=SimpleUploadedFile("accord.pdf", PDF))
    assert not learner.consents.exists()
    assert files_in(media_root) == []


def test_a_refused_consent_writes_no_file(world, media_root):
    learner = make_learner(world["own"].center, consent=False)
    with pytest.raises(ValidationError):
        services.consent_record(actor=None, learner=learner, purpose="data", given_on=D("2026-09-20"),
                                guardian=None, document=SimpleUploadedFile("accord.pdf", PDF))
    assert files_in(media_root) == []


def photo_consent(world):
    learner = make_learner(world["own"].center)
    return services.consent_record(actor=None, learner=learner, purpose="photos", given_on=D("2026-09-20"),
                                   guardian=learner.guardians.get(), document=SimpleUploadedFile("photos.pdf", PDF))


def test_withdrawing_photos_deletes_the_form_once_committed(world, media_root, django_capture_on_commit_callbacks):
    consent = photo_consent(world)
    assert len(files_in(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(actor=None, consent=consent, withdrawn_on=D("2026-10-01"))
    consent.refresh_from_db()
    assert not consent.document and files_in(media_root) == []


def test_a_withdrawal_that_rolls_back_keeps_the_form(world, media_root, django_capture_on_commit_callbacks):
    consent = photo_consent(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.consent_withdraw(actor=None, consent=consent, withdrawn_on=D("2026-10-01"))
            raise RuntimeError("something later in the same transaction fails")
    consent.refresh_from_db()
    assert consent.document and consent.withdrawn_on is None
    assert files_in(media_root) == [consent.document.name.rsplit("/", 1)[-1]]
