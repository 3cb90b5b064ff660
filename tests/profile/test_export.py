"""`dwk indicators --level …` lists the areas that exist on the asked Stichtag."""

from __future__ import annotations

from dwk.app.indicators import indicator_records


def areas(store, registry, year):
    return {r["area"] for r in indicator_records(store, registry, [], "kreis", year)}


def test_level_lists_the_kreise_of_the_stichtag(store, registry):
    in_2015, in_2020 = areas(store, registry, 2015), areas(store, registry, 2020)
    latest = areas(store, registry, None)
    # 12411-01-01-4_00.csv has 402 Kreise with a 2015 value; 12411-0015 has 401 for 2020 and
    # 400 for 2024 (12411-0015_kreise_2020-2024.csv: Eisenach 16056 has a value for 2020 only)
    assert (len(in_2015), len(in_2020), len(latest)) == (402, 401, 400)
    assert "16056" in in_2020 and "16056" not in latest
    assert "13054" not in in_2015  # merged into 13076 in 2011
    assert {"03152", "03156"} <= in_2015 and "03159" not in in_2015
    assert "03159" in in_2020 and "03152" not in in_2020


def test_goettingen_series_continues_with_its_old_kreise(ctx):
    # 12411-01-01-4_00.csv, 31.12.2015: 03152 Göttingen 255653 + 03156 Osterode 73885
    assert ctx.totals.loc["03159", 2015] == 255653 + 73885
