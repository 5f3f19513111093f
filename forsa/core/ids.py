"""Ids as they arrive from outside: a query string, a form, an API body.

Every primary key is a BigAutoField, a signed 64-bit integer on PostgreSQL and SQLite alike. A
number outside that range cannot name a row: passed to the database it fails differently on each
engine (OverflowError from the SQLite driver, "integer out of range" from PostgreSQL) instead of
matching nothing. Whatever reads an id from outside checks it against this range first.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

MIN_ID = 1
MAX_ID = 2**63 - 1  # BigAutoField's upper bound


def is_id(value) -> bool:
    """Whether ``value`` (an int or its decimal text) is a possible primary key."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return False
    return MIN_ID <= number <= MAX_ID


class IdField(forms.IntegerField):
    """A form field for the id of a row: a whole number within the primary keys' range."""

    # No row has an id out of range: the answer is Django's own (translated) "not one of the
    # available choices", not a bound nobody needs to read.
    default_error_messages = {
        "min_value": _("Select a valid choice. That choice is not one of the available choices."),
        "max_value": _("Select a valid choice. That choice is not one of the available choices."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
