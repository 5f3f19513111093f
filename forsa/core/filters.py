import django_filters


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice lists only offer what the user may see.

    ``scoped_choices`` maps a filter name to a callable(user) giving its choices.
    """

    scoped_choices: dict = {}

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        for name, choices in self.scoped_choices.items():
            self.filters[name].queryset = choices(user)
