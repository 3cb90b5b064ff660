"""Components of change, life-phase migration and fertility against numbers computed by hand
from the raw tables (file and line quoted; `gd/` is data/raw/genesapi-data/)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from dwk.core.errors import ConfigError
from dwk.dynamics.components import (
    FourYearMean,
    component_years,
    components,
    webb_type,
    windows,
    zensus_note,
)
from dwk.dynamics.life_phases import (
    general_fertility_rate,
    life_phase_migration,
    life_phase_note,
    load_life_phases,
)
from dwk.dynamics.series import index_base, population_series
from dwk.inputs.censuses import by_basis

# gd/12411-01-01-4_00.csv line 15, Dithmarschen 01051, Insgesamt on 31.12.:
# 2015 132917, 2014 132685, 2013 132665, 2012 132965, 2011 133487, 2010 134798
P_01051 = {2015: 132917, 2014: 132685, 2013: 132665, 2012: 132965, 2011: 133487, 2010: 134798}
# gd/12612-01-01-4_00.csv lines 13/539/1065/1591 ("2013;01051;...;948;475;473")
B_01051 = {2015: 960, 2014: 1018, 2013: 948, 2012: 939}
# gd/12613-01-01-4_00.csv lines 14/540/1066/1592 ("2013;01051;...;1758;865;893")
D_01051 = {2015: 1845, 2014: 1682, 2013: 1758, 2012: 1644}
# gd/12411-05-01-4_00.csv lines 14/540/1066/1592 ("2013;01051;...;132815;65168;67647")
MEAN_01051 = {2015: 132801, 2014: 132675, 2013: 132815, 2012: 133226}
# gd/12711-04-02-4_00.csv line 58: "01051;...;Insgesamt;5723;3149;2574;4641;2359;2282"
NET_2015_01051 = 5723 - 4641


@pytest.fixture(scope="module")
def comp(ctx):
    return components(ctx, ["01051", "05913", "12062", "11000", "02000", "15001"])


def test_residual_net_migration_dithmarschen_2013(comp):
    y = comp["01051"].year(2013)
    assert y.births == 948 and y.deaths == 1758
    assert y.natural == 948 - 1758
    assert y.migration == (132665 - 132965) - (948 - 1758) == 510
    assert y.estimated
    assert y.mean_population == 132815
    assert y.migration_rate == pytest.approx(510 / 132815 * 1000)
    assert y.natural_rate == pytest.approx(-810 / 132815 * 1000)


def test_2015_net_migration_comes_from_the_migration_table(comp):
    # gd/12711-04-02-4_00.csv line 884:
    # "05913;      Dortmund, Kreisfreie Stadt;Insgesamt;35514;20056;15458;29001;16017;12984"
    y = comp["05913"].year(2015)
    assert y.migration == 35514 - 29001 == 6513
    assert not y.estimated
    dith = comp["01051"].year(2015)
    assert dith.migration == NET_2015_01051 == 1082
    # the residual of 2015 is kept beside it: ΔP − (B − D) = 232 + 885
    assert dith.migration_residual == (132917 - 132685) - (960 - 1845) == 1117


def test_2011_net_migration_is_missing_with_reason(comp):
    y = comp["01051"].year(2011)
    assert math.isnan(y.migration) and math.isnan(y.migration_residual)
    assert math.isnan(y.migration_rate)
    assert not y.estimated
    assert y.note == zensus_note(by_basis("zensus2011"))
    assert y.note.startswith(
        "Wanderungssaldo 2011 nicht ermittelbar: die Bevölkerung am 31.12.2010"
    )
    # the natural balance is unaffected: gd/12612 line 2117 (948), gd/12613 line 2118 (1714)
    assert y.natural == 948 - 1714
    assert all(math.isnan(c.year(2011).migration) for c in comp.values())


def test_four_year_mean_by_hand(comp):
    m = comp["01051"].mean(2015)
    residuals = [
        (P_01051[y] - P_01051[y - 1]) - (B_01051[y] - D_01051[y]) for y in (2012, 2013, 2014)
    ]
    assert residuals == [183, 510, 684]
    migration = sum(residuals) + NET_2015_01051
    natural = sum(B_01051.values()) - sum(D_01051.values())
    pop = sum(MEAN_01051.values())
    assert (m.first, m.last) == (2012, 2015)
    assert m.natural_rate == pytest.approx(natural / pop * 1000)  # −5.76
    assert m.migration_rate == pytest.approx(migration / pop * 1000)  # 4.63
    assert m.estimated  # 2012–2014 are residuals


def test_four_year_mean_needs_all_four_years(comp):
    # windows that contain 2011 have no migration mean, but a natural one
    for last in (2011, 2012, 2013, 2014):
        m = comp["01051"].mean(last)
        assert math.isnan(m.migration_rate) and not math.isnan(m.natural_rate)
    assert comp["01051"].mean(1997) is None  # 1995–1997 are only three years


def _rates_2012_2015(p: dict, b: dict, d: dict, net_2015: float, mean_pop: float):
    """Wegweiser's 4-year means by hand: residual migration 2012–2014, the table's 2015."""
    migration = sum((p[y] - p[y - 1]) - (b[y] - d[y]) for y in (2012, 2013, 2014)) + net_2015
    natural = sum(b.values()) - sum(d.values())
    return natural / mean_pop * 1000, migration / mean_pop * 1000


def test_webb_types_of_kreise(comp):
    # Dithmarschen 2012–2015 (above): N −5.76, M +4.63 → E, decline
    assert comp["01051"].webb.code == "E" and not comp["01051"].webb.growth
    assert comp["01051"].webb.estimated
    # Elbe-Elster 12062: gd/12411-01-01-4_00.csv line 383 (2015 104673, 2014 104997,
    # 2013 106157, 2012 107649, 2011 109087); births gd/12612 lines 381/907/1433/1959
    # (715, 670, 650, 721); deaths gd/12613 lines 382/908/1434/1960 (1538, 1453, 1554, 1450);
    # mean population gd/12411-05-01-4 lines 382/908/1434/1960; net 2015 gd/12711-04-02-4
    # line 2634 (3064 − 2727)
    p = {2015: 104673, 2014: 104997, 2013: 106157, 2012: 107649, 2011: 109087}
    b = {2015: 715, 2014: 670, 2013: 650, 2012: 721}
    d = {2015: 1538, 2014: 1453, 2013: 1554, 2012: 1450}
    w = comp["12062"].webb
    natural, migration = _rates_2012_2015(p, b, d, 3064 - 2727, 104835 + 105577 + 106903 + 108368)
    assert (w.natural_rate, w.migration_rate) == (pytest.approx(natural), pytest.approx(migration))
    assert w.code == "F" and not w.growth  # natural loss exceeds migration loss
    # Berlin (rows "11" in the regionalstatistik Kreis tables): gd/12411-01-01-4 line 375,
    # gd/12612 lines 373/899/1425/1951, gd/12613 lines 374/900/1426/1952,
    # gd/12411-05-01-4 lines 374/900/1426/1952, gd/12711-04-02-4 line 2578 (182778 − 141693)
    p = {2015: 3520031, 2014: 3469849, 2013: 3421829, 2012: 3375222, 2011: 3326002}
    b = {2015: 38030, 2014: 37368, 2013: 35038, 2012: 34678}
    d = {2015: 34278, 2014: 32314, 2013: 32792, 2012: 32218}
    w = comp["11000"].webb
    pop = 3494940 + 3445839 + 3398526 + 3350612
    natural, migration = _rates_2012_2015(p, b, d, 182778 - 141693, pop)
    assert (w.natural_rate, w.migration_rate) == (pytest.approx(natural), pytest.approx(migration))
    assert w.code == "C" and w.growth  # the opposite signs of Elbe-Elster on both components
    assert comp["05913"].webb.code == "D"


@pytest.mark.parametrize(
    ("n", "m", "code"),
    [
        (3, -1, "A"),
        (3, 1, "B"),
        (1, 3, "C"),
        (-1, 3, "D"),
        (-3, 1, "E"),
        (-3, -1, "F"),
        (-1, -3, "G"),
        (1, -3, "H"),
    ],
)
def test_webb_type_sectors(n, m, code):
    w = webb_type(FourYearMean(2012, 2015, n, m, False))
    assert w.code == code
    assert w.growth == (n + m > 0)
    assert w.description.startswith("Wachstum" if w.growth else "Schrumpfung")


def test_webb_type_needs_both_components():
    assert webb_type(FourYearMean(2012, 2015, -1.0, math.nan, True)) is None
    assert webb_type(None) is None


def test_city_states_hamburg(comp):
    # gd/12711-04-02-4_00.csv line 135: "02;  Hamburg;Insgesamt;110070;61337;48733;90072;..."
    assert comp["02000"].year(2015).migration == 110070 - 90072
    assert comp["02000"].webb is not None


def test_secret_cells_are_missing_not_zero(comp):
    # gd/12612-01-01-4_00.csv line 8358: "2000;15001;      Dessau-Roßlau, ...;.;.;."
    # gd/12613-01-01-4_00.csv line 8359: "2000;15001;...;1113;510;603"
    y = comp["15001"].year(2000)
    assert math.isnan(y.births) and y.deaths == 1113
    assert math.isnan(y.natural) and math.isnan(y.natural_rate) and math.isnan(y.migration)
    assert not y.estimated
    # births are published from 2004, mean population (gd/12411-05-01-4) from 2007 on:
    # the first complete window is 2007–2010
    assert not math.isnan(comp["15001"].mean(2010).natural_rate)
    assert math.isnan(comp["15001"].mean(2009).natural_rate)


def test_unknown_key_gives_missing_values(ctx):
    c = components(ctx, ["99999"])["99999"]
    assert all(math.isnan(y.births) and math.isnan(y.migration) for y in c.years)
    assert c.webb is None


def test_population_series_and_census_dithmarschen(ctx):
    s = population_series(ctx, "01051")
    assert s.years == list(range(1995, 2025))
    assert s.values[s.years.index(2010)] == P_01051[2010]
    assert s.values[s.years.index(2011)] == P_01051[2011]
    assert "12411-01-01-4" in s.tables and "12411-0015" in s.tables
    census = {p.date: p for p in s.census}
    # gd/12111-01-01-5_00.csv line 17: "01051;      Dithmarschen, Landkreis;133900;65528;..."
    assert census["2011-05-09"].value == 133900
    assert census["2011-05-09"].table == "12111-01-01-5"
    # hdigital-zensus2022/1000A-0000_de.csv lines 10–125: the 116 Gemeinden whose ARS starts
    # with 01051 ("010510011011;Brunsbüttel, Stadt;Personen;Anzahl;12573;e", …), summed by awk
    assert census["2022-05-15"].value == 132810
    assert census["2022-05-15"].table == "1000A-0000"
    # a point of its own: not in the yearly series, placed between 31.12.2010 and 31.12.2011
    assert 133900 not in s.values
    assert census["2011-05-09"].position == pytest.approx(2010 + 129 / 365)
    index, census_index = s.indexed(2011)
    assert index[s.years.index(2011)] == pytest.approx(100)
    assert census_index[0] == pytest.approx(133900 / 133487 * 100)


# cartogram-12411-0015/12411-0015_kreise_2020-2024.csv, 31.12.2020–2024 (sidecar: 2020–2021 on
# the Zensus 2011 basis, 2022–2024 on the Zensus 2022 basis):
# line 9:   "01051;Dithmarschen, Landkreis;133251;e;133969;e;133104;e;133514;e;133460;e"
# line 116: "05913;Dortmund, kreisfreie Stadt;587696;e;586852;e;599370;e;601343;e;603462;e"
KREISE_2020_2024 = {
    "01051": [133251, 133969, 133104, 133514, 133460],
    "05913": [587696, 586852, 599370, 601343, 603462],
}


@pytest.mark.parametrize("key", sorted(KREISE_2020_2024))
def test_kreis_series_continues_on_the_zensus_2022_basis(ctx, key):
    """After the 2022 rebase the series is the 2022-based one (not the Gemeindeverzeichnis'
    2011-based sum of 31.12.2023), and it breaks at both censuses."""
    s = population_series(ctx, key)
    assert s.values[s.years.index(2020) :] == KREISE_2020_2024[key]
    assert s.breaks == ((2011, "Zensus 2011"), (2022, "Zensus 2022"))
    assert s.line_start(2021) == 2011 and s.line_start(2024) == 2022 and s.line_start(2000) == 1995
    assert "12411-0015" in s.tables and "GV-ISys" not in s.tables


def test_population_series_of_a_gemeinde(ctx):
    # gd/12411-01-01-5_00.csv line 2392: "03454409055;        Vrees;1767;983;784;1695;..."
    s = population_series(ctx, "03454055")
    # the annual table ends in 2015; the series runs on to the Gemeindeverzeichnis editions,
    # with the years between them empty: AuszugGV4QAktuell.csv line 2517 ("…,055,Vrees,
    # 37.55, 1 777,…", 31.12.2019) and 31122023_Auszug_GV.xlsx row 2514 (Vrees, 1916)
    assert s.years == list(range(2008, 2024))
    assert [(y, v) for y, v in zip(s.years, s.values, strict=True) if v == v][-4:] == [
        (2014, 1695),
        (2015, 1767),
        (2019, 1777),
        (2023, 1916),
    ]
    # both editions are on the Zensus 2011 basis (their sidecars), so the series has no 2022
    # break; 2023 is said to be behind the Zensus 2022
    assert set(s.lines) == {"zensus2011"}
    assert s.breaks == ((2011, "Zensus 2011"),)
    assert s.behind == ((2023, "Zensus 2011"),)
    assert "GV-ISys" in s.tables
    # gd/12111-01-01-5_00.csv line 2394 ("03454409055;        Vrees;1645;..."),
    # hdigital-zensus2022/1000A-0000_de.csv line 1913 ("034545409055;Vrees;...;1951;e")
    assert [(p.date, p.value) for p in s.census] == [("2011-05-09", 1645), ("2022-05-15", 1951)]


def test_a_kreis_beside_its_gemeinde_is_on_the_gemeindes_basis(ctx):
    """The Emsland in Vrees's chart: 2011-based to 2023 (the Gemeindeverzeichnis sum of
    31.12.2023, not the 2022-based 12411-0015 value), nothing for 2022, no 2022 break."""
    own = population_series(ctx, "03454055")
    s = population_series(ctx, "03454", dict(zip(own.years, own.lines, strict=True)))
    assert s.years == own.years and s.breaks == ((2011, "Zensus 2011"),)
    # 12411-0015_kreise_2020-2024.csv line 61: "03454;Emsland, Landkreis;328930;e;331397;e;
    # 331711;e;334203;e;334539;e" (2020 and 2021 on the 2011 basis)
    assert s.values[s.years.index(2020) : s.years.index(2022)] == [328930, 331397]
    assert math.isnan(s.values[s.years.index(2022)])
    # 31122023_Auszug_GV.xlsx: the Kreis row (2436) has no population; its 60 Gemeinden
    # (Satzart 60, Land 03, RB 4, Kreis 54), summed with openpyxl: 340280
    assert s.values[s.years.index(2023)] == 340280
    # on its own, the Emsland's series is 2022-based from 2022 on (334203 in 2023)
    alone = population_series(ctx, "03454")
    assert alone.values[alone.years.index(2023)] == 334203


def test_an_area_merged_away_is_charted_until_its_last_figure(ctx, registry):
    """Mylau joined Reichenbach on 01.01.2016 (data/key_changes.toml): its chart ends with its
    last Stichtag, 31.12.2015, and so do its references; no census after it is drawn (before,
    the Kreis ran on to 2023 and the Zensus 2022 counts stretched the axis to 2022)."""
    from dwk.dynamics.section import dynamics_for

    mylau = registry.resolve("14523250")
    d = dynamics_for(ctx, mylau, registry.references(mylau))
    names = ["Mylau, Stadt", "Vogtlandkreis", "Sachsen", "Deutschland"]
    assert [name for name, _ in d.series] == names
    for _, s in d.series:
        assert (s.years[0], s.years[-1]) == (2008, 2015)
        assert [c.date for c in s.census] == ["2011-05-09"]
    # gd/12411-01-01-5_00.csv line 12059: "14523250;        Mylau, Stadt;2520;…" (31.12.2015)
    assert d.series[0][1].values[-1] == 2520


def test_a_gemeinde_formed_since_a_census_has_its_parts_count(ctx):
    """Jahnatal was formed on 01.01.2023 of Ostrau and Zschaitz-Ottewig (data/key_changes.toml):
    neither census table has its key, its parts' counts are its territory's (before, its
    chart and lead had no census at all). Aue-Bad Schlema (2019) likewise for 2011 only."""
    s = population_series(ctx, "14522275")
    # gd/12111-01-01-5_00.csv lines 12018 and 12034: "14522450;        Ostrau;3925;…",
    # "14522620;        Zschaitz-Ottewig;1367;…"; hdigital-zensus2022/1000A-0000_de.csv
    # lines 9629–9630: "…;Ostrau;Personen;Anzahl;3427;e", "…;Zschaitz-Ottewig;…;1288;e"
    assert [(p.date, p.value, p.table) for p in s.census] == [
        ("2011-05-09", 3925 + 1367, "12111-01-01-5"),
        ("2022-05-15", 3427 + 1288, "1000A-0000"),
    ]
    # gd/12111-01-01-5_00.csv lines 11901 and 11903: Aue 16981, Bad Schlema 5057; its own
    # key in 1000A-0000_de.csv line 9527: "145210035035;Aue-Bad Schlema, Stadt;…;19278;e"
    aue = {p.date: p.value for p in population_series(ctx, "14521035").census}
    assert aue == {"2011-05-09": 16981 + 5057, "2022-05-15": 19278}


def test_grabow_is_counted_with_steesow_under_their_keys_before_2011(ctx):
    """Grabow (a member) took in Steesow in 2016; both got new keys with Mecklenburg-
    Vorpommern's Kreis reform on 04.09.2011 (data/key_changes.toml). Their figures before it
    and the Zensus 2011 stand under the old keys, so Grabow's territory of today had no
    figure for 2008–2010 and no 2011 count until Steesow's new key was listed too."""
    s = population_series(ctx, "13076050")
    # gd/12411-01-01-5_00.csv, 31.12.2008: Grabow (13054037, line 10406) 5963, Steesow (line
    # 10449) 203; gd/12111-01-01-5_00.csv lines 10408 and 10451: 5807 and 193
    assert s.values[s.years.index(2008)] == 5963 + 203
    assert [(p.date, p.value) for p in s.census][0] == ("2011-05-09", 5807 + 193)


