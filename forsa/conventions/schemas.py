"""Schemas of the conventions API: answers (``…Out``) and requests (``…In``, ``…Query``)."""

from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from forsa.conventions import services
from forsa.conventions.models import (
    Application,
    ApplicationDocument,
    CallForProjects,
    Convention,
    FundingSource,
    Report,
    Review,
    Tranche,
)
from forsa.core.filters import YEAR_MAX, YEAR_MIN
from forsa.core.schemas import MAX_COUNT, Count, Date, Id, omittable, one_of

# An amount in MAD, as the models store it (MONEY: 14 digits, 2 of them decimals, not negative).
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]

# Answers ------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    label: str
    weight: int = Field(description="Weight in %; the weights of a grid add up to 100.")
    max_score: int


class CallOut(Schema):
    id: int
    reference: str
    title: str
    owner: str = Field(description="The Ministry or the AREF launching the call.")
    region: str | None = Field(description="Region code of a regional call; null for a central call.")
    budget: Decimal
    opens_on: Date
    closes_on: Date
    eligibility: str
    status: one_of(CallForProjects.Status)

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.name

    @staticmethod
    def resolve_region(obj):
        return obj.region.code if obj.region else None


class CallDetailOut(CallOut):
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj):
        return obj.criteria.all()


class ApplicationOut(Schema):
    id: int
    call: int
    association: int
    association_name: str
    title: str
    target_girls: int
    target_boys: int
    budget_requested: Decimal
    cofunding: Decimal
    status: one_of(Application.Status)
    decision_reason: str
    score: float | None = Field(None, description="Mean of the submitted reviews, out of 100.")

    @staticmethod
    def resolve_call(obj):
        return obj.call_id

    @staticmethod
    def resolve_association(obj):
        return obj.association_id

    @staticmethod
    def resolve_association_name(obj):
        return obj.association.name

    @staticmethod
    def resolve_score(obj):
        score = getattr(obj, "score", None)
        return None if score is None else round(float(score), 2)


class DocumentOut(Schema):
    id: int
    kind: one_of(ApplicationDocument.Kind)


class ApplicationDetailOut(ApplicationOut):
    summary: str
    centers: list[int]
    trades: list[str]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_centers(obj):
        return [c.pk for c in obj.centers.all()]

    @staticmethod
    def resolve_trades(obj):
        return [t.code for t in obj.trades.all()]

    @staticmethod
    def resolve_documents(obj):
        return obj.documents.all()


class ReviewOut(Schema):
    id: int
    application: int
    reviewer: str
    scores: dict[str, int] = Field(description="Score per criterion id.")
    total: Decimal | None = Field(description="Weighted score out of 100.")
    comment: str
    status: one_of(Review.Status)

    @staticmethod
    def resolve_application(obj):
        return obj.application_id

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.full_name


class RankOut(Schema):
    rank: int
    tie: bool = Field(description="Same score as another: ordered by submission time.")
    score: Decimal | None
    reviews: int
    application: ApplicationOut


class PerformanceOut(Schema):
    enrolled: int
    enrolled_girls: int
    enrolled_boys: int
    enrolment_rate: float | None = Field(description="Enrolled against the target, in %.")
    retention: float | None = Field(description="% of the enrolled who did not drop out.")
    attendance: float | None = Field(description="% of expected learner-sessions attended.")
    exits: int
    positive_exits: int
    positive_exit_rate: float | None
    budget: Decimal
    planned: Decimal = Field(description="Sum of the planned tranches (MAD).")
    disbursed: Decimal = Field(description="Sum of the released tranches (MAD).")
    reports_late: int
    alerts: list[Literal["overdue_reports", "under_enrolment"]]


class ConventionOut(Schema):
    """A convention and its performance, computed from the learners' records."""

    id: int
    number: str
    party: str
    association: int
    association_name: str
    region: str
    status: one_of(Convention.Status)
    start_date: Date
    end_date: Date
    renewal_year: int
    target_girls: int
    target_boys: int
    performance: PerformanceOut

    @staticmethod
    def resolve_id(obj):
        return obj.convention.pk

    @staticmethod
    def resolve_performance(obj):
        return obj

    @staticmethod
    def resolve_party(obj):
        return obj.convention.party.name

    @staticmethod
    def resolve_association(obj):
        return obj.convention.association_id

    @staticmethod
    def resolve_association_name(obj):
        return obj.convention.association.name

    @staticmethod
    def resolve_region(obj):
        return obj.convention.region.code

    @staticmethod
    def resolve_number(obj):
        return obj.convention.number

    @staticmethod
    def resolve_status(obj):
        return obj.convention.status

    @staticmethod
    def resolve_start_date(obj):
        return obj.convention.start_date

    @staticmethod
    def resolve_end_date(obj):
        return obj.convention.end_date

    @staticmethod
    def resolve_renewal_year(obj):
        return obj.convention.renewal_year

    @staticmethod
    def resolve_target_girls(obj):
        return obj.convention.target_girls

    @staticmethod
    def resolve_target_boys(obj):
        return obj.convention.target_boys


class FundingOut(Schema):
    source: one_of(FundingSource)
    amount: Decimal


class AmendmentOut(Schema):
    number: int
    signed_on: Date
    reason: str
    changes: dict[str, list] = Field(description="{field: [before, after]}; budget lines as funding:<source>.")


