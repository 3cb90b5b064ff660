"""Figures on the territory of today (Gebietsstand aktuell).

An area that took others in and kept its key (an Eingliederung of data/key_changes.toml)
counts, at every Stichtag before that, together with them: the Landesämter publish their series
on the current Gebietsstand, and dwk continues a Gemeinde formed by a merger back as the sum of
its parts (`inputs.population`). Reichenbach im Vogtland took in Mylau on 01.01.2016: its own
figures said "+4.2 % since 2011", its territory of today lost 8.7 %; the Wartburgkreis, which
took in Eisenach on 01.07.2021, "+24.3 %".

What a profile shows (indicators, series, components, age structure, life phases) is on the
Gebietsstand aktuell. The projection reads the figures as published and sums an absorber's
parts itself (`key_changes.territories`); the Kreis map colours outlines of 2021 and reads the
figures on the Gebietsstand of each Stichtag (`Context.jeweilig`). In a context on that
Gebietsstand every function here returns its input unchanged, but for the Gemeinden formed by a
merger: their figures before it are their parts' together on either, as their territory is
theirs.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np
import pandas as pd

from dwk.inputs import tables as inputs
from dwk.inputs.population import Line
from dwk.inputs.tables import AgeData, Cell
from dwk.key_changes import eingliederungen, formed_from

if TYPE_CHECKING:
    from dwk.inputs.context import Context

__all__ = [
    "Gebietsstand",
    "age_data",
    "area_cells",
    "cells_of",
    "combined",
    "day_of",
    "formed_gemeinden",
    "frame",
    "parts_on",
    "population",
    "summed",
]

Gebietsstand = Literal["aktuell", "jeweilig"]
"""`aktuell`: every figure of the territory of today; `jeweilig`: of the territory of its
Stichtag, as the tables publish it."""

T = TypeVar("T", float, np.ndarray)
AreaCell = tuple[int, float, str]
"""(year, value, period) of an area table (`inputs.open_cells`)."""


def day_of(year: int, period: str = "") -> str:
    """The day a figure of `year` refers to: its period where that is a day (30.06. for the
    employees), else 31.12."""
    return period if len(period) == 10 and period[4] == "-" else f"{year}-12-31"


def parts_on(ctx: Context, day: str) -> dict[str, tuple[str, ...]]:
    """Key → the areas of `day` (ISO date) whose territory it has today, itself first, for each
    area that took others in after `day`, following chains (one absorbed Gemeinde had taken
    in another before). Empty on the Gebietsstand `jeweilig`."""
    if ctx.gebietsstand == "jeweilig":
        return {}

    def build() -> dict[str, tuple[str, ...]]:
        direct: dict[str, list[str]] = {}
        for c in eingliederungen(ctx.changes, level=None):
            if day < c.date:
                direct.setdefault(c.new, []).extend(c.old)

        def expand(key: str) -> list[str]:
            return [key, *(p for old in direct.get(key, ()) for p in expand(old))]

        return {key: tuple(expand(key)) for key in direct}

    return ctx.memo(("gebietsstand", day), build)


def formed_gemeinden(ctx: Context) -> dict[str, tuple[str, ...]]:
    """Gemeinde formed by a merger → the Gemeinden it was formed of: its figures before are
    theirs together, on either Gebietsstand, since its territory is theirs (as its population
    and age structure, `inputs.with_merged`)."""
    return ctx.memo(("formed",), lambda: formed_from(ctx.changes))


def _absorbers(ctx: Context) -> frozenset[str]:
    """Every key `parts_on` can name, on any day."""
    if ctx.gebietsstand == "jeweilig":
        return frozenset()
    return ctx.memo(
        ("absorbers",), lambda: frozenset(c.new for c in eingliederungen(ctx.changes, level=None))
    )


def summed(
    ctx: Context, keys: list[str], day: str, get: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """`get(keys)` (one row per key, NaN for a key it does not know) with each key's row the
    sum of its parts' rows on `day` (`parts_on`): NaN where a part has none."""
    parts = parts_on(ctx, day)
    if not any(k in parts for k in keys):
        return get(keys)
    flat = [p for k in keys for p in parts.get(k, (k,))]
    group = np.repeat(np.arange(len(keys)), [len(parts.get(k, (k,))) for k in keys])
    values = np.asarray(get(flat), dtype=float)
    out = np.zeros((len(keys), *values.shape[1:]))
    np.add.at(out, group, values)
    return out


