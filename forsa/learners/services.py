"""Every write to learners: intake, consent, enrolment, transfer, pathway, exit, follow-up."""

import contextvars
from contextlib import contextmanager
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record, instance_save
from forsa.centers.models import Center, Group
from forsa.core import scoping
from forsa.core.services import SYSTEM, require
from forsa.learners import matching
from forsa.learners.models import (
    Consent,
    Enrollment,
    Exit,
    FollowUp,
    Guardian,
    IndividualPlan,
    Learner,
    PathwayStep,
    Placement,
    PlanReview,
    Stage,
    TrackParticipation,
    age_on,
)
from forsa.learners.signals import placements_changed

MIN_AGE = 13
# Household situation and confidential notes: entered only under consent, hidden from most roles.
SENSITIVE_FIELDS = ("orphanhood", "has_disability", "is_working_child", "travel_minutes", "notes")
DUPLICATE_THRESHOLD = 85
# What duplicate detection compares (at intake, and again when an edit changes one of them).
IDENTITY_FIELDS = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "massar_code", "cin")


def _has_sensitive(fields):
    return any(fields.get(name) not in (None, "") for name in SENSITIVE_FIELDS)


def _consent_missing(fields):
    message = _("Record the guardian's consent to data processing before entering this information.")
    return ValidationError({name: message for name in SENSITIVE_FIELDS if fields.get(name) not in (None, "")})


def _require_consent(learner, fields):
    """Sensitive data can be entered only while the guardian's consent to processing holds."""
    if _has_sensitive(fields) and not learner.consents.filter(purpose=Consent.Purpose.DATA,
                                                              withdrawn_on__isnull=True).exists():
        raise _consent_missing(fields)


def _check_age(learner, center, start_date, override_reason):
    age = age_on(learner.birth_date, start_date)
    if not MIN_AGE <= age <= center.max_age and not override_reason.strip():
        raise ValidationError({"age_override_reason": _(
            "Aged %(age)s on %(date)s, while the centre takes learners aged %(min)s to %(max)s. "
            "Give the reason for an exception to enrol them."
        ) % {"age": age, "date": start_date.isoformat(), "min": MIN_AGE, "max": center.max_age}})


def _check_start(start_date):
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": _("The start date cannot be in the future.")})


def _require_either(actor, permission, *objects):
    """Refuse unless the actor may do ``permission`` on one of ``objects`` (403)."""
    if actor is SYSTEM or any(scoping.can(actor, permission, obj) for obj in objects):
        return
    raise PermissionDenied(permission)


def _check_open(center, field):
    if center.status != Center.Status.OPEN:
        raise ValidationError({field: _("This centre is not open: it cannot take in learners.")})


def _place_learner(learner, center, status=Learner.Status.ENROLLED):
    """Copy the current centre onto the learner: scoping and national lists filter on these columns."""
    learner.center = center
    learner.province_id, learner.region_id = center.province_id, center.region_id
    learner.association_id = center.association_id
    learner.status = status


def _search_key(learner):
    return matching.search_key(learner.first_name, learner.last_name, learner.first_name_ar, learner.last_name_ar)


def duplicate_candidates(*, first_name="", last_name="", first_name_ar="", last_name_ar="", birth_date=None,
                         massar_code="", cin="", exclude_pk=None):
    """Learners anywhere in the country who may be the same person, with why and how sure.

    This deliberately looks beyond the user's scope (a learner must not be registered twice);
    callers show only what ``learners.selectors.duplicate_summary`` returns.
    """
    exact = Q()
    if massar_code:
        exact |= Q(massar_code=massar_code)
    if cin:
        exact |= Q(cin=cin)
    rows = Learner._base_manager.filter(exact | Q(birth_date=birth_date) if birth_date else exact)
    if not exact and not birth_date:
        return []
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    wanted = {"first_name": first_name, "last_name": last_name,
              "first_name_ar": first_name_ar, "last_name_ar": last_name_ar}
    found = []
    for learner in rows.select_related("center", "region")[:500]:
        if massar_code and learner.massar_code == massar_code:
            found.append((learner, "massar_code", 100.0))
        elif cin and learner.cin == cin:
            found.append((learner, "cin", 100.0))
        else:
            score = matching.person_similarity(wanted, {
                "first_name": learner.first_name, "last_name": learner.last_name,
                "first_name_ar": learner.first_name_ar, "last_name_ar": learner.last_name_ar,
            })
            if score >= DUPLICATE_THRESHOLD:
                found.append((learner, "name_and_birth_date", score))
    return sorted(found, key=lambda item: -item[2])


