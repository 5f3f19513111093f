"""Basic skills pages: groups and their assessments, the results grid, the heat-map, remediation,
a learner's progress and bulletin, indicators, and the framework (national admins)."""

from datetime import date
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forsa.assessments import bulletin, forms, selectors, services
from forsa.assessments.models import BulletinBatch, Competency, Domain, Pole, Result
from forsa.audit.services import export_record
from forsa.centers.models import school_year_of
from forsa.centers.selectors import group_get, group_list, overview_breakdown
from forsa.core import scoping
from forsa.core.views import paginate, persons_only, run_service, scoped_or_404
from forsa.documents.pdf import stored_pdf_response
from forsa.documents.xlsx import xlsx_response
from forsa.learners.selectors import expected_learners, learner_get


@persons_only
def my_groups(request):
    school_year = school_year_of(timezone.localdate())
    page_obj = paginate(request, group_list(user=request.user, school_year=school_year))
    return render(request, "assessments/groups.html", {"page_obj": page_obj, "school_year": school_year})


@persons_only
def group_detail(request, pk):
    group = scoped_or_404(group_get, user=request.user, pk=pk)
    may_record = scoping.can(request.user, "assessment.record", group)
    form = forms.AssessmentForm(request.POST or None, framework=selectors.framework_published())
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid() and (assessment := run_service(
                form, services.assessment_create, actor=request.user, group=group,
                kind=form.cleaned_data["kind"], date=form.cleaned_data["date"], competencies=form.competencies())):
            messages.success(request, _("Assessment created: enter the results."))
            return redirect("assessments:grid", pk=assessment.pk)
    return render(request, "assessments/group.html", {
        "group": group, "form": form, "may_record": may_record,
        "assessments": selectors.assessment_list(user=request.user, group=group),
        "remediation": selectors.remediation_list(user=request.user).filter(group=group),
        "bulletin_languages": BulletinBatch.LANGUAGES,
    })


@persons_only
def grid(request, pk):
    assessment = scoped_or_404(selectors.assessment_get, user=request.user, pk=pk)
    grid = selectors.results_grid(user=request.user, assessment=assessment)
    form = forms.GridForm(request.POST or None, grid=grid)
    if _results_saved(request, form, grid):
        messages.success(request, _("Results saved."))
        return redirect("assessments:grid", pk=assessment.pk)
    return render(request, "assessments/grid.html", {"assessment": assessment, "grid": grid, "form": form})


def _results_saved(request, form, grid):
    """A POST of the grid or of one learner's results, saved all or nothing by results_save."""
    if request.method != "POST":
        return False
    if not grid.may_record:
        raise PermissionDenied
    return form.is_valid() and run_service(form, services.results_save, actor=request.user,
                                           assessment=grid.assessment, cells=form.cells()) is not None


@persons_only
def learner_results(request, pk, learner):
    """One learner's results of an assessment, competency after competency: the grid on a phone."""
    assessment = scoped_or_404(selectors.assessment_get, user=request.user, pk=pk)
    grid = selectors.results_grid(user=request.user, assessment=assessment)
    previous, current, following = scoped_or_404(grid.neighbours, pk=learner)
    form = forms.LearnerResultsForm(request.POST or None, grid=grid, learner=current)
    if _results_saved(request, form, grid):
        messages.success(request, _("Results of %(learner)s saved.") % {"learner": current.full_name})
        after = following if following and "next" in request.POST else current
        return redirect("assessments:learner_results", pk=assessment.pk, learner=after.pk)
    return render(request, "assessments/learner_results.html", {
        "assessment": assessment, "grid": grid, "form": form, "learner": current, "previous": previous,
        "following": following, "position": grid.learners.index(current) + 1})


@persons_only
def grid_export(request, pk):
    """The results grid as .xlsx: one row per learner, one column per competency (level, "abs" or empty)."""
    assessment = scoped_or_404(selectors.assessment_get, user=request.user, pk=pk)
    grid = selectors.results_grid(user=request.user, assessment=assessment)
    absent = _("Abs.")
    rows = [[learner.full_name, *[absent if value == "absent" else value for _c, value in cells]]
            for learner, cells in grid.rows()]
    return xlsx_response(sheet=assessment.get_kind_display()[:31],
                         filename=f"results-{assessment.group.pk}-{assessment.date:%Y-%m-%d}-{assessment.kind}.xlsx",
                         columns=[_("Learner"), *[c.code for c in grid.competencies]], rows=rows,
                         record=partial(export_record, actor=request.user, model=Result,
                                        filters={"assessment": assessment.pk}))