def test_a_kreis_formed_by_a_merger_after_the_census_has_its_parts_count(ctx):
    """Ludwigslust-Parchim (04.09.2011) and Göttingen (2016) are not in the Zensus 2011 table;
    their count is that of the Kreise they were formed of (data/key_changes.toml)."""
    # gd/12111-01-01-5_00.csv lines 10384 and 10862: Landkreis Ludwigslust 120926, Landkreis
    # Parchim 93446; lines 1206 and 1313: Göttingen 248037, Osterode am Harz 76785
    for key, count in (("13076", 120926 + 93446), ("03159", 248037 + 76785)):
        census = population_series(ctx, key).census
        assert [(p.date, p.value) for p in census][0] == ("2011-05-09", count)
    # the Landkreis Rostock, of Bad Doberan and Güstrow: gd/12411-01-01-5_00.csv lines 10182
    # and 10319, 31.12.2010: 117197 + 98992; gd/12111-01-01-5_00.csv lines 10184 and 10321:
    # 115654 + 96905
    rostock = population_series(ctx, "13072")
    assert rostock.values[rostock.years.index(2010)] == 117197 + 98992
    assert rostock.census[0].value == 115654 + 96905


def test_a_chart_is_indexed_on_the_first_year_that_all_its_lines_have(ctx):
    """Alt Schwerin's figures run from 2008 under its key before 2011, those of its Kreis,
    Mecklenburgische Seenplatte, formed in 2011 of parts of others, from 2011: its chart is
    indexed on 2011, Parchim's (its Kreis formed of whole Kreise) on 2008."""
    land = population_series(ctx, "13")
    alt_schwerin = population_series(ctx, "13071001")
    assert alt_schwerin.values[0] == alt_schwerin.values[0]  # 2008 has a figure
    seenplatte = population_series(ctx, "13071")
    assert index_base([alt_schwerin, seenplatte, land]) == 2011
    assert index_base([alt_schwerin, land]) == 2008
    parchim = [population_series(ctx, k) for k in ("13076108", "13076")]
    assert index_base([*parchim, land]) == 2008
    empty = replace(seenplatte, values=[math.nan] * len(seenplatte.values))
    assert index_base([alt_schwerin, empty, land]) == 2008  # a line without figures is none
    assert index_base([empty, land]) is None


