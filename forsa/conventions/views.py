"""Conventions: calls, applications and their review, ranking and decision, conventions with their
performance, amendments, reports and tranches; the PDF summary and the Excel list."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forsa.audit.selectors import history_for
from forsa.conventions import forms, selectors, services
from forsa.conventions.documents import convention_summary, convention_workbook
from forsa.conventions.filters import ApplicationFilter, ConventionFilter
from forsa.conventions.models import Application, CallForProjects, Tranche
from forsa.core import scoping
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


def _action(request, form, service, *, title, back, done, using, context=None):
    """A form that runs one service (with ``using`` and the form's data), then back to ``back``."""
    return form_action(request, form, service, template="conventions/form.html",
                       context={"title": title, "back": back} | (context or {}), done=done, success_url=back,
                       using=using)


def _button(request, service, *, back, done, **using):
    """A POST button (no form fields): the service's refusal comes back as a message."""
    try:
        service(actor=request.user, **using)
        messages.success(request, done)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(back)


# Calls -----------------------------------------------------------------------------------


@persons_only
def call_list(request):
    return render(request, "conventions/calls.html", {
        "page_obj": paginate(request, selectors.call_list(user=request.user)),
        "can_create": scoping.can_anywhere(request.user, "call.manage"),
        "reviews": selectors.my_reviews(user=request.user).exclude(status="submitted")[:20],
    })


@persons_only
def call_create(request):
    owners = selectors.call_owner_choices(user=request.user)
    if not owners.exists():
        raise PermissionDenied
    form = forms.CallForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        call = run_service(form, services.call_create, actor=request.user, **form.service_fields())
        if call:
            messages.success(request, _("Call for projects created as a draft."))
            return redirect("conventions:call", pk=call.pk)
    return render(request, "conventions/form.html", {"form": form, "title": _("New call for projects"),
                                                     "back": reverse("conventions:calls")})


@persons_only
def call_detail(request, pk):
    call = scoped_for(request, selectors.call_get, pk)
    associations = selectors.applicant_associations(user=request.user)
    return render(request, "conventions/call.html", {
        "call": call, "may_manage": selectors.may_manage_call(user=request.user, call=call),
        "may_apply": call.status == CallForProjects.Status.OPEN and associations.exists(),
        "applications": selectors.application_list(user=request.user).filter(call=call),
    })


@persons_only
@require_POST
def call_status(request, pk):
    call = scoped_for(request, selectors.call_get, pk)
    service, done = {"open": (services.call_open, _("Call opened.")), "close": (services.call_close, _("Call closed.")),
                     "decided": (services.call_decide, _("Call marked as decided."))}.get(
        request.POST.get("to"), (None, None))
    if service is None:
        raise Http404
    return _button(request, service, call=call, back=reverse("conventions:call", args=[pk]), done=done)


@persons_only
def call_ranking(request, pk):
    call = scoped_for(request, selectors.call_get, pk)
    if not selectors.may_manage_call(user=request.user, call=call):
        raise PermissionDenied
    return render(request, "conventions/ranking.html", {
        "call": call, "ranking": selectors.call_ranking(user=request.user, call=call)})


# Applications ----------------------------------------------------------------------------


def _application_form(request, call, associations, instance=None):
    """Centres of the association; for a new site, the communes of a regional call's region."""
    centers = selectors.association_centers(user=request.user, associations=associations)
    communes = selectors.call_communes(call=call)
    return forms.ApplicationForm(request.POST or None, instance=instance, associations=associations,
                                 centers=centers, communes=communes)


@persons_only
def application_list(request):
    filterset = ApplicationFilter(request.GET, queryset=selectors.application_list(user=request.user),
                                  user=request.user)
    return render(request, list_template(request, "conventions/applications.html"), {
        "filter": filterset, "page_obj": paginate(request, filterset.qs)})


@persons_only
def application_create(request, pk):
    call = scoped_for(request, selectors.call_get, pk)
    associations = selectors.applicant_associations(user=request.user)
    if not associations.exists():
        raise PermissionDenied
    form = _application_form(request, call, associations)
    if request.method == "POST" and form.is_valid():
        application = run_service(form, services.application_save, actor=request.user, call=call,
                                  **form.service_fields())
        if application:
            messages.success(request, _("Application saved as a draft: attach its documents, then submit it."))
            return redirect("conventions:application", pk=application.pk)
    return render(request, "conventions/form.html", {"form": form, "title": _("Apply to %(call)s") % {
        "call": call.reference}, "back": reverse("conventions:call", args=[pk])})


@persons_only
def application_edit(request, pk):
    application = scoped_for(request, selectors.application_get, pk, "application.submit")
    form = _application_form(request, application.call, selectors.application_association(application=application),
                             application)
    back = reverse("conventions:application", args=[pk])
    return _action(request, form, services.application_save, title=_("Edit the application"), back=back,
                   done=_("Application saved."), using={"call": application.call, "application": application})


@persons_only
def application_detail(request, pk):
    application = scoped_for(request, selectors.application_get, pk)
    user = request.user
    may_decide = scoping.can(user, "application.decide", application)
    return render(request, "conventions/application.html", {
        "application": application,
        "may_edit": application.status == Application.Status.DRAFT and scoping.can(
            user, "application.submit", application),
        "may_decide": may_decide,
        "reviews": application.reviews.all() if may_decide else [r for r in application.reviews.all()
                                                                  if r.reviewer_id == user.pk],
        "convention": selectors.convention_of_application(user=user, application=application),
        "may_make_convention": application.status == Application.Status.RETAINED and scoping.can(
            user, "convention.manage", region=application.call.region_id, association=application.association_id),
        "document_form": forms.DocumentForm(),
        "required_documents": selectors.required_documents(application=application),
    })


@persons_only
def application_document_add(request, pk):
    application = scoped_for(request, selectors.application_get, pk, "application.submit")
    return _action(request, forms.DocumentForm(request.POST or None, request.FILES or None),
                   services.application_document_add, title=_("Attach a document"),
                   back=reverse("conventions:application", args=[pk]), done=_("Document attached."),
                   using={"application": application}, context={"multipart": True})


@persons_only
def application_document(request, pk):
    """A document of an application, stored outside the web root: only for those who see the application."""
    document = scoped_for(request, selectors.document_get, pk)
    return stored_file(document.file, f"application-{document.application_id}-{document.kind}")


@persons_only
@require_POST
def application_submit(request, pk):
    application = scoped_for(request, selectors.application_get, pk, "application.submit")
    return _button(request, services.application_submit, application=application,
                   back=reverse("conventions:application", args=[pk]), done=_("Application submitted."))


@persons_only
def review_assign(request, pk):
    application = scoped_for(request, selectors.application_get, pk, "application.decide")
    form = forms.AssignForm(request.POST or None, reviewers=selectors.reviewer_candidates(application=application))
    return _action(request, form, services.review_assign, title=_("Assign a reviewer"),
                   back=reverse("conventions:application", args=[pk]), done=_("Reviewer assigned."),
                   using={"application": application})


@persons_only
def review_list(request):
    return render(request, "conventions/reviews.html", {
        "page_obj": paginate(request, selectors.my_reviews(user=request.user))})


@persons_only
def review_edit(request, pk):
    review = scoped_or_404(selectors.review_get, user=request.user, pk=pk)
    application = review.application
    form = forms.ReviewForm(request.POST or None, criteria=application.call.criteria.all(),
                            initial_scores=review.scores, initial={"comment": review.comment})
    return _action(request, form, services.review_submit, title=_("Score the application"),
                   back=reverse("conventions:application", args=[application.pk]), done=_("Review saved."),
                   using={"review": review}, context={"application": application})


@persons_only
def application_decide(request, pk):
    application = scoped_for(request, selectors.application_get, pk, "application.decide")
    return _action(request, forms.DecisionForm(request.POST or None), services.application_decide,
                   title=_("Decide on the application"), back=reverse("conventions:application", args=[pk]),
                   done=_("Decision recorded."), using={"application": application},
                   context={"application": application})


@persons_only
def convention_from_application(request, pk):
    application = scoped_for(request, selectors.application_get, pk)
    if not scoping.can(request.user, "convention.manage", region=application.call.region_id,
                       association=application.association_id):
        raise PermissionDenied
    form = forms.ConventionFromApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        convention = run_service(form, services.convention_from_application, actor=request.user,
                                 application=application, **form.service_fields())
        if convention:
            messages.success(request, _("Draft convention created."))
            return redirect("conventions:detail", pk=convention.pk)
    return render(request, "conventions/form.html", {
        "form": form, "title": _("Convention of the application"), "application": application,
        "back": reverse("conventions:application", args=[pk])})


# Conventions -----------------------------------------------------------------------------


def _filtered_conventions(request):
    return ConventionFilter(request.GET, queryset=selectors.convention_list(user=request.user), user=request.user)


@persons_only
def convention_list(request):
    filterset = _filtered_conventions(request)
    page_obj = paginate(request, filterset.qs)
    performance = selectors.performance_of(page_obj)
    return render(request, list_template(request, "conventions/list.html"), {
        "filter": filterset, "page_obj": page_obj, "rows": [performance[c.pk] for c in page_obj],
        "export_query": request.GET.urlencode(),
    })


@persons_only
def convention_export(request):
    filterset = _filtered_conventions(request)
    if not filterset.is_valid():  # the list page with the form's errors, not a workbook of something else
        response = convention_list(request)
        response.status_code = 400
        return response
    return convention_workbook(actor=request.user, conventions=filterset.qs, filters=request.GET.dict())


@persons_only
def convention_detail(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk)
    user = request.user
    today = timezone.localdate()
    return render(request, "conventions/detail.html", {
        "convention": convention, "perf": selectors.performance_of([convention], today=today)[convention.pk],
        "today": today, "tranches": [(t, services.tranche_release_blockers(t)) for t in convention.tranches.all()],
        "may_manage": scoping.can(user, "convention.manage", convention),
        "may_submit": scoping.can(user, "report.submit", convention),
        "may_approve": scoping.can(user, "report.approve", convention),
        "may_release": scoping.can(user, "tranche.release", convention),
        "history": history_for(user=user, target=convention),
    })


@persons_only
def convention_pdf(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk)
    language = request.GET.get("lang") if request.GET.get("lang") in ("fr", "ar", "en") else translation.get_language()
    return convention_summary(convention=convention, language=language)


@persons_only
def convention_signed_document(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk)
    return stored_file(convention.signed_document, f"convention-{convention.pk}-signed")


@persons_only
def convention_edit(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk, "convention.manage")
    centers = selectors.association_centers(user=request.user, associations=[convention.association_id])
    form = forms.ConventionForm(request.POST or None, instance=convention, centers=centers)
    return _action(request, form, services.convention_update, title=_("Edit the draft convention"),
                   back=reverse("conventions:detail", args=[pk]), done=_("Convention saved."),
                   using={"convention": convention})


@persons_only
def convention_sign(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk, "convention.manage")
    return _action(request, forms.SignForm(request.POST or None, request.FILES or None), services.convention_sign,
                   title=_("Record the signature"), back=reverse("conventions:detail", args=[pk]),
                   done=_("Convention signed."), using={"convention": convention}, context={"multipart": True})


@persons_only
def convention_status(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk, "convention.manage")
    return _action(request, forms.TransitionForm(request.POST or None, initial={"to": request.GET.get("to")}),
                   services.convention_transition, title=_("Change the status"),
                   back=reverse("conventions:detail", args=[pk]), done=_("Status changed."),
                   using={"convention": convention})


@persons_only
def amendment_create(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk, "convention.manage")
    return _action(request, forms.AmendmentForm(request.POST or None, convention=convention),
                   services.amendment_apply, title=_("Record an amendment"),
                   back=reverse("conventions:detail", args=[pk]), done=_("Amendment recorded."),
                   using={"convention": convention})


@persons_only
def report_plan(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk, "convention.manage")
    return _action(request, forms.ReportPlanForm(request.POST or None), services.report_plan,
                   title=_("Expect a report"), back=reverse("conventions:detail", args=[pk]),
                   done=_("Report expected."), using={"convention": convention})


@persons_only
def report_submit(request, pk):
    report = scoped_for(request, selectors.report_get, pk, "report.submit")
    return _action(request, forms.ReportSubmitForm(request.POST or None, request.FILES or None),
                   services.report_submit, title=_("Submit the report"),
                   back=reverse("conventions:detail", args=[report.convention_id]), done=_("Report submitted."),
                   using={"report": report}, context={"multipart": True, "report": report})


@persons_only
def report_review(request, pk):
    report = scoped_for(request, selectors.report_get, pk, "report.approve")
    return _action(request, forms.ReportReviewForm(request.POST or None), services.report_review,
                   title=_("Approve or return the report"),
                   back=reverse("conventions:detail", args=[report.convention_id]), done=_("Report reviewed."),
                   using={"report": report}, context={"report": report})


@persons_only
def report_file(request, pk):
    report = scoped_for(request, selectors.report_get, pk)
    return stored_file(report.file, f"report-{report.convention_id}-{report.kind}-{report.pk}")


@persons_only
def tranche_plan(request, pk):
    convention = scoped_for(request, selectors.convention_get, pk, "convention.manage")
    return _action(request, forms.TranchePlanForm(request.POST or None, convention=convention),
                   services.tranche_plan, title=_("Plan a tranche"), back=reverse("conventions:detail", args=[pk]),
                   done=_("Tranche planned."), using={"convention": convention})


@persons_only
def tranche_release(request, pk):
    tranche = scoped_for(request, selectors.tranche_get, pk, "tranche.release")
    if tranche.status != Tranche.Status.PLANNED:
        raise Http404
    return _action(request, forms.TrancheReleaseForm(request.POST or None, initial={
        "released_on": timezone.localdate()}), services.tranche_release, title=_("Release the tranche"),
        back=reverse("conventions:detail", args=[tranche.convention_id]), done=_("Tranche released."),
        using={"tranche": tranche}, context={"blockers": services.tranche_release_blockers(tranche)})



