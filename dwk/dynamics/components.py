"""The demographic dynamics of an area as plain data: the population series with the census
counts beside it, the components of change (births, deaths, migration), migration by life
phase and the general fertility rate. No HTML here; the renderers take it from here.

The Zensus 2011 re-based the population: 31.12.2010 is on the old basis, 31.12.2011 on the new
one. Census counts are therefore points of their own, never joined into the series, and no
migration is derived across that break.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.sources.tables.cells import HIDDEN
from dwk.sources.tables.labels import band_bounds

BIRTHS, DEATHS, MEAN_POPULATION = inputs.BIRTHS, inputs.DEATHS, inputs.MEAN_POPULATION
CENSUS_2011 = "12111-01-01-5"
CENSUS_2022 = "1000A-0000"
CENSUS_2011_VARIABLE = "Bevölkerung | Insgesamt"

YEARS = range(1995, 2016)
KREIS_YEARS = range(1995, 2021)
GEMEINDE_YEARS = range(2008, 2016)
ZENSUS_BREAK = 2011
WINDOW = 4
LATEST_WINDOW = (2012, 2015)
MIGRATION_YEAR = 2015
MIN_MOVES = 20

FLAG_UNCERTAIN = "unsicher"
FLAG_MISSING = "."
FLAG_NOT_MEANINGFUL = "x"
ESTIMATED_NOTE = "geschätzt (Residualmethode)"
ZENSUS_NOTE = (
    "Wanderungssaldo 2011 nicht ermittelbar: die Bevölkerung am 31.12.2010 beruht auf der alten "
    "Fortschreibung, die am 31.12.2011 auf dem Zensus 2011; die Differenz enthält die "
    "Zensuskorrektur und ist keine Wanderung."
)
LIFE_PHASE_NOTE = (
    "Wanderungen nach Altersgruppen liegen nur für 2015 vor. 2015 war ein Ausnahmejahr: die "
    "Zuwanderung Geflüchteter hob die Zuzüge vieler Kreise und Gemeinden weit über das übliche "
    "Maß. Der Wegweiser Kommune mittelt über vier Jahre; ein einzelnes Jahr ist damit nur "
    "eingeschränkt vergleichbar."
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


# --- population series and census counts ----------------------------------------------------


@dataclass(frozen=True)
class CensusPoint:
    date: str
    value: float
    table: str
    label: str

    @property
    def position(self) -> float:
        """Place on a year axis whose integer Y stands for 31.12.Y (09.05.2011 → 2010.35)."""
        d = date.fromisoformat(self.date)
        days = (date(d.year, 12, 31) - date(d.year, 1, 1)).days + 1
        return d.year - 1 + d.timetuple().tm_yday / days


@dataclass(frozen=True)
class PopulationSeries:
    key: str
    years: list[int]
    values: list[float]  # 31.12.; NaN where the tables have no value
    census: list[CensusPoint]
    tables: tuple[str, ...]
    break_year: int = ZENSUS_BREAK

    def indexed(self, base_year: int) -> tuple[list[float], list[float]]:
        """Series and census counts as an index (base year = 100), for charts."""
        base = self.values[self.years.index(base_year)] if base_year in self.years else math.nan
        return [v / base * 100 for v in self.values], [c.value / base * 100 for c in self.census]


def population_series(ctx: Context, key: str) -> PopulationSeries:
    """Population on 31.12. (Kreise, Länder, Germany 1995–2020; Gemeinden 2008–2015) and the
    Zensus counts 2011 and 2022 as separate points, because each census re-bases the series."""
    gemeinde = len(key) == 8
    years = list(GEMEINDE_YEARS if gemeinde else KREIS_YEARS)
    values = ctx.totals.reindex(index=[key], columns=years).iloc[0].astype(float).tolist()
    tables = (
        (inputs.POPULATION_GEMEINDE,)
        if gemeinde
        else (inputs.POPULATION_KREIS, inputs.POPULATION_KREIS_RECENT)
    )
    census = [p for p in (_census_2011(ctx, key), _census_2022(ctx, key)) if p is not None]
    return PopulationSeries(key, years, values, census, tables)


def _census_2011(ctx: Context, key: str) -> CensusPoint | None:
    value = _census_2011_values(ctx).get(key)
    if value is None:
        return None
    return CensusPoint("2011-05-09", value, CENSUS_2011, "Zensus 2011")


def _census_2011_values(ctx: Context) -> dict[str, float]:
    """The first open, positive all-persons cell of every key (read once per context)."""
    if "components.census_2011" not in ctx.years_cache:
        f = ctx.store.table(CENSUS_2011)
        f = f.loc[(f["variable"] == CENSUS_2011_VARIABLE) & (f["sex"] == "total")]
        f = f.loc[~f["flag"].isin(HIDDEN) & (f["value"] > 0)]
        keys, values = _strings(f["area_key"]), f["value"].to_numpy(dtype=float)
        out: dict[str, float] = {}
        for k, v in zip(keys, values, strict=True):
            out.setdefault(k, float(v))
        ctx.years_cache["components.census_2011"] = out
    return ctx.years_cache["components.census_2011"]


def _census_2022(ctx: Context, key: str) -> CensusPoint | None:
    """The Zensus 2022 table has Gemeinden and Germany only: a Kreis or Land is the sum of the
    Gemeinden whose key starts with its key (Gebietsstand 15.05.2022)."""
    keys, values, gemeinde = _census_2022_cells(ctx)
    if key == "DG" or len(key) == 8:
        hit = values[keys == key]
    else:
        # the Gemeinden sorted by key: those starting with `key` are one slice
        gkeys, gvalues = gemeinde
        lo, hi = np.searchsorted(gkeys, [key, key + "\uffff"])
        hit = gvalues[lo:hi]
    if hit.size == 0:
        return None
    return CensusPoint("2022-05-15", float(np.nansum(hit)), CENSUS_2022, "Zensus 2022")


def _census_2022_cells(ctx: Context) -> tuple:
    """Keys and values of the Zensus 2022 table, and its Gemeinden sorted by key. The counts
    are whole numbers, so summing them in another order gives the same total."""
    if "components.census_2022" not in ctx.years_cache:
        f = ctx.store.table(CENSUS_2022)
        keys = _strings(f["area_key"]).astype(str)
        values = f["value"].to_numpy(dtype=float)
        g = (f["level"] == "gemeinde").to_numpy()
        order = np.argsort(keys[g], kind="stable")
        gemeinde = (keys[g][order], values[g][order])
        ctx.years_cache["components.census_2022"] = (keys, values, gemeinde)
    return ctx.years_cache["components.census_2022"]


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


def components(ctx: Context, keys: list[str]) -> dict[str, Components]:
    """Births, deaths and migration of Kreise 1995–2015, per year and as 4-year means.

    Net migration is the table's balance over the Kreis boundaries where a migration table
    covers the year (2015); otherwise the residual (P_t − P_{t−1}) − (births − deaths), marked
    estimated. The residual is not formed for 2011, where it would report the Zensus correction
    as migration. Länder and Germany work too: their rows are in the same tables.
    """
    keys, years = list(dict.fromkeys(keys)), list(YEARS)
    births = yearly(ctx, BIRTHS).reindex(index=keys, columns=years)
    deaths = yearly(ctx, DEATHS).reindex(index=keys, columns=years)
    mean = yearly(ctx, MEAN_POPULATION).reindex(index=keys, columns=years)
    residual, _ = residual_migration(ctx, keys, years)
    table = _table_migration(ctx, keys).reindex(columns=years)
    migration = table.where(table.notna(), residual)
    estimated = table.isna() & residual.notna()
    b, d, m, r, e, p = (
        f.to_numpy() for f in (births, deaths, migration, residual, estimated, mean)
    )
    out = {}
    for i, k in enumerate(keys):
        rows = [
            _year(y, b[i, j], d[i, j], m[i, j], r[i, j], bool(e[i, j]), p[i, j])
            for j, y in enumerate(years)
        ]
        means = _four_year_means(rows)
        latest = next((m for m in means if (m.first, m.last) == LATEST_WINDOW), None)
        tables = (BIRTHS, DEATHS, MEAN_POPULATION, inputs.POPULATION_KREIS, inputs.MOVES_KREIS)
        out[k] = Components(k, rows, means, webb_type(latest), tables)
    return out


def residual_migration(
    ctx: Context, keys: list[str], years: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net migration by the residual method, (P_t − P_{t−1}) − (births_t − deaths_t), and the
    population at the start of each year (P_{t−1}), area × year; NaN for 2011, where the
    difference would be the Zensus correction."""
    births = yearly(ctx, BIRTHS).reindex(index=keys, columns=years)
    deaths = yearly(ctx, DEATHS).reindex(index=keys, columns=years)
    pop = ctx.totals.reindex(index=keys, columns=[years[0] - 1, *years]).astype(float)
    residual = pop.diff(axis=1)[years] - (births - deaths)
    if ZENSUS_BREAK in residual.columns:
        residual[ZENSUS_BREAK] = np.nan
    start = pop[[y - 1 for y in years]].set_axis(years, axis=1)
    return residual, start


