import django_filters
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center, Group, school_year_of
from forsa.core.filters import ChoiceFilter, ModelIdFilter, ScopedFilterSet
from forsa.core.ids import is_id
from forsa.learners.models import Learner, Sex, Track, TrackParticipation
from forsa.learners.selectors import learner_search, without_data_consent

AGE_BANDS = {"13-14": (13, 14), "15-16": (15, 16), "17-18": (17, 18), "19-20": (19, 20)}


class LearnerFilter(ScopedFilterSet):
    """One filter set for the learner list page and the API."""

    q = django_filters.CharFilter(label=_("Name, MASSAR code or CIN"), method="search")
    center = ModelIdFilter(queryset=Center.objects.none(), label=_("Centre"))
    group = ModelIdFilter(queryset=Group.objects.none(), label=_("Group"), method="in_group")
    sex = ChoiceFilter(choices=Sex.choices, label=_("Sex"))
    age_band = ChoiceFilter(
        choices=[(key, format_lazy(_("{low}–{high} years"), low=low, high=high)) for key, (low, high) in
                 AGE_BANDS.items()],
        label=_("Age"), method="in_age_band",
    )
    status = ChoiceFilter(choices=Learner.Status.choices, label=_("Status"))
    track = ChoiceFilter(choices=Track.choices, label=_("Track"), method="on_track")
    consent = ChoiceFilter(choices=[("missing", _("no data consent in force"))], label=_("Consent"),
                           method="without_consent")

    # Only the columns of the option labels: these lists are built on every load of the page.
    scoped_choices = {
        "center": lambda user: Center.objects.for_user(user).only("code", "name_fr", "name_ar").order_by("code"),
        "group": lambda user: Group.objects.for_user(user).only("name", "school_year").order_by("-school_year", "name"),
    }

    class Meta:
        model = Learner
        fields = ["q", "center", "group", "sex", "age_band", "status", "track", "consent"]

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, user=user, **kwargs)
        # Never offer every group of the country (25,000 options at national scale): only the
        # chosen centre's, or the one already chosen. The list's htmx answer swaps this select.
        data = data or {}
        groups = self.filters["group"].queryset
        if is_id(data.get("center")):
            groups = groups.filter(center=int(data.get("center")), school_year=school_year_of(timezone.localdate()))
        else:
            groups = groups.filter(pk=int(data.get("group"))) if is_id(data.get("group")) else groups.none()
        self.filters["group"].queryset = groups
        self.form.fields["group"].widget.attrs["hx-swap-oob"] = "true"

    def search(self, queryset, name, value):
        return learner_search(queryset, value)

    def in_group(self, queryset, name, group):
        return queryset.filter(pk__in=group.placements.filter(end_date__isnull=True)
                               .values("enrollment__learner"))

    def in_age_band(self, queryset, name, value):
        low, high = AGE_BANDS[value]
        today = timezone.localdate()
        # Aged low..high today: born after (today - high - 1 years) and on or before (today - low years).
        return queryset.filter(birth_date__gt=today - relativedelta(years=high + 1),
                               birth_date__lte=today - relativedelta(years=low))

    def on_track(self, queryset, name, value):
        return queryset.filter(pk__in=TrackParticipation.objects.filter(track=value, end_date__isnull=True)
                               .values("enrollment__learner"))

    def without_consent(self, queryset, name, value):
        return without_data_consent(queryset)
