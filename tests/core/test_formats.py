"""Dates, date-times and numbers as a Moroccan reader expects them in each interface language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

MOMENT = datetime.datetime(2026, 12, 4, 17, 39)


@pytest.mark.parametrize("language, short, long, number", [
    ("fr", "04/12/2026 17:39", "4 décembre 2026 17:39", "500\xa0000"),
    ("ar", "04/12/2026 17:39", "4 ديسمبر 2026، 17:39", "500\xa0000"),
    ("en", "04/12/2026 17:39", "4 December 2026, 17:39", "500,000"),
])
def test_day_before_month_24_hour_time_and_grouped_numbers(language, short, long, number):
    with translation.override(language):
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == short
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == long
        assert formats.number_format(500000, force_grouping=True) == number
        rendered = Template("{% load humanize %}{{ moment }}|{{ count|intcomma }}").render(
            Context({"moment": MOMENT, "count": 500000}))
        assert rendered == f"{long}|{number}"


def test_a_date_input_still_reads_iso_dates_in_arabic():
    from django import forms

    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("ar"):
        form = DateForm({"day": "2026-12-04"})
        assert form.is_valid() and form.cleaned_data["day"] == datetime.date(2026, 12, 4)
