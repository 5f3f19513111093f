"""Schemas of the learners API: answers (``…Out``) and requests (``…In``, ``…Patch``, ``…Query``)."""

from datetime import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from forsa.audit.models import AuditEntry
from forsa.centers.models import Group
from forsa.core.schemas import MAX_COUNT, Count, Date, Id, omittable, one_of
from forsa.learners import models, selectors
from forsa.learners.filters import AGE_BANDS
from forsa.learners.models import Consent, Enrollment, Exit, FollowUp, Guardian, Learner
from forsa.territory.schemas import InCommune

MASSAR = "One capital letter and 9 digits (e.g. J130045678), when the learner was once in formal school."
CIN = "1 or 2 capital letters and up to 6 digits (e.g. AB123456), when the learner has one."
PHONE = "A Moroccan phone number (e.g. 0612345678)."
SENSITIVE = (
    "Null unless the user's role may see sensitive data (centre director, psychosocial counsellor, "
    "national admin). Entered only while the guardian's consent to data processing holds."
)
Sex = one_of(models.Sex)
LearnerStatus = one_of(Learner.Status)
Outcome = one_of(models.Outcome)
SchoolLevel = one_of(models.SchoolLevel)
LeftReason = one_of(models.LeftReason)
Referral = one_of(models.Referral)
Orphanhood = one_of(models.Orphanhood, blank=True)
Relation = one_of(Guardian.Relation)
Situation = one_of(FollowUp.Situation)
Provider = one_of(Exit.TrainingProvider, blank=True)


# Answers ------------------------------------------------------------------------------


class CenterRef(Schema):
    id: int
    code: str
    name: str


class PlacedGroupRef(Schema):
    id: int
    name: str
    kind: one_of(Group.Kind)
    school_year: str
    center: CenterRef


class LearnerRow(Schema):
    """A line of the learner list: enough to recognise someone, nothing sensitive."""

    id: int
    name: str = Field(description="In the request's language when written in that script.")
    first_name: str
    last_name: str
    first_name_ar: str
    last_name_ar: str
    sex: Sex
    birth_date: Date
    age: int
    massar_code: str
    status: LearnerStatus
    center: CenterRef | None

    @staticmethod
    def resolve_name(obj):
        return obj.full_name

    @staticmethod
    def resolve_age(obj):
        return obj.age()


class HouseholdOut(Schema):
    orphanhood: Orphanhood = Field(description="Empty when unknown.")
    has_disability: bool | None
    is_working_child: bool | None
    travel_minutes: int | None = Field(description="Travel time to the centre.")


def _if_sensitive(learner, context, value):
    """The one place that decides whether household situation and notes are shown."""
    if not selectors.sees_sensitive(user=context["request"].auth, learner=learner):
        return None
    return value


class LearnerOut(InCommune, LearnerRow):
    """The learner's identity, schooling history and placement (returned by intake and edit)."""

    birthplace: str
    cin: str
    phone: str
    last_level: SchoolLevel
    year_left: int | None
    reasons_left: list[LeftReason]
    reason_left_other: str
    referral: Referral
    household: HouseholdOut | None = Field(description=SENSITIVE)
    notes: str | None = Field(description=f"Confidential notes. {SENSITIVE}")
    updated_at: datetime

    @staticmethod
    def resolve_household(obj, context):
        return _if_sensitive(obj, context, obj)

    @staticmethod
    def resolve_notes(obj, context):
        return _if_sensitive(obj, context, obj.notes)


class GuardianOut(Schema):
    id: int
    full_name: str
    relation: Relation
    phone: str
    cin: str


class ConsentOut(Schema):
    id: int
    purpose: one_of(Consent.Purpose)
    guardian: int | None = Field(description="Id of the guardian who consented; null for an adult learner.")
    given_on: Date
    has_document: bool
    withdrawn_on: Date | None
    withdrawal_reason: str
    active: bool

    @staticmethod
    def resolve_guardian(obj):
        return obj.guardian_id

    @staticmethod
    def resolve_has_document(obj):
        return bool(obj.document)

    @staticmethod
    def resolve_active(obj):
        return obj.is_active


class PlacementOut(Schema):
    group: PlacedGroupRef
    start_date: Date
    end_date: Date | None


class StageOut(Schema):
    stage: one_of(models.Stage)
    start_date: Date


class TrackOut(Schema):
    id: int
    track: one_of(models.Track)
    start_date: Date
    end_date: Date | None


class PlanReviewOut(Schema):
    reviewed_on: Date
    reviewer: str
    notes: str
    next_review_on: Date | None

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.full_name


