"""Early-warning pages: the worklist, a learner's risk (reasons, history, alerts, interventions), the
effect of interventions, the thresholds (national, and a centre's cap). The score is advice to a named
person, never a decision: every page says so."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forsa.centers.selectors import center_choices, center_get, region_choices
from forsa.core import scoping
from forsa.core.views import paginate, persons_only, run_service, scoped_or_404
from forsa.earlywarning import selectors, services
from forsa.earlywarning.explain import card_in_words
from forsa.earlywarning.forms import AssignForm, CloseForm, InterventionForm, RiskFilterForm, ThresholdForm
from forsa.learners.selectors import sees_sensitive


@login_required
def risk_list(request):
    scope = scoping.scope_of(request.user)
    context = {"level": scoping.overview_level(request.user), "model": selectors.active_model_card(),
               "may_set_thresholds": scoping.can(request.user, "earlywarning.thresholds"),
               "own_center": selectors.center_for_thresholds(user=request.user)}
    if not scope.is_national and not scope.ids("region") and not scope.ids("province") and scope.sees_persons:
        context["counts"] = None  # a centre's staff read the list itself
    else:
        context["counts"] = selectors.risk_counts(user=request.user, level=context["level"])
    if scope.sees_persons:
        form = RiskFilterForm(request.GET, centers=center_choices(user=request.user),
                              regions=region_choices(user=request.user))
        filters = form.filters()
        context |= {"form": form, "mine": selectors.my_new_alerts(user=request.user)[:20],
                    "page_obj": paginate(request, selectors.worklist(user=request.user, **filters),
                                         count=selectors.worklist_count(user=request.user, **filters))}
    return render(request, "earlywarning/list.html", context)


def _learner_context(request, learner_pk):
    learner = scoped_or_404(selectors.learner_get, user=request.user, pk=learner_pk)
    risk = selectors.learner_risk_of(user=request.user, learner=learner)
    alerts = list(selectors.alerts_of(user=request.user, learner=learner))
    open_alert = next((alert for alert in alerts if alert.status == "open"), None)
    may_act = scoping.can(request.user, "earlywarning.act", learner)
    sensitive = sees_sensitive(user=request.user, learner=learner)
    return {
        "learner": learner, "risk": risk, "alerts": alerts, "open_alert": open_alert, "may_act": may_act,
        "sensitive": sensitive,
        "history": selectors.score_history(user=request.user, learner=learner),
        "interventions": selectors.interventions_of(user=request.user, learner=learner),
        "intervention_form": InterventionForm(sensitive=sensitive),
        "assign_form": AssignForm(staff=selectors.staff_choices(center_id=open_alert.center_id),
                                  initial={"assignee": open_alert.assigned_to_id}) if open_alert else None,
        "close_form": CloseForm(),
    }


@persons_only
def learner_risk(request, pk):
    return render(request, "earlywarning/learner.html", _learner_context(request, pk))


def _post_form(request, learner_pk, form_name, form, service, done, **using):
    """Run ``service`` with the form's data, back to the learner's risk page, or the page with the errors."""
    if form.is_valid() and run_service(form, service, actor=request.user, **using, **form.service_fields()):
        messages.success(request, done)
        return redirect("earlywarning:learner", learner_pk)
    context = _learner_context(request, learner_pk) | {form_name: form}
    return render(request, "earlywarning/learner.html", context, status=422)


@persons_only
@require_POST
def intervention_add(request, pk):
    learner = scoped_or_404(selectors.learner_get, user=request.user, pk=pk)
    if not scoping.can(request.user, "earlywarning.act", learner):
        raise Http404
    open_alert = selectors.alert_list(user=request.user, status="open").filter(learner=learner).first()
    form = InterventionForm(request.POST, sensitive=sees_sensitive(user=request.user, learner=learner))
    return _post_form(request, pk, "intervention_form", form, services.intervention_record,
                      _("Intervention recorded."), learner=learner, alert=open_alert)


@persons_only
@require_POST
def alert_assign(request, pk):
    alert = scoped_or_404(selectors.alert_get, user=request.user, pk=pk)
    form = AssignForm(request.POST, staff=selectors.staff_choices(center_id=alert.center_id))
    return _post_form(request, alert.learner_id, "assign_form", form, services.alert_assign,
                      _("Alert handed over."), alert=alert)


@persons_only
@require_POST
def alert_close(request, pk):
    alert = scoped_or_404(selectors.alert_get, user=request.user, pk=pk)
    form = CloseForm(request.POST)
    return _post_form(request, alert.learner_id, "close_form", form, services.alert_close, _("Alert closed."),
                      alert=alert)


def _thresholds(request, center):
    threshold = services.thresholds_for([center.pk] if center else [])[center.pk if center else None]
    form = ThresholdForm(request.POST or None, threshold=threshold, center=center)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.threshold_save, actor=request.user, center=center, **form.service_fields()):
        messages.success(request, _("Thresholds saved."))
        return redirect("earlywarning:list")
    return render(request, "earlywarning/thresholds.html", {"form": form, "center": center, "threshold": threshold},
                  status=422 if form.is_bound else 200)


@login_required
def thresholds(request):
    if not scoping.can(request.user, "earlywarning.thresholds"):
        raise PermissionDenied
    return _thresholds(request, None)


@persons_only
def center_thresholds(request, pk):
    center = scoped_or_404(center_get, user=request.user, pk=pk)
    if not scoping.can(request.user, "attendance.rules", center):
        raise PermissionDenied
    return _thresholds(request, center)


@login_required
def effect(request):
    return render(request, "earlywarning/effect.html", {"rows": selectors.intervention_effect(user=request.user)})


@login_required
def model_card(request):
    """The active model's card in plain words (figures, calibration, by sex and area), or rules only."""
    risk_model = selectors.active_model_card()
    return render(request, "earlywarning/model_card.html",
                  {"model": risk_model, "words": card_in_words(risk_model) if risk_model else None})


def learner_file_section(request, learner):
    """The risk section of a learner's file (registered in core.sections): the current level and reasons."""
    return {"learner": learner, "risk": selectors.learner_risk_of(user=request.user, learner=learner)}
