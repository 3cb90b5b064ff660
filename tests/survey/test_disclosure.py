"""Primary and complementary suppression (docs §2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dwk.core.errors import SurveyError
from dwk.survey.disclosure import suppress


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({"A": 4, "B": 50, "C": 60}, {"A", "B"}),
        ({"A": 4, "B": 3, "C": 60}, {"A", "B"}),
        ({"A": 4, "B": 60}, {"A", "B"}),
        ({"A": 40, "B": 50, "C": 60}, set()),
        ({"A": 4, "B": 60, "C": 50, "D": 50}, {"A", "C"}),  # smallest other, first of a tie
        ({"A": 0, "B": 50, "C": 60}, {"A"}),  # empty: nothing to show, nothing to recover
        ({"A": 0, "B": 4, "C": 50, "D": 60}, {"A", "B", "C"}),  # the empty A does not protect B
        ({"A": 4, "B": 0}, {"A", "B"}),  # the total is A itself
        ({"A": 4}, {"A"}),
        ({"A": 10, "B": 9}, {"A", "B"}),
        ({}, set()),
    ],
)
def test_suppress(counts, expected):
    assert suppress(counts) == expected


def test_min_cell_is_configurable():
    assert suppress({"A": 4, "B": 50, "C": 60}, min_cell=3) == set()
    assert suppress({"A": 2, "B": 50, "C": 60}, min_cell=3) == {"A", "B"}
    assert suppress({"A": 40, "B": 50, "C": 60}, min_cell=45) == {"A", "B"}


def test_refusals():
    with pytest.raises(SurveyError, match="Mindestfallzahl 0"):
        suppress({"A": 4}, min_cell=0)
    with pytest.raises(SurveyError, match="'B'.*negativ"):
        suppress({"A": 4, "B": -1})


@given(
    st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(0, 40), max_size=8),
    st.integers(1, 20),
)
def test_no_cell_can_be_recovered(counts, min_cell):
    hidden = suppress(counts, min_cell)
    nonzero = {c for c, n in counts.items() if n > 0}
    assert {c for c in nonzero if counts[c] < min_cell} <= hidden
    assert hidden <= set(counts)
    if len(hidden & nonzero) == 1:
        # only when the category is all there is: then nothing is shown, not even the total
        assert nonzero <= hidden
