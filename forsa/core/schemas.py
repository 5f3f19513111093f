"""Schemas shared by every app's API: the error answers."""

from ninja import Schema


class ErrorOut(Schema):
    """401, 403 and 404 answers."""

    detail: str


class ValidationErrorOut(Schema):
    """422 answers: the messages per field (``__all__`` for the whole object)."""

    detail: str
    errors: dict[str, list[str]]
