"""Learner forms: intake, edit, transfer, exit, follow-up and the small pathway actions.

Forms parse and present; the services validate the learner (full_clean, consent, age rule,
duplicates) and their errors come back on the fields of the same names.
"""

from typing import NamedTuple

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forsa.centers.models import Group, school_year_of
from forsa.core.forms import DocumentField
from forsa.core.ids import is_id
from forsa.learners import selectors
from forsa.learners.models import (
    Consent,
    Exit,
    FollowUp,
    Guardian,
    IndividualPlan,
    Learner,
    LeftReason,
    PathwayStep,
    Placement,
    PlanReview,
    Sex,
    TrackParticipation,
    cin_number,
)
from forsa.learners.services import SENSITIVE_FIELDS
from forsa.organizations.models import moroccan_phone
from forsa.territory.models import Commune, Province

ARABIC = {"dir": "rtl", "lang": "ar"}
CODE = {"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false"}


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# ---------------------------------------------------------------------------
# The learner's own fields, shared by intake and edit


IDENTITY = ["first_name", "last_name", "first_name_ar", "last_name_ar", "sex", "birth_date", "birthplace",
            "cin", "massar_code", "province", "commune", "phone"]
SCHOOLING = ["last_level", "year_left", "reasons_left", "reason_left_other", "referral"]
HOUSEHOLD = list(SENSITIVE_FIELDS)
HOUSEHOLD_NOTE = _("Confidential: seen only by the centre director, the psychosocial counsellor and national "
                   "administrators. "
                   "Entered only with the guardian's consent to data processing.")
LEARNER_WIDGETS = {
    "first_name_ar": forms.TextInput(attrs=ARABIC),
    "last_name_ar": forms.TextInput(attrs=ARABIC),
    "sex": forms.RadioSelect(attrs={"class": "choices"}),
    "birth_date": date_input(),
    "cin": forms.TextInput(attrs=CODE),
    "massar_code": forms.TextInput(attrs=CODE),
    "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "dir": "ltr", "autocomplete": "off"}),
    "notes": forms.Textarea(attrs={"rows": 3}),
    "travel_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
    "year_left": forms.NumberInput(attrs={"inputmode": "numeric"}),
}


class SectionsMixin:
    """A long form shown as titled sections (title, note, field names); fields a form lacks are left out."""

    SECTIONS: tuple = ()

    def sections(self, sections=None):
        for title, note, names in self.SECTIONS if sections is None else sections:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield title, note, fields


class LearnerFieldsForm(SectionsMixin, forms.Form):
    """Identity, household situation (when ``sensitive``) and prior schooling of a learner."""

    province = forms.ModelChoiceField(
        queryset=Province.objects.none(), label=_("Province of residence"), required=False,
        help_text=_("Choose the province first, then the commune."),
    )
    reasons_left = forms.MultipleChoiceField(
        label=_("reasons for leaving school"), choices=LeftReason.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
    )

    SECTIONS = (
        (_("Identity"), "", IDENTITY),
        (_("Household situation"), HOUSEHOLD_NOTE, HOUSEHOLD),
        (_("Prior schooling and referral"), "", SCHOOLING),
    )

    def __init__(self, *args, user, sensitive, **kwargs):
        super().__init__(*args, **kwargs)
        names = [n for n in IDENTITY + SCHOOLING + (HOUSEHOLD if sensitive else []) if n not in self.fields]
        generated = forms.fields_for_model(Learner, fields=names, widgets=LEARNER_WIDGETS)
        self.fields.update(generated)
        self.order_fields(self.field_order_wanted())
        self.fields["province"].queryset = Province.objects.for_user(user).order_by("name_fr")
        province = self._chosen_province()
        self.fields["commune"].queryset = (
            Commune.objects.for_user(user).filter(province=province) if province else Commune.objects.none()
        )
        self.fields["province"].widget.attrs.update({
            "hx-get": "/territory/communes/options/", "hx-target": "#id_commune", "hx-swap": "innerHTML",
        })
        self.fields["first_name"].help_text = _("Latin or Arabic script, or both.")
        self.fields["sex"].choices = Sex.choices  # radio buttons: no blank "---------" choice

    def field_order_wanted(self):
        return IDENTITY + HOUSEHOLD + SCHOOLING

    def _chosen_province(self):
        if self.is_bound:
            return self.data.get("province") or Commune.objects.filter(
                pk=self.data.get("commune") or None).values("province").first()
        return self.initial.get("province")

    def clean_cin(self):
        return self.cleaned_data["cin"].strip().upper()

    def clean_massar_code(self):
        return self.cleaned_data["massar_code"].strip().upper()

    def learner_fields(self):
        """The learner's fields, as learner_intake and learner_update take them."""
        names = [n for n in IDENTITY + SCHOOLING + HOUSEHOLD if n in self.fields and n != "province"]
        return {name: self.cleaned_data[name] for name in names}

    def clean(self):
        data = super().clean()
        names = ("first_name", "last_name", "first_name_ar", "last_name_ar", "massar_code", "cin")
        self._identity = {name: data.get(name) or "" for name in names} | {"birth_date": data.get("birth_date")}
        return data

    def found_duplicates(self):
        """Whether the service stopped on a learner already registered (possibly, or surely)."""
        return (self.has_error(forms.forms.NON_FIELD_ERRORS, "possible_duplicate")
                or self.has_error("massar_code") or self.has_error("cin"))

    def identity(self):
        """What duplicate detection compares, as typed (a service error removes its field from cleaned_data)."""
        return self._identity


