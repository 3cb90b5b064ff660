"""The population series of an area with the census counts beside it, never joined into it:
each census re-bases the series (31.12.2010 old basis, 31.12.2011 on the Zensus 2011)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from dwk.core.types import level_of
from dwk.dynamics.components import (
    CENSUS_2011,
    CENSUS_2011_VARIABLE,
    CENSUS_2022,
    GEMEINDE_YEARS,
    KREIS_YEARS,
    ZENSUS_BREAK,
    as_strings,
)
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.sources.tables.cells import HIDDEN

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
    gemeinde = level_of(key) == "gemeinde"
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
    return ctx.lookup(("census_2011",), lambda: _census_2011_read(ctx))


def _census_2011_read(ctx: Context) -> dict[str, float]:
    f = ctx.store.table(CENSUS_2011)
    f = f.loc[(f["variable"] == CENSUS_2011_VARIABLE) & (f["sex"] == "total")]
    f = f.loc[~f["flag"].isin(HIDDEN) & (f["value"] > 0)]
    keys, values = as_strings(f["area_key"]), f["value"].to_numpy(dtype=float)
    out: dict[str, float] = {}
    for k, v in zip(keys, values, strict=True):
        out.setdefault(k, float(v))
    return out


def _census_2022(ctx: Context, key: str) -> CensusPoint | None:
    """The Zensus 2022 table has Gemeinden and Germany only: a Kreis or Land is the sum of the
    Gemeinden whose key starts with its key (Gebietsstand 15.05.2022)."""
    keys, values, gemeinde = _census_2022_cells(ctx)
    if level_of(key) in ("de", "gemeinde"):
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
    return ctx.lookup(("census_2022",), lambda: _census_2022_read(ctx))


def _census_2022_read(ctx: Context) -> tuple:
    """One count per area: the same table from two files (a download and a flat file fetched
    later) names its variable differently, so the cells would otherwise be summed twice."""
    f = ctx.store.table(CENSUS_2022)
    f = f.loc[f["sex"] == "total"].drop_duplicates(["area_key", "level", "period"], keep="last")
    keys = as_strings(f["area_key"]).astype(str)
    values = f["value"].to_numpy(dtype=float)
    g = (f["level"] == "gemeinde").to_numpy()
    order = np.argsort(keys[g], kind="stable")
    gemeinde = (keys[g][order], values[g][order])
    return keys, values, gemeinde
