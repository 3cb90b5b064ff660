"""Indicator invariants for any population, with hypothesis.

The seam: `dwk.inputs.tables.AgeData` (counts by age band and sex, as the store hands them to
the indicators) and `dwk.indicators.compute.compute` (the catalogue's computations). `compute`
reads age data only through `ctx.age(table, year)`, so a context that answers from generated
`AgeData` feeds it any numbers without a store. The age-based ratios (shares, quotients,
Frauenanteil) need nothing else; mean and median age need the life table and are not covered.
The bands are those of the real tables (read from the headers of the shipped raw files).

The reader properties go through the public import path: a GENESIS-style CSV written from the
generated counts, in several encodings, line endings and row orders, is imported into a
throwaway `Store` and read back with `inputs.age_data`.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dwk import roles
from dwk.core import paths
from dwk.indicators.catalogue import load_catalogue
from dwk.indicators.compute import FLAG_MISSING, FLAG_UNCERTAIN, compute
from dwk.inputs import tables as inputs
from dwk.sources.tables.labels import age_band, band_bounds
from dwk.store import Store

YEAR = 2015
RAW = paths.raw_dir() / "genesapi-data"
GROUPS_FILE = RAW / "12411-02-03-5_00.csv"
SINGLE_FILE = RAW / "12411-04-02-4_00.csv"
CATALOGUE = load_catalogue()
RATIO_IDS = ("frauenanteil", "jugendquotient", "altenquotient", "gesamtquotient", "alterungsindex")
# 60 examples per property; `make check` loads the profile "check" (tests/conftest.py) and runs
# 15, which took this file from about 100 s to 25 s there
EXAMPLES = min(60, settings().max_examples)
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _lines(path: Path, n: int) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [next(f).rstrip("\n") for _ in range(n)]


def _groups_header() -> list[str]:
    """The title and header lines of the Gemeinde table, up to its first data row."""
    lines = _lines(GROUPS_FILE, 12)
    return lines[: next(i for i, line in enumerate(lines) if line.startswith("DG;"))]


def _bounds(labels: list[str]) -> list[tuple[int, int | None]]:
    return [band_bounds(b) for b in map(age_band, labels) if b not in (None, "total")]


GROUP_LABELS = next(row for row in csv.reader(_groups_header(), delimiter=";")
                    if row[2:3] == ["unter 3 Jahre"])[2:20]  # fmt: skip
GROUP_BANDS = _bounds(GROUP_LABELS)
SINGLE_BANDS = _bounds(
    [row[3] for row in csv.reader(_lines(SINGLE_FILE, 120), delimiter=";")
     if row[:2] == ["31.12.2015", "DG"]]
)  # fmt: skip
LEVELS = {
    "gemeinde": (roles.tables("age_groups")[0], GROUP_BANDS),
    "kreis": (roles.tables("age_single_years")[0], SINGLE_BANDS),
}


def shares(level: str) -> list:
    return [d for d in CATALOGUE if d.age_from is not None and level in d.levels]


def defs(level: str) -> list:
    return [
        d for d in CATALOGUE if level in d.levels and (d.id in RATIO_IDS or d.age_from is not None)
    ]


class AgeOnly:
    """What `compute` asks of a context for age-based indicators: the age table at a year, and
    a place for the lookups it builds from it."""

    gebietsstand = "jeweilig"  # no key changes: every figure is of its Stichtag's territory

    def __init__(self, data: inputs.AgeData) -> None:
        self.data = data
        self.lookups: dict = {}

    def age(self, table: str, year: int) -> inputs.AgeData | None:
        return self.data if (table, year) == (self.data.table, YEAR) else None

    def age_tables(self) -> dict[str, list[int]]:
        return {self.data.table: [YEAR]}

    def lookup(self, name: tuple, build):
        if name not in self.lookups:
            self.lookups[name] = build()
        return self.lookups[name]


def age_data(level: str, keys: list[str], male: np.ndarray, female: np.ndarray) -> inputs.AgeData:
    table, bands = LEVELS[level]
    counts = {"male": male, "female": female, "total": male + female}
    return inputs.AgeData(
        table, f"{YEAR}-12-31", keys, bands, counts, {k: i for i, k in enumerate(keys)}
    )


def results(data: inputs.AgeData, level: str, keys: list[str] | None = None) -> dict:
    frame = compute(AgeOnly(data), defs(level), keys or data.keys, year=YEAR)
    return {
        (k, i): (v, f)
        for k, i, v, f in frame[["area_key", "id", "value", "flag"]].itertuples(index=False)
    }


def assert_same(got: dict, expected: dict, rel: float = 1e-12) -> None:
    """Same areas and indicators, same flags, values equal (NaN where NaN)."""
    assert got.keys() == expected.keys()
    for key, (value, flag) in expected.items():
        assert got[key][1] == flag, key
        assert got[key][0] == pytest.approx(value, rel=rel, nan_ok=True), key


def people(data: inputs.AgeData, lo: int, hi: int | None, sex: str = "total") -> np.ndarray:
    """Counted here from the bands' bounds, not with `AgeData.between`."""
    cols = [
        j
        for j, (a, b) in enumerate(data.bands)
        if a >= lo and (hi is None or (b is not None and b <= hi))
    ]
    return data.counts[sex][:, cols].sum(axis=1)


