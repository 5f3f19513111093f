import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsa.conventions.models import Application, Convention
from forsa.core.filters import ScopedFilterSet
from forsa.territory.models import Region


def _regions(user):
    return Region.objects.for_user(user).order_by("code")


class ConventionFilter(ScopedFilterSet):
    """Shared by the list page, its Excel export and the API."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.none(), to_field_name="code",
                                              label=_("Region"))
    status = django_filters.ChoiceFilter(choices=Convention.Status.choices, label=_("Status"))
    year = django_filters.NumberFilter(field_name="start_date", lookup_expr="year", label=_("Starting year"))

    scoped_choices = {"region": _regions}

    class Meta:
        model = Convention
        fields = ["q", "region", "status", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(association__name__icontains=value)
                               | Q(association__name_ar__icontains=value))


class ApplicationFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=Application.Status.choices, label=_("Status"))
    call = django_filters.NumberFilter(field_name="call", label=_("Call for projects"))

    class Meta:
        model = Application
        fields = ["status", "call"]
