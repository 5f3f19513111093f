import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center, Trade
from forsa.core.filters import ChoiceFilter, ModelIdFilter, ScopedFilterSet
from forsa.organizations.models import Association
from forsa.organizations.selectors import association_list
from forsa.territory.models import Province, Region


class CenterFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = ModelIdFilter(
        queryset=Region.objects.none(), to_field_name="code", label=_("Region")
    )
    province = ModelIdFilter(
        queryset=Province.objects.none(), to_field_name="code", label=_("Province")
    )
    association = ModelIdFilter(queryset=Association.objects.none(), label=_("Association"))
    status = ChoiceFilter(choices=Center.Status.choices, label=_("Status"))
    trade = ModelIdFilter(
        field_name="trades", queryset=Trade.objects.none(), to_field_name="code", label=_("Trade")
    )

    scoped_choices = {
        "region": lambda user: Region.objects.for_user(user).order_by("code"),
        "province": lambda user: Province.objects.for_user(user).order_by("code"),
        "association": lambda user: association_list(user=user),
        "trade": lambda user: Trade.objects.for_user(user).filter(is_active=True),
    }

    class Meta:
        model = Center
        fields = ["q", "region", "province", "association", "status", "trade"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value) | Q(name_fr__icontains=value) | Q(name_ar__icontains=value)
            | Q(commune__name_fr__icontains=value) | Q(commune__name_ar__icontains=value)
        )
