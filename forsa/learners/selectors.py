"""Every read of learners, already scoped."""

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value
from django.utils import timezone

from forsa.audit.models import AuditEntry
from forsa.audit.selectors import entries_about
from forsa.centers.models import Center
from forsa.core import scoping
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
    TrackParticipation,
)
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
    for alternatives in matching.search_terms(text):
        found = Q()
        for term in alternatives:
            found |= Q(search_key__contains=term)
        queryset = queryset.filter(found)
    return queryset


def learner_get(*, user, pk) -> Learner:
    return Learner.objects.for_user(user).select_related("center", "commune__province").get(pk=pk)


def learner_file(*, user, pk) -> Learner:
    """The whole file: identity, family and consent, enrolments with their pathway, exit and follow-ups.

    A fixed number of queries whatever the learner's history.
    """
    placements = Placement.objects.select_related("group__center")
    enrollments = (
        Enrollment.objects.select_related("center", "transferred_from__center", "exit", "plan")
        .prefetch_related(Prefetch("placements", queryset=placements), "steps", "tracks",
                          "plan__reviews__reviewer", "exit__follow_ups__recorded_by")
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


def follow_ups_due_by_center(*, user, centers, horizon_days=14) -> dict[int, int]:
    """{centre id: follow-ups the user sees not done yet and due within ``horizon_days`` or overdue}, by
    the learner's current centre (one query)."""
    return dict(follow_up_worklist(user=user, horizon_days=horizon_days).filter(learner__center__in=centers)
                .order_by().values_list("learner__center").annotate(count=Count("pk")))


def without_data_consent(queryset):
    """The learners of ``queryset`` with no consent in force to the processing of their data."""
    in_force = Consent.objects.filter(learner=OuterRef("pk"), purpose=Consent.Purpose.DATA, withdrawn_on__isnull=True)
    return queryset.filter(~Exists(in_force))


def missing_consents_by_center(*, user, centers) -> dict[int, int]:
    """{centre id: enrolled learners the user sees without a data consent in force} (one query)."""
    learners = learner_list(user=user).filter(center__in=centers, status=Learner.Status.ENROLLED)
    return dict(without_data_consent(learners).order_by().values_list("center").annotate(count=Count("pk")))


# The rows that make up a learner's file, each with its path to the learner.
FILE_ROWS = {
    Guardian: "learner", Consent: "learner", Enrollment: "learner", Placement: "enrollment__learner",
    PathwayStep: "enrollment__learner", TrackParticipation: "enrollment__learner",
    IndividualPlan: "enrollment__learner", PlanReview: "plan__enrollment__learner", Exit: "enrollment__learner",
    FollowUp: "learner",
}


def file_rows(learner):
    """(content type id, primary key) of the learner and of every row of their file, in one query.

    Why collect the rows rather than record the learner's id on each audit entry: audit entries
    are append-only and shared by every app, and those already written name only their own row;
    the rows of one file are few (tens), so one UNION of indexed lookups finds them all, for
    history written before and after this log was extended, without a column on the national
    audit table. The application never deletes these rows (consents are withdrawn, not
    deleted), so no history is lost from sight.
    """
    types = ContentType.objects.get_for_models(Learner, *FILE_ROWS)
    parts = [
        model._base_manager.filter(**{path: learner.pk}).order_by()
        .annotate(kind=Value(types[model].pk, output_field=IntegerField())).values_list("pk", "kind")
        for model, path in FILE_ROWS.items()
    ]
    rows = [(kind, pk) for pk, kind in parts[0].union(*parts[1:], all=True)]
    return [(types[Learner].pk, learner.pk), *rows]


def access_log(*, user, learner):
    """Who opened, changed or downloaded anything of this learner's file, and when, newest first.

    For the centre director and national admins: views of the file, changes to the learner and
    to their guardians, consents, enrolments, placements, stages, tracks, plan and reviews, exit
    and follow-ups, and downloads of signed consent forms. A fixed number of queries: the file's
    rows (``file_rows``), then the page of entries (and its count).
    """
    if not scoping.can(user, "learner.access_log", learner):
        return AuditEntry.objects.none()
    return entries_about(file_rows(learner)).select_related("actor", "target_type").order_by("-at", "-pk")


def active_enrollment(learner):
    return next((e for e in learner.enrollments.all() if e.status == Enrollment.Status.ACTIVE), None)


# ---------------------------------------------------------------------------
# Who is placed in a group on a day (a roll call's or an assessment's learners)


def placed_on(day):
    """Placements covering ``day``: started on or before it, ending after it (end dates are exclusive)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


def expected_learner_ids(*, group, day):
    """The ids of the learners placed in ``group`` on ``day`` (one query, no objects)."""
    return set(Placement.objects.filter(placed_on(day), group=group).values_list("enrollment__learner_id", flat=True))


def expected_learners(*, group, day):
    """The learners placed in ``group`` on ``day``, by id, in name order (one query).

    ``group`` is one the caller has read in the user's scope (centers.selectors.group_get, group_scope):
    everyone placed in it that day, including a learner who has since moved to another centre (their
    mark on a past roll call or result stays theirs, and a correction must not drop it), hence not
    through Learner.for_user.
    """
    placed = Placement.objects.filter(placed_on(day), group=group).values("enrollment__learner")
    learners = Learner._base_manager.filter(pk__in=placed).order_by("last_name", "first_name", "last_name_ar")
    return {learner.pk: learner for learner in learners}


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


def transfer_destinations(*, user, learner):
    """The centres ``user`` may move ``learner`` to: name, code and commune only.

    Whoever may transfer in the learner's centre sends them to any open centre of the country
    (this deliberately looks beyond the user's scope: institutional data, nothing else about
    the centre is shown); others may pull the learner into the centres where they may transfer.
    """
    if learner.center_id and scoping.can(user, "learner.transfer", learner):
        centers = Center.objects.filter(status=Center.Status.OPEN)
    else:
        centers = centers_where(user=user, permission="learner.transfer")
    centers = centers.exclude(pk=learner.center_id) if learner.center_id else centers
    return centers.select_related("commune").order_by("code")


def enrollment_centers(*, user):
    """The open centres where ``user`` may enrol a learner again."""
    return centers_where(user=user, permission="learner.create").filter(status=Center.Status.OPEN)


def plan_of(enrollment):
    """The enrolment's individual plan, or None before its goals are written."""
    return IndividualPlan.objects.filter(enrollment=enrollment).first()
