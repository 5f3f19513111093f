"""Conventions API: every endpoint own-visible / foreign-404, reviewers see what they are assigned,
the workflow and the release rule answer 422 with the reason, lists in a constant number of queries."""

import datetime

import pytest

from forsa.conventions import services
from forsa.conventions.models import Application, Convention
from tests.api.conftest import API, queries_for
from tests.conventions.conftest import aref, open_call, pdf, scores_for, submitted_application
from tests.factories import make_association, make_center

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def active(conventions):
    for label in ("own", "foreign"):
        side = conventions[label]
        manager = side.users["regional_manager"]
        convention = side.conventions.convention
        services.convention_sign(actor=manager, convention=convention, signed_on=D(2026, 9, 1),
                                 signed_document=pdf())
        services.convention_transition(actor=manager, convention=convention, to="active")
        side.report = services.report_plan(actor=manager, convention=convention, kind="activity", period="T1",
                                           due_on=D(2026, 11, 1))
        side.tranche = services.tranche_plan(actor=manager, convention=convention, order=1, planned_amount=100,
                                             planned_on=D(2026, 9, 15), required_reports=[side.report])
    return conventions


READS = [
    ("/conventions/{}", lambda s: s.conventions.convention),
    ("/conventions/{}/performance", lambda s: s.conventions.convention),
    ("/conventions/{}/reports", lambda s: s.conventions.convention),
    ("/conventions/{}/tranches", lambda s: s.conventions.convention),
    ("/applications/{}", lambda s: s.conventions.application),
]


@pytest.mark.parametrize(("path", "obj"), READS, ids=[r[0] for r in READS])
def test_reads_own_visible_foreign_404(api_as, active, path, obj):
    own, foreign = active["own"], active["foreign"]
    for role in ("regional_manager", "association_manager"):
        client = api_as(own.users[role])
        assert client.get(API + path.format(obj(own).pk)).status_code == 200, role
        assert client.get(API + path.format(obj(foreign).pk)).status_code == 404, role
    client = api_as(active["partner_viewer"])
    assert client.get(API + path.format(obj(own).pk)).status_code == 404


def test_lists_are_scoped(api_as, active):
    own, foreign = active["own"], active["foreign"]
    client = api_as(own.users["association_manager"])
    numbers = [c["number"] for c in client.get(f"{API}/conventions").json()["items"]]
    assert numbers == [own.conventions.convention.number]
    ids = [a["id"] for a in client.get(f"{API}/applications").json()["items"]]
    assert ids == [own.conventions.application.pk]
    client = api_as(active["national_analyst"])
    assert client.get(f"{API}/conventions").json()["count"] == 2
    assert client.get(f"{API}/conventions", {"region": "06"}).json()["items"][0]["number"] == (
        foreign.conventions.convention.number)
    assert client.get(f"{API}/conventions", {"status": "nope"}).status_code == 422
    client = api_as(active["partner_viewer"])
    assert client.get(f"{API}/conventions").json()["count"] == 0
    assert client.get(f"{API}/calls").json()["count"] == 0
    assert client.get(f"{API}/calls/{own.conventions.call.pk}").status_code == 404


