from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Center, Trade
from forsa.core import scoping
from forsa.organizations.selectors import association_list
from forsa.territory.models import Commune, Province


class CenterForm(forms.ModelForm):
    """The centre form; communes are listed for the chosen province (htmx refreshes them)."""

    province = forms.ModelChoiceField(
        queryset=Province.objects.none(), label=_("Province or prefecture"), required=False,
        help_text=_("Choose the province first, then the commune."),
    )

    class Meta:
        model = Center
        fields = [
            "code", "name_fr", "name_ar", "association", "commune", "address",
            "latitude", "longitude", "opening_date", "status", "capacity", "trades",
        ]
        widgets = {
            "opening_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "trades": forms.CheckboxSelectMultiple,
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "latitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "name_fr", "name_ar", "association", "province", "commune"])
        self.fields["association"].queryset = association_list(user=user)
        self.fields["trades"].queryset = Trade.objects.for_user(user).filter(is_active=True)
        # Only provinces with communes (not the districts of a prefecture) the user may place a centre in.
        with_communes = Exists(Commune.objects.filter(province=OuterRef("pk")))
        reach = scoping.province_reach(user, "center.create")
        if self.instance.pk:
            reach |= Q(pk=self.instance.province_id)
        self.fields["province"].queryset = (
            Province.objects.for_user(user).filter(with_communes).filter(reach).order_by("name_fr")
        )
        province = self._chosen_province()
        self.fields["commune"].queryset = (
            Commune.objects.for_user(user).filter(province=province) if province else Commune.objects.none()
        )
        self.fields["province"].widget.attrs.update({
            "hx-get": "/territory/communes/options/", "hx-target": "#id_commune", "hx-swap": "innerHTML",
        })

    def _chosen_province(self):
        if self.is_bound:
            return self.data.get("province") or Commune.objects.filter(
                pk=self.data.get("commune") or None).values_list("province", flat=True).first()
        if self.instance.pk:
            self.initial.setdefault("province", self.instance.province_id)
            return self.instance.province_id
        return None

    def service_fields(self):
        """The cleaned data as the create/update services take it."""
        data = dict(self.cleaned_data)
        data.pop("province", None)
        return data