class PlanOut(Schema):
    goals: str
    reviews: list[PlanReviewOut]


class FollowUpOut(Schema):
    id: int
    months: Literal[tuple(models.FollowUp.MONTHS)] = Field(description="Months after exit.")
    due_on: Date
    done_on: Date | None
    situation: one_of(FollowUp.Situation, blank=True) = Field(description="Empty until done.")
    notes: str


class ExitOut(Schema):
    id: int
    exit_date: Date
    outcome: Outcome
    school_level: one_of(models.SchoolLevel, blank=True)
    school_name: str
    training_provider: Provider = Field(description="For vocational training.")
    programme: str
    employer: str
    dropout_reason: one_of(models.LeftReason, blank=True)
    details: str
    follow_ups: list[FollowUpOut]


class EnrollmentOut(Schema):
    id: int
    center: CenterRef
    school_year: str
    start_date: Date
    end_date: Date | None
    status: one_of(Enrollment.Status)
    age_override_reason: str
    transferred_from: int | None = Field(description="Id of the enrolment this one continues after a transfer.")
    placements: list[PlacementOut]
    stages: list[StageOut]
    tracks: list[TrackOut]
    plan: PlanOut | None
    exit: ExitOut | None

    @staticmethod
    def resolve_transferred_from(obj):
        return obj.transferred_from_id

    @staticmethod
    def resolve_stages(obj):
        return obj.steps.all()

    @staticmethod
    def resolve_plan(obj):
        return getattr(obj, "plan", None)

    @staticmethod
    def resolve_exit(obj):
        return getattr(obj, "exit", None)


class LearnerFileOut(LearnerOut):
    """The whole file: identity, family and consent, enrolments with their pathway, exit and follow-ups."""

    guardians: list[GuardianOut]
    consents: list[ConsentOut]
    enrollments: list[EnrollmentOut] = Field(description="Newest first; transfers keep the earlier ones.")


class MatchOut(Schema):
    """A learner who may be the person being registered."""

    in_scope: bool
    id: int | None = Field(description="Their file's id when the user may open it; null otherwise.")
    name: str = Field(description="Full name when in the user's scope; initials only otherwise.")
    birth_year: int
    center: str
    region: str
    status: str = Field(description="The learner's status, in the request's language.")
    reason: Literal["massar_code", "cin", "name_and_birth_date"]
    score: int

    @staticmethod
    def resolve_id(obj):
        return obj["pk"]


class DuplicateOut(Schema):
    """409: the intake stopped because this person may already be registered."""

    detail: str
    errors: dict[str, list[str]]
    matches: list[MatchOut]


class FollowUpLearnerRef(Schema):
    id: int
    name: str
    center: CenterRef | None

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class FollowUpDueOut(FollowUpOut):
    learner: FollowUpLearnerRef
    exit_date: Date
    outcome: Outcome = Field(description="The outcome at exit.")
    overdue: bool

    @staticmethod
    def resolve_exit_date(obj):
        return obj.exit.exit_date

    @staticmethod
    def resolve_outcome(obj):
        return obj.exit.outcome

    @staticmethod
    def resolve_overdue(obj):
        return obj.due_on < timezone.localdate()


class AccessEntryOut(Schema):
    at: datetime
    action: one_of(AuditEntry.Action) = Field(description="export: a signed consent form downloaded.")
    actor: str | None = Field(description="Full name of the user; null for the system.")
    about: str = Field(description="What of the file: learner, guardian, consent, enrollment, placement, "
                                   "pathwaystep, trackparticipation, individualplan, planreview, exit or followup")
    about_id: int = Field(description="Its id.")
    changes: dict = Field(description="Changed fields as [old, new]; sensitive values are masked.")

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.full_name if obj.actor else None

    @staticmethod
    def resolve_about(obj):
        return obj.target_type.model

    @staticmethod
    def resolve_about_id(obj):
        return int(obj.target_id)


# Requests -----------------------------------------------------------------------------


