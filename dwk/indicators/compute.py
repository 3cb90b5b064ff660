"""Indicator computation: every catalogue entry for a set of areas, at one period per indicator.

An indicator's period is the latest Stichtag ≤ the asked year for which the anchor area has
data; its reference areas are computed at that same period, so a comparison never mixes years.
Without an anchor (batch runs) each area gets its own latest period. A value built on a secret
cell (`.`) is missing, one built on fewer people or events than the catalogue's `min_count` is
flagged `unsicher`, and a change across the Zensus 2011 correction is flagged `zensus`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dwk import roles
from dwk.indicators.catalogue import IndicatorDef
from dwk.indicators.population import (
    Totals,
    change,
    mean_population,
    population,
    population_years,
    tables_text,
    territory_moved,
)
from dwk.indicators.result import (
    FLAG_MISSING,
    FLAG_TERRITORY,
    FLAG_UNCERTAIN,
    RESULT_COLUMNS,
    Result,
)
from dwk.inputs import age_estimation as est
from dwk.inputs import gebietsstand
from dwk.inputs import tables as inputs
from dwk.inputs.censuses import by_basis
from dwk.inputs.context import Context

# --- age structure ------------------------------------------------------------------------

Band = tuple[int, int | None]
AgeFn = Callable[[Context, inputs.AgeData, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _age_sources(ctx: Context, year: int) -> dict[str, inputs.AgeData]:
    """Each key's best age table at `year`: single years where they exist, else groups (from
    whole tables, so once per context), on the context's Gebietsstand."""

    def build() -> dict[str, inputs.AgeData]:
        found: dict[str, inputs.AgeData] = {}
        for table, years in ctx.age_tables().items():
            data = ctx.age(table, year) if year in years else None
            data = gebietsstand.age_data(ctx, data)
            for k in data.row if data is not None else ():
                found.setdefault(k, data)
        return found

    return ctx.lookup(("age_sources", year, ctx.gebietsstand), build)


def age_source(ctx: Context, key: str, year: int) -> inputs.AgeData | None:
    """The best age table for `key` at `year` (see `_age_sources`)."""
    return _age_sources(ctx, year).get(key)


def age_years(ctx: Context, key: str) -> list[int]:
    """Years with an age table for `key`."""
    years = sorted({y for ys in ctx.age_tables().values() for y in ys})
    return [y for y in years if key in _age_sources(ctx, y)]


def _by_source(ctx: Context, keys: list[str], year: int, fn: AgeFn) -> Result:
    """Apply `fn(ctx, data, rows) -> (value, n)` with each key's best age table."""
    value, n = np.full(len(keys), np.nan), np.zeros(len(keys))
    period = np.full(len(keys), "", dtype=object)
    groups: dict[str, tuple[inputs.AgeData, list[int]]] = {}
    sources = _age_sources(ctx, year)
    for i, k in enumerate(keys):
        src = sources.get(k)
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
        for sex in ("male", "female"):
            ctx.single_years.prefetch(src, [src.keys[r] for r in rows], sex)
        for j, r in enumerate(rows):
            parts = [ctx.single_years.of(src, src.keys[r], sex) for sex in ("male", "female")]
            if all(p is not None for p in parts):
                pooled = parts[0] + parts[1]
                out[j] = est.mean_age(pooled) if kind == "mean" else est.median_age(pooled)
        return out, src.total()[rows]

    return fn


# --- other tables -------------------------------------------------------------------------


def _area(ctx: Context, keys: list[str], year: int) -> Result:
    value = np.full(len(keys), np.nan)
    period = np.full(len(keys), "", dtype=object)
    used = set()
    for table, variable, factor, not_after in inputs.AREA_SOURCES:
        cells = gebietsstand.area_cells(ctx, table, variable)
        for i, k in enumerate(keys):
            if not np.isnan(value[i]) or k not in cells:
                continue
            rows = [c for c in cells[k] if c[0] <= year] if not_after else cells[k]
            if rows:
                value[i], period[i] = rows[-1][1] * factor, rows[-1][2]
                used.add(table)
    n = np.full(len(keys), np.inf)
    return Result(value, n, period, ", ".join(sorted(used)))


def _density(ctx: Context, keys: list[str], year: int) -> Result:
    """Population over area; flagged where a Gemeinde's territory changed between the two
    Stichtage (Grabow: 5,573 people of 2023 with Steesow over 47.68 km² of 2015 without)."""
    pop, area = population(ctx, keys, year), _area(ctx, keys, year)
    pop_years = np.broadcast_to(np.asarray(pop.period, dtype=object), (len(keys),))
    flag = np.array(
        [
            FLAG_TERRITORY if a and p and territory_moved(ctx, k, int(a[:4]), int(p[:4])) else ""
            for k, a, p in zip(keys, area.period, pop_years, strict=True)
        ],
        dtype=object,
    )
    tables = ", ".join(dict.fromkeys(t for r in (pop, area) for t in r.tables.split(", ") if t))
    return Result(pop.value / area.value, pop.n, pop.period, tables, flag)