class LearnerForm(LearnerFieldsForm):
    """Edit a learner's identity, schooling and (for the roles allowed) household situation."""

    confirmed_new_person = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False,
        help_text=_("Only if none of the possible matches above is this adolescent."),
    )

    def __init__(self, *args, learner, **kwargs):
        initial = forms.model_to_dict(learner, fields=IDENTITY + SCHOOLING + HOUSEHOLD)
        initial["province"] = learner.commune.province_id
        super().__init__(*args, initial=initial, **kwargs)

    def service_fields(self):
        """The cleaned data as learner_update takes it."""
        return self.learner_fields() | {"confirmed_new_person": self.cleaned_data["confirmed_new_person"]}


# ---------------------------------------------------------------------------
# Enrolment: at intake and again after an exit


class EnrolmentFields(forms.Form):
    """The enrolment's year, date, groups and age exception; the form declares its own ``center`` field."""

    school_year = forms.ChoiceField(label=_("School year"))
    start_date = forms.DateField(label=_("Start date"), widget=date_input())
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.none(), label=_("Groups"), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        help_text=_("The catch-up class or workshop of the centre for this school year (optional)."),
    )
    age_override_reason = forms.CharField(
        label=_("reason for the age exception"), max_length=200, required=False,
        help_text=_("Required when the learner is younger or older than the centre's age range."),
    )

    def offer_enrolment(self, *, user, centers):
        """Offer the centres given, this school year and the last, and the groups of the centre and year chosen."""
        today = timezone.localdate()
        year, previous = school_year_of(today), school_year_of(today.replace(year=today.year - 1))
        self.fields["center"].queryset = centers
        self.fields["school_year"].choices = [(year, year), (previous, previous)]
        # Read from the request as typed: only a possible id and an offered year reach the query.
        center, school_year = self._value("center"), self._value("school_year")
        self.fields["groups"].queryset = Group.objects.for_user(user).filter(
            center=int(center) if is_id(center) else None,
            school_year=school_year if school_year in (year, previous) else year,
        ).order_by("kind", "name")
        # The group options follow the centre and year chosen (htmx swaps #groups-field).
        options = {"hx-get": "/learners/groups/options/", "hx-target": "#groups-field", "hx-swap": "outerHTML",
                   "hx-include": "[name=center], [name=school_year]"}
        self.fields["center"].widget.attrs.update(options)
        self.fields["school_year"].widget.attrs.update(options)

    def _value(self, name):
        return self.data.get(name) if self.is_bound else self.initial.get(name)


# ---------------------------------------------------------------------------
# Intake


class Step(NamedTuple):
    number: int
    title: str
    sections: list
    has_errors: bool


