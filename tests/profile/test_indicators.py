"""Indicators against numbers computed by hand from the raw tables (the raw lines are quoted).

They read only members, their Kreise and Länder and Germany, so they run on the small store
(`tests/small_store.py`), whose trimmed files keep those raw lines as published."""

from __future__ import annotations

import pytest

from dwk.indicators.compute import compute, shared_year


def values(ctx, catalogue, keys, year=None, anchor=None):
    r = compute(ctx, catalogue, keys, year=year, anchor=anchor)
    return {
        (k, i): (v, f, p)
        for k, i, v, f, p in r[["area_key", "id", "value", "flag", "period"]].itertuples(
            index=False
        )
    }


def test_published_anchors_2015(small_ctx, catalogue):
    v = values(small_ctx, catalogue, ["DG", "05913", "03454", "14523"], year=2015)
    # statistical offices' published 2015 values, named in the issue
    assert round(v[("DG", "durchschnittsalter")][0], 1) == 44.2
    assert round(v[("05913", "durchschnittsalter")][0], 1) == 43.5
    assert round(v[("03454", "durchschnittsalter")][0], 1) == 42.4
    assert round(v[("14523", "altenquotient")][0], 1) == 50.0


def test_altenquotient_by_hand(small_ctx, catalogue):
    # 12411-04-02-4_00.csv, Vogtlandkreis 2015: 65 and over = 65,730, 20 to 64 = 131,343 (awk sum)
    v = values(small_ctx, catalogue, ["14523"], year=2015)
    assert v[("14523", "altenquotient")][0] == pytest.approx(65730 / 131343 * 100)


def test_gemeinde_figures_by_hand(small_ctx, catalogue):
    # 12411-01-01-5_00.csv: "14523010;        Adorf/Vogtl., Stadt;5078;2445;2633;..."
    # (the 2015 figures: the foundation's accuracy checks hold for 2015)
    v = values(small_ctx, catalogue, ["14523010"], year=2015, anchor="14523010")
    assert v[("14523010", "bevoelkerung")][:1] == (5078,)
    assert v[("14523010", "bevoelkerung")][2] == "2015-12-31"
    assert v[("14523010", "frauenanteil")][0] == pytest.approx(2633 / 5078 * 100)
    assert 35 < v[("14523010", "durchschnittsalter")][0] < 60


def test_natural_balance_by_hand(small_ctx, catalogue):
    # 12612: "2015;01051;...;960"; 12613: "2015;01051;...;1845";
    # 12411-01-01-4_00: 01051 31.12.2015 = 132917, 31.12.2014 = 132685
    v = values(small_ctx, catalogue, ["01051"], year=2015)
    expected = (960 - 1845) / ((132917 + 132685) / 2) * 1000
    assert v[("01051", "natuerlicher_saldo_je_1000")][0] == pytest.approx(expected)


def test_series_follow_key_change(small_ctx):
    # Grabow is 13076050 from 2011; 12411-01-01-5_00.csv gives 2010 = 5859 under 13054037 only
    assert small_ctx.totals.loc["13076050", 2010] == 5859
    assert small_ctx.totals.loc["13076050", 2015] == 5556


def test_change_across_zensus_is_flagged(small_ctx, catalogue):
    v = values(small_ctx, catalogue, ["14523010"], year=2015, anchor="14523010")
    assert v[("14523010", "bevoelkerungsentwicklung_lang")][1] == "zensus"
    assert v[("14523010", "bevoelkerungsentwicklung_lang")][2] == "2008/2015"
    assert v[("14523010", "bevoelkerungsentwicklung_seit_2011")][1] == ""


def test_references_use_the_anchor_period(small_ctx, catalogue):
    v = values(small_ctx, catalogue, ["14523010", "14523", "14", "DG"], anchor="14523010")
    periods = {v[(k, "altenquotient")][2] for k in ("14523010", "14523", "14", "DG")}
    assert periods == {"2015-12-31"}


def test_small_gemeinde_is_flagged_not_dropped(small_ctx, catalogue):
    # 12411-01-01-5_00.csv: "01051008;        Bergewöhrden;35;15;20;..."
    v = values(small_ctx, catalogue, ["01051008"], anchor="01051008")
    value, flag, _ = v[("01051008", "altenquotient")]
    assert flag == "unsicher" and value == value


def test_each_area_keeps_its_own_area_stichtag(small_ctx, catalogue):
    # 33111-01-01-5_00.csv keeps Adorf's area secret ("14523010;...;.;.;"), so it comes from the
    # Gemeindeverzeichnis (newest: data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx row 14317, 42.97 km² on 31.12.2023); the
    # Vogtlandkreis's own comes from 11111 (2015)
    v = values(small_ctx, catalogue, ["14523010", "14523"], anchor="14523010")
    assert v[("14523010", "flaeche")][0] == pytest.approx(42.97)
    assert v[("14523010", "flaeche")][2] == "2023-12-31"
    assert v[("14523", "flaeche")][2] == "2015-12-31"


def test_results_do_not_depend_on_what_the_context_saw_before(store, registry, catalogue):
    # caches are built from whole tables: an area computed after others in a shared context,
    # or together with other keys, gives exactly what it gives in a fresh context
    from pandas.testing import assert_frame_equal

    from dwk.inputs.context import Context

    def figures(ctx, area_key, refs):
        shown = [d for d in catalogue if registry.get(area_key).level in d.levels]
        return compute(ctx, shown, [area_key, *refs], anchor=area_key)

    asked = ("14523010", ["14523", "14", "DG"])
    fresh = figures(Context(store, registry.changes), *asked)
    shared = Context(store, registry.changes)
    for other in ("01051008", "03454", "13076050", "01058065"):
        figures(shared, other, ["DG"])
    compute(shared, catalogue, ["14523010", "05913", "01051", "03454"], anchor=None)
    assert_frame_equal(figures(shared, *asked), fresh, check_exact=True)
    alone = compute(Context(store, registry.changes), catalogue, ["14523010"], anchor=None)
    together = compute(shared, catalogue, ["01051008", "14523010", "DG"], anchor=None)
    mine = together.loc[together["area_key"] == "14523010"].reset_index(drop=True)
    own = ["area_key", "id", "year", "period", "value", "flag", "n"]  # `tables` names the group's
    assert_frame_equal(mine[own], alone[own], check_exact=True)


def test_shared_year_is_the_newest_stichtag_all_compared_areas_have(small_ctx, catalogue):
    """Comparisons take the newest Stichtag every compared area has, from the store."""
    by_id = {d.id: d for d in catalogue}
    pop, moves = [by_id["bevoelkerung"]], [by_id["wanderungssaldo_je_1000"]]
    # cartogram-12411-0015/12411-0015_kreise_2020-2024.csv lines 9 and 116: Dithmarschen and
    # Dortmund on 31.12.2024 ("01051;…;133460;e", "05913;…;603462;e")
    assert shared_year(small_ctx, pop, ["05913", "01051"]) == 2024
    # Adorf's newest is the Gemeindeverzeichnis of 31.12.2023 (destatis-gv-2023, Adorf 4694)
    assert shared_year(small_ctx, pop, ["05913", "14523010"]) == 2023
    # moves over the Gemeinde boundaries exist for 2015 only (gd/12711-01-03-4_00.csv,
    # 12711-01-03-5_00.csv): the comparison with them stands at 2015
    assert shared_year(small_ctx, pop + moves, ["05913", "14523010"]) == 2015