def _check_duplicates(learner, confirmed_new_person, *, possibly):
    """Refuse an identifier another learner holds (naming the field); stop on a likely match until confirmed.

    ``possibly`` is the message for a likely match (it says what the user can do about it).
    """
    candidates = duplicate_candidates(**{k: getattr(learner, k) for k in IDENTITY_FIELDS}, exclude_pk=learner.pk)
    exact = [c for c in candidates if c[1] in ("massar_code", "cin")]
    if exact:
        field = exact[0][1]
        message = _("A learner with this %(field)s is already registered. Open their file or transfer them "
                    "instead.") % {"field": Learner._meta.get_field(field).verbose_name}
        raise ValidationError({field: ValidationError(message, code="duplicate")})
    if candidates and not confirmed_new_person:
        raise ValidationError(possibly, code="possible_duplicate")


# Uploaded documents written by the services of the current call, to delete again if it fails.
_written_files = contextvars.ContextVar("forsa_learner_files", default=None)


@contextmanager
def _files_removed_on_failure():
    """Files written inside are deleted again when an exception leaves the block: no orphan on disk.

    A document is written to storage before its row is saved; if anything later in the service
    (or in the service that called it: uses nest, the outermost keeps the list) fails, the
    transaction rolls back and the file must go too. Services are the transaction boundary
    (pages and endpoints do not wrap requests in a transaction), so the service's own failure is
    the rollback to watch. Put it outside ``transaction.atomic``: the file goes after the rows.
    """
    files = _written_files.get()
    token = None
    if files is None:
        files = []
        token = _written_files.set(files)
    start = len(files)
    try:
        yield files
    except BaseException:
        for storage, name in files[start:]:
            storage.delete(name)
        del files[start:]
        raise
    finally:
        if token is not None:
            _written_files.reset(token)


def _write_document(instance, field, upload):
    """Write an uploaded document now, and have it deleted again if the calling service fails."""
    files = _written_files.get()
    if files is None:
        raise RuntimeError("write documents inside _files_removed_on_failure()")
    stored = getattr(instance, field)
    stored.save(upload.name, upload, save=False)
    files.append((stored.storage, stored.name))


@_files_removed_on_failure()
@transaction.atomic
def learner_intake(*, actor, center: Center, school_year, start_date, guardians=(), consent=None,
                   groups=(), age_override_reason="", confirmed_new_person=False, **fields) -> Learner:
    """Register an adolescent, their guardians and consent, and enrol them in a centre.

    ``guardians`` is a list of field dicts; ``consent`` a dict (guardian index, given_on,
    document, photos) or None. Possible duplicates stop the intake until the user confirms
    this is a new person (``confirmed_new_person``) — or links/transfers the existing file.
    """
    require(actor, "learner.create", center)
    if _has_sensitive(fields):
        require(actor, "learner.sensitive", center)
    learner = Learner(**fields)
    learner.search_key = _search_key(learner)
    _place_learner(learner, center)
    learner.full_clean(validate_constraints=False)  # duplicates are reported below, naming the field
    _check_start(start_date)
    _check_age(learner, center, start_date, age_override_reason)
    _check_duplicates(learner, confirmed_new_person, possibly=_(
        "This person may already be registered. Check the possible matches, then link or transfer the existing "
        "file, or confirm this is someone else."))
    if _has_sensitive(fields) and not consent:
        raise _consent_missing(fields)
    if consent and consent.get("guardian") is not None and not 0 <= consent["guardian"] < len(guardians):
        raise ValidationError({"guardian": _("There is no guardian with this number.")})
    instance_save(actor=actor, instance=learner, redact=SENSITIVE_FIELDS, exclude_from_history=("search_key",))
    saved_guardians = [guardian_add(actor=actor, learner=learner, **values) for values in guardians]
    if consent:
        given_by = saved_guardians[consent["guardian"]] if consent.get("guardian") is not None else None
        for purpose in [Consent.Purpose.DATA] + ([Consent.Purpose.PHOTOS] if consent.get("photos") else []):
            consent_record(actor=actor, learner=learner, purpose=purpose, guardian=given_by,
                           given_on=consent["given_on"], document=consent.get("document"))
    _open_enrollment(actor=actor, learner=learner, center=center, school_year=school_year,
                     start_date=start_date, age_override_reason=age_override_reason, groups=groups)
    return learner


