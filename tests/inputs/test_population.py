"""Population on 31.12. per census line, from the role registry, and the census basis of each
figure (data/roles.toml).

Tests of single members' lines run on the small store (`tests/small_store.py`); those that
read a Kreis or Land figure derived from the Gemeindeverzeichnis (Vogtlandkreis 2023, Dortmund's
change to 2023) need every Gemeinde, so the full one."""

from __future__ import annotations

import pytest

from dwk.core.types import level_of
from dwk.indicators.catalogue import load_catalogue
from dwk.indicators.compute import compute
from dwk.roles import tables


def test_roles():
    assert tables("population")[0] == "12411-0015"
    assert tables("age_groups") == ("12411-02-03-5", "12411-02-03-4")


def test_gemeindeverzeichnis_population_is_on_the_2011_line(small_ctx):
    # data/raw/grundeinkommensbuero-gv/AuszugGV4QAktuell.csv line 14334:
    # 60,63,14,5,23,0010,010,"Adorf/Vogtl., Stadt", 42.97, 4 844, 2 320, 2 524, …
    line = small_ctx.population("zensus2011")
    assert line.observed.at["14523010", 2019] == 4844
    assert line.tables.at["14523010", 2019] == "GV-ISys"
    assert "14523010" not in small_ctx.population("zensus2022").values.index


def test_kreis_recent_values_keep_their_table(small_ctx):
    # data/raw/untergeekDE-scrape-covid19/12411-0015.csv line 118:
    # 05913;Dortmund, kreisfreie Stadt;585813;586600;587010;588250;587696  (2016 … 2020)
    line = small_ctx.population("zensus2011")
    assert [line.observed.at["05913", y] for y in (2016, 2020)] == [585813, 587696]
    assert line.tables.at["05913", 2020] == "12411-0015"


def test_indicators_take_the_newest_stichtag_and_say_the_basis(ctx):
    defs = [d for d in load_catalogue() if d.id == "bevoelkerung"]
    adorf = compute(ctx, defs, ["14523010", "14523", "14", "DG"], anchor="14523010")
    own = adorf.iloc[0]
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx, Adorf/Vogtl.: 4 694 on 31.12.2023, on the
    # Zensus 2011 basis (SOURCES.md §10); the Vogtlandkreis, Sachsen and Germany as the sums of
    # the Gemeindeverzeichnis on the same line (Vogtlandkreis 221 953, not 12411-0015's 2022-based
    # 221 088)
    assert (own["period"], own["value"], own["basis"]) == ("2023-12-31", 4694, "zensus2011")
    assert own["tables"] == "GV-ISys"
    assert adorf.iloc[1]["value"] == 221953
    assert set(adorf["period"]) == {"2023-12-31"} and set(adorf["basis"]) == {"zensus2011"}
    # --year 2019: the Gemeindeverzeichnis of 31.12.2019 (GV line 14334: … 4 844 …) beside the
    # Kreis from 12411-0015
    y2019 = compute(ctx, defs, ["14523010", "14523"], year=2019, anchor="14523010")
    assert (y2019.iloc[0]["value"], y2019.iloc[0]["tables"]) == (4844, "12411-0015, GV-ISys")
    # 12411-01-01-5_00.csv line 12034: 14523010;        Adorf/Vogtl., Stadt;5078;2445;2633;5124;…
    older = compute(ctx, defs, ["14523010"], year=2015, anchor="14523010").iloc[0]
    assert (older["period"], older["value"], older["tables"]) == (
        "2015-12-31",
        5078,
        "12411-01-01-5",
    )


def test_kreise_stand_on_the_2022_line_and_their_changes_on_one_line(ctx):
    defs = [d for d in load_catalogue() if d.id in ("bevoelkerung", "bevoelkerungsentwicklung_5j")]
    rows = compute(ctx, defs, ["05913"], anchor="05913").set_index("id")
    # data/raw/cartogram-12411-0015/12411-0015_kreise_2020-2024.csv: Dortmund 603462 e (2024)
    assert rows.loc["bevoelkerung", ["period", "value", "basis"]].tolist() == [
        "2024-12-31",
        603462,
        "zensus2022",
    ]
    # the 2022 line has no 2019: the change ends on the 2011 line, 31.12.2023 (Gemeindeverzeichnis)
    change = rows.loc["bevoelkerungsentwicklung_5j"]
    assert (change["period"], change["basis"], change["flag"]) == ("2018/2023", "zensus2011", "")


def test_change_within_one_line(small_ctx):
    defs = [d for d in load_catalogue() if d.id == "bevoelkerungsentwicklung_5j"]
    row = compute(small_ctx, defs, ["14523010"], anchor="14523010").iloc[0]
    # 2018 has no Gemeinde figure, so the base is the next year with one: 31.12.2019 (GV 2019,
    # 4 844) → 31.12.2023 (GV 2023, 4 694)
    assert row["period"] == "2019/2023"
    assert row["value"] == pytest.approx((4694 - 4844) / 4844 * 100)
    assert row["flag"] == ""


@pytest.mark.parametrize(
    ("key", "level"),
    [
        ("DG", "de"),
        ("01", "land"),
        ("014", "rb"),
        ("01051", "kreis"),
        ("0105101", "verband"),
        ("01051011", "gemeinde"),
        ("010510", None),
    ],
)
def test_level_of(key, level):
    assert level_of(key) == level
