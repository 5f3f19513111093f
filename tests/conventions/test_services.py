"""Conventions services: calls and grid, applications, reviews, decisions, the convention workflow,
amendments with their history, reports and the tranche release rule."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from forsa.audit.models import AuditEntry
from forsa.conventions import services
from forsa.conventions.models import Application, CallForProjects, Convention, Report, Review, Tranche
from tests.conventions.conftest import GRID, aref, open_call, pdf, scores_for, submitted_application
from tests.factories import make_association, make_center

pytestmark = pytest.mark.django_db
D = datetime.date


def messages(error):
    return " ".join(str(m) for m in error.value.messages)


# Calls -----------------------------------------------------------------------------------


def test_grid_weights_must_add_up_to_100(conventions):
    manager = conventions["own"].users["regional_manager"]
    with pytest.raises(ValidationError) as error:
        services.call_create(actor=manager, owner=aref(conventions["own"].center.region), reference="X-1",
                             title="t", budget=1, opens_on=D(2026, 1, 1), closes_on=D(2026, 2, 1),
                             criteria=[("A", 50, 10), ("B", 30, 10)])
    assert "80" in messages(error)
    assert not CallForProjects.objects.filter(reference="X-1").exists()  # nothing half-written


def test_a_regional_manager_launches_calls_of_their_own_aref_only(conventions):
    manager = conventions["own"].users["regional_manager"]
    with pytest.raises(PermissionDenied):
        open_call(manager, aref(conventions["foreign"].center.region), "X-2")
    call = open_call(manager, aref(conventions["own"].center.region), "X-3")
    assert call.region_id == conventions["own"].center.region_id and call.status == "open"


def test_a_call_opens_once_and_closing_puts_submitted_applications_under_review(conventions):
    side = conventions["own"]
    call = open_call(side.users["regional_manager"], aref(side.center.region), "X-4")
    with pytest.raises(ValidationError) as error:
        services.call_open(actor=side.users["regional_manager"], call=call)
    assert "status" in error.value.message_dict
    application = submitted_application(side.users["association_manager"], call, side.center)
    services.call_close(actor=side.users["regional_manager"], call=call)
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW


# Applications ----------------------------------------------------------------------------


def test_submission_checks_completeness_and_names_the_fields(conventions):
    side = conventions["own"]
    call = conventions["own"].conventions.call
    draft = services.application_save(actor=side.users["association_manager"], call=call,
                                      association=side.association, title="Incomplet")
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=side.users["association_manager"], application=draft)
    assert {"centers", "target_girls", "budget_requested", "documents"} <= set(error.value.message_dict)
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_only_while_the_call_is_open(conventions):
    side = conventions["own"]
    call = side.conventions.call
    services.call_close(actor=side.users["regional_manager"], call=call)
    with pytest.raises(ValidationError) as error:
        services.application_save(actor=side.users["association_manager"], call=call,
                                  association=side.association, title="Trop tard", centers=[side.center])
    assert "call" in error.value.message_dict


def test_eligibility_centres_of_the_association_and_of_the_call_region(conventions):
    side = conventions["own"]
    call = side.conventions.call
    other = make_center(region_code="01")
    with pytest.raises(ValidationError) as error:
        services.application_save(actor=side.users["association_manager"], call=call,
                                  association=side.association, title="A", centers=[other])
    assert "not run by the association" in messages(error)
    far = make_center(side.association, region_code="06")
    with pytest.raises(ValidationError) as error:
        services.application_save(actor=side.users["association_manager"], call=call,
                                  association=side.association, title="B", centers=[far])
    assert "outside" in messages(error)


def test_a_suspended_association_may_not_apply(conventions):
    side = conventions["own"]
    association = make_association("01", status="suspended")
    from tests.factories import make_user

    manager = make_user("association_manager", association)
    with pytest.raises(ValidationError) as error:
        services.application_save(actor=manager, call=side.conventions.call, association=association, title="S")
    assert "association" in error.value.message_dict


def test_another_association_cannot_apply_on_behalf_of_this_one(conventions):
    with pytest.raises(PermissionDenied):
        services.application_save(actor=conventions["foreign"].users["association_manager"],
                                  call=conventions["own"].conventions.call,
                                  association=conventions["own"].association, title="x")


# Reviews and decision --------------------------------------------------------------------


def test_weighted_score_and_only_the_assigned_reviewer(conventions):
    side = conventions["own"]
    review = side.conventions.review
    # 8/10*40 + 7/10*30 + 15/20*30 = 32 + 21 + 22.5
    assert review.total == Decimal("75.50") and review.status == Review.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=conventions["other_reviewer"], review=review,
                               scores=scores_for(side.conventions.call, [1, 1, 1]))


def test_scores_out_of_the_grid_are_refused(conventions):
    side = conventions["own"]
    call = open_call(side.users["regional_manager"], aref(side.center.region), "X-5")
    application = submitted_application(side.users["association_manager"], call, side.center)
    review = services.review_assign(actor=side.users["regional_manager"], application=application,
                                    reviewer=conventions["reviewer"])
    with pytest.raises(ValidationError) as error:
        services.review_submit(actor=conventions["reviewer"], review=review,
                               scores=scores_for(call, [11, 5, 5]))
    assert GRID[0][0] in messages(error)
    with pytest.raises(ValidationError):
        services.review_submit(actor=conventions["reviewer"], review=review, scores={})


def test_decision_needs_a_reason_and_a_review(conventions):
    side = conventions["own"]
    call = open_call(side.users["regional_manager"], aref(side.center.region), "X-6")
    application = submitted_application(side.users["association_manager"], call, side.center)
    with pytest.raises(ValidationError) as error:
        services.application_decide(actor=side.users["regional_manager"], application=application,
                                    retained=False, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.application_decide(actor=side.users["regional_manager"], application=application,
                                    retained=False, reason="Budget trop élevé")
    assert "review" in messages(error)
    with pytest.raises(PermissionDenied):  # the association does not decide on its own application
        services.application_decide(actor=side.users["association_manager"], application=application,
                                    retained=True, reason="x")


def test_a_decided_application_is_not_decided_again(conventions):
    side = conventions["own"]
    with pytest.raises(ValidationError) as error:
        services.application_decide(actor=side.users["regional_manager"], application=side.conventions.application,
                                    retained=False, reason="Changement d'avis")
    assert "retained" in messages(error)


def test_a_retained_application_becomes_one_draft_convention(conventions):
    side = conventions["own"]
    convention = side.conventions.convention
    assert convention.status == Convention.Status.DRAFT
    assert convention.number.startswith("AREF-01/2026/")
    assert list(convention.centers.all()) == [side.center]
    assert (convention.target_girls, convention.target_boys) == (60, 40)
    assert {f.source: f.amount for f in convention.fundings.all()} == {"aref": Decimal("900000.00"),
                                                                       "other": Decimal("100000.00")}
    with pytest.raises(ValidationError):
        services.convention_from_application(actor=side.users["regional_manager"],
                                             application=side.conventions.application,
                                             start_date=D(2026, 9, 1), end_date=D(2027, 8, 31))


# Convention workflow ---------------------------------------------------------------------


def sign(side, convention=None):
    convention = convention or side.conventions.convention
    return services.convention_sign(actor=side.users["regional_manager"], convention=convention,
                                    signed_on=D(2026, 9, 1), signed_document=pdf("signed.pdf"))


def activate(side):
    sign(side)
    return services.convention_transition(actor=side.users["regional_manager"],
                                          convention=side.conventions.convention, to="active")


def test_signing_needs_the_signed_document_and_is_audited(conventions):
    side = conventions["own"]
    convention = side.conventions.convention
    with pytest.raises(ValidationError) as error:
        services.convention_sign(actor=side.users["regional_manager"], convention=convention,
                                 signed_on=D(2026, 9, 1), signed_document=None)
    assert "signed_document" in error.value.message_dict
    convention.refresh_from_db()
    assert convention.status == Convention.Status.DRAFT
    sign(side)
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SIGNED and convention.signed_document
    assert AuditEntry.objects.filter(target_id=str(convention.pk), changes__status=["draft", "signed"]).exists()


@pytest.mark.parametrize("to", ["active", "suspended", "closed"])
def test_a_draft_is_signed_before_anything_else(conventions, to):
    side = conventions["own"]
    convention = side.conventions.convention
    with pytest.raises(ValidationError) as error:
        services.convention_transition(actor=side.users["regional_manager"], convention=convention, to=to,
                                       reason="x")
    assert "“draft”" in messages(error)
    convention.refresh_from_db()
    assert convention.status == Convention.Status.DRAFT


def test_a_closed_convention_stays_closed(conventions):
    side = conventions["own"]
    convention = activate(side)
    services.convention_transition(actor=side.users["regional_manager"], convention=convention, to="closed")
    with pytest.raises(ValidationError) as error:
        services.convention_transition(actor=side.users["regional_manager"], convention=convention, to="active")
    assert "closed" in messages(error)
    with pytest.raises(ValidationError):
        sign(side, convention)


def test_suspend_and_reactivate_with_a_reason(conventions):
    side = conventions["own"]
    convention = activate(side)
    with pytest.raises(ValidationError) as error:
        services.convention_transition(actor=side.users["regional_manager"], convention=convention, to="suspended")
    assert "reason" in error.value.message_dict
    services.convention_transition(actor=side.users["regional_manager"], convention=convention, to="suspended",
                                   reason="Rapports en retard")
    services.convention_transition(actor=side.users["regional_manager"], convention=convention, to="active")
    assert convention.status == "active"
    statuses = [e.changes["status"] for e in AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Convention), target_id=str(convention.pk),
        changes__has_key="status").order_by("pk")]
    assert statuses == [[None, "draft"], ["draft", "signed"], ["signed", "active"], ["active", "suspended"],
                        ["suspended", "active"]]


def test_only_managers_move_a_convention(conventions):
    side = conventions["own"]
    for role in ("association_manager", "provincial_manager", "center_director"):
        with pytest.raises(PermissionDenied):
            services.convention_sign(actor=side.users[role], convention=side.conventions.convention,
                                     signed_on=D(2026, 9, 1), signed_document=pdf())
    with pytest.raises(PermissionDenied):  # the other region's manager
        services.convention_sign(actor=conventions["foreign"].users["regional_manager"],
                                 convention=side.conventions.convention, signed_on=D(2026, 9, 1),
                                 signed_document=pdf())


# Amendments ------------------------------------------------------------------------------


def test_amendment_changes_targets_budget_and_dates_and_keeps_before_and_after(conventions):
    side = conventions["own"]
    convention = activate(side)
    amendment = services.amendment_apply(
        actor=side.users["regional_manager"], convention=convention, signed_on=D(2026, 11, 2),
        reason="Extension à un deuxième groupe", changes={"target_girls": 80, "end_date": D(2027, 12, 31)},
        fundings={"aref": Decimal("1000000"), "indh": Decimal("50000")})
    convention.refresh_from_db()
    assert (convention.target_girls, convention.end_date) == (80, D(2027, 12, 31))
    assert {f.source: f.amount for f in convention.fundings.all()} == {
        "aref": Decimal("1000000.00"), "indh": Decimal("50000.00"), "other": Decimal("100000.00")}
    assert amendment.number == 1
    assert amendment.changes == {"target_girls": [60, 80], "end_date": ["2027-08-31", "2027-12-31"],
                                 "funding:aref": ["900000.00", "1000000"], "funding:indh": ["0", "50000"]}
    second = services.amendment_apply(actor=side.users["regional_manager"], convention=convention,
                                      signed_on=D(2026, 11, 20), reason="Ajustement", changes={"target_boys": 30})
    assert second.number == 2 and second.changes == {"target_boys": [40, 30]}
    assert list(convention.amendments.values_list("number", flat=True)) == [1, 2]


def test_an_amendment_that_changes_nothing_or_breaks_dates_is_refused_whole(conventions):
    side = conventions["own"]
    convention = activate(side)
    with pytest.raises(ValidationError):
        services.amendment_apply(actor=side.users["regional_manager"], convention=convention,
                                 signed_on=D(2026, 11, 2), reason="Rien", changes={"target_girls": 60})
    with pytest.raises(ValidationError):
        services.amendment_apply(actor=side.users["regional_manager"], convention=convention,
                                 signed_on=D(2026, 11, 2), reason="Dates", changes={"end_date": D(2026, 1, 1)},
                                 fundings={"eu": 10})
    convention.refresh_from_db()
    assert convention.end_date == D(2027, 8, 31) and not convention.amendments.exists()
    assert not convention.fundings.filter(source="eu").exists()


def test_a_draft_convention_is_not_amended(conventions):
    side = conventions["own"]
    with pytest.raises(ValidationError):
        services.amendment_apply(actor=side.users["regional_manager"], convention=side.conventions.convention,
                                 signed_on=D(2026, 11, 2), reason="x", changes={"target_girls": 1})


# Reports and tranches --------------------------------------------------------------------


def plan_reports_and_tranches(side):
    manager = side.users["regional_manager"]
    convention = side.conventions.convention
    activity = services.report_plan(actor=manager, convention=convention, kind=Report.Kind.ACTIVITY,
                                    period="S1 2026-2027", due_on=D(2027, 2, 15))
    financial = services.report_plan(actor=manager, convention=convention, kind=Report.Kind.FINANCIAL,
                                     period="S1 2026-2027", due_on=D(2027, 2, 15))
    first = services.tranche_plan(actor=manager, convention=convention, order=1, planned_amount=400_000,
                                  planned_on=D(2026, 9, 15))
    second = services.tranche_plan(actor=manager, convention=convention, order=2, planned_amount=500_000,
                                   planned_on=D(2027, 3, 1), required_reports=[activity, financial])
    return activity, financial, first, second


def test_report_round_trip_submit_return_resubmit_approve(conventions):
    side = conventions["own"]
    activity, *_ = plan_reports_and_tranches(side)
    association = side.users["association_manager"]
    with pytest.raises(PermissionDenied):
        services.report_review(actor=association, report=activity, approved=True)
    services.report_submit(actor=association, report=activity, file=pdf())
    with pytest.raises(ValidationError) as error:
        services.report_review(actor=side.users["regional_manager"], report=activity, approved=False)
    assert "comments" in error.value.message_dict
    services.report_review(actor=side.users["regional_manager"], report=activity, approved=False,
                           comments="Effectifs par sexe manquants")
    assert activity.status == Report.Status.RETURNED
    with pytest.raises(ValidationError):  # a returned report is resubmitted, not approved
        services.report_review(actor=side.users["regional_manager"], report=activity, approved=True)
    services.report_submit(actor=association, report=activity, file=pdf())
    services.report_review(actor=side.users["regional_manager"], report=activity, approved=True)
    assert activity.status == Report.Status.APPROVED
    with pytest.raises(PermissionDenied):  # only the association submits
        services.report_submit(actor=side.users["regional_manager"], report=activity, file=pdf())


def test_tranche_release_rule(conventions):
    side = conventions["own"]
    manager, association = side.users["regional_manager"], side.users["association_manager"]
    activity, financial, first, second = plan_reports_and_tranches(side)
    # draft convention: nothing is released
    with pytest.raises(ValidationError) as error:
        services.tranche_release(actor=manager, tranche=first, released_on=D(2026, 9, 20))
    assert "not active" in messages(error)
    activate(side)
    services.tranche_release(actor=manager, tranche=first, released_on=D(2026, 9, 20))
    first.refresh_from_db()
    assert first.status == Tranche.Status.RELEASED and first.released_amount == Decimal("400000.00")
    # reports not approved: refused, naming each missing report
    services.report_submit(actor=association, report=activity, file=pdf())
    services.report_review(actor=manager, report=activity, approved=True)
    with pytest.raises(ValidationError) as error:
        services.tranche_release(actor=manager, tranche=second, released_on=D(2026, 11, 20))
    text = messages(error)
    assert "financial report" in text and "activity report" not in text
    services.report_submit(actor=association, report=financial, file=pdf())
    with pytest.raises(ValidationError):  # submitted is not approved
        services.tranche_release(actor=manager, tranche=second, released_on=D(2026, 11, 20))
    services.report_review(actor=manager, report=financial, approved=True)
    with pytest.raises(PermissionDenied):
        services.tranche_release(actor=association, tranche=second, released_on=D(2026, 11, 20))
    services.tranche_release(actor=manager, tranche=second, released_on=D(2026, 11, 20), released_amount=450_000)
    second.refresh_from_db()
    assert second.released_amount == Decimal("450000.00")
    with pytest.raises(ValidationError) as error:  # once only
        services.tranche_release(actor=manager, tranche=second, released_on=D(2026, 11, 21))
    assert "already" in messages(error)


def test_tranches_in_order_and_not_while_suspended(conventions):
    side = conventions["own"]
    manager = side.users["regional_manager"]
    _activity, _financial, first, _second = plan_reports_and_tranches(side)
    third = services.tranche_plan(actor=manager, convention=side.conventions.convention, order=3,
                                  planned_amount=1, planned_on=D(2027, 6, 1))
    convention = activate(side)
    with pytest.raises(ValidationError) as error:
        services.tranche_release(actor=manager, tranche=third, released_on=D(2026, 11, 1))
    assert "Tranche 1" in messages(error) and "Tranche 2" in messages(error)
    services.convention_transition(actor=manager, convention=convention, to="suspended", reason="Audit")
    with pytest.raises(ValidationError):
        services.tranche_release(actor=manager, tranche=first, released_on=D(2026, 11, 1))
    with pytest.raises(ValidationError):  # more than planned
        services.convention_transition(actor=manager, convention=convention, to="active")
        services.tranche_release(actor=manager, tranche=first, released_on=D(2026, 11, 1), released_amount=400_001)
    first.refresh_from_db()
    assert first.status == Tranche.Status.PLANNED
