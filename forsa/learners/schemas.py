"""Schemas of the learners API: answers (``…Out``) and requests (``…In``, ``…Patch``, ``…Query``)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from forsa.learners import selectors
from forsa.learners.filters import AGE_BANDS

MASSAR = "One capital letter and 9 digits (e.g. J130045678), when the learner was once in formal school."
CIN = "1 or 2 capital letters and up to 6 digits (e.g. AB123456), when the learner has one."
PHONE = "A Moroccan phone number (e.g. 0612345678)."
SENSITIVE = (
    "Null unless the user's role may see sensitive data (centre director, psychosocial counsellor, "
    "national admin). Entered only while the guardian's consent to data processing holds."
)
LEARNER_STATUSES = "enrolled or exited"
OUTCOMES = "school, vocational, apprenticeship, employment, self_employment, dropout, moved or other"


# Answers ------------------------------------------------------------------------------


class CenterRef(Schema):
    id: int
    code: str
    name: str


class GroupRef(Schema):
    id: int
    name: str
    kind: str = Field(description="catch_up, workshop or activity")
    school_year: str


class LearnerRow(Schema):
    """A line of the learner list: enough to recognise someone, nothing sensitive."""

    id: int
    name: str = Field(description="In the request's language when written in that script.")
    first_name: str
    last_name: str
    first_name_ar: str
    last_name_ar: str
    sex: str = Field(description="F or M")
    birth_date: date
    age: int
    massar_code: str
    status: str = Field(description=LEARNER_STATUSES)
    center: CenterRef | None

    @staticmethod
    def resolve_name(obj):
        return obj.full_name

    @staticmethod
    def resolve_age(obj):
        return obj.age()


class HouseholdOut(Schema):
    orphanhood: str = Field(description="none, father, mother, both, or empty when unknown.")
    has_disability: bool | None
    is_working_child: bool | None
    travel_minutes: int | None = Field(description="Travel time to the centre.")


def _if_sensitive(learner, context, value):
    """The one place that decides whether household situation and notes are shown."""
    if not selectors.sees_sensitive(user=context["request"].auth, learner=learner):
        return None
    return value


class LearnerOut(LearnerRow):
    """The learner's identity, schooling history and placement (returned by intake and edit)."""

    birthplace: str
    cin: str
    commune: str = Field(description="HCP code of the commune of residence.")
    commune_name: str
    phone: str
    last_level: str = Field(description="never, P1…P6, S1…S3 or upper")
    year_left: int | None
    reasons_left: list[str]
    reason_left_other: str
    referral: str
    household: HouseholdOut | None = Field(description=SENSITIVE)
    notes: str | None = Field(description=f"Confidential notes. {SENSITIVE}")
    updated_at: datetime

    @staticmethod
    def resolve_commune(obj):
        return obj.commune.code

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name

    @staticmethod
    def resolve_household(obj, context):
        return _if_sensitive(obj, context, obj)

    @staticmethod
    def resolve_notes(obj, context):
        return _if_sensitive(obj, context, obj.notes)


class GuardianOut(Schema):
    id: int
    full_name: str
    relation: str
    phone: str
    cin: str


class ConsentOut(Schema):
    id: int
    purpose: str = Field(description="data or photos")
    guardian: int | None = Field(description="Id of the guardian who consented; null for an adult learner.")
    given_on: date
    has_document: bool
    withdrawn_on: date | None
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
    group: GroupRef
    start_date: date
    end_date: date | None


class StageOut(Schema):
    stage: str = Field(description="intake, catch_up, pre_vocational, insertion or exit")
    start_date: date


class TrackOut(Schema):
    id: int
    track: str = Field(description="catch_up, trade, personal_development or psychosocial")
    start_date: date
    end_date: date | None


class ReviewOut(Schema):
    reviewed_on: date
    reviewer: str
    notes: str
    next_review_on: date | None

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.full_name


class PlanOut(Schema):
    goals: str
    reviews: list[ReviewOut]


class FollowUpOut(Schema):
    id: int
    months: int = Field(description="3, 6 or 12 months after exit.")
    due_on: date
    done_on: date | None
    situation: str
    notes: str


class ExitOut(Schema):
    id: int
    exit_date: date
    outcome: str = Field(description=OUTCOMES)
    school_level: str
    school_name: str
    training_provider: str = Field(description="ofppt or other, for vocational training.")
    programme: str
    employer: str
    dropout_reason: str
    details: str
    follow_ups: list[FollowUpOut]


class EnrollmentOut(Schema):
    id: int
    center: CenterRef
    school_year: str
    start_date: date
    end_date: date | None
    status: str = Field(description="active, transferred, exited or closed")
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
    status: str
    reason: str = Field(description="massar_code, cin or name_and_birth_date")
    score: int

    @staticmethod
    def resolve_id(obj):
        return obj["pk"]


class DuplicateOut(Schema):
    """409: the intake stopped because this person may already be registered."""

    detail: str
    errors: dict[str, list[str]]
    matches: list[MatchOut]


