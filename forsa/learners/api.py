"""Learners: list and search, the learner file, intake, edit, transfer, exit, follow-ups, consent, access log.

Everything reads through ``forsa.learners.selectors`` (scoped by ``forsa.core.scoping``) and
writes through ``forsa.learners.services``:

* a learner outside the user's scope does not exist: 404 on every endpoint that names one
  (an educator sees only the learners of the groups they teach);
* partner viewers never see a person: the list and the follow-up worklist are empty for
  them, and every endpoint that names a learner, consent or follow-up answers 404;
* household situation and confidential notes appear only for the roles that need them
  (``selectors.sees_sensitive``, decided in ``_if_sensitive`` below); otherwise they are null;
* each GET of a learner file is recorded in the access log (``services.learner_file_viewed``); the
  access log lists the views and every change to the file (guardians, consents, enrolments, pathway,
  plan, exit, follow-ups) and the downloads of signed consent forms;
* a transfer is allowed to whoever may transfer in the learner's centre (to any open centre) or in
  the receiving one; a learner who left is enrolled again through ``/learners/{id}/enrollments``;
* an edit of the names, birth date, CIN or MASSAR code runs the intake's duplicate check again
  (409 with the matches, as below);
* an intake that may register someone already known answers 409 with the possible matches,
  told with just enough to decide (initials, birth year, centre and region for a learner
  outside the user's scope); send ``confirmed_new_person`` when it is someone else, or open
  or transfer the existing file. An identical MASSAR code or CIN cannot be confirmed past.
"""

from contextlib import contextmanager
from datetime import date, datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from forsa.centers.models import SCHOOL_YEAR
from forsa.centers.selectors import center_list
from forsa.core import scoping
from forsa.core.api import ErrorOut, Pagination, ValidationErrorOut, fetch, filtered
from forsa.core.services import require
from forsa.learners import selectors, services
from forsa.learners.filters import AGE_BANDS, LearnerFilter
from forsa.learners.models import Guardian
from forsa.territory.selectors import commune_list

router = Router(tags=["learners"])

MASSAR = "One capital letter and 9 digits (e.g. J130045678), when the learner was once in formal school."
CIN = "1 or 2 capital letters and up to 6 digits (e.g. AB123456), when the learner has one."
PHONE = "A Moroccan phone number (e.g. 0612345678)."
SENSITIVE = (
    "Null unless the user's role may see sensitive data (centre director, psychosocial counsellor, "
    "national admin). Entered only while the guardian's consent to data processing holds."
)
LEARNER_STATUSES = "enrolled or exited"
OUTCOMES = "school, vocational, apprenticeship, employment, self_employment, dropout, moved or other"
IDENTITY = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "massar_code", "cin")
EXACT = ("massar_code", "cin")


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


# Parsing ------------------------------------------------------------------------------


class LearnerReferences(forms.Form):
    """Reads the payload's references as objects, among what the user can see (others are invalid).

    The school year's shape is checked here too: the enrolment's consecutive-years check cannot read
    any other shape.
    """

    center = forms.ModelChoiceField(queryset=None, required=False)
    to_center = forms.ModelChoiceField(queryset=None, required=False)
    groups = forms.ModelMultipleChoiceField(queryset=None, required=False)
    commune = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False)
    school_year = forms.CharField(validators=[SCHOOL_YEAR], required=False)

    def __init__(self, data, *, user, destinations=None):
        super().__init__(data)
        self.fields["center"].queryset = self.fields["to_center"].queryset = center_list(user=user)
        if destinations is not None:  # a transfer: the centres this learner may be sent to
            self.fields["to_center"].queryset = destinations
        # The groups the user sees, as the list's filter offers them; the service checks centre and year.
        self.fields["groups"].queryset = LearnerFilter.scoped_choices["group"](user)
        self.fields["commune"].queryset = commune_list(user=user)


GuardianForm = forms.modelform_factory(Guardian, fields=("full_name", "relation", "phone", "cin"))


