"""Reads of the territory (public reference data, still through the scoping module).

The lists of regions and provinces carry what upper apps register for them in core.sections
(centers adds the centres and capacity the user can see in each): territory does not know centres.
"""

from django.db.models import Q

from forsa.core import sections
from forsa.territory.models import Commune, Province, Region


def region_list(*, user):
    """Regions, with what upper apps add to each row (centres and capacity the user can see)."""
    return sections.extend_query("territory.regions", Region.objects.for_user(user), user=user).order_by("code")


def region_get(*, user, code) -> Region:
    return Region.objects.for_user(user).get(code=code)


def province_list(*, user, region=None):
    qs = sections.extend_query("territory.provinces", Province.objects.for_user(user).select_related("region"),
                               user=user)
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("code")


def province_get(*, user, code) -> Province:
    return Province.objects.for_user(user).select_related("region").get(code=code)


def commune_list(*, user, province=None, search=None):
    qs = Commune.objects.for_user(user).select_related("province")
    if province is not None:
        qs = qs.filter(province=province)
    if search:
        qs = qs.filter(Q(name_fr__icontains=search) | Q(name_ar__icontains=search) | Q(code__startswith=search))
    return qs.order_by("code")


def counted_within(codes) -> dict:
    """{HCP code: the code of the province or prefecture that already counts it} among ``codes``.

    The HCP lists the eight prefectures of arrondissements of Casablanca (06.141.01.00 … 06.141.01.70)
    beside the prefecture of Casablanca (06.141), whose census figures are the whole city's (its arrondissements
    and the Méchouar): summing all 83 rows counts 3.2 million people twice. A code that begins with another
    code of the list and a dot lies inside it (the innermost such one is given); a place whose container is
    not in ``codes`` is counted on its own. Pure: no query."""
    codes = sorted(set(codes))
    found = {}
    for code in codes:
        containers = [other for other in codes if code.startswith(f"{other}.")]
        if containers:
            found[code] = max(containers, key=len)
    return found
