"""Gemeinden inside their Kreis: migration as the Kreis's plus the Gemeinde's own damped
deviation, the totals observed after the base met (Gemeindeverzeichnis), and every year scaled
so that a Kreis's Gemeinden add up to the Kreis's projection.

The Kreis's migration rate of a year is the one its own projection from the same base
realised (net migration over the population at the start of the year). The scaling keeps the
share the projected Gemeinden had of their Kreis in the base year (1 where every Gemeinde has
an age structure), so a Kreis with a Gemeinde left out for a secret cell is not inflated.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dwk.projection import framed as fr
from dwk.projection.engine import Run, Schedules, project

__all__ = ["gemeinde_level", "gemeinde_targets", "scaled"]


def gemeinde_targets(filled, keys: list[str], base: int, until: int) -> fr.Targets:
    """The Gemeinden's observed totals after `base` up to `until` (each Gemeinde its own
    group), from the Zensus 2011 line with gaps filled (`kreis_inputs.filled_totals`)."""
    years = {}
    for year in range(base + 1, until + 1):
        if year not in filled.columns:
            continue
        values = filled[year].reindex(keys).to_numpy(dtype=float)
        rows = [i for i in range(len(keys)) if np.isfinite(values[i])]
        if rows:
            years[year] = ([[i] for i in rows], values[rows])
    return fr.Targets(years)


def gemeinde_level(
    kreis_rate: dict[int, np.ndarray],
    rows: list[int],
    within: np.ndarray,
    lam: Callable[[int], float],
    schedules: Callable[[int], Schedules],
    targets: fr.Targets = fr.NONE,
) -> Callable[[int, np.ndarray], np.ndarray]:
    """Net migration of each Gemeinde: its Kreis's realised rate plus `lam(year)` × its own
    deviation `within`; in a year with an observed total, what meets it."""

    def level(year: int, prev: np.ndarray) -> np.ndarray:
        p = prev.sum(axis=(1, 2))
        out = p * (kreis_rate[year][rows] + lam(year) * within)
        if year in targets.years:
            nat = project(prev, schedules, _none, year - 1, year).totals()[-1]
            groups, totals = targets.years[year]
            for idx, total in zip(groups, totals, strict=True):
                out[idx] = total - nat[idx]
        return out

    return level


def scaled(run: Run, kreis_of: list[str], path: dict[str, np.ndarray]) -> Run:
    """`run` with each Kreis's Gemeinden scaled, year by year, to `path[kreis]` (the Kreis's
    totals over `run.years`) times their share of it in the base year."""
    totals = run.totals()
    factor = np.ones_like(totals)
    for kreis in dict.fromkeys(kreis_of):
        idx = [i for i, k in enumerate(kreis_of) if k == kreis]
        own = totals[:, idx].sum(axis=1)
        share = own[0] / path[kreis][0]
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(own > 0, path[kreis] * share / own, 1.0)
        factor[:, idx] = np.nan_to_num(f, nan=1.0)[:, None]
    return Run(
        run.years,
        run.population * factor[:, :, None, None],
        run.births * factor[1:],
        run.deaths * factor[1:],
    )


def _none(year: int, prev: np.ndarray) -> np.ndarray:
    return np.zeros_like(prev)
