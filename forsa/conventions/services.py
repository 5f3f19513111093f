"""Every write to conventions: calls and their grid, applications, reviews, decisions, conventions,
their workflow and amendments, reports and tranches.

Each service checks the actor's permission over the object, validates, writes in one transaction
and leaves an audit entry. A transition the workflow does not allow is refused with a message
saying what the object's status is and what it would need.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record, instance_save
from forsa.conventions.models import (
    Amendment,
    Application,
    ApplicationDocument,
    CallForProjects,
    Convention,
    Criterion,
    Funding,
    FundingSource,
    Report,
    Review,
    Tranche,
)
from forsa.core import scoping
from forsa.core.roles import Role
from forsa.core.services import require
from forsa.organizations.models import Association, Organization

GRID_TOTAL = 100


def _transition(obj, *, allowed_from, to, check_first=None):
    """Move ``obj`` to the status ``to``, refusing it (naming the current status) unless it is in ``allowed_from``.

    ``check_first`` raises the other errors of the transition, once the status is known to allow it.
    """
    labels = dict(type(obj).Status.choices)
    if obj.status not in allowed_from:
        raise ValidationError({"status": _(
            "Not possible while the status is “%(current)s”: this needs the status %(allowed)s."
        ) % {"current": labels[obj.status], "allowed": _(" or ").join(f"“{labels[s]}”" for s in allowed_from)}})
    if check_first:
        check_first()
    before, obj.status = obj.status, to
    return before


def _raise(errors):
    def check():
        if errors:
            raise ValidationError(errors)
    return check


def _audit_transition(actor, obj, before, **extra):
    changes = {"status": [before, obj.status]} | {k: [None, str(v)] for k, v in extra.items()}
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=obj, changes=changes)


# Calls for projects ---------------------------------------------------------------------


def _call_anchor(owner):
    return {"region": owner.region_id} if owner.kind == Organization.Kind.AREF else {}


def call_create(*, actor, owner, reference, title, budget, opens_on, closes_on, eligibility="", criteria=()):
    """A call by the Ministry (national admins) or by an AREF (its regional managers), with its grid.

    ``criteria``: (label, weight, max_score) triples; the weights must add up to 100.
    """
    if owner.kind not in (Organization.Kind.MINISTRY, Organization.Kind.AREF):
        raise ValidationError({"owner": _("A call is launched by the Ministry or by an AREF.")})
    require(actor, "call.manage", **_call_anchor(owner))
    with transaction.atomic():
        call = instance_save(actor=actor, instance=CallForProjects(
            owner=owner, region_id=owner.region_id if owner.kind == Organization.Kind.AREF else None,
            reference=reference, title=title, budget=budget, opens_on=opens_on, closes_on=closes_on,
            eligibility=eligibility))
        _grid_set(call, criteria)
    return call


def _grid_set(call, criteria):
    criteria = list(criteria)
    total = sum(int(weight) for _label, weight, _max in criteria)
    if criteria and total != GRID_TOTAL:
        raise ValidationError({"criteria": _("The weights of the grid add up to %(total)s, not 100.")
                               % {"total": total}})
    call.criteria.all().delete()
    for order, (label, weight, max_score) in enumerate(criteria, start=1):
        criterion = Criterion(call=call, label=label, weight=weight, max_score=max_score, order=order)
        criterion.full_clean()
        criterion.save()


def call_open(*, actor, call):
    """Open a draft call to applications: it needs its evaluation grid."""
    require(actor, "call.manage", **_call_anchor(call.owner))
    with transaction.atomic():
        grid_ok = sum(c.weight for c in call.criteria.all()) == GRID_TOTAL
        before = _transition(call, allowed_from=[CallForProjects.Status.DRAFT], to=CallForProjects.Status.OPEN,
                             check_first=_raise({} if grid_ok else {"criteria": _(
                                 "Give the call its evaluation grid (weights adding up to 100) before opening it.")}))
        call.save(update_fields=["status", "updated_at"])
        _audit_transition(actor, call, before)
    return call


def call_close(*, actor, call):
    """Close a call to applications; submitted ones go under review."""
    require(actor, "call.manage", **_call_anchor(call.owner))
    with transaction.atomic():
        before = _transition(call, allowed_from=[CallForProjects.Status.OPEN], to=CallForProjects.Status.CLOSED)
        call.save(update_fields=["status", "updated_at"])
        call.applications.filter(status=Application.Status.SUBMITTED).update(status=Application.Status.UNDER_REVIEW)
        _audit_transition(actor, call, before)
    return call


def call_decide(*, actor, call):
    """Closed → decided, once every submitted application has its decision."""
    require(actor, "call.manage", **_call_anchor(call.owner))
    pending = call.applications.filter(status__in=[Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW])
    waiting = pending.count()
    with transaction.atomic():
        before = _transition(call, allowed_from=[CallForProjects.Status.CLOSED], to=CallForProjects.Status.DECIDED,
                             check_first=_raise({"status": _("%(count)s applications still wait for a decision.")
                                                 % {"count": waiting}} if waiting else {}))
        call.save(update_fields=["status", "updated_at"])
        _audit_transition(actor, call, before)
    return call


# Applications ---------------------------------------------------------------------------


def _check_eligibility(call, association, centers, new_site_commune):
    errors = {}
    if association.status != Association.Status.ACTIVE:
        errors["association"] = _("Only an active association may apply.")
    foreign = [c.code for c in centers if c.association_id != association.pk]
    if foreign:
        errors["centers"] = _("These centres are not run by the association: %(codes)s.") % {
            "codes": ", ".join(foreign)}
    if call.region_id:
        outside = [c.code for c in centers if c.region_id != call.region_id]
        if outside:
            errors["centers"] = _("A regional call covers centres of its region only: %(codes)s is outside.") % {
                "codes": ", ".join(outside)}
        if new_site_commune and new_site_commune.province.region_id != call.region_id:
            errors["new_site_commune"] = _("A regional call covers sites of its region only.")
    return errors


APPLICATION_FIELDS = ("title", "summary", "new_site_commune", "new_site_description", "target_girls",
                      "target_boys", "budget_requested", "cofunding", "cofunding_sources")


def application_save(*, actor, call, association, application=None, centers=(), trades=(), **fields):
    """Create or edit a draft application of an association (its managers only)."""
    require(actor, "application.submit", association=association.pk)
    if application is not None and application.status != Application.Status.DRAFT:
        raise ValidationError(_("A submitted application can no longer be changed."))
    if call.status != CallForProjects.Status.OPEN:
        raise ValidationError({"call": _("This call is not open to applications.")})
    centers = list(centers)
    errors = _check_eligibility(call, association, centers, fields.get("new_site_commune"))
    if errors:
        raise ValidationError(errors)
    application = application or Application(call=call, association=association)
    for name in APPLICATION_FIELDS:
        if name in fields:
            setattr(application, name, fields[name])
    with transaction.atomic():
        return instance_save(actor=actor, instance=application, m2m={"centers": centers, "trades": list(trades)})


def application_document_add(*, actor, application, kind, file):
    """Attach a document (checked by content and size by the form's DocumentField) to a draft."""
    require(actor, "application.submit", application)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("A submitted application can no longer be changed."))
    with transaction.atomic():
        return instance_save(actor=actor, instance=ApplicationDocument(application=application, kind=kind, file=file))