def _first_value(
    ctx: Context, role: str, variable: str, keys: list[str], year: int, *, count: bool = True
) -> tuple[np.ndarray, str]:
    """All-ages, both-sexes `variable` at `year` from the first table of `role` that has the
    key, and the Stichtag the tables give for it, on the context's Gebietsstand (`count`:
    a number of people or events, which adds up over areas; a rate does not)."""
    out, period = np.full(len(keys), np.nan), str(year)
    for table in roles.tables(role):
        at = gebietsstand.cells_of(ctx, table, variable, count=count).get(year, {})
        found = [at[k] for k in keys if k in at]
        got = np.array([at[k][1] if k in at else np.nan for k in keys], dtype=float)
        out = np.where(np.isnan(out), got, out)
        if found:
            period = min(found)[2]  # the first of the keys' cells in table order
    return out, period


def _years_table(ctx: Context, sources: tuple[tuple[str, str], ...]) -> dict[str, list[int]]:
    """Years in which any (table, variable) of `sources` has a cell, by key (from whole tables,
    once per context; one list per distinct set of years)."""

    def build() -> dict[str, list[int]]:
        found: dict[str, frozenset[int]] = {}
        for table, variable in sources:
            for key, ys in inputs.years_by_key(ctx.store, table, variable).items():
                found[key] = found[key] | ys if key in found else ys
        # a Gemeinde formed by a merger: the years all its parts have, as its cells
        for key, parts in gebietsstand.formed_gemeinden(ctx).items():
            if all(p in found for p in parts):
                found[key] = found.get(key, frozenset()) | frozenset.intersection(
                    *(found[p] for p in parts)
                )
        lists: dict[frozenset[int], list[int]] = {}
        out = {}
        for key, ys in found.items():
            if ys not in lists:
                lists[ys] = sorted(ys)
            out[key] = lists[ys]
        return out

    return ctx.lookup(("years", sources), build)


def _years_in(role: str, variable: str) -> Years:
    sources = tuple((t, variable) for t in roles.tables(role))
    return lambda ctx, key: _years_table(ctx, sources).get(key, [])


def _area_years(ctx: Context, key: str) -> list[int]:
    return _years_table(ctx, tuple((t, v) for t, v, _, _ in inputs.AREA_SOURCES[:2])).get(key, [])


