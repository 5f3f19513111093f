"""Taking and correcting a roll call; the absence thresholds."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forsa.attendance.models import Absence, AbsenceRule, Activity, Session
from forsa.attendance.selectors import absence_rule_for
from forsa.attendance.summary import summary_rebuild
from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record, instance_save
from forsa.centers.models import Group
from forsa.core.services import require
from forsa.learners.selectors import expected_learner_ids

ACTIVITY_OF_GROUP = {Group.Kind.CATCH_UP: Activity.CATCH_UP, Group.Kind.WORKSHOP: Activity.WORKSHOP,
                     Group.Kind.ACTIVITY: Activity.ACTIVITY}


def _clean_marks(marks, expected):
    """``marks`` maps learner id → {"kind", "justified", "reason"}; every learner must be expected."""
    strangers = set(marks) - set(expected)
    if strangers:
        raise ValidationError({"marks": _("Not in this group on that date: learner(s) %(ids)s.")
                               % {"ids": ", ".join(str(i) for i in sorted(strangers))}})
    cleaned = {}
    for learner_id, mark in marks.items():
        if mark.get("kind") not in Absence.Kind.values:
            raise ValidationError({"marks": _("A mark is either absent or late.")})
        cleaned[learner_id] = {"kind": mark["kind"], "justified": bool(mark.get("justified")),
                               "reason": (mark.get("reason") or "")[:200]}
    return cleaned


def _count(session, marks):
    session.absent = sum(1 for m in marks.values() if m["kind"] == Absence.Kind.ABSENT)
    session.late = sum(1 for m in marks.values() if m["kind"] == Absence.Kind.LATE)


def _write_marks(session, marks):
    Absence.objects.bulk_create(Absence(session=session, learner_id=learner_id, **mark)
                                for learner_id, mark in marks.items())


def _history(marks):
    return {str(learner_id): mark["kind"] + ("*" if mark["justified"] else "") for learner_id, mark in marks.items()}


@transaction.atomic
def roll_call_record(*, actor, group: Group, date, slot, marks, activity=None, client_key=None):
    """Save one roll call in one request: returns (session, created).

    Resending with the same ``client_key`` returns the session already saved (idempotent).
    The number of queries does not depend on the size of the group.
    """
    require(actor, "attendance.take", group)
    if client_key:
        existing = Session.objects.filter(client_key=client_key).first()
        if existing is not None:
            if (existing.group_id, existing.date, existing.slot) != (group.pk, date, slot):
                raise ValidationError(_("This key was already used for another roll call."))
            return existing, False
    if date > timezone.localdate():
        raise ValidationError({"date": _("A roll call cannot be taken for a future date.")})
    if Session.objects.filter(group=group, date=date, slot=slot).exists():
        raise ValidationError({"slot": _("The roll of this group was already taken for this half-day; "
                                         "correct it instead.")})
    expected = expected_learner_ids(group=group, day=date)
    marks = _clean_marks(marks, expected)
    session = Session(
        group=group, date=date, slot=slot, activity=activity or ACTIVITY_OF_GROUP[group.kind],
        taken_by=actor if getattr(actor, "is_authenticated", False) else None, taken_at=timezone.now(),
        client_key=client_key or None, center_id=group.center_id, province_id=group.center.province_id,
        region_id=group.center.region_id, expected=len(expected),
    )
    _count(session, marks)
    # The group and the key were just checked; uniqueness is left to the database (below).
    session.full_clean(exclude=["center", "province", "region", "taken_by", "group"],
                       validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:  # the same roll sent twice at the same moment
        resent = client_key and Session.objects.filter(client_key=client_key, group=group, date=date,
                                                       slot=slot).first()
        if resent:
            return resent, False
        raise ValidationError({"slot": _("The roll of this group was already taken for this half-day.")}) from None
    _write_marks(session, marks)
    summary_rebuild(expected)  # the weekly attendance of the learners this roll covers
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=session, changes={"marks": _history(marks)})
    return session, True


@transaction.atomic
def roll_call_correct(*, actor, session: Session, marks) -> Session:
    """Replace the marks of a roll within the correction window; the change is logged."""
    require(actor, "attendance.take", session.group)
    rule = absence_rule_for(center=session.group.center)
    if (timezone.localdate() - session.date).days > rule.correction_days:
        raise ValidationError(_("This roll call is more than %(days)s days old and can no longer be corrected.")
                              % {"days": rule.correction_days})
    expected = expected_learner_ids(group=session.group, day=session.date)
    marks = _clean_marks(marks, expected)
    before = _history({a.learner_id: {"kind": a.kind, "justified": a.justified}
                       for a in session.absences.all()})
    session.absences.all().delete()
    _write_marks(session, marks)
    summary_rebuild({*expected, *(int(learner_id) for learner_id in before)})
    _count(session, marks)
    session.expected = len(expected)
    session.save(update_fields=["absent", "late", "expected", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=session,
                 changes={"marks": [before, _history(marks)]})
    return session


@transaction.atomic
def absence_rule_set(*, actor, center=None, **thresholds) -> AbsenceRule:
    """Set the national thresholds (``center`` None, national admins) or a centre's override."""
    if center is None:
        require(actor, "user.manage")
    else:
        require(actor, "attendance.rules", center)
    rule = AbsenceRule.objects.filter(center=center).first() or AbsenceRule(center=center)
    for name, value in thresholds.items():
        setattr(rule, name, value)
    return instance_save(actor=actor, instance=rule)
