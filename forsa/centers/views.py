"""Centres: list with filters, detail, create and edit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from forsa.audit.selectors import history_for
from forsa.centers import selectors, services
from forsa.centers.filters import CenterFilter
from forsa.centers.forms import CenterForm
from forsa.core import scoping
from forsa.core.views import list_template, paginate, run_service, scoped_or_404


def center_list(request):
    filterset = CenterFilter(request.GET, queryset=selectors.center_list(user=request.user), user=request.user)
    return render(request, list_template(request, "centers/list.html"), {
        "filter": filterset, "page_obj": paginate(request, filterset.qs),
    })


def center_detail(request, pk):
    center = scoped_or_404(selectors.center_get, user=request.user, pk=pk)
    return render(request, "centers/detail.html", {
        "center": center,
        "staff": selectors.center_staff(user=request.user, center=center),
        "history": history_for(user=request.user, target=center),
        "can_change": scoping.can(request.user, "center.change", center),
    })


def center_create(request):
    if not scoping.can_anywhere(request.user, "center.create"):
        raise PermissionDenied
    form = CenterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        center = run_service(form, services.center_create, actor=request.user, **form.service_fields(),
                             denied=("commune", _("You may not create a centre in this commune.")))
        if center:
            messages.success(request, _("Centre created."))
            return redirect("centers:detail", pk=center.pk)
    return render(request, "centers/form.html", {"form": form})


def center_edit(request, pk):
    center = scoped_or_404(selectors.center_get, user=request.user, pk=pk)
    if not scoping.can(request.user, "center.change", center):
        raise PermissionDenied
    form = CenterForm(request.POST or None, instance=center, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        center.refresh_from_db()  # the form wrote into the instance; the service diffs from the database
        if run_service(form, services.center_update, actor=request.user, center=center, **fields):
            messages.success(request, _("Centre updated."))
            return redirect("centers:detail", pk=center.pk)
    return render(request, "centers/form.html", {"form": form, "center": center})


def province_section(request, province):
    """The centres of a province's page (registered in core.sections for territory.province)."""
    return {"centers": selectors.center_list(user=request.user).filter(province=province)}


def association_section(request, association):
    """The centres an association runs, on its page (registered in core.sections for organizations.association)."""
    return {"centers": selectors.center_list(user=request.user).filter(association=association)}
