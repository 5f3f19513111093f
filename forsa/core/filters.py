"""The filters every FilterSet is built from (shared by the pages and the API).

What a query string holds is never trusted: an id out of the primary keys' range, a year no date can
have, a choice that is not one: each is a form error naming the field, in the user's language, and
never reaches the database (where an out-of-range integer fails differently on each engine, and year 0
fails in Python before any query). A FilterSet with an invalid value lists nothing, not everything.
"""

import django_filters
from django import forms
from django_filters.fields import ModelChoiceField

from forsa.core.forms import QuickSelect
from forsa.core.ids import IdField, is_id

# The years a filter may ask for: any convention, school year or birth date of the programme's data.
YEAR_MIN = 1900
YEAR_MAX = 2100


class IdFilter(django_filters.NumberFilter):
    """An id typed in the query string (``?call=12``): a whole number within the primary keys' range."""

    field_class = IdField


class YearFilter(django_filters.NumberFilter):
    """A calendar year (``?year=2026``), from YEAR_MIN to YEAR_MAX, on a date field (``lookup_expr="year"``)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class BoundedModelChoiceField(ModelChoiceField):
    """A choice among rows by id: an id out of range is an invalid choice before any query."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name in (None, "pk", "id") and not is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelIdFilter(django_filters.ModelChoiceFilter):
    """A choice among the rows the user may see (``scoped_choices``), by id or by ``to_field_name``."""

    field_class = BoundedModelChoiceField


class ChoiceFilter(django_filters.ChoiceFilter):
    """One of a model's choices (its TextChoices): anything else is an invalid choice."""


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice lists only offer what the user may see.

    ``scoped_choices`` maps a filter name to a callable(user) giving its choices.
    """

    scoped_choices: dict = {}

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        for name, choices in self.scoped_choices.items():
            self.filters[name].queryset = choices(user)

    def get_form_class(self):
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            if type(field.widget) is forms.Select:  # not its subclasses (SelectMultiple, NullBooleanSelect…)
                field.widget.__class__ = QuickSelect
        return form_class

    @property
    def qs(self):
        # An invalid value is shown on the form; the list is then empty rather than unfiltered (which
        # would look like the answer to the question asked).
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs
