"""Conventions selectors: performance computed from learner data (never typed in), alerts, ranking,
and who sees what (scope paths, assigned reviewers)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forsa.attendance import services as attendance
from forsa.conventions import selectors, services
from forsa.conventions.models import Application, ApplicationDocument, CallForProjects, Convention, Review
from forsa.core import scoping
from forsa.learners import services as learner_services
from tests.conventions.conftest import aref, open_call, pdf, scores_for, submitted_application
from tests.factories import make_center, make_group, make_learner, make_user

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 27)


def activate(side):
    manager = side.users["regional_manager"]
    convention = side.conventions.convention
    services.convention_sign(actor=manager, convention=convention, signed_on=D(2026, 9, 1),
                             signed_document=pdf())
    return services.convention_transition(actor=manager, convention=convention, to="active")


@pytest.fixture
def learners(conventions):
    """Own centre: 3 girls and 2 boys enrolled in the convention's window, one before it, roll calls and exits."""
    side = conventions["own"]
    group = make_group(side.center, educators=[side.users["educator"]])
    people = [make_learner(side.center, groups=[group], first_name=f"L{i}", sex=sex, birth_date=f"2011-0{i + 1}-10")
              for i, sex in enumerate("FFFMM")]
    # enrolled and left before the convention started: not counted
    early = make_learner(side.center, first_name="Avant", start_date="2025-09-15", school_year="2025-2026",
                         birth_date="2010-05-05")
    learner_services.learner_exit(actor=None, learner=early, exit_date=D(2026, 6, 30), outcome="dropout",
                                  dropout_reason="economic")
    # a learner of another centre of the same association, not covered by the convention
    make_learner(make_center(side.association, "01"), first_name="Ailleurs")
    absent = {"kind": "absent"}
    attendance.roll_call_record(actor=None, group=group, date=D(2026, 10, 5), slot="morning",
                                marks={people[0].pk: absent, people[3].pk: absent})
    attendance.roll_call_record(actor=None, group=group, date=D(2026, 10, 6), slot="morning", marks={})
    learner_services.learner_exit(actor=None, learner=people[1], exit_date=D(2026, 11, 2), outcome="dropout",
                                  dropout_reason="economic")
    learner_services.learner_exit(actor=None, learner=people[4], exit_date=D(2026, 11, 3), outcome="apprenticeship",
                                  programme="Menuiserie")
    return people


def test_performance_is_computed_from_learner_data(conventions, learners):
    side = conventions["own"]
    convention = activate(side)
    perf = selectors.performance_of([convention], today=TODAY)[convention.pk]
    assert (perf.enrolled_girls, perf.enrolled_boys, perf.enrolled) == (3, 2, 5)
    assert perf.enrolment_rate == 5.0  # of a target of 100
    assert (perf.dropouts, perf.exits, perf.positive_exits) == (1, 2, 1)
    assert perf.retention == 80.0 and perf.positive_exit_rate == 50.0
    assert (perf.expected, perf.absent) == (10, 2) and perf.attendance == 80.0
    assert perf.budget == Decimal("1000000.00")


def test_performance_follows_the_convention_dates_and_centres(conventions, learners):
    side = conventions["own"]
    convention = activate(side)
    services.amendment_apply(actor=side.users["regional_manager"], convention=convention, signed_on=D(2026, 11, 1),
                             reason="Report", changes={"start_date": D(2026, 10, 6)})
    perf = selectors.performance_of([convention], today=TODAY)[convention.pk]
    assert (perf.expected, perf.absent) == (5, 0)  # the 5 October roll is now before the start
    other = conventions["foreign"].conventions.convention
    assert selectors.performance_of([other], today=TODAY)[other.pk].enrolled == 0


