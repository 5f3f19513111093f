"""The small-cell rule (forsa.core.disclosure): people behind a figure, and what a total gives back."""

from hypothesis import given
from hypothesis import strategies as st

from forsa.core.disclosure import suppress_line, suppressed


def test_a_figure_that_one_to_four_people_stand_behind_is_hidden(settings):
    assert [suppressed(n) for n in (None, 0, 1, 4, 5, 40)] == [False, False, True, True, False, False]
    settings.FORSA_SMALL_CELL = 10
    assert suppressed(9) and not suppressed(10) and suppressed(5, min_cell=6) and not suppressed(5, min_cell=5)


def test_one_hidden_cell_takes_the_smallest_other_with_it_when_the_total_is_shown():
    assert suppress_line([3, 9, 7], total=19) == ([True, False, True], False)
    assert suppress_line([3, 9, 7]) == ([True, False, False], False)  # no total shown: nothing to subtract from
    assert suppress_line([3, 2, 9], total=14) == ([True, True, False], False)  # two hidden: their sum only
    assert suppress_line([3, 0], total=3) == ([True, False], True)  # the total is the hidden cell
    assert suppress_line([9, 8], total=17) == ([False, False], False)


@given(st.lists(st.integers(0, 30), min_size=1, max_size=8))
def test_no_hidden_cell_can_be_worked_out_from_the_total(people):
    """Whatever the line, a shown total minus the shown cells never isolates a cell of 1 to 4 people."""
    hidden, total_hidden = suppress_line(people, total=sum(people))
    assert all(hidden[i] for i, n in enumerate(people) if 0 < n < 5)
    if not total_hidden:
        assert sum(1 for i, n in enumerate(people) if hidden[i] and n) != 1
