"""How much of a Gemeinde's own migration, beyond its Kreis's, carries on.

A Gemeinde's net migration rate is its Kreis's plus a within-Kreis deviation, in two parts:

- **The mean deviation of Gemeinden of its size**, which lasts. Small Gemeinden have lost
  people to the larger ones of their Kreis year after year, beyond what their age structure
  explains (per 1,000 inhabitants and year, below 1,000 inhabitants: −2.4 in 2009–2010, −3.6
  in 2012–2014, −2.4 in 2020–2023 without 2022; 20,000 and more: +0.9, +1.0, +0.3;
  `within_kreis`). The class keeps its mean deviation of the window the projection starts
  from.
- **Its own departure from that mean**, which persists far less than a Kreis's deviation from
  Germany, and the less the smaller the Gemeinde: in a village most of it is the chance of a
  few moves.

Measured on all Gemeinden with an age structure that are not a Kreis of their own: the
difference between the Gemeinde's and its Kreis's growth rate, less the difference of their
natural balance (each Gemeinde's as the projection has it, with its Kreis's levels and its own
age structure; the Kreis's as its Gemeinden's together), so that what is measured is the
migration deviation the projection carries on. The persistence of the departure is the slope
of 2012–2014 on 2009–2010 within each size class (both centred on the class mean). Taking the
natural balance to be the Kreis's counted the lasting differences in age structure as
persisting moves; fitting through the origin, without the class mean, took the small
Gemeinden's lasting losses for chance and shrank them away: projected from 2015 with the
Kreis's observed totals put in, the Gemeinden below 1,000 inhabitants came out +1.7 % (2019)
and +3.1 % (2023) above their share of it, those of 5,000 and more on it; now +0.9 % and
+1.4 % (`benchmarks/within_kreis.py`). Gemeinden with a difference beyond 30 per 1,000 a year
in either window are left out of the fit: nearly always a boundary change, which the residual
method reads as moves.

As of a base after exceptional arrivals (2015), the Kreis's people in transit, who leave it in
the next year (`migration.Plan.leaving`), leave from the Gemeinden that took them in
(`transit_kept`): Osterheide, with the reception centre Oerbke, 617 people at the end of 2014
and 3,564 a year later, takes 2,634 of the Heidekreis's 3,151. Spread over all Gemeinden
alike, they had cost every village of the Heidekreis 2.2 % of its people in 2016; the
Gemeinden of at least 1,000 inhabitants came out 2.08 % off in 2019, now 2.06 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.inputs import tables as inputs
from dwk.inputs.censuses import load_censuses
from dwk.inputs.context import Context
from dwk.inputs.population import Line
from dwk.projection import assumptions as asm
from dwk.projection import kreis_inputs as ki
from dwk.projection.observed import filled_totals

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


@dataclass(frozen=True)
class WithinKreis:
    """What a projection's Gemeinden add to their Kreis's migration (see the docstring): the
    window their deviation is measured over, the size classes' mean deviation in it (per
    inhabitant and year) and the persistence of a Gemeinde's own departure from that mean."""

    years: tuple[int, ...]
    means: tuple[float, ...]
    factors: tuple[float, ...]

    def mean(self, population: np.ndarray) -> np.ndarray:
        """The mean deviation of the class of each population."""
        return np.array(self.means)[size_class(population)]

    def factor(self, population: np.ndarray) -> np.ndarray:
        """The persistence of the departure in the class of each population."""
        return np.array(self.factors)[size_class(population)]


def size_class(population: np.ndarray) -> np.ndarray:
    """The index of each population's class in `SIZES`."""
    return np.searchsorted(SIZES, population, side="right") - 1


def alone(keys: list[str]) -> np.ndarray:
    """Whether each Gemeinde is the only one of its Kreis among `keys` (a kreisfreie Stadt):
    it has no deviation from its Kreis."""
    _, which, count = np.unique([k[:5] for k in keys], return_inverse=True, return_counts=True)
    return count[which] == 1


