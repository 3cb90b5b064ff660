"""Cohort-component projection by single year of age (0..99, 100+) and sex, vectorised over areas.

Each year, from 31.12. to 31.12.: everyone ages one year and survives with the German life
table raised to the area's mortality level; the women alive at the end of the year have the
German age-specific fertility times the area's fertility level; newborns survive their first
months with L(0)/l(0); the area's yearly net migration by age and sex is added. Where the
arithmetic would leave a negative count (strong out-migration in a tiny age group), it is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dwk.inputs.schedules import AGES

SEXES = ("male", "female")
OUTPUT_TOP = 90
"""Single years 0..89 are reported, then 90+ (the oldest band of the base tables)."""


@dataclass(frozen=True)
class Schedules:
    """Everything the engine needs for a set of areas; arrays are (areas, sex, age)."""

    survival: np.ndarray  # (areas, 2, AGES): share of age x alive a year later
    newborn_survival: np.ndarray  # (areas, 2)
    asfr: np.ndarray  # (areas, AGES): births per woman of age x on 31.12.
    share_male: float
    births_total: float | None = None
    """Where the areas make up a country whose births of the year are known: the year's births
    of all areas are scaled to it (the local rates keep their proportions)."""
    deaths_total: float | None = None
    """The same for deaths: every age's deaths are scaled by one factor."""


Migration = Callable[[int, np.ndarray], np.ndarray]
"""(year, population at the start of the year) -> net migration of the year (areas, 2, AGES)."""


@dataclass(frozen=True)
class Run:
    """Population on 31.12. of `years` (first = base year): (years, areas, 2, AGES), plus the
    births and deaths of every projected year: (years − 1, areas)."""

    years: list[int]
    population: np.ndarray
    births: np.ndarray
    deaths: np.ndarray

    def totals(self) -> np.ndarray:
        return self.population.sum(axis=(2, 3))

    def at(self, year: int) -> np.ndarray:
        return self.population[self.years.index(year)]

    def migration_rates(self) -> dict[int, np.ndarray]:
        """Year → net migration per inhabitant at the year's start, per area: the change
        minus births plus deaths (0 where an area is empty)."""
        totals = self.totals()
        out = {}
        for i, year in enumerate(self.years[1:], start=1):
            net = totals[i] - totals[i - 1] - self.births[i - 1] + self.deaths[i - 1]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[year] = np.nan_to_num(net / totals[i - 1])
        return out


def project(
    base: np.ndarray,
    schedules: Schedules | Callable[[int], Schedules],
    migration: Migration,
    base_year: int,
    to: int,
) -> Run:
    """Project `base` (areas, 2, AGES) from 31.12. of `base_year` to 31.12. of `to`, with the
    same schedules every year or those of each year (`schedules(year)`)."""
    years = list(range(base_year, to + 1))
    pop = np.empty((len(years), *base.shape))
    pop[0] = base
    births = np.zeros((len(years) - 1, base.shape[0]))
    deaths = np.zeros_like(births)
    for i in range(1, len(years)):
        sched = schedules(years[i]) if callable(schedules) else schedules
        share = np.array([sched.share_male, 1 - sched.share_male])
        prev = pop[i - 1]
        mig = migration(years[i], prev)
        survivors = prev * sched.survival
        if sched.deaths_total is not None:
            dying = prev - survivors
            # the newborns who die are counted after the births; last year's stand in for them
            last = births[i - 2] if i > 1 else np.zeros(len(prev))
            infant = (last[:, None] * share[None, :] * (1 - sched.newborn_survival)).sum()
            survivors = prev - dying * ((sched.deaths_total - infant) / dying.sum())
        new = np.zeros_like(prev)
        new[:, :, 1:] = survivors[:, :, :-1]
        new[:, :, -1] += survivors[:, :, -1]
        new += mig
        _no_negative(new[:, :, 1:])
        b = (new[:, 1, :] * sched.asfr).sum(axis=1)
        if sched.births_total is not None:
            b *= sched.births_total / b.sum()
        new[:, :, 0] = b[:, None] * share[None, :] * sched.newborn_survival
        new[:, :, 0] += mig[:, :, 0]
        _no_negative(new)
        births[i - 1] = b
        deaths[i - 1] = (prev - survivors).sum(axis=(1, 2)) + b * (
            share[None, :] * (1 - sched.newborn_survival)
        ).sum(axis=1)
        pop[i] = new
    return Run(years, pop, births, deaths)


def _no_negative(pop: np.ndarray) -> None:
    """`pop` (areas, 2, ages) clipped at 0, in place; an area that would lose more people of an
    age than it has loses the rest from its other ages, in proportion to their number, so
    that a net migration which meets an observed total still meets it (Nostorf: 2,280
    people on 31.12.2015 with a reception centre for refugees, 733 in 2019)."""
    short = np.minimum(pop, 0.0).sum(axis=(1, 2))
    np.clip(pop, 0.0, None, out=pop)
    if not (short < 0).any():
        return
    total = pop.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(total > 0, np.maximum(total + short, 0.0) / total, 0.0)
    pop *= np.where(short < 0, factor, 1.0)[:, None, None]


def output_bands(pop: np.ndarray) -> np.ndarray:
    """Collapse the last axis from 0..99, 100+ to 0..89, 90+."""
    out = np.empty((*pop.shape[:-1], OUTPUT_TOP + 1))
    out[..., :OUTPUT_TOP] = pop[..., :OUTPUT_TOP]
    out[..., OUTPUT_TOP] = pop[..., OUTPUT_TOP:].sum(axis=-1)
    return out


def spreader(
    edges: list[tuple[int, int | None]], weights: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """A function that spreads counts by age group and sex (areas, groups, 2) over single
    years (areas, 2, AGES) in proportion to `weights` (areas or 1, 2, AGES) within each group;
    a group with no weight is spread evenly."""
    starts = [lo for lo, _ in edges]
    widths = np.array([(AGES if hi is None else hi) - lo for lo, hi in edges])
    group_of = np.repeat(np.arange(len(edges)), widths)
    per_age = np.add.reduceat(weights, starts, axis=-1)[..., group_of]
    shares = np.where(
        per_age > 0, weights / np.where(per_age > 0, per_age, 1.0), 1.0 / widths[group_of]
    )

    def spread(groups: np.ndarray) -> np.ndarray:
        return np.moveaxis(groups, 1, 2)[..., group_of] * shares

    return spread
