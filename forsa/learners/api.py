"""Learners: list and search, the learner file, intake, edit, transfer, exit, follow-ups, consent, access log.

Everything reads through ``forsa.learners.selectors`` (scoped by ``forsa.core.scoping``) and
writes through ``forsa.learners.services``:

* a learner outside the user's scope does not exist: 404 on every endpoint that names one
  (an educator sees only the learners of the groups they teach);
* partner viewers never see a person: the list and the follow-up worklist are empty for
  them, and every endpoint that names a learner, consent or follow-up answers 404;
* household situation and confidential notes appear only for the roles that need them
  (``selectors.sees_sensitive``, decided in ``schemas._if_sensitive``); otherwise they are null;
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

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from forsa.centers.models import SCHOOL_YEAR
from forsa.centers.selectors import center_list
from forsa.core import scoping
from forsa.core.api import Pagination, fetch, filtered, resolved
from forsa.core.schemas import ErrorOut, Id, ValidationErrorOut
from forsa.core.services import require
from forsa.learners import selectors, services
from forsa.learners.filters import LearnerFilter
from forsa.learners.models import Guardian
from forsa.learners.schemas import (
    AccessEntryOut,
    ConsentOut,
    DuplicateOut,
    EnrollIn,
    EnrollmentOut,
    ExitIn,
    ExitOut,
    FollowUpDueOut,
    FollowUpIn,
    FollowUpOut,
    LearnerFileOut,
    LearnerIn,
    LearnerOut,
    LearnerPatch,
    LearnerQuery,
    LearnerRow,
    TransferIn,
    WithdrawIn,
)
from forsa.territory.selectors import commune_list

router = Router(tags=["learners"])
IDENTITY = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "massar_code", "cin")
EXACT = ("massar_code", "cin")


# Parsing ------------------------------------------------------------------------------


GuardianForm = forms.modelform_factory(Guardian, fields=("full_name", "relation", "phone", "cin"))


def _fields(request, payload: Schema, destinations=None) -> dict:
    """The payload's fields (only those sent), with references turned into rows the user may choose
    (``destinations``: the centres a transfer may send this learner to).

    The school year's shape is checked here too: the enrolment's consecutive-years check cannot read
    any other shape.
    """
    user = request.auth
    data, errors = payload.model_dump(exclude_unset=True), {}
    try:
        SCHOOL_YEAR(data.get("school_year") or "2026-2027")
    except ValidationError as exc:
        errors["school_year"] = exc.error_list
    centers = center_list(user=user)
    try:
        # The groups the user sees, as the list's filter offers them; the service checks centre and year.
        data = resolved(data, center=centers, to_center=centers if destinations is None else destinations,
                        groups=LearnerFilter.scoped_choices["group"](user), commune=(commune_list(user=user), "code"))
    except ValidationError as exc:
        errors |= exc.error_dict
    if errors:
        raise ValidationError(errors)
    return data


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
def learner_detail(request, learner_id: Id):
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
def learner_update(request, learner_id: Id, payload: LearnerPatch):
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
def learner_transfer(request, learner_id: Id, payload: TransferIn):
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
def learner_enroll(request, learner_id: Id, payload: EnrollIn):
    """Enrol again a learner who left (a new school year, or a return): the exit stays in their history."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    fields = _fields(request, payload)
    with _naming(group="groups"):
        return Status(201, services.learner_enroll(actor=request.auth, learner=learner, **fields))


@router.post(
    "/learners/{learner_id}/exit",
    response={201: ExitOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def learner_exit(request, learner_id: Id, payload: ExitIn):
    """Close the active enrolment with an outcome; follow-ups are scheduled at +3, +6 and +12 months."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    with _naming(end_date="exit_date"):
        return Status(201, services.learner_exit(actor=request.auth, learner=learner, **payload.model_dump()))


@router.post(
    "/learners/{learner_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def consent_withdraw(request, learner_id: Id, consent_id: Id, payload: WithdrawIn):
    """Withdrawing consent to data processing erases the household situation and notes."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    consent = fetch(learner.consents.get, pk=consent_id)
    return services.consent_withdraw(actor=request.auth, consent=consent, **payload.model_dump())


@router.get(
    "/learners/{learner_id}/access-log",
    response={200: list[AccessEntryOut], 403: ErrorOut, 404: ErrorOut},
)
@paginate(Pagination)
def learner_access_log(request, learner_id: Id):
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
def follow_up_record(request, follow_up_id: Id, payload: FollowUpIn):
    """Record the situation found."""
    follow_up = fetch(selectors.follow_up_get, user=request.auth, pk=follow_up_id)
    return services.follow_up_record(actor=request.auth, follow_up=follow_up, **payload.model_dump())
