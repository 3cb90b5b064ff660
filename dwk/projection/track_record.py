"""How good the projection has been, for the profile's method section ("Wie gut war die
Vorausberechnung bisher?"): the same method run as of 31.12.2015 and set against what was
observed later on the Zensus 2011 line.

Kreise: every Kreis (`backtest.run_backtest`, once per store in the derived cache), the error
and bias of all of them per year, next to a constant population, and the Kreis's own error.
Gemeinden: the Gemeinde's own error in the years of the Gemeindeverzeichnis after 2015 (its
Kreis's Gemeinden projected as of 2015); the figures of all Gemeinden are in the README
(`dwk project --backtest` takes about 20 s for them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.areas import Area, territories
from dwk.core.errors import NoProjection
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.projection import backtest as bt
from dwk.projection import model as fc

__all__ = ["TrackRecord", "TrackYear", "track_record"]


@dataclass(frozen=True)
class TrackYear:
    year: int
    horizon: int  # years after the base
    own: float | None  # the area's signed error in %, None where not compared
    mape: float | None  # all Kreise (None for Gemeinden)
    bias: float | None
    too_low: float | None
    constant: float | None  # MAPE of a constant population, all Kreise


@dataclass(frozen=True)
class TrackRecord:
    level: str
    base_year: int
    areas: int  # Kreise compared in the last year (0 for Gemeinden)
    years: list[TrackYear]
    observed: str  # where the observed figures come from
    changed: tuple[int, ...] = ()  # Gemeinden: later years not compared, the territory changed
    parts: tuple[str, ...] = ()  # the Gemeinden summed for it: formed from, or itself and absorbed


def track_record(ctx: Context, area: Area) -> TrackRecord | None:
    """The track record of a Kreis or Gemeinde; None where the area was not projected then."""
    try:
        if area.level == "kreis":
            return _kreis(ctx, area.key)
        if area.level == "gemeinde":
            return _gemeinde(ctx, area.key)
    except NoProjection:
        return None
    return None


def kreis_backtest(ctx: Context) -> bt.Backtest:
    """Every Kreis as of 2015 against what followed (once per store)."""
    return ctx.lookup(("backtest", "kreise"), lambda: bt.run_backtest(ctx, gemeinden=False))


def _kreis(ctx: Context, key: str) -> TrackRecord:
    record = kreis_backtest(ctx)
    years = []
    for y in record.years:
        s = record.score("kreis", "main", bt.TOTAL, y)
        naive = record.score("kreis", bt.CONSTANT, bt.TOTAL, y)
        own = record.errors.get(("main", y), {}).get(key)
        own = None if own is None or not np.isfinite(own) else float(own)
        years.append(TrackYear(y, y - record.base, own, s.mape, s.bias, s.too_low, naive.mape))
    return TrackRecord("kreis", record.base, record.areas, years, _tables(ctx, key, record.years))


def _gemeinde(ctx: Context, key: str) -> TrackRecord | None:
    """A Gemeinde against its later figures of the same territory; one formed by a merger
    since as the sum of the Gemeinden it was formed from, one that absorbed neighbours as the
    sum of itself and them (`backtest.of_parts`)."""
    t = ctx.observed_totals
    if key not in t.index:
        return None
    base = bt.base_year(ctx)
    parts = territories(ctx.changes).get(key)
    seen = [int(y) for y in t.columns if y > base and np.isfinite(t.at[key, y])]
    if parts:
        later = [y for y in seen if bt.of_parts(ctx, key, parts, y)]
    else:
        later = [y for y in seen if inputs.same_territory(ctx, [key], base, y)[0]]
    changed = tuple(y for y in seen if y not in later)
    if not later:
        return TrackRecord("gemeinde", base, 0, [], "", changed) if changed else None
    proj = fc.project_areas(ctx, list(parts or [key]), base, max(later))
    run = proj.runs["main"]
    years = []
    for y in later:
        got = float(run.totals()[run.years.index(y)].sum())
        own = (got / float(t.at[key, y]) - 1) * 100
        years.append(TrackYear(y, y - base, own, None, None, None, None))
    observed = _tables(ctx, key, later)
    return TrackRecord("gemeinde", base, 0, years, observed, changed, tuple(parts or ()))


def _tables(ctx: Context, key: str, years: list[int]) -> str:
    """The tables the observed figures of `key` in `years` come from."""
    codes = ctx.population("zensus2011").tables
    if key not in codes.index:
        return ""
    found = codes.loc[key, [y for y in years if y in codes.columns]].dropna()
    return ", ".join(dict.fromkeys(str(c) for c in found))