def test_reviewer_sees_assigned_only_and_scores_through_the_api(api_as, active):
    own, foreign = active["own"], active["foreign"]
    client = api_as(active["reviewer"])
    assert [a["id"] for a in client.get(f"{API}/applications").json()["items"]] == [own.conventions.application.pk]
    assert client.get(f"{API}/applications/{foreign.conventions.application.pk}").status_code == 404
    assert client.get(f"{API}/conventions/{own.conventions.convention.pk}").status_code == 404
    assert [r["id"] for r in client.get(f"{API}/reviews").json()["items"]] == [own.conventions.review.pk]
    assert client.put(f"{API}/reviews/{foreign.conventions.review.pk}", {"scores": {}},
                      content_type="application/json").status_code == 404
    # a new application to score
    manager = own.users["regional_manager"]
    call = open_call(manager, aref(own.center.region), "API-1")
    application = submitted_application(own.users["association_manager"], call, own.center)
    review = services.review_assign(actor=manager, application=application, reviewer=active["reviewer"])
    criteria = list(call.criteria.all())
    response = client.put(f"{API}/reviews/{review.pk}", {"scores": {str(criteria[0].pk): 10}},
                          content_type="application/json")
    assert response.status_code == 422 and "scores" in response.json()["errors"]
    response = client.put(f"{API}/reviews/{review.pk}", {"scores": scores_for(call, [10, 5, 20]), "comment": "ok"},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["total"] == "85.00"


def test_apply_submit_decide_through_the_api(api_as, active):
    own = active["own"]
    manager = own.users["regional_manager"]
    call = open_call(manager, aref(own.center.region), "API-2")
    client = api_as(own.users["association_manager"])
    payload = {"call": call.pk, "association": own.association.pk, "title": "Projet API", "centers": [own.center.pk],
               "target_girls": 20, "budget_requested": "150000"}
    response = client.post(f"{API}/applications", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    response = client.post(f"{API}/applications/{application_id}/submit")
    assert response.status_code == 422 and "documents" in response.json()["errors"]
    foreign_payload = payload | {"association": active["foreign"].association.pk, "title": "Intrus"}
    response = client.post(f"{API}/applications", foreign_payload, content_type="application/json")
    assert response.status_code == 422 and "association" in response.json()["errors"]  # a foreign id in a body
    response = client.post(f"{API}/applications/{application_id}/decision", {"retained": True, "reason": "x"},
                           content_type="application/json")
    assert response.status_code == 403
    client = api_as(manager)
    response = client.post(f"{API}/applications/{own.conventions.application.pk}/decision",
                           {"retained": False, "reason": "Changement"}, content_type="application/json")
    assert response.status_code == 422 and "status" in response.json()["errors"]
    assert Application.objects.get(pk=application_id).status == Application.Status.DRAFT


def test_release_rule_and_transitions_through_the_api(api_as, active):
    own, foreign = active["own"], active["foreign"]
    client = api_as(own.users["regional_manager"])
    tranches = client.get(f"{API}/conventions/{own.conventions.convention.pk}/tranches").json()
    assert "is not approved" in tranches[0]["blockers"][0]
    response = client.post(f"{API}/tranches/{own.tranche.pk}/release", {"released_on": "2026-11-20"},
                           content_type="application/json")
    assert response.status_code == 422 and "is not approved" in response.json()["errors"]["status"][0]
    services.report_submit(actor=own.users["association_manager"], report=own.report, file=pdf())
    response = client.post(f"{API}/reports/{own.report.pk}/review", {"approved": True},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = client.post(f"{API}/tranches/{own.tranche.pk}/release", {"released_on": "2026-11-20"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "released"
    assert client.post(f"{API}/tranches/{foreign.tranche.pk}/release", {"released_on": "2026-11-20"},
                       content_type="application/json").status_code == 404
    assert client.post(f"{API}/reports/{foreign.report.pk}/review", {"approved": True},
                       content_type="application/json").status_code == 404
    assert client.post(f"{API}/conventions/{foreign.conventions.convention.pk}/transition", {"status": "closed"},
                       content_type="application/json").status_code == 404
    performance = client.get(f"{API}/conventions/{own.conventions.convention.pk}/performance").json()
    assert float(performance["disbursed"]) == float(performance["planned"]) == 100
    response = client.post(f"{API}/conventions/{own.conventions.convention.pk}/transition",
                           {"status": "suspended"}, content_type="application/json")
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = client.post(f"{API}/conventions/{own.conventions.convention.pk}/transition",
                           {"status": "closed"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Convention.objects.get(pk=own.conventions.convention.pk).status == "closed"
    client = api_as(own.users["association_manager"])
    assert client.post(f"{API}/conventions/{own.conventions.convention.pk}/transition",
                       {"status": "active"}, content_type="application/json").status_code == 403


def test_convention_list_queries_do_not_grow(api_as, active, django_assert_max_num_queries):
    admin = active["national_admin"]
    client = api_as(admin)
    before = queries_for(client, f"{API}/conventions", django_assert_max_num_queries, 15)
    for _ in range(3):
        center = make_center(make_association("01"), "01")
        services.convention_create(actor=admin, party=aref(center.region), association=center.association,
                                   centers=[center], start_date=D(2026, 9, 1), end_date=D(2027, 8, 31),
                                   fundings={"aref": 10})
    after = queries_for(client, f"{API}/conventions", django_assert_max_num_queries, 15)
    assert before == after
    assert client.get(f"{API}/conventions").json()["count"] == 5


def test_ranking_for_the_call_owner_only(api_as, active):
    own = active["own"]
    call = own.conventions.call
    response = api_as(own.users["regional_manager"]).get(f"{API}/calls/{call.pk}/ranking")
    assert response.status_code == 200 and response.json()[0]["score"] == "75.50"
    assert api_as(own.users["association_manager"]).get(f"{API}/calls/{call.pk}/ranking").status_code == 403
    assert api_as(active["foreign"].users["regional_manager"]).get(
        f"{API}/calls/{call.pk}/ranking").status_code == 403


def test_uploads_through_the_api_are_checked_by_content_and_size(api_as, active):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from forsa.core.forms import MAX_UPLOAD_BYTES
    from tests.conventions.conftest import PDF

    own, foreign = active["own"], active["foreign"]
    manager = own.users["regional_manager"]
    call = open_call(manager, aref(own.center.region), "API-3")
    application = services.application_save(actor=own.users["association_manager"], call=call,
                                            association=own.association, title="Avec pièces", centers=[own.center])
    client = api_as(own.users["association_manager"])
    url = f"{API}/applications/{application.pk}/documents"
    fake = SimpleUploadedFile("budget.pdf", b"<html>not a pdf</html>")
    response = client.post(url, {"kind": "budget", "file": fake})
    assert response.status_code == 422 and "only PDF, JPEG or PNG" in response.json()["errors"]["file"][0]
    huge = SimpleUploadedFile("budget.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    response = client.post(url, {"kind": "budget", "file": huge})
    assert response.status_code == 422 and "5 MB" in response.json()["errors"]["file"][0]
    response = client.post(url, {"kind": "budget", "file": SimpleUploadedFile("budget.pdf", PDF)})
    assert response.status_code == 201 and response.json()["kind"] == "budget"
    assert application.documents.count() == 1
    foreign_url = f"{API}/applications/{foreign.conventions.application.pk}/documents"
    assert client.post(foreign_url, {"kind": "budget", "file": SimpleUploadedFile("b.pdf", PDF)}).status_code == 404
    response = client.post(f"{API}/reports/{own.report.pk}/submit", {"file": SimpleUploadedFile("r.pdf", PDF)})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.post(f"{API}/reports/{foreign.report.pk}/submit",
                       {"file": SimpleUploadedFile("r.pdf", PDF)}).status_code == 404
