"""Population on 31.12. per census line, from the role registry, and the census basis of each
figure (data/roles.toml)."""

from __future__ import annotations

import pytest

from dwk.core.types import level_of
from dwk.indicators.catalogue import load_catalogue
from dwk.indicators.compute import compute
from dwk.inputs.roles import tables


def test_roles():
    assert tables("population")[0] == "12411-0015"
    assert tables("age_groups") == ("12411-02-03-5", "12411-02-03-4")


def test_gemeindeverzeichnis_population_is_on_the_2011_line(ctx):
    # data/raw/grundeinkommensbuero-gv/AuszugGV4QAktuell.csv line 14334:
    # 60,63,14,5,23,0010,010,"Adorf/Vogtl., Stadt", 42.97, 4 844, 2 320, 2 524, …
    line = ctx.population("zensus2011")
    assert line.observed.at["14523010", 2019] == 4844
    assert line.tables.at["14523010", 2019] == "GV-ISys"
    assert "14523010" not in ctx.population("zensus2022").values.index


def test_kreis_recent_values_keep_their_table(ctx):
    # data/raw/untergeekDE-scrape-covid19/12411-0015.csv line 118:
    # 05913;Dortmund, kreisfreie Stadt;585813;586600;587010;588250;587696  (2016 … 2020)
    line = ctx.population("zensus2011")
    assert [line.observed.at["05913", y] for y in (2016, 2020)] == [585813, 587696]
    assert line.tables.at["05913", 2020] == "12411-0015"


def test_indicators_take_the_newest_stichtag_and_say_the_basis(ctx):
    defs = [d for d in load_catalogue() if d.id == "bevoelkerung"]
    adorf = compute(ctx, defs, ["14523010", "14523", "14", "DG"], anchor="14523010")
    own = adorf.iloc[0]
    assert (own["period"], own["value"], own["basis"]) == ("2019-12-31", 4844, "zensus2011")
    # the Gemeinde from the Gemeindeverzeichnis, the Kreis from 12411-0015 (Land and Germany as
    # the sums of its Kreise): every table named, all at the same Stichtag on the same line
    assert own["tables"] == "12411-0015, GV-ISys"
    assert set(adorf["period"]) == {"2019-12-31"} and set(adorf["basis"]) == {"zensus2011"}
    # 12411-01-01-5_00.csv line 12034: 14523010;        Adorf/Vogtl., Stadt;5078;2445;2633;5124;…
    older = compute(ctx, defs, ["14523010"], year=2015, anchor="14523010").iloc[0]
    assert (older["period"], older["value"], older["tables"]) == (
        "2015-12-31",
        5078,
        "12411-01-01-5",
    )


def test_change_across_a_later_line_is_flagged(ctx):
    defs = [d for d in load_catalogue() if d.id == "bevoelkerungsentwicklung_5j"]
    row = compute(ctx, defs, ["14523010"], anchor="14523010").iloc[0]
    # 12411-01-01-5_00.csv line 12034: 31.12.2014 5124; GV line 14334: 31.12.2019 4 844
    assert row["period"] == "2014/2019"
    assert row["value"] == pytest.approx((4844 - 5124) / 5124 * 100)
    assert row["flag"] == ""  # both on the Zensus 2011 line


@pytest.mark.parametrize(
    ("key", "level"),
    [("DG", "de"), ("01", "land"), ("014", "rb"), ("01051", "kreis"), ("0105101", "verband"),
     ("01051011", "gemeinde"), ("010510", None)],
)  # fmt: skip
def test_level_of(key, level):
    assert level_of(key) == level