def application_submit(*, actor, application):
    """Submit a complete draft while the call is open."""
    require(actor, "application.submit", application)
    errors = {}
    if application.call.status != CallForProjects.Status.OPEN:
        errors["call"] = _("The call is closed: applications can no longer be submitted.")
    if not application.centers.exists() and not application.new_site_commune_id:
        errors["centers"] = _("Propose at least one centre, or the commune of a new site.")
    if application.target_total == 0:
        errors["target_girls"] = _("Give the number of learners the project targets.")
    if not application.budget_requested:
        errors["budget_requested"] = _("Give the budget requested.")
    kinds = set(application.documents.values_list("kind", flat=True))
    missing = [str(ApplicationDocument.Kind(k).label) for k in ApplicationDocument.REQUIRED if k not in kinds]
    if missing:
        errors["documents"] = _("Attach the missing documents: %(kinds)s.") % {"kinds": ", ".join(missing)}
    with transaction.atomic():
        before = _transition(application, allowed_from=[Application.Status.DRAFT], to=Application.Status.SUBMITTED,
                             check_first=_raise(errors))
        application.submitted_at = timezone.now()
        application.save(update_fields=["status", "submitted_at", "updated_at"])
        _audit_transition(actor, application, before)
    return application


def review_assign(*, actor, application, reviewer):
    """The call's owner assigns a reviewer (an evaluator, a regional manager or a national admin)."""
    require(actor, "application.decide", application)
    roles = scoping.scope_of(reviewer).roles
    if not roles & {Role.REVIEWER, Role.REGIONAL_MANAGER, Role.NATIONAL_ADMIN}:
        raise ValidationError({"reviewer": _("Only evaluators, regional managers and national administrators "
                                             "review applications.")})
    if application.status not in (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW):
        raise ValidationError({"reviewer": _("Only a submitted application can be reviewed.")})
    with transaction.atomic():
        return instance_save(actor=actor, instance=Review(application=application, reviewer=reviewer))


