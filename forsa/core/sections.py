"""Sections that an app on an upper floor adds to a page of a lower one.

A lower app never imports an upper one (DESIGN.md, layers): the learner file (learners, floor 6) shows
the risk of dropping out (earlywarning, floor 9) because earlywarning registers a section here at start-up,
and the learner file renders whatever is registered for it.

The same goes for a lower app's lists: a region's row counts the centres in it because centers
registers a query extension for "territory.regions" (``register_query``), which the territory
selector applies (``extend_query``) without knowing what it adds.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    template: str
    context: Any  # callable(request, obj) -> dict, or None to leave the section out


_REGISTRY: dict[str, list[Section]] = defaultdict(list)


def register(page: str, template: str, context) -> None:
    if all(section.template != template for section in _REGISTRY[page]):
        _REGISTRY[page].append(Section(template, context))


def for_page(page: str, request, obj) -> list[dict]:
    """The sections of ``page`` about ``obj`` for this request: [{"template", "context"}], in order."""
    rendered = []
    for section in _REGISTRY[page]:
        context = section.context(request, obj)
        if context is not None:
            rendered.append({"template": section.template, "context": context})
    return rendered


_QUERIES: dict[str, list] = defaultdict(list)


def register_query(name: str, extend) -> None:
    """An upper app adds to a lower app's list: ``extend(queryset, user=…)`` returns the queryset annotated."""
    if extend not in _QUERIES[name]:
        _QUERIES[name].append(extend)


def extend_query(name: str, queryset, *, user):
    """``queryset`` with every extension registered for ``name`` applied, in order."""
    for extend in _QUERIES[name]:
        queryset = extend(queryset, user=user)
    return queryset
