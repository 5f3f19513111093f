import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsa.conventions.models import Application, Convention
from forsa.core.filters import ChoiceFilter, IdFilter, ModelIdFilter, ScopedFilterSet, YearFilter
from forsa.territory.models import Region


def _regions(user):
    return Region.objects.for_user(user).order_by("code")


class ConventionFilter(ScopedFilterSet):
    """Shared by the list page, its Excel export and the API."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = ModelIdFilter(queryset=Region.objects.none(), to_field_name="code",
                                              label=_("Region"))
    status = ChoiceFilter(choices=Convention.Status.choices, label=_("Status"))
    year = YearFilter(field_name="start_date", label=_("Starting year"))

    scoped_choices = {"region": _regions}

    class Meta:
        model = Convention
        fields = ["q", "region", "status", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(association__name__icontains=value)
                               | Q(association__name_ar__icontains=value))


class ApplicationFilter(ScopedFilterSet):
    status = ChoiceFilter(choices=Application.Status.choices, label=_("Status"))
    call = IdFilter(field_name="call", label=_("Call for projects"))

    class Meta:
        model = Application
        fields = ["status", "call"]
