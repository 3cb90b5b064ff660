"""Gemeinden whose territory changed in 2012–2015, between the base of "seit 2011" and the base
of the projection (data/key_changes.toml, the last section): their figures are of the territory
of today, and the list itself agrees with the table it was checked against."""

from __future__ import annotations

import csv
import tomllib

import pytest

from dwk.core import paths
from tests.census_hand import gv_2023

RAW = paths.data_dir() / "raw" / "genesapi-data" / "12411-01-01-5_00.csv"


def _population() -> dict[tuple[str, int], int | None]:
    """(AGS, year) → Insgesamt on 31.12., read straight from the file: a Samtgemeinde's member
    has an 11-digit key there, whose AGS is its first five and last three digits."""
    rows = list(csv.reader(RAW.open(encoding="utf-8"), delimiter=";"))
    years = [int(h[-4:]) for h in rows[6][2::3]]
    out: dict[tuple[str, int], int | None] = {}
    for r in rows:
        key = r[0].strip() if r else ""
        if not key.isdigit() or len(key) not in (8, 11):
            continue
        ags = key if len(key) == 8 else key[:5] + key[-3:]
        for j, year in enumerate(years):
            cell = r[2 + 3 * j].strip()
            out.setdefault((ags, year), int(cell) if cell.isdigit() else None)
    return out


def _changes_2012_2015() -> list[dict]:
    text = (paths.data_dir() / "key_changes.toml").read_text(encoding="utf-8")
    return [
        c
        for c in tomllib.loads(text)["change"]
        if c["level"] == "gemeinde" and 2012 <= int(str(c["date"])[:4]) <= 2015
    ]


def test_the_listed_changes_of_2012_to_2015_agree_with_the_table():
    """Each Gemeinde listed as gone has a figure on 31.12. of the year before the change and
    none on 31.12. of its year (a change dated 31.12. already shows then); a kept key has a
    figure at both ends, a new one only after; and the figures before add up to the one after
    within 3 % or 40 people (a year of births, deaths and moves lies between), but for one."""
    pop, every = _population(), _changes_2012_2015()
    changes = [c for c in every if c["kind"] != "Teileingliederung"]
    assert len(changes) == 118
    by_year: dict[tuple[str, int], list[dict]] = {}
    for c in changes:
        year = int(str(c["date"])[:4])
        by_year.setdefault((c["new"], year), []).append(c)
        for old in c["old"]:
            assert pop[(old, year - 1)] and pop[(old, year)] is None, (c["new"], old)
        kept = c["kind"] == "Eingliederung"
        assert bool(pop[(c["new"], year - 1)]) == kept and pop[(c["new"], year)], c["new"]
    outside = []
    for (new, year), same in by_year.items():  # Marienberg took in two in 2012
        before = sum(pop[(o, year - 1)] for c in same for o in c["old"])
        before += pop[(new, year - 1)] or 0
        if abs(pop[(new, year)] - before) > max(0.03 * before, 40):
            outside.append((new, before, pop[(new, year)]))
    # Jatznick took in Blumenhagen and Klein Luckow on 01.01.2012 (the only pair the pages
    # give for it) and lost 3.2 % that year
    assert outside == [("13075055", 1829 + 355 + 229, 2335)]
    gone = [o for c in changes for o in c["old"]]
    assert len(gone) == len(set(gone))
    # a Gemeinde split between its neighbours: gone as above, its receivers there at both
    # ends, and together with it they add up to the receivers after, by the same rule
    split: dict[tuple[str, int], list[str]] = {}
    for c in every:
        if c["kind"] == "Teileingliederung":
            split.setdefault((c["old"][0], int(str(c["date"])[:4])), []).append(c["new"])
    assert split == {
        ("16076091", 2012): ["16076022", "16076087"],
        ("14522610", 2013): [
            "14522080",
            "14522570",
        ],
    }
    for (old, year), receivers in split.items():
        assert pop[(old, year - 1)] and pop[(old, year)] is None and old not in gone
        before = pop[(old, year - 1)] + sum(pop[(r, year - 1)] for r in receivers)
        after = sum(pop[(r, year)] for r in receivers)
        assert abs(after - before) <= 0.03 * before


