"""Indicator computation: every catalogue entry for a set of areas, at one period per indicator.

An indicator's period is the latest Stichtag ≤ the asked year for which the anchor area has
data; its reference areas are computed at that same period, so a comparison never mixes years.
Without an anchor (batch runs) each area gets its own latest period. A value built on a secret
cell (`.`) is missing, one built on fewer people or events than the catalogue's `min_count` is
flagged `unsicher`, and a change across the Zensus 2011 correction is flagged `zensus`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dwk.areas import KeyChange
from dwk.profile import age_estimation as est
from dwk.profile import inputs
from dwk.profile.catalogue import IndicatorDef
from dwk.profile.single_years import SingleYears
from dwk.sources.cells import HIDDEN
from dwk.store import Store

FLAG_UNCERTAIN = "unsicher"
FLAG_ZENSUS = "zensus"
FLAG_MISSING = "."
RESULT_COLUMNS = ["area_key", "id", "year", "period", "value", "flag", "n", "tables"]


@dataclass
class Result:
    """One indicator for several areas at one year: arrays aligned with `keys`."""

    value: np.ndarray
    n: np.ndarray
    period: str | np.ndarray  # one Stichtag for all keys, or one per key
    tables: str
    flag: np.ndarray | None = None


@dataclass
class Context:
    store: Store
    changes: list[KeyChange]
    _age: dict[tuple[str, int], inputs.AgeData | None] = field(default_factory=dict)
    _totals: tuple[pd.DataFrame, pd.DataFrame] | None = None
    single_years: SingleYears = field(init=False)
    years_cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.single_years = SingleYears(self.store, self.age)

    def age(self, table: str, year: int) -> inputs.AgeData | None:
        if (table, year) not in self._age:
            self._age[(table, year)] = inputs.age_data(self.store, table, year)
        return self._age[(table, year)]

    @property
    def totals(self) -> pd.DataFrame:
        """Population series continued over key changes (see `inputs.population_totals`)."""
        return self._population()[0]

    @property
    def observed_totals(self) -> pd.DataFrame:
        """Population as the tables give it: a key has values only while it existed."""
        return self._population()[1]

    def _population(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self._totals is None:
            self._totals = inputs.population_totals(self.store, self.changes)
        return self._totals


# --- age structure ------------------------------------------------------------------------

AGE_YEARS = {inputs.SINGLE_YEARS: (2015, 2020), inputs.AGE_GROUPS: (2015,)}
Band = tuple[int, int | None]
AgeFn = Callable[[Context, inputs.AgeData, np.ndarray], tuple[np.ndarray, np.ndarray]]


def age_source(ctx: Context, key: str, year: int) -> inputs.AgeData | None:
    """The best age table for `key` at `year`: single years where they exist, else groups."""
    for table in (inputs.SINGLE_YEARS, inputs.AGE_GROUPS):
        if year in AGE_YEARS[table]:
            data = ctx.age(table, year)
            if data is not None and key in data.row:
                return data
    return None


def age_years(ctx: Context, key: str) -> list[int]:
    return sorted({y for ys in AGE_YEARS.values() for y in ys if age_source(ctx, key, y)})


def _by_source(ctx: Context, keys: list[str], year: int, fn: AgeFn) -> Result:
    """Apply `fn(ctx, data, rows) -> (value, n)` with each key's best age table."""
    value, n = np.full(len(keys), np.nan), np.zeros(len(keys))
    period = np.full(len(keys), "", dtype=object)
    groups: dict[str, tuple[inputs.AgeData, list[int]]] = {}
    for i, k in enumerate(keys):
        src = age_source(ctx, k, year)
        if src is not None:
            groups.setdefault(src.table, (src, []))[1].append(i)
    for src, idx in groups.values():
        value[idx], n[idx] = fn(ctx, src, src.rows([keys[i] for i in idx]))
        period[idx] = src.period
    return Result(value, n, period, ", ".join(sorted(groups)))


