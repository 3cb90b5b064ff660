"""Projections of Kreise and Gemeinden in the national frame (`frame`, `framed`), from the
shipped tables.

Kreise start from their latest single-year base (2015 or 2020 with the shipped tables). A later
base needs the moves since the first, which no shipped table gives per Kreis: they are
estimated by projecting the first base's population year by year and setting each year's net
migration to what meets the observed total. Without an explicit base year the projection also
meets every total observed after its base (Kreise to 2024, Gemeinden the Gemeindeverzeichnis
2019 and 2023), on the newest census basis (`observed`), and starts its assumptions there;
with one it uses no regional figure after it and stays on the Zensus 2011 basis.
Gemeinden start from 2015, their only age structure, take their Kreis's fertility and mortality
levels, and add up to their Kreis (`gemeinden`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from dwk.core.errors import MergedAway, NoProjection
from dwk.core.format import format_kreise
from dwk.core.types import level_of
from dwk.inputs import schedules as sc
from dwk.inputs.context import Context
from dwk.inputs.population import Line
from dwk.inputs.stichtage import gemeinde_stichtage
from dwk.projection import assumptions as asm
from dwk.projection import framed as fr
from dwk.projection import gemeinde_migration as gm
from dwk.projection import gemeinden as gem
from dwk.projection import kreis_inputs as ki
from dwk.projection import migration as mg
from dwk.projection import observed as ob
from dwk.projection.batches import (
    batch_kreis,
    batch_members,
    check_base,
    formed_in,
    gemeinde_base,
    gemeinde_bases,
    merged_gemeinden,
    projected_territory_changes,
)
from dwk.projection.describe import describe
from dwk.projection.engine import project
from dwk.projection.result import Projection, joined, merged, subset

MAX_TARGET = 2060
"""Beyond this the assumptions (constant rates, a migration level) say nothing useful."""


def _projected(
    ctx: Context,
    keys: list[str],
    base: int,
    inp: ki.Inputs,
    plan: mg.Plan,
    to: int,
    variants,
    within: gm.WithinKreis | None = None,
    targets: fr.Targets = fr.NONE,
    level: Callable[[str, Callable], Callable] | None = None,
    line: Line = ob.FIRST_LINE,
    territory: Callable | None = None,
) -> Projection:
    """Runs of every variant in the national frame (`framed`) from `inp`'s population carried
    over to `line`; `level(variant, schedules)` replaces the framed migration level
    (Gemeinden take their Kreis's)."""
    population = ob.rebased(ctx, keys, inp.population, line)
    runs = {}
    for v in variants:
        whole = level is None  # Kreise: all of them, so Germany's observed events are met
        sched = fr.yearly_schedules(ctx, inp.levels, inp.life_tables, inp.fertility, v, whole=whole)
        lv = level(v, sched) if level else fr.framed_level(plan, sched, v, targets)
        mig = ki.migration(ctx, inp, lv, whole, territory)
        runs[v] = project(population, sched, mig, base, to)
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
        targets.last,
        line,
    )
    out.assumptions = describe(ctx, out, inp.life_tables, inp.fertility)
    return out


def project_kreise_2015(ctx: Context, to: int, variants=mg.VARIANTS) -> Projection:
    """Every Kreis as of the first base (31.12.2015): no regional figure after it is used.
    Always all Kreise: the frame shares Germany's migration, births and deaths among them."""
    first = ki.first_base(ctx)
    keys = ki.kreis_keys(ctx, first)
    inp = ki.kreis_inputs(ctx, keys, first)
    return _projected(ctx, keys, first, inp, ki.first_plan(ctx), to, variants)


