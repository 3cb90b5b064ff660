"""How children's moves fall with age: young children move with their parents far more often
than school children do, which the moves table's one group of under-18s does not show.

The moves by age (12711-04-02-4) give one group 0–17. Spread within it like the population,
a town that loses families lost as many teenagers as toddlers, and a town that gains them
gained as many: in the backtest the under-3s of 2020 were off by 7.0 % with a bias of −2.2 %,
the 3–5-year-olds by 6.1 % (−3.4 %), the 15–17-year-olds by 3.8 % (+2.1 %). So within the group
the movers, in and out, are spread along a child's mobility floor + scale·e^(−α·age) (the
childhood part and the constant of Rogers and Castro's model migration schedule); how many
they are stays the table's. The shape is measured on the Kreise up to the base:

- each Kreis's children on 31.12. of the base at age a over its births in the year they were
  born (12612-01-01-4), relative to Germany's: what moving has added or taken from that cohort
  since birth, beyond Germany's (deaths in childhood are few and alike);
- the increment from age a − 1 to a: the moves at that age (the cohorts differ by a year);
  the one that spans the census rebasing (the older cohort corrected, the younger not) is left
  out, and so is 17, where the moves for training begin;
- each age's increments regressed through the origin on the Kreis's mean increment: how much
  a Kreis that gains or loses children does so at that age (β(a), 1 on average);
- floor, scale and α: the least-squares fit of the curve to β(a) (α on a grid, the other two
  linear for each α).

Measured with the shipped tables (base 2015, ages 1–16 but 4, 386 Kreise): floor 0.58, scale
2.84, α 0.338: a newborn moves 5.7 times as often as a 15-year-old. In the backtest this
brought the under-3s of 2020 to 5.7 % (bias −0.1 %), the 3–5-year-olds to 4.6 % (−0.1 %), the
under-18s' age structure as a whole (half the sum of absolute errors by single year over the
children) from 2.30 % to 1.90 %, the adults' unchanged (1.43 %), the Kreis totals within
0.001 points.
The Gemeinden take the same shape for their moves over the Gemeinde boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.dynamics import components
from dwk.inputs import schedules as sc
from dwk.inputs import tables as inputs
from dwk.inputs.censuses import load_censuses
from dwk.inputs.context import Context
from dwk.projection import assumptions as asm

__all__ = ["NONE", "TRAINING_AGE", "ChildMobility", "child_mobility", "fit"]

TRAINING_AGE = 17
"""From this age on the moves for training and first jobs begin (left out of the fit)."""
CHILDREN = inputs.MOVE_BANDS[0]
ALPHAS = np.arange(0.01, 1.0001, 0.001)
"""The α tried by the fit (a grid: the sum of squares is not linear in α)."""


@dataclass(frozen=True)
class ChildMobility:
    """How often a child of each age moves: floor + scale·e^(−α·age), relative (β, see the
    module docstring)."""

    floor: float
    scale: float
    alpha: float
    kreise: int  # the Kreise the fit rests on

    def weights(self) -> np.ndarray:
        """(AGES,) relative mobility within each group of the moves table: the curve among
        the children, 1 in every other group."""
        out = np.ones(sc.AGES)
        lo, hi = CHILDREN
        out[lo:hi] = self.floor + self.scale * np.exp(-self.alpha * np.arange(lo, hi))
        return out


NONE = ChildMobility(1.0, 0.0, 0.0, 0)
"""All children alike: where nothing can be measured."""


def child_mobility(ctx: Context, keys: list[str], base: int) -> ChildMobility:
    """The shape for the Kreise `keys` as of `base` (see the module docstring)."""
    return ctx.lookup(("child_mobility", tuple(keys), base), lambda: _fit(ctx, keys, base))


def _fit(ctx: Context, keys: list[str], base: int) -> ChildMobility:
    rebased = max(int(c.first[:4]) for c in load_censuses() if int(c.first[:4]) <= base)
    ages = [a for a in range(1, TRAINING_AGE) if a != base - rebased]  # not across the census
    pop = asm.base_population(ctx, [*keys, "DG"], base)[0].sum(axis=1)[:, :TRAINING_AGE]
    born = list(range(base, base - TRAINING_AGE, -1))  # age 0, 1, … at the base
    births = components.yearly(ctx, ctx.table("births"), "total")
    births = births.reindex(index=[*keys, "DG"], columns=born).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        kept = np.log(pop / births)  # (areas + DG, ages)
    return fit(kept[:-1] - kept[-1], ages)


def fit(since_birth: np.ndarray, ages: list[int]) -> ChildMobility:
    """The shape from `since_birth` (areas, ages 0…): log of each area's children per birth
    of their year relative to Germany's, NaN where unknown; `ages`: the increments a − 1 → a
    that count (see the module docstring). Areas with a NaN among them are left out."""
    at = np.asarray(ages)
    step = since_birth[:, at] - since_birth[:, at - 1]
    step = step[np.isfinite(step).all(axis=1)]
    mean = step.mean(axis=1)
    if len(step) < 2 or not (mean**2).sum() > 0:
        return NONE
    beta = (step * mean[:, None]).sum(axis=0) / (mean**2).sum()
    best = None
    for alpha in ALPHAS:
        x = np.column_stack([np.ones(len(at)), np.exp(-alpha * at)])
        coef = np.linalg.lstsq(x, beta, rcond=None)[0]
        residual = float(((beta - x @ coef) ** 2).sum())
        if best is None or residual < best[0]:
            best = (residual, float(alpha), coef)
    _, alpha, coef = best
    floor, scale = (round(float(c), 3) for c in coef)
    if floor < 0 or scale <= 0:  # no decline, or one that would give an age no moves
        return NONE
    return ChildMobility(floor, scale, round(alpha, 3), len(step))