def _open_enrollment(*, actor, learner, center, school_year, start_date, age_override_reason="", groups=(),
                     transferred_from=None):
    enrollment = instance_save(actor=actor, instance=Enrollment(
        learner=learner, center=center, school_year=school_year, start_date=start_date,
        age_override_reason=age_override_reason, transferred_from=transferred_from,
    ))
    for group in groups:
        learner_place(actor=actor, enrollment=enrollment, group=group, start_date=start_date)
    instance_save(actor=actor, instance=PathwayStep(enrollment=enrollment, stage=Stage.INTAKE, start_date=start_date))
    return enrollment


@transaction.atomic
def learner_update(*, actor, learner: Learner, confirmed_new_person=False, **fields) -> Learner:
    """Change a learner's fields. A change of names, birth date, CIN or MASSAR code runs the intake's
    duplicate detection again: another learner's identifier is refused, a likely match needs
    ``confirmed_new_person``.
    """
    require(actor, "learner.change", learner)
    if set(fields) & set(SENSITIVE_FIELDS):
        require(actor, "learner.sensitive", learner)
        _require_consent(learner, fields)
    before = {name: getattr(learner, name) for name in IDENTITY_FIELDS}
    for name, value in fields.items():
        setattr(learner, name, value)
    learner.search_key = _search_key(learner)
    if any(getattr(learner, name) != value for name, value in before.items()):
        learner.full_clean(validate_constraints=False)  # a badly written field first, then duplicates
        _check_duplicates(learner, confirmed_new_person, possibly=_(
            "With these changes, this learner looks like someone already registered. Check the possible "
            "matches, then correct the file or confirm this is someone else."))
    return instance_save(actor=actor, instance=learner, redact=SENSITIVE_FIELDS, exclude_from_history=("search_key",))


@transaction.atomic
def guardian_add(*, actor, learner: Learner, **fields) -> Guardian:
    require(actor, "learner.change", learner)
    return instance_save(actor=actor, instance=Guardian(learner=learner, **fields))


@_files_removed_on_failure()
@transaction.atomic
def consent_record(*, actor, learner: Learner, purpose, given_on, guardian=None, document=None) -> Consent:
    """Record a consent; its signed form is written to storage and deleted again if the record fails."""
    require(actor, "learner.change", learner)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date of consent cannot be in the future.")})
    if guardian is None and learner.age(given_on) < 18:
        raise ValidationError({"guardian": _("A minor's consent is given by a guardian.")})
    if guardian is not None and guardian.learner_id != learner.pk:
        raise ValidationError({"guardian": _("This guardian is not the learner's.")})
    consent = Consent(learner=learner, purpose=purpose, guardian=guardian, given_on=given_on)
    if document:
        _write_document(consent, "document", document)
    return instance_save(actor=actor, instance=consent)


def consent_document_downloaded(*, actor, consent: Consent) -> None:
    """Each download of a signed consent form is logged (who, when): it shows in the learner's access log."""
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=consent)


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on: date, reason="") -> Consent:
    """Withdraw a consent. For data processing, the household situation and notes are erased.

    What is kept, and why: identity, enrolments, pathway and exit remain — the programme is a
    public-service mission and must account for who it enrolled (law 09-08, art. 4) — but no
    sensitive information can be entered again until a new consent is recorded.
    """
    learner = consent.learner
    require(actor, "learner.change", learner)
    if consent.withdrawn_on:
        raise ValidationError(_("This consent was already withdrawn."))
    if withdrawn_on < consent.given_on or withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("The withdrawal date must be between the consent and today.")})
    consent.withdrawn_on, consent.withdrawal_reason = withdrawn_on, reason
    if consent.purpose != Consent.Purpose.DATA and consent.document:
        # The signed photo form stays only as long as the consent: the row forgets it now, and the file
        # goes once that is committed (a rollback keeps both).
        storage, name = consent.document.storage, consent.document.name
        consent.document = ""
        transaction.on_commit(lambda: storage.delete(name))
    instance_save(actor=actor, instance=consent)
    if consent.purpose == Consent.Purpose.DATA:
        blank = {"orphanhood": "", "has_disability": None, "is_working_child": None, "travel_minutes": None,
                 "notes": ""}
        for name, value in blank.items():
            setattr(learner, name, value)
        instance_save(actor=actor, instance=learner, redact=SENSITIVE_FIELDS, exclude_from_history=("search_key",))
    return consent