class IntakeForm(EnrolmentFields, LearnerFieldsForm):
    """Identity, schooling, one guardian and consent, household, enrolment: steps of one form, saved at the end."""

    center = forms.ModelChoiceField(queryset=None, label=_("Centre"))
    # The guardian; service errors about "the guardian" land on the name.
    guardian = forms.CharField(label=_("Guardian's full name"), max_length=150, required=False)
    guardian_relation = forms.ChoiceField(label=_("Relation to the learner"), required=False,
                                          choices=[("", "---------"), *Guardian.Relation.choices])
    guardian_phone = forms.CharField(
        label=_("Guardian's phone"), max_length=16, required=False, validators=[moroccan_phone],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "dir": "ltr"}),
    )
    guardian_cin = forms.CharField(label=_("Guardian's CIN number"), max_length=8, required=False,
                                   validators=[cin_number], widget=forms.TextInput(attrs=CODE))
    data_consent = forms.BooleanField(
        label=_("The guardian consents to the processing of the learner's personal data"), required=False,
        help_text=_("Needed before the household situation can be entered."),
    )
    given_on = forms.DateField(label=_("date of consent"), required=False, widget=date_input())
    document = DocumentField(label=_("signed form"), required=False)
    photo_consent = forms.BooleanField(label=_("The guardian also consents to photos"), required=False)
    confirmed_new_person = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False,
        help_text=_("Only if none of the possible matches above is this adolescent."),
    )

    # The page shows one step at a time (forsa.js; every section at once without JavaScript), and nothing is
    # saved before the last: the household comes after the consent it needs.
    STEPS = (
        (_("Identity"), ((_("Identity"), "", IDENTITY),)),
        (_("Schooling"), ((_("Prior schooling and referral"), "", SCHOOLING),)),
        (_("Guardian and consent"), (
            (_("Guardian and consent"), "", ["guardian", "guardian_relation", "guardian_phone", "guardian_cin",
                                             "data_consent", "given_on", "document", "photo_consent"]),
            (_("Household situation"), HOUSEHOLD_NOTE, HOUSEHOLD),
        )),
        (_("Enrolment"), ((_("Enrolment"), "", ["center", "school_year", "start_date", "groups",
                                                "age_override_reason"]),)),
    )
    SECTIONS = tuple(section for _title, sections in STEPS for section in sections)
    CHECKBOXES = ("data_consent", "photo_consent", "confirmed_new_person")

    def __init__(self, *args, user, centers, **kwargs):
        today = timezone.localdate()
        initial = {"school_year": school_year_of(today), "start_date": today, "given_on": today}
        if len(centers) == 1:
            center = centers[0]
            initial |= {"center": center.pk, "province": center.commune.province_id, "commune": center.commune_id}
        super().__init__(*args, initial=initial | kwargs.pop("initial", {}), user=user, **kwargs)
        self.offer_enrolment(user=user, centers=centers)

    def field_order_wanted(self):
        return [name for _title, _note, names in self.SECTIONS for name in names]

    def steps(self):
        """The steps as the page shows them; a step with an error is the one the page opens."""
        for number, (title, sections) in enumerate(self.STEPS, 1):
            shown = list(self.sections(sections))
            yield Step(number, title, shown, any(field.errors for _t, _n, fields in shown for field in fields))

    def clean_guardian_cin(self):
        return self.cleaned_data["guardian_cin"].strip().upper()

    def clean(self):
        data = super().clean()
        has_guardian = any(data.get(n) for n in ("guardian_relation", "guardian_phone", "guardian_cin"))
        if has_guardian and not data.get("guardian"):
            self.add_error("guardian", _("Give the guardian's full name."))
        if data.get("guardian") and not data.get("guardian_relation"):
            self.add_error("guardian_relation", _("Say how the guardian is related to the learner."))
        if data.get("data_consent") and not data.get("given_on"):
            self.add_error("given_on", _("Give the date of the consent."))
        if data.get("photo_consent") and not data.get("data_consent"):
            self.add_error("photo_consent", _("Photos are consented to together with data processing."))
        if data.get("document") and not data.get("data_consent"):
            self.add_error("data_consent", _("Tick the consent the signed form records."))
        return data

    def service_fields(self):
        """The cleaned data as learner_intake takes it."""
        data = self.cleaned_data
        guardians = [{"full_name": data["guardian"], "relation": data["guardian_relation"],
                      "phone": data["guardian_phone"], "cin": data["guardian_cin"]}] if data["guardian"] else []
        consent = {"guardian": 0 if guardians else None, "given_on": data["given_on"],
                   "document": data["document"], "photos": data["photo_consent"]} if data["data_consent"] else None
        return {
            "center": data["center"], "school_year": data["school_year"], "start_date": data["start_date"],
            "groups": list(data["groups"]), "age_override_reason": data["age_override_reason"],
            "confirmed_new_person": data["confirmed_new_person"], "guardians": guardians, "consent": consent,
            **self.learner_fields(),
        }


# ---------------------------------------------------------------------------
# Transfer, exit, follow-up


class FieldsForm(forms.Form):
    """A plain form whose cleaned data a service takes as it is."""

    def service_fields(self):
        return dict(self.cleaned_data)