def _year(
    year: int, b: float, d: float, m: float, r: float, estimated: bool, mean: float
) -> ComponentYear:
    natural = b - d
    note = ZENSUS_NOTE if year == ZENSUS_BREAK else ESTIMATED_NOTE if estimated else ""
    return ComponentYear(
        year, float(b), float(d), float(natural), float(m), float(r), estimated, float(mean),
        float(natural / mean * 1000), float(m / mean * 1000), note,
    )  # fmt: skip


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
    cache_key = ("components.yearly", table, sex)
    if cache_key not in ctx.years_cache:
        f = ctx.store.table(table)
        f = f.loc[(f["sex"] == sex) & (f["age"] == "total")]
        value = f["value"].where(~f["flag"].isin(HIDDEN) & (f["value"] > 0)).to_numpy(float)
        ok = ~np.isnan(value)
        wide = _wide(_strings(f["area_key"])[ok], f["year"].to_numpy(dtype=np.int64)[ok], value[ok])
        ctx.years_cache[cache_key] = _continued(wide, ctx)
    return ctx.years_cache[cache_key]


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
    for change in ctx.changes:
        if not all(o in wide.index for o in change.old):
            continue
        if change.new not in wide.index:
            wide.loc[change.new] = np.nan
        summed = wide.loc[list(change.old)].sum(min_count=len(change.old))
        gap = wide.loc[change.new].isna() & summed.notna() & (wide.columns <= int(change.date[:4]))
        wide.loc[change.new, gap] = summed[gap]
    return wide