@st.composite
def populations(draw, level: str, min_areas: int = 1, max_areas: int = 4, big: bool = False):
    """(keys, male, female): counts per area and band, some areas small, some large."""
    bands = len(LEVELS[level][1])
    n = draw(st.integers(min_areas, max_areas))
    top = 100_000 if big else 3_000
    cell = st.one_of(st.just(0), st.integers(0, 20), st.integers(0, top))
    rows = st.lists(cell, min_size=bands, max_size=bands)
    male = np.array(draw(st.lists(rows, min_size=n, max_size=n)), dtype=float)
    female = np.array(draw(st.lists(rows, min_size=n, max_size=n)), dtype=float)
    width = 8 if level == "gemeinde" else 5
    keys = [f"{i + 1:0{width}d}" for i in range(n)]
    return keys, male, female


# --- the catalogue -----------------------------------------------------------------------


def test_bands_read_from_the_raw_headers():
    assert GROUP_BANDS[0] == (0, 3) and GROUP_BANDS[-1] == (75, None) and len(GROUP_BANDS) == 17
    assert SINGLE_BANDS[:2] == [(0, 1), (1, 2)] and SINGLE_BANDS[-1][1] is None


@pytest.mark.parametrize("level", LEVELS)
def test_functional_age_groups_partition_all_ages_on_band_edges(level):
    groups = sorted((d.age_from, d.age_to) for d in shares(level))
    assert groups[0][0] == 0 and groups[-1][1] is None
    assert all(a[1] == b[0] for a, b in zip(groups, groups[1:], strict=False)), groups
    edges = {lo for lo, _ in LEVELS[level][1]}
    assert all(lo in edges for lo, _ in groups), "a group must start on a band edge"


# --- shares and ratios -------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@SETTINGS
@given(data=st.data())
def test_functional_age_group_shares_sum_to_100(level, data):
    keys, male, female = data.draw(populations(level))
    r = results(age_data(level, keys, male, female), level)
    for i, k in enumerate(keys):
        values = [r[(k, d.id)][0] for d in shares(level)]
        if (male + female)[i].sum() == 0:
            assert all(np.isnan(values)) and {r[(k, d.id)][1] for d in shares(level)} == {"."}
        else:
            assert sum(values) == pytest.approx(100, abs=1e-9)
            assert all(0 <= v <= 100 for v in values)


