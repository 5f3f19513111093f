"""Conventions forms: they parse and present; the services validate and their errors come back here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Trade
from forsa.conventions.models import (
    Application,
    ApplicationDocument,
    CallForProjects,
    Convention,
    FundingSource,
    Report,
)
from forsa.conventions.services import APPLICATION_FIELDS
from forsa.core.forms import DocumentField
from forsa.organizations.models import Association

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"},
                                                                                  format="%Y-%m-%d"))


class ServiceForm(forms.Form):
    def service_fields(self):
        return dict(self.cleaned_data)


class CallForm(forms.ModelForm):
    criteria = forms.CharField(
        label=_("Evaluation grid"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One criterion a line: label; weight; maximum score (e.g. “Relevance; 30; 10”). "
                    "The weights add up to 100."))

    class Meta:
        model = CallForProjects
        fields = ["owner", "reference", "title", "budget", "opens_on", "closes_on", "eligibility"]
        widgets = {"opens_on": DATE["widget"], "closes_on": DATE["widget"],
                   "eligibility": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def clean_criteria(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                raise forms.ValidationError(_("Line %(line)s: write “label; weight; maximum score”.")
                                            % {"line": number})
            rows.append((parts[0], int(parts[1]), int(parts[2])))
        return rows

    def service_fields(self):
        return dict(self.cleaned_data)


class ApplicationForm(forms.ModelForm):
    association = forms.ModelChoiceField(label=_("Association"), queryset=Association.objects.none())

    class Meta:
        model = Application
        fields = ["association", *APPLICATION_FIELDS[:2], "centers", *APPLICATION_FIELDS[2:], "trades"]
        widgets = {"centers": forms.CheckboxSelectMultiple, "trades": forms.CheckboxSelectMultiple,
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, associations, centers, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
        if self.instance.pk:
            self.fields["association"].disabled = True
            self.fields["association"].initial = self.instance.association
        elif associations.count() == 1:
            self.fields["association"].initial = associations.first()
        self.fields["centers"].queryset = centers
        self.fields["trades"].queryset = Trade.objects.filter(is_active=True)
        self.fields["new_site_commune"].queryset = communes
        self.fields["new_site_commune"].required = False

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["association"] = self.instance.association if self.instance.pk else data["association"]
        return data


class DocumentForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=ApplicationDocument.Kind.choices)
    file = DocumentField(label=_("File"))


class AssignForm(ServiceForm):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.label, min_value=0, max_value=criterion.max_score,
                initial=(initial_scores or {}).get(str(criterion.pk)),
                help_text=_("Weight %(weight)s %%, score out of %(max)s.") % {
                    "weight": criterion.weight, "max": criterion.max_score})
        self.order_fields([f"score_{c.pk}" for c in self.criteria] + ["comment"])

    def service_fields(self):
        return {"scores": {str(c.pk): self.cleaned_data[f"score_{c.pk}"] for c in self.criteria},
                "comment": self.cleaned_data["comment"]}


class DecisionForm(ServiceForm):
    retained = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("retained")), ("no", _("not retained"))],
                                      widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConventionFromApplicationForm(ServiceForm):
    start_date = _date(_("Start date"))
    end_date = _date(_("End date"))


class ConventionForm(forms.ModelForm):
    """A draft's terms, and its budget line by funding source."""

    class Meta:
        model = Convention
        fields = ["number", "centers", "start_date", "end_date", "renewal_year", "target_girls", "target_boys",
                  "target_retention", "target_positive_exits", "obligations"]
        widgets = {"centers": forms.CheckboxSelectMultiple, "start_date": DATE["widget"], "end_date": DATE["widget"],
                   "obligations": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centers"].queryset = centers
        lines = {f.source: f.amount for f in self.instance.fundings.all()}
        for source, label in FundingSource.choices:
            self.fields[f"funding_{source}"] = forms.DecimalField(
                label=_("Funding: %(source)s (MAD)") % {"source": label}, min_value=0, max_digits=14,
                decimal_places=2, required=False, initial=lines.get(source))

    def service_fields(self):
        data = dict(self.cleaned_data)
        fundings = {source: data.pop(f"funding_{source}") or 0 for source in FundingSource.values}
        return data | {"fundings": fundings}


class SignForm(ServiceForm):
    signed_on = _date(_("Signature date"), required=False)
    signed_document = DocumentField(label=_("Signed convention"), required=False)


class TransitionForm(ServiceForm):
    to = forms.ChoiceField(label=_("New status"), choices=[
        (Convention.Status.ACTIVE, _("activate")), (Convention.Status.SUSPENDED, _("suspend")),
        (Convention.Status.CLOSED, _("close"))])
    reason = forms.CharField(label=_("Reason"), required=False)


class AmendmentForm(ServiceForm):
    signed_on = _date(_("Signature date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    start_date = _date(_("Start date"))
    end_date = _date(_("End date"))
    target_girls = forms.IntegerField(label=_("Target learners: girls"), min_value=0)
    target_boys = forms.IntegerField(label=_("Target learners: boys"), min_value=0)

    def __init__(self, *args, convention, **kwargs):
        lines = {f.source: f.amount for f in convention.fundings.all()}
        initial = {name: getattr(convention, name) for name in ("start_date", "end_date", "target_girls",
                                                                 "target_boys")}
        initial |= {f"funding_{source}": lines.get(source, 0) for source in FundingSource.values}
        super().__init__(*args, initial=initial, **kwargs)
        for source, label in FundingSource.choices:
            self.fields[f"funding_{source}"] = forms.DecimalField(label=label, min_value=0, max_digits=14,
                                                                  decimal_places=2, required=False)

    def service_fields(self):
        data = self.cleaned_data
        return {"signed_on": data["signed_on"], "reason": data["reason"],
                "changes": {name: data[name] for name in ("start_date", "end_date", "target_girls", "target_boys")},
                "fundings": {source: data.get(f"funding_{source}") or 0 for source in FundingSource.values}}


class ReportPlanForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices)
    period = forms.CharField(label=_("Period covered"), max_length=60)
    due_on = _date(_("Due on"))


class ReportSubmitForm(ServiceForm):
    file = DocumentField(label=_("Report"))


class ReportReviewForm(ServiceForm):
    approved = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                      choices=[("yes", _("approve")), ("no", _("return with comments"))])
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TranchePlanForm(ServiceForm):
    order = forms.IntegerField(label=_("Tranche number"), min_value=1)
    planned_amount = forms.DecimalField(label=_("Planned amount (MAD)"), min_value=0, max_digits=14, decimal_places=2)
    planned_on = _date(_("Planned date"))
    required_reports = forms.ModelMultipleChoiceField(label=_("Reports to be approved first"), required=False,
                                                      queryset=Report.objects.none(),
                                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, initial={"order": convention.tranches.count() + 1}, **kwargs)
        self.fields["required_reports"].queryset = convention.reports.all()


class TrancheReleaseForm(ServiceForm):
    released_on = _date(_("Released on"))
    released_amount = forms.DecimalField(label=_("Amount released (MAD)"), min_value=0, max_digits=14,
                                         decimal_places=2, required=False,
                                         help_text=_("The planned amount when left empty."))

