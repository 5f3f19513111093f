"""Territory browser: region → province → centres."""

from django.shortcuts import render

from forsa.centers.selectors import center_list
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
    centers = center_list(user=request.user).filter(province=province)
    return render(request, "territory/province.html", {"province": province, "centers": centers})


def commune_options(request):
    """<option>s of one province's communes, for the centre form (htmx)."""
    province = request.GET.get("province") or None
    communes = selectors.commune_list(user=request.user, province=province) if province else []
    return render(request, "territory/commune_options.html", {"communes": communes})
