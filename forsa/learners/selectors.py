"""Every read of learners, already scoped."""

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import Prefetch
from django.utils import timezone

from forsa.audit.models import AuditEntry
from forsa.centers.models import Center
from forsa.core import scoping
from forsa.learners import matching
from forsa.learners.models import Consent, Enrollment, FollowUp, IndividualPlan, Learner, Placement
from forsa.learners.services import duplicate_candidates
from forsa.learners.validators import looks_like_cin, looks_like_massar


def learner_list(*, user):
    return Learner.objects.for_user(user).select_related("center").order_by("last_name", "first_name", "pk")


def learner_search(queryset, text):
    """A MASSAR code or CIN finds its one learner; other text matches names in either script."""
    text = (text or "").strip()
    if not text:
        return queryset
    if looks_like_massar(text.upper()):
        return queryset.filter(massar_code=text.upper())
    if looks_like_cin(text.upper()):
        return queryset.filter(cin=text.upper())
    for word in matching.search_key(text).split():
        queryset = queryset.filter(search_key__contains=word)
    return queryset


def learner_get(*, user, pk) -> Learner:
    return Learner.objects.for_user(user).select_related("center", "commune__province").get(pk=pk)


def learner_file(*, user, pk) -> Learner:
    """The whole file: identity, family and consent, enrolments with their pathway, exit and follow-ups.

    A fixed number of queries whatever the learner's history.
    """
    placements = Placement.objects.select_related("group")
    enrollments = (
        Enrollment.objects.select_related("center", "transferred_from__center", "exit", "plan")
        .prefetch_related(Prefetch("placements", queryset=placements), "steps", "tracks",
                          "plan__reviews__reviewer", "exit__follow_ups")
        .order_by("-start_date", "-pk")
    )
    return (
        Learner.objects.for_user(user)
        .select_related("center", "commune__province__region")
        .prefetch_related(Prefetch("enrollments", queryset=enrollments), "guardians", "consents__guardian")
        .get(pk=pk)
    )


def sees_sensitive(*, user, learner) -> bool:
    return scoping.can(user, "learner.sensitive", learner)


def duplicate_summary(*, user, **identity):
    """Possible matches for an intake, told with just enough to decide.

    Inside the user's scope: the learner, to open their file. Outside it: initials, birth year,
    centre and region — no name, contact or file.
    """
    candidates = duplicate_candidates(**identity)
    visible = set(Learner.objects.for_user(user).filter(pk__in=[c[0].pk for c in candidates])
                  .values_list("pk", flat=True))
    summary = []
    for learner, reason, score in candidates:
        in_scope = learner.pk in visible
        summary.append({
            "pk": learner.pk if in_scope else None,
            "in_scope": in_scope,
            "name": learner.full_name if in_scope else _initials(learner),
            "birth_year": learner.birth_date.year,
            "center": learner.center.name if learner.center else "",
            "region": learner.region.name if learner.region else "",
            "status": learner.get_status_display(),
            "reason": reason,
            "score": round(score),
        })
    return summary


def _initials(learner):
    parts = [learner.first_name, learner.last_name] if learner.first_name else [learner.first_name_ar,
                                                                                 learner.last_name_ar]
    return " ".join(f"{p[:1]}." for p in parts if p)


def follow_up_worklist(*, user, horizon_days=14):
    """Follow-ups not done yet and due within ``horizon_days`` (or overdue)."""
    horizon = timezone.localdate() + timezone.timedelta(days=horizon_days)
    return (
        FollowUp.objects.for_user(user)
        .filter(done_on__isnull=True, due_on__lte=horizon)
        .select_related("learner__center", "exit")
        .order_by("due_on", "pk")
    )


def access_log(*, user, learner):
    """Who opened or changed this learner's file, and when (for the director and national admins)."""
    if not scoping.can(user, "learner.access_log", learner):
        return AuditEntry.objects.none()
    return (
        AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(Learner), target_id=str(learner.pk))
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def active_enrollment(learner):
    return next((e for e in learner.enrollments.all() if e.status == Enrollment.Status.ACTIVE), None)


# ---------------------------------------------------------------------------
# For the learner pages


def follow_up_get(*, user, pk) -> FollowUp:
    return FollowUp.objects.for_user(user).select_related("learner__center", "exit").get(pk=pk)


def consent_get(*, user, pk) -> Consent:
    """One consent of a learner the user sees (a consent follows its learner's scope)."""
    return (Consent.objects.filter(learner__in=Learner.objects.for_user(user).values("pk"))
            .select_related("learner", "guardian").get(pk=pk))


TRANSFER_IN_SALT = "forsa.learners.transfer-in"
TRANSFER_IN_MAX_AGE = 3600  # seconds: the time to finish the intake that found the match


def duplicate_matches(*, user, **identity):
    """What ``duplicate_summary`` tells, each match with a ``reference`` to transfer them in.

    The reference (see ``transfer_in_get``) is signed for this user and expires: it lets a centre
    take over an adolescent registered in another scope without ever showing that file.
    """
    candidates = duplicate_candidates(**identity)
    visible = set(Learner.objects.for_user(user).filter(pk__in=[c[0].pk for c in candidates])
                  .values_list("pk", flat=True))
    return [
        _match(learner, learner.pk in visible) | {
            "reason": reason, "score": round(score),
            "reference": signing.dumps({"learner": learner.pk, "user": user.pk}, salt=TRANSFER_IN_SALT),
        }
        for learner, reason, score in candidates
    ]


def _match(learner, in_scope):
    """A possible match, told with just enough to decide (see ``duplicate_summary``)."""
    return {
        "pk": learner.pk if in_scope else None,
        "in_scope": in_scope,
        # full_name is blank for a learner named in Arabic script only, outside the Arabic interface
        "name": (learner.full_name.strip() or learner.full_name_ar) if in_scope else _initials(learner),
        "birth_year": learner.birth_date.year,
        "center": learner.center.name if learner.center else "",
        "region": learner.region.name if learner.region else "",
        "status": learner.get_status_display(),
    }


def transfer_in_get(*, user, reference):
    """The learner a ``duplicate_matches`` reference names, with what the user may know of them.

    Raises Learner.DoesNotExist for a forged, expired or someone else's reference.
    """
    try:
        data = signing.loads(reference, salt=TRANSFER_IN_SALT, max_age=TRANSFER_IN_MAX_AGE)
    except signing.BadSignature:
        raise Learner.DoesNotExist from None
    if data.get("user") != user.pk:
        raise Learner.DoesNotExist
    learner = Learner._base_manager.select_related("center", "region").get(pk=data["learner"])
    return learner, _match(learner, Learner.objects.for_user(user).filter(pk=learner.pk).exists())


def centers_where(*, user, permission):
    """The centres in which ``user`` may do ``permission`` on learners (intake, transfer)."""
    centers = Center.objects.for_user(user).only("pk", "region_id", "province_id", "association_id")
    allowed = [center.pk for center in centers if scoping.can(user, permission, center)]
    return Center.objects.filter(pk__in=allowed).select_related("commune").order_by("code")


def plan_of(enrollment):
    """The enrolment's individual plan, or None before its goals are written."""
    return IndividualPlan.objects.filter(enrollment=enrollment).first()
