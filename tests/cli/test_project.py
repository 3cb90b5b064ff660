"""`dwk project` end to end, and the backtest against figures computed from the raw files."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from test_cli import dwk  # the same subprocess runner (tests/cli is on sys.path)

from dwk.core import paths


def _raw_totals():
    """Kreis totals on 31.12.2015 (12411-01-01-4_00.csv, first value column) and 31.12.2020
    (12411-0015.csv, last column), read with nothing but the csv module."""
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
    return p15, p20


@pytest.fixture(scope="module")
def backtest(cache_dir, store):
    r = dwk("project", "--backtest", "--format", "json", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_backtest_constant_forecast_matches_the_raw_files(backtest):
    p15, p20 = _raw_totals()
    p15["03159"] = p15.pop("03152") + p15.pop("03156")  # merged on 01.11.2016
    errors = [abs(p15[k] / p20[k] - 1) for k in p20]
    assert len(errors) == backtest["areas"] == 401
    got = next(m for m in backtest["mape"]
               if m["method"] == "konstant" and m["measure"] == "insgesamt" and m["year"] == 2020)  # fmt: skip
    assert got["mape"] == pytest.approx(sum(errors) / len(errors) * 100, abs=1e-4)


def test_projection_beats_both_naive_forecasts_five_years_out(backtest):
    mape = {(m["method"], m["year"]): m["mape"] for m in backtest["mape"]
            if m["measure"] == "insgesamt"}  # fmt: skip
    main = mape[("main", 2020)]
    assert main < mape[("konstant", 2020)] and main < mape[("linear 2011–2015", 2020)]
    assert main < 1.5


def test_gemeinde_backtest_beats_both_naive_forecasts(backtest):
    gemeinden = {m["method"]: m for m in backtest["mape"] if m["measure"] == "Gemeinden"}
    assert backtest["gemeinden"] > 10_000
    main = gemeinden["main"]
    for naive in ("konstant", "linear 2011–2015"):
        assert main["mape"] < gemeinden[naive]["mape"]
        assert main["median"] < gemeinden[naive]["median"]


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
    # untergeekDE 12411-04-02-4.csv line 10007: Dortmund Insgesamt 587696, männlich 289096
    assert by_sex["total"] == pytest.approx(587696, abs=10)
    assert by_sex["male"] == pytest.approx(289096, abs=10)
    assert "Sterbetafel Deutschland 2020/2022" in r.stderr  # assumptions go to stderr with CSV


def test_project_keeps_base_year_keys_for_city_states(cache_dir, store):
    r = dwk("project", "11000", "02000", "--base-year", "2015", "--to", "2016",
            "--variant", "main", "--format", "csv", env_cache=cache_dir)  # fmt: skip
    assert r.returncode == 0, r.stderr
    areas = {row["area"] for row in csv.DictReader(io.StringIO(r.stdout))}
    assert areas == {"11000", "02000"}


def test_project_gemeinde_and_json(cache_dir, store):
    r = dwk("project", "vrees", "--to", "2020", "--format", "json", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["base_year"] == 2015 and data["base_table"] == "12411-02-03-5"
    (area,) = data["areas"]
    first = next(s for s in area["series"] if s["variant"] == "main" and s["sex"] == "total")
    assert sum(first["values"]) == pytest.approx(1767, abs=1)  # 12411-02-03-5: Vrees 31.12.2015
    # 12612-0007_raw_age_birth.csv line 901 and 12411-04-02-4_00.csv line 38 (see schedules)
    assert data["germany"]["asfr"]["30"] == pytest.approx(52244 / 498019, abs=1e-6)
    assert data["germany"]["life_table"] == "2016/2018"
    assert {a["topic"] for a in data["assumptions"]} == {
        "Basis",
        "Sterblichkeit",
        "Geburten",
        "Wanderungen",
    }


def _csv(*args, cache_dir):
    r = dwk("project", *args, "--format", "csv", env_cache=cache_dir)
    assert r.returncode == 0, r.stderr
    return list(csv.DictReader(io.StringIO(r.stdout)))


@pytest.mark.parametrize(
    ("area", "to", "key", "base", "observed"),
    [
        # untergeekDE-scrape-covid19/12411-0015.csv line 118:
        # "05913;Dortmund, kreisfreie Stadt;585813;586600;587010;588250;587696" (2016–2020)
        ("dortmund", "2023", "05913", "2020", 587696),
        # 12411-02-03-5: Vrees 31.12.2015, 1767 (as in test_project_gemeinde_and_json)
        ("vrees", "2018", "03454055", "2015", 1767),
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
    [("dortmund", "--variant", "medium"), ("vrees", "--base-year", "2020"),
     ("dortmund", "--base-year", "2017"), ("--level", "land"), ("14",),
     ("--level", "gemeinde", "--format", "json"), ("--level", "gemeinde", "--base-year", "2020"),
     ("dortmund", "--to", "2020"), ("vrees", "--to", "2100")],
)  # fmt: skip
def test_project_bad_input_exits_2(cache_dir, store, args):
    r = dwk("project", *args, env_cache=cache_dir)
    assert r.returncode == 2
    assert r.stderr.startswith("Fehler:") and "Traceback" not in r.stderr


def test_every_member_profile_shows_the_projection(member_reports, registry):
    out, _ = member_reports
    for area in registry.members:
        page = out / f"{area.slug}.html"
        html = page.read_text("utf-8")
        assert 'id="vorausberechnung"' in html and 'id="abb-vorausberechnung"' in html, page.name
        assert 'id="dynamik"' in html, page.name