@pytest.mark.parametrize("level", LEVELS)
@SETTINGS
@given(data=st.data())
def test_ratios_agree_with_their_parts_and_definitions(level, data):
    keys, male, female = data.draw(populations(level))
    src = age_data(level, keys, male, female)
    r = results(src, level)
    young, work, old = people(src, 0, 20), people(src, 20, 65), people(src, 65, None)
    everyone, women = people(src, 0, None), people(src, 0, None, "female")
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = {
            "jugendquotient": 100 * young / work,
            "altenquotient": 100 * old / work,
            "gesamtquotient": 100 * (young + old) / work,
            "alterungsindex": 100 * old / young,
            "frauenanteil": 100 * women / everyone,
        }
    for i, k in enumerate(keys):
        for ident, values in expected.items():
            value, flag = r[(k, ident)]
            if np.isfinite(values[i]):
                assert value == pytest.approx(values[i], rel=1e-12), ident
            else:  # nobody in the denominator: missing, never inf or a number
                assert np.isnan(value) and flag == FLAG_MISSING, ident
        jq, aq, gq = (r[(k, i)][0] for i in ("jugendquotient", "altenquotient", "gesamtquotient"))
        if work[i] > 0:
            assert jq + aq == pytest.approx(gq, rel=1e-12)


@pytest.mark.parametrize("level", LEVELS)
@SETTINGS
@given(data=st.data())
def test_values_are_finite_or_flagged_and_small_counts_are_uncertain(level, data):
    keys, male, female = data.draw(populations(level))
    src = age_data(level, keys, male, female)
    r = results(src, level)
    work, young, everyone = people(src, 20, 65), people(src, 0, 20), people(src, 0, None)
    base = {
        "jugendquotient": work,
        "altenquotient": work,
        "gesamtquotient": work,
        "alterungsindex": young,
        "frauenanteil": everyone,
    }
    by_id = {d.id: d for d in CATALOGUE}
    for (k, ident), (value, flag) in r.items():
        assert np.isfinite(value) or (np.isnan(value) and flag == FLAG_MISSING), (k, ident)
        if np.isfinite(value):
            n = base.get(ident, everyone)[keys.index(k)]  # the denominator's people
            assert (flag == FLAG_UNCERTAIN) == (n < by_id[ident].min_count), (k, ident, n)
            assert flag in ("", FLAG_UNCERTAIN)


@pytest.mark.parametrize("level", LEVELS)
@SETTINGS
@given(data=st.data())
def test_a_secret_cell_makes_every_share_missing(level, data):
    keys, male, female = data.draw(populations(level))
    band = data.draw(st.integers(0, len(LEVELS[level][1]) - 1))
    female[0, band] = np.nan
    r = results(age_data(level, keys, male, female), level)
    for d in shares(level):
        value, flag = r[(keys[0], d.id)]
        assert np.isnan(value) and flag == FLAG_MISSING, d.id


@pytest.mark.parametrize("level", LEVELS)
@SETTINGS
@given(data=st.data())
def test_results_do_not_depend_on_row_order_or_the_other_areas(level, data):
    keys, male, female = data.draw(populations(level, min_areas=2, max_areas=5))
    r = results(age_data(level, keys, male, female), level)
    order = data.draw(st.permutations(range(len(keys))))
    shuffled = age_data(level, [keys[i] for i in order], male[order], female[order])
    asked = data.draw(st.permutations(keys))
    assert_same(results(shuffled, level, list(asked)), r)
    alone = data.draw(st.sampled_from(keys))
    single = results(age_data(level, keys, male, female), level, [alone])
    assert_same(single, {kv: v for kv, v in r.items() if kv[0] == alone})


@pytest.mark.parametrize("level", LEVELS)
@SETTINGS
@given(data=st.data())
def test_shares_and_ratios_do_not_depend_on_scale(level, data):
    keys, male, female = data.draw(populations(level))
    factor = data.draw(st.integers(2, 1000))
    r = results(age_data(level, keys, male, female), level)
    scaled = results(age_data(level, keys, male * factor, female * factor), level)
    for key, (value, _) in r.items():
        assert scaled[key][0] == pytest.approx(value, rel=1e-9, nan_ok=True), key


