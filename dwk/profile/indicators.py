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
from dwk.profile.single_years import SingleYears, median_age
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
    period: str
    tables: str
    flag: np.ndarray | None = None


@dataclass
class Context:
    store: Store
    changes: list[KeyChange]
    _age: dict[tuple[str, int], inputs.AgeData | None] = field(default_factory=dict)
    _totals: pd.DataFrame | None = None
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
        if self._totals is None:
            self._totals = inputs.population_totals(self.store, self.changes)
        return self._totals


# --- age structure ------------------------------------------------------------------------

AGE_YEARS = {inputs.SINGLE_YEARS: (2015, 2020), inputs.AGE_GROUPS: (2015,)}


def _age_source(ctx: Context, key: str, year: int) -> inputs.AgeData | None:
    for table in (inputs.SINGLE_YEARS, inputs.AGE_GROUPS):
        if year in AGE_YEARS[table]:
            data = ctx.age(table, year)
            if data is not None and key in data.row:
                return data
    return None


def _age_years(ctx: Context, key: str) -> list[int]:
    return sorted({y for t, ys in AGE_YEARS.items() for y in ys if _age_source(ctx, key, y)})


def _by_source(ctx: Context, keys: list[str], year: int, fn: Callable) -> Result:
    """Apply `fn(data, rows) -> (value, n)` per age source, each key with its best source."""
    value = np.full(len(keys), np.nan)
    n = np.zeros(len(keys))
    used, period = set(), ""
    groups: dict[int, list[int]] = {}
    sources: dict[int, inputs.AgeData] = {}
    for i, k in enumerate(keys):
        src = _age_source(ctx, k, year)
        if src is not None:
            groups.setdefault(id(src), []).append(i)
            sources[id(src)] = src
    for sid, idx in groups.items():
        src = sources[sid]
        rows = src.rows([keys[i] for i in idx])
        v, c = fn(src, rows)
        value[idx], n[idx] = v, c
        used.add(src.table)
        period = src.period
    return Result(value, n, period, ", ".join(sorted(used)))


