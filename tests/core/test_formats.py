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


def test_school_years_read_left_to_right_on_the_arabic_pages_of_field_staff(client, world):
    """Attendance, basic skills and the learner's file print a school year as the reporting pages do
    (``school_year``: <bdi dir="ltr">), so "2026-2027" never reads "2027-2026" beside Arabic words."""
    from django.urls import reverse

    from tests.factories import make_group, make_learner

    own = world["own"]
    group = make_group(own.center)
    learner = make_learner(own.center, groups=[group], first_name="Hiba")
    director = own.users["center_director"]
    director.language = "ar"
    director.save(update_fields=["language"])
    client.force_login(director)
    year = '<bdi dir="ltr" class="school-year">2026-2027</bdi>'
    for url in (reverse("attendance:mine"), reverse("attendance:overview"),
                reverse("attendance:group", args=[group.pk]), reverse("assessments:mine"),
                reverse("assessments:indicators"), reverse("assessments:group", args=[group.pk]),
                reverse("learners:detail", args=[learner.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == "ar", url
        assert year in response.content.decode(), url
