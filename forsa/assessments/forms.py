"""Basic skills forms. Forms parse and present; the services validate (a level outside the scale, a
learner not in the group, a second assessment of a kind on a day…) and their errors come back here."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forsa.assessments.models import Competency, Domain, Kind, Pole
from forsa.assessments.services import ABSENT

CELL = re.compile(r"cell_(\d+)_(\d+)")
SCHOOL_YEAR = re.compile(r"20\d\d-20\d\d")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    poles = forms.MultipleChoiceField(label=_("Poles assessed"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, framework):
        super().__init__(data, initial={"date": timezone.localdate(), "kind": Kind.DIAGNOSTIC})
        self.framework = framework
        poles = list(framework.poles.all()) if framework else []
        self.fields["poles"].choices = [(p.code, p.name) for p in poles]
        self.fields["poles"].initial = [p.code for p in poles if p.code != "VOC"]

    def competencies(self):
        return Competency.objects.filter(framework=self.framework, domain__pole__code__in=self.cleaned_data["poles"])


class GridForm(forms.Form):
    """One choice per learner × competency: nothing, a level of the scale, or absent.

    ``learners`` narrows the form to some of the grid's learners (the page of one learner, on a phone):
    the cells posted go to the same service, all or nothing."""

    def __init__(self, data=None, *, grid, learners=None, **kwargs):
        # hundreds of cells: no ids by default, each select is labelled itself
        super().__init__(data, **{"auto_id": False} | kwargs)
        self.grid = grid
        self.learners = grid.learners if learners is None else learners
        self.choices = [("", "—")] + [(str(level), str(level)) for level in grid.assessment.framework.level_range] + [
            (ABSENT, _("Abs.")),
        ]
        for learner in self.learners:
            for competency in grid.competencies:
                value = grid.values.get((learner.pk, competency.pk))
                self.fields[f"cell_{learner.pk}_{competency.pk}"] = self.cell_field(
                    learner, competency, initial="" if value is None else str(value))

    def cell_field(self, learner, competency, *, initial):
        label = f"{learner.full_name} · {competency.code}"
        return forms.ChoiceField(choices=self.choices, required=False, initial=initial, label=label,
                                 widget=forms.Select(attrs={"aria-label": label}))

    def rows(self):
        return [(learner, [(competency, self[f"cell_{learner.pk}_{competency.pk}"])
                           for competency in self.grid.competencies]) for learner in self.learners]

    def cells(self):
        """(learner id, competency id) → value, as results_save takes them. Cells the request names
        but the grid does not (a learner not in the group) are passed on: the service refuses them."""
        cells = {}
        for key, value in self.data.items():
            match = CELL.fullmatch(key)
            if match:
                name = f"cell_{match[1]}_{match[2]}"
                cells[(int(match[1]), int(match[2]))] = self.cleaned_data.get(name, value) if name in self.fields \
                    else value
        return cells

    def full_clean(self):
        super().full_clean()
        # A value outside the choices is left to the service, which names the learner and competency.
        for name in list(self._errors or {}):
            if CELL.fullmatch(name):
                del self._errors[name]


class LearnerResultsForm(GridForm):
    """The results of one learner, one competency after the other: the competency's name labels a row of
    radio buttons (large targets on a phone) instead of a select in a grid column."""

    def __init__(self, data=None, *, grid, learner):
        super().__init__(data, grid=grid, learners=[learner], auto_id="id_%s")

    def cell_field(self, learner, competency, *, initial):
        return forms.ChoiceField(choices=self.choices, required=False, initial=initial, label=competency.name,
                                 widget=forms.RadioSelect)

    def cards(self):
        """(competency, its bound field) in the framework's order (pole, domain, position)."""
        return self.rows()[0][1]


class RemediationGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    learners = forms.MultipleChoiceField(label=_("Learners"), widget=forms.CheckboxSelectMultiple)
    competencies = forms.MultipleChoiceField(label=_("Competencies targeted"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, learners, competencies, initial=None):
        super().__init__(data, initial={"start_date": timezone.localdate()} | (initial or {}))
        self.learner_objects = {str(learner.pk): learner for learner in learners}
        self.competency_objects = {str(c.pk): c for c in competencies}
        self.fields["learners"].choices = [(pk, learner.full_name) for pk, learner in self.learner_objects.items()]
        self.fields["competencies"].choices = [(pk, f"{c.code} · {c.name}") for pk, c in
                                               self.competency_objects.items()]

    def service_fields(self):
        data = self.cleaned_data
        return {"name": data["name"], "start_date": data["start_date"],
                "learners": [self.learner_objects[pk] for pk in data["learners"]],
                "competencies": [self.competency_objects[pk] for pk in data["competencies"]]}


class RemediationSessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    content = forms.CharField(label=_("Content"), max_length=300)
    done = forms.BooleanField(label=_("Held (uncheck to plan it)"), required=False, initial=True)
    attended = forms.MultipleChoiceField(label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple)
    follow_up = forms.CharField(label=_("Follow-up note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, members):
        super().__init__(data, initial={"date": timezone.localdate()})
        self.members = {str(learner.pk): learner for learner in members}
        self.fields["attended"].choices = [(pk, learner.full_name) for pk, learner in self.members.items()]

    def service_fields(self):
        data = self.cleaned_data
        return {"date": data["date"], "content": data["content"], "done": data["done"],
                "follow_up": data["follow_up"], "attended": [self.members[pk] for pk in data["attended"]]}


class CompetencyForm(forms.ModelForm):
    class Meta:
        model = Competency
        fields = ["domain", "code", "name_fr", "name_ar", "reference_level", "position"]
        widgets = {"name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"})}

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = Domain.objects.filter(pole__framework=framework).select_related("pole")
        self.fields["domain"].label_from_instance = lambda d: f"{d.pole.name} › {d.name}"


class DomainForm(forms.Form):
    pole = forms.ChoiceField(label=_("Pole"))
    code = forms.CharField(label=_("Code"), max_length=30)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}))
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)

    def __init__(self, data=None, *, framework, domain=None):
        initial = {} if domain is None else {"pole": str(domain.pole_id), "code": domain.code,
                                             "name_fr": domain.name_fr, "name_ar": domain.name_ar,
                                             "position": domain.position}
        super().__init__(data, initial=initial)
        self.poles = {str(pole.pk): pole for pole in framework.poles.all()}
        self.fields["pole"].choices = [(pk, pole.name) for pk, pole in self.poles.items()]

    def service_fields(self):
        data = dict(self.cleaned_data)
        return {"pole": self.poles[data.pop("pole")]} | data


class PoleForm(forms.ModelForm):
    class Meta:
        model = Pole
        fields = ["code", "name_fr", "name_ar", "position"]
        widgets = {"name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"})}


MAX_LEVELS = 6


class ScaleForm(forms.Form):
    """The whole scale of a version: its number of levels and, per level, a French and an Arabic text.
    Rows up to the largest scale are shown; those beyond the number of levels stay empty."""

    levels = forms.IntegerField(label=_("Number of levels"), min_value=2, max_value=MAX_LEVELS,
                                help_text=_("Levels run from 1 (lowest) to this number; leave the rows beyond it "
                                            "empty."))

    def __init__(self, data=None, *, framework, scale):
        texts = {d.level: d for d in scale}
        initial = {"levels": framework.levels}
        for level, descriptor in texts.items():
            initial |= {f"text_fr_{level}": descriptor.text_fr, f"text_ar_{level}": descriptor.text_ar}
        super().__init__(data, initial=initial)
        for level in range(1, MAX_LEVELS + 1):
            self.fields[f"text_fr_{level}"] = forms.CharField(
                label=_("Level %(level)s, French") % {"level": level}, max_length=300, required=False)
            self.fields[f"text_ar_{level}"] = forms.CharField(
                label=_("Level %(level)s, Arabic") % {"level": level}, max_length=300, required=False,
                widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}))

    def service_fields(self):
        data = self.cleaned_data
        return {"levels": data["levels"], "descriptors": {
            level: (data[f"text_fr_{level}"], data[f"text_ar_{level}"]) for level in range(1, MAX_LEVELS + 1)}}