def project_kreise_2020(
    ctx: Context, to: int, variants=mg.VARIANTS, calibrate: bool = False
) -> Projection:
    """The Kreise of 2020, with the levels and 2015 moves of their parts where they merged.
    `calibrate`: meet the totals observed after 2020 and start the assumptions from the last
    of them; otherwise as of 31.12.2020 (the latest Kreis base)."""
    first, base = ki.first_base(ctx), ki.kreis_bases(ctx)[-1]
    keys = ki.kreis_keys(ctx, base)  # all of them, as for the first base
    old = ki.kreis_keys(ctx, first)
    succ = ki.successors(ctx.changes, old, keys)
    before = ki.kreis_inputs(ctx, old, first)
    pop, table, period = asm.base_population(ctx, keys, base)
    inp = ki.Inputs(
        pop,
        table,
        period,
        ki.life_tables(ctx, base),
        sc.fertility_for_in(ctx, base),
        ki.merge_levels(before.levels, succ, keys),
        ki.sum_to(before.moves_in, succ, keys),
        ki.sum_to(before.moves_out, succ, keys),
    )
    line, until = ob.met_until(ctx, "kreis", base, to, calibrate)
    history = ki.kreis_history_to(ctx, keys, until, line)
    plan = mg.plan(history, until, mg.mobility(pop), ki.exposure(ctx, keys, until))
    targets = ob.kreis_targets(ctx, keys, base, until, line)  # none without `calibrate`
    return _projected(ctx, keys, base, inp, plan, to, variants, targets=targets, line=line)


def project_gemeinden(
    ctx: Context,
    keys: list[str],
    to: int,
    variants=mg.VARIANTS,
    calibrate: bool = False,
    dissolved: bool = False,
) -> Projection:
    """Gemeinden from 2015 with their Kreis's levels and migration, plus their own deviation
    from the Kreis (natural balance of 2012–2014 estimated by the model), shrunk by the
    persistence of such deviations for Gemeinden of their size (`gemeinde_migration`).

    Every Gemeinde is projected with all Gemeinden of its Kreis (`_kreis_batch`), whatever
    else was asked, so its numbers do not depend on the request; the batches of the last
    `BATCHES_KEPT` Kreise are kept in the context. `calibrate`: meet the totals observed
    after 2015 and add up to the Kreis's current projection (a Gemeinde merged into a
    neighbour since has none of its own: `merged_gemeinden`; asked for, an error, unless
    `dissolved`: then its rows end with it, `Projection.ends`); otherwise as of 31.12.2015."""
    kreise = ki.kreis_keys(ctx, gemeinde_base(ctx))
    batch = {k: batch_kreis(ctx, k) if calibrate else k[:5] for k in keys}
    missing = sorted(set(batch.values()) - set(kreise))
    if missing:
        table = ctx.table("age_single_years")
        base = gemeinde_base(ctx)
        raise NoProjection(
            f"Keine Altersstruktur in {table} am 31.12.{base} für {format_kreise(missing)}"
        )
    formed = formed_in(ctx, keys) if calibrate else {}
    check_base(ctx, [k for k in keys if k not in formed])
    gone = sorted(set(keys) & merged_gemeinden(ctx)) if calibrate and not dissolved else []
    if gone:
        raise MergedAway(
            f"Gemeinde {gone[0]} ist nach {gemeinde_base(ctx)} in einer anderen aufgegangen "
            "(keine eigene Einwohnerzahl mehr im Gemeindeverzeichnis); eine Vorausberechnung "
            f"vom Stand 31.12.{gemeinde_base(ctx)} gibt "
            f"dwk project {gone[0]} --base-year {gemeinde_base(ctx)}"
        )
    parts = {b: _kreis_batch(ctx, b, to, tuple(variants), calibrate) for b in batch.values()}
    if len(parts) == 1:
        return subset(next(iter(parts.values())), keys)
    together = joined(
        [subset(p, [k for k in keys if batch[k] == kreis]) for kreis, p in parts.items()]
    )
    return subset(together, keys)


BATCHES_KEPT = 4
"""Kreis batches of Gemeinde projections kept per context: a run over many Gemeinden goes
Kreis by Kreis, so a few suffice, and memory stays flat over all of Germany."""


def _kreis_batch(
    ctx: Context, kreis: str, to: int, variants: tuple[str, ...], calibrate: bool
) -> Projection:
    batches = ctx.batches
    ck = (kreis, to, variants, calibrate)
    if ck in batches:
        batches.move_to_end(ck)
        return batches[ck]
    members = batch_members(ctx, kreis, calibrate)
    batches[ck] = _project_gemeinden(ctx, kreis, members, to, variants, calibrate)
    while len(batches) > BATCHES_KEPT:
        batches.popitem(last=False)
    return batches[ck]