def _weighted_total(criteria, scores):
    total = Decimal(0)
    for criterion in criteria:
        total += Decimal(scores[str(criterion.pk)]) / criterion.max_score * criterion.weight
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def review_submit(*, actor, review, scores, comment=""):
    """The assigned reviewer scores every criterion of the grid (``scores``: {criterion id: score})."""
    require(actor, "application.review", review.application)
    if review.reviewer_id != actor.pk:
        raise PermissionDenied("application.review")
    application = review.application
    if application.status not in (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW):
        raise ValidationError(_("The decision on this application has been taken: reviews are closed."))
    criteria = list(application.call.criteria.all())
    scores = {str(k): v for k, v in scores.items()}
    errors = []
    for criterion in criteria:
        value = scores.get(str(criterion.pk))
        if value is None or value == "":
            errors.append(_("%(criterion)s: give a score.") % {"criterion": criterion.label})
        elif not 0 <= int(value) <= criterion.max_score:
            errors.append(_("%(criterion)s: the score is between 0 and %(max)s.")
                          % {"criterion": criterion.label, "max": criterion.max_score})
    if errors:
        raise ValidationError({"scores": errors})
    review.scores = {str(c.pk): int(scores[str(c.pk)]) for c in criteria}
    review.total = _weighted_total(criteria, review.scores)
    review.comment = comment
    review.status = Review.Status.SUBMITTED
    review.submitted_at = timezone.now()
    with transaction.atomic():
        instance_save(actor=actor, instance=review)
        if application.status == Application.Status.SUBMITTED:
            application.status = Application.Status.UNDER_REVIEW
            application.save(update_fields=["status", "updated_at"])
    return review


def application_decide(*, actor, application, retained, reason):
    """Retain or not, with the reasons (mandatory), once at least one review is in."""
    require(actor, "application.decide", application)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reasons of the decision.")})
    to = Application.Status.RETAINED if retained else Application.Status.NOT_RETAINED
    with transaction.atomic():
        reviewed = application.reviews.filter(status=Review.Status.SUBMITTED).exists()
        before = _transition(application, allowed_from=[Application.Status.SUBMITTED,
                                                        Application.Status.UNDER_REVIEW], to=to,
                             check_first=_raise({} if reviewed else {
                                 "reason": _("Wait for at least one review before deciding.")}))
        application.decision_reason = reason.strip()
        application.decided_on = timezone.localdate()
        application.save(update_fields=["status", "decision_reason", "decided_on", "updated_at"])
        _audit_transition(actor, application, before, reason=application.decision_reason)
    return application


# Conventions ----------------------------------------------------------------------------


