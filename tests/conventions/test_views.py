"""Conventions pages: every page own-visible / foreign-404 (other region, other association), reviewers
see what they are assigned only, uploads are checked by content and size, query counts stay flat."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forsa.audit.models import AuditEntry
from forsa.conventions import services
from forsa.conventions.models import Application, Convention, Report
from forsa.core.forms import MAX_UPLOAD_BYTES
from tests.conventions.conftest import PDF, aref, open_call, pdf
from tests.factories import make_association, make_center
from tests.queries import assert_constant_queries
from tests.scope import status_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def full(conventions):
    """Each side's convention active, with a report submitted and a tranche planned; one amendment."""
    for label in ("own", "foreign"):
        side = conventions[label]
        manager = side.users["regional_manager"]
        convention = side.conventions.convention
        services.convention_sign(actor=manager, convention=convention, signed_on=D(2026, 9, 1),
                                 signed_document=pdf("signed.pdf"))
        services.convention_transition(actor=manager, convention=convention, to="active")
        report = services.report_plan(actor=manager, convention=convention, kind="activity", period="T1",
                                      due_on=D(2026, 11, 1))
        services.report_submit(actor=side.users["association_manager"], report=report, file=pdf())
        expected = services.report_plan(actor=manager, convention=convention, kind="financial", period="T1",
                                        due_on=D(2027, 1, 1))
        tranche = services.tranche_plan(actor=manager, convention=convention, order=1, planned_amount=100,
                                        planned_on=D(2026, 9, 15))
        services.amendment_apply(actor=manager, convention=convention, signed_on=D(2026, 10, 1), reason="Cible",
                                 changes={"target_boys": 50})
        side.report, side.expected, side.tranche = report, expected, tranche
    return conventions


def page(route, obj):
    return reverse(f"conventions:{route}", args=[obj.pk])


# (route, object of a side, the role that may use it on its own side)
READ_PAGES = [
    ("detail", lambda s: s.conventions.convention, ("regional_manager", "provincial_manager", "association_manager",
                                                   "center_director")),
    ("pdf", lambda s: s.conventions.convention, ("regional_manager", "association_manager")),
    ("signed_document", lambda s: s.conventions.convention, ("regional_manager", "association_manager")),
    ("report_file", lambda s: s.report, ("regional_manager", "association_manager")),
    ("call", lambda s: s.conventions.call, ()),  # published calls are public: checked below
    ("application", lambda s: s.conventions.application, ("regional_manager", "association_manager")),
    ("document", lambda s: s.conventions.application.documents.first(), ("regional_manager", "association_manager")),
]
ACTION_PAGES = [  # (route, object, the role allowed on its own side)
    ("sign", lambda s: s.conventions.convention, "regional_manager"),
    ("status", lambda s: s.conventions.convention, "regional_manager"),
    ("amend", lambda s: s.conventions.convention, "regional_manager"),
    ("report_plan", lambda s: s.conventions.convention, "regional_manager"),
    ("tranche_plan", lambda s: s.conventions.convention, "regional_manager"),
    ("report_submit", lambda s: s.expected, "association_manager"),
    ("report_review", lambda s: s.report, "regional_manager"),
    ("tranche_release", lambda s: s.tranche, "regional_manager"),
    ("review_assign", lambda s: s.conventions.application, "regional_manager"),
    ("decide", lambda s: s.conventions.application, "regional_manager"),
    ("from_application", lambda s: s.conventions.application, "regional_manager"),
    ("edit", lambda s: s.conventions.convention, "regional_manager"),
    ("application_edit", lambda s: s.conventions.application, "association_manager"),
    ("document_add", lambda s: s.conventions.application, "association_manager"),
]


@pytest.mark.parametrize(("route", "obj", "roles"), READ_PAGES, ids=[p[0] for p in READ_PAGES])
def test_read_pages_own_visible_foreign_404(client, full, route, obj, roles):
    own, foreign = full["own"], full["foreign"]
    for role in roles:
        assert status_for(client, own.users[role], page(route, obj(own))) == 200, role
        assert status_for(client, own.users[role], page(route, obj(foreign))) == 404, role
    assert status_for(client, full["national_admin"], page(route, obj(foreign))) == 200
    assert status_for(client, full["partner_viewer"], page(route, obj(own))) == 404