def test_mecklenburg_vorpommerns_gemeinden_run_on_under_their_keys_before_2011(ctx, registry):
    """Every Gemeinde of the Land got a new key on 04.09.2011; data/key_changes.toml lists
    those of unchanged territory (scripts/mv_keys_2011.py), so a Gemeinde's series reaches back
    to 2008 and has its Zensus 2011 count, and its name means one area."""
    s = population_series(ctx, "13076108")
    # Parchim, on its territory of today with Damm (taken in 2014), both renamed in 2011:
    # gd/12411-01-01-5_00.csv lines 10908 and 10871 (old keys): 2010 18425 + 505, 2008
    # 18831 + 531; lines 11801 and 11722 (new keys): 2011 17336 + 506; gd/12111-01-01-5_00.csv
    # lines 10910 and 10873: 17452 + 504
    assert s.values[s.years.index(2008)] == 18831 + 531
    assert s.values[s.years.index(2010)] == 18425 + 505
    assert s.values[s.years.index(2011)] == 17336 + 506
    assert [(p.date, p.value) for p in s.census][0] == ("2011-05-09", 17452 + 504)
    assert registry.resolve("Parchim").key == "13076108"  # not also 13060056
    # Upahl took in Hanshagen before the census (12411-01-01-5 lines 10744 and 10697: 726 and
    # 386 in 2010; 12111-01-01-5 line 10746: Upahl 1066), so its years before differ in
    # territory and are not joined to it
    upahl = population_series(ctx, "13074079")
    assert all(v != v for y, v in zip(upahl.years, upahl.values, strict=True) if y < 2011)
    assert not any(p.date == "2011-05-09" for p in upahl.census)
    assert not [c for c in ctx.changes if c.new == "13074079" and c.date == "2011-09-04"]


