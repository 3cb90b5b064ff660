"""The demographic dynamics of an area as plain data: the population series with the census
counts beside it, the components of change (births, deaths, migration), migration by life
phase and the general fertility rate. No HTML here; the renderers take it from here.

Each census (`data/censuses.toml`) re-bases the population: 31.12. of the year before it is on
the old basis, 31.12. of its year on the new one. Census counts are therefore points of their
own, never joined into the series, and no migration is derived across that break. Years come
from the tables: the components cover the years with births, deaths and mean population, the
counted migration the years of the moves table (`data/roles.toml`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dwk import roles
from dwk.inputs import gebietsstand
from dwk.inputs.censuses import Census, load_censuses
from dwk.inputs.context import Context
from dwk.sources.tables.cells import HIDDEN

WINDOW = 4
"""Wegweiser Kommune's convention: components as means over four years (a method constant)."""
MIN_MOVES = 20

FLAG_UNCERTAIN = "unsicher"
FLAG_MISSING = "."
FLAG_NOT_MEANINGFUL = "x"
ESTIMATED_NOTE = "geschätzt (Residualmethode)"


def zensus_note(census: Census) -> str:
    """Why a census year has no migration balance."""
    return (
        f"Wanderungssaldo {census.year} nicht ermittelbar: die Bevölkerung am 31.12."
        f"{census.year - 1} beruht auf der alten Fortschreibung, die am 31.12.{census.year} auf "
        f"dem {census.label}; die Differenz enthält die Zensuskorrektur und ist keine Wanderung."
    )


WEBB_TYPES = {
    "A": "Wachstum: Geburtenüberschuss größer als Wanderungsverlust",
    "B": "Wachstum: Geburtenüberschuss größer als Wanderungsgewinn",
    "C": "Wachstum: Wanderungsgewinn größer als Geburtenüberschuss",
    "D": "Wachstum: Wanderungsgewinn größer als Sterbeüberschuss",
    "E": "Schrumpfung: Sterbeüberschuss größer als Wanderungsgewinn",
    "F": "Schrumpfung: Sterbeüberschuss größer als Wanderungsverlust",
    "G": "Schrumpfung: Wanderungsverlust größer als Sterbeüberschuss",
    "H": "Schrumpfung: Wanderungsverlust größer als Geburtenüberschuss",
}


# --- components of change -------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentYear:
    year: int
    births: float
    deaths: float
    natural: float  # births − deaths
    migration: float  # net migration used: the table's where there is one, else the residual
    migration_residual: float  # (P_t − P_{t−1}) − natural; NaN across the Zensus break
    estimated: bool  # migration is the residual
    mean_population: float
    natural_rate: float  # per 1,000 mean inhabitants
    migration_rate: float
    note: str = ""


@dataclass(frozen=True)
class FourYearMean:
    first: int
    last: int
    natural_rate: float
    migration_rate: float
    estimated: bool  # contains a year whose migration is estimated


@dataclass(frozen=True)
class WebbType:
    code: str
    growth: bool
    description: str
    natural_rate: float
    migration_rate: float
    period: tuple[int, int]
    estimated: bool


@dataclass(frozen=True)
class Components:
    key: str
    years: list[ComponentYear]
    means: list[FourYearMean]  # one per window of four years, by last year
    webb: WebbType | None
    tables: tuple[str, ...]

    def year(self, year: int) -> ComponentYear:
        return next(y for y in self.years if y.year == year)

    def mean(self, last: int) -> FourYearMean | None:
        return next((m for m in self.means if m.last == last), None)


def table_of(ctx: Context, role: str, keys: list[str] | None = None) -> str:
    """The first table of `role` (data/roles.toml) that the store holds (and that has every
    one of `keys`, else any of them, if given), else the first named."""
    present = [t for t in roles.tables(role) if t in ctx.store.tables()]
    if keys:
        for test in (all, any):
            hit = next((t for t in present if test(k in _keys(ctx, t) for k in keys)), None)
            if hit is not None:
                return hit
    return present[0] if present else roles.tables(role)[0]


def _keys(ctx: Context, table: str) -> frozenset[str]:
    return ctx.lookup(
        ("keys", table),
        lambda: frozenset(str(v) for v in ctx.store.table(table)["area_key"].astype(str).unique()),
    )