def _table_migration(ctx: Context, keys: list[str]) -> pd.DataFrame:
    """Zuzüge − Fortzüge über die Kreisgrenzen by area × year, where a table gives them."""
    cube = moves(ctx, inputs.MOVES_KREIS)
    net = cube.get(keys, "in", ("total",), "total") - cube.get(keys, "out", ("total",), "total")
    return pd.DataFrame({MIGRATION_YEAR: net[:, 0]}, index=keys)


@dataclass(frozen=True)
class Moves:
    """Moves of 2015 as a dense array (areas, 'in'/'out', age band incl. 'total', sex incl.
    'total'); NaN where a cell is secret or missing. Where the table has a cell twice, the
    first counts."""

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
        """`values` with one NaN row at the end, the row of keys the table does not have."""
        return self.__dict__.setdefault(
            "_pad", np.concatenate([self.values, np.full((1, *self.values.shape[1:]), np.nan)])
        )


DIRECTIONS = ("in", "out")


def moves(ctx: Context, table: str) -> Moves:
    """The moves of 2015 of `table` (see `Moves`), read once per context. The text columns
    are parsed once per distinct label, not per row."""
    cache_key = ("components.moves", table)
    if cache_key not in ctx.years_cache:
        f = ctx.store.table(table)
        f = f.loc[f["year"] == MIGRATION_YEAR]
        codes, labels = {}, {}
        for col in ("area_key", "variable", "age", "sex"):
            codes[col], labels[col] = _factorized(f[col])
        is_in = np.array([str(v).split("|")[-1].strip().startswith("Zuzüge")
                          for v in labels["variable"]], dtype=bool)  # fmt: skip
        direction = np.where(is_in[codes["variable"]], 0, 1)
        shape = (len(labels["area_key"]), 2, len(labels["age"]), len(labels["sex"]))
        flat = np.ravel_multi_index((codes["area_key"], direction, codes["age"], codes["sex"]),
                                    shape)  # fmt: skip
        value = f["value"].where(~f["flag"].isin(HIDDEN)).to_numpy(dtype=float)
        _, first = np.unique(flat, return_index=True)
        values = np.full(int(np.prod(shape)), np.nan)
        values[flat[first]] = value[first]
        ctx.years_cache[cache_key] = Moves(
            *({str(k): i for i, k in enumerate(labels[c])} for c in ("area_key", "age", "sex")),
            values.reshape(shape),
        )
    return ctx.years_cache[cache_key]