@persons_only
def heatmap(request, pk):
    group = scoped_or_404(group_get, user=request.user, pk=pk)
    chosen = request.GET.get("assessment")
    assessment = scoped_or_404(selectors.assessment_get, user=request.user, pk=chosen) if chosen and \
        chosen.isdigit() else None
    if assessment is not None and assessment.group_id != group.pk:
        raise Http404
    return render(request, "assessments/heatmap.html", {"group": group} | selectors.group_heatmap(
        user=request.user, group=group, assessment=assessment))


def _threshold(value):
    return int(value) if value and value.isdigit() and 2 <= int(value) <= 6 else selectors.DEFAULT_THRESHOLD


@persons_only
def suggestions(request, pk):
    group = scoped_or_404(group_get, user=request.user, pk=pk)
    threshold = _threshold(request.GET.get("threshold"))
    found = selectors.remediation_suggestions(user=request.user, group=group, threshold=threshold)
    may_manage = scoping.can(request.user, "remediation.manage", group.center)
    learners = expected_learners(group=group, day=timezone.localdate()).values()
    competencies = selectors.published_competencies()
    form = forms.RemediationGroupForm(request.POST or None, learners=learners, competencies=competencies, initial={
        "learners": request.GET.getlist("learner"), "competencies": request.GET.getlist("competency")})
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid() and (remediation := run_service(
                form, services.remediation_group_create, actor=request.user, center=group.center, group=group,
                **form.service_fields())):
            messages.success(request, _("Remediation group created."))
            return redirect("assessments:remediation", pk=remediation.pk)
    return render(request, "assessments/suggestions.html", {
        "group": group, "threshold": threshold, "suggestions": found, "form": form, "may_manage": may_manage,
        "thresholds": range(2, 5)})


@persons_only
def remediation_detail(request, pk):
    remediation = scoped_or_404(selectors.remediation_get, user=request.user, pk=pk)
    may_manage = scoping.can(request.user, "remediation.manage", remediation.center)
    form = forms.RemediationSessionForm(request.POST or None, members=remediation.learners.all())
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid() and run_service(form, services.remediation_session_record, actor=request.user,
                                           remediation_group=remediation, **form.service_fields()):
            messages.success(request, _("Session recorded."))
            return redirect("assessments:remediation", pk=remediation.pk)
    return render(request, "assessments/remediation.html", {
        "remediation": remediation, "form": form, "may_manage": may_manage,
        "change": selectors.remediation_change(remediation_group=remediation)})


@require_POST
@persons_only
def remediation_close(request, pk):
    remediation = scoped_or_404(selectors.remediation_get, user=request.user, pk=pk)
    services.remediation_group_close(actor=request.user, remediation_group=remediation)
    messages.success(request, _("Remediation group closed."))
    return redirect("assessments:remediation", pk=remediation.pk)


@persons_only
def learner_progress(request, pk):
    learner = scoped_or_404(learner_get, user=request.user, pk=pk)
    return render(request, "assessments/learner.html", {"learner": learner} | selectors.learner_progress(
        learner=learner))


@persons_only
def learner_bulletin(request, pk, language):
    learner = scoped_or_404(learner_get, user=request.user, pk=pk)
    if language not in BulletinBatch.LANGUAGES:
        raise Http404
    try:  # the report as of a date (the end of a stage, of the school year); today by default
        until = min(date.fromisoformat(request.GET.get("until", "")), timezone.localdate())
    except ValueError:
        until = timezone.localdate()
    with translation.override(language):
        return bulletin.bulletin_response(actor=request.user, learner=learner, language=language, until=until)