def _people(lo: int, hi: int | None) -> AgeFn:
    def fn(ctx: Context, src: inputs.AgeData, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = src.between(lo, hi)
        return (count[rows],) * 2 if count is not None else (np.full(len(rows), np.nan),) * 2

    return fn


def _per_working_age(role: str, variable: str, pop_offset: int = 0) -> Compute:
    """100 × `variable` per inhabitant aged 15–64 on 31.12. of `year − pop_offset`."""

    def fn(ctx: Context, keys: list[str], year: int) -> Result:
        count, period = _first_value(ctx, role, variable, keys, year)
        pop = _by_source(ctx, keys, year - pop_offset, _people(15, 65))
        tables = ", ".join([*roles.tables(role), pop.tables])
        return Result(count / pop.value * 100, count, period, tables)

    return fn


def _per_1000(plus: tuple[str, str], minus: tuple[str, str]) -> Compute:
    """1000 × (plus − minus events) per mean inhabitant; n = plus + minus events."""

    def fn(ctx: Context, keys: list[str], year: int) -> Result:
        a, _ = _first_value(ctx, *plus, keys, year)
        b, _ = _first_value(ctx, *minus, keys, year)
        value = (a - b) / mean_population(ctx, keys, year) * 1000
        t = Totals.of(ctx)
        pop_tables = tables_text([(t, keys, year - 1), (t, keys, year)])
        events = dict.fromkeys([*roles.tables(plus[0]), *roles.tables(minus[0])])
        tables = ", ".join([*events, pop_tables])
        return Result(value, a + b, str(year), tables)

    return fn


# (tables of a role in data/roles.toml, variable): the role says which tables, the variable
# which of their cells
UNEMPLOYMENT_RATE = "unemployment_rate", "Arbeitslosenquote bez. auf alle zivile Erwerbsp."
EMPLOYEES = "employment_residence", "Sozialversicherungspfl. Beschäftigte (Wohnort) | Insgesamt"
UNEMPLOYED = "unemployed", "Arbeitslose insgesamt"
MOVES_IN = "moves_gemeinde", "Zuzüge über die Gemeindegrenzen"
MOVES_OUT = "moves_gemeinde", "Fortzüge über die Gemeindegrenzen"
BIRTHS = "births", "Lebendgeborene"
DEATHS = "deaths", "Gestorbene"


def _unemployment_rate(ctx: Context, keys: list[str], year: int) -> Result:
    v, period = _first_value(ctx, *UNEMPLOYMENT_RATE, keys, year, count=False)
    return Result(v, np.full(len(keys), np.inf), period, roles.tables(UNEMPLOYMENT_RATE[0])[0])


# --- the registry of computations ------------------------------------------------------------

Compute = Callable[[Context, list[str], int], Result]
Years = Callable[[Context, str], list[int]]


def _age_based(fn: AgeFn) -> tuple[Compute, Years]:
    return (lambda ctx, keys, year: _by_source(ctx, keys, year, fn)), age_years


def computations(defs: list[IndicatorDef]) -> dict[str, tuple[Compute, Years]]:
    table: dict[str, tuple[Compute, Years]] = {
        "bevoelkerung": (population, population_years),
        "bevoelkerungsentwicklung_seit_2011": (
            lambda c, k, y: change(c, k, y, None, by_basis("zensus2011").year),
            population_years,
        ),
        "bevoelkerungsentwicklung_5j": (lambda c, k, y: change(c, k, y, 5, None), population_years),
        "bevoelkerungsentwicklung_lang": (
            lambda c, k, y: change(c, k, y, 10, None),
            population_years,
        ),
        "flaeche": (_area, _area_years),
        "bevoelkerungsdichte": (_density, population_years),
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


def _finish(d: IndicatorDef, keys: list[str], year: int, r: Result) -> dict[str, np.ndarray]:
    """The rows of one indicator at one year, as columns (see `RESULT_COLUMNS`)."""
    n_keys = len(keys)
    value = np.where(np.isfinite(r.value), r.value, np.nan)
    flag = np.full(n_keys, "", dtype=object) if r.flag is None else np.array(r.flag, dtype=object)
    flag = np.where(np.isnan(value), FLAG_MISSING, flag)
    small = (r.n < d.min_count) & ~np.isnan(value)
    flag = np.where(
        small & (flag != FLAG_MISSING),
        [f"{f},{FLAG_UNCERTAIN}" if f else FLAG_UNCERTAIN for f in flag],
        flag,
    )
    period = np.empty(n_keys, dtype=object)
    period[:] = r.period
    return {
        "area_key": np.array(keys, dtype=object),
        "id": np.full(n_keys, d.id, dtype=object),
        "year": np.full(n_keys, year, dtype=np.int64),
        "period": period,
        "value": value.astype(float),
        "flag": flag.astype(object),
        "n": np.broadcast_to(np.asarray(r.n, dtype=float), n_keys),
        "tables": np.full(n_keys, r.tables, dtype=object),
        "basis": np.broadcast_to(np.asarray(r.basis, dtype=object), n_keys),
    }


def compute(
    ctx: Context,
    defs: list[IndicatorDef],
    keys: list[str],
    year: int | None = None,
    anchor: str | None = None,
) -> pd.DataFrame:
    """Every indicator of `defs` for `keys` (see the module docstring for the periods)."""
    table = computations(defs)
    parts = []
    grouped: dict[Years, dict[int | None, list[str]]] = {}  # indicators share year sources
    for d in defs:
        fn, years_of = table[d.id]
        if anchor is not None:
            ordered = [anchor] + [k for k in keys if k != anchor]
            groups = {_pick(years_of(ctx, anchor), year): ordered}
        else:
            if years_of not in grouped:
                grouped[years_of] = {}
                for k in keys:
                    grouped[years_of].setdefault(_pick(years_of(ctx, k), year), []).append(k)
            groups = grouped[years_of]
        for y, ks in groups.items():
            if y is None:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                parts.append(_finish(d, ks, y, fn(ctx, ks, y)))
    if not parts:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in RESULT_COLUMNS})


def _pick(years: list[int], year: int | None) -> int | None:
    eligible = [y for y in years if year is None or y <= year]
    return max(eligible) if eligible else None


def shared_year(ctx: Context, defs: list[IndicatorDef], keys: list[str]) -> int | None:
    """The newest year at which the areas compared side by side all have every indicator of
    `defs` (per indicator among the areas that have it at all, the oldest of these per
    indicator): a comparison shows one Stichtag for every area, and a later download moves it."""
    table = computations(defs)
    newest = []
    for d in defs:
        _, years_of = table[d.id]
        sets = [set(ys) for k in keys if (ys := years_of(ctx, k))]
        common = set.intersection(*sets) if sets else set()
        if common:
            newest.append(max(common))
    return min(newest) if newest else None