def _next_number(party, year):
    prefix = f"AREF-{party.region.code}" if party.kind == Organization.Kind.AREF else party.acronym or "MEN"
    taken = Convention.objects.filter(number__startswith=f"{prefix}/{year}/").count()
    return f"{prefix}/{year}/{taken + 1:03d}"


def _fundings_set(convention, fundings):
    convention.fundings.all().delete()
    for source, amount in fundings.items():
        if amount in (None, "") or Decimal(amount) == 0:
            continue
        if source not in FundingSource.values:
            raise ValidationError({"fundings": _("Unknown funding source: %(source)s.") % {"source": source}})
        line = Funding(convention=convention, source=source, amount=Decimal(amount))
        line.full_clean(exclude=["convention"])
        line.save()


def convention_create(*, actor, party, association, centers, start_date, end_date, number="", application=None,
                      renewal_year=1, target_girls=0, target_boys=0, target_retention=None,
                      target_positive_exits=None, obligations="", fundings=None):
    """A draft convention between the Ministry or an AREF and an association."""
    if party.kind not in (Organization.Kind.MINISTRY, Organization.Kind.AREF):
        raise ValidationError({"party": _("A convention is signed by the Ministry or by an AREF.")})
    require(actor, "convention.manage", region=party.region_id, association=association.pk)
    centers = list(centers)
    if not centers:
        raise ValidationError({"centers": _("A convention covers at least one centre.")})
    foreign = [c.code for c in centers if c.association_id != association.pk]
    if foreign:
        raise ValidationError({"centers": _("These centres are not run by the association: %(codes)s.")
                               % {"codes": ", ".join(foreign)}})
    region_id = party.region_id or centers[0].region_id
    with transaction.atomic():
        convention = Convention(
            number=number or _next_number(party, start_date.year), party=party, association=association,
            application=application, region_id=region_id, start_date=start_date, end_date=end_date,
            renewal_year=renewal_year, target_girls=target_girls, target_boys=target_boys,
            target_retention=target_retention, target_positive_exits=target_positive_exits, obligations=obligations)
        instance_save(actor=actor, instance=convention, m2m={"centers": centers})
        _fundings_set(convention, fundings or {})
    return convention


def convention_from_application(*, actor, application, start_date, end_date, centers=None):
    """The draft convention of a retained application: its association, centres, targets and budget."""
    if application.status != Application.Status.RETAINED:
        raise ValidationError(_("Only a retained application becomes a convention."))
    if Convention.objects.filter(application=application).exists():
        raise ValidationError(_("This application already has its convention."))
    call = application.call
    source = FundingSource.AREF if call.owner.kind == Organization.Kind.AREF else FundingSource.MINISTRY
    return convention_create(
        actor=actor, party=call.owner, association=application.association, application=application,
        centers=centers if centers is not None else application.centers.all(), start_date=start_date,
        end_date=end_date, target_girls=application.target_girls, target_boys=application.target_boys,
        fundings={source: application.budget_requested} | (
            {FundingSource.OTHER: application.cofunding} if application.cofunding else {}),
    )


DRAFT_FIELDS = ("number", "start_date", "end_date", "renewal_year", "target_girls", "target_boys", "target_retention",
                "target_positive_exits", "obligations")


def convention_update(*, actor, convention, centers, fundings, **fields):
    """Complete a draft before signature (afterwards only an amendment changes it)."""
    require(actor, "convention.manage", convention)
    if convention.status != Convention.Status.DRAFT:
        raise ValidationError(_("Only a draft is edited; a signed convention changes by amendment."))
    centers = list(centers)
    if not centers:
        raise ValidationError({"centers": _("A convention covers at least one centre.")})
    foreign = [c.code for c in centers if c.association_id != convention.association_id]
    if foreign:
        raise ValidationError({"centers": _("These centres are not run by the association: %(codes)s.")
                               % {"codes": ", ".join(foreign)}})
    for name in DRAFT_FIELDS:
        if name in fields:
            setattr(convention, name, fields[name])
    with transaction.atomic():
        instance_save(actor=actor, instance=convention, m2m={"centers": centers})
        _fundings_set(convention, fundings)
    return convention


