"""Associations: list and detail."""

from django.shortcuts import render

from forsa.audit.selectors import history_for
from forsa.core import scoping, sections
from forsa.core.views import list_template, paginate, scoped_or_404
from forsa.organizations import selectors
from forsa.organizations.filters import AssociationFilter


def association_list(request):
    filterset = AssociationFilter(request.GET, queryset=selectors.association_list(user=request.user),
                                  user=request.user)
    return render(request, list_template(request, "organizations/list.html"), {
        "filter": filterset, "page_obj": paginate(request, filterset.qs),
    })


def association_detail(request, pk):
    association = scoped_or_404(selectors.association_get, user=request.user, pk=pk)
    return render(request, "organizations/detail.html", {
        "association": association,
        "sections": sections.for_page("organizations.association", request, association),
        "sees_persons": scoping.scope_of(request.user).sees_persons,
        "history": history_for(user=request.user, target=association),
    })
