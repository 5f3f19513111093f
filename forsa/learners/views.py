"""Learners: list and search, the file, intake, edit, transfer, exit, follow-ups and the access log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forsa.centers.selectors import center_get
from forsa.core import scoping, sections
from forsa.core.views import (
    form_action,
    list_template,
    paginate,
    persons_only,
    run_service,
    scoped_for,
    scoped_or_404,
    stored_file,
)
from forsa.learners import forms, selectors, services
from forsa.learners.filters import LearnerFilter
from forsa.learners.models import Learner, LeftReason


def _learner_for(request, pk, permission):
    return scoped_for(request, selectors.learner_get, pk, permission)


def _active_enrollment(learner):
    enrollment = selectors.active_enrollment(learner)
    if enrollment is None:
        raise Http404
    return enrollment


def _action(request, form, service, *, learner, title, done, using, success_url=None):
    """A small form about one learner: run one service (with ``using`` and the form's data), back to the file."""
    return form_action(request, form, service, template="learners/form.html",
                       context={"learner": learner, "title": title}, done=done, using=using,
                       success_url=success_url or reverse("learners:detail", args=[learner.pk]))


@persons_only
def learner_list(request):
    filterset = LearnerFilter(request.GET, queryset=selectors.learner_list(user=request.user), user=request.user)
    return render(request, list_template(request, "learners/list.html"), {
        "filter": filterset, "page_obj": paginate(request, filterset.qs, deferred_join=True),
        "can_create": scoping.can_anywhere(request.user, "learner.create"),
    })


@persons_only
def learner_detail(request, pk):
    learner = scoped_or_404(selectors.learner_file, user=request.user, pk=pk)
    services.learner_file_viewed(actor=request.user, learner=learner)
    return render(request, "learners/detail.html", {
        "learner": learner, "active": selectors.active_enrollment(learner), "today": timezone.localdate(),
        "sections": sections.for_page("learners.file", request, learner),
        "reasons_left": [LeftReason(reason).label for reason in learner.reasons_left if reason in LeftReason.values],
        "sensitive": selectors.sees_sensitive(user=request.user, learner=learner),
        "may": {action: scoping.can(request.user, f"learner.{action}", learner)
                for action in ("change", "exit", "access_log")}
        | {"transfer": scoping.can_anywhere(request.user, "learner.transfer"),
           "enroll": scoping.can_anywhere(request.user, "learner.create")},
    })


def _intake_centers(request):
    """The centres the user may enrol in; ``?center=`` narrows to one (404 out of scope)."""
    centers = selectors.centers_where(user=request.user, permission="learner.create")
    chosen = request.GET.get("center", "")
    if chosen:
        center = scoped_or_404(center_get, user=request.user, pk=int(chosen) if chosen.isdigit() else 0)
        centers = centers.filter(pk=center.pk)
    if not centers:
        raise PermissionDenied
    return centers


@persons_only
def learner_create(request):
    centers = _intake_centers(request)
    sensitive = any(scoping.can(request.user, "learner.sensitive", center) for center in centers)
    form = forms.IntakeForm(request.POST or None, request.FILES or None, user=request.user, centers=centers,
                            sensitive=sensitive)
    matches = None
    if request.method == "POST" and form.is_valid():
        learner = run_service(form, services.learner_intake, actor=request.user, **form.service_fields(),
                              denied=("center", _("You may not register this learner in this centre.")))
        if learner:
            messages.success(request, _("Learner registered."))
            return redirect("learners:detail", pk=learner.pk)
        if form.found_duplicates():
            matches = selectors.duplicate_matches(user=request.user, **form.identity())
    return render(request, "learners/intake.html", {
        "form": form, "matches": matches, "can_transfer": scoping.can_anywhere(request.user, "learner.transfer"),
    })


@persons_only
def group_options(request):
    """The intake form's groups for the chosen centre and school year (htmx)."""
    centers = selectors.centers_where(user=request.user, permission="learner.create")
    form = forms.IntakeForm(user=request.user, centers=centers, sensitive=False, initial={
        "center": request.GET.get("center", ""), "school_year": request.GET.get("school_year", "")})
    return render(request, "learners/includes/groups_field.html", {"field": form["groups"]})


@persons_only
def learner_edit(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    form = forms.LearnerForm(request.POST or None, learner=learner, user=request.user,
                             sensitive=selectors.sees_sensitive(user=request.user, learner=learner))
    matches = None
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.learner_update, actor=request.user, learner=learner, **form.service_fields()):
            messages.success(request, _("Learner updated."))
            return redirect("learners:detail", pk=learner.pk)
        if form.found_duplicates():
            matches = selectors.duplicate_summary(user=request.user, exclude_pk=learner.pk, **form.identity())
        learner.refresh_from_db()  # the page names the learner as saved, not as typed
    return render(request, "learners/form.html", {"form": form, "learner": learner, "matches": matches,
                                                  "title": _("Edit the learner")})


@persons_only
def learner_enroll(request, pk):
    """Enrol again a learner who left: the earlier enrolments and the exit stay in their history."""
    learner = scoped_or_404(selectors.learner_get, user=request.user, pk=pk)
    if learner.status != Learner.Status.EXITED:
        raise Http404
    centers = selectors.enrollment_centers(user=request.user)
    if not centers:
        raise PermissionDenied
    form = forms.EnrollForm(request.POST or None, user=request.user, centers=centers, learner=learner)
    return _action(request, form, services.learner_enroll, learner=learner, using={"learner": learner},
                   title=_("Enrol again"), done=_("Learner enrolled again."))


def _transfer(request, learner, match=None):
    """Move a learner to a centre the user may transfer to (a director pulls into their own centre)."""
    if not scoping.can_anywhere(request.user, "learner.transfer"):
        raise PermissionDenied
    form = forms.TransferForm(request.POST or None, centers=forms.transfer_centers(user=request.user, learner=learner))
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.learner_transfer, actor=request.user, learner=learner, **form.cleaned_data):
            messages.success(request, _("Learner transferred."))
            return redirect("learners:detail", pk=learner.pk)
    return render(request, "learners/transfer.html", {"form": form, "learner": learner, "match": match})