def test_life_phase_vrees_by_hand(ctx):
    # gd/12711-01-03-5_00.csv line 2396, Vrees, Zuzüge then Fortzüge über die Gemeindegrenzen
    # (unter 18, 18–25, 25–30, 30–50, 50–65, 65+): in 25;39;32;87;31;1, out 10;19;24;71;24;5
    # gd/12411-02-03-5_00.csv line 2394, Vrees 31.12.2015 by 17 age groups:
    # 74;58;88;110;65 (0–18), 37;111 (18–25), 132 (25–30), 132;108;113;115 (30–50),
    # 138;149;100 (50–65), 120;117 (65+)
    r = life_phase_migration(ctx, ["03454055"]).set_index("id")
    fam = r.loc["familienwanderung"]
    assert (fam["in"], fam["out"]) == (25 + 87, 10 + 71)
    assert fam["population"] == 74 + 58 + 88 + 110 + 65 + 132 + 108 + 113 + 115
    assert fam["value"] == pytest.approx((112 - 81) / 863 * 1000)
    assert fam["flag"] == "" and fam["level"] == "gemeinde"
    bild = r.loc["bildungswanderung"]
    assert bild["value"] == pytest.approx((39 - 19) / (37 + 111) * 1000)
    alt = r.loc["alterswanderung"]
    assert alt["value"] == pytest.approx((1 - 5) / (120 + 117) * 1000)
    assert alt["flag"] == "unsicher"  # 1 + 5 moves < 20
    assert "12711-01-03-5" in alt["tables"] and "12411-02-03-5" in alt["tables"]
    assert list(r.index) == [p.id for p in load_life_phases()]


