"""``{{ value|school_year }}``: a school year (2026-2027) that reads left to right on an Arabic page too.

The year is isolated from the text around it and set left to right (``<bdi dir="ltr" class="school-year">``),
so "2026-2027" never reads "2027-2026" beside Arabic words, whatever the browser does with the hyphen.
Load it with ``{% load school_years %}``; every reporting page that shows a school year uses it.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def school_year(value):
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr" class="school-year">{}</bdi>', value)