# --- the reader: encoding, line endings and row order --------------------------------------

NAMES = ["Groß Köris", "Müllrose", "Öhningen", "Bad Dürrheim", "Weißenfels", "Zeulenroda-Triebes",
         "Sankt Märgen", "Übach-Palenberg", "Jülich, Stadt", "Mölln", "Görlitz, Stadt",
         "Vrees"]  # fmt: skip
FOOTER = ["__________", "Fortschreibung des Bevölkerungsstandes",
          "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017.",
          "Stand: 10.10.2017 / 18:42:14"]  # fmt: skip


def cell(value: float) -> str:
    return "." if np.isnan(value) else "-" if value == 0 else str(int(value))


def genesis_csv(keys, names, male, female, order, eol: str) -> str:
    """The Gemeinde age-group table as the offices write it: title and header lines copied from
    the shipped file, one row per Gemeinde (and their Kreis first), `.` secret, `-` zero."""
    width = len(_groups_header()[-1].split(";"))
    rows = []
    kreis = ["03459", "Landkreis Osnabrück", np.nansum(male, axis=0), np.nansum(female, axis=0)]
    for key, name, m, f in [kreis, *[(keys[i], names[i], male[i], female[i]) for i in order]]:
        total = m + f
        # Insgesamt of all ages: männlich + weiblich, as the offices' totals (a secret cell's
        # unknown count is left out of all three); dwk refuses a table whose parts miss it
        sums = (np.nansum(m) + np.nansum(f), np.nansum(m), np.nansum(f))
        blocks = [[*map(cell, sex), cell(s)] for sex, s in zip((total, m, f), sums, strict=True)]
        indent = " " * (6 if len(key) == 5 else 8)
        rows.append(";".join([key, indent + name, *blocks[0], *blocks[1], *blocks[2]]))
    pad = [line + ";" * (width - 1 - line.count(";")) if ";" in line else line for line in FOOTER]
    return eol.join([*_groups_header(), *rows, *pad]) + eol


@SETTINGS
@given(data=st.data())
def test_imported_counts_do_not_depend_on_encoding_eol_or_row_order(data):
    keys, male, female = data.draw(populations("gemeinde", max_areas=5))
    keys = [f"034590{i:02d}" for i in range(len(keys))]
    assume(((male + female).sum(axis=1) > 0).all())  # an all-"-" row is dropped by design
    secret = data.draw(st.booleans())
    if secret:
        female[0, data.draw(st.integers(0, 16))] = np.nan
    names = data.draw(
        st.lists(st.sampled_from(NAMES), min_size=len(keys), max_size=len(keys), unique=True)
    )
    truth = age_data("gemeinde", keys, male, female)
    expected = results(truth, "gemeinde")
    for encoding in ("utf-8", "utf-8-sig", "latin-1"):
        order = data.draw(st.permutations(range(len(keys))))
        eol = data.draw(st.sampled_from(["\n", "\r\n"]))
        text = genesis_csv(keys, names, male, female, order, eol)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "12411-02-03-5_00.csv"
            path.write_bytes(text.encode(encoding))
            store = Store(Path(tmp) / "store")
            [meta] = store.import_files([path])
            read = inputs.age_data(store, roles.tables("age_groups")[0], YEAR)
            frame = store.table(roles.tables("age_groups")[0])
            stored_names = dict(
                zip(frame["area_key"].astype(str), frame["area_name"].astype(str), strict=True)
            )
        assert meta.code == roles.tables("age_groups")[0] and meta.encoding == encoding
        assert read.bands == GROUP_BANDS and read.period == f"{YEAR}-12-31"
        assert {k: stored_names[k] for k in keys} == dict(zip(keys, names, strict=True))
        for sex in ("male", "female", "total"):
            got = read.counts[sex][read.rows(keys)]
            np.testing.assert_array_equal(got, truth.counts[sex], err_msg=f"{encoding} {sex}")
        assert_same(results(read, "gemeinde", keys), expected)