def test_life_phase_dortmund_by_hand(ctx):
    # gd/12711-04-02-4_00.csv line 879: "05913;...;18 bis unter 25 Jahre;9087;4806;4281;5467;..."
    # gd/12411-04-02-4_00.csv lines 9946–9952, Dortmund 31.12.2015 aged 18 … 24:
    # 6276 + 6631 + 6838 + 7373 + 7782 + 8254 + 8804 = 51958
    r = life_phase_migration(ctx, ["05913"]).set_index("id")
    bild = r.loc["bildungswanderung"]
    assert (bild["in"], bild["out"], bild["population"]) == (9087, 5467, 51958)
    assert bild["value"] == pytest.approx((9087 - 5467) / 51958 * 1000)  # 69.7
    assert bild["level"] == "kreis" and "12711-04-02-4" in bild["tables"]
    # gd/12711-04-02-4_00.csv line 883: 65 and over, in 877, out 1271
    assert r.loc["alterswanderung", "value"] < 0


def test_life_phase_flags_and_city_states(ctx):
    # gd/12411-02-03-5_00.csv line 24: Bergewöhrden 01051008 has nobody aged 25–29
    # gd/12711-01-03-5_00.csv line 26: and no moves at those ages ("-")
    r = life_phase_migration(ctx, ["01051008", "99999999", "11000000", "11000"])
    berg = r.loc[(r["area_key"] == "01051008") & (r["id"] == "berufseinstiegswanderung")]
    assert berg["flag"].item() == "x" and math.isnan(berg["value"].item())
    assert set(r.loc[r["area_key"] == "99999999", "flag"]) == {"."}
    # Berlin as a Gemeinde: the Gemeinde tables have only the Land row "11"
    # (gd/12711-01-03-5_00.csv line 9731: "11;  Berlin;24729;43390;…")
    berlin = r.loc[r["area_key"] == "11000000"].set_index("id")
    assert berlin.loc["bildungswanderung", "in"] == 43390
    assert not berlin["value"].isna().any()
    assert list(r["area_key"].drop_duplicates()) == ["01051008", "99999999", "11000000", "11000"]