@require_POST
@persons_only
def bulletin_batch_request(request, pk):
    """Ask for the group's bulletins in one PDF (POST: language), then follow its making."""
    group = scoped_or_404(group_get, user=request.user, pk=pk)
    try:
        with transaction.atomic():
            batch = services.bulletin_batch_request(actor=request.user, group=group,
                                                    language=request.POST.get("language", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:group", pk=group.pk)
    return redirect("assessments:bulletin_batch", pk=batch.pk)


@persons_only
def bulletin_batch(request, pk):
    """A group's bulletins being made (polled by htmx until they are), then their download link."""
    batch = scoped_or_404(selectors.bulletin_batch_get, user=request.user, pk=pk)
    template = "assessments/includes/bulletin_batch_status.html" if request.htmx else "assessments/bulletin_batch.html"
    return render(request, template, {"batch": batch})


@persons_only
def bulletin_batch_download(request, pk):
    batch = scoped_or_404(selectors.bulletin_batch_get, user=request.user, pk=pk)
    response = stored_pdf_response(batch)
    services.bulletin_batch_downloaded(actor=request.user, batch=batch)
    return response


def indicators(request):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    school_year = request.GET.get("school_year") or school_year_of(timezone.localdate())
    if not forms.SCHOOL_YEAR.fullmatch(school_year):
        school_year = school_year_of(timezone.localdate())
    level, within, place = overview_breakdown(user=request.user, region=_int(request.GET.get("region")),
                                              province=_int(request.GET.get("province")))
    return render(request, "assessments/indicators.html", selectors.indicators(
        user=request.user, school_year=school_year, level=level, within=within) | {
        "years": selectors.recent_school_years(), "place": place})


def _int(value):
    return int(value) if value and value.isdigit() else None


# ---------------------------------------------------------------------------
# The framework (national admins edit; every signed-in user may read it)


def _framework_manager(request):
    if not scoping.can(request.user, "framework.manage"):
        raise PermissionDenied


def framework_list(request):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    return render(request, "assessments/frameworks.html", {
        "frameworks": selectors.framework_list(), "may_manage": scoping.can(request.user, "framework.manage")})


def framework_detail(request, pk):
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    framework = scoped_or_404(selectors.framework_get, pk=pk)
    may_manage = scoping.can(request.user, "framework.manage")
    return render(request, "assessments/framework.html", selectors.framework_tree(framework=framework) | {
        "may_manage": may_manage, "editable": may_manage and not framework.is_frozen})


@require_POST
def framework_draft(request, pk):
    _framework_manager(request)
    source = scoped_or_404(selectors.framework_get, pk=pk)
    try:
        draft = services.framework_draft_create(actor=request.user, source=source)
    except services.ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:framework", pk=source.pk)
    messages.success(request, _("Draft version created: edit it, then publish it."))
    return redirect("assessments:framework", pk=draft.pk)


@require_POST
def framework_publish(request, pk):
    _framework_manager(request)
    framework = scoped_or_404(selectors.framework_get, pk=pk)
    try:
        services.framework_publish(actor=request.user, framework=framework)
        messages.success(request, _("Version published: new assessments use it."))
    except services.ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assessments:framework", pk=framework.pk)


def competency_edit(request, pk, competency=None):
    _framework_manager(request)
    framework = scoped_or_404(selectors.framework_get, pk=pk)
    instance = scoped_or_404(selectors.competency_get, framework=framework, pk=competency) if competency \
        else Competency()
    form = forms.CompetencyForm(request.POST or None, instance=instance, framework=framework)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.competency_save, actor=request.user, competency=form.instance):
        messages.success(request, _("Competency saved."))
        return redirect("assessments:framework", pk=framework.pk)
    return render(request, "assessments/competency_form.html", {"framework": framework, "form": form,
                                                                "competency": instance})


def domain_edit(request, pk, domain=None):
    _framework_manager(request)
    framework = scoped_or_404(selectors.framework_get, pk=pk)
    instance = scoped_or_404(selectors.domain_get, framework=framework, pk=domain) if domain else Domain()
    form = forms.DomainForm(request.POST or None, framework=framework, domain=instance if domain else None)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.domain_save, actor=request.user, domain=instance, **form.service_fields()):
        messages.success(request, _("Domain saved.") if domain else _("Domain added."))
        return redirect("assessments:framework", pk=framework.pk)
    return render(request, "assessments/competency_form.html", {
        "framework": framework, "form": form, "title": instance.code if domain else _("New domain")})


def pole_edit(request, pk, pole=None):
    _framework_manager(request)
    framework = scoped_or_404(selectors.framework_get, pk=pk)
    instance = scoped_or_404(selectors.pole_get, framework=framework, pk=pole) if pole else Pole(framework=framework)
    form = forms.PoleForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.pole_save, actor=request.user, pole=form.instance):
        messages.success(request, _("Pole saved."))
        return redirect("assessments:framework", pk=framework.pk)
    return render(request, "assessments/competency_form.html", {
        "framework": framework, "form": form, "title": instance.code if pole else _("New pole")})


def scale_edit(request, pk):
    _framework_manager(request)
    framework = scoped_or_404(selectors.framework_get, pk=pk)
    form = forms.ScaleForm(request.POST or None, framework=framework, scale=selectors.scale_of(framework))
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.scale_save, actor=request.user, framework=framework, **form.service_fields()):
        messages.success(request, _("Scale saved."))
        return redirect("assessments:framework", pk=framework.pk)
    return render(request, "assessments/competency_form.html", {
        "framework": framework, "form": form, "title": _("Scale of levels")})


def learner_file_section(request, learner):
    """The learner file's link to basic skills (registered in core.sections for learners.file)."""
    return {"learner": learner}
