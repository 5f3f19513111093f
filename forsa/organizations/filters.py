import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forsa.core.filters import ChoiceFilter, ModelIdFilter, ScopedFilterSet
from forsa.organizations.models import Association
from forsa.territory.models import Region


class AssociationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = ModelIdFilter(
        field_name="commune__province__region", queryset=Region.objects.none(),
        to_field_name="code", label=_("Region"),
    )
    status = ChoiceFilter(choices=Association.Status.choices, label=_("Status"))

    scoped_choices = {"region": lambda user: Region.objects.for_user(user).order_by("code")}

    class Meta:
        model = Association
        fields = ["q", "region", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(name_ar__icontains=value)
            | Q(acronym__icontains=value) | Q(registration_number__icontains=value)
        )
