"""Attendance forms: the day and half-day picker, the roll call, the absence thresholds.

Forms parse and present; the services validate (a future date, a learner not in the group,
a second roll for the same half-day, the correction window) and their errors come back here.
"""

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forsa.attendance.models import Absence, AbsenceRule, Slot

PRESENT = "present"
MARK_CHOICES = [(PRESENT, _("present")), (Absence.Kind.ABSENT, _("absent")), (Absence.Kind.LATE, _("late"))]
MARK_FIELD = re.compile(r"mark_(\d+)")
RULE_FIELDS = ["consecutive_absences", "minimum_rate", "minimum_sessions", "correction_days"]


def default_moment(now=None):
    """Today, in the morning (the afternoon from 13:00)."""
    now = timezone.localtime(now)
    return now.date(), Slot.AFTERNOON if now.hour >= 13 else Slot.MORNING


class RollMomentForm(forms.Form):
    """Which roll to show or save: a date and a half-day, today's by default."""

    date = forms.DateField(label=_("Date"))
    slot = forms.ChoiceField(label=_("Half-day"), choices=Slot.choices)

    def __init__(self, data):
        day, slot = default_moment()
        given = {name: data[name] for name in ("date", "slot") if data.get(name)}
        super().__init__({"date": day.isoformat(), "slot": slot} | given)
        self.default = day, slot
        self.fields["date"].widget = forms.DateInput(attrs={"type": "date", "max": day.isoformat()},
                                                     format="%Y-%m-%d")

    def moment(self):
        """(day, slot) asked for, or today's when the request named none or an invalid one."""
        return (self.cleaned_data["date"], self.cleaned_data["slot"]) if self.is_valid() else self.default


class RollCallForm(forms.Form):
    """One choice per expected learner (present, absent or late), and for absences whether they are
    justified and why. Presence is the default: only the taps that differ are sent to the service.

    ``client_key`` is drawn when the form is shown: sending the same form twice saves one roll.
    ``session`` is the roll being corrected (empty when taking a new one).
    """

    client_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, roll):
        marks = roll.marks
        super().__init__(data, initial={"client_key": uuid.uuid4().hex,
                                        "session": roll.session.pk if roll.session else None})
        self.roll = roll
        for pk in roll.learners:
            mark = marks.get(pk)
            self.fields[f"mark_{pk}"] = forms.ChoiceField(
                choices=MARK_CHOICES, widget=forms.RadioSelect, initial=mark.kind if mark else PRESENT)
            self.fields[f"justified_{pk}"] = forms.BooleanField(
                label=_("justified"), required=False, initial=bool(mark and mark.justified))
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("reason"), required=False, max_length=200, initial=mark.reason if mark else "",
                widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off",
                                             "placeholder": _("reason (optional)")}))

    def rows(self):
        """(learner, mark, justified, reason) bound fields, one per expected learner."""
        return [(learner, self[f"mark_{pk}"], self[f"justified_{pk}"], self[f"reason_{pk}"])
                for pk, learner in self.roll.learners.items()]

    def marks(self):
        """learner id → mark, as the services take them. Learners the request names but who are not
        expected are passed on too: the service refuses them with a clear message."""
        marks = {}
        for pk in self.roll.learners:
            kind = self.cleaned_data[f"mark_{pk}"]
            if kind != PRESENT:
                marks[pk] = {"kind": kind, "justified": self.cleaned_data[f"justified_{pk}"],
                             "reason": self.cleaned_data[f"reason_{pk}"].strip()}
        for key, value in self.data.items():
            match = MARK_FIELD.fullmatch(key)
            if match and int(match[1]) not in self.roll.learners:
                marks[int(match[1])] = {"kind": value}
        return marks

    def record_fields(self):
        """The arguments of roll_call_record."""
        return {"date": self.roll.day, "slot": self.roll.slot, "marks": self.marks(),
                "client_key": self.cleaned_data["client_key"] or None}


class AbsenceRuleForm(forms.Form):
    """The thresholds of the absence rules, nationally or for one centre."""

    def __init__(self, data=None, *, rule):
        super().__init__(data, initial={name: getattr(rule, name) for name in RULE_FIELDS})
        self.fields.update(forms.fields_for_model(AbsenceRule, fields=RULE_FIELDS))
        for field in self.fields.values():
            field.widget.attrs.update({"inputmode": "numeric"})
