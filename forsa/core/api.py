"""Shared pieces of the API: fetching through selectors, filtering, pagination.

The error schemas and the shared field types are in ``forsa.core.schemas``.

Every endpoint reads through a selector (already scoped by ``forsa.core.scoping``) and
writes through a service; the helpers here only translate their outcome into HTTP.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from forsa.core.pagination import COUNT_CAP, capped_count, page_rows

MAX_PAGE_SIZE = 100
# Counts stop at COUNT_CAP rows, so no page past this one can be reached (even 1 row a page); a page
# number beyond it is refused (422) instead of becoming an offset the database cannot hold.
MAX_PAGE = COUNT_CAP


def fetch(selector, **kwargs):
    """What ``selector(**kwargs)`` returns, or 404 when it does not exist for this user.

    Out of scope and non-existent look the same: never 403, so existence does not leak.
    """
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def resolved(data: dict, **references) -> dict:
    """``data`` (a request's fields) with its references turned into rows, each looked up among the rows the
    user may choose: ``resolved(data, center=centers, trades=(trades, "code"))``.

    A reference is an id (or a code, with the field to match) or a list of them; a field absent from
    ``data`` or null is left as it is. Any value that names no row of its queryset (unknown, or outside the
    user's scope) is a 422 naming the field and the value, for every field at once, before anything is
    written: never a silent drop, never a 404 that would tell a foreign id from an unknown one.
    """
    resolved, errors = dict(data), {}
    for name, reference in references.items():
        queryset, field = reference if isinstance(reference, tuple) else (reference, "pk")
        value = data.get(name)
        if value is None:
            continue
        wanted = value if isinstance(value, list | tuple) else [value]
        rows = {getattr(row, field): row for row in queryset.filter(**{f"{field}__in": set(wanted)})}
        missing = [str(key) for key in dict.fromkeys(wanted) if key not in rows]
        if missing:
            errors[name] = [_("Select a valid choice. %(value)s is not one of the available choices.")
                            % {"value": ", ".join(missing)}]
        else:
            resolved[name] = [rows[key] for key in wanted] if isinstance(value, list | tuple) else rows[value]
    if errors:
        raise ValidationError(errors)
    return resolved


def filtered(filterset_class, request, queryset, params: Schema):
    """``queryset`` narrowed by a FilterSet (shared with the pages); bad values are a 422."""
    data = params.model_dump(exclude_none=True)
    filterset = filterset_class(data, queryset=queryset, user=request.auth)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    return filterset.qs


class Pagination(PageNumberPagination):
    """``?page=&page_size=``: the one page parameter of every list (a page size above 100 is lowered to 100)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, from 1 to {MAX_PAGE}.")
        page_size: int | None = Field(
            None, ge=1,
            description=f"Rows per page: {settings.FORSA_PAGE_SIZE} by default, "
            f"at most {MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        count: int = Field(description=f"Rows found, counted up to {COUNT_CAP}.")
        count_capped: bool = Field(description=f"True when more than {COUNT_CAP} rows were found.")
        page: int
        page_size: int
        items: list[Any]

    def __init__(self, deferred_join=False, **kwargs):
        self.deferred_join = deferred_join  # see core/pagination.py: for national-scale lists
        kwargs.setdefault("page_size", settings.FORSA_PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = capped_count(queryset)
        return {
            "count": min(count, COUNT_CAP),
            "count_capped": count > COUNT_CAP,
            "page": pagination.page,
            "page_size": page_size,
            "items": page_rows(queryset, offset, page_size, self.deferred_join),
        }