def _kreise_2015(ctx: Context, to: int, variants: tuple[str, ...], calibrate: bool) -> Projection:
    """Every Kreis from 2015: as of 2015, or meeting every total observed since (the Kreis
    migration the Gemeinden of a calibrated run share)."""

    def build() -> Projection:
        first = ki.first_base(ctx)
        keys = ki.kreis_keys(ctx, first)
        if not calibrate:
            return project_areas(ctx, keys, first, to, variants)
        line, until = ob.met_until(ctx, "kreis", first, to, calibrate)
        inp = ki.kreis_inputs(ctx, keys, first)
        targets = ob.kreis_targets(ctx, keys, first, until, line)
        plan = ki.first_plan(ctx)
        return _projected(ctx, keys, first, inp, plan, to, variants, targets=targets, line=line)

    return ctx.memo(("kreise_2015", to, variants, calibrate), build)


@dataclass(frozen=True)
class KreisFrame:
    """What Gemeinden take from their Kreis (see `_kreis_frame`): small enough to keep on
    disk, so that a Gemeinde's profile does not load the projections of all Kreise."""

    keys: list[str]  # the Kreise of 2015
    paths: dict[str, np.ndarray]  # variant -> (years 2015..to, Kreise) totals to add up to
    rates: dict[str, dict[int, np.ndarray]]  # variant -> year -> realised migration rate
    plan: mg.Plan  # the migration plan of the Kreise's projection after the years it meets


def _kreis_frame(ctx: Context, to: int, variants: tuple[str, ...], calibrate: bool) -> KreisFrame:
    """The Kreise's totals 2015..`to` per variant that their Gemeinden add up to: the
    2015-based run, and from 2020 on (calibrated) the Kreis's current projection, the Kreis's
    part of it where it merged into a larger one; and the migration rates and plan of the run
    that made them: after the last year the current projection meets (2024), its own, so that
    a Gemeinde's assumptions start from its Kreis's latest deviation, not from 2014's."""

    def build() -> KreisFrame:
        k15 = _kreise_2015(ctx, to, variants, calibrate)
        paths = {v: r.totals().copy() for v, r in k15.runs.items()}
        rates = {v: r.migration_rates() for v, r in k15.runs.items()}
        plan = k15.plan
        latest = ki.kreis_bases(ctx)[-1]
        if calibrate and to > latest:
            now = project_areas(ctx, ki.kreis_keys(ctx, latest), None, to, variants)
            succ = ki.successors(ctx.changes, k15.keys, now.keys)
            parts = {k: [i for i, s in enumerate(succ) if s == k] for k in succ}
            cols = [now.keys.index(k) for k in succ]
            after = now.calibrated_until or now.base_year
            for v, run in k15.runs.items():
                at = run.years.index(now.base_year)
                later, before = now.runs[v].totals(), run.totals()
                for row, key in enumerate(succ):
                    share = before[at, row] / before[at, parts[key]].sum()
                    paths[v][at:, row] = later[:, cols[row]] * share
                for year, rate in now.runs[v].migration_rates().items():
                    if year > after:
                        rates[v][year] = rate[cols]
            plan = now.plan.take(cols)
        return KreisFrame(k15.keys, paths, rates, plan)

    return ctx.lookup(("kreis_frame", to, variants, calibrate), build)