@transaction.atomic
def learner_enroll(*, actor, learner: Learner, center: Center, school_year, start_date, groups=(),
                   age_override_reason="") -> Enrollment:
    """Enrol a learner again (a new school year, or a return after leaving): earlier enrolments and the exit stay."""
    require(actor, "learner.create", center)
    if learner.enrollments.filter(status=Enrollment.Status.ACTIVE).exists():
        raise ValidationError(_("This learner already has an active enrolment."))
    _check_open(center, "center")
    _check_start(start_date)
    _check_age(learner, center, start_date, age_override_reason)
    enrollment = _open_enrollment(actor=actor, learner=learner, center=center, school_year=school_year,
                                  start_date=start_date, age_override_reason=age_override_reason, groups=groups)
    _place_learner(learner, center)
    instance_save(actor=actor, instance=learner, exclude_from_history=("search_key",))
    return enrollment


def _close_enrollment(*, actor, enrollment, end_date, status):
    if end_date < enrollment.start_date:
        raise ValidationError({"end_date": _("The date cannot be before the start of the enrolment (%(date)s).")
                               % {"date": enrollment.start_date.isoformat()}})
    enrollment.end_date, enrollment.status = end_date, status
    instance_save(actor=actor, instance=enrollment)
    enrollment.placements.filter(end_date__isnull=True).update(end_date=end_date)
    placements_changed.send(sender=Enrollment, learner_ids=[enrollment.learner_id])
    enrollment.tracks.filter(end_date__isnull=True).update(end_date=end_date)


@transaction.atomic
def learner_transfer(*, actor, learner: Learner, to_center: Center, transfer_date, school_year=None, groups=(),
                     age_override_reason="") -> Enrollment:
    """Move a learner to another centre; the old enrolment is closed and kept, linked to the new one.

    The actor may transfer in the centre the learner leaves (a director sends them out to any open
    centre) or in the one that takes them (a director pulls in a learner found at intake).
    """
    current = learner.enrollments.filter(status=Enrollment.Status.ACTIVE).select_related("center").first()
    _require_either(actor, "learner.transfer", current.center if current else learner, to_center)
    if current is None:
        raise ValidationError(_("This learner has no active enrolment to transfer."))
    if current.center_id == to_center.pk:
        raise ValidationError({"to_center": _("The learner is already enrolled in this centre.")})
    _check_open(to_center, "to_center")
    _check_start(transfer_date)
    _check_age(learner, to_center, transfer_date, age_override_reason)
    _close_enrollment(actor=actor, enrollment=current, end_date=transfer_date, status=Enrollment.Status.TRANSFERRED)
    enrollment = _open_enrollment(
        actor=actor, learner=learner, center=to_center, school_year=school_year or current.school_year,
        start_date=transfer_date, age_override_reason=age_override_reason, groups=groups, transferred_from=current,
    )
    _place_learner(learner, to_center)
    instance_save(actor=actor, instance=learner, exclude_from_history=("search_key",))
    return enrollment


@transaction.atomic
def learner_place(*, actor, enrollment: Enrollment, group: Group, start_date) -> Placement:
    """Put an enrolled learner in a group; an open placement in a group of the same kind ends."""
    require(actor, "learner.change", enrollment.learner)
    if group.center_id != enrollment.center_id:
        raise ValidationError({"group": _("This group belongs to another centre.")})
    if group.school_year != enrollment.school_year:
        raise ValidationError({"group": _("This group is for another school year.")})
    if start_date < enrollment.start_date:
        raise ValidationError({"start_date": _("The learner was not yet enrolled on that date.")})
    enrollment.placements.filter(end_date__isnull=True, group__kind=group.kind).exclude(group=group).update(
        end_date=start_date)
    placement = instance_save(actor=actor, instance=Placement(enrollment=enrollment, group=group,
                                                              start_date=start_date))
    placements_changed.send(sender=Placement, learner_ids=[enrollment.learner_id])
    return placement


@transaction.atomic
def pathway_advance(*, actor, enrollment: Enrollment, stage, start_date) -> PathwayStep:
    require(actor, "learner.change", enrollment.learner)
    last = enrollment.steps.order_by("-start_date", "-pk").first()
    if last and start_date < last.start_date:
        raise ValidationError({"start_date": _("A stage cannot start before the current one (%(date)s).")
                               % {"date": last.start_date.isoformat()}})
    _check_start(start_date)
    return instance_save(actor=actor, instance=PathwayStep(enrollment=enrollment, stage=stage,
                                                           start_date=start_date))