def test_alerts_overdue_reports_and_under_enrolment(conventions, learners):
    side = conventions["own"]
    convention = activate(side)
    manager = side.users["regional_manager"]
    perf = selectors.performance_of([convention], today=TODAY)[convention.pk]
    assert perf.enrolled == 5 and perf.alerts == []  # less than three months in: no under-enrolment yet
    report = services.report_plan(actor=manager, convention=convention, kind="activity", period="T1",
                                  due_on=D(2026, 11, 15))
    later = D(2026, 12, 10)
    perf = selectors.performance_of([convention], today=later)[convention.pk]
    assert perf.reports_late == 1
    assert perf.alerts == [selectors.Alert.OVERDUE_REPORTS, selectors.Alert.UNDER_ENROLMENT]
    services.report_submit(actor=side.users["association_manager"], report=report, file=pdf())
    services.report_review(actor=manager, report=report, approved=True)
    services.amendment_apply(actor=manager, convention=convention, signed_on=D(2026, 11, 1), reason="Cible",
                             changes={"target_girls": 3, "target_boys": 3})
    assert selectors.performance_of([convention], today=later)[convention.pk].alerts == []


def test_disbursed_against_planned(conventions):
    side = conventions["own"]
    convention = activate(side)
    manager = side.users["regional_manager"]
    first = services.tranche_plan(actor=manager, convention=convention, order=1, planned_amount=300_000,
                                  planned_on=D(2026, 9, 15))
    services.tranche_plan(actor=manager, convention=convention, order=2, planned_amount=700_000,
                          planned_on=D(2027, 3, 1))
    services.tranche_release(actor=manager, tranche=first, released_on=D(2026, 9, 20))
    perf = selectors.performance_of([convention], today=TODAY)[convention.pk]
    assert (perf.planned, perf.disbursed, perf.disbursed_rate) == (Decimal(1_000_000), Decimal(300_000), 30.0)


def test_performance_of_many_conventions_in_a_constant_number_of_queries(conventions, learners):
    conventions_ = [conventions["own"].conventions.convention, conventions["foreign"].conventions.convention]
    with CaptureQueriesContext(connection) as few:
        selectors.performance_of(conventions_[:1], today=TODAY)
    with CaptureQueriesContext(connection) as more:
        result = selectors.performance_of(conventions_, today=TODAY)
    assert len(few) == len(more) <= 6
    assert result[conventions_[0].pk].enrolled == 5


# Ranking ---------------------------------------------------------------------------------


def test_ranking_by_weighted_mean_with_ties_explained(conventions):
    side = conventions["own"]
    manager = side.users["regional_manager"]
    call = open_call(manager, aref(side.center.region), "R-1")
    second_reviewer = make_user("regional_manager", side.center.region)
    a = submitted_application(side.users["association_manager"], call, side.center, "A")
    b = submitted_application(side.users["association_manager"], call, side.center, "B")
    c = submitted_application(side.users["association_manager"], call, side.center, "C")
    unscored = submitted_application(side.users["association_manager"], call, side.center, "D")

    def score(application, reviewer, values):
        review = services.review_assign(actor=manager, application=application, reviewer=reviewer)
        services.review_submit(actor=reviewer, review=review, scores=scores_for(call, values))

    score(a, conventions["reviewer"], [10, 10, 20])  # 100
    score(a, second_reviewer, [5, 5, 10])  # 50 → mean 75
    score(b, conventions["reviewer"], [5, 10, 15])  # 20 + 30 + 22.5 = 72.5
    score(c, conventions["reviewer"], [10, 5, 15])  # 40 + 15 + 22.5 = 77.5
    score(b, second_reviewer, [10, 5, 20])  # 40 + 15 + 30 = 85 → mean 78.75
    ranking = selectors.call_ranking(user=manager, call=call)
    assert [(r.application, r.rank, r.score) for r in ranking] == [
        (b, 1, Decimal("78.75")), (c, 2, Decimal("77.50")), (a, 3, Decimal("75.00")), (unscored, 4, None)]
    d_review = services.review_assign(actor=manager, application=unscored, reviewer=conventions["reviewer"])
    services.review_submit(actor=conventions["reviewer"], review=d_review, scores=scores_for(call, [10, 5, 15]))
    ranking = selectors.call_ranking(user=manager, call=call)
    assert [(r.application.title, r.rank, r.tie) for r in ranking] == [
        ("B", 1, False), ("C", 2, True), ("D", 2, True), ("A", 4, False)]  # C submitted before D


# Scoping ---------------------------------------------------------------------------------


