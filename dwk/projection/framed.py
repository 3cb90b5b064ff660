"""Local projections set in the national frame and held to what was observed after the base.

- Schedules per year: Germany's fertility scaled to the frame's children per woman, its life
  table's hazards scaled so that life expectancy follows the frame (`frame`), each times the
  area's own levels.
- Where the areas make up Germany, its observed births and deaths of a year are met (the
  engine scales the year's local rates by one factor).
- Migration per year: Germany's net migration of the frame is shared out as one rate plus
  each area's damped deviation (`migration.Plan`), so that the areas add up to it (after a
  base in a year of exceptional arrivals, those in transit leave first); in a year
  with observed totals after the base (`Targets`, gaps filled by `observed.filled_totals`)
  an observed area's migration is what meets its total instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from dwk.inputs import schedules as sc
from dwk.inputs.context import Context
from dwk.projection import assumptions as asm
from dwk.projection import migration as mg
from dwk.projection.engine import SEXES, Schedules, project
from dwk.projection.frame import Frame, load_frame, mortality_factor

__all__ = ["NONE", "Targets", "framed_level", "yearly_schedules"]


def yearly_schedules(
    ctx: Context,
    levels: asm.Levels,
    tables: dict[str, sc.LifeTable],
    fert: sc.Fertility,
    variant: str,
    frame: Frame | None = None,
    whole: bool = False,
) -> Callable[[int], Schedules]:
    """The schedules of each year for the areas of `levels` (see the module docstring);
    `whole`: the areas make up Germany, so they meet its observed births and deaths."""
    frame = frame or load_frame()
    middle = {s: _middle(tables[s].period) for s in SEXES}
    log_surv = np.stack([np.log(tables[s].survival()) for s in SEXES])  # (2, AGES)
    log_new = np.log(np.array([tables[s].newborn_survival() for s in SEXES]))
    local_surv = levels.mortality[:, :, None] * log_surv[None]
    local_new = levels.mortality * log_new[None]
    asfr = fert.asfr[None] * levels.fertility[:, None]
    tfr_base = frame.tfr(variant, fert.year)
    cache: dict[tuple, Schedules] = {}

    def factor(sex: str, year: int) -> float:
        gain = frame.e0(variant, sex, year) - frame.e0(variant, sex, middle[sex])
        return mortality_factor(tables[sex], gain)

    # the factors of every year a projection can reach, once per store (the bisection of each
    # costs about a millisecond, and every profile would ask for the same ones)
    factors_by_year = ctx.lookup(
        ("mortality_factors", variant, *(tables[s].period for s in SEXES)),
        lambda: {
            year: tuple(factor(s, year) for s in SEXES)
            # to the year the frame's life expectancy is reached; later ones are computed
            for year in range(min(middle.values()) - 10, frame.variants[variant].e0_year + 1)
        },
    )

    def at(year: int) -> Schedules:
        factors = factors_by_year.get(year) or tuple(factor(s, year) for s in SEXES)
        scale = frame.tfr(variant, year) / tfr_base
        key = (factors, scale)
        if key not in cache:
            k = np.array(factors)
            cache[key] = Schedules(
                np.exp(local_surv * k[None, :, None]),
                np.exp(local_new * k[None]),
                asfr * scale,
                fert.share_male,
            )
        if not whole or year not in frame.births_observed:
            return cache[key]
        return replace(
            cache[key],
            births_total=frame.births_observed[year],
            deaths_total=frame.deaths_observed.get(year),
        )

    return at


def _middle(period: str) -> int:
    return (int(period[:4]) + int(period[-4:])) // 2


@dataclass(frozen=True)
class Targets:
    """Observed totals after the base that a projection meets: per year, groups of rows (the
    areas that form one observed area then, e.g. Kreise merged later) and their totals (years
    between two observed ones filled geometrically by the caller)."""

    years: dict[int, tuple[list[list[int]], np.ndarray]]

    @property
    def last(self) -> int | None:
        return max(self.years) if self.years else None


NONE = Targets({})


def framed_level(
    plan: mg.Plan,
    schedules: Callable[[int], Schedules],
    variant: str,
    targets: Targets = NONE,
    frame: Frame | None = None,
) -> Callable[[int, np.ndarray], np.ndarray]:
    """The yearly net migration of every area (persons), for `engine.project` via
    `kreis_inputs.migration`. The areas make up Germany: its net migration of the frame is
    shared out as one rate plus each area's damped deviation, the rate set so that the sum is
    the frame's figure; in a year of `targets` an observed area's migration meets its total."""
    frame = frame or load_frame()

    def level(year: int, prev: np.ndarray) -> np.ndarray:
        p = prev.sum(axis=(1, 2))
        national = frame.migration(variant, year)
        dev = plan.deviation_in(year, national / p.sum())
        leaving = plan.transit(year)  # shared out with the rate for all
        rate = (national - (p * dev).sum() + np.sum(leaving)) / p.sum()
        out = p * (rate + dev) - leaving
        if year in targets.years:
            groups, totals = targets.years[year]
            nat = project(prev, schedules, _none, year - 1, year).totals()[-1]
            for idx, total in zip(groups, totals, strict=True):
                if np.isfinite(total) and nat[idx].sum() > 0:
                    out[idx] = (total - nat[idx].sum()) * nat[idx] / nat[idx].sum()
        return out

    return level


def _none(year: int, prev: np.ndarray) -> np.ndarray:
    return np.zeros_like(prev)