def frame(ctx: Context, wide: pd.DataFrame) -> pd.DataFrame:
    """An area × year frame of figures of 31.12. or of the year (births, deaths) on the
    context's Gebietsstand: NaN where a part has no figure (these tables publish the territory
    of each year)."""
    if not _absorbers(ctx) & set(wide.index):
        return wide
    row = {key: i for i, key in enumerate(wide.index)}
    published = wide.to_numpy(dtype=float)
    out = published.copy()
    for j, y in enumerate(wide.columns):
        for key, parts in parts_on(ctx, day_of(int(y))).items():
            if key in row:
                rows = [row.get(p) for p in parts]
                cells = published[[r for r in rows if r is not None], j]
                whole = None not in rows and not np.isnan(cells).any()
                out[row[key], j] = cells.sum() if whole else np.nan
    return pd.DataFrame(out, index=wide.index, columns=wide.columns)


def population(ctx: Context, line: Line) -> pd.DataFrame:
    """Population on 31.12. of one census line (`Context.population`), area × year, on the
    context's Gebietsstand."""
    if not _absorbers(ctx):
        return ctx.population(line).values
    # a whole-table value (about 15 ms to build): kept in the derived cache, not per request
    return ctx.lookup(("population_aktuell", line), lambda: frame(ctx, ctx.population(line).values))


def age_data(ctx: Context, data: AgeData | None) -> AgeData | None:
    """`data` with each absorber's counts the sum of its parts' on the Stichtag (`_combined`;
    NaN where a part is secret)."""
    if data is None:
        return None
    parts = parts_on(ctx, data.period)
    mine = [k for k in parts if k in data.row]
    if not mine:
        return data
    counts = {}
    for sex, published in data.counts.items():
        c = published.copy()
        for key in mine:  # from the published rows: a part can be an absorber itself
            others = [published[data.row[p]] if p in data.row else None for p in parts[key][1:]]
            c[data.row[key]] = _combined(published[data.row[key]], others)
        counts[sex] = c
    return replace(data, counts=counts, summed=data.summed | set(mine), _sums={})


def combined(
    ctx: Context, key: str, day: str, value_of: Callable[[str], float | None]
) -> float | None:
    """`key`'s figure on `day` for its territory of today, from `value_of(k)`, each area's
    figure in one table (None: the table does not have it; `_combined`)."""
    own = value_of(key)
    parts = parts_on(ctx, day).get(key)
    if own is None or parts is None:
        return own
    return _combined(own, [value_of(p) for p in parts[1:]])


def _combined(own: T, others: list[T | None]) -> T:
    """The figure of the territory of today from the absorber's own and those of the Gemeinden
    it took in (None: not in the table). A table with none of them on a Stichtag before the
    Eingliederung publishes on a later Gebietsstand, its figure for the absorber is already
    theirs together (the Bundesagentur für Arbeit's employees of 30.06.2015: Mylau "-",
    Reichenbach 7,848): it is taken as it is. One with only some of them is no one territory:
    NaN."""
    if all(o is None for o in others):
        return own
    if any(o is None for o in others):
        return own * np.nan
    return own + sum(others)


