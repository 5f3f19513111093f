import django_filters
from django import forms

from forsa.core.forms import QuickSelect


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