def _ratio(parts: tuple[Band, ...], base: Band, sex: str = "total") -> AgeFn:
    """100 × people in the `parts` bands (of `sex`) per person in the `base` band."""

    def fn(ctx: Context, src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        counts = [src.between(lo, hi, sex) for lo, hi in parts]
        den = src.between(*base)
        if den is None or any(c is None for c in counts):
            return np.full(len(rows), np.nan), np.zeros(len(rows))
        return sum(c[rows] for c in counts) / den[rows] * 100, den[rows]

    return fn


ALL_AGES: Band = (0, None)


def _mean_or_median(kind: str) -> AgeFn:
    def fn(ctx: Context, src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = np.full(len(rows), np.nan)
        for j, r in enumerate(rows):
            parts = [ctx.single_years.of(src, src.keys[r], sex) for sex in ("male", "female")]
            if all(p is not None for p in parts):
                pooled = parts[0] + parts[1]
                out[j] = est.mean_age(pooled) if kind == "mean" else est.median_age(pooled)
        return out, src.total()[rows]

    return fn


# --- totals and change -------------------------------------------------------------------


def _years_of(ctx: Context, key: str) -> list[int]:
    if "totals" not in ctx.years_cache:
        t = ctx.totals
        ctx.years_cache["totals"] = {
            k: [int(y) for y, ok in zip(t.columns, row, strict=True) if ok]
            for k, row in zip(t.index, t.notna().to_numpy(), strict=True)
        }
    return ctx.years_cache["totals"].get(key, [])


def _population(ctx: Context, keys: list[str], year: int) -> Result:
    t = ctx.totals.reindex(keys)
    v = t[year].to_numpy(dtype=float) if year in t.columns else np.full(len(keys), np.nan)
    return Result(v, v, f"{year}-12-31", _totals_table(year, keys))


def _totals_table(year: int, keys: list[str]) -> str:
    if year > 2015:
        return inputs.POPULATION_KREIS_RECENT
    if any(len(k) == 8 for k in keys):
        return inputs.POPULATION_GEMEINDE
    return inputs.POPULATION_KREIS


def _change(
    ctx: Context, keys: list[str], year: int, span: int | None, since: int | None
) -> Result:
    """Change in % from a base year; without `since`, the first key (the anchor) decides the
    base year: `year − span`, or its first year with data after that."""
    t = ctx.totals.reindex(keys)
    nan = np.full(len(keys), np.nan)
    now = t[year].to_numpy(dtype=float) if year in t.columns else nan
    base_year = since if since is not None else year - (span or 0)
    if since is None and len(keys):
        first = t.iloc[0]
        available = [int(y) for y in t.columns if y >= base_year and pd.notna(first[y])]
        base_year = min(available) if available else base_year
    base = t[base_year].to_numpy(dtype=float) if base_year in t.columns else nan
    if base_year >= year:
        base = nan
    flag = np.full(len(keys), FLAG_ZENSUS if base_year < 2011 <= year else "", dtype=object)
    tables = ", ".join(sorted({_totals_table(base_year, keys), _totals_table(year, keys)}))
    return Result((now - base) / base * 100, base, f"{base_year}/{year}", tables, flag)


# --- other tables -------------------------------------------------------------------------

# (table, variable, factor to km², only Stichtage up to the asked year). Where the
# Flächenerhebung keeps a Gemeinde's area secret (Sachsen 2015), the Gemeindeverzeichnis of
# 31.12.2019 gives it; the value then carries that later Stichtag as its period.
AREA_SOURCES = (
    ("11111-01-01-4", "Gebietsfläche", 1.0, True),
    ("33111-01-01-5", "Bodenfläche", 0.01, True),
    ("GV-ISys", "Gebietsfläche", 1.0, False),
)


def _area(ctx: Context, keys: list[str], year: int) -> Result:
    value = pd.Series(np.nan, index=keys)
    period = pd.Series("", index=keys, dtype=object)
    used = set()
    for table, variable, factor, not_after in AREA_SOURCES:
        f = ctx.store.table(table)
        f = f.loc[(f["variable"] == variable) & f["area_key"].isin(keys) & ~f["flag"].isin(HIDDEN)]
        if not_after:
            f = f.loc[f["year"] <= year]
        f = f.sort_values("year").drop_duplicates("area_key", keep="last")
        f = f.set_index(f["area_key"].astype(str))
        fill = value.isna() & value.index.isin(f.index)
        if fill.any():
            hit = value.index[fill]
            value[hit] = f.loc[hit, "value"].to_numpy() * factor
            period[hit] = f.loc[hit, "period"].astype(str).to_numpy()
            used.add(table)
    n = np.full(len(keys), np.inf)
    return Result(value.to_numpy(), n, period.to_numpy(), ", ".join(sorted(used)))


def _density(ctx: Context, keys: list[str], year: int) -> Result:
    pop, area = _population(ctx, keys, year), _area(ctx, keys, year)
    return Result(pop.value / area.value, pop.n, pop.period, f"{pop.tables}, {area.tables}")


def _first_value(
    ctx: Context, tables: tuple[str, ...], variable: str, keys: list[str], year: int
) -> tuple[np.ndarray, str]:
    """All-ages, both-sexes `variable` at `year` from the first of `tables` that has the key,
    and the Stichtag the tables give for it."""
    out, period = np.full(len(keys), np.nan), str(year)
    for table in tables:
        f = ctx.store.table(table)
        f = f.loc[(f["variable"] == variable) & (f["sex"] == "total") & (f["age"] == "total")]
        f = f.loc[(f["year"] == year) & f["area_key"].isin(keys)]
        f = f.drop_duplicates("area_key", keep="last").set_index("area_key")
        got = f["value"].where(~f["flag"].isin(HIDDEN)).reindex(keys).to_numpy(dtype=float)
        out = np.where(np.isnan(out), got, out)
        if len(f):
            period = str(f["period"].iloc[0])
    return out, period


def _years_in(tables: tuple[str, ...], variable: str) -> Years:
    """Years in which any of `tables` has `variable` for a key (cached per context)."""

    def years(ctx: Context, key: str) -> list[int]:
        found: set[int] = set()
        for table in tables:
            ck = (table, variable)
            if ck not in ctx.years_cache:
                f = ctx.store.table(table)
                f = f.loc[f["variable"] == variable, ["area_key", "year"]].drop_duplicates()
                ctx.years_cache[ck] = (
                    f.groupby("area_key", observed=True)["year"].apply(set).to_dict()
                )
            found |= ctx.years_cache[ck].get(key, set())
        return sorted(int(y) for y in found)

    return years


def _area_years(ctx: Context, key: str) -> list[int]:
    return sorted({y for t, v, _, _ in AREA_SOURCES[:2] for y in _years_in((t,), v)(ctx, key)})


def _people(lo: int, hi: int | None) -> AgeFn:
    def fn(ctx: Context, src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = src.between(lo, hi)
        return (count[rows],) * 2 if count is not None else (np.full(len(rows), np.nan),) * 2

    return fn


def _per_working_age(tables: tuple[str, ...], variable: str, pop_offset: int = 0) -> Compute:
    """100 × `variable` per inhabitant aged 15–64 on 31.12. of `year − pop_offset`."""

    def fn(ctx: Context, keys: list[str], year: int) -> Result:
        count, period = _first_value(ctx, tables, variable, keys, year)
        pop = _by_source(ctx, keys, year - pop_offset, _people(15, 65))
        return Result(count / pop.value * 100, count, period, ", ".join([*tables, pop.tables]))

    return fn


def _mean_population(ctx: Context, keys: list[str], year: int) -> np.ndarray:
    t = ctx.totals.reindex(keys)
    if year not in t.columns or year - 1 not in t.columns:
        return np.full(len(keys), np.nan)
    return ((t[year - 1] + t[year]) / 2).to_numpy(dtype=float)


def _per_1000(plus: tuple[tuple[str, ...], str], minus: tuple[tuple[str, ...], str]) -> Compute:
    """1000 × (plus − minus events) per mean inhabitant; n = plus + minus events."""

    def fn(ctx: Context, keys: list[str], year: int) -> Result:
        a, _ = _first_value(ctx, *plus, keys, year)
        b, _ = _first_value(ctx, *minus, keys, year)
        value = (a - b) / _mean_population(ctx, keys, year) * 1000
        tables = ", ".join([*dict.fromkeys([*plus[0], *minus[0]]), _totals_table(year, keys)])
        return Result(value, a + b, str(year), tables)

    return fn


UNEMPLOYMENT_RATE = ("13211-02-05-4",), "Arbeitslosenquote bez. auf alle zivile Erwerbsp."
EMPLOYEES = (
    ("13111-02-02-4", "13111-02-02-5"),
    "Sozialversicherungspfl. Beschäftigte (Wohnort) | Insgesamt",
)
UNEMPLOYED = ("13211-01-03-5",), "Arbeitslose insgesamt"
MOVES = ("12711-01-03-4", "12711-01-03-5")
MOVES_IN = MOVES, "Zuzüge über die Gemeindegrenzen"
MOVES_OUT = MOVES, "Fortzüge über die Gemeindegrenzen"
BIRTHS = ("12612-01-01-4",), "Lebendgeborene"
DEATHS = ("12613-01-01-4",), "Gestorbene"


def _unemployment_rate(ctx: Context, keys: list[str], year: int) -> Result:
    v, period = _first_value(ctx, *UNEMPLOYMENT_RATE, keys, year)
    return Result(v, np.full(len(keys), np.inf), period, UNEMPLOYMENT_RATE[0][0])


# --- the registry of computations ------------------------------------------------------------

Compute = Callable[[Context, list[str], int], Result]
Years = Callable[[Context, str], list[int]]


def _age_based(fn: AgeFn) -> tuple[Compute, Years]:
    return (lambda ctx, keys, year: _by_source(ctx, keys, year, fn)), age_years


def computations(defs: list[IndicatorDef]) -> dict[str, tuple[Compute, Years]]:
    table: dict[str, tuple[Compute, Years]] = {
        "bevoelkerung": (_population, _years_of),
        "bevoelkerungsentwicklung_seit_2011": (
            lambda c, k, y: _change(c, k, y, None, 2011),
            _years_of,
        ),
        "bevoelkerungsentwicklung_5j": (lambda c, k, y: _change(c, k, y, 5, None), _years_of),
        "bevoelkerungsentwicklung_lang": (lambda c, k, y: _change(c, k, y, 10, None), _years_of),
        "flaeche": (_area, _area_years),
        "bevoelkerungsdichte": (_density, _years_of),
        "frauenanteil": _age_based(_ratio((ALL_AGES,), ALL_AGES, sex="female")),
        "durchschnittsalter": _age_based(_mean_or_median("mean")),
        "medianalter": _age_based(_mean_or_median("median")),
        "jugendquotient": _age_based(_ratio(((0, 20),), (20, 65))),
        "altenquotient": _age_based(_ratio(((65, None),), (20, 65))),
        "gesamtquotient": _age_based(_ratio(((0, 20), (65, None)), (20, 65))),
        "alterungsindex": _age_based(_ratio(((65, None),), (0, 20))),
        "beschaeftigte_je_100": (_per_working_age(*EMPLOYEES), _years_in(*EMPLOYEES)),
        "arbeitslosenquote": (_unemployment_rate, _years_in(*UNEMPLOYMENT_RATE)),
        "arbeitslose_je_100": (_per_working_age(*UNEMPLOYED, pop_offset=1), _years_in(*UNEMPLOYED)),
        "wanderungssaldo_je_1000": (_per_1000(MOVES_IN, MOVES_OUT), _years_in(*MOVES_IN)),
        "natuerlicher_saldo_je_1000": (_per_1000(BIRTHS, DEATHS), _years_in(*BIRTHS)),
    }
    for d in defs:
        if d.age_from is not None:
            table[d.id] = _age_based(_ratio(((d.age_from, d.age_to),), ALL_AGES))
    missing = [d.id for d in defs if d.id not in table]
    if missing:
        raise KeyError(f"no computation for catalogue ids: {missing}")
    return table


def _finish(d: IndicatorDef, keys: list[str], year: int, r: Result) -> pd.DataFrame:
    value = np.where(np.isfinite(r.value), r.value, np.nan)
    flag = (
        np.full(len(keys), "", dtype=object) if r.flag is None else np.array(r.flag, dtype=object)
    )
    flag = np.where(np.isnan(value), FLAG_MISSING, flag)
    small = (r.n < d.min_count) & ~np.isnan(value)
    flag = np.where(small & (flag == ""), FLAG_UNCERTAIN, flag)
    flag = np.where(small & (flag == FLAG_ZENSUS), f"{FLAG_ZENSUS},{FLAG_UNCERTAIN}", flag)
    return pd.DataFrame(
        {
            "area_key": keys,
            "id": d.id,
            "year": year,
            "period": r.period,
            "value": value,
            "flag": flag,
            "n": r.n,
            "tables": r.tables,
        }
    )


def compute(
    ctx: Context,
    defs: list[IndicatorDef],
    keys: list[str],
    year: int | None = None,
    anchor: str | None = None,
) -> pd.DataFrame:
    """Every indicator of `defs` for `keys` (see the module docstring for the periods)."""
    table = computations(defs)
    frames = []
    for d in defs:
        fn, years_of = table[d.id]
        if anchor is not None:
            ordered = [anchor] + [k for k in keys if k != anchor]
            groups = {_pick(years_of(ctx, anchor), year): ordered}
        else:
            groups: dict[int | None, list[str]] = {}
            for k in keys:
                groups.setdefault(_pick(years_of(ctx, k), year), []).append(k)
        for y, ks in groups.items():
            if y is None:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                frames.append(_finish(d, ks, y, fn(ctx, ks, y)))
    if not frames:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _pick(years: list[int], year: int | None) -> int | None:
    eligible = [y for y in years if year is None or y <= year]
    return max(eligible) if eligible else None