def cells_of(
    ctx: Context, table: str, variable: str, *, count: bool = True
) -> dict[int, Mapping[str, Cell]]:
    """`inputs.cells_of` with an absorber's value that of its territory of today (`_combined`);
    of a rate (`count` False: the Arbeitslosenquote), which does not add up, none where the
    table has those it took in. A Gemeinde formed by a merger has, where the table has all its
    parts and not it, a count that is theirs together (`formed_gemeinden`)."""
    by_year = inputs.cells_of(ctx, table, variable)
    absorbers, formed = _absorbers(ctx), formed_gemeinden(ctx) if count else {}
    if not absorbers and not formed:
        return by_year
    name = ("cells_aktuell", table, variable, count)
    return ctx.memo(name, lambda: _cells(ctx, by_year, absorbers, count, formed))


def _cells(
    ctx: Context,
    by_year: dict[int, dict[str, Cell]],
    absorbers: frozenset[str],
    count: bool,
    formed: dict[str, tuple[str, ...]],
) -> dict[int, Mapping[str, Cell]]:
    out = {}
    for year, at in by_year.items():
        changed: dict[str, Cell] = {}
        for key in absorbers & at.keys():
            row, _, period = at[key]
            value = combined(ctx, key, day_of(year, period), partial(_cell, at, key, count))
            changed[key] = (row, float(value), period)
        cells = ChainMap(changed, at)
        for key, parts in formed.items():  # a count of a merged Gemeinde: its parts' sum
            if key not in at and all(p in at for p in parts):
                of = [cells[p] for p in parts]
                changed[key] = (min(c[0] for c in of), float(sum(c[1] for c in of)), of[0][2])
        out[year] = cells if changed else at  # no copy of the year's cells
    return out


def area_cells(ctx: Context, table: str, variable: str) -> dict[str, list[AreaCell]]:
    """`inputs.area_cells` with an absorber's area that of its territory of today
    (`_combined`); a year in which only some of its parts have one is left out. A Gemeinde
    formed by a merger has its parts' area together in the years all of them have one."""
    by_key = inputs.area_cells(ctx, table, variable)
    absorbers, formed = _absorbers(ctx), formed_gemeinden(ctx)
    if not absorbers and not formed:
        return by_key
    name = ("areas_aktuell", table, variable)
    return ctx.memo(name, lambda: _areas(ctx, by_key, absorbers, formed))


def _areas(
    ctx: Context,
    by_key: dict[str, list[AreaCell]],
    absorbers: frozenset[str],
    formed: dict[str, tuple[str, ...]],
) -> dict[str, list[AreaCell]]:
    out = dict(by_key)
    for key in sorted(absorbers & by_key.keys()):
        kept = []
        for year, own, period in by_key[key]:
            of = partial(_area, by_key, key, year, own)
            area = combined(ctx, key, day_of(year, period), of)
            if not np.isnan(area):
                kept.append((year, float(area), period))
        out[key] = kept
    for key, parts in formed.items():  # a merged Gemeinde's area: its parts' together
        of = [{year: (v, period) for year, v, period in out.get(p, ())} for p in parts]
        own = {year for year, _, _ in out.get(key, ())}
        years = set.intersection(*(set(d) for d in of)) - own
        added = [(y, float(sum(d[y][0] for d in of)), of[0][y][1]) for y in years]
        if added := [c for c in added if not np.isnan(c[1])]:
            out[key] = sorted([*out.get(key, ()), *added])
    return out


def _cell(at: Mapping[str, Cell], key: str, count: bool, k: str) -> float | None:
    """Area `k`'s value among a year's cells, for `key`'s territory: a rate of another area
    does not add up (NaN)."""
    if k not in at:
        return None
    return at[k][1] if count or k == key else np.nan


def _area(
    by_key: dict[str, list[AreaCell]], key: str, year: int, own: float, k: str
) -> float | None:
    """Area `k`'s area in `year` (`key`'s own: the row being read)."""
    if k == key:
        return own
    found = [v for y, v, _ in by_key.get(k, ()) if y == year]
    return found[-1] if found else None
