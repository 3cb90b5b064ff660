"""Projections of Kreise and Gemeinden, with every assumption derived from the shipped tables.

Kreise start from their latest single-year base (2015 or 2020). A 2020 base needs the moves
of 2016–2020, which no shipped table gives per Kreis: they are estimated by projecting the 2015
population year by year with its own fertility and mortality and setting each year's net
migration to what closes the gap to the observed total (12411-0015). Gemeinden start from
2015, their only age structure, and take their Kreis's fertility and mortality levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from dwk.core.errors import NoProjection
from dwk.core.types import level_of
from dwk.inputs import schedules as sc
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.projection import assumptions as asm
from dwk.projection import gemeinde_migration as gm
from dwk.projection import kreis_inputs as ki
from dwk.projection import migration as mg
from dwk.projection.describe import Assumption, describe
from dwk.projection.engine import SEXES, Run, project

KREIS_BASES = (2015, 2020)
GEMEINDE_BASE = 2015
MAX_TARGET = 2060
"""Beyond this the assumptions (constant rates, a migration level) say nothing useful."""


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
    within: tuple[float, ...] = ()  # Gemeinden: persistence of their deviation from the Kreis
    assumptions: list[Assumption] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return next(iter(self.runs.values())).years


def _projected(
    ctx: Context,
    keys: list[str],
    base: int,
    inp: ki.Inputs,
    plan: mg.Plan,
    to: int,
    variants,
    within: tuple[float, ...] = (),
) -> Projection:
    sched = ki.schedules(inp.levels, inp.life_tables, inp.fertility)
    runs = {
        v: project(inp.population, sched, ki.migration(ctx, inp, ki.planned(plan, v)), base, to)
        for v in variants
    }
    life_table = inp.life_tables["male"].period
    out = Projection(
        keys,
        base,
        inp.table,
        inp.period,
        runs,
        plan,
        inp.levels,
        inp.fertility,
        life_table,
        within,
    )
    out.assumptions = describe(out, inp.life_tables, inp.fertility)
    return out


def project_kreise_2015(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    inp = ki.kreis_inputs(ctx, keys, 2015)
    every = keys == ki.kreis_keys(ctx, 2015)
    plan = kreis_plan_2015(ctx) if every else mg.plan(ki.kreis_history(ctx, keys, 2015), 2015)
    return _projected(ctx, keys, 2015, inp, plan, to, variants)


def project_kreise_2020(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    """The Kreise of 2020, with the levels and 2015 moves of their parts where they merged."""
    old = ki.kreis_keys(ctx, 2015)
    succ = ki.successors(ctx.changes, old, keys)
    before = ki.kreis_inputs(ctx, old, 2015)
    pop, table, period = asm.base_population(ctx, keys, 2020)
    inp = ki.Inputs(
        pop,
        table,
        period,
        ki.life_tables(ctx, 2020),
        sc.fertility_for_in(ctx, 2020),
        ki.merge_levels(before.levels, succ, keys),
        ki.sum_to(before.moves_in, succ, keys),
        ki.sum_to(before.moves_out, succ, keys),
    )
    plan = mg.plan(ki.kreis_history_to(ctx, keys, 2020), 2020)
    return _projected(ctx, keys, 2020, inp, plan, to, variants)


def project_gemeinden(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    """Gemeinden from 2015 with their Kreis's levels and migration, plus their own deviation
    from the Kreis (natural balance of 2012–2014 estimated by the model), shrunk by the
    persistence of such deviations for Gemeinden of their size (`gemeinde_migration`).

    Every Gemeinde is projected with all Gemeinden of its Kreis (`_kreis_batch`), whatever
    else was asked, so its numbers do not depend on the request; the batches of the last
    `BATCHES_KEPT` Kreise are kept in the context."""
    kreise = ki.kreis_keys(ctx, 2015)
    missing = sorted({k[:5] for k in keys} - set(kreise))
    if missing:
        raise NoProjection(f"Kreise {missing} fehlen in {inputs.SINGLE_YEARS} 2015")
    _check_base(ctx, keys)
    parts = {k[:5]: _kreis_batch(ctx, k[:5], to, tuple(variants)) for k in keys}
    if len(parts) == 1:
        return subset(next(iter(parts.values())), keys)
    together = joined(
        [subset(b, [k for k in keys if k[:5] == kreis]) for kreis, b in parts.items()]
    )
    return subset(together, keys)


BATCHES_KEPT = 4
"""Kreis batches of Gemeinde projections kept per context: a run over many Gemeinden goes
Kreis by Kreis, so a few suffice, and memory stays flat over all of Germany."""


def _check_base(ctx: Context, keys: list[str]) -> None:
    """The NoProjection errors `asm.base_population` gives for `keys`, in the same order."""
    table = inputs.AGE_GROUPS
    src = ctx.age(table, GEMEINDE_BASE)
    if src is None:
        raise NoProjection(f"{table} hat keinen Stichtag 31.12.{GEMEINDE_BASE}")
    missing = [k for k in keys if k not in src.row]
    bad = missing or [k for k in keys if k not in gemeinde_members(ctx, k[:5])]
    if bad:
        raise NoProjection(f"Keine Altersstruktur für {bad[0]} am 31.12.{GEMEINDE_BASE}")


def gemeinde_members(ctx: Context, kreis: str) -> list[str]:
    """The Gemeinden of `kreis` with an age structure for both sexes in 2015: the ones
    `project_gemeinden` projects."""
    return ctx.memo(("gemeinden_of", kreis), lambda: _with_age(ctx, kreis))


def _with_age(ctx: Context, kreis: str) -> list[str]:
    src = ctx.age(inputs.AGE_GROUPS, GEMEINDE_BASE)
    keys = [k for k in src.keys if level_of(k) == "gemeinde" and k.startswith(kreis)]
    for sex in SEXES:
        ctx.single_years.prefetch(src, keys, sex)
    return [k for k in keys if all(ctx.single_years.of(src, k, s) is not None for s in SEXES)]


def _kreis_batch(ctx: Context, kreis: str, to: int, variants: tuple[str, ...]) -> Projection:
    batches = ctx.batches
    ck = (kreis, to, variants)
    if ck in batches:
        batches.move_to_end(ck)
        return batches[ck]
    batches[ck] = _project_gemeinden(ctx, gemeinde_members(ctx, kreis), to, variants)
    while len(batches) > BATCHES_KEPT:
        batches.popitem(last=False)
    return batches[ck]


def kreis_plan_2015(ctx: Context) -> mg.Plan:
    """The migration plan of all Kreise of 2015 (once per context)."""

    def build() -> mg.Plan:
        kreise = ki.kreis_keys(ctx, 2015)
        return mg.plan(ki.kreis_history(ctx, kreise, 2015), 2015)

    return ctx.lookup(("kreis_plan", 2015), build)


def _project_gemeinden(
    ctx: Context, keys: list[str], to: int, variants: tuple[str, ...]
) -> Projection:
    kreise = ki.kreis_keys(ctx, 2015)
    kreis = ki.kreis_inputs(ctx, kreise, 2015)
    pop, table, period = asm.base_population(ctx, keys, 2015)
    inp = ki.Inputs(
        pop,
        table,
        period,
        kreis.life_tables,
        kreis.fertility,
        kreis.levels.take([kreise.index(k[:5]) for k in keys]),
        *asm.flows(ctx, keys),
    )
    kplan = kreis_plan_2015(ctx)
    sched = ki.schedules(inp.levels, inp.life_tables, inp.fertility)
    natural = project(pop, sched, ki.no_migration, 2015, 2016)
    balance = natural.births[0] - natural.deaths[0]
    years = kplan.recent_years
    totals = ctx.observed_totals.reindex(index=keys, columns=[years[0] - 1, *years])
    p = totals.to_numpy(dtype=float)
    net = (p[:, 1:] - p[:, :-1]) - balance[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        own = net.sum(axis=1) / p[:, :-1].sum(axis=1)
    row = [kreise.index(k[:5]) for k in keys]
    kreis_rate = kplan.national_recent + kplan.deviation[row]
    # the within-Kreis part counts with its own, size-dependent persistence, measured at a lag
    # of about three years and decaying from there like the Kreise's
    persistence = gm.within_persistence(ctx)
    factor = persistence.factor(p[:, -1]) / kplan.persistence[2]
    within = np.nan_to_num(own - kreis_rate) * factor
    plan = replace(kplan, deviation=kplan.deviation[row] + within)
    return _projected(ctx, keys, 2015, inp, plan, to, variants, persistence.factors)


def project_areas(
    ctx: Context, keys: list[str], base_year: int | None, to: int, variants=mg.VARIANTS
) -> Projection:
    """Kreise (5-digit keys, base 2020 unless asked for 2015) or Gemeinden (base 2015)."""
    other = [k for k in keys if level_of(k) not in ("kreis", "gemeinde")]
    if other:
        raise NoProjection(f"Vorausberechnung nur für Kreise und Gemeinden, nicht für {other[0]}")
    kreise = [k for k in keys if level_of(k) == "kreis"]
    if kreise and len(kreise) != len(keys):
        raise NoProjection("Kreise und Gemeinden bitte getrennt vorausberechnen")
    bases = KREIS_BASES if kreise else (GEMEINDE_BASE,)
    base = base_year or bases[-1]
    if base not in bases:
        possible = ", ".join(str(b) for b in bases)
        raise NoProjection(f"Basisjahr {base} nicht möglich (möglich: {possible})")
    if not base < to <= MAX_TARGET:
        raise NoProjection(f"Zieljahr {to} muss zwischen {base + 1} und {MAX_TARGET} liegen")
    if not kreise:
        return project_gemeinden(ctx, keys, to, variants)
    every = ki.kreis_keys(ctx, base)
    unknown = [k for k in kreise if k not in every]
    if unknown:
        raise NoProjection(f"Kreise {unknown} gibt es am 31.12.{base} nicht")
    fn = project_kreise_2015 if base == 2015 else project_kreise_2020
    every_kreis = ctx.lookup(
        ("kreise_projected", base, to, tuple(variants)), lambda: fn(ctx, every, to, variants)
    )
    return subset(every_kreis, kreise)


def subset(proj: Projection, keys: list[str]) -> Projection:
    """The rows of `keys` (copies of the same numbers)."""
    where = {k: i for i, k in reversed(list(enumerate(proj.keys)))}
    idx = [where[k] for k in keys]
    runs = {
        v: Run(r.years, r.population[:, idx], r.births[:, idx], r.deaths[:, idx])
        for v, r in proj.runs.items()
    }
    plan = replace(proj.plan, deviation=proj.plan.deviation[idx])
    return replace(proj, keys=keys, runs=runs, plan=plan, levels=proj.levels.take(idx))


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
    plan = replace(first.plan, deviation=np.concatenate([p.plan.deviation for p in parts]))
    levels = asm.Levels(
        *(
            np.concatenate([getattr(p.levels, f) for p in parts])
            for f in asm.Levels.__dataclass_fields__
        )
    )
    keys = [k for p in parts for k in p.keys]
    return replace(first, keys=keys, runs=runs, plan=plan, levels=levels)