def test_applications_seen_by_association_region_nation_and_assigned_reviewers_only(conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    application = own.conventions.application

    def sees(user):
        return selectors.application_list(user=user).filter(pk=application.pk).exists()

    for user in (own.users["association_manager"], own.users["regional_manager"], conventions["national_admin"],
                 conventions["reviewer"]):
        assert sees(user)
    for user in (foreign.users["association_manager"], foreign.users["regional_manager"],
                 own.users["provincial_manager"], own.users["center_director"], own.users["educator"],
                 conventions["partner_viewer"], conventions["other_reviewer"]):
        assert not sees(user)


def test_a_reviewer_sees_exactly_the_assigned_applications_and_their_documents(conventions):
    reviewer = conventions["reviewer"]
    assert list(selectors.application_list(user=reviewer)) == [conventions["own"].conventions.application]
    documents = ApplicationDocument.objects.for_user(reviewer)
    assert set(documents.values_list("application", flat=True)) == {conventions["own"].conventions.application.pk}
    assert list(Review.objects.for_user(reviewer)) == [conventions["own"].conventions.review]
    assert not Convention.objects.for_user(reviewer).exists()  # a reviewer steers no convention
    application = conventions["own"].conventions.application
    assert scoping.can(reviewer, "application.review", application)
    assert not scoping.can(conventions["other_reviewer"], "application.review", application)
    assert not scoping.can(reviewer, "application.decide", application)


def test_an_assigned_regional_manager_reviews_across_regions_without_deciding(conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    application = foreign.conventions.application
    outsider = own.users["regional_manager"]
    assert not Application.objects.for_user(outsider).filter(pk=application.pk).exists()
    services.call_close(actor=foreign.users["regional_manager"], call=foreign.conventions.call)
    call = open_call(foreign.users["regional_manager"], aref(foreign.center.region), "F-2")
    second = submitted_application(foreign.users["association_manager"], call, foreign.center)
    services.review_assign(actor=foreign.users["regional_manager"], application=second, reviewer=outsider)
    assert Application.objects.for_user(outsider).filter(pk=second.pk).exists()
    assert scoping.can(outsider, "application.review", second)
    assert not scoping.can(outsider, "application.decide", second)


def test_conventions_seen_by_their_territory_association_and_centres(conventions):
    own, foreign = conventions["own"], conventions["foreign"]
    convention = own.conventions.convention
    for role in ("regional_manager", "provincial_manager", "association_manager", "center_director"):
        assert selectors.convention_list(user=own.users[role]).filter(pk=convention.pk).exists(), role
        assert not selectors.convention_list(user=foreign.users[role]).filter(pk=convention.pk).exists(), role
    assert selectors.convention_list(user=conventions["national_analyst"]).count() == 2
    assert not selectors.convention_list(user=conventions["partner_viewer"]).exists()
    # read only below the region
    for role in ("provincial_manager", "center_director", "association_manager"):
        assert not scoping.can(own.users[role], "convention.manage", convention)
    assert scoping.can(own.users["regional_manager"], "convention.manage", convention)


def test_draft_calls_are_seen_by_their_owners_only(conventions):
    own = conventions["own"]
    call = services.call_create(actor=own.users["regional_manager"], owner=aref(own.center.region),
                                reference="DRAFT-1", title="Brouillon", budget=1, opens_on=D(2027, 1, 1),
                                closes_on=D(2027, 2, 1))
    assert call.status == CallForProjects.Status.DRAFT
    assert selectors.call_list(user=own.users["regional_manager"]).filter(pk=call.pk).exists()
    assert selectors.call_list(user=conventions["national_admin"]).filter(pk=call.pk).exists()
    for user in (own.users["association_manager"], conventions["foreign"].users["regional_manager"]):
        assert not selectors.call_list(user=user).filter(pk=call.pk).exists()
    assert selectors.call_list(user=own.users["association_manager"]).filter(
        pk=conventions["foreign"].conventions.call.pk).exists()  # published calls are public


def test_a_central_call_is_decided_nationally(conventions):
    from tests.conventions.conftest import ministry

    own = conventions["own"]
    call = open_call(conventions["national_admin"], ministry(), "DENF-1")
    application = submitted_application(own.users["association_manager"], call, own.center)
    assert selectors.application_list(user=own.users["regional_manager"]).filter(pk=application.pk).exists()
    assert not scoping.can(own.users["regional_manager"], "application.decide", application)
    assert scoping.can(conventions["national_admin"], "application.decide", application)
    assert application.status == Application.Status.SUBMITTED
