"""Attendance: my groups, the roll call, the group and centre pages, the overview and the absence rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from forsa.attendance import forms, selectors, services
from forsa.centers.models import school_year_of, school_year_start
from forsa.centers.selectors import center_get, group_get, group_list, overview_breakdown
from forsa.core import scoping
from forsa.core.views import paginate, persons_only, run_service, scoped_or_404


@persons_only
def my_groups(request):
    today = timezone.localdate()
    page_obj = paginate(request, group_list(user=request.user, school_year=school_year_of(today)))
    missing = selectors.missing_rolls(groups=page_obj, **selectors.recent_days(today))
    return render(request, "attendance/my_groups.html", {
        "page_obj": page_obj, "school_year": school_year_of(today),
        "groups": [(group, missing.get(group, []), scoping.can(request.user, "attendance.take", group))
                   for group in page_obj],
    })


@persons_only
def roll_call(request, pk):
    group = scoped_or_404(group_get, user=request.user, pk=pk)
    moment = forms.RollMomentForm(request.POST if request.method == "POST" else request.GET)
    day, slot = moment.moment()
    roll = selectors.roll_call_state(user=request.user, group=group, day=day, slot=slot)
    form = forms.RollCallForm(request.POST or None, roll=roll)
    if request.method == "POST" and moment.is_valid() and form.is_valid() and _save(request, form, roll):
        return redirect("attendance:group", pk=group.pk)
    return render(request, "attendance/roll.html", {"group": group, "moment": moment, "roll": roll, "form": form})


def _save(request, form, roll):
    """Take the roll (idempotent by its client key) or correct the one the form was shown for."""
    corrected = form.cleaned_data["session"]
    if corrected is None:
        result = run_service(form, services.roll_call_record, actor=request.user, group=roll.group,
                             **form.record_fields())
        if result:
            messages.success(request, _("Roll call saved.") if result[1] else _("This roll call was already saved."))
        return result
    if roll.session is None or roll.session.pk != corrected:
        form.add_error(None, _("This roll call changed while you were correcting it: check it and save again."))
        return None
    if run_service(form, services.roll_call_correct, actor=request.user, session=roll.session, marks=form.marks()):
        messages.success(request, _("Roll call corrected."))
        return True
    return None


@persons_only
def group_detail(request, pk):
    group = scoped_or_404(group_get, user=request.user, pk=pk)
    today = timezone.localdate()
    month, next_month = selectors.month_span(today)
    return render(request, "attendance/group.html", {
        "group": group, "today": today, "month": month,
        "page_obj": paginate(request, selectors.group_sessions(user=request.user, group=group)),
        "monthly": selectors.rates_by(user=request.user, level="national", group=group,
                                      start=school_year_start(today), end=next_month),
        "learners": selectors.group_learner_rates(user=request.user, group=group, start=month, end=today),
        "missing": selectors.missing_rolls(groups=[group], **selectors.recent_days(today)).get(group, []),
        "may_take": scoping.can(request.user, "attendance.take", group),
    })


@persons_only
def center_detail(request, pk):
    center = scoped_or_404(center_get, user=request.user, pk=pk)
    today = timezone.localdate()
    month, next_month = selectors.month_span(today)
    groups = group_list(user=request.user, school_year=school_year_of(today)).filter(center=center)
    rule, flagged = selectors.learners_meeting_rules(user=request.user, center=center, today=today)
    return render(request, "attendance/center.html", {
        "center": center, "month": month, "rule": rule, "flagged": flagged,
        "daily": selectors.daily_rates(user=request.user, start=month, end=next_month, center=center),
        "monthly": selectors.rates_by(user=request.user, level="center", center=center,
                                      start=school_year_start(today), end=next_month),
        "missing": selectors.missing_rolls(groups=groups, **selectors.recent_days(today)),
        "may_set_rules": scoping.can(request.user, "attendance.rules", center),
    })


def _int(value):
    return int(value) if value and value.isdigit() else None


def overview(request):
    """Monthly rates of the school year by region, province or centre, as the user's scope calls for."""
    if not scoping.scope_of(request.user).grants:
        raise PermissionDenied
    today = timezone.localdate()
    level, within, place = overview_breakdown(user=request.user, region=_int(request.GET.get("region")),
                                              province=_int(request.GET.get("province")))
    table = selectors.rates_overview(user=request.user, level=level, start=school_year_start(today),
                                     end=selectors.month_span(today)[1], **within)
    return render(request, "attendance/overview.html", table | {
        "level": level, "place": place, "school_year": school_year_of(today),
        "sees_persons": scoping.scope_of(request.user).sees_persons,
        "may_set_rules": scoping.can(request.user, "user.manage"),
    })


def _rules(request, center):
    rule = selectors.absence_rule_for(center=center) if center else selectors.national_absence_rule()
    form = forms.AbsenceRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.absence_rule_set, actor=request.user, center=center, **form.cleaned_data):
            messages.success(request, _("Absence rules saved."))
            return redirect("attendance:center", pk=center.pk) if center else redirect("attendance:overview")
    return render(request, "attendance/rules.html", {"form": form, "center": center, "rule": rule})


def national_rules(request):
    if not scoping.can(request.user, "user.manage"):
        raise PermissionDenied
    return _rules(request, None)


@persons_only
def center_rules(request, pk):
    center = scoped_or_404(center_get, user=request.user, pk=pk)
    if not scoping.can(request.user, "attendance.rules", center):
        raise PermissionDenied
    return _rules(request, center)


def learner_file_section(request, learner):
    """The attendance section of a learner's file (registered in core.sections): this month's calendar and rates."""
    return selectors.learner_month(learner=learner, day=timezone.localdate())
