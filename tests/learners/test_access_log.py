"""The access log of a learner's file: views, changes to every part of the file, consent form downloads."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forsa.audit.models import AuditEntry
from forsa.learners import selectors, services
from forsa.learners.models import Consent, FollowUp
from tests.factories import make_group, make_learner
from tests.queries import assert_constant_queries, count_queries

D = datetime.date.fromisoformat
PDF = b"%PDF-1.7\n%%EOF\n"
API = "/api/v1"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def learner(world):
    return make_learner(world["own"].center, school_year="2025-2026", start_date="2025-09-15",
                        birth_date="2010-03-14")


def whole_story(learner, actor):
    """A change to every part of the file: family, consent, enrolment, pathway, plan, exit, follow-up."""
    center = learner.center
    enrollment = learner.enrollments.get()
    services.guardian_add(actor=actor, learner=learner, full_name="Mohamed Berrada", relation="father")
    services.consent_record(actor=actor, learner=learner, purpose=Consent.Purpose.PHOTOS, given_on=D("2025-10-01"),
                            guardian=learner.guardians.first())
    group = make_group(center, name="Menuiserie", kind="workshop", school_year="2025-2026")
    services.learner_place(actor=actor, enrollment=enrollment, group=group, start_date=D("2025-10-02"))
    services.pathway_advance(actor=actor, enrollment=enrollment, stage="catch_up", start_date=D("2025-10-03"))
    services.track_start(actor=actor, enrollment=enrollment, track="trade", start_date=D("2025-10-04"))
    plan = services.plan_set(actor=actor, enrollment=enrollment, goals="Lire et écrire")
    services.plan_review_add(actor=actor, plan=plan, reviewed_on=D("2025-11-01"), notes="Progrès")
    services.learner_exit(actor=actor, learner=learner, exit_date=D("2026-06-30"), outcome="moved")
    services.follow_up_record(actor=actor, follow_up=learner.follow_ups.get(months=3), done_on=D("2026-10-01"),
                              situation="school")


ABOUT_EVERY_PART = {"learner", "guardian", "consent", "enrollment", "placement", "pathwaystep", "trackparticipation",
                    "individualplan", "planreview", "exit", "followup"}


def test_access_log_lists_changes_to_every_part_of_the_file(client, world, learner):
    own = world["own"]
    counsellor, director = own.users["counsellor"], own.users["center_director"]
    # Another learner's file, written alongside: none of it belongs in this log.
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    other = make_learner(own.center, first_name="Autre", last_name="Personne", first_name_ar="", last_name_ar="",
                         birth_date="2011-05-05")
    services.guardian_add(actor=counsellor, learner=other, full_name="Tuteur Autre", relation="uncle_aunt")
    others = set(AuditEntry.objects.values_list("pk", flat=True)) - before
    whole_story(learner, counsellor)
    client.force_login(director)
    response = client.get(reverse("learners:access_log", args=[learner.pk]))
    entries = list(response.context["page_obj"])
    assert {entry.target_type.model for entry in entries} == ABOUT_EVERY_PART
    assert not {entry.pk for entry in entries} & others
    html = response.content.decode()
    assert "Mohamed Berrada" in html and counsellor.full_name in html and "Tuteur Autre" not in html
    # One chronological list, newest first: all of this learner's entries, and only those.
    assert [(e.at, e.pk) for e in entries] == sorted(((e.at, e.pk) for e in entries), reverse=True)
    learners_entries = AuditEntry.objects.filter(target_type__app_label="learners").exclude(pk__in=others)
    assert {e.pk for e in entries} == set(learners_entries.values_list("pk", flat=True))


def test_access_logs_of_two_learners_share_nothing(world, learner):
    """Rows of different kinds share ids (guardian 1, consent 1…): entries are told apart by their type."""
    other = make_learner(world["own"].center, first_name="Autre", last_name="Personne", first_name_ar="",
                         last_name_ar="", birth_date="2011-05-05")
    mine = set(selectors.access_log(user=world["national_admin"], learner=learner).values_list("pk", flat=True))
    theirs = set(selectors.access_log(user=world["national_admin"], learner=other).values_list("pk", flat=True))
    assert mine and theirs and not mine & theirs
    assert mine | theirs == set(AuditEntry.objects.filter(target_type__app_label="learners")
                                .values_list("pk", flat=True))


def test_access_log_pages_and_its_query_count_does_not_grow(client, world, learner):
    own = world["own"]
    client.force_login(own.users["center_director"])
    url = reverse("learners:access_log", args=[learner.pk])
    assert_constant_queries(client, url, lambda: whole_story(learner, own.users["counsellor"]), at_most=12)
    first = count_queries(client, url)
    for _ in range(30):
        services.learner_file_viewed(actor=own.users["educator"], learner=learner)
    page = client.get(url, {"page": 2}).context["page_obj"]
    assert page.paginator.num_pages == 2 and page.number == 2 and len(page) > 0
    assert count_queries(client, url, {"page": 2}) == count_queries(client, url) == first


def test_consent_form_download_is_logged_and_stays_scoped(client, world):
    own, foreign = world["own"], world["foreign"]
    learner = make_learner(own.center, consent=False)
    consent = services.consent_record(actor=None, learner=learner, purpose="data", given_on=D("2026-09-15"),
                                      guardian=learner.guardians.get(),
                                      document=SimpleUploadedFile("accord.pdf", PDF))
    url = reverse("learners:consent_document", args=[learner.pk, consent.pk])
    downloads = AuditEntry.objects.filter(action="export", target_id=str(consent.pk),
                                          target_type__model="consent")
    client.force_login(foreign.users["center_director"])
    assert client.get(url).status_code == 404
    client.force_login(own.users["regional_manager"])
    assert client.get(url).status_code == 403
    assert not downloads.exists()
    counsellor = own.users["counsellor"]
    client.force_login(counsellor)
    assert client.get(url).status_code == 200
    assert list(downloads.values_list("actor", flat=True)) == [counsellor.pk]
    client.force_login(own.users["center_director"])
    response = client.get(reverse("learners:access_log", args=[learner.pk]))
    entry = next(e for e in response.context["page_obj"] if e.action == "export")
    assert entry.actor == counsellor and entry.target_type.model == "consent"
    assert "téléchargé" in response.content.decode()  # "signed form downloaded", in French


def test_api_access_log_tells_what_each_entry_is_about(client, world, learner):
    whole_story(learner, world["own"].users["counsellor"])
    client.force_login(world["own"].users["center_director"])
    response = client.get(f"{API}/learners/{learner.pk}/access-log", {"page_size": 100})
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["about"] for item in items} == ABOUT_EVERY_PART
    follow_up = FollowUp.objects.get(learner=learner, months=3)
    assert {"about": "followup", "about_id": follow_up.pk, "action": "update"}.items() <= next(
        item for item in items if item["about"] == "followup").items()
    client.force_login(world["foreign"].users["center_director"])
    assert client.get(f"{API}/learners/{learner.pk}/access-log").status_code == 404
