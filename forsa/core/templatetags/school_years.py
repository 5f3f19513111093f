"""``{{ value|school_year }}``: a school year (2026-2027) that reads left to right on an Arabic page too.

The year is isolated from the text around it and set left to right (``<bdi dir="ltr" class="school-year">``),
so "2026-2027" never reads "2027-2026" beside Arabic words, whatever the browser does with the hyphen.
Load it with ``{% load school_years %}``; every reporting page that shows a school year uses it.

``{{ value|isolated }}``: a name typed in either script (a group's "Remise à niveau 1") kept whole inside a
sentence of the other (``<bdi>``), so that an Arabic heading does not carry the words after it into the name.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def school_year(value):
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr" class="school-year">{}</bdi>', value)


@register.filter
def isolated(value):
    return format_html("<bdi>{}</bdi>", value)