def component_years(ctx: Context) -> list[int]:
    """The years with births, deaths and mean population in the tables of their roles."""
    found = [set(yearly(ctx, table_of(ctx, r)).columns) for r in COMPONENT_ROLES]
    return sorted(int(y) for y in set.intersection(*found))


COMPONENT_ROLES = ("births", "deaths", "mean_population")


def windows(years: list[int]) -> tuple[tuple[int, int], ...]:
    """The 4-year means a profile shows (Wegweiser's convention, a method choice): consecutive
    windows of `WINDOW` years counted back from the latest year, oldest first; a window that
    lacks a year or contains a census year (data/censuses.toml: the residual there is the
    census correction, not migration) is left out, not shifted."""
    have, out = set(years), []
    breaks = {c.year for c in load_censuses()}
    last = max(years, default=0)
    while years and last - WINDOW + 1 >= min(years):
        span = range(last - WINDOW + 1, last + 1)
        if all(y in have for y in span) and not breaks & set(span):
            out.append((span[0], span[-1]))
        last -= WINDOW
    return tuple(reversed(out))


def components(ctx: Context, keys: list[str]) -> dict[str, Components]:
    """Births, deaths and migration of Kreise in every year of `component_years`, per year and
    as 4-year means; Webb's type from the latest of `windows`.

    Net migration is the table's balance over the Kreis boundaries where a migration table
    covers the year; otherwise the residual (P_t − P_{t−1}) − (births − deaths), marked
    estimated. The residual is not formed for a census year, where it would report the census
    correction as migration. Länder and Germany work too: their rows are in the same tables.
    """
    keys, years = list(dict.fromkeys(keys)), component_years(ctx)
    births_t, deaths_t, mean_t = (table_of(ctx, r) for r in COMPONENT_ROLES)
    births = yearly_aktuell(ctx, births_t).reindex(index=keys, columns=years)
    deaths = yearly_aktuell(ctx, deaths_t).reindex(index=keys, columns=years)
    mean = yearly_aktuell(ctx, mean_t).reindex(index=keys, columns=years)
    residual, _ = residual_migration(ctx, keys, years, aktuell=True)
    table = _table_migration(ctx, keys).reindex(columns=years)
    migration = table.where(table.notna(), residual)
    estimated = table.isna() & residual.notna()
    b, d, m, r, e, p = (
        f.to_numpy() for f in (births, deaths, migration, residual, estimated, mean)
    )
    shown = windows(years)
    which = ctx.population().tables.reindex(index=keys, columns=years).to_numpy(dtype=object)
    population = sorted({t for t in which.ravel().tolist() if isinstance(t, str)})
    tables = (births_t, deaths_t, mean_t, *population, table_of(ctx, "moves_kreis"))
    out = {}
    for i, k in enumerate(keys):
        rows = [
            _year(y, b[i, j], d[i, j], m[i, j], r[i, j], bool(e[i, j]), p[i, j])
            for j, y in enumerate(years)
        ]
        means = _four_year_means(rows)
        latest = next((m for m in means if shown and (m.first, m.last) == shown[-1]), None)
        out[k] = Components(k, rows, means, webb_type(latest), tables)
    return out


