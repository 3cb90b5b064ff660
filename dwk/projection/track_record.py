"""How good the projection has been, for the profile's method section ("Wie gut war die
Vorausberechnung bisher?"): the same method run as of 31.12.2015 and set against what was
observed later on the Zensus 2011 line.

Kreise: every Kreis (`backtest.run_backtest`, once per store in the derived cache), the error
and bias of all of them per year, next to a constant population, and the Kreis's own error;
the same by broad age group in the years with Kreis ages (2019 and 2020).
Gemeinden: the Gemeinde's own error in the years of the Gemeindeverzeichnis after 2015 (its
Kreis's Gemeinden projected as of 2015); the figures of all Gemeinden are in the README
(`dwk project --backtest` takes about 20 s for them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.areas import Area
from dwk.core.errors import NoProjection
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.key_changes import territories
from dwk.projection import backtest as bt
from dwk.projection import model as fc

__all__ = ["TrackAge", "TrackRecord", "TrackYear", "track_record"]


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
class TrackAge:
    """One broad age group in one year with Kreis ages (`backtest.CHECK_GROUPS`)."""

    year: int
    horizon: int
    group: str
    own: float | None  # the Kreis's signed error in %
    mape: float  # all Kreise
    bias: float
    constant: float  # MAPE of a constant population (the base's ages), all Kreise
    table: str  # where the observed ages come from


@dataclass(frozen=True)
class TrackRecord:
    level: str
    base_year: int
    areas: int  # Kreise compared in the last year (0 for Gemeinden)
    years: list[TrackYear]
    observed: str  # where the observed figures come from
    changed: tuple[int, ...] = ()  # Gemeinden: later years not compared, the territory changed
    parts: tuple[str, ...] = ()  # the Gemeinden summed for it: formed from, or itself and absorbed
    by_age: tuple[TrackAge, ...] = ()  # Kreise: by broad age group

    @property
    def age_tables(self) -> str:
        """The tables of the observed ages, with their years."""
        years: dict[str, list[int]] = {}
        for a in self.by_age:
            if a.year not in years.setdefault(a.table, []):
                years[a.table].append(a.year)
        return ", ".join(f"{t} ({', '.join(map(str, ys))})" for t, ys in years.items())


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
        own = _finite(record.errors.get(("main", y), {}).get(key))
        years.append(TrackYear(y, y - record.base, own, s.mape, s.bias, s.too_low, naive.mape))
    by_age = []
    for y in record.groups_years:
        for label, _, _ in bt.CHECK_GROUPS:
            s = record.score("kreis", "main", label, y)
            naive = record.score("kreis", bt.CONSTANT, label, y)
            own = _finite(record.group_errors.get(("main", y, label), {}).get(key))
            table = record.group_tables[y]
            by_age.append(
                TrackAge(y, y - record.base, label, own, s.mape, s.bias, naive.mape, table)
            )
    observed = _tables(ctx, key, record.years)
    return TrackRecord("kreis", record.base, record.areas, years, observed, by_age=tuple(by_age))


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _gemeinde(ctx: Context, key: str) -> TrackRecord | None:
    """A Gemeinde against its later figures of the same territory; one formed by a merger
    since as the sum of the Gemeinden it was formed from, one that absorbed neighbours as the
    sum of itself and them (`backtest.of_parts`)."""
    t = ctx.observed_totals
    if key not in t.index:
        return None
    base = bt.base_year(ctx)
    parts = territories(ctx.changes, base).get(key)
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
