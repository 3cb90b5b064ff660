"""How good the projection has been: every Kreis projected from 31.12.2015 and compared with
what was later observed (totals 2016–2020, age groups 2020), next to two naive forecasts:
a constant population, and the linear trend of 2011–2015 (both on the Zensus 2011 basis).

Kreise merged after 2015 (Göttingen and Osterode am Harz → 03159) are compared as the sum of
their parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.profile import forecast as fc
from dwk.profile import inputs
from dwk.profile import kreis_inputs as ki
from dwk.profile.indicators import Context

BASE = 2015
CHECK_GROUPS: list[tuple[str, int, int | None]] = [
    ("unter 18", 0, 18), ("18–64", 18, 65), ("65–79", 65, 80), ("80+", 80, None),
]  # fmt: skip
METHODS = ("main", "low-migration", "high-migration", "konstant", "linear 2011–2015")


@dataclass(frozen=True)
class Backtest:
    years: list[int]
    areas: int
    totals: dict[str, list[float]]  # method -> MAPE in % per year
    groups_year: int
    groups: dict[str, dict[str, float]]  # method -> group -> MAPE in %
    persistence: tuple[float, ...]

    def records(self) -> list[dict]:
        out = []
        for m, values in self.totals.items():
            for y, v in zip(self.years, values, strict=True):
                out.append({"method": m, "measure": "insgesamt", "year": y, "mape": round(v, 4)})
        for m, values in self.groups.items():
            for g, v in values.items():
                out.append({"method": m, "measure": g, "year": self.groups_year,
                            "mape": round(v, 4)})  # fmt: skip
        return out


def _mape(forecast: np.ndarray, observed: np.ndarray) -> float:
    ok = np.isfinite(observed) & (observed > 0)
    return float(np.mean(np.abs(forecast[ok] / observed[ok] - 1)) * 100)


def run_backtest(ctx: Context) -> Backtest:
    keys = ki.kreis_keys(ctx, BASE)
    proj = fc.project_kreise_2015(ctx, keys, 2020)
    later = ki.kreis_keys(ctx, 2020)
    succ = ki.successors(ctx.changes, keys, later)
    years = proj.years[1:]
    observed = {y: np.array([ctx.observed_totals.at[k, y] for k in later]) for y in years}
    p15 = np.array([ctx.observed_totals.at[k, BASE] for k in keys])
    p11 = np.array([ctx.observed_totals.at[k, 2011] for k in keys])

    def merged(values: np.ndarray) -> np.ndarray:
        return ki.sum_to(values, succ, later)

    totals: dict[str, list[float]] = {}
    for v, run in proj.runs.items():
        totals[v] = [_mape(merged(run.totals()[run.years.index(y)]), observed[y]) for y in years]
    totals["konstant"] = [_mape(merged(p15), observed[y]) for y in years]
    totals["linear 2011–2015"] = [
        _mape(merged(p15 + (p15 - p11) / 4 * (y - BASE)), observed[y]) for y in years
    ]
    last = years[-1]
    src = ctx.age(inputs.SINGLE_YEARS, last)
    rows = src.rows(later)
    groups: dict[str, dict[str, float]] = {}
    base_pop = proj.runs["main"].population[0].sum(axis=1)
    for method in (*proj.runs, "konstant", "linear 2011–2015"):
        if method in proj.runs:
            pop = proj.runs[method].population[-1].sum(axis=1)
        elif method == "konstant":
            pop = base_pop
        else:
            pop = base_pop * ((p15 + (p15 - p11) / 4 * (last - BASE)) / p15)[:, None]
        groups[method] = {}
        for label, lo, hi in CHECK_GROUPS:
            obs = src.between(lo, hi)[rows]
            got = merged(pop[:, lo : None if hi is None else hi].sum(axis=1))
            groups[method][label] = _mape(got, obs)
    return Backtest(years, len(later), totals, last, groups, proj.plan.persistence)