@pytest.mark.parametrize(("route", "obj", "role"), ACTION_PAGES, ids=[p[0] for p in ACTION_PAGES])
def test_action_pages_own_allowed_foreign_404_others_403(client, full, route, obj, role):
    own, foreign = full["own"], full["foreign"]
    assert status_for(client, own.users[role], page(route, obj(own))) == 200
    assert status_for(client, own.users[role], page(route, obj(foreign))) == 404
    other = "association_manager" if role == "regional_manager" else "regional_manager"
    assert status_for(client, own.users[other], page(route, obj(own))) == 403


def test_reviewers_see_the_assigned_application_only(client, full):
    reviewer, own, foreign = full["reviewer"], full["own"], full["foreign"]
    assert status_for(client, reviewer, page("application", own.conventions.application)) == 200
    assert status_for(client, reviewer, page("document", own.conventions.application.documents.first())) == 200
    assert status_for(client, reviewer, page("review", own.conventions.review)) == 200
    for route, obj in (("application", foreign.conventions.application), ("review", foreign.conventions.review),
                       ("document", foreign.conventions.application.documents.first()),
                       ("detail", own.conventions.convention)):
        assert status_for(client, reviewer, page(route, obj)) == 404, route
    # the decider does not fill in someone else's review
    assert status_for(client, own.users["regional_manager"], page("review", own.conventions.review)) == 404


def test_lists_show_only_what_is_in_scope(client, full):
    own, foreign = full["own"], full["foreign"]
    client.force_login(own.users["association_manager"])
    body = client.get(reverse("conventions:list")).content.decode()
    assert own.conventions.convention.number in body and foreign.conventions.convention.number not in body
    body = client.get(reverse("conventions:applications")).content.decode()
    assert page("application", own.conventions.application) in body
    assert page("application", foreign.conventions.application) not in body
    client.force_login(full["reviewer"])
    body = client.get(reverse("conventions:reviews")).content.decode()
    assert page("review", own.conventions.review) in body and page("review", foreign.conventions.review) not in body
    client.force_login(full["partner_viewer"])
    assert client.get(reverse("conventions:list")).status_code == 404


def test_convention_page_shows_performance_amendments_and_alerts(client, full):
    own = full["own"]
    client.force_login(own.users["regional_manager"])
    body = client.get(page("detail", own.conventions.convention)).content.decode()
    assert "0 / 110" in body  # enrolled / target after the amendment (60 girls + 50 boys)
    assert "Amendment 1" in body and "40 → 50" in body
    assert "reports overdue" in body and "late" in body


