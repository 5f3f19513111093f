"""Conventions API, the writes of those who run calls and conventions: calls (create with the grid, open,
close, decide), reviewer assignment, the convention of a retained application, draft edits, signature,
amendments, expected reports and planned tranches.

Each endpoint: the happy path; out of scope (other region, other association) → 404; in scope without
the right → 403; bad input → 422 naming the field; and a refusal leaves nothing half-written."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forsa.conventions import services
from forsa.conventions.models import Amendment, Application, CallForProjects, Convention, Report, Review, Tranche
from tests.api.conftest import API
from tests.conventions.conftest import GRID, PDF, aref, ministry, open_call, pdf, scores_for, submitted_application
from tests.factories import make_center, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
JSON = {"content_type": "application/json"}


# api_as(user) signs the one test client in as ``user``: ``client`` is signed in again after another user.


def errors(response, status=422):
    assert response.status_code == status, response.content
    return response.json()["errors"]


def signed(side, active=True):
    """The side's convention, signed (and active)."""
    manager, convention = side.users["regional_manager"], side.conventions.convention
    services.convention_sign(actor=manager, convention=convention, signed_on=D(2026, 9, 1), signed_document=pdf())
    if active:
        services.convention_transition(actor=manager, convention=convention, to="active")
    return Convention.objects.get(pk=convention.pk)


@pytest.fixture
def neighbour(conventions):
    """Another association of the own region, with its centre, its manager and a draft convention."""
    own = conventions["own"]
    center = make_center(region_code=own.region_code)
    convention = services.convention_create(
        actor=own.users["regional_manager"], party=aref(own.center.region), association=center.association,
        centers=[center], start_date=D(2026, 9, 1), end_date=D(2027, 8, 31), fundings={"aref": 1000})
    conventions["neighbour"] = {"center": center, "convention": convention,
                                "manager": make_user("association_manager", center.association)}
    return conventions


# Calls ------------------------------------------------------------------------------------


def call_payload(owner, reference="API-C-1", criteria=GRID):
    return {"owner": owner.pk, "reference": reference, "title": "Appel régional", "budget": "2000000",
            "opens_on": "2026-12-01", "closes_on": "2027-01-31",
            "criteria": [{"label": label, "weight": weight, "max_score": top} for label, weight, top in criteria]}


