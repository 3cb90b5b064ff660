"""The projection's years come from the store, not from code: the Kreis bases are the Stichtage
of the single-year age table, the level years the last four with Kreis births and deaths."""

from __future__ import annotations

import shutil

from dwk.core import paths
from dwk.inputs.context import Context
from dwk.projection import assumptions as asm
from dwk.projection import kreis_inputs as ki
from dwk.projection import model as fc
from dwk.store import Store


def test_bases_and_level_years_of_the_shipped_tables(ctx):
    # genesapi-data/12411-04-02-4_00.csv line 8: "31.12.2015;DG;Deutschland;unter 1 Jahr;744721;..."
    # untergeekDE-scrape-covid19/12411-04-02-4.csv, line 6 "Stichtag: 31.12.2020"
    assert ki.kreis_bases(ctx) == (2015, 2020)
    assert fc.gemeinde_bases(ctx) == (2015,)  # 12411-02-03-5: 31.12.2015 only
    # 12612-01-01-4_00.csv line 7 "2015;DG;Deutschland;737575;..." is the last year, line 10527
    # "1995;DG;..." the first; 12613-01-01-4_00.csv the same years
    assert asm.event_years(ctx) == list(range(1995, 2016))
    assert asm.last_events(ctx) == 2015
    assert asm.level_years(ctx) == (2012, 2013, 2014, 2015)


def test_a_store_without_the_2020_single_years_has_one_kreis_base(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(paths.raw_dir() / "genesapi-data" / "12411-04-02-4_00.csv", raw)
    store = Store.open(raw_dir=raw, cache=tmp_path / "cache")
    ctx = Context(store, [], persist=False)
    assert ki.kreis_bases(ctx) == (2015,)
    assert ki.first_base(ctx) == 2015
