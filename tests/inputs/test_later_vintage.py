"""A later download of a shipped table is used at its own Stichtag as soon as it is imported:
no year in the code says which Stichtage an age table has."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwk.indicators.catalogue import load_catalogue
from dwk.indicators.compute import age_years, compute
from dwk.inputs.context import Context
from dwk.store import Store

FIX = Path(__file__).parent.parent / "fixtures" / "vintages"


def test_age_groups_of_2024_are_used_at_2024(tmp_path):
    store = Store(tmp_path / "store")
    store.import_files([FIX / "12411-02-03-5_2024.csv"])
    ctx = Context(store, [], persist=False)
    assert age_years(ctx, "14523010") == [2024]
    defs = [d for d in load_catalogue() if d.id in ("anteil_65_74", "anteil_75_plus")]
    rows = compute(ctx, defs, ["14523010"], anchor="14523010").set_index("id")
    # the fixture's line for Adorf (hand-edited from the shipped 2015 line): the 17 groups
    # 88;102;151;211;92;48;117;242;295;254;264;325;432;398;465;746;840 sum to 5070; a share is
    # taken of the groups' sum
    assert rows.loc["anteil_65_74", "period"] == "2024-12-31"
    assert rows.loc["anteil_65_74", "value"] == pytest.approx(746 / 5070 * 100)
    assert rows.loc["anteil_75_plus", "value"] == pytest.approx(840 / 5070 * 100)
    assert rows.loc["anteil_65_74", "tables"] == "12411-02-03-5"


def test_mean_age_of_a_later_vintage_is_split_along_the_nearest_single_years(store, tmp_path):
    """With the shipped tables (single years of the Kreise 2015 and 2020), age groups of 2024
    are split along the Kreis's single years of 2020: the mean age is there, at 2024."""
    later = Store(tmp_path / "store")
    later.entries = dict(store.entries)
    for entry in store.entries.values():
        source = store.root / entry.parquet
        (later.root / entry.parquet).parent.mkdir(parents=True, exist_ok=True)
        (later.root / entry.parquet).write_bytes(source.read_bytes())
    later.import_files([FIX / "12411-02-03-5_2024.csv"])
    ctx = Context(later, [], persist=False)
    defs = [d for d in load_catalogue() if d.id == "durchschnittsalter"]
    row = compute(ctx, defs, ["14523010"], anchor="14523010").iloc[0]
    assert row["period"] == "2024-12-31"
    assert 45 < row["value"] < 55  # 2015: 50,7 (the fixture is the 2015 line, shifted)
