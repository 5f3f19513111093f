"""Paging national-scale lists: a capped count and a deferred join (see bench/README.md).

An exact COUNT(*) over hundreds of thousands of rows costs more than the page itself, and
nobody pages past page 400: counts stop at COUNT_CAP. A page's ids are read first from the
filtered query (an index-only scan on PostgreSQL), then its rows by primary key.
"""

import re

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000
# Counts stop at COUNT_CAP rows, so no page past this one can be reached (even at 1 row a page).
MAX_PAGE = COUNT_CAP
_WHOLE_NUMBER = re.compile(r"\s*(\d{1,18})\s*", re.ASCII)


def page_number(value) -> int:
    """The page a query string asks for, from 1 to MAX_PAGE: junk (text, a fraction, a sign) is page 1,
    a number past MAX_PAGE is MAX_PAGE (the paginator then shows the last page there is)."""
    if value is None:
        return 1
    match = _WHOLE_NUMBER.fullmatch(str(value))
    if match is None:
        return MAX_PAGE if str(value).strip().isascii() and str(value).strip().isdigit() else 1
    return min(max(int(match.group(1)), 1), MAX_PAGE)


def capped_count(queryset):
    """The exact count up to COUNT_CAP; COUNT_CAP + 1 means "more than COUNT_CAP"."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def page_rows(queryset, offset, limit, deferred_join=False):
    """Rows ``offset`` to ``offset + limit`` of ``queryset``.

    With ``deferred_join``, through their ids first: one more query, worth it on national-scale
    tables (learners) where the ids come from an index-only scan, not on small ones.
    """
    if not deferred_join or queryset.query.annotations or queryset._fields is not None:
        return list(queryset[offset : offset + limit])
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    rows = queryset.model._base_manager.filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows._prefetch_related_lookups = queryset._prefetch_related_lookups
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids]


class ListPaginator(Paginator):
    def __init__(self, *args, deferred_join=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.deferred_join = deferred_join

    @cached_property
    def count(self):
        return capped_count(self.object_list)

    @property
    def is_capped(self):
        return self.count > COUNT_CAP

    def get_page(self, number):
        return super().get_page(page_number(number))

    def page(self, number):
        number = self.validate_number(number)
        rows = page_rows(self.object_list, (number - 1) * self.per_page, self.per_page, self.deferred_join)
        return self._get_page(rows, number, self)