def _project_gemeinden(
    ctx: Context,
    batch: str,
    keys: list[str],
    to: int,
    variants: tuple[str, ...],
    calibrate: bool,
) -> Projection:
    base = gemeinde_base(ctx)
    kreise = ki.kreis_keys(ctx, base)
    kreis = ki.kreis_inputs(ctx, kreise, base)
    pop, table, period = asm.base_population(ctx, keys, base)
    rows = [kreise.index(k[:5]) for k in keys]
    inp = ki.Inputs(
        pop,
        table,
        period,
        kreis.life_tables,
        kreis.fertility,
        kreis.levels.take(rows),
        *asm.flows(ctx, keys),
    )
    kf = _kreis_frame(ctx, to, variants, calibrate)
    kplan = kf.plan  # the Kreise's, whose rates the Gemeinden take once nothing is met
    line, until = ob.met_until(ctx, "gemeinde", base, to, calibrate)
    counted = _counted_years(ctx)
    # the Gemeinden's migration beyond their Kreis's, measured over the years up to where the
    # assumptions start (the base, or the last year met): the mean of their size class, which
    # lasts, and their own departure from it, which fades from there as a Kreis's deviation
    # does (its persistence was measured at a lag of about three years)
    window = within_window(ctx, until, counted)
    on = line if until > base else None
    part = gm.within_kreis(ctx, window, on)
    people = pop.sum(axis=(1, 2))
    lasting = np.where(gm.alone(keys), 0.0, part.mean(people))
    own = gm.migration_deviation(ctx, keys, window, on)
    factor = part.factor(people) / kplan.fit.lam[2]  # over λ(3), the lag it was measured at
    within = np.where(gm.usable(ctx, keys, own, window), own - lasting, 0.0) * factor
    plan = replace(
        kplan,
        deviation=kplan.deviation[rows] + lasting + within,
        mobility=None,
        leaving=None,
        exposure=None,
    )
    formed = formed_in(ctx, [batch]) if calibrate else {}
    rows_of = {new: [keys.index(o) for o in old] for new, old in formed.items()}
    filled = ob.filled_totals(ctx, line)
    # where each projected territory changed after the base, once per Gemeinde of the batch
    changes = (
        {k: projected_territory_changes(ctx, k) for k in [*keys, *formed]} if calibrate else {}
    )
    changed = {new: {y for y, *_ in changes[new]} for new in formed}
    targets = gem.gemeinde_targets(filled, keys, base, until, rows_of, counted, changed)

    lam = partial(kplan.lam, since=window[-1])  # as λ was measured: from the window's end
    transit = {}  # persons per year and Gemeinde who leave for being in transit at the base
    if np.any(leaving := kplan.transit(base + 1)):
        # the Kreis's people in transit leave from the Gemeinden that took them in
        start = kf.paths[variants[0]][0]
        expected = lasting + lam(base) * within  # the Gemeinde's rate beyond its Kreis's
        kept = gm.transit_kept(ctx, keys, base, people, (leaving / start)[rows], expected)
        transit = {base + 1: kept}

    def level(variant: str, schedules: Callable) -> Callable:
        rates = kf.rates[variant]
        return gem.gemeinde_level(rates, rows, lasting, within, lam, schedules, targets, transit)

    moved = _territory_moves(batch, keys, rows_of, filled, targets, changes) if calibrate else None
    out = _projected(ctx, keys, base, inp, plan, to, variants, part, targets, level, line, moved)
    kreis_of = [batch if calibrate else k[:5] for k in keys]  # a part moved in: its batch's
    col = {k: kf.keys.index(k) for k in kreis_of}
    gone = gem.merged_away(ob.filled_totals(ctx), keys, out.years) if calibrate else None
    if gone is not None:  # the Gemeinden a merged one is formed from count on in its sum
        gone[:, [i for rows in rows_of.values() for i in rows]] = False
    met = targets.last if calibrate else None
    out.runs = {
        v: gem.scaled(r, kreis_of, {k: kf.paths[v][:, i] for k, i in col.items()}, gone, met)
        for v, r in out.runs.items()
    }
    if gone is not None:
        out.ends = {
            keys[i]: out.years[int(np.argmax(gone[:, i]))] - 1 for i in np.flatnonzero(gone[-1])
        }
    return merged(out, formed) if formed else out


