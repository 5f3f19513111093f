"""Schemas of the conventions API: answers (``…Out``) and requests (``…In``, ``…Query``)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from forsa.conventions import services
from forsa.conventions.models import FundingSource

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
    opens_on: dt.date
    closes_on: dt.date
    eligibility: str
    status: str = Field(description="draft, open, closed or decided")

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
    status: str = Field(description="draft, submitted, under_review, retained or not_retained")
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
    kind: str


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
    status: str = Field(description="assigned or submitted")

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
    alerts: list[str] = Field(description="overdue_reports, under_enrolment")


class ConventionOut(Schema):
    """A convention and its performance, computed from the learners' records."""

    id: int
    number: str
    party: str
    association: int
    association_name: str
    region: str
    status: str = Field(description="draft, signed, active, suspended or closed")
    start_date: dt.date
    end_date: dt.date
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
    source: str
    amount: Decimal


class AmendmentOut(Schema):
    number: int
    signed_on: dt.date
    reason: str
    changes: dict[str, list] = Field(description="{field: [before, after]}; budget lines as funding:<source>.")


class ConventionDetailOut(ConventionOut):
    centers: list[int]
    fundings: list[FundingOut]
    amendments: list[AmendmentOut]
    obligations: str
    signed_on: dt.date | None

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
    kind: str = Field(description="activity or financial")
    period: str
    due_on: dt.date
    status: str = Field(description="expected, submitted, returned or approved")
    submitted_on: dt.date | None
    comments: str


class TrancheOut(Schema):
    id: int
    order: int
    planned_amount: Decimal
    planned_on: dt.date
    status: str = Field(description="planned or released")
    released_on: dt.date | None
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
    call: int
    association: int
    title: str
    summary: str = ""
    centers: list[int] = []
    trades: list[str] = []
    target_girls: int = Field(0, ge=0)
    target_boys: int = Field(0, ge=0)
    budget_requested: Decimal = Field(Decimal(0), ge=0)
    cofunding: Decimal = Field(Decimal(0), ge=0)
    cofunding_sources: str = ""


class ScoresIn(Schema):
    scores: dict[str, int] = Field(description="A score for every criterion id of the call's grid.")
    comment: str = ""


class DecisionIn(Schema):
    retained: bool
    reason: str = Field(description="Mandatory.")


class TransitionIn(Schema):
    status: str = Field(description="active, suspended or closed (signing has its own endpoint, with the document)")
    reason: str = ""


class ReportReviewIn(Schema):
    approved: bool
    comments: str = Field("", description="Mandatory when returning the report.")


class ReleaseIn(Schema):
    released_on: dt.date
    released_amount: Decimal | None = Field(None, description="The planned amount when omitted.")


class ConventionQuery(Schema):
    q: str | None = None
    region: str | None = Field(None, description="Region code.")
    status: str | None = None
    year: int | None = Field(None, description="Year the convention starts.")


class CriterionIn(Schema):
    label: str
    weight: int = Field(description="Weight in %; the weights of the grid add up to 100.")
    max_score: int = Field(description="The highest score a reviewer may give.")


class CallIn(Schema):
    owner: int = Field(description="Id of the Ministry or of an AREF the caller runs calls for.")
    reference: str
    title: str
    budget: Decimal = Field(ge=0)
    opens_on: dt.date
    closes_on: dt.date
    eligibility: str = ""
    criteria: list[CriterionIn] = Field(description="The evaluation grid; weights adding up to 100.")


class ReviewerIn(Schema):
    reviewer: int = Field(description="Id of an evaluator, a national admin or a manager of the call's region.")


class ConventionFromApplicationIn(Schema):
    start_date: dt.date
    end_date: dt.date


class ConventionDraftIn(Schema):
    """The terms of a draft (as its page's edit form); a field left out keeps its value."""

    number: str | None = None
    centers: list[int] | None = Field(None, description="Centres of the association covered.")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    renewal_year: int | None = Field(None, ge=1)
    target_girls: int | None = Field(None, ge=0)
    target_boys: int | None = Field(None, ge=0)
    target_retention: int | None = Field(None, ge=0, le=100)
    target_positive_exits: int | None = Field(None, ge=0, le=100)
    obligations: str | None = None
    fundings: dict[str, Decimal] | None = Field(
        None, description="Budget lines {source: amount in MAD}, replacing the current ones; sources: "
                          + ", ".join(FundingSource.values) + ".")


class AmendmentIn(Schema):
    """What a signed amendment changes: a field left out is unchanged."""

    signed_on: dt.date
    reason: str = Field(description="Mandatory.")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    target_girls: int | None = Field(None, ge=0)
    target_boys: int | None = Field(None, ge=0)
    target_retention: int | None = Field(None, ge=0, le=100)
    target_positive_exits: int | None = Field(None, ge=0, le=100)
    fundings: dict[str, Decimal] = Field({}, description="New amounts of budget lines {source: amount}.")


class ReportPlanIn(Schema):
    kind: str = Field(description="activity or financial")
    period: str = Field(description="The period covered, e.g. “T1 2026-2027”.")
    due_on: dt.date


class TranchePlanIn(Schema):
    order: int | None = Field(None, ge=1, description="The tranche's number; the next one when omitted.")
    planned_amount: Decimal = Field(ge=0)
    planned_on: dt.date
    required_reports: list[int] = Field([], description="Reports of the convention to be approved first.")