def convention_sign(*, actor, convention, signed_on, signed_document):
    """Draft → signed: the signed document and its date are mandatory."""
    require(actor, "convention.manage", convention)
    errors = {}
    if not signed_document:
        errors["signed_document"] = _("Attach the signed convention.")
    if not signed_on:
        errors["signed_on"] = _("Give the signature date.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("The signature date cannot be in the future.")
    with transaction.atomic():
        before = _transition(convention, allowed_from=[Convention.Status.DRAFT], to=Convention.Status.SIGNED,
                             check_first=_raise(errors))
        convention.signed_on, convention.signed_document = signed_on, signed_document
        convention.save(update_fields=["status", "signed_on", "signed_document", "updated_at"])
        _audit_transition(actor, convention, before, signed_on=signed_on)
    return convention


# target status: the statuses it may come from
CONVENTION_TRANSITIONS = {
    Convention.Status.ACTIVE: [Convention.Status.SIGNED, Convention.Status.SUSPENDED],
    Convention.Status.SUSPENDED: [Convention.Status.ACTIVE],
    Convention.Status.CLOSED: [Convention.Status.ACTIVE, Convention.Status.SUSPENDED],
}


def convention_transition(*, actor, convention, to, reason=""):
    """signed → active ↔ suspended → closed (signing has its own service). Suspending needs a reason."""
    require(actor, "convention.manage", convention)
    if to not in CONVENTION_TRANSITIONS:
        raise ValidationError({"status": _("Not a status a convention can be moved to.")})
    if to == Convention.Status.SUSPENDED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the suspension.")})
    with transaction.atomic():
        before = _transition(convention, allowed_from=CONVENTION_TRANSITIONS[to], to=to)
        convention.save(update_fields=["status", "updated_at"])
        _audit_transition(actor, convention, before, **({"reason": reason.strip()} if reason.strip() else {}))
    return convention


AMENDABLE_FIELDS = ("start_date", "end_date", "target_girls", "target_boys", "target_retention",
                    "target_positive_exits")


def amendment_apply(*, actor, convention, signed_on, reason, changes, fundings=None):
    """Change targets, dates or budget lines by a signed amendment; before/after are kept in its history.

    ``changes``: {field: new value} among AMENDABLE_FIELDS; ``fundings``: {source: new amount}.
    """
    require(actor, "convention.manage", convention)
    if convention.status not in (Convention.Status.SIGNED, Convention.Status.ACTIVE, Convention.Status.SUSPENDED):
        raise ValidationError(_("Only a signed convention, not yet closed, can be amended."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValidationError(_("An amendment changes targets, budget or dates only."))
    recorded = {}
    for name, value in changes.items():
        old = getattr(convention, name)
        if value != old:
            recorded[name] = [_plain(old), _plain(value)]
            setattr(convention, name, value)
    old_fundings = {f.source: f.amount for f in convention.fundings.all()}
    new_fundings = dict(old_fundings)
    for source, amount in (fundings or {}).items():
        amount = Decimal(amount or 0)
        if amount != old_fundings.get(source, Decimal(0)):
            recorded[f"funding:{source}"] = [_plain(old_fundings.get(source, Decimal(0))), _plain(amount)]
            new_fundings[source] = amount
    if not recorded:
        raise ValidationError(_("The amendment changes nothing."))
    with transaction.atomic():
        instance_save(actor=actor, instance=convention)
        _fundings_set(convention, new_fundings)
        number = convention.amendments.count() + 1
        return instance_save(actor=actor, instance=Amendment(
            convention=convention, number=number, signed_on=signed_on, reason=reason.strip(), changes=recorded))


def _plain(value):
    return value if value is None or isinstance(value, int) else str(value)


# Reports and tranches -------------------------------------------------------------------


def report_plan(*, actor, convention, kind, period, due_on):
    """A report the association owes, with its due date."""
    require(actor, "convention.manage", convention)
    with transaction.atomic():
        return instance_save(actor=actor, instance=Report(convention=convention, kind=kind, period=period,
                                                          due_on=due_on))


def report_submit(*, actor, report, file):
    """The association submits (or resubmits after a return) its report with the file."""
    require(actor, "report.submit", report)
    if not file:
        raise ValidationError({"file": _("Attach the report.")})
    with transaction.atomic():
        before = _transition(report, allowed_from=[Report.Status.EXPECTED, Report.Status.RETURNED],
                             to=Report.Status.SUBMITTED)
        report.file, report.submitted_on = file, timezone.localdate()
        report.save(update_fields=["status", "file", "submitted_on", "updated_at"])
        _audit_transition(actor, report, before)
    return report


def report_review(*, actor, report, approved, comments=""):
    """The public party approves a submitted report, or returns it with comments (mandatory)."""
    require(actor, "report.approve", report)
    if not approved and not comments.strip():
        raise ValidationError({"comments": _("Say what must be changed before returning the report.")})
    to = Report.Status.APPROVED if approved else Report.Status.RETURNED
    with transaction.atomic():
        before = _transition(report, allowed_from=[Report.Status.SUBMITTED], to=to)
        report.comments, report.decided_on = comments.strip(), timezone.localdate()
        report.save(update_fields=["status", "comments", "decided_on", "updated_at"])
        _audit_transition(actor, report, before, **({"comments": report.comments} if report.comments else {}))
    return report


def tranche_plan(*, actor, convention, order, planned_amount, planned_on, required_reports=()):
    require(actor, "convention.manage", convention)
    reports = list(required_reports)
    if any(r.convention_id != convention.pk for r in reports):
        raise ValidationError({"required_reports": _("A tranche depends on reports of its own convention.")})
    with transaction.atomic():
        return instance_save(actor=actor, instance=Tranche(
            convention=convention, order=order, planned_amount=planned_amount, planned_on=planned_on),
            m2m={"required_reports": reports})


def tranche_release_blockers(tranche) -> list[str]:
    """Why ``tranche`` cannot be released now (empty when it can)."""
    blockers = []
    if tranche.status != Tranche.Status.PLANNED:
        blockers.append(_("This tranche has already been released."))
    if tranche.convention.status != Convention.Status.ACTIVE:
        blockers.append(_("The convention is not active (status: %(status)s).")
                        % {"status": tranche.convention.get_status_display()})
    for report in tranche.required_reports.all():
        if report.status != Report.Status.APPROVED:
            blockers.append(_("%(report)s (due %(due)s) is not approved: %(status)s.") % {
                "report": report, "due": report.due_on.isoformat(), "status": report.get_status_display()})
    earlier = [t for t in tranche.convention.tranches.all()  # prefetched on the convention's page
               if t.order < tranche.order and t.status == Tranche.Status.PLANNED]
    for other in earlier:
        blockers.append(_("%(tranche)s has not been released yet.") % {"tranche": other})
    return blockers


def tranche_release(*, actor, tranche, released_on, released_amount=None):
    """Release a planned tranche, only when the convention is active and its reports are approved."""
    require(actor, "tranche.release", tranche)
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("convention").get(pk=tranche.pk)
        blockers = tranche_release_blockers(tranche)
        if blockers:
            raise ValidationError({"status": blockers})
        if released_on > timezone.localdate():
            raise ValidationError({"released_on": _("The release date cannot be in the future.")})
        amount = tranche.planned_amount if released_amount in (None, "") else Decimal(released_amount)
        if amount <= 0 or amount > tranche.planned_amount:
            raise ValidationError({"released_amount": _("The amount released is between 0 and the planned %(amount)s.")
                                   % {"amount": tranche.planned_amount}})
        before = tranche.status
        tranche.status, tranche.released_on, tranche.released_amount = Tranche.Status.RELEASED, released_on, amount
        tranche.save(update_fields=["status", "released_on", "released_amount", "updated_at"])
        _audit_transition(actor, tranche, before, released_amount=amount)
    return tranche

