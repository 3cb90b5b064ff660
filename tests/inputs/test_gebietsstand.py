"""The territory of today (`inputs.gebietsstand`) on invented key changes: chains, the day of
an Eingliederung, and tables that list some, none or all of the absorbed areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dwk.inputs import gebietsstand
from dwk.inputs.tables import AgeData
from dwk.key_changes import KeyChange, eingliederungen


class Changes:
    """What `gebietsstand` asks of a context: its key changes, its Gebietsstand, a memo."""

    def __init__(self, changes: list[KeyChange], gebietsstand: str = "aktuell") -> None:
        self.changes, self.gebietsstand, self._memo = changes, gebietsstand, {}

    def memo(self, name, build):
        if name not in self._memo:
            self._memo[name] = build()
        return self._memo[name]


def _took(new: str, old: list[str], date: str) -> KeyChange:
    return KeyChange(new, tuple(old), "gemeinde", date, "Eingliederung", "", "")


# C took in A on 01.07.2019; A had taken in B on 01.01.2017
CHAIN = [
    _took("00000003", ["00000001"], "2019-07-01"),
    _took("00000001", ["00000002"], "2017-01-01"),
]


def test_parts_follow_chains_and_the_day_of_the_change():
    ctx = Changes(CHAIN)
    assert gebietsstand.parts_on(ctx, "2016-12-31") == {
        "00000003": ("00000003", "00000001", "00000002"),
        "00000001": ("00000001", "00000002"),
    }
    # 31.12.2018 is before C's change, after A's; 30.06.2019 still before C's
    assert gebietsstand.parts_on(ctx, "2018-12-31") == {"00000003": ("00000003", "00000001")}
    assert gebietsstand.parts_on(ctx, "2019-06-30") == {"00000003": ("00000003", "00000001")}
    assert gebietsstand.parts_on(ctx, "2019-12-31") == {}
    assert gebietsstand.parts_on(Changes(CHAIN, "jeweilig"), "2016-12-31") == {}


def test_a_frame_sums_each_year_from_the_published_figures():
    wide = pd.DataFrame(
        {2016: [10.0, 2.0, 100.0], 2018: [12.0, np.nan, 90.0], 2019: [np.nan, np.nan, 105.0]},
        index=["00000001", "00000002", "00000003"],
    )
    out = gebietsstand.frame(Changes(CHAIN), wide)
    # 2016: C + A + B, each as published (A's own 10, not A with B's 12)
    assert out.at["00000003", 2016] == 100 + 10 + 2
    assert out.at["00000001", 2016] == 10 + 2
    assert out.at["00000003", 2018] == 90 + 12
    assert out.at["00000003", 2019] == 105
    assert out.at["00000002", 2016] == 2  # the absorbed keep their own figures


def test_a_frame_has_no_figure_where_a_part_has_none():
    wide = pd.DataFrame(
        {2016: [10.0, np.nan, 100.0], 2018: [12.0, 3.0, 90.0]},
        index=["00000001", "00000002", "00000003"],
    )
    out = gebietsstand.frame(Changes(CHAIN), wide)
    assert np.isnan(out.at["00000003", 2016]) and np.isnan(out.at["00000001", 2016])
    assert out.at["00000003", 2018] == 90 + 12
    # a part the table does not list at all (B): no territory of today either
    out = gebietsstand.frame(Changes(CHAIN), wide.drop(index="00000002").fillna(1.0))
    assert np.isnan(out.at["00000003", 2016]) and out.at["00000003", 2018] == 90 + 12
    assert out.index.tolist() == ["00000001", "00000003"]


def test_the_key_changes_are_searched_once_per_context_not_per_area(monkeypatch):
    """An indicator asks for each of 14,000 areas' cells; scanning the 300 key changes for
    every one had made `dwk indicators` for Germany take 3.9 s instead of 1.3 s."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return eingliederungen(*args, **kwargs)

    monkeypatch.setattr(gebietsstand, "eingliederungen", counted)
    ctx = Changes(CHAIN)
    wide = pd.DataFrame({2016: [10.0, 2.0, 100.0]}, index=["00000001", "00000002", "00000003"])
    gebietsstand.frame(ctx, wide)
    first = len(calls)
    for _ in range(3):
        gebietsstand.frame(ctx, wide)
    assert first >= 1 and len(calls) == first


def test_an_age_table_counts_the_absorbed_unless_it_lists_none_of_them():
    counts = np.array([[1.0, 2.0], [3.0, 4.0], [10.0, 20.0]])
    data = AgeData(
        "t", "2016-12-31", ["00000001", "00000002", "00000003"], [(0, 5), (5, None)],
        {"total": counts}, {"00000001": 0, "00000002": 1, "00000003": 2},
    )  # fmt: skip
    out = gebietsstand.age_data(Changes(CHAIN), data)
    assert out.counts["total"][2].tolist() == [14.0, 26.0]
    assert out.counts["total"][0].tolist() == [4.0, 6.0]
    assert out.summed == {"00000001", "00000003"}
    assert data.counts["total"][2].tolist() == [10.0, 20.0]  # the published data untouched
    # a table of a later Gebietsstand lists none of those taken in: C's figure is theirs
    later = AgeData(
        "t", "2016-12-31", ["00000003"], data.bands, {"total": counts[2:]}, {"00000003": 0}
    )
    assert gebietsstand.age_data(Changes(CHAIN), later).counts["total"][0].tolist() == [10, 20]
    # one that lists only some of them is of no one territory
    some = AgeData(
        "t", "2016-12-31", ["00000001", "00000003"], data.bands, {"total": counts[[0, 2]]},
        {"00000001": 0, "00000003": 1},
    )  # fmt: skip
    assert np.isnan(gebietsstand.age_data(Changes(CHAIN), some).counts["total"][1]).all()


@pytest.mark.parametrize(("count", "expected"), [(True, 100 + 10 + 2), (False, None)])
def test_cells_add_up_counts_not_rates(monkeypatch, count, expected):
    cells = {2016: {"00000001": (0, 10.0, "2016"), "00000002": (1, 2.0, "2016"),
                    "00000003": (2, 100.0, "2016")}}  # fmt: skip
    monkeypatch.setattr(gebietsstand.inputs, "cells_of", lambda ctx, t, v: cells)
    got = gebietsstand.cells_of(Changes(CHAIN), "t", "v", count=count)[2016]["00000003"]
    assert got[1] == expected if expected is not None else np.isnan(got[1])
