"""A projection's result: its runs per variant, with what it rests on (plan, levels, the
census line, the assumptions in words), and the rows of some of its areas (`subset`) or of
several projections as one (`joined`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from dwk.inputs import schedules as sc
from dwk.inputs.population import LINES, Line
from dwk.projection import assumptions as asm
from dwk.projection import gemeinde_migration as gm
from dwk.projection import migration as mg
from dwk.projection.describe import Assumption
from dwk.projection.engine import Run

__all__ = ["Projection", "joined", "merged", "subset"]


@dataclass
class Projection:
    keys: list[str]
    base_year: int
    base_table: str
    base_period: str
    runs: dict[str, Run]
    plan: mg.Plan
    levels: asm.Levels
    fertility: sc.Fertility
    life_table: str
    within: gm.WithinKreis | None = None  # Gemeinden: their migration beyond the Kreis's
    calibrated_until: int | None = None
    """The last year whose observed totals the projection meets (None: none after the base)."""
    line: Line = LINES[0]
    """The census basis of its numbers (`observed`)."""
    assumptions: list[Assumption] = field(default_factory=list)
    ends: dict[str, int] = field(default_factory=dict)
    """Gemeinden dissolved since the base (a run that meets what was observed): key → the
    last 31.12. they existed; their rows end there, their people count in a neighbour after."""

    @property
    def years(self) -> list[int]:
        return next(iter(self.runs.values())).years


def subset(proj: Projection, keys: list[str]) -> Projection:
    """The rows of `keys` (copies of the same numbers)."""
    where = {k: i for i, k in reversed(list(enumerate(proj.keys)))}
    idx = [where[k] for k in keys]
    runs = {
        v: Run(r.years, r.population[:, idx], r.births[:, idx], r.deaths[:, idx])
        for v, r in proj.runs.items()
    }
    plan = proj.plan.take(idx)
    ends = {k: proj.ends[k] for k in keys if k in proj.ends}
    return replace(proj, keys=keys, runs=runs, plan=plan, levels=proj.levels.take(idx), ends=ends)


def merged(proj: Projection, formed: dict[str, list[str]]) -> Projection:
    """The rows of each group in `formed` (a Gemeinde formed by a merger since the base → the
    Gemeinden it was formed from) summed under its key, the others as they are, in key order.
    Its levels are its Kreis's (those of its first member), its deviation the members' mean
    weighted by their base population."""
    grouped = {m for members in formed.values() for m in members}
    keys = sorted([k for k in proj.keys if k not in grouped] + list(formed))
    where = {k: i for i, k in enumerate(proj.keys)}
    rows = [[where[m] for m in formed.get(k, [k])] for k in keys]

    def summed(a: np.ndarray) -> np.ndarray:  # (years, areas, …) → (years, keys, …)
        return np.stack([a[:, idx].sum(axis=1) for idx in rows], axis=1)

    runs = {
        v: Run(r.years, summed(r.population), summed(r.births), summed(r.deaths))
        for v, r in proj.runs.items()
    }
    first = [idx[0] for idx in rows]
    base = next(iter(proj.runs.values())).totals()[0]
    weighted = proj.plan.deviation * base
    deviation = np.array([weighted[idx].sum() / base[idx].sum() for idx in rows])
    plan = replace(proj.plan.take(first), deviation=deviation)
    ends = {k: y for k, y in proj.ends.items() if k not in grouped}
    return replace(proj, keys=keys, runs=runs, plan=plan, levels=proj.levels.take(first), ends=ends)


def joined(parts: list[Projection]) -> Projection:
    """Projections of the same assumptions for different areas, as one."""
    first = parts[0]
    runs = {
        v: Run(
            r.years,
            *(
                np.concatenate([getattr(p.runs[v], f) for p in parts], axis=1)
                for f in ("population", "births", "deaths")
            ),
        )
        for v, r in first.runs.items()
    }
    mobility = [p.plan.mobility for p in parts]
    plan = replace(
        first.plan,
        deviation=np.concatenate([p.plan.deviation for p in parts]),
        mobility=None if any(m is None for m in mobility) else np.concatenate(mobility),
    )
    levels = asm.Levels(
        *(
            np.concatenate([getattr(p.levels, f) for p in parts])
            for f in asm.Levels.__dataclass_fields__
        )
    )
    keys = [k for p in parts for k in p.keys]
    ends = {k: y for p in parts for k, y in p.ends.items()}
    return replace(first, keys=keys, runs=runs, plan=plan, levels=levels, ends=ends)