def growth_rate(
    ctx: Context, keys: list[str], years: tuple[int, ...], line: Line | None = None
) -> np.ndarray:
    """Σ (P_t − P_{t−1}) / Σ P_{t−1} over `years`, from the series continued over key changes
    or, with `line`, from that census line's totals, the years between Stichtage filled."""
    totals = ctx.totals if line is None else filled_totals(ctx, line)
    start = totals.reindex(index=keys, columns=[y - 1 for y in years]).to_numpy(dtype=float)
    end = totals.reindex(index=keys, columns=list(years)).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (end - start).sum(axis=1) / start.sum(axis=1)


def within_deviation(
    ctx: Context, keys: list[str], years: tuple[int, ...], line: Line | None = None
) -> np.ndarray:
    """The Gemeinde's growth rate minus its Kreis's, per inhabitant and year."""
    kreise = sorted({k[:5] for k in keys})
    kreis_rate = dict(zip(kreise, growth_rate(ctx, kreise, years, line), strict=True))
    return growth_rate(ctx, keys, years, line) - np.array([kreis_rate[k[:5]] for k in keys])


def migration_deviation(
    ctx: Context,
    keys: list[str],
    years: tuple[int, ...],
    line: Line | None = None,
    natural: np.ndarray | None = None,
) -> np.ndarray:
    """The Gemeinde's migration rate minus its Kreis's over `years`: `within_deviation` less
    the difference of their natural balance (`natural`, else `natural_deviation` with the
    base's ages)."""
    if natural is None:
        natural = natural_deviation(ctx, keys, windows(ctx)[0])
    return within_deviation(ctx, keys, years, line) - natural


def usable(
    ctx: Context, keys: list[str], deviation: np.ndarray, years: tuple[int, ...]
) -> np.ndarray:
    """Where a Gemeinde's `deviation` over `years` tells of its moves: known, below `TRIM`
    (beyond it nearly always a boundary change, which the residual method reads as moves),
    not a Kreis of its own (`alone`), its area the same at both ends of the years, and no
    Gemeinde taken in during them (data/key_changes.toml; the areas are known from 2015)."""
    ok = np.isfinite(deviation) & (np.abs(deviation) < TRIM) & ~alone(keys)
    took = ctx.change_years("Eingliederung")
    ok &= [not any(years[0] <= y <= years[-1] for y in took.get(k, ())) for k in keys]
    return ok & inputs.same_territory(ctx, keys, years[0] - 1, years[-1])


def transit_kept(
    ctx: Context,
    keys: list[str],
    base: int,
    people: np.ndarray,
    rate: np.ndarray,
    expected: np.ndarray,
) -> np.ndarray:
    """`transit_shared` for the Gemeinden `keys` (`people` at the base; `rate`, their Kreis's
    persons in transit per inhabitant, `migration.Plan.leaving`): what each gained in the base
    year beyond its Kreis's expected rate and its own `expected` deviation (only gains; none
    where its area changed that year or it is a Kreis of its own)."""
    x = migration_deviation(ctx, keys, (base,))
    start = ctx.totals.reindex(index=keys, columns=[base - 1]).to_numpy(dtype=float)[:, 0]
    ok = np.isfinite(x) & np.isfinite(start) & ~alone(keys)
    ok &= inputs.same_territory(ctx, keys, base - 1, base)
    gained = np.where(ok, np.maximum(x - expected + rate, 0.0) * start, 0.0)
    return transit_shared(np.array([k[:5] for k in keys]), people, rate, gained)