def test_life_phase_note_names_the_year_of_the_data():
    # data/life_phases.toml marks 2015 as unusual; another year gets only its own name
    note = life_phase_note([2015])
    assert note.startswith("Wanderungen nach Altersgruppen liegen nur für 2015 vor. 2015 war ")
    assert "vier Jahre" in note
    later = life_phase_note([2019])
    assert later.startswith("Wanderungen nach Altersgruppen liegen nur für 2019 vor. Der ")
    assert "Ausnahmejahr" not in later


def test_life_phase_file_is_validated(tmp_path):
    bad = tmp_path / "phases.toml"
    bad.write_text(
        '[[phase]]\nid = "x"\nlabel = "X"\nage_label = "x"\nbands = ["20-30"]\n'
        'wegweiser = "x"\nmapping = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="20-30"):
        load_life_phases(bad)


def test_general_fertility_rate_emsland_by_hand(ctx):
    # gd/12612-01-01-4_00.csv lines 69/595/1121/1647, Emsland 03454: births 2015 2889,
    # 2014 2915, 2013 2611, 2012 2657
    # gd/12411-04-02-4_00.csv lines 4983–5017, Emsland 31.12.2015, women aged 15 … 49
    # (column weiblich, "31.12.2015;03454;...;15 bis unter 16 Jahre;3919;2018;1901" …), summed
    # by awk: 67966
    g = general_fertility_rate(ctx, ["03454"])["03454"]
    assert g.births_pooled == 2657 + 2611 + 2915 + 2889 == 11072
    assert g.births_last == 2889
    assert g.women_15_49 == 67966
    assert g.pooled == pytest.approx(11072 / (4 * 67966) * 1000)  # 40.7
    assert g.last == pytest.approx(2889 / 67966 * 1000)  # 42.5
    assert g.period == (2012, 2015)


def test_windows_follow_the_years_of_the_tables(ctx):
    """Wegweiser's 4-year windows, counted back from the latest year with births, deaths and
    mean population (gd/12612-01-01-4_00.csv, 12613-01-01-4, 12411-05-01-4: 1995–2015); the
    window with the Zensus year 2011 is left out, not shifted."""
    assert component_years(ctx) == list(range(1995, 2016))
    assert windows(component_years(ctx)) == ((1996, 1999), (2000, 2003), (2004, 2007), (2012, 2015))
    # a later vintage of the births and deaths (to 2019) moves every window
    assert windows(list(range(1995, 2020))) == (
        (1996, 1999), (2000, 2003), (2004, 2007), (2012, 2015), (2016, 2019),
    )  # fmt: skip
    # to 2024: the windows with 2011 and with 2022 are both left out
    assert windows(list(range(1995, 2025))) == (
        (1997, 2000), (2001, 2004), (2005, 2008), (2013, 2016), (2017, 2020),
    )  # fmt: skip
    # a missing year drops its window
    assert windows([*range(1995, 2014), 2015]) == ((1996, 1999), (2000, 2003), (2004, 2007))