def test_list_filters_and_excel_export_logged(client, full):
    client.force_login(full["national_admin"])
    response = client.get(reverse("conventions:list"), {"region": "01"})
    body = response.content.decode()
    assert full["own"].conventions.convention.number in body
    assert full["foreign"].conventions.convention.number not in body
    response = client.get(reverse("conventions:export"), {"region": "01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [full["own"].conventions.convention.number]
    assert AuditEntry.objects.filter(actor=full["national_admin"], action=AuditEntry.Action.EXPORT).exists()


def test_convention_pdf_in_french_and_arabic(client, full):
    client.force_login(full["own"].users["regional_manager"])
    for language in ("fr", "ar"):
        response = client.get(page("pdf", full["own"].conventions.convention), {"lang": language})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_list_query_count_does_not_grow_with_conventions(client, full):
    admin = full["national_admin"]
    client.force_login(admin)

    def grow():
        for _ in range(3):
            center = make_center(make_association("01"), "01")
            convention = services.convention_create(
                actor=admin, party=aref(center.region), association=center.association, centers=[center],
                start_date=D(2026, 9, 1), end_date=D(2027, 8, 31), target_girls=10, fundings={"aref": 1000})
            services.tranche_plan(actor=admin, convention=convention, order=1, planned_amount=10,
                                  planned_on=D(2026, 9, 15))

    assert_constant_queries(client, reverse("conventions:list"), grow, at_most=20)


# Flows through the pages -------------------------------------------------------------


def test_application_flow_with_documents_checked_by_content_and_size(client, conventions):
    own = conventions["own"]
    client.force_login(own.users["association_manager"])
    call = own.conventions.call
    response = client.post(reverse("conventions:apply", args=[call.pk]), {
        "association": own.association.pk, "title": "Atelier couture", "centers": [own.center.pk],
        "target_girls": 30, "target_boys": 10, "budget_requested": "250000", "cofunding": "0"})
    application = Application.objects.get(title="Atelier couture")
    assert response.status_code == 302 and application.status == Application.Status.DRAFT
    url = reverse("conventions:document_add", args=[application.pk])
    fake = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"kind": "budget", "file": fake})
    assert "only PDF, JPEG or PNG" in response.content.decode()
    huge = SimpleUploadedFile("budget.pdf", PDF + b"0" * MAX_UPLOAD_BYTES, content_type="application/pdf")
    response = client.post(url, {"kind": "budget", "file": huge})
    assert "larger than 5 MB" in response.content.decode()
    assert not application.documents.exists()
    page = reverse("conventions:application", args=[application.pk])
    # the documents submission requires are listed beside the button, with their state
    assert re.findall(r'<span class="badge (\w+)">[^<]*</span> ([^<]+)</li>', client.get(page).content.decode()) == [
        ("overdue", "Project description"), ("overdue", "Detailed budget")]
    response = client.post(reverse("conventions:application_submit", args=[application.pk]), follow=True)
    assert "Attach the missing documents" in response.content.decode()
    client.post(url, {"kind": "project", "file": pdf("project.pdf")})
    assert re.findall(r'<span class="badge (\w+)">[^<]*</span> ([^<]+)</li>', client.get(page).content.decode()) == [
        ("open", "Project description"), ("overdue", "Detailed budget")]
    for kind in ("budget",):
        client.post(url, {"kind": kind, "file": pdf(f"{kind}.pdf")})
    assert application.documents.count() == 2
    stored = application.documents.first().file
    assert stored.name.startswith("conventions/applications/")
    download = client.get(reverse("conventions:document", args=[application.documents.first().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(reverse("conventions:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert client.get(reverse("conventions:application_edit", args=[application.pk])).status_code == 200
    response = client.post(reverse("conventions:application_edit", args=[application.pk]), {
        "title": "Changé", "target_girls": 1, "target_boys": 1, "budget_requested": "1", "cofunding": "0"})
    assert "can no longer be changed" in response.content.decode()


def test_review_decide_and_convention_through_the_pages(client, conventions):
    own = conventions["own"]
    manager, reviewer = own.users["regional_manager"], conventions["reviewer"]
    call = open_call(manager, aref(own.center.region), "P-1")
    from tests.conventions.conftest import submitted_application

    application = submitted_application(own.users["association_manager"], call, own.center)
    client.force_login(manager)
    client.post(reverse("conventions:review_assign", args=[application.pk]), {"reviewer": reviewer.pk})
    review = application.reviews.get()
    client.force_login(reviewer)
    criteria = list(call.criteria.all())
    data = {f"score_{c.pk}": c.max_score for c in criteria} | {"comment": "Très bon"}
    data[f"score_{criteria[0].pk}"] = 99
    response = client.post(reverse("conventions:review", args=[review.pk]), data)
    assert response.status_code == 200 and "99" in response.content.decode()  # refused, shown again
    data[f"score_{criteria[0].pk}"] = 10
    assert client.post(reverse("conventions:review", args=[review.pk]), data).status_code == 302
    review.refresh_from_db()
    assert review.total == 100
    client.force_login(manager)
    ranking = client.get(reverse("conventions:ranking", args=[call.pk])).content.decode()
    assert "100" in ranking
    response = client.post(reverse("conventions:decide", args=[application.pk]), {"retained": "yes", "reason": ""})
    assert "Give the reasons of the decision" in response.content.decode()
    client.post(reverse("conventions:decide", args=[application.pk]), {"retained": "yes", "reason": "Excellent"})
    response = client.post(reverse("conventions:from_application", args=[application.pk]),
                           {"start_date": "2026-09-01", "end_date": "2027-08-31"})
    convention = Convention.objects.get(application=application)
    assert response.status_code == 302 and response["Location"] == page("detail", convention)


def test_report_and_tranche_pages_refuse_with_the_reason(client, full):
    own = full["own"]
    manager = own.users["regional_manager"]
    client.force_login(manager)
    services.tranche_plan(actor=manager, convention=own.conventions.convention, order=2, planned_amount=100,
                          planned_on=D(2027, 1, 15), required_reports=[own.report])
    second = own.conventions.convention.tranches.get(order=2)
    body = client.get(page("tranche_release", second)).content.decode()
    assert "is not approved" in body
    response = client.post(page("report_review", own.report), {"approved": "no", "comments": ""})
    assert "Say what must be changed" in response.content.decode()
    client.post(page("report_review", own.report), {"approved": "yes"})
    own.report.refresh_from_db()
    assert own.report.status == Report.Status.APPROVED
    client.post(page("tranche_release", own.tranche), {"released_on": "2026-11-01"})
    response = client.post(page("tranche_release", second), {"released_on": "2026-11-02", "released_amount": "80"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "released" and second.released_amount == 80


def test_call_creation_by_the_regional_manager(client, conventions):
    own = conventions["own"]
    client.force_login(own.users["regional_manager"])
    response = client.get(reverse("conventions:call_create"))
    options = response.context["form"].fields["owner"].queryset
    assert list(options) == [aref(own.center.region)]
    response = client.post(reverse("conventions:call_create"), {
        "owner": aref(own.center.region).pk, "reference": "N-1", "title": "Nouvel appel", "budget": "100",
        "opens_on": "2027-01-01", "closes_on": "2027-02-01", "criteria": "Pertinence; 60; 10\nCapacité; 30; 10"})
    assert "add up to 90" in response.content.decode()
    client.post(reverse("conventions:call_create"), {
        "owner": aref(own.center.region).pk, "reference": "N-1", "title": "Nouvel appel", "budget": "100",
        "opens_on": "2027-01-01", "closes_on": "2027-02-01", "criteria": "Pertinence; 70; 10\nCapacité; 30; 10"})
    call = own.conventions.call.__class__.objects.get(reference="N-1")
    client.post(reverse("conventions:call_status", args=[call.pk]), {"to": "open"})
    call.refresh_from_db()
    assert call.status == "open"
    client.force_login(own.users["association_manager"])
    assert client.get(reverse("conventions:call_create")).status_code == 403
    assert status_for(client, conventions["foreign"].users["regional_manager"],
                      reverse("conventions:ranking", args=[call.pk])) == 403



def test_a_draft_is_completed_on_its_page_and_a_signed_one_only_by_amendment(client, conventions):
    own = conventions["own"]
    convention = own.conventions.convention
    client.force_login(own.users["regional_manager"])
    data = {"number": "AREF-01/2026/777", "centers": [own.center.pk], "start_date": "2026-09-01",
            "end_date": "2027-08-31", "renewal_year": 2, "target_girls": 70, "target_boys": 40,
            "target_retention": 85, "obligations": "L'association transmet ses rapports semestriels.",
            "funding_aref": "800000", "funding_unicef": "50000"}
    response = client.post(page("edit", convention), data)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.number, convention.renewal_year, convention.target_girls) == ("AREF-01/2026/777", 2, 70)
    assert {f.source: int(f.amount) for f in convention.fundings.all()} == {"aref": 800000, "unicef": 50000}
    foreign_center = conventions["foreign"].center
    response = client.post(page("edit", convention), data | {"centers": [foreign_center.pk]})
    assert response.status_code == 200 and "centers" in response.context["form"].errors
    services.convention_sign(actor=own.users["regional_manager"], convention=convention, signed_on=D(2026, 9, 1),
                             signed_document=pdf())
    response = client.post(page("edit", convention), data | {"target_girls": 1})
    assert "changes by amendment" in response.content.decode()
    convention.refresh_from_db()
    assert convention.target_girls == 70


def test_convention_page_query_count_does_not_grow_with_tranches_and_reports(client, full):
    own = full["own"]
    manager = own.users["regional_manager"]
    convention = own.conventions.convention
    client.force_login(manager)

    def grow():
        for order in (2, 3, 4):
            report = services.report_plan(actor=manager, convention=convention, kind="financial", period=f"P{order}",
                                          due_on=D(2027, order, 1))
            services.tranche_plan(actor=manager, convention=convention, order=order, planned_amount=10,
                                  planned_on=D(2027, order, 15), required_reports=[report])
        services.amendment_apply(actor=manager, convention=convention, signed_on=D(2026, 11, 1), reason="Encore",
                                 changes={"target_girls": 61})

    assert_constant_queries(client, page("detail", convention), grow, at_most=40)


def test_an_evaluator_finds_the_whole_interface_without_error(client, conventions):
    """The reviewer role has no scope object: every page answers, and shows nothing it does not own."""
    client.force_login(conventions["reviewer"])
    for name in ("reporting:home", "centers:list", "organizations:list", "learners:list", "attendance:mine",
                 "conventions:list", "conventions:calls", "conventions:applications", "conventions:reviews"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 403, 404), name
    body = client.get(reverse("centers:list")).content.decode()
    assert conventions["own"].center.code not in body