class Payload(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


class LearnerQuery(Schema):
    q: str | None = Field(None, description="Part of a name (Latin or Arabic script), a MASSAR code or a CIN.")
    center: Id | None = Field(None, description="Id of a centre.")
    group: Id | None = Field(None, description="Id of a group: its current members.")
    sex: Sex | None = None
    age_band: Literal[tuple(AGE_BANDS)] | None = None
    status: LearnerStatus | None = None
    track: one_of(models.Track) | None = Field(None, description="A track currently followed.")
    consent: Literal["missing"] | None = Field(None, description="missing: no consent in force to the processing "
                                                                 "of the learner's data.")


class GuardianIn(Payload):
    full_name: str = Field(min_length=1)
    relation: Relation
    phone: str = Field("", description=PHONE)
    cin: str = Field("", description=CIN)


class ConsentIn(Payload):
    guardian: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = Field(
        0, description="Index in ``guardians`` of the guardian who consents; null when an adult learner does."
    )
    given_on: Date
    photos: bool = Field(False, description="Also consents to photos.")


class LearnerIn(Payload):
    """An intake: the person, their family and consent, and their enrolment."""

    center: Id = Field(description="Id of the centre.")
    school_year: str = Field(description="e.g. 2026-2027")
    start_date: Date
    groups: list[Id] = Field([], description="Ids of the centre's groups for that year.")
    first_name: str = Field("", description="First and last name in Latin script, in Arabic script, or both.")
    last_name: str = ""
    first_name_ar: str = ""
    last_name_ar: str = ""
    sex: Sex
    birth_date: Date
    birthplace: str = ""
    cin: str = Field("", description=CIN)
    massar_code: str = Field("", description=MASSAR)
    commune: str = Field(description="HCP code of the commune of residence.")
    phone: str = Field("", description=PHONE)
    orphanhood: Orphanhood = Field("", description="Sensitive; needs consent.")
    has_disability: bool | None = Field(None, description="Sensitive; needs consent.")
    is_working_child: bool | None = Field(None, description="Sensitive; needs consent.")
    travel_minutes: Count | None = Field(None, description="Sensitive; needs consent.")
    notes: str = Field("", description="Confidential notes; needs consent.")
    last_level: SchoolLevel
    year_left: Count | None = None
    reasons_left: list[LeftReason] = []
    reason_left_other: str = ""
    referral: Referral
    guardians: list[GuardianIn] = []
    consent: ConsentIn | None = Field(None, description="Required before any sensitive information.")
    age_override_reason: str = Field("", description="Required outside the centre's age range.")
    confirmed_new_person: bool = Field(False, description="After a 409: this is not one of the matches.")


class LearnerPatch(Payload):
    """The fields to change; the others keep their value."""

    first_name: str = omittable()
    last_name: str = omittable()
    first_name_ar: str = omittable()
    last_name_ar: str = omittable()
    sex: Sex = omittable()
    birth_date: Date = omittable()
    birthplace: str = omittable()
    cin: str = omittable(description=CIN)
    massar_code: str = omittable(description=MASSAR)
    commune: str = omittable(description="HCP code of the commune of residence.")
    phone: str = omittable(description=PHONE)
    orphanhood: Orphanhood = omittable()
    has_disability: bool | None = None
    is_working_child: bool | None = None
    travel_minutes: Count | None = None
    notes: str = omittable()
    last_level: SchoolLevel = omittable()
    year_left: Count | None = None
    reasons_left: list[LeftReason] = omittable()
    reason_left_other: str = omittable()
    referral: Referral = omittable()
    confirmed_new_person: bool = Field(
        False, description="After a 409 (the changed identity looks like another learner's): this is someone else."
    )


class TransferIn(Payload):
    to_center: Id = Field(description="Id of the receiving centre.")
    transfer_date: Date
    school_year: str | None = Field(None, description="The current enrolment's year when omitted.")
    groups: list[Id] = Field([], description="Ids of the receiving centre's groups.")
    age_override_reason: str = ""


class EnrollIn(Payload):
    center: Id = Field(description="Id of the centre.")
    school_year: str = Field(description="e.g. 2026-2027")
    start_date: Date
    groups: list[Id] = Field([], description="Ids of the centre's groups for that year.")
    age_override_reason: str = Field("", description="Required outside the centre's age range.")


class ExitIn(Payload):
    exit_date: Date
    outcome: Outcome
    school_level: one_of(models.SchoolLevel, blank=True) = Field("", description="Required when back in school.")
    school_name: str = ""
    training_provider: Provider = Field("", description="Required for vocational training.")
    programme: str = Field("", description="Required for vocational training and apprenticeship.")
    employer: str = Field("", description="Required for employment and self-employment.")
    dropout_reason: one_of(models.LeftReason, blank=True) = Field("", description="Required for a dropout.")
    details: str = ""


class FollowUpIn(Payload):
    done_on: Date
    situation: Situation
    notes: str = ""


class WithdrawIn(Payload):
    withdrawn_on: Date
    reason: str = ""