@transaction.atomic
def track_start(*, actor, enrollment: Enrollment, track, start_date) -> TrackParticipation:
    require(actor, "learner.change", enrollment.learner)
    _check_start(start_date)
    if enrollment.tracks.filter(track=track, end_date__isnull=True).exists():
        raise ValidationError({"track": _("The learner already follows this track.")})
    return instance_save(actor=actor, instance=TrackParticipation(enrollment=enrollment, track=track,
                                                                  start_date=start_date))


@transaction.atomic
def track_end(*, actor, participation: TrackParticipation, end_date) -> TrackParticipation:
    require(actor, "learner.change", participation.enrollment.learner)
    participation.end_date = end_date
    return instance_save(actor=actor, instance=participation)


@transaction.atomic
def plan_set(*, actor, enrollment: Enrollment, goals) -> IndividualPlan:
    require(actor, "learner.change", enrollment.learner)
    plan = IndividualPlan.objects.filter(enrollment=enrollment).first() or IndividualPlan(enrollment=enrollment)
    plan.goals = goals
    return instance_save(actor=actor, instance=plan)


@transaction.atomic
def plan_review_add(*, actor, plan: IndividualPlan, reviewed_on, notes, next_review_on=None) -> PlanReview:
    require(actor, "learner.change", plan.enrollment.learner)
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("A review cannot be dated in the future.")})
    if next_review_on and next_review_on <= reviewed_on:
        raise ValidationError({"next_review_on": _("The next review comes after this one.")})
    return instance_save(actor=actor, instance=PlanReview(plan=plan, reviewed_on=reviewed_on, reviewer=actor,
                                                          notes=notes, next_review_on=next_review_on))


# What each outcome must say about where the learner went.
OUTCOME_REQUIRES = {
    "school": ("school_level",),
    "vocational": ("training_provider", "programme"),
    "apprenticeship": ("programme",),
    "employment": ("employer",),
    "self_employment": ("employer",),
    "dropout": ("dropout_reason",),
}


@transaction.atomic
def learner_exit(*, actor, learner: Learner, exit_date, outcome, **details) -> Exit:
    """Close the active enrolment with an outcome and schedule the +3, +6 and +12 month follow-ups."""
    require(actor, "learner.exit", learner)
    enrollment = learner.enrollments.filter(status=Enrollment.Status.ACTIVE).first()
    if enrollment is None:
        raise ValidationError(_("This learner has no active enrolment."))
    if exit_date > timezone.localdate():
        raise ValidationError({"exit_date": _("The exit date cannot be in the future.")})
    missing = {name: _("Required for this outcome.") for name in OUTCOME_REQUIRES.get(outcome, ())
               if not details.get(name)}
    if missing:
        raise ValidationError(missing)
    exit_ = Exit(enrollment=enrollment, exit_date=exit_date, outcome=outcome, **details)
    exit_.full_clean(exclude=["enrollment"])
    _close_enrollment(actor=actor, enrollment=enrollment, end_date=exit_date, status=Enrollment.Status.EXITED)
    instance_save(actor=actor, instance=exit_)
    instance_save(actor=actor, instance=PathwayStep(enrollment=enrollment, stage=Stage.EXIT, start_date=exit_date))
    FollowUp.objects.bulk_create(
        FollowUp(exit=exit_, learner=learner, months=months, due_on=exit_date + relativedelta(months=months))
        for months in FollowUp.MONTHS
    )
    learner.status = Learner.Status.EXITED
    instance_save(actor=actor, instance=learner, exclude_from_history=("search_key",))
    return exit_


@transaction.atomic
def follow_up_record(*, actor, follow_up: FollowUp, done_on, situation, notes="") -> FollowUp:
    require(actor, "learner.exit", follow_up.learner)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The follow-up date cannot be in the future.")})
    if done_on < follow_up.exit.exit_date:
        raise ValidationError({"done_on": _("The follow-up comes after the exit.")})
    follow_up.done_on, follow_up.situation, follow_up.notes = done_on, situation, notes
    follow_up.recorded_by = actor
    if not situation:
        raise ValidationError({"situation": _("Say what situation was found.")})
    return instance_save(actor=actor, instance=follow_up)


def learner_file_viewed(*, actor, learner: Learner) -> None:
    """Every opening of a learner's file is logged (who, when); the log is never rewritten."""
    audit_record(actor=actor, action=AuditEntry.Action.VIEW, target=learner)

