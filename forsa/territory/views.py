"""Territory browser: region → province (its centres are a section that centers registers)."""

from django.shortcuts import render

from forsa.core import sections
from forsa.core.views import scoped_or_404
from forsa.territory import selectors


def regions(request):
    return render(request, "territory/regions.html", {"regions": selectors.region_list(user=request.user)})


def region(request, code):
    region = scoped_or_404(selectors.region_get, user=request.user, code=code)
    provinces = selectors.province_list(user=request.user, region=region)
    return render(request, "territory/region.html", {"region": region, "provinces": provinces})


def province(request, code):
    province = scoped_or_404(selectors.province_get, user=request.user, code=code)
    return render(request, "territory/province.html", {
        "province": province, "sections": sections.for_page("territory.province", request, province),
    })


def commune_options(request):
    """<option>s of one province's communes, for the centre form (htmx)."""
    province = request.GET.get("province") or None
    communes = selectors.commune_list(user=request.user, province=province) if province else []
    return render(request, "territory/commune_options.html", {"communes": communes})