def _territory_moves(batch: str, keys: list[str], rows_of, filled, targets, changes) -> Callable:
    """The persons a batch's Gemeinden gained or lost with territory in a year whose total
    they meet (`changes`: key → `batches.projected_territory_changes`; Unstruttal's parts of
    Anrode, Dünwald and Menteroda in 2023): the jump of their figure beyond their Kreis's
    growth, spread like their own people (`kreis_inputs.migration`), not like movers, who are
    young. A merged Gemeinde's jump is shared among the rows it is projected as, by size."""
    kreis = filled.loc[batch] if batch in filled.index else None
    jumps: dict[int, list[tuple[list[int], float]]] = {}
    grouped = {i for rows in rows_of.values() for i in rows}
    single = {k: [i] for i, k in enumerate(keys) if i not in grouped}
    for key, rows in [*single.items(), *rows_of.items()]:
        for year, *_ in changes[key]:
            if year not in targets.years or kreis is None or key not in filled.index:
                continue
            before, now = filled.at[key, year - 1], filled.at[key, year]
            growth = kreis[year] / kreis[year - 1]
            if np.isfinite(before) and np.isfinite(now) and np.isfinite(growth):
                jumps.setdefault(year, []).append((rows, float(now - before * growth)))

    def moved(year: int, prev: np.ndarray) -> np.ndarray | None:
        if year not in jumps:
            return None
        size = prev.sum(axis=(1, 2))
        out = np.zeros(len(keys))
        for rows, people in jumps[year]:
            out[rows] += people * size[rows] / size[rows].sum()
        return out

    return moved


def within_window(ctx: Context, until: int, counted: list[int]) -> tuple[int, ...]:
    """The years a Gemeinde's deviation from its Kreis is measured over: up to the base, those
    its persistence was measured on (2012–2014); in a run that met observed totals up to
    `until`, the years since the Stichtag before it, without the irregular ones, as for the
    Kreise (2020, 2021 and 2023: since the Gemeindeverzeichnis of 2019, without 2022, the year
    of the arrivals from the Ukraine)."""
    base, _, measured = gm.windows(ctx)
    if until <= base:
        return measured
    since = max(y for y in [base, *counted] if y < until)
    return tuple(y for y in range(since + 1, until + 1) if y not in mg.IRREGULAR)


def _counted_years(ctx: Context) -> list[int]:
    """The Stichtage with Gemeinde figures after the base (the Gemeindeverzeichnisse: 2019 and
    2023)."""
    return [y for y in gemeinde_stichtage(ctx) if y > gemeinde_base(ctx)]


def project_areas(
    ctx: Context,
    keys: list[str],
    base_year: int | None,
    to: int,
    variants=mg.VARIANTS,
    dissolved: bool = False,
) -> Projection:
    """Kreise (5-digit keys, base 2020 unless asked for 2015) or Gemeinden (base 2015);
    `dissolved`: Gemeinden merged into a neighbour since end with it (`project_gemeinden`)."""
    other = [k for k in keys if level_of(k) not in ("kreis", "gemeinde")]
    if other:
        raise NoProjection(f"Vorausberechnung nur für Kreise und Gemeinden, nicht für {other[0]}")
    kreise = [k for k in keys if level_of(k) == "kreis"]
    if kreise and len(kreise) != len(keys):
        raise NoProjection("Kreise und Gemeinden bitte getrennt vorausberechnen")
    bases = ki.kreis_bases(ctx) if kreise else gemeinde_bases(ctx)
    base = base_year or bases[-1]
    if base not in bases:
        possible = ", ".join(str(b) for b in bases)
        raise NoProjection(f"Basisjahr {base} nicht möglich (möglich: {possible})")
    if not base < to <= MAX_TARGET:
        raise NoProjection(f"Zieljahr {to} muss zwischen {base + 1} und {MAX_TARGET} liegen")
    if not kreise:
        return project_gemeinden(ctx, keys, to, variants, base_year is None, dissolved)
    every = ki.kreis_keys(ctx, base)
    unknown = [k for k in kreise if k not in every]
    if unknown:
        raise NoProjection(f"Am 31.12.{base} gibt es {format_kreise(unknown)} nicht")
    calibrate = base_year is None
    every_kreis = ctx.lookup(
        ("kreise_projected", base, to, tuple(variants), calibrate),
        lambda: (
            project_kreise_2015(ctx, to, variants)
            if base == ki.first_base(ctx)
            else project_kreise_2020(ctx, to, variants, calibrate)
        ),
    )
    return subset(every_kreis, kreise)
