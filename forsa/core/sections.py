"""Sections that an app on an upper floor adds to a page of a lower one.

A lower app never imports an upper one (DESIGN.md, layers): the learner file (learners, floor 6) shows
the risk of dropping out (earlywarning, floor 9) because earlywarning registers a section here at start-up,
and the learner file renders whatever is registered for it.
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