@persons_only
def learner_transfer(request, pk):
    return _transfer(request, scoped_or_404(selectors.learner_get, user=request.user, pk=pk))


@persons_only
def learner_transfer_in(request, reference):
    """Take over a learner found at intake in another scope: only the match summary is shown."""
    learner, match = scoped_or_404(selectors.transfer_in_get, user=request.user, reference=reference)
    return _transfer(request, learner, match)


@persons_only
def learner_exit(request, pk):
    learner = _learner_for(request, pk, "learner.exit")
    return _action(request, forms.ExitForm(request.POST or None), services.learner_exit, learner=learner,
                   using={"learner": learner}, title=_("Record the exit"),
                   done=_("Exit recorded; follow-ups are scheduled."))


@persons_only
def follow_up_list(request):
    return render(request, "learners/follow_ups.html", {
        "page_obj": paginate(request, selectors.follow_up_worklist(user=request.user)),
        "today": timezone.localdate(),
    })


@persons_only
def follow_up_record(request, pk):
    follow_up = scoped_or_404(selectors.follow_up_get, user=request.user, pk=pk)
    if not scoping.can(request.user, "learner.exit", follow_up.learner):
        raise PermissionDenied
    return _action(request, forms.FollowUpForm(request.POST or None), services.follow_up_record,
                   learner=follow_up.learner, using={"follow_up": follow_up},
                   success_url=reverse("learners:follow_ups"), title=_("Record the follow-up"),
                   done=_("Follow-up recorded."))


@persons_only
def learner_access_log(request, pk):
    learner = _learner_for(request, pk, "learner.access_log")
    entries = selectors.access_log(user=request.user, learner=learner)
    return render(request, "learners/access_log.html", {"learner": learner, "page_obj": paginate(request, entries)})


# The learner's pathway and family: one small form each


@persons_only
def stage_advance(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    return _action(request, forms.StageForm(request.POST or None), services.pathway_advance, learner=learner,
                   using={"enrollment": _active_enrollment(learner)}, title=_("Move to another stage"),
                   done=_("Stage recorded."))


@persons_only
def track_start(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    return _action(request, forms.TrackForm(request.POST or None), services.track_start, learner=learner,
                   using={"enrollment": _active_enrollment(learner)}, title=_("Start a track"),
                   done=_("Track started."))


@persons_only
def group_place(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    enrollment = _active_enrollment(learner)
    form = forms.PlacementForm(request.POST or None, user=request.user, enrollment=enrollment)
    return _action(request, form, services.learner_place, learner=learner, using={"enrollment": enrollment},
                   title=_("Place in a group"), done=_("Learner placed in the group."))


@persons_only
def plan_edit(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    enrollment = _active_enrollment(learner)
    form = forms.PlanForm(request.POST or None, instance=selectors.plan_of(enrollment))
    return _action(request, form, services.plan_set, learner=learner, using={"enrollment": enrollment},
                   title=_("Individual plan"), done=_("Individual plan saved."))


@persons_only
def plan_review(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    plan = selectors.plan_of(_active_enrollment(learner))
    if plan is None:
        messages.error(request, _("Write the plan's goals before its first review."))
        return redirect("learners:plan", pk=learner.pk)
    return _action(request, forms.PlanReviewForm(request.POST or None), services.plan_review_add, learner=learner,
                   using={"plan": plan}, title=_("Review the individual plan"), done=_("Review recorded."))


@persons_only
def guardian_add(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    return _action(request, forms.GuardianForm(request.POST or None), services.guardian_add, learner=learner,
                   using={"learner": learner}, title=_("Add a guardian"), done=_("Guardian added."))


@persons_only
def consent_add(request, pk):
    learner = _learner_for(request, pk, "learner.change")
    form = forms.ConsentForm(request.POST or None, request.FILES or None, learner=learner)
    return _action(request, form, services.consent_record, learner=learner, using={"learner": learner},
                   title=_("Record a consent"), done=_("Consent recorded."))


def _consent_for(request, pk, consent_pk):
    consent = scoped_or_404(selectors.consent_get, user=request.user, pk=consent_pk)
    if consent.learner_id != pk:
        raise Http404
    if not scoping.can(request.user, "learner.change", consent.learner):
        raise PermissionDenied
    return consent


@persons_only
def consent_withdraw(request, pk, consent_pk):
    consent = _consent_for(request, pk, consent_pk)
    return _action(request, forms.ConsentWithdrawForm(request.POST or None), services.consent_withdraw,
                   learner=consent.learner, using={"consent": consent}, title=WITHDRAW_TITLES[consent.purpose],
                   done=_("Consent withdrawn."))


WITHDRAW_TITLES = {
    "data": gettext_lazy("Withdraw the consent to data processing"),
    "photos": gettext_lazy("Withdraw the consent to photos"),
}


@persons_only
def consent_document(request, pk, consent_pk):
    """The signed consent form, stored outside the web root: only for the learner's staff."""
    consent = _consent_for(request, pk, consent_pk)
    if not consent.document:
        raise Http404
    services.consent_document_downloaded(actor=request.user, consent=consent)
    return stored_file(consent.document, f"consent-{consent.learner_id}-{consent.purpose}")