def _fields(request, payload: Schema, destinations=None) -> dict:
    """The payload's fields (only those sent), with references turned into objects."""
    data = payload.model_dump(exclude_unset=True)
    sent = {name: data[name] for name in LearnerReferences.base_fields if data.get(name) not in (None, [])}
    form = LearnerReferences(sent, user=request.auth, destinations=destinations)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return data | {name: form.cleaned_data[name] for name in sent}


def _intake_fields(request, payload: LearnerIn) -> dict:
    """As ``_fields``, with each guardian checked too (errors named ``guardians.<index>.<field>``)."""
    errors = {}
    for index, guardian in enumerate(payload.guardians):
        form = GuardianForm(guardian.model_dump())
        errors |= {f"guardians.{index}.{name}": e for name, e in form.errors.as_data().items()}
    given_by = payload.consent.guardian if payload.consent else None
    if given_by is not None and not 0 <= given_by < len(payload.guardians):
        errors["consent.guardian"] = [ValidationError(_("There is no guardian with this number."))]
    try:
        fields = _fields(request, payload)
    except ValidationError as exc:
        errors |= exc.error_dict
    if errors:
        raise ValidationError(errors)
    return fields


def _renamed(exc: ValidationError, names: dict) -> ValidationError:
    """A service's errors under the names the payload uses (a transfer's "end_date" is its transfer_date)."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors = {}
    for field, messages in exc.error_dict.items():
        errors.setdefault(names.get(field, field), []).extend(messages)
    return ValidationError(errors)


@contextmanager
def _naming(**names):
    try:
        yield
    except ValidationError as exc:
        raise _renamed(exc, names) from exc


def _duplicate(request, exc: ValidationError, fields: dict):
    """The 409 answer when an intake stopped on a possible duplicate; None for other refusals."""
    if hasattr(exc, "error_dict"):
        errors, possible = exc.message_dict, False
    else:
        errors = {NON_FIELD_ERRORS: exc.messages}
        possible = any(error.code == "possible_duplicate" for error in exc.error_list)
    # An identical MASSAR code or CIN is refused naming that one field (after the format was accepted).
    exact = next(iter(errors)) if len(errors) == 1 and set(errors) <= set(EXACT) else None
    if not (possible or exact):
        return None
    identity = {name: fields.get(name, "") for name in IDENTITY}
    matches = selectors.duplicate_summary(user=request.auth, exclude_pk=fields.get("exclude_pk"), **identity)
    if exact and not any(match["reason"] == exact for match in matches):
        return None  # a format error, not a duplicate
    return Status(409, {"detail": exc.messages[0], "errors": errors, "matches": matches})


# Endpoints ----------------------------------------------------------------------------


@router.get("/learners", response={200: list[LearnerRow], 422: ValidationErrorOut})
@paginate(Pagination, deferred_join=True)
def learner_list(request, filters: Query[LearnerQuery]):
    """Learners in the user's scope (none for partner viewers), by name."""
    return filtered(LearnerFilter, request, selectors.learner_list(user=request.auth), filters)


@router.get("/learners/{learner_id}", response={200: LearnerFileOut, 404: ErrorOut})
def learner_detail(request, learner_id: int):
    """The learner's file. Each opening is recorded in the access log."""
    learner = fetch(selectors.learner_file, user=request.auth, pk=learner_id)
    services.learner_file_viewed(actor=request.auth, learner=learner)
    return learner


@router.post(
    "/learners",
    response={201: LearnerOut, 403: ErrorOut, 409: DuplicateOut, 422: ValidationErrorOut},
)
def learner_create(request, payload: LearnerIn):
    """Intake. 409 when the person may already be registered (see ``matches``)."""
    fields = _intake_fields(request, payload)
    try:
        return Status(201, services.learner_intake(actor=request.auth, **fields))
    except ValidationError as exc:
        answer = _duplicate(request, exc, fields)
        if answer is None:
            raise _renamed(exc, {"given_on": "consent.given_on", "guardian": "consent.guardian",
                                 "group": "groups"}) from exc
        return answer


