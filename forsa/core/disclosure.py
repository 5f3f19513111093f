"""What an aggregate may disclose to aggregate-only readers (partner viewers): the small-cell rule.

One rule for every page, API answer and export that shows counts to a scope that may not see
persons (``Scope.aggregates_only``):

* primary suppression: a figure that 1 to ``FORSA_SMALL_CELL - 1`` (default 4) distinct PEOPLE stand
  behind is hidden (``suppressed``). People are counted once per cell (distinct learners), never as
  learner-sessions or rows; a cell nobody stands behind (0) discloses no one and is shown;
* secondary suppression: in a line of cells whose total is shown (a month's column of regions, whose
  sum is the national figure), one hidden cell could be recovered by subtracting the others from the
  total, so when exactly one cell is hidden the smallest other cell is hidden too, or the total when
  there is no other (``suppress_line``).

Each table is protected on its own: figures of two different breakdowns (provinces of a region
against the region's centres) are not cross-checked here; the reporting issue generalises it.
"""

from collections.abc import Sequence

from django.conf import settings


def min_cell() -> int:
    return settings.FORSA_SMALL_CELL


def suppressed(count: int | None, *, min_cell: int | None = None) -> bool:
    """Whether a figure that ``count`` distinct people stand behind must be hidden."""
    limit = settings.FORSA_SMALL_CELL if min_cell is None else min_cell
    return 0 < (count or 0) < limit


def suppress_line(people: Sequence[int | None], *, total: int | None = None,
                  min_cell: int | None = None) -> tuple[list[bool], bool]:
    """Which cells of one line of a table to hide, and whether to hide its total.

    ``people``: the distinct people behind each cell; ``total``: those behind the line's total, or
    None when the line has no total shown anywhere. Returns (hidden per cell, total hidden).
    """
    people = [count or 0 for count in people]
    hidden = [suppressed(count, min_cell=min_cell) for count in people]
    total_hidden = total is not None and suppressed(total, min_cell=min_cell)
    if total is not None and not total_hidden and sum(hidden) == 1:
        others = [index for index, count in enumerate(people) if count and not hidden[index]]
        if others:
            hidden[min(others, key=lambda index: (people[index], index))] = True
        else:
            total_hidden = True
    return hidden, total_hidden