class CenterChoiceField(forms.ModelChoiceField):
    """A centre named by its name, code and commune: all a user is told of a centre outside their scope."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code}) – {obj.commune.name}"


class TransferForm(FieldsForm):
    to_center = CenterChoiceField(queryset=None, label=_("Destination centre"))
    transfer_date = forms.DateField(label=_("Transfer date"), widget=date_input())
    age_override_reason = forms.CharField(
        label=_("reason for the age exception"), max_length=200, required=False,
        help_text=_("Required when the learner is younger or older than the centre's age range."),
    )

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, initial={"transfer_date": timezone.localdate()}, **kwargs)
        self.fields["to_center"].queryset = centers


class EnrollForm(EnrolmentFields, FieldsForm):
    """Enrol again a learner who left: a school year, a centre and its groups, the age rule as at intake."""

    center = CenterChoiceField(queryset=None, label=_("Centre"))
    field_order = ["center", "school_year", "start_date", "groups", "age_override_reason"]

    def __init__(self, *args, user, centers, learner, **kwargs):
        today = timezone.localdate()
        initial = {"school_year": school_year_of(today), "start_date": today}
        if learner.center_id in {center.pk for center in centers}:
            initial["center"] = learner.center_id
        super().__init__(*args, initial=initial, **kwargs)
        self.offer_enrolment(user=user, centers=centers)

    def service_fields(self):
        return dict(self.cleaned_data) | {"groups": list(self.cleaned_data["groups"])}


class ModelFieldsForm(forms.ModelForm):
    """A form over some fields of a model; the view hands its cleaned data to a service."""

    def service_fields(self):
        return dict(self.cleaned_data)


class ExitForm(ModelFieldsForm):
    class Meta:
        model = Exit
        fields = ["exit_date", "outcome", "school_level", "school_name", "training_provider", "programme",
                  "employer", "dropout_reason", "details"]
        widgets = {"exit_date": date_input(), "details": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "school_level": _("Back in formal school: the level and the school."),
            "training_provider": _("Vocational training: the provider and the programme."),
            "programme": _("Vocational training or apprenticeship: the programme or trade."),
            "employer": _("Employment or self-employment: the employer or the activity."),
            "dropout_reason": _("Dropped out: the main reason."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"exit_date": timezone.localdate()}, **kwargs)


class FollowUpForm(ModelFieldsForm):
    class Meta:
        model = FollowUp
        fields = ["done_on", "situation", "notes"]
        widgets = {"done_on": date_input(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"done_on": timezone.localdate()}, **kwargs)
        self.fields["situation"].required = True


# ---------------------------------------------------------------------------
# The pathway and the family: small forms on the learner's file


class StageForm(ModelFieldsForm):
    class Meta:
        model = PathwayStep
        fields = ["stage", "start_date"]
        widgets = {"start_date": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"start_date": timezone.localdate()}, **kwargs)


class TrackForm(ModelFieldsForm):
    class Meta:
        model = TrackParticipation
        fields = ["track", "start_date"]
        widgets = {"start_date": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"start_date": timezone.localdate()}, **kwargs)


class PlacementForm(ModelFieldsForm):
    class Meta:
        model = Placement
        fields = ["group", "start_date"]
        widgets = {"start_date": date_input()}

    def __init__(self, *args, user, enrollment, **kwargs):
        super().__init__(*args, initial={"start_date": timezone.localdate()}, **kwargs)
        self.fields["group"].queryset = Group.objects.for_user(user).filter(
            center=enrollment.center_id, school_year=enrollment.school_year).order_by("kind", "name")


class PlanForm(ModelFieldsForm):
    class Meta:
        model = IndividualPlan
        fields = ["goals"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 5})}


class PlanReviewForm(ModelFieldsForm):
    class Meta:
        model = PlanReview
        fields = ["reviewed_on", "notes", "next_review_on"]
        widgets = {"reviewed_on": date_input(), "next_review_on": date_input(),
                   "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"reviewed_on": timezone.localdate()}, **kwargs)


class GuardianForm(ModelFieldsForm):
    class Meta:
        model = Guardian
        fields = ["full_name", "relation", "phone", "cin"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "dir": "ltr"}),
                   "cin": forms.TextInput(attrs=CODE)}

    def clean_cin(self):
        return self.cleaned_data["cin"].strip().upper()


class ConsentForm(ModelFieldsForm):
    document = DocumentField(label=_("signed form"), required=False)

    class Meta:
        model = Consent
        fields = ["purpose", "guardian", "given_on", "document"]
        widgets = {"given_on": date_input()}

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, initial={"given_on": timezone.localdate()}, **kwargs)
        self.fields["guardian"].queryset = learner.guardians.all()
        self.fields["guardian"].empty_label = _("the learner (aged 18 or more)")
        active = set(learner.consents.filter(withdrawn_on__isnull=True).values_list("purpose", flat=True))
        self.fields["purpose"].choices = [c for c in self.fields["purpose"].choices if c[0] not in active]


class ConsentWithdrawForm(FieldsForm):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=date_input())
    reason = forms.CharField(label=_("reason for withdrawal"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"withdrawn_on": timezone.localdate()}, **kwargs)


def transfer_centers(*, user, learner):
    """The centres ``user`` may move ``learner`` to (not the one they are in)."""
    return selectors.transfer_destinations(user=user, learner=learner)