@router.patch(
    "/learners/{learner_id}",
    response={200: LearnerOut, 403: ErrorOut, 404: ErrorOut, 409: DuplicateOut, 422: ValidationErrorOut},
)
def learner_update(request, learner_id: int, payload: LearnerPatch):
    """Change some fields. 409 when a changed name, birth date, CIN or MASSAR code makes the learner look
    like someone already registered (see ``matches``; resend with ``confirmed_new_person``); another
    learner's CIN or MASSAR code is refused (409 naming the field).
    """
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    fields = _fields(request, payload)
    identity = {name: fields.get(name, getattr(learner, name)) for name in IDENTITY}
    try:
        return services.learner_update(actor=request.auth, learner=learner, **fields)
    except ValidationError as exc:
        answer = _duplicate(request, exc, identity | {"exclude_pk": learner.pk})
        if answer is None:
            raise
        return answer


@router.post(
    "/learners/{learner_id}/transfer",
    response={201: EnrollmentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def learner_transfer(request, learner_id: int, payload: TransferIn):
    """Move the learner to another centre: the current enrolment is closed and kept.

    Who may transfer in the learner's centre sends them to any open centre; others may take them
    into a centre where they may transfer.
    """
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    if not scoping.can_anywhere(request.auth, "learner.transfer"):
        raise PermissionDenied("learner.transfer")
    fields = _fields(request, payload, destinations=selectors.transfer_destinations(user=request.auth,
                                                                                     learner=learner))
    with _naming(group="groups", start_date="transfer_date", end_date="transfer_date"):
        return Status(201, services.learner_transfer(actor=request.auth, learner=learner, **fields))


@router.post(
    "/learners/{learner_id}/enrollments",
    response={201: EnrollmentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def learner_enroll(request, learner_id: int, payload: EnrollIn):
    """Enrol again a learner who left (a new school year, or a return): the exit stays in their history."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    fields = _fields(request, payload)
    with _naming(group="groups"):
        return Status(201, services.learner_enroll(actor=request.auth, learner=learner, **fields))


@router.post(
    "/learners/{learner_id}/exit",
    response={201: ExitOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def learner_exit(request, learner_id: int, payload: ExitIn):
    """Close the active enrolment with an outcome; follow-ups are scheduled at +3, +6 and +12 months."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    with _naming(end_date="exit_date"):
        return Status(201, services.learner_exit(actor=request.auth, learner=learner, **payload.model_dump()))


@router.post(
    "/learners/{learner_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def consent_withdraw(request, learner_id: int, consent_id: int, payload: WithdrawIn):
    """Withdrawing consent to data processing erases the household situation and notes."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    consent = fetch(learner.consents.get, pk=consent_id)
    return services.consent_withdraw(actor=request.auth, consent=consent, **payload.model_dump())


@router.get(
    "/learners/{learner_id}/access-log",
    response={200: list[AccessEntryOut], 403: ErrorOut, 404: ErrorOut},
)
@paginate(Pagination)
def learner_access_log(request, learner_id: int):
    """Who opened or changed the file, newest first: for the centre director and national admins."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    require(request.auth, "learner.access_log", learner)
    return selectors.access_log(user=request.auth, learner=learner)


@router.get("/follow-ups", response={200: list[FollowUpDueOut], 422: ValidationErrorOut})
@paginate(Pagination)
def follow_up_worklist(request, horizon_days: int = Query(14, ge=0, le=366)):
    """Follow-ups not done yet, overdue or due within ``horizon_days``; oldest first."""
    return selectors.follow_up_worklist(user=request.auth, horizon_days=horizon_days)


@router.post(
    "/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def follow_up_record(request, follow_up_id: int, payload: FollowUpIn):
    """Record the situation found."""
    follow_up = fetch(selectors.follow_up_get, user=request.auth, pk=follow_up_id)
    return services.follow_up_record(actor=request.auth, follow_up=follow_up, **payload.model_dump())