class ConventionDetailOut(ConventionOut):
    centers: list[int]
    fundings: list[FundingOut]
    amendments: list[AmendmentOut]
    obligations: str
    signed_on: Date | None

    @staticmethod
    def resolve_centers(obj):
        return [c.pk for c in obj.convention.centers.all()]

    @staticmethod
    def resolve_fundings(obj):
        return obj.convention.fundings.all()

    @staticmethod
    def resolve_amendments(obj):
        return obj.convention.amendments.all()

    @staticmethod
    def resolve_obligations(obj):
        return obj.convention.obligations

    @staticmethod
    def resolve_signed_on(obj):
        return obj.convention.signed_on


class ReportOut(Schema):
    id: int
    kind: one_of(Report.Kind)
    period: str
    due_on: Date
    status: one_of(Report.Status)
    submitted_on: Date | None
    comments: str


class TrancheOut(Schema):
    id: int
    order: int
    planned_amount: Decimal
    planned_on: Date
    status: one_of(Tranche.Status)
    released_on: Date | None
    released_amount: Decimal | None
    required_reports: list[int]
    blockers: list[str] = Field(description="Why it cannot be released now; empty when it can.")

    @staticmethod
    def resolve_required_reports(obj):
        return [r.pk for r in obj.required_reports.all()]

    @staticmethod
    def resolve_blockers(obj):
        return services.tranche_release_blockers(obj) if obj.status == "planned" else []


# Requests ------------------------------------------------------------------------------


class ApplicationIn(Schema):
    call: Id = Field(description="Id of an open call.")
    association: Id = Field(description="Id of the applying association.")
    title: str
    summary: str = ""
    centers: list[Id] = Field([], description="Ids of the association's centres.")
    trades: list[str] = Field([], description="Codes of trades.")
    target_girls: Count = 0
    target_boys: Count = 0
    budget_requested: Money = Decimal(0)
    cofunding: Money = Decimal(0)
    cofunding_sources: str = ""


class ScoresIn(Schema):
    scores: dict[str, Count] = Field(description="A score for every criterion id of the call's grid.")
    comment: str = ""


class DecisionIn(Schema):
    retained: bool
    reason: str = Field(description="Mandatory.")


class TransitionIn(Schema):
    status: one_of(Convention.Status, only=(Convention.Status.ACTIVE, Convention.Status.SUSPENDED,
                                            Convention.Status.CLOSED)) = Field(
        description="Signing has its own endpoint, with the document.")
    reason: str = ""


class ReportReviewIn(Schema):
    approved: bool
    comments: str = Field("", description="Mandatory when returning the report.")


class ReleaseIn(Schema):
    released_on: Date
    released_amount: Money | None = Field(None, description="The planned amount when omitted.")


class ConventionQuery(Schema):
    q: str | None = None
    region: str | None = Field(None, description="Region code.")
    status: one_of(Convention.Status) | None = None
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX, description="Year the convention starts.")


class CriterionIn(Schema):
    label: str
    weight: Count = Field(description="Weight in %; the weights of the grid add up to 100.")
    max_score: Count = Field(description="The highest score a reviewer may give.")


class CallIn(Schema):
    owner: Id = Field(description="Id of the Ministry or of an AREF the caller runs calls for.")
    reference: str
    title: str
    budget: Money
    opens_on: Date
    closes_on: Date
    eligibility: str = ""
    criteria: list[CriterionIn] = Field(description="The evaluation grid; weights adding up to 100.")


class ReviewerIn(Schema):
    reviewer: Id = Field(description="Id of an evaluator, a national admin or a manager of the call's region.")


class ConventionFromApplicationIn(Schema):
    start_date: Date
    end_date: Date


class ConventionDraftIn(Schema):
    """The terms of a draft (as its page's edit form); a field left out keeps its value."""

    number: str = omittable()
    centers: list[Id] = omittable(description="Ids of the association's centres covered.")
    start_date: Date = omittable()
    end_date: Date = omittable()
    renewal_year: int = omittable(ge=1, le=10)
    target_girls: Count = omittable()
    target_boys: Count = omittable()
    target_retention: int = omittable(ge=0, le=100)
    target_positive_exits: int = omittable(ge=0, le=100)
    obligations: str = omittable()
    fundings: dict[str, Money] = omittable(
        description="Budget lines {source: amount in MAD}, replacing the current ones; sources: "
                    + ", ".join(FundingSource.values) + ".")


class AmendmentIn(Schema):
    """What a signed amendment changes: a field left out is unchanged."""

    signed_on: Date
    reason: str = Field(description="Mandatory.")
    start_date: Date = omittable()
    end_date: Date = omittable()
    target_girls: Count = omittable()
    target_boys: Count = omittable()
    target_retention: int = omittable(ge=0, le=100)
    target_positive_exits: int = omittable(ge=0, le=100)
    fundings: dict[str, Money] = Field({}, description="New amounts of budget lines {source: amount}; sources: "
                                                       + ", ".join(FundingSource.values) + ".")


class ReportPlanIn(Schema):
    kind: one_of(Report.Kind)
    period: str = Field(description="The period covered, e.g. “T1 2026-2027”.")
    due_on: Date


class TranchePlanIn(Schema):
    order: int | None = Field(None, ge=1, le=MAX_COUNT, description="The tranche's number; the next one when omitted.")
    planned_amount: Money
    planned_on: Date
    required_reports: list[Id] = Field([], description="Ids of reports of the convention to be approved first.")
