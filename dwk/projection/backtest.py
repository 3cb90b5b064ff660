"""How good the projection has been: every Kreis projected from 31.12.2015 and compared with
what was later observed (totals 2016–2020, age groups 2020), next to two naive forecasts:
a constant population, and the linear trend of 2011–2015 (both on the Zensus 2011 basis).

Kreise merged after 2015 (Göttingen and Osterode am Harz → 03159) are compared as the sum of
their parts. Gemeinden are checked too, against the Gemeindeverzeichnis of 31.12.2019 (the only
later Gemeinde population shipped): every Gemeinde with its full 2015 age structure and the
same key in 2019. Where a Gemeinde absorbed another after 2015 its 2019 area is larger; that
counts against every method alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.core.types import level_of
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.projection import kreis_inputs as ki
from dwk.projection import model as fc
from dwk.sources.tables.gv import CODE as GV_CODE

BASE = 2015
CHECK_GROUPS: list[tuple[str, int, int | None]] = [
    ("unter 18", 0, 18), ("18–64", 18, 65), ("65–79", 65, 80), ("80+", 80, None),
]  # fmt: skip
GEMEINDE_CHECK = 2019


@dataclass(frozen=True)
class Backtest:
    years: list[int]
    areas: int
    totals: dict[str, list[float]]  # method -> MAPE in % per year
    groups_year: int
    groups: dict[str, dict[str, float]]  # method -> group -> MAPE in %
    persistence: tuple[float, ...]
    gemeinden: dict[str, tuple[float, float]]  # method -> (MAPE, median APE) in %
    gemeinde_areas: int

    def records(self) -> list[dict]:
        out = []
        for m, values in self.totals.items():
            for y, v in zip(self.years, values, strict=True):
                out.append({"method": m, "measure": "insgesamt", "year": y, "mape": round(v, 4)})
        for m, values in self.groups.items():
            for g, v in values.items():
                out.append({"method": m, "measure": g, "year": self.groups_year,
                            "mape": round(v, 4)})  # fmt: skip
        for m, (mape, median) in self.gemeinden.items():
            out.append({"method": m, "measure": "Gemeinden", "year": GEMEINDE_CHECK,
                        "mape": round(mape, 4), "median": round(median, 4)})  # fmt: skip
        return out


def _ape(forecast: np.ndarray, observed: np.ndarray) -> np.ndarray:
    ok = np.isfinite(observed) & (observed > 0)
    return np.abs(forecast[ok] / observed[ok] - 1) * 100


def _mape(forecast: np.ndarray, observed: np.ndarray) -> float:
    return float(np.mean(_ape(forecast, observed)))


def run_backtest(ctx: Context, gemeinden: bool = True) -> Backtest:
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
    by_gemeinde, n = gemeinde_backtest(ctx) if gemeinden else ({}, 0)
    return Backtest(years, len(later), totals, last, groups, proj.plan.persistence, by_gemeinde, n)


def gemeinde_backtest(ctx: Context) -> tuple[dict[str, tuple[float, float]], int]:
    """MAPE and median APE of the Gemeinden, 31.12.2015 → 31.12.2019 (see the docstring)."""
    gv = ctx.store.table(GV_CODE)
    gv = gv.loc[(gv["variable"] == "Bevölkerung") & (gv["sex"] == "total")]
    later = dict(zip(gv["area_key"].astype(str), gv["value"].astype(float), strict=True))
    src = ctx.age(inputs.AGE_GROUPS, BASE)
    t = ctx.observed_totals
    keys = [
        k for k in src.keys
        if level_of(k) == "gemeinde" and k in later and k in t.index and np.isfinite(t.at[k, 2011])
        and not any(np.isnan(src.counts[s][src.row[k]]).any() for s in ("male", "female"))
    ]  # fmt: skip
    observed = np.array([later[k] for k in keys])
    proj = fc.project_gemeinden(ctx, keys, GEMEINDE_CHECK)
    p15, p11 = t.reindex(keys)[BASE].to_numpy(float), t.reindex(keys)[2011].to_numpy(float)
    forecasts = {v: r.totals()[-1] for v, r in proj.runs.items()}
    forecasts["konstant"] = p15
    forecasts["linear 2011–2015"] = p15 + (p15 - p11) / 4 * (GEMEINDE_CHECK - BASE)
    out = {}
    for method, values in forecasts.items():
        ape = _ape(values, observed)
        out[method] = (float(ape.mean()), float(np.median(ape)))
    return out, len(keys)