def residual_migration(
    ctx: Context, keys: list[str], years: list[int], *, aktuell: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net migration by the residual method, (P_t − P_{t−1}) − (births_t − deaths_t), and the
    population at the start of each year (P_{t−1}), area × year; NaN in a census year, where
    the difference would be the census correction. `aktuell`: on the territory of today, as a
    profile shows it (`inputs.gebietsstand`: the Wartburgkreis's people of Eisenach, taken in
    2021, are no migration); the projection reads the figures as published."""
    on = yearly_aktuell if aktuell else yearly
    births = on(ctx, table_of(ctx, "births")).reindex(index=keys, columns=years)
    deaths = on(ctx, table_of(ctx, "deaths")).reindex(index=keys, columns=years)
    totals = gebietsstand.population(ctx, "zensus2011") if aktuell else ctx.totals
    pop = totals.reindex(index=keys, columns=[years[0] - 1, *years]).astype(float)
    residual = pop.diff(axis=1)[years] - (births - deaths)
    for census in load_censuses():
        if census.year in residual.columns:
            residual[census.year] = np.nan
    start = pop[[y - 1 for y in years]].set_axis(years, axis=1)
    return residual, start


def _year(
    year: int, b: float, d: float, m: float, r: float, estimated: bool, mean: float
) -> ComponentYear:
    natural = b - d
    census = next((c for c in load_censuses() if c.year == year), None)
    note = zensus_note(census) if census else ESTIMATED_NOTE if estimated else ""
    return ComponentYear(
        year,
        float(b),
        float(d),
        float(natural),
        float(m),
        float(r),
        estimated,
        float(mean),
        float(natural / mean * 1000),
        float(m / mean * 1000),
        note,
    )


def _four_year_means(rows: list[ComponentYear]) -> list[FourYearMean]:
    """Wegweiser's 4-year mean: sum of the four balances / sum of the four mean populations ×
    1000, only where all four years are there."""
    out = []
    for i in range(WINDOW - 1, len(rows)):
        window = rows[i - WINDOW + 1 : i + 1]
        pop = sum(r.mean_population for r in window)
        out.append(
            FourYearMean(
                window[0].year,
                window[-1].year,
                sum(r.natural for r in window) / pop * 1000,
                sum(r.migration for r in window) / pop * 1000,
                any(r.estimated for r in window),
            )
        )
    return out


def webb_type(mean: FourYearMean | None) -> WebbType | None:
    """Webb's type (A–H) from natural balance N and net migration M: A–D grow, E–H shrink."""
    if mean is None or math.isnan(mean.natural_rate) or math.isnan(mean.migration_rate):
        return None
    n, m = mean.natural_rate, mean.migration_rate
    if n >= 0:
        code = ("B" if n > m else "C") if m >= 0 else ("A" if n > -m else "H")
    else:
        code = ("D" if m > -n else "E") if m >= 0 else ("F" if -n > -m else "G")
    return WebbType(
        code, code in "ABCD", WEBB_TYPES[code], n, m, (mean.first, mean.last), mean.estimated
    )


def yearly(ctx: Context, table: str, sex: str = "total") -> pd.DataFrame:
    """All-ages counts of one sex by area × year. Secret cells, and the zeros or `-` of areas
    that did not exist that year, are NaN: every Kreis has births, deaths and inhabitants."""
    return ctx.lookup(("yearly", table, sex), lambda: _yearly(ctx, table, sex))


def yearly_aktuell(ctx: Context, table: str, sex: str = "total") -> pd.DataFrame:
    """`yearly` on the territory of today (`inputs.gebietsstand`)."""
    name = ("yearly_gebietsstand", table, sex, ctx.gebietsstand)
    return ctx.lookup(name, lambda: gebietsstand.frame(ctx, yearly(ctx, table, sex)))


def _yearly(ctx: Context, table: str, sex: str) -> pd.DataFrame:
    f = ctx.store.table(table)
    f = f.loc[(f["sex"] == sex) & (f["age"] == "total")]
    value = f["value"].where(~f["flag"].isin(HIDDEN) & (f["value"] > 0)).to_numpy(float)
    ok = ~np.isnan(value)
    wide = _wide(as_strings(f["area_key"])[ok], f["year"].to_numpy(dtype=np.int64)[ok], value[ok])
    return _continued(wide, ctx)


def _wide(keys: np.ndarray, years: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """key × year of the first value of each pair, as `pivot_table(aggfunc="first")` of the
    non-missing values gives it: sorted keys and years that have any value."""
    row_keys, rows = np.unique(keys.astype(str), return_inverse=True)
    col_years, cols = np.unique(years, return_inverse=True)
    flat = rows * len(col_years) + cols
    _, first = np.unique(flat, return_index=True)
    out = np.full(len(row_keys) * len(col_years), np.nan)
    out[flat[first]] = values[first]
    return pd.DataFrame(
        out.reshape(len(row_keys), len(col_years)),
        index=pd.Index(row_keys.tolist(), name="area_key", dtype="str"),
        columns=pd.Index(col_years, name="year"),
    )


def _continued(wide: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """A new key's missing years up to its change are the sum of its old keys, as for totals."""
    wide = wide.copy()
    for change in (c for c in ctx.changes if c.continues_back):
        if not all(o in wide.index for o in change.old):
            continue
        if change.new not in wide.index:
            wide.loc[change.new] = np.nan
        summed = wide.loc[list(change.old)].sum(min_count=len(change.old))
        gap = wide.loc[change.new].isna() & summed.notna() & (wide.columns <= int(change.date[:4]))
        wide.loc[change.new, gap] = summed[gap]
    return wide


def _table_migration(ctx: Context, keys: list[str]) -> pd.DataFrame:
    """Zuzüge − Fortzüge über die Kreisgrenzen by area × year, where a table gives them, on
    the territory of today (`inputs.gebietsstand`: the balance of two areas is their sum's)."""
    cube = moves(ctx, table_of(ctx, "moves_kreis"))

    def balance(ks: list[str]) -> np.ndarray:
        return cube.get(ks, "in", ("total",), "total") - cube.get(ks, "out", ("total",), "total")

    net = gebietsstand.summed(ctx, keys, gebietsstand.day_of(cube.year), balance)
    return pd.DataFrame({cube.year: net[:, 0]} if cube.year else {}, index=keys)


@dataclass(frozen=True)
class Moves:
    """Moves of one year (the newest of the table) as a dense array (areas, 'in'/'out', age
    band incl. 'total', sex incl. 'total'); NaN where a cell is secret or missing. Where the
    table has a cell twice, the first counts."""

    year: int  # 0 where the table has no cell
    row: dict[str, int]
    age: dict[str, int]
    sex: dict[str, int]
    values: np.ndarray

    def get(self, keys: list[str], direction: str, ages: tuple[str, ...], sex: str) -> np.ndarray:
        """(keys, ages); NaN for unknown keys, bands or sexes."""
        nan_row = len(self.row)
        rows = np.array([self.row.get(k, nan_row) for k in keys], dtype=int)
        cols = [self.age.get(a, -1) for a in ages]
        s = self.sex.get(sex, -1)
        d = DIRECTIONS.index(direction)
        out = np.full((len(keys), len(ages)), np.nan)
        for j, c in enumerate(cols):
            if c >= 0 and s >= 0:
                out[:, j] = self._padded()[rows, d, c, s]
        return out

    def _padded(self) -> np.ndarray:
        """`values` with one NaN row at the end, the row of keys the table does not have (made
        once: `setdefault` built the 4 MB copy at every call, 13 ms a profile)."""
        if "_pad" not in self.__dict__:
            nan_row = np.full((1, *self.values.shape[1:]), np.nan)
            self.__dict__["_pad"] = np.concatenate([self.values, nan_row])
        return self.__dict__["_pad"]


DIRECTIONS = ("in", "out")


def moves(ctx: Context, table: str) -> Moves:
    """The moves of the newest year of `table` (see `Moves`), read once per context. The text
    columns are parsed once per distinct label, not per row."""
    return ctx.lookup(("moves", table), lambda: _moves(ctx, table))


def _moves(ctx: Context, table: str) -> Moves:
    f = ctx.store.table(table)
    year = int(f["year"].max()) if len(f) else 0
    f = f.loc[f["year"] == year]
    codes, labels = {}, {}
    for col in ("area_key", "variable", "age", "sex"):
        codes[col], labels[col] = _factorized(f[col])
    is_in = np.array(
        [str(v).split("|")[-1].strip().startswith("Zuzüge") for v in labels["variable"]], dtype=bool
    )
    direction = np.where(is_in[codes["variable"]], 0, 1)
    shape = (len(labels["area_key"]), 2, len(labels["age"]), len(labels["sex"]))
    flat = np.ravel_multi_index((codes["area_key"], direction, codes["age"], codes["sex"]), shape)
    value = f["value"].where(~f["flag"].isin(HIDDEN)).to_numpy(dtype=float)
    _, first = np.unique(flat, return_index=True)
    values = np.full(int(np.prod(shape)), np.nan)
    values[flat[first]] = value[first]
    return Moves(
        year,
        *({str(k): i for i, k in enumerate(labels[c])} for c in ("area_key", "age", "sex")),
        values.reshape(shape),
    )


def _factorized(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column and the text of each code."""
    codes, uniques = pd.factorize(
        column.astype(object) if not isinstance(column.dtype, pd.CategoricalDtype) else column
    )
    return codes, [str(u) for u in uniques]


def as_strings(column: pd.Series) -> np.ndarray:
    """A (categorical) column as an array of Python strings, converted once per category."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in column.cat.categories], dtype=object)
        return cats[column.cat.codes.to_numpy()]
    return column.astype(str).to_numpy(dtype=object)


# --- migration by life phase ----------------------------------------------------------------