class LearnerRef(Schema):
    id: int
    name: str
    center: CenterRef | None

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class FollowUpDueOut(FollowUpOut):
    learner: LearnerRef
    exit_date: date
    outcome: str = Field(description=f"The outcome at exit: {OUTCOMES}")
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
    action: str = Field(description="view, create, update, or export (a signed consent form downloaded)")
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
    center: int | None = Field(None, description="Id of a centre.")
    group: int | None = Field(None, description="Id of a group: its current members.")
    sex: str | None = Field(None, description="F or M")
    age_band: str | None = Field(None, description=", ".join(AGE_BANDS))
    status: str | None = Field(None, description=LEARNER_STATUSES)
    track: str | None = Field(None, description="A track currently followed.")


class GuardianIn(Payload):
    full_name: str
    relation: str = Field(description="mother, father, grandparent, sibling, uncle_aunt, legal or other")
    phone: str = Field("", description=PHONE)
    cin: str = Field("", description=CIN)


class ConsentIn(Payload):
    guardian: int | None = Field(
        0, description="Index in ``guardians`` of the guardian who consents; null when an adult learner does."
    )
    given_on: date
    photos: bool = Field(False, description="Also consents to photos.")


class LearnerIn(Payload):
    """An intake: the person, their family and consent, and their enrolment."""

    center: int = Field(description="Id of the centre.")
    school_year: str = Field(description="e.g. 2026-2027")
    start_date: date
    groups: list[int] = Field([], description="Ids of the centre's groups for that year.")
    first_name: str = Field("", description="First and last name in Latin script, in Arabic script, or both.")
    last_name: str = ""
    first_name_ar: str = ""
    last_name_ar: str = ""
    sex: str = Field(description="F or M")
    birth_date: date
    birthplace: str = ""
    cin: str = Field("", description=CIN)
    massar_code: str = Field("", description=MASSAR)
    commune: str = Field(description="HCP code of the commune of residence.")
    phone: str = Field("", description=PHONE)
    orphanhood: str = Field("", description="Sensitive: none, father, mother or both; needs consent.")
    has_disability: bool | None = Field(None, description="Sensitive; needs consent.")
    is_working_child: bool | None = Field(None, description="Sensitive; needs consent.")
    travel_minutes: int | None = Field(None, description="Sensitive; needs consent.")
    notes: str = Field("", description="Confidential notes; needs consent.")
    last_level: str = Field(description="never, P1…P6, S1…S3 or upper")
    year_left: int | None = None
    reasons_left: list[str] = Field([], description="economic, distance, failure, family, health, "
                                                    "early_marriage, child_labour, behaviour, other")
    reason_left_other: str = ""
    referral: str = Field(description="school, family, outreach, authority, indh or other")
    guardians: list[GuardianIn] = []
    consent: ConsentIn | None = Field(None, description="Required before any sensitive information.")
    age_override_reason: str = Field("", description="Required outside the centre's age range.")
    confirmed_new_person: bool = Field(False, description="After a 409: this is not one of the matches.")


class LearnerPatch(Payload):
    """The fields to change; the others keep their value."""

    first_name: str | None = None
    last_name: str | None = None
    first_name_ar: str | None = None
    last_name_ar: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    birthplace: str | None = None
    cin: str | None = Field(None, description=CIN)
    massar_code: str | None = Field(None, description=MASSAR)
    commune: str | None = Field(None, description="HCP code of the commune of residence.")
    phone: str | None = Field(None, description=PHONE)
    orphanhood: str | None = None
    has_disability: bool | None = None
    is_working_child: bool | None = None
    travel_minutes: int | None = None
    notes: str | None = None
    last_level: str | None = None
    year_left: int | None = None
    reasons_left: list[str] | None = None
    reason_left_other: str | None = None
    referral: str | None = None
    confirmed_new_person: bool = Field(
        False, description="After a 409 (the changed identity looks like another learner's): this is someone else."
    )


class TransferIn(Payload):
    to_center: int = Field(description="Id of the receiving centre.")
    transfer_date: date
    school_year: str | None = Field(None, description="The current enrolment's year when omitted.")
    groups: list[int] = Field([], description="Ids of the receiving centre's groups.")
    age_override_reason: str = ""


class EnrollIn(Payload):
    center: int = Field(description="Id of the centre.")
    school_year: str = Field(description="e.g. 2026-2027")
    start_date: date
    groups: list[int] = Field([], description="Ids of the centre's groups for that year.")
    age_override_reason: str = Field("", description="Required outside the centre's age range.")


class ExitIn(Payload):
    exit_date: date
    outcome: str = Field(description=OUTCOMES)
    school_level: str = Field("", description="Required when back in school.")
    school_name: str = ""
    training_provider: str = Field("", description="ofppt or other; required for vocational training.")
    programme: str = Field("", description="Required for vocational training and apprenticeship.")
    employer: str = Field("", description="Required for employment and self-employment.")
    dropout_reason: str = Field("", description="Required for a dropout.")
    details: str = ""


class FollowUpIn(Payload):
    done_on: date
    situation: str = Field(description="school, vocational, apprenticeship, employment, self_employment, "
                                       "nothing, moved or unreachable")
    notes: str = ""


class WithdrawIn(Payload):
    withdrawn_on: date
    reason: str = ""