def test_call_create_with_its_grid(api_as, conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    client = api_as(own.users["regional_manager"])
    response = client.post(f"{API}/calls", call_payload(aref(own.center.region)), **JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["region"]) == ("draft", own.region_code)
    assert [(c["label"], c["weight"], c["max_score"]) for c in body["criteria"]] == GRID
    assert CallForProjects.objects.get(pk=body["id"]).criteria.count() == 3
    # the weights must add up to 100: refused, and the call is not left without its grid
    bad = call_payload(aref(own.center.region), "API-C-2", criteria=[("Pertinence", 50, 10), ("Budget", 30, 10)])
    assert "add up to 80" in errors(client.post(f"{API}/calls", bad, **JSON))["criteria"][0]
    assert not CallForProjects.objects.filter(reference="API-C-2").exists()
    assert "title" in errors(client.post(f"{API}/calls", call_payload(aref(own.center.region), "API-C-3")
                                         | {"title": None}, **JSON))
    # another region's AREF is not theirs to run
    response = client.post(f"{API}/calls", call_payload(aref(foreign.center.region), "API-C-4"), **JSON)
    assert "owner" in errors(response)  # 422 naming the field: a foreign id in a body
    response = api_as(own.users["association_manager"]).post(
        f"{API}/calls", call_payload(aref(own.center.region), "API-C-5"), **JSON)
    assert response.status_code == 403
    assert not CallForProjects.objects.filter(reference__in=["API-C-3", "API-C-4", "API-C-5"]).exists()
    response = api_as(conventions["national_admin"]).post(f"{API}/calls", call_payload(ministry(), "API-C-6"), **JSON)
    assert response.status_code == 201 and response.json()["region"] is None


def test_call_open_close_decide(api_as, conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    manager = own.users["regional_manager"]
    empty = services.call_create(actor=manager, owner=aref(own.center.region), reference="API-O-1", title="Sans grille",
                                 budget=1000, opens_on=D(2026, 12, 1), closes_on=D(2027, 1, 31))
    client = api_as(manager)
    assert "criteria" in errors(client.post(f"{API}/calls/{empty.pk}/open"))
    assert CallForProjects.objects.get(pk=empty.pk).status == "draft"
    draft = services.call_create(actor=manager, owner=aref(own.center.region), reference="API-O-2", title="Grille",
                                 budget=1000, opens_on=D(2026, 12, 1), closes_on=D(2027, 1, 31), criteria=GRID)
    # a draft is seen by those who run it only
    assert api_as(foreign.users["regional_manager"]).post(f"{API}/calls/{draft.pk}/open").status_code == 404
    assert api_as(own.users["association_manager"]).post(f"{API}/calls/{draft.pk}/open").status_code == 404
    client = api_as(manager)
    response = client.post(f"{API}/calls/{draft.pk}/open")
    assert response.status_code == 200 and response.json()["status"] == "open"
    assert "status" in errors(client.post(f"{API}/calls/{draft.pk}/open"))
    # an open call is published: seen by all, run by its owner only
    assert api_as(own.users["association_manager"]).post(f"{API}/calls/{draft.pk}/close").status_code == 403
    assert api_as(foreign.users["regional_manager"]).post(f"{API}/calls/{draft.pk}/close").status_code == 403
    assert api_as(conventions["partner_viewer"]).post(f"{API}/calls/{draft.pk}/close").status_code == 404
    assert CallForProjects.objects.get(pk=draft.pk).status == "open"
    # an application still waiting for its decision holds the call back
    draft.refresh_from_db()
    application = submitted_application(own.users["association_manager"], draft, own.center)
    client = api_as(manager)
    assert "status" in errors(client.post(f"{API}/calls/{draft.pk}/decide"))
    response = client.post(f"{API}/calls/{draft.pk}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Application.objects.get(pk=application.pk).status == "under_review"
    assert "1 applications still wait" in errors(client.post(f"{API}/calls/{draft.pk}/decide"))["status"][0]
    assert CallForProjects.objects.get(pk=draft.pk).status == "closed"
    review = services.review_assign(actor=manager, application=application, reviewer=conventions["reviewer"])
    services.review_submit(actor=conventions["reviewer"], review=review, scores=scores_for(draft, [5, 5, 10]))
    services.application_decide(actor=manager, application=application, retained=False, reason="Hors cible")
    response = client.post(f"{API}/calls/{draft.pk}/decide")
    assert response.status_code == 200 and response.json()["status"] == "decided"


def test_review_assign(api_as, conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    manager = own.users["regional_manager"]
    call = open_call(manager, aref(own.center.region), "API-R-1")
    application = submitted_application(own.users["association_manager"], call, own.center)
    url = f"{API}/applications/{application.pk}/reviewers"
    reviewer = conventions["reviewer"]
    assert api_as(own.users["association_manager"]).post(url, {"reviewer": reviewer.pk}, **JSON).status_code == 403
    assert api_as(foreign.users["regional_manager"]).post(url, {"reviewer": reviewer.pk}, **JSON).status_code == 404
    client = api_as(manager)
    # an association manager does not review; the foreign region's manager does not review this region's call
    for user in (own.users["association_manager"], foreign.users["regional_manager"]):
        assert "reviewer" in errors(client.post(url, {"reviewer": user.pk}, **JSON))
    assert "reviewer" in errors(client.post(url, {}, **JSON))
    assert not application.reviews.exists()
    response = client.post(url, {"reviewer": reviewer.pk}, **JSON)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "assigned"
    assert list(Review.objects.filter(application=application).values_list("reviewer", flat=True)) == [reviewer.pk]
    assert "reviewer" in errors(client.post(url, {"reviewer": reviewer.pk}, **JSON))  # already assigned
    # a draft is not reviewed yet
    draft = services.application_save(actor=own.users["association_manager"], call=call, association=own.association,
                                      title="Brouillon", centers=[own.center])
    response = client.post(f"{API}/applications/{draft.pk}/reviewers", {"reviewer": reviewer.pk}, **JSON)
    assert "submitted" in errors(response)["reviewer"][0]
    assert Review.objects.filter(application__call=call).count() == 1


# Conventions ------------------------------------------------------------------------------


def retained(side, reviewer, reference):
    manager = side.users["regional_manager"]
    call = open_call(manager, aref(side.center.region), reference)
    application = submitted_application(side.users["association_manager"], call, side.center)
    review = services.review_assign(actor=manager, application=application, reviewer=reviewer)
    services.review_submit(actor=reviewer, review=review, scores=scores_for(call, [8, 8, 16]))
    return application, services.application_decide(actor=manager, application=application, retained=True,
                                                     reason="Projet solide")


def test_convention_from_a_retained_application(api_as, conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    application, _ = retained(own, conventions["reviewer"], "API-F-1")
    url = f"{API}/applications/{application.pk}/convention"
    dates = {"start_date": "2026-12-01", "end_date": "2027-11-30"}
    assert api_as(foreign.users["regional_manager"]).post(url, dates, **JSON).status_code == 404
    assert api_as(own.users["association_manager"]).post(url, dates, **JSON).status_code == 403
    client = api_as(own.users["regional_manager"])
    assert "end_date" in errors(client.post(url, {"start_date": "2026-12-01"}, **JSON))
    assert not Convention.objects.filter(application=application).exists()
    response = client.post(url, dates, **JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["association"], body["target_girls"], body["target_boys"]) == (
        "draft", own.association.pk, 60, 40)
    assert body["centers"] == [own.center.pk]
    assert {f["source"]: float(f["amount"]) for f in body["fundings"]} == {"aref": 900_000, "other": 100_000}
    assert "already has its convention" in errors(client.post(url, dates, **JSON))["__all__"][0]
    assert Convention.objects.filter(application=application).count() == 1
    # only a retained application becomes a convention
    call = open_call(own.users["regional_manager"], aref(own.center.region), "API-F-2")
    pending = submitted_application(own.users["association_manager"], call, own.center)
    response = client.post(f"{API}/applications/{pending.pk}/convention", dates, **JSON)
    assert "retained" in errors(response)["__all__"][0]
    assert not Convention.objects.filter(application=pending).exists()


def test_convention_draft_edit(api_as, neighbour):
    own, foreign = neighbour["own"], neighbour["foreign"]
    convention = own.conventions.convention
    url = f"{API}/conventions/{convention.pk}"
    client = api_as(own.users["regional_manager"])
    response = client.patch(url, {"target_girls": 80, "obligations": "Rapport trimestriel",
                                  "fundings": {"aref": "850000", "indh": "50000"}}, **JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["target_girls"], body["target_boys"], body["obligations"]) == (80, 40, "Rapport trimestriel")
    assert {f["source"]: float(f["amount"]) for f in body["fundings"]} == {"aref": 850_000, "indh": 50_000}
    assert body["centers"] == [own.center.pk]
    # refusals change nothing: a centre of another association, of another region, an unknown budget line
    second = make_center(own.association, own.region_code)
    assert "not run by the association" in errors(client.patch(url, {"centers": [neighbour["neighbour"][
        "center"].pk]}, **JSON))["centers"][0]
    assert "centers" in errors(client.patch(url, {"centers": [foreign.center.pk]}, **JSON))
    assert "fundings" in errors(client.patch(url, {"target_girls": 5, "fundings": {"lottery": "1"}}, **JSON))
    assert "target_boys" in errors(client.patch(url, {"target_boys": -1}, **JSON))
    convention.refresh_from_db()
    assert convention.target_girls == 80 and list(convention.centers.all()) == [own.center]
    assert {f.source for f in convention.fundings.all()} == {"aref", "indh"}
    response = client.patch(url, {"centers": [own.center.pk, second.pk]}, **JSON)
    assert response.status_code == 200 and sorted(response.json()["centers"]) == sorted([own.center.pk, second.pk])
    # scope and rights
    assert client.patch(f"{API}/conventions/{foreign.conventions.convention.pk}", {"target_girls": 1},
                        **JSON).status_code == 404
    assert api_as(own.users["association_manager"]).patch(url, {"target_girls": 1}, **JSON).status_code == 403
    assert api_as(own.users["association_manager"]).patch(
        f"{API}/conventions/{neighbour['neighbour']['convention'].pk}", {"target_girls": 1}, **JSON).status_code == 404
    # a signed convention changes by amendment only
    signed(own, active=False)
    client = api_as(own.users["regional_manager"])
    assert "amendment" in errors(client.patch(url, {"target_girls": 1}, **JSON))["__all__"][0]
    assert Convention.objects.get(pk=convention.pk).target_girls == 80


def test_convention_sign_with_its_document(api_as, conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    convention = own.conventions.convention
    url = f"{API}/conventions/{convention.pk}/sign"

    def form(content=PDF, signed_on="2026-09-01"):
        return {"signed_on": signed_on, "signed_document": SimpleUploadedFile("signed.pdf", content)}

    assert api_as(foreign.users["regional_manager"]).post(url, form()).status_code == 404
    assert api_as(own.users["association_manager"]).post(url, form()).status_code == 403
    client = api_as(own.users["regional_manager"])
    assert "only PDF, JPEG or PNG" in errors(client.post(url, form(b"<html>fake</html>")))["signed_document"][0]
    assert "future" in errors(client.post(url, form(signed_on="2099-01-01")))["signed_on"][0]
    assert "signed_document" in errors(client.post(url, {"signed_on": "2026-09-01"}))
    assert "signed_on" in errors(client.post(url, {"signed_document": SimpleUploadedFile("s.pdf", PDF)}))
    convention.refresh_from_db()
    assert (convention.status, convention.signed_on, bool(convention.signed_document)) == ("draft", None, False)
    response = client.post(url, form())
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["signed_on"]) == ("signed", "2026-09-01")
    assert Convention.objects.get(pk=convention.pk).signed_document
    assert "status" in errors(client.post(url, form()))


def test_amendments_list_and_create(api_as, neighbour):
    own, foreign = neighbour["own"], neighbour["foreign"]
    convention = signed(own)
    url = f"{API}/conventions/{convention.pk}/amendments"
    client = api_as(own.users["regional_manager"])
    assert client.get(url).json() == []
    payload = {"signed_on": "2026-11-02", "reason": "Extension", "target_girls": 75, "end_date": "2027-12-31",
               "fundings": {"aref": "950000"}}
    assert client.post(f"{API}/conventions/{foreign.conventions.convention.pk}/amendments", payload,
                       **JSON).status_code == 404
    assert client.get(f"{API}/conventions/{foreign.conventions.convention.pk}/amendments").status_code == 404
    assert api_as(own.users["association_manager"]).post(url, payload, **JSON).status_code == 403
    assert api_as(neighbour["neighbour"]["manager"]).get(url).status_code == 404
    client = api_as(own.users["regional_manager"])
    # refused: no reason, nothing changed, an unknown budget line (with other changes: none is kept)
    assert "reason" in errors(client.post(url, payload | {"reason": " "}, **JSON))
    assert "__all__" in errors(client.post(url, {"signed_on": "2026-11-02", "reason": "Rien", "target_girls": 60},
                                           **JSON))
    assert "fundings" in errors(client.post(url, payload | {"fundings": {"lottery": "5"}}, **JSON))
    assert "signed_on" in errors(client.post(url, payload | {"signed_on": "someday"}, **JSON))
    convention.refresh_from_db()
    assert (convention.target_girls, convention.end_date) == (60, D(2027, 8, 31))
    assert {f.source: f.amount for f in convention.fundings.all()} == {"aref": 900_000, "other": 100_000}
    assert not Amendment.objects.filter(convention=convention).exists()
    response = client.post(url, payload, **JSON)
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 1
    assert response.json()["changes"] == {"target_girls": [60, 75], "end_date": ["2027-08-31", "2027-12-31"],
                                          "funding:aref": ["900000.00", "950000"]}
    convention.refresh_from_db()
    assert (convention.target_girls, convention.end_date) == (75, D(2027, 12, 31))
    assert {f.source: float(f.amount) for f in convention.fundings.all()} == {"aref": 950_000, "other": 100_000}
    listed = api_as(own.users["association_manager"]).get(url)
    assert listed.status_code == 200 and [a["reason"] for a in listed.json()] == ["Extension"]
    client = api_as(own.users["regional_manager"])
    # a closed convention is not amended
    services.convention_transition(actor=own.users["regional_manager"], convention=convention, to="closed")
    response = client.post(url, payload | {"target_girls": 90}, **JSON)
    assert "closed" in errors(response)["__all__"][0]
    assert Convention.objects.get(pk=convention.pk).target_girls == 75
    assert Amendment.objects.filter(convention=convention).count() == 1


# Reports and tranches ---------------------------------------------------------------------


def test_report_plan_then_submitted_with_its_file(api_as, neighbour):
    own, foreign = neighbour["own"], neighbour["foreign"]
    convention = signed(own)
    url = f"{API}/conventions/{convention.pk}/reports"
    payload = {"kind": "financial", "period": "S1 2026-2027", "due_on": "2027-03-31"}
    assert api_as(own.users["association_manager"]).post(url, payload, **JSON).status_code == 403
    client = api_as(own.users["regional_manager"])
    assert client.post(f"{API}/conventions/{foreign.conventions.convention.pk}/reports", payload,
                       **JSON).status_code == 404
    assert api_as(neighbour["neighbour"]["manager"]).post(url, payload, **JSON).status_code == 404
    client = api_as(own.users["regional_manager"])
    assert "kind" in errors(client.post(url, payload | {"kind": "poem"}, **JSON))
    assert "due_on" in errors(client.post(url, payload | {"due_on": None}, **JSON))
    assert not Report.objects.filter(convention=convention).exists()
    response = client.post(url, payload, **JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["period"], body["due_on"], body["status"]) == (
        "financial", "S1 2026-2027", "2027-03-31", "expected")
    # the association then sends it, with its file
    association = api_as(own.users["association_manager"])
    response = association.post(f"{API}/reports/{body['id']}/submit", {"file": SimpleUploadedFile("r.pdf", PDF)})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert Report.objects.get(pk=body["id"]).file


def test_tranche_plan(api_as, neighbour):
    own, foreign = neighbour["own"], neighbour["foreign"]
    manager = own.users["regional_manager"]
    convention = signed(own)
    report = services.report_plan(actor=manager, convention=convention, kind="activity", period="T1",
                                  due_on=D(2026, 12, 31))
    foreign_report = services.report_plan(actor=foreign.users["regional_manager"],
                                          convention=signed(foreign), kind="activity", period="T1",
                                          due_on=D(2026, 12, 31))
    other_report = services.report_plan(actor=manager, convention=neighbour["neighbour"]["convention"],
                                        kind="activity", period="T1", due_on=D(2026, 12, 31))
    url = f"{API}/conventions/{convention.pk}/tranches"
    payload = {"planned_amount": "300000", "planned_on": "2026-10-01", "required_reports": [report.pk]}
    assert api_as(own.users["association_manager"]).post(url, payload, **JSON).status_code == 403
    client = api_as(manager)
    assert client.post(f"{API}/conventions/{foreign.conventions.convention.pk}/tranches", payload,
                       **JSON).status_code == 404
    assert api_as(neighbour["neighbour"]["manager"]).post(url, payload, **JSON).status_code == 404
    client = api_as(manager)
    # a report of another convention, out of scope or not, is refused
    assert "required_reports" in errors(client.post(url, payload | {"required_reports": [foreign_report.pk]}, **JSON))
    assert "own convention" in errors(client.post(url, payload | {"required_reports": [other_report.pk]},
                                                  **JSON))["required_reports"][0]
    assert "planned_amount" in errors(client.post(url, payload | {"planned_amount": "-5"}, **JSON))
    assert not Tranche.objects.filter(convention=convention).exists()
    response = client.post(url, payload, **JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["order"], float(body["planned_amount"]), body["status"], body["required_reports"]) == (
        1, 300_000, "planned", [report.pk])
    assert "is not approved" in body["blockers"][0]
    response = client.post(url, {"planned_amount": "200000", "planned_on": "2027-03-01"}, **JSON)
    assert response.status_code == 201 and response.json()["order"] == 2
    assert "already exists" in errors(client.post(url, payload | {"order": 2}, **JSON))["__all__"][0]
    assert Tranche.objects.filter(convention=convention).count() == 2