def _factorized(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column and the text of each code."""
    codes, uniques = pd.factorize(column.astype(object) if not isinstance(
        column.dtype, pd.CategoricalDtype) else column)  # fmt: skip
    return codes, [str(u) for u in uniques]


def _strings(column: pd.Series) -> np.ndarray:
    """A (categorical) column as an array of Python strings, converted once per category."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in column.cat.categories], dtype=object)
        return cats[column.cat.codes.to_numpy()]
    return column.astype(str).to_numpy(dtype=object)


# --- migration by life phase ----------------------------------------------------------------


@dataclass(frozen=True)
class LifePhase:
    id: str
    label: str
    age_label: str
    bands: tuple[str, ...]
    wegweiser: str
    mapping: str


def load_life_phases(path: Path | None = None) -> list[LifePhase]:
    path = path or paths.data_dir() / "life_phases.toml"
    out = []
    for i, raw in enumerate(load_toml(path).get("phase", []), start=1):
        missing = [f for f in LifePhase.__dataclass_fields__ if f not in raw]
        if missing:
            raise ConfigError(f"Lebensphase Nr. {i}: es fehlen {', '.join(missing)}", file=path)
        unknown = [b for b in raw["bands"] if b not in inputs.MOVE_LABELS]
        if unknown:
            raise ConfigError(
                f"Lebensphase {raw['id']}: Altersgruppen {', '.join(unknown)} gibt es in den "
                f"Wanderungstabellen nicht",
                file=path,
            )
        out.append(LifePhase(**{**raw, "bands": tuple(raw["bands"])}))
    return out


LIFE_PHASE_COLUMNS = [
    "area_key", "level", "year", "id", "label", "age_label", "value", "in", "out", "population",
    "flag", "tables",
]  # fmt: skip


def life_phase_migration(ctx: Context, keys: list[str]) -> pd.DataFrame:
    """Net migration 2015 per 1,000 inhabitants of the same ages on 31.12.2015, for the five
    Wegweiser life phases. Kreise: moves over Kreis boundaries and single years of age;
    Gemeinden (8-digit keys): moves over Gemeinde boundaries and the 17 age groups.

    Flag `.` where a cell is secret or the area is missing, `x` where nobody of those ages
    lives there, `unsicher` where fewer than 20 moves (in + out) underlie the value. 2015 is
    the only year with moves by age (see LIFE_PHASE_NOTE).
    """
    phases = _life_phases(ctx)
    parts = [
        _phases(ctx, [k for k in keys if len(k) != 8], "kreis", phases),
        _phases(ctx, [k for k in keys if len(k) == 8], "gemeinde", phases),
    ]
    # rows by key in the order asked, then by phase (a stable sort of the phase-major parts)
    columns = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    index = {k: i for i, k in enumerate(keys)}
    order = np.argsort([index[k] for k in columns["area_key"]], kind="stable")
    return pd.DataFrame(
        {
            c: (columns[c][order].tolist() if columns[c].dtype == object else columns[c][order])
            for c in LIFE_PHASE_COLUMNS
        }  # fmt: skip
    )


def _life_phases(ctx: Context) -> list[LifePhase]:
    if "components.life_phases" not in ctx.years_cache:
        ctx.years_cache["components.life_phases"] = load_life_phases()
    return ctx.years_cache["components.life_phases"]


def _phases(
    ctx: Context, keys: list[str], level: str, phases: list[LifePhase]
) -> dict[str, np.ndarray]:
    """The columns of `LIFE_PHASE_COLUMNS` for `keys`, phase by phase (phase-major)."""
    flow_table = inputs.MOVES_GEMEINDE if level == "gemeinde" else inputs.MOVES_KREIS
    age_table = inputs.AGE_GROUPS if level == "gemeinde" else inputs.SINGLE_YEARS
    if not keys:  # no table need be read for no areas
        phases = []
    flows = moves(ctx, flow_table) if phases else None
    ages = ctx.age(age_table, MIGRATION_YEAR) if phases else None
    n, cols = len(keys), {c: [] for c in LIFE_PHASE_COLUMNS}
    for p in phases:
        # counts are whole numbers: any order of summing gives the same value
        moves_in, moves_out = (flows.get(keys, d, p.bands, "total").sum(axis=1) for d in DIRECTIONS)
        population = _population(ages, keys, p.bands)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (moves_in - moves_out) / population * 1000
        value = np.where(np.isfinite(value), value, np.nan)
        flag = np.select(
            [population == 0, np.isnan(value), moves_in + moves_out < MIN_MOVES],
            [FLAG_NOT_MEANINGFUL, FLAG_MISSING, FLAG_UNCERTAIN],
            "",
        )
        texts = {"area_key": keys, "level": [level] * n, "id": [p.id] * n,
                 "label": [p.label] * n, "age_label": [p.age_label] * n,
                 "flag": flag.tolist(), "tables": [f"{flow_table}, {age_table}"] * n}  # fmt: skip
        for c, v in texts.items():
            cols[c].append(np.array(v, dtype=object))
        for c, v in (("year", np.full(n, MIGRATION_YEAR, dtype=np.int64)), ("value", value),
                     ("in", moves_in), ("out", moves_out), ("population", population)):  # fmt: skip
            cols[c].append(v)
    empty = {"year": np.int64, "value": float, "in": float, "out": float, "population": float}
    return {c: np.concatenate(v) if v else np.array([], dtype=empty.get(c, object))
            for c, v in cols.items()}  # fmt: skip


def _population(ages: inputs.AgeData | None, keys: list[str], bands: tuple[str, ...]) -> np.ndarray:
    """People of `bands` per key on the Stichtag of `ages`; NaN where the key is missing."""
    out = np.full(len(keys), np.nan)
    if ages is None:
        return out
    counts = [ages.between(*band_bounds(b)) for b in bands]
    if any(c is None for c in counts):
        return out
    rows = np.array([ages.row.get(k, -1) for k in keys], dtype=int)
    found = rows >= 0
    out[found] = sum(c[rows[found]] for c in counts)
    return out


# --- general fertility rate -----------------------------------------------------------------


@dataclass(frozen=True)
class GFR:
    key: str
    births_pooled: float  # sum of births over `period`
    births_last: float  # births in the last year of `period`
    women_15_49: float  # on 31.12. of the last year
    pooled: float  # per 1,000 women aged 15–49
    last: float
    period: tuple[int, int]
    tables: tuple[str, ...]


def general_fertility_rate(ctx: Context, keys: list[str]) -> dict[str, GFR]:
    """Live births per 1,000 women aged 15–49, pooled over 2012–2015 and for 2015 alone.

    The Kreis tables give women by age only on 31.12.2015, so the pooled rate divides the
    births of 2012–2015 by 4 × the women aged 15–49 on 31.12.2015 (an approximation of the
    person-years), and the 2015 rate divides by that Stichtag rather than the year's mean.
    """
    keys, (first, last) = list(dict.fromkeys(keys)), LATEST_WINDOW
    births = yearly(ctx, BIRTHS).reindex(index=keys, columns=range(first, last + 1))
    ages = ctx.age(inputs.SINGLE_YEARS, last)
    women = ages.between(15, 50, "female") if ages else None
    out = {}
    for k in keys:
        w = float(women[ages.row[k]]) if women is not None and k in ages.row else math.nan
        pooled = float(births.loc[k].sum(min_count=last - first + 1))
        latest = float(births.at[k, last])
        out[k] = GFR(
            k, pooled, latest, w, pooled / ((last - first + 1) * w) * 1000, latest / w * 1000,
            (first, last), (BIRTHS, inputs.SINGLE_YEARS),
        )  # fmt: skip
    return out
