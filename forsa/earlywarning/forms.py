"""Early-warning forms: the worklist filters, an intervention, handing and closing an alert, thresholds.

Forms parse and present; the services validate and their errors come back here.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forsa.core.ids import IdField, is_id
from forsa.earlywarning.models import Alert, Intervention, Level, Threshold
from forsa.earlywarning.reasons import CODES


class RiskFilterForm(forms.Form):
    """The worklist's filters. The centre list never holds every centre of a national scope (1,667 options
    at 1,000,000 learners made most of the page's time): a user whose centres lie in several regions
    chooses a region first, and the centre list holds that region's centres only."""

    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("high and watch")), (Level.HIGH, Level.HIGH.label),
                                       (Level.WATCH, Level.WATCH.label)])
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[
        ("", _("any")), ("consecutive", _("absences in a row")), ("rate_4w", _("low attendance over 4 weeks")),
        ("falling", _("falling attendance")), ("no_gain", _("no gain")), ("model", _("statistical model"))])
    # Id fields first (any number a URL may carry stays a clean form error), then a choice in scope.
    region = IdField(label=_("Region"), required=False, widget=forms.Select)
    center = IdField(label=_("Centre"), required=False, widget=forms.Select)

    def __init__(self, data, *, centers, regions):
        """``centers``: the centres the user sees (a queryset); ``regions``: the regions they lie in."""
        super().__init__(data)
        self.centers, self.regions = centers, {region.pk: region for region in regions}
        listed = centers
        if len(self.regions) > 1:
            self.fields["region"].widget.choices = [("", _("all"))] + [(pk, str(region))
                                                                       for pk, region in self.regions.items()]
            region_id = self._chosen_region()
            listed = centers.filter(region_id=region_id) if region_id else centers.none()
            if region_id is None:
                self.fields["center"].help_text = _("Choose a region and filter: its centres are then listed here.")
        else:
            del self.fields["region"]
        self.fields["center"].widget.choices = [("", _("all"))] + [(c.pk, str(c)) for c in listed]

    def _chosen_region(self):
        """The region whose centres to list: the one chosen, else that of the centre chosen (a link to a
        centre's worklist), which then shows as chosen."""
        region, center = self.data.get("region", ""), self.data.get("center", "")
        if is_id(region):
            return int(region) if int(region) in self.regions else None
        if region.strip() or not is_id(center):
            return None
        region_id = self.centers.filter(pk=int(center)).values_list("region_id", flat=True).first()
        if region_id is not None:
            self.data = self.data.copy()
            self.data["region"] = str(region_id)
        return region_id

    def clean_region(self):
        pk = self.cleaned_data["region"]
        if pk is None:
            return None
        if pk not in self.regions:
            raise forms.ValidationError(_("Select a valid choice. That choice is not one of the available choices."))
        return self.regions[pk]

    def clean_center(self):
        pk = self.cleaned_data["center"]
        if pk is None:
            return None
        center = self.centers.filter(pk=pk).first()
        if center is None:
            raise forms.ValidationError(_("Select a valid choice. That choice is not one of the available choices."))
        region = self.cleaned_data.get("region")
        if region is not None and center.region_id != region.pk:
            return None  # the region was changed with the previous region's centre still chosen: the region wins
        return center

    def filters(self):
        """The valid filters (an invalid one is reported on the form and ignored)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


assert set(dict(RiskFilterForm.base_fields["reason"].choices)) - {""} <= set(CODES)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=Intervention.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    # "Outcome" alone is the learners app's exit outcome ("situation at exit"): a context of its own here.
    outcome = forms.CharField(label=pgettext_lazy("intervention", "Outcome"), max_length=300, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    notes = forms.CharField(label=_("Confidential notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sensitive, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not sensitive:  # confidential notes: only the roles that may see sensitive data
            del self.fields["notes"]

    def service_fields(self):
        return dict(self.cleaned_data)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Hand to"), queryset=None)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff

    def service_fields(self):
        return dict(self.cleaned_data)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=Alert.CloseReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def service_fields(self):
        return dict(self.cleaned_data)


NATIONAL_THRESHOLDS = ("watch_probability", "high_probability", "high_cap", "use_sensitive_data")


class ThresholdForm(forms.Form):
    """The national thresholds (levels from the model's probability, the cap of high alerts per centre,
    the use of household data), or a centre's own cap: a centre does not redefine the levels."""

    def __init__(self, data=None, *, threshold, center=None):
        names = NATIONAL_THRESHOLDS if center is None else ("high_cap",)
        super().__init__(data, initial={name: getattr(threshold, name) for name in names})
        self.fields.update(forms.fields_for_model(Threshold, fields=names))
        for name in names:
            if name != "use_sensitive_data":
                self.fields[name].widget.attrs.update({"inputmode": "numeric"})

    def service_fields(self):
        return dict(self.cleaned_data)