def _share(lo: int, hi: int | None, sex: str = "total") -> Callable:
    def fn(src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        part = src.between(lo, hi, sex)
        total = src.total()[rows]
        if part is None:
            return np.full(len(rows), np.nan), total
        return part[rows] / total * 100, total

    return fn


def _ratio(num: tuple[int, int | None], den: tuple[int, int | None]) -> Callable:
    def fn(src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = sum(src.between(lo, hi)[rows] for lo, hi in [num] if src.between(lo, hi) is not None)
        b = src.between(*den)[rows]
        return a / b * 100, b

    return fn


def _gesamtquotient(src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    young, old, work = (
        src.between(0, 20)[rows],
        src.between(65, None)[rows],
        src.between(20, 65)[rows],
    )
    return (young + old) / work * 100, work


def _frauenanteil(src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = src.total()[rows]
    return src.total("female")[rows] / total * 100, total


def _mean_or_median(kind: str) -> Callable:
    def fn(ctx: Context, src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = np.full(len(rows), np.nan)
        for j, r in enumerate(rows):
            parts = [ctx.single_years.of(src, src.keys[r], sex) for sex in ("male", "female")]
            if all(p is not None for p in parts):
                pooled = parts[0] + parts[1]
                out[j] = est.mean_age(pooled) if kind == "mean" else median_age(pooled)
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
    t = ctx.totals.reindex(keys)
    now = t[year].to_numpy(dtype=float) if year in t.columns else np.full(len(keys), np.nan)
    base_year = since if since is not None else year - (span or 0)
    if since is None and len(keys):
        first = t.iloc[0]
        available = [int(y) for y in t.columns if y >= base_year and pd.notna(first[y])]
        base_year = min(available) if available else base_year
    base = (
        t[base_year].to_numpy(dtype=float) if base_year in t.columns else np.full(len(keys), np.nan)
    )
    if base_year >= year:
        base = np.full(len(keys), np.nan)
    flag = np.where(base_year < 2011 <= year, FLAG_ZENSUS, "")
    flag = np.broadcast_to(flag, (len(keys),)).astype(object)
    tables = ", ".join(sorted({_totals_table(base_year, keys), _totals_table(year, keys)}))
    return Result((now - base) / base * 100, base, f"{base_year}/{year}", tables, flag)


# --- other tables -------------------------------------------------------------------------

AREA_TABLES = (("11111-01-01-4", "Gebietsfläche", 1.0), ("33111-01-01-5", "Bodenfläche", 0.01))
# Where the Flächenerhebung keeps a Gemeinde's area secret (Sachsen 2015), the Gemeindeverzeichnis
# of 31.12.2019 gives it; the value then carries that later Stichtag as its period.
AREA_FALLBACK = ("GV-ISys", "Gebietsfläche", 1.0)


def _area(ctx: Context, keys: list[str], year: int) -> Result:
    v = np.full(len(keys), np.nan)
    used, period = set(), ""
    passes = [(t, v, fa, True) for t, v, fa in AREA_TABLES] + [(*AREA_FALLBACK, False)]
    for table, variable, factor, not_after in passes:
        f = ctx.store.table(table)
        f = f.loc[(f["variable"] == variable) & f["area_key"].isin(keys)]
        if not_after:
            f = f.loc[f["year"] <= year]
        if f.empty:
            continue
        f = f.sort_values("year").drop_duplicates("area_key", keep="last").set_index("area_key")
        for i, k in enumerate(keys):
            if np.isnan(v[i]) and k in f.index and f.loc[k, "flag"] not in (".", "x"):
                v[i] = float(f.loc[k, "value"]) * factor
                used.add(table)
                period = str(f.loc[k, "period"])
    return Result(v, np.full(len(keys), np.inf), period, ", ".join(sorted(used)))


def _area_years(ctx: Context, key: str) -> list[int]:
    years: set[int] = set()
    for table, variable, _ in AREA_TABLES:
        years |= set(_table_years(table, variable)(ctx, key))
    return sorted(years)


def _density(ctx: Context, keys: list[str], year: int) -> Result:
    pop, area = _population(ctx, keys, year), _area(ctx, keys, year)
    return Result(pop.value / area.value, pop.n, pop.period, f"{pop.tables}, {area.tables}")


def _table_value(
    ctx: Context, table: str, variable: str, keys: list[str], year: int
) -> tuple[np.ndarray, str]:
    f = ctx.store.table(table)
    f = f.loc[(f["variable"] == variable) & (f["sex"] == "total") & (f["age"] == "total")]
    f = f.loc[(f["year"] == year) & f["area_key"].isin(keys)].drop_duplicates(
        "area_key", keep="last"
    )
    f = f.set_index("area_key")
    values = f["value"].where(~f["flag"].isin([".", "...", "x", "/"]))
    out = values.reindex(keys).to_numpy(dtype=float)
    period = str(f["period"].iloc[0]) if len(f) else ""
    return out, period


def _table_years(table: str, variable: str) -> Callable[[Context, str], list[int]]:
    def years(ctx: Context, key: str) -> list[int]:
        ck = (table, variable)
        if ck not in ctx.years_cache:
            f = ctx.store.table(table)
            f = f.loc[f["variable"] == variable, ["area_key", "year"]].drop_duplicates()
            ctx.years_cache[ck] = (
                f.groupby("area_key", observed=True)["year"]
                .apply(lambda s: sorted(int(y) for y in s))
                .to_dict()
            )
        return ctx.years_cache[ck].get(key, [])

    return years


def _per_working_age(table: str, variable: str, pop_offset: int) -> Callable:
    def fn(ctx: Context, keys: list[str], year: int) -> Result:
        count, period = _table_value(ctx, table, variable, keys, year)
        pop = _by_source(ctx, keys, year - pop_offset, lambda s, r: (s.between(15, 65)[r],) * 2)
        return Result(count / pop.value * 100, count, period, f"{table}, {pop.tables}")

    return fn


UNEMPLOYMENT_RATE = ("13211-02-05-4", "Arbeitslosenquote bez. auf alle zivile Erwerbsp.")
EMPLOYEES = (
    "13111-02-02-4",
    "13111-02-02-5",
    "Sozialversicherungspfl. Beschäftigte (Wohnort) | Insgesamt",
)
UNEMPLOYED = ("13211-01-03-5", "Arbeitslose insgesamt")
MOVES = ("12711-01-03-4", "12711-01-03-5")


def _unemployment_rate(ctx: Context, keys: list[str], year: int) -> Result:
    v, period = _table_value(ctx, *UNEMPLOYMENT_RATE, keys, year)
    return Result(v, np.full(len(keys), np.inf), period, UNEMPLOYMENT_RATE[0])


def _employees(ctx: Context, keys: list[str], year: int) -> Result:
    a, period = _table_value(ctx, EMPLOYEES[0], EMPLOYEES[2], keys, year)
    b, period_b = _table_value(ctx, EMPLOYEES[1], EMPLOYEES[2], keys, year)
    count = np.where(np.isnan(a), b, a)
    pop = _by_source(ctx, keys, year, lambda s, r: (s.between(15, 65)[r],) * 2)
    return Result(
        count / pop.value * 100,
        pop.value,
        period or period_b,
        f"{EMPLOYEES[0]}, {EMPLOYEES[1]}, {pop.tables}",
    )


def _mean_population(ctx: Context, keys: list[str], year: int) -> np.ndarray:
    t = ctx.totals.reindex(keys)
    if year not in t.columns or year - 1 not in t.columns:
        return np.full(len(keys), np.nan)
    return ((t[year - 1] + t[year]) / 2).to_numpy(dtype=float)


def _net_migration(ctx: Context, keys: list[str], year: int) -> Result:
    moves_in = np.full(len(keys), np.nan)
    moves_out = np.full(len(keys), np.nan)
    for table in MOVES:
        zu, period = _table_value(ctx, table, "Zuzüge über die Gemeindegrenzen", keys, year)
        fort, _ = _table_value(ctx, table, "Fortzüge über die Gemeindegrenzen", keys, year)
        moves_in = np.where(np.isnan(moves_in), zu, moves_in)
        moves_out = np.where(np.isnan(moves_out), fort, moves_out)
    pbar = _mean_population(ctx, keys, year)
    value = (moves_in - moves_out) / pbar * 1000
    return Result(
        value,
        moves_in + moves_out,
        str(year),
        f"{MOVES[0]}, {MOVES[1]}, {_totals_table(year, keys)}",
    )


def _natural_balance(ctx: Context, keys: list[str], year: int) -> Result:
    births, _ = _table_value(ctx, "12612-01-01-4", "Lebendgeborene", keys, year)
    deaths, _ = _table_value(ctx, "12613-01-01-4", "Gestorbene", keys, year)
    pbar = _mean_population(ctx, keys, year)
    value = (births - deaths) / pbar * 1000
    return Result(
        value,
        births + deaths,
        str(year),
        f"12612-01-01-4, 12613-01-01-4, {_totals_table(year, keys)}",
    )


# --- the registry of computations ------------------------------------------------------------

Compute = Callable[[Context, list[str], int], Result]
Years = Callable[[Context, str], list[int]]


def _age_based(fn: Callable) -> tuple[Compute, Years]:
    return (lambda ctx, keys, year: _by_source(ctx, keys, year, fn)), _age_years


def _age_based_ctx(fn: Callable) -> tuple[Compute, Years]:
    return (
        lambda ctx, keys, year: _by_source(ctx, keys, year, lambda s, r: fn(ctx, s, r))
    ), _age_years


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
        "frauenanteil": _age_based(_frauenanteil),
        "durchschnittsalter": _age_based_ctx(_mean_or_median("mean")),
        "medianalter": _age_based_ctx(_mean_or_median("median")),
        "jugendquotient": _age_based(_ratio((0, 20), (20, 65))),
        "altenquotient": _age_based(_ratio((65, None), (20, 65))),
        "gesamtquotient": _age_based(_gesamtquotient),
        "alterungsindex": _age_based(_ratio((65, None), (0, 20))),
        "beschaeftigte_je_100": (
            _employees,
            lambda c, k: sorted(
                set(_table_years(EMPLOYEES[0], EMPLOYEES[2])(c, k))
                | set(_table_years(EMPLOYEES[1], EMPLOYEES[2])(c, k))
            ),
        ),
        "arbeitslosenquote": (_unemployment_rate, _table_years(*UNEMPLOYMENT_RATE)),
        "arbeitslose_je_100": (
            _per_working_age(*UNEMPLOYED, pop_offset=1),
            _table_years(*UNEMPLOYED),
        ),
        "wanderungssaldo_je_1000": (
            _net_migration,
            lambda c, k: sorted(
                set(_table_years(MOVES[0], "Zuzüge über die Gemeindegrenzen")(c, k))
                | set(_table_years(MOVES[1], "Zuzüge über die Gemeindegrenzen")(c, k))
            ),
        ),
        "natuerlicher_saldo_je_1000": (
            _natural_balance,
            _table_years("12612-01-01-4", "Lebendgeborene"),
        ),
    }
    for d in defs:
        if d.age_from is not None:
            table[d.id] = _age_based(_share(d.age_from, d.age_to))
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
    np.seterr(divide="ignore", invalid="ignore")
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
            frames.append(_finish(d, ks, y, fn(ctx, ks, y)))
    if not frames:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.loc[out["value"].notna() | out["area_key"].isin(keys)]


def _pick(years: list[int], year: int | None) -> int | None:
    eligible = [y for y in years if year is None or y <= year]
    return max(eligible) if eligible else None
