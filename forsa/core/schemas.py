"""Schemas and field types shared by every app's API.

The types say in the OpenAPI document what the endpoints accept, so that a request valid by the
document is not refused for a reason it does not state, and a request it does not allow is a 422
naming the field, before anything reaches the database:

* ``Id``: the id of a row, within the primary keys' range (``forsa.core.ids``);
* ``Date``: a date written ``YYYY-MM-DD`` (a bare number is not a date);
* ``Count``: a whole number of people, sessions or minutes (a positive integer column's range);
* ``one_of(Model.Status)``: a value among a model's ``TextChoices``, listed in the document;
* ``omittable()``: a field of a partial update that may be left out but not set to null.
"""

import datetime as dt
import re
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from forsa.core.ids import MAX_ID, MIN_ID

# The range of Django's PositiveIntegerField on every backend (a 32-bit signed column).
MAX_COUNT = 2**31 - 1

Id = Annotated[int, Field(ge=MIN_ID, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    """Only ``YYYY-MM-DD`` (or a date): pydantic would otherwise read ``0`` as 1970-01-01."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a valid date in the format YYYY-MM-DD")


Date = Annotated[dt.date, BeforeValidator(_iso_date)]


def one_of(choices, *, blank=False, only=None):
    """The values of a model's ``TextChoices`` as a ``Literal`` (an enum in the OpenAPI document);
    ``blank`` adds the empty string a blank model field may hold; ``only`` keeps some members."""
    values = [str(member.value) for member in (only or choices)]
    return Literal[tuple(values) + (("",) if blank else ())]


def _drop_default(schema):
    schema.pop("default", None)


def omittable(**kwargs):
    """A field of a partial update (PATCH) whose column is not nullable: it may be left out (it then
    keeps its value), but null is refused (422) instead of reaching the database."""
    return Field(None, json_schema_extra=_drop_default, **kwargs)


class ErrorOut(Schema):
    """400, 401, 403 and 404 answers."""

    detail: str


class ValidationErrorOut(Schema):
    """422 answers: the messages per field (``__all__`` for the whole object)."""

    detail: str
    errors: dict[str, list[str]]