def transit_shared(
    kreis: np.ndarray, people: np.ndarray, rate: np.ndarray, gained: np.ndarray
) -> np.ndarray:
    """(Gemeinden,) persons to add to a Gemeinde's share of its Kreis's realised migration in
    the year after a base in `migration.ARRIVALS`, so that the Kreis's persons in transit
    (`rate` × `people`, summed over its Gemeinden) leave from the Gemeinden that took them in,
    in proportion to what they `gained` in the base year, not from all alike: each gets back
    its `rate` × `people` and loses its part. Where no Gemeinde of a Kreis gained, 0 (all
    alike); a Kreis's Gemeinden together add 0. `kreis`: each Gemeinde's Kreis key."""
    kept = np.zeros(len(kreis))
    for k in sorted(set(kreis[rate > 0])):
        idx = kreis == k
        leaving = rate[idx] * people[idx]
        if gained[idx].sum() > 0:
            kept[idx] = leaving - gained[idx] * leaving.sum() / gained[idx].sum()
    return kept


def within_kreis(ctx: Context, years: tuple[int, ...], line: Line | None = None) -> WithinKreis:
    """The size classes' mean migration deviation over `years` (on `line`, see `growth_rate`)
    and the persistence of the departure from it (`within_persistence`)."""

    def build() -> WithinKreis:
        keys = measured_gemeinden(ctx)
        x = migration_deviation(ctx, keys, years, line)
        ok = usable(ctx, keys, x, years)
        means = class_means(x[ok], _size_classes(ctx, keys)[ok])
        return WithinKreis(years, means, within_persistence(ctx).factors)

    return ctx.lookup(("within_kreis", years, line), build)


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


def measured_gemeinden(ctx: Context) -> list[str]:
    """The Gemeinden the fit and the class means are measured on: those with an age structure
    and a total at the base, in the Kreise of the base."""
    t = ctx.observed_totals
    base = windows(ctx)[0]
    src = ctx.age(ctx.table("age_groups"), base)
    kreise = set(ki.kreis_keys(ctx, base))
    return [
        k
        for k in inputs.full_gemeinden(ctx, src)
        if k[:5] in kreise and k in t.index and np.isfinite(t.at[k, base])
    ]


def _size_classes(ctx: Context, keys: list[str]) -> np.ndarray:
    base = windows(ctx)[0]
    return size_class(ctx.observed_totals.reindex(keys)[base].to_numpy(dtype=float))


def fit_pairs(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The deviations the persistence is fitted on: predictor and target window of every
    Gemeinde `usable` in both, and their size classes."""
    base, predictor, target = windows(ctx)
    keys = measured_gemeinden(ctx)
    natural = natural_deviation(ctx, keys, base)
    x = migration_deviation(ctx, keys, predictor, natural=natural)
    y = migration_deviation(ctx, keys, target, natural=natural)
    ok = usable(ctx, keys, x, predictor) & usable(ctx, keys, y, target)
    return x[ok], y[ok], _size_classes(ctx, keys)[ok]


def _within_persistence(ctx: Context) -> WithinPersistence:
    return WithinPersistence(*centred_slopes(*fit_pairs(ctx)))


def class_means(x: np.ndarray, cls: np.ndarray) -> tuple[float, ...]:
    """The mean of `x` in each size class (`cls`: indices into `SIZES`); 0 for an empty one."""
    return tuple(float(x[cls == c].mean()) if (cls == c).any() else 0.0 for c in range(len(SIZES)))


def centred_slopes(
    x: np.ndarray, y: np.ndarray, cls: np.ndarray
) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """In each size class (`cls`: indices into `SIZES`), the least-squares slope of `y` on `x`,
    both centred on the class's mean (0 for an empty class), and the number of pairs."""
    slopes, counts = [], []
    for c in range(len(SIZES)):
        xc, yc = x[cls == c], y[cls == c]
        counts.append(len(xc))
        if not len(xc):
            slopes.append(0.0)
            continue
        xc, yc = xc - xc.mean(), yc - yc.mean()
        den = float((xc**2).sum())
        slopes.append(float((xc * yc).sum()) / den if den else 0.0)
    return tuple(slopes), tuple(counts)
