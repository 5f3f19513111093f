"""QuickSelect writes the same <select> as Django's template-rendered one (compared as HTML)."""

import pytest
from django import forms
from django.test.html import parse_html

from forsa.core.filters import ScopedFilterSet
from forsa.core.forms import QuickSelect

CASES = [
    ([("", "---------"), (1, "A & B"), ("x", 'q"uote <b>')], "x"),
    ([("G1", [(1, "one"), (2, "deux – اثنان")]), (3, "three")], 2),
    ([(None, "none"), (0, "zero")], None),
    ([], ""),
]


@pytest.mark.parametrize(("choices", "value"), CASES)
def test_same_markup_as_django(choices, value):
    attrs = {"id": "id_c", "hx-swap-oob": "true", "disabled": True, "required": False}
    django_html = forms.Select(choices=choices, attrs=attrs).render("c", value)
    quick_html = QuickSelect(choices=choices, attrs=attrs).render("c", value)
    assert parse_html(quick_html) == parse_html(django_html)


def test_filter_sets_use_it_for_plain_selects_only():
    import django_filters

    from forsa.centers.models import Center

    class CenterFilter(ScopedFilterSet):
        status = django_filters.ChoiceFilter(choices=[("open", "open")])
        codes = django_filters.MultipleChoiceFilter(choices=[("a", "a")])

        class Meta:
            model = Center
            fields = ["status", "codes"]

    form = CenterFilter({}, queryset=Center.objects.none(), user=None).form
    assert type(form.fields["status"].widget) is QuickSelect
    assert type(form.fields["codes"].widget) is forms.SelectMultiple
