"""`dwk project` end to end, and the backtest against figures computed from the raw files."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from test_cli import dwk  # the same subprocess runner (tests/cli is on sys.path)

from dwk.core import paths
from tests.census_hand import census_factor, kreis_ratio


def _raw_totals():
    """Kreis totals on 31.12.2015 (12411-01-01-4_00.csv, first value column), 31.12.2020
    (12411-0015.csv, last column) and 31.12.2021 (cartogram 12411-0015, fifth column), read
    with nothing but the csv module."""
    raw = paths.raw_dir()
    p15 = {}
    with open(raw / "genesapi-data/12411-01-01-4_00.csv", encoding="utf-8") as f:
        for row in csv.reader(f, delimiter=";"):
            if row and re.fullmatch(r"\d{5}", row[0]) and row[2].isdigit():
                p15[row[0]] = int(row[2])
            elif row and row[0] in ("02", "11") and row[2].isdigit():
                p15[row[0] + "000"] = int(row[2])
    p20 = {}
    with open(raw / "untergeekDE-scrape-covid19/12411-0015.csv", encoding="latin-1") as f:
        for row in csv.reader(f, delimiter=";"):
            if row and re.fullmatch(r"\d{5}", row[0]) and row[-1].isdigit():
                p20[row[0]] = int(row[-1])
    p21 = {}
    path = raw / "cartogram-12411-0015/12411-0015_kreise_2020-2024.csv"
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter=";"):
            if row and re.fullmatch(r"\d{5}", row[0]) and row[4].isdigit():
                p21[row[0]] = int(row[4])
    return p15, p20, p21


@pytest.fixture(scope="module")
def backtest(cache_dir, store):
    """`dwk project --backtest` as a user runs it: Kreise and all Gemeinden (45 s here)."""
    r = dwk("project", "--backtest", "--format", "json", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def kreis_backtest(backtest_in_process):
    """The JSON `dwk project --backtest` writes, of the Kreise only (their scores do not depend
    on the Gemeinden): what the fast tier checks against the raw files."""
    from dwk.app.project import write_backtest

    out = io.StringIO()
    write_backtest(backtest_in_process, "json", out)
    return json.loads(out.getvalue())


def _score(backtest, method, measure, year, level="kreis"):
    return next(
        s
        for s in backtest["scores"]
        if (s["level"], s["method"], s["measure"], s["year"]) == (level, method, measure, year)
    )


def test_backtest_constant_forecast_matches_the_raw_files(kreis_backtest, store, registry):
    """The constant forecast against the raw totals, each Kreis on its territory of 2015: the
    people who came or went with territory from another Kreis since (six Thuringian Kreise in
    2019, `transfers`, checked by hand in tests/profile/test_territories.py) are taken off."""
    from dwk.inputs.context import Context
    from dwk.inputs.transfers import transfers

    backtest = kreis_backtest
    moved = transfers(Context(store, registry.changes))
    assert {k for (k, y) in moved if y <= 2021} == {
        "16054", "16070", "16066", "16063", "16072", "16073"
    }  # fmt: skip
    p15, p20, p21 = _raw_totals()
    p15["03159"] = p15.pop("03152") + p15.pop("03156")  # merged on 01.11.2016
    # 2022 exists only on the Zensus 2022 basis; 2023 also on the 2011 one (Gemeindeverzeichnis)
    assert backtest["years"] == [2016, 2017, 2018, 2019, 2020, 2021, 2023]
    for year, observed, n in ((2020, p20, 401), (2021, p21, 400)):
        if year == 2021:  # Eisenach in the Wartburgkreis from 01.07.2021
            p15 = {**p15, "16063": p15["16063"] + p15["16056"]}
        observed = {k: v - moved.get((k, 2019), 0) for k, v in observed.items()}
        signed = [(p15[k] / observed[k] - 1) * 100 for k in observed]
        got = _score(backtest, "konstant", "insgesamt", year)
        assert len(signed) == got["areas"] == n
        assert got["mape"] == pytest.approx(sum(map(abs, signed)) / n, abs=1e-4)
        assert got["bias"] == pytest.approx(sum(signed) / n, abs=1e-4)
        assert got["too_low"] == pytest.approx(sum(e < 0 for e in signed) / n * 100, abs=1e-4)
    assert backtest["areas"] == 400


@pytest.fixture(scope="module")
def backtest_in_process(cache_dir, store, registry):
    from dwk.inputs.context import Context
    from dwk.projection.backtest import run_backtest

    return run_backtest(Context(store, registry.changes), gemeinden=False)


def test_signed_errors_of_three_kreise_by_hand(cache_dir, store, backtest_in_process):
    """Signed error = (projected − observed) / observed; projected from `dwk project --totals
    --base-year 2015`, observed from the raw files."""
    rows = _csv(
        "01051",
        "05913",
        "14523",
        "--base-year",
        "2015",
        "--to",
        "2021",
        "--variant",
        "main",
        "--totals",
        cache_dir=cache_dir,
    )
    projected = {(r["area"], int(r["year"])): float(r["value"]) for r in rows}
    observed = {
        # untergeekDE-scrape-covid19/12411-0015.csv, 31.12.2016–2020:
        # line 11:  "01051;Dithmarschen, Landkreis;133560;133447;133210;133193;133251"
        # line 118: "05913;Dortmund, kreisfreie Stadt;585813;586600;587010;588250;587696"
        # line 412: "14523;Vogtlandkreis;231051;229584;227796;225997;223905"
        ("01051", 2020): 133251,
        ("05913", 2020): 587696,
        ("14523", 2020): 223905,
        # cartogram-12411-0015/12411-0015_kreise_2020-2024.csv, 31.12.2021 (fifth column):
        # line 9:   "01051;Dithmarschen, Landkreis;133251;e;133969;e;..."
        # line 116: "05913;Dortmund, kreisfreie Stadt;587696;e;586852;e;..."
        # line 410: "14523;Vogtlandkreis;223905;e;221376;e;..."
        ("01051", 2021): 133969,
        ("05913", 2021): 586852,
        ("14523", 2021): 221376,
    }
    for (key, year), obs in observed.items():
        by_hand = (projected[(key, year)] - obs) / obs * 100
        got = backtest_in_process.errors[("main", year)][key]
        assert got == pytest.approx(by_hand, abs=0.002), (key, year)
    # the constant forecast: 31.12.2015, 12411-01-01-4_00.csv line 15
    # "01051;      Dithmarschen, Landkreis;132917;..." against 133969 in 2021
    constant = backtest_in_process.errors[("konstant", 2021)]["01051"]
    assert constant == pytest.approx((132917 - 133969) / 133969 * 100, abs=1e-9)


def test_projection_beats_both_naive_forecasts_five_years_out(kreis_backtest):
    backtest = kreis_backtest
    main = _score(backtest, "main", "insgesamt", 2020)["mape"]
    assert main < _score(backtest, "konstant", "insgesamt", 2020)["mape"]
    assert main < _score(backtest, "linear 2011–2015", "insgesamt", 2020)["mape"]
    assert main < 1.5


def test_kreise_meet_the_targets_six_years_out(kreis_backtest):
    """Issue 14's targets for the Kreise from 31.12.2015 to 31.12.2021: error ≤ 1.3 % and a
    mean signed error within ±0.3 %; the under-18s ≤ 3.0 %, checked in 2020, since no shipped
    file has the Kreise's ages of 2021. Before λ counted from the window's end, those in
    transit at the end of 2015 left in 2016 and the deviations moved with Germany's rate
    (`migration`): 1.31 %, −0.32 % and 2.64 %."""
    six = _score(kreis_backtest, "main", "insgesamt", 2021)
    assert six["mape"] <= 1.3 and abs(six["bias"]) <= 0.3
    assert _score(kreis_backtest, "main", "unter 18", 2020)["mape"] <= 3.0


def test_backtest_shows_bias_by_age_group(kreis_backtest):
    backtest = kreis_backtest
    assert backtest["age_years"] == [2019, 2020]
    for year in (2019, 2020):
        for group in ("unter 6", "unter 18", "18–64", "65+"):
            s = _score(backtest, "main", group, year)
            assert s["areas"] == 401 and 0 <= s["too_low"] <= 100
            assert abs(s["bias"]) <= s["mape"]


def test_the_ages_of_2019_are_the_kreise_age_groups_of_12411_0017(ctx):
    """priesemann-npis/12411-0017_2019.csv, Dithmarschen's row: under 3 … 15–18 = 3200 + 3318 +
    4450 + 5996 + 4063; 18–20 … 60–65 = 2884 + 7337 + 6805 + 6875 + 6787 + 6920 + 8431 + 11607
    + 11425 + 9795; 65–75 + 75+ = 16129 + 17171; all 17 bands read: the row's Insgesamt,
    133,193."""
    from dwk.projection.backtest import age_sources

    ages = age_sources(ctx, [2016, 2019, 2020, 2021])
    assert sorted(ages) == [2019, 2020]
    assert (ages[2019].table, ages[2020].table) == ("12411-0017", "12411-04-02-4")
    src, i = ages[2019], ages[2019].row["01051"]
    assert [src.between(0, 18)[i], src.between(18, 65)[i], src.between(65, None)[i]] == [
        21027,
        78866,
        33300,
    ]
    assert src.total()[i] == 133193


def test_children_are_projected_better_than_a_constant_population(kreis_backtest):
    main = _score(kreis_backtest, "main", "unter 18", 2020)
    constant = _score(kreis_backtest, "konstant", "unter 18", 2020)
    assert main["mape"] < constant["mape"] - 0.2
    assert abs(main["bias"]) < abs(constant["bias"]) / 2


def test_young_children_are_not_projected_too_few(kreis_backtest):
    """Without the children's mobility by age (`child_moves`) the under-6s of 2019 and 2020
    came out 2.4 % and 2.9 % too low on average (MAPE 4.9 % and 6.3 %). Bound for 2020: 1.5 %
    since Germany's balance is met by single year; the −1.1 % left is the Kreis totals'
    distributional bias (small Kreise too low), which before hid behind Germany's under-6s
    being 1.4 % too many (`test_kreise_as_of_2015_meet_germanys_children_of_2020`)."""
    for year, bound in ((2019, 1.0), (2020, 1.5)):
        main = _score(kreis_backtest, "main", "unter 6", year)
        constant = _score(kreis_backtest, "konstant", "unter 6", year)
        assert abs(main["bias"]) < bound and main["mape"] < constant["mape"] / 2


BACKTEST_COLUMNS = [
    "level",
    "method",
    "measure",
    "year",
    "areas",
    "mape",
    "median",
    "bias",
    "too_low",
]


def test_backtest_csv_has_bias_columns(backtest_in_process, kreis_backtest):
    from dwk.app.project import write_backtest

    out = io.StringIO()
    write_backtest(backtest_in_process, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == BACKTEST_COLUMNS
    assert len(rows) == len(kreis_backtest["scores"]) and {r["level"] for r in rows} == {"kreis"}


def test_backtest_table_says_why_the_variants_agree(backtest_in_process, kreis_backtest):
    """Up to 2023 the three variants score alike, since Germany's migration is the observed one
    until 2024 (data/projection_frame.toml's last [[observed]] year); the table says so under
    its first panel instead of leaving three equal rows to look like a fault."""
    from dwk.app.project import write_backtest

    for year in (2016, 2021, 2023):
        variants = ("main", "low-migration", "high-migration")
        mapes = {_score(kreis_backtest, v, "insgesamt", year)["mape"] for v in variants}
        assert len(mapes) == 1
    out = io.StringIO()
    write_backtest(backtest_in_process, "table", out)
    text = " ".join(out.getvalue().split())
    assert "Die Varianten gleichen sich bis 2024: bis dahin folgt die Wanderung" in text
    assert text.count("Die Varianten gleichen sich") == 1


@pytest.mark.slow
def test_backtest_csv_of_the_cli_has_kreise_and_gemeinden(cache_dir, store):
    rows = _csv("--backtest", cache_dir=cache_dir)
    assert list(rows[0]) == BACKTEST_COLUMNS
    assert {r["level"] for r in rows} == {"kreis", "gemeinde"}


@pytest.mark.slow
def test_gemeinde_backtest_beats_both_naive_forecasts(backtest):
    assert backtest["gemeinden"] > 10_000
    for measure in ("Gemeinden", "Gemeinden ab 1.000 Ew."):
        main = _score(backtest, "main", measure, 2019, "gemeinde")
        for naive in ("konstant", "linear 2011–2015"):
            other = _score(backtest, naive, measure, 2019, "gemeinde")
            assert main["mape"] < other["mape"]
            assert main["median"] < other["median"]


@pytest.mark.slow
def test_gemeinden_of_1000_meet_the_error_targets_between_2019_and_2023(backtest):
    """Issue 14's targets for 2021, which no shipped file has for Gemeinden, taken as the mean
    of 2019 and 2023: error ≤ 2.7 % and at most 0.8 times a constant population's. (Its bias
    target, ±0.3 %, is missed: the README says why.) Before the class means and the deviation
    measured as the persistence was (`gemeinde_migration`): 2.78 % and 0.79 times."""
    measure = "Gemeinden ab 1.000 Ew."
    main = [_score(backtest, "main", measure, y, "gemeinde")["mape"] for y in (2019, 2023)]
    const = [_score(backtest, "konstant", measure, y, "gemeinde")["mape"] for y in (2019, 2023)]
    assert sum(main) / 2 <= 2.7
    assert sum(main) / sum(const) <= 0.8


def test_project_csv_shape_and_totals(cache_dir, store):
    r = dwk("project", "dortmund", "--to", "2022", "--format", "csv", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["area", "variant", "year", "sex", "age_from", "age_to", "value"]
    assert len(rows) == 3 * 3 * 3 * 91  # variants × years 2020–2022 × sexes × ages 0..89, 90+
    assert {r["area"] for r in rows} == {"05913"}
    top = [r for r in rows if r["age_from"] == "90"]
    assert all(r["age_to"] == "" for r in top)
    assert all(r["age_to"] == str(int(r["age_from"]) + 1) for r in rows if r["age_from"] != "90")
    base = [r for r in rows if r["variant"] == "main" and r["year"] == "2020"]
    by_sex = {
        s: sum(float(r["value"]) for r in base if r["sex"] == s)
        for s in ("male", "female", "total")
    }
    # untergeekDE 12411-04-02-4.csv line 10007: Dortmund Insgesamt 587696, männlich 289096, on
    # the Zensus 2022 basis of the default run: times Dortmund's two Fortschreibungen of
    # 31.12.2023, 12411-0015_kreise_2020-2024.csv line 116 (601343) over the
    # Gemeindeverzeichnis 31.12.2023 (31122023_Auszug_GV.xlsx row 3431: 595471)
    factor = 601343 / 595471
    assert by_sex["total"] == pytest.approx(587696 * factor, abs=10)
    assert by_sex["male"] == pytest.approx(289096 * factor, abs=10)
    # 31.12.2022 as 12411-0015 gives it (line 116: 599370), to within the births of the
    # year's in-movers, which the run counts after the move
    y2022 = [r for r in rows if r["variant"] == "main" and r["year"] == "2022"]
    total = sum(float(r["value"]) for r in y2022 if r["sex"] == "total")
    assert total == pytest.approx(599370, rel=1e-4)
    assert "Sterbetafel Deutschland 2020/2022" in r.stderr  # assumptions go to stderr with CSV


def test_project_keeps_base_year_keys_for_city_states(cache_dir, store):
    r = dwk(
        "project",
        "11000",
        "02000",
        "--base-year",
        "2015",
        "--to",
        "2016",
        "--variant",
        "main",
        "--format",
        "csv",
        env_cache=cache_dir,
    )
    assert r.returncode == 0, r.stderr
    areas = {row["area"] for row in csv.DictReader(io.StringIO(r.stdout))}
    assert areas == {"11000", "02000"}


# Vrees on the Zensus 2022 basis (observed.basis_factors): its count of 15.05.2022
# (1000A-0000_de.csv line 1913: 1951) over its Zensus 2011 line on that day, between the
# Gemeindeverzeichnis of 31.12.2019 (line 2517: 1 777) and of 31.12.2023 (XLSX row 2514: 1916),
# times the Emsland's ratio that makes its Gemeinden add up to it (census_hand.kreis_ratio)
VREES_FACTOR = census_factor(1951, 1777, 1916) * kreis_ratio("03454")


def test_project_gemeinde_and_json(cache_dir, store):
    r = dwk("project", "vrees", "--to", "2020", "--format", "json", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["base_year"] == 2015 and data["base_table"] == "12411-02-03-5"
    (area,) = data["areas"]
    first = next(s for s in area["series"] if s["variant"] == "main" and s["sex"] == "total")
    assert data["census_basis"] == "zensus2022"
    assert sum(first["values"]) == pytest.approx(1767 * VREES_FACTOR, abs=1)
    # 12612-0007_raw_age_birth.csv line 901 and 12411-04-02-4_00.csv line 38 (see schedules)
    assert data["germany"]["asfr"]["30"] == pytest.approx(52244 / 498019, abs=1e-6)
    assert data["germany"]["life_table"] == "2016/2018"
    assert {a["topic"] for a in data["assumptions"]} == {
        "Basis",
        "Sterblichkeit",
        "Geburten",
        "Wanderungen",
        "Nationaler Rahmen",
    }


def _csv(*args, cache_dir):
    r = dwk("project", *args, "--format", "csv", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    return list(csv.DictReader(io.StringIO(r.stdout)))


@pytest.mark.parametrize(
    ("area", "to", "key", "base", "observed"),
    [
        # untergeekDE-scrape-covid19/12411-0015.csv line 118:
        # "05913;Dortmund, kreisfreie Stadt;585813;586600;587010;588250;587696" (2016–2020),
        # on the Zensus 2022 basis as in test_project_csv_shape_and_totals
        ("dortmund", "2023", "05913", "2020", 587696 * 601343 / 595471),
        # 12411-02-03-5: Vrees 31.12.2015, 1767 (as in test_project_gemeinde_and_json)
        ("vrees", "2018", "03454055", "2015", 1767 * VREES_FACTOR),
    ],
)
def test_totals_add_up_with_the_full_csv(cache_dir, store, area, to, key, base, observed):
    full = _csv(area, "--to", to, cache_dir=cache_dir)
    totals = _csv(area, "--to", to, "--totals", cache_dir=cache_dir)
    assert list(totals[0]) == ["area", "variant", "year", "value"]
    years = range(int(base), int(to) + 1)
    assert len(totals) == 3 * len(years)
    summed: dict[tuple[str, str, str], float] = {}
    by_sex: dict[tuple[str, str, str], float] = {}
    for row in full:
        k = (row["area"], row["variant"], row["year"])
        if row["sex"] == "total":
            summed[k] = summed.get(k, 0.0) + float(row["value"])
        else:
            by_sex[k] = by_sex.get(k, 0.0) + float(row["value"])
    assert {(r["area"], r["variant"], r["year"]) for r in totals} == set(summed)
    for row in totals:
        k = (row["area"], row["variant"], row["year"])
        assert float(row["value"]) == pytest.approx(summed[k], abs=0.051), k
        assert float(row["value"]) == pytest.approx(by_sex[k], abs=10), k  # rounding to 0.1
        if row["year"] == base:
            assert row["area"] == key
            assert float(row["value"]) == pytest.approx(observed, abs=1)


@pytest.mark.parametrize(
    "args",
    [
        ("dortmund", "--variant", "medium"),
        ("vrees", "--base-year", "2020"),
        ("dortmund", "--base-year", "2017"),
        ("--level", "land"),
        ("14",),
        ("--level", "gemeinde", "--format", "json"),
        ("--level", "gemeinde", "--base-year", "2020"),
        ("dortmund", "--to", "2020"),
        ("vrees", "--to", "2100"),
    ],
)
def test_project_bad_input_exits_2(cache_dir, store, args):
    r = dwk("project", *args, env_cache=cache_dir)
    assert r.returncode == 2
    assert r.stderr.startswith("Fehler:") and "Traceback" not in r.stderr


def test_a_berlin_bezirk_has_no_projection_said_in_a_sentence(cache_dir, store):
    """12411-01-01-5 gives Berlin's Bezirke as Gemeinden (11001000 Berlin-Mitte); 12411-04-02-4
    has Berlin as one area ('31.12.2015;11;  Berlin;unter 1 Jahr;37867;…', line 29288), so
    there is no age structure for "Kreis 11001". The message printed the Python list
    "Kreise ['11001'] fehlen in …"."""
    r = dwk("project", "11001000", env_cache=cache_dir)
    assert r.returncode == 2
    assert r.stderr == (
        "Fehler: Keine Altersstruktur in 12411-04-02-4 am 31.12.2015 für Kreis 11001\n"
    )


def test_every_member_profile_shows_the_projection(member_reports, registry):
    out, _ = member_reports
    for area in registry.members:
        page = out / f"{area.slug}.html"
        html = page.read_text("utf-8")
        assert 'id="vorausberechnung"' in html and 'id="abb-vorausberechnung"' in html, page.name
        assert 'id="dynamik"' in html, page.name


def test_the_projection_chart_shows_the_past_on_the_projections_basis(member_reports):
    """The fan starts where the observed line ends: the line is carried over to the Zensus
    2022 basis of the run and says so, in the legend and in its data."""
    out, _ = member_reports
    html = (out / "dortmund.html").read_text("utf-8")
    assert "beobachtet ab 2011, umgerechnet auf die Zensus-2022-Basis" in html
    rows = list(
        csv.reader(
            io.StringIO((out / "dortmund-daten/vorausberechnung.csv").read_text("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0][:2] == ["Jahr (31.12.)", "Fortschreibung, umgerechnet auf die Zensus-2022-Basis"]
    observed = {r[0]: float(r[1]) for r in rows[1:] if r[1]}
    # 12411-0015.csv line 118: Dortmund 587696 on 31.12.2020, times 601343 / 595471 (its two
    # Fortschreibungen of 31.12.2023, see test_project_csv_shape_and_totals)
    assert observed["2020"] == pytest.approx(587696 * 601343 / 595471, abs=1)
    projected = next(float(r[2]) for r in rows[1:] if r[0] == "2020" and r[2])
    assert projected == pytest.approx(observed["2020"], abs=1)


def test_the_years_the_projection_meets_are_drawn_as_observed(member_reports):
    """Dortmund's run (base 2020) meets the observed totals up to 31.12.2024, the last year of
    12411-0015: those years are drawn grey and dashed, not in the main variant's blue (before,
    the 2022 rise read as projected), and the data and the JSON say up to which year."""
    out, _ = member_reports
    html = (out / "dortmund.html").read_text("utf-8")
    assert "bis 2024 an die beobachteten Einwohnerzahlen angeglichen" in html
    assert 'class="dwk-met"' in html  # the dashed stretch itself
    text = (out / "dortmund-daten/vorausberechnung.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][-1] == "an Beobachtung angeglichen"
    met = {r[0]: r[-1] for r in rows[1:] if r[2]}
    assert [y for y, v in met.items() if v == "ja"] == ["2020", "2021", "2022", "2023", "2024"]
    assert met["2025"] == "nein"
    record = json.loads((out / "dortmund.json").read_text("utf-8"))
    assert record["projection"]["observed_until"] == 2024


@pytest.mark.slow
def test_level_gemeinde_totals_is_one_file_of_every_gemeinde(cache_dir, store):
    rows = _csv("--level", "gemeinde", "--to", "2020", "--totals", cache_dir=cache_dir)
    areas = {r["area"] for r in rows}
    # Gemeinden that still exist: every key is in the Gemeindeverzeichnis of 2019 (read with
    # the csv module), but for Göttingen's two old Kreise, all of whose keys changed in 2016,
    # and the Gemeinden formed by mergers after it (data/key_changes.toml): Langelsheim
    # 03153019 (2021), Neitersen 07132502 (2021), Jahnatal 14522275 (2023), Greußen 16065089
    # (2021); Brunnhartshausen (16063009, 12411-01-01-5_00.csv line 13650) merged into a
    # neighbour by then; no Samtgemeinde (03454401 is one in 12411-02-03-5)
    gv = set()
    path = paths.raw_dir() / "grundeinkommensbuero-gv/AuszugGV4QAktuell.csv"
    with open(path, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["satzart"] == "60":
                gv.add(row["land"] + row["rb"] + row["kreis"] + row["gemeinde"])
    later = {"03153019", "07132502", "14522275", "16065089"}
    # a Gemeinde merged into a neighbour by 2019 that data/key_changes.toml does not list is
    # projected until 31.12.2018, the year before the Gemeindeverzeichnis without it: the four
    # that went to another Kreis (Gehlberg and Schmiedefeld am Rennsteig to Suhl, Lichte and
    # Piesau to Neuhaus am Rennweg) and Weinbergen, taken by Mühlhausen with part of Anrode's
    # territory later (12411-01-01-5_00.csv has each on 31.12.2015, AuszugGV4QAktuell.csv
    # none). Sachsen's nine such (Pfaffroda … Narsdorf, whose areas of 2015 are secret) are
    # listed now, as Eingliederungen: like Steesow in Grabow, each is projected within the
    # Gemeinde that took it in, not by itself.
    unlisted = {"16070017", "16070046", "16073049", "16073066", "16064066"}
    saxony = {"14521470", "14522370", "14523250", "14523350", "14625050", "14625540",
              "14627280", "14729230", "14729290"}  # fmt: skip
    assert not saxony & areas and "13076127" not in areas
    last: dict[str, int] = {}
    for r in rows:
        last[r["area"]] = max(last.get(r["area"], 0), int(r["year"]))
    ended = {a for a, y in last.items() if y < 2020}
    assert ended == unlisted and {last[a] for a in ended} == {2018} and not ended & gv
    assert {a[:5] for a in areas - gv - later - ended} == {"03152", "03156"} and later <= areas
    assert len(areas & gv) > 0.95 * len(gv)
    assert "16063009" not in areas and "03454401" not in areas and "16063015" in areas
    # one header; variants × years 2015–2020, 2015–2018 for those that ended
    assert len(rows) == (len(areas) - len(ended)) * 3 * 6 + len(ended) * 3 * 4
    alone = _csv("vrees", "--to", "2020", "--totals", cache_dir=cache_dir)
    assert [r for r in rows if r["area"] == "03454055"] == alone  # same batch, same numbers


def test_a_kreis_asked_for_is_projected_on_its_territory_of_today(cache_dir, store):
    """The Wartburgkreis took in Eisenach on 01.07.2021. `dwk project wartburgkreis` gives
    their sum from 2020 on, as its profile does (before: 115,843 people in 2020 and fewer
    after, while 12411-0015_kreise_2020-2024.csv line 466 counts 156,334 in 2023 and 154,957
    in 2024); asked for with Eisenach, and with `--level kreis`, the two stay apart."""
    rows = _csv(
        "wartburgkreis", "--to", "2025", "--variant", "main", "--totals", cache_dir=cache_dir
    )
    today = {int(r["year"]): float(r["value"]) for r in rows}
    assert {r["area"] for r in rows} == {"16063"}
    assert today[2023] == pytest.approx(156334, rel=0.0005)
    assert today[2024] == pytest.approx(154957, rel=0.0005)
    rows = _csv(
        "16063", "16056", "--to", "2025", "--variant", "main", "--totals", cache_dir=cache_dir
    )
    apart = {(r["area"], int(r["year"])): float(r["value"]) for r in rows}
    assert apart[("16063", 2020)] < 120000
    assert apart[("16063", 2020)] + apart[("16056", 2020)] == pytest.approx(today[2020], abs=1)