def test_a_gemeinde_that_took_others_in_before_2015_counts_them_since_2011(
    ctx, catalogue, registry
):
    """Wiedemar kept its key when Neukyhna and Zwochau joined it on 01.01.2013: "seit 2011"
    read +166.9 %, the top of the range of Grabow's Vergleichsgruppe. 12411-01-01-5_00.csv,
    31.12.2011: Wiedemar 2054 (line 12410), Neukyhna 2256 (line 12398), Zwochau 1060 (line
    12413)."""
    from dwk.indicators.compute import compute

    every = compute(ctx, catalogue, ["14730340"], anchor="14730340").set_index("id")
    change = every.loc["bevoelkerungsentwicklung_seit_2011"]
    assert change["value"] == pytest.approx((gv_2023("14730340") / (2054 + 2256 + 1060) - 1) * 100)
    assert change["flag"] == ""
    own = compute(ctx.jeweilig(), catalogue, ["14730340"], anchor="14730340").set_index("id")
    assert own.at["bevoelkerungsentwicklung_seit_2011", "value"] == pytest.approx(
        (gv_2023("14730340") / 2054 - 1) * 100
    )
    assert registry.absorbed("14730340") == (("Neukyhna", "2013-01-01"), ("Zwochau", "2013-01-01"))


def test_a_gemeinde_formed_before_2015_is_its_parts_sum_before(ctx, catalogue, registry):
    """Belgern-Schildau (14730045) was formed on 01.01.2013 under a new key: "seit 2011" was
    missing. 12411-01-01-5_00.csv, 31.12.2011: Belgern 4644 (line 12379), Schildau 3531
    (line 12402)."""
    from dwk.indicators.compute import compute

    every = compute(ctx, catalogue, ["14730045"], anchor="14730045").set_index("id")
    change = every.loc["bevoelkerungsentwicklung_seit_2011"]
    assert change["value"] == pytest.approx((gv_2023("14730045") / (4644 + 3531) - 1) * 100)
    area = registry.get("14730045")
    assert area.formed is not None and area.formed.date == "2013-01-01"


def test_two_changes_in_one_year_each_count_from_its_own_day(ctx):
    """Marienberg took in Pobershau on 01.01.2012 and Zöblitz on 31.12.2012, which the table of
    that day already shows (12411-01-01-5_00.csv, 31.12.2011: Marienberg 13127, Pobershau
    1965, Zöblitz 2828; 31.12.2012: Marienberg 17716, the others "-")."""
    from dwk.inputs import gebietsstand

    got = gebietsstand.population(ctx, "zensus2011")
    assert got.at["14521390", 2011] == 13127 + 1965 + 2828
    assert got.at["14521390", 2012] == 17716
    assert ctx.population("zensus2011").values.at["14521390", 2011] == 13127


def test_an_outlook_names_only_what_was_taken_in_after_its_base(ctx, store, registry, catalogue):
    """Wiedemar's figure of 31.12.2015, the projection's base, is already of Neukyhna and
    Zwochau too: its outlook does not say it counts them from the base."""
    from dwk.app.build import profile_rules
    from dwk.report.build import build_profile

    area = registry.get("14730340")
    profile = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    assert profile.absorbed == (("Neukyhna", "2013-01-01"), ("Zwochau", "2013-01-01"))
    assert profile.outlook is not None and profile.outlook.base_year == 2015
    assert profile.outlook.absorbed == ()


def test_a_gemeinde_that_took_part_of_a_split_one_is_flagged_across_it(ctx, catalogue):
    """Waldheim took part of Ziegra-Knobelsdorf on 01.01.2013, Döbeln the rest: no table has
    the parts' figures, so "seit 2011" (8,261 on 31.12.2011, 12411-01-01-5_00.csv line 12027)
    compares different territories and is flagged, on either Gebietsstand; it read +11.5 %,
    unflagged, and the rule on growth would read it."""
    from dwk.indicators.compute import compute

    for c in (ctx, ctx.jeweilig()):
        every = compute(c, catalogue, ["14522570"], anchor="14522570").set_index("id")
        change = every.loc["bevoelkerungsentwicklung_seit_2011"]
        assert change["value"] == pytest.approx((gv_2023("14522570") / 8261 - 1) * 100)
        assert change["flag"] == "gebiet"
        # the change over the last five years lies after it
        assert every.at["bevoelkerungsentwicklung_5j", "flag"] == ""
