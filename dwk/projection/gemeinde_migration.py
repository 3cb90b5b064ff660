"""How much of a Gemeinde's own migration, beyond its Kreis's, carries on.

A Gemeinde's net migration rate is its Kreis's plus a within-Kreis deviation. That deviation
persists far less than a Kreis's deviation from Germany, and the less the smaller the Gemeinde:
in a village most of it is the chance of a few moves. Measured on all Gemeinden with an age
structure: the difference between the Gemeinde's and its Kreis's growth rate, less the
difference of their natural balance (each Gemeinde's as the projection has it, with its Kreis's
levels and its own age structure; the Kreis's as its Gemeinden's together), so that what is
measured is the migration deviation the projection carries on, in 2012–2014, regressed through
the origin on the same difference in 2009–2010, per size class. (Taking the natural balance to
be the Kreis's, as before, counted the lasting differences in age structure as persisting
moves: the factors were a fifth to a half higher, and the Gemeinden's backtest worse.)
Gemeinden with a difference beyond 30 per 1,000 a year in either window are left out of the
fit: nearly always a boundary change, which the residual method reads as moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.inputs import tables as inputs
from dwk.inputs.censuses import load_censuses
from dwk.inputs.context import Context
from dwk.projection import assumptions as asm
from dwk.projection import kreis_inputs as ki

SIZES = (0, 1_000, 2_000, 5_000, 20_000)
"""Lower bounds of the size classes (inhabitants at the Gemeinde base)."""


def windows(ctx: Context) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """The Gemeinde base and the two windows of the fit: the years between the census rebasing
    before the base and the base (target; 2012–2014 with the shipped tables, 2015 itself is
    the refugee year), and the two years before that rebasing (predictor; 2009–2010). The
    rebasing year itself is left out: its change is the census correction, not migration."""
    base = ctx.age_tables().get(ctx.table("age_groups"), [0])[0]
    rebased = max(int(c.first[:4]) for c in load_censuses() if int(c.first[:4]) <= base)
    return base, (rebased - 2, rebased - 1), tuple(range(rebased + 1, base))


TRIM = 0.030


@dataclass(frozen=True)
class WithinPersistence:
    factors: tuple[float, ...]  # one per size class
    counts: tuple[int, ...]  # Gemeinden in each fit

    def factor(self, population: np.ndarray) -> np.ndarray:
        return np.array(self.factors)[np.searchsorted(SIZES, population, side="right") - 1]


def growth_rate(ctx: Context, keys: list[str], years: tuple[int, ...]) -> np.ndarray:
    """Σ (P_t − P_{t−1}) / Σ P_{t−1} over `years`, from the series continued over key changes."""
    start = ctx.totals.reindex(index=keys, columns=[y - 1 for y in years]).to_numpy(dtype=float)
    end = ctx.totals.reindex(index=keys, columns=list(years)).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (end - start).sum(axis=1) / start.sum(axis=1)


def within_deviation(ctx: Context, keys: list[str], years: tuple[int, ...]) -> np.ndarray:
    """The Gemeinde's growth rate minus its Kreis's, per inhabitant and year."""
    kreise = sorted({k[:5] for k in keys})
    kreis_rate = dict(zip(kreise, growth_rate(ctx, kreise, years), strict=True))
    return growth_rate(ctx, keys, years) - np.array([kreis_rate[k[:5]] for k in keys])


def within_persistence(ctx: Context) -> WithinPersistence:
    """The persistence factor of each size class (see the module docstring)."""
    return ctx.lookup(("within_persistence",), lambda: _within_persistence(ctx))


def natural_deviation(ctx: Context, keys: list[str], base: int) -> np.ndarray:
    """Each Gemeinde's natural balance per inhabitant minus its Kreis's (the Kreis's as the
    Gemeinden of `keys` in it together), as the projection has them (`ki.natural_balance`)."""
    kreise = ki.kreis_keys(ctx, base)
    kreis = ki.kreis_inputs(ctx, kreise, base)
    pop = asm.base_population(ctx, keys, base)[0]
    rows = [kreise.index(k[:5]) for k in keys]
    levels = kreis.levels.take(rows)
    balance = ki.natural_balance(pop, levels, kreis.life_tables, kreis.fertility, base)
    people = pop.sum(axis=(1, 2))
    of = np.array([k[:5] for k in keys])
    kreis_rate = {k: balance[of == k].sum() / people[of == k].sum() for k in set(of)}
    return balance / people - np.array([kreis_rate[k] for k in of])


def _within_persistence(ctx: Context) -> WithinPersistence:
    t = ctx.observed_totals
    base, predictor, target = windows(ctx)
    src = ctx.age(ctx.table("age_groups"), base)
    kreise = set(ki.kreis_keys(ctx, base))
    keys = [
        k
        for k in inputs.full_gemeinden(ctx, src)
        if k[:5] in kreise and k in t.index and np.isfinite(t.at[k, base])
    ]
    natural = natural_deviation(ctx, keys, base)
    x = within_deviation(ctx, keys, predictor) - natural
    y = within_deviation(ctx, keys, target) - natural
    size = t.reindex(keys)[base].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y) & (np.abs(x) < TRIM) & (np.abs(y) < TRIM)
    factors, counts = [], []
    bounds = [*SIZES, np.inf]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        sel = ok & (size >= lo) & (size < hi)
        den = float((x[sel] ** 2).sum())
        factors.append(float((x[sel] * y[sel]).sum()) / den if den else 0.0)
        counts.append(int(sel.sum()))
    return WithinPersistence(tuple(factors), tuple(counts))
