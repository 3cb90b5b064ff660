"""Projections of Kreise and Gemeinden, with every assumption derived from the shipped tables.

Kreise start from their latest single-year base (2015 or 2020). A 2020 base needs the moves
of 2016–2020, which no shipped table gives per Kreis: they are estimated by projecting the 2015
population year by year with its own fertility and mortality and setting each year's net
migration to what closes the gap to the observed total (12411-0015). Gemeinden start from
2015, their only age structure, and take their Kreis's fertility and mortality levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dwk.areas import KeyChange
from dwk.numbers import format_de
from dwk.profile import assumptions as asm
from dwk.profile import components
from dwk.profile import migration as mg
from dwk.profile import schedules as sc
from dwk.profile.indicators import Context
from dwk.profile.projection import SEXES, Run, Schedules, project

KREIS_BASES = (2015, 2020)
GEMEINDE_BASE = 2015
LAST_EVENTS = 2015
"""Last year with births and deaths per Kreis."""


@dataclass(frozen=True)
class Assumption:
    topic: str
    text: str
    tables: str


@dataclass
class Projection:
    keys: list[str]
    base_year: int
    base_table: str
    base_period: str
    runs: dict[str, Run]
    plan: mg.Plan
    levels: asm.Levels
    assumptions: list[Assumption] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return next(iter(self.runs.values())).years


def kreis_keys(ctx: Context, year: int) -> list[str]:
    src = ctx.age(asm.SINGLE_YEARS_TABLE, year)
    return [k for k in src.keys if len(k) == 5] if src is not None else []


def _schedules(
    levels: asm.Levels, tables: dict[str, sc.LifeTable], fert: sc.Fertility
) -> Schedules:
    survival = np.stack([tables[s].survival() for s in SEXES])
    newborn = np.array([tables[s].newborn_survival() for s in SEXES])
    return Schedules(
        survival[None] ** levels.mortality[:, :, None],
        newborn[None] ** levels.mortality,
        fert.asfr[None] * levels.fertility[:, None],
        fert.share_male,
    )


def _tables(ctx: Context, base_year: int) -> dict[str, sc.LifeTable]:
    period = sc.life_table_for(ctx.store, base_year)
    return {s: sc.life_table(ctx.store, period, s) for s in SEXES}


def _observed(ctx: Context, key: str, year: int) -> float:
    t = ctx.observed_totals
    if key in t.index and year in t.columns:
        return float(t.at[key, year])
    return float("nan")


def kreis_history(ctx: Context, keys: list[str], until: int) -> mg.History:
    """Residual net migration of Kreise (and Germany) 1996..`until` (≤ 2015)."""
    years = list(range(mg.FIRST_YEAR, until + 1))
    net, start = components.residual_migration(ctx, [*keys, "DG"], years)
    n, p = net.to_numpy(dtype=float), start.to_numpy(dtype=float)
    return mg.History(years, n[:-1], p[:-1], n[-1], p[-1])


def _kreis_inputs(ctx: Context, keys: list[str], year: int):
    ck = ("inputs", tuple(keys), year)
    if ck not in ctx.years_cache:
        ctx.years_cache[ck] = _read_kreis_inputs(ctx, keys, year)
    return ctx.years_cache[ck]


def _read_kreis_inputs(ctx: Context, keys: list[str], year: int):
    pop, table, period = asm.base_population(ctx, keys, year)
    tables = _tables(ctx, year)
    fert = sc.fertility_for(ctx.store, year)
    lv = asm.levels(
        ctx, keys, pop, _tables(ctx, LAST_EVENTS), sc.fertility_for(ctx.store, LAST_EVENTS)
    )
    moves_in, moves_out = asm.flows(ctx, keys)
    return pop, table, period, tables, fert, lv, moves_in, moves_out


def aged(pop: np.ndarray) -> np.ndarray:
    """The population one year older (no deaths): whom the year's out-movers come from."""
    out = np.empty_like(pop)
    out[..., 0] = pop[..., 0]
    out[..., 1:] = pop[..., :-1]
    out[..., -1] += pop[..., -1]
    return out


def _migration(ctx: Context, plan: mg.Plan, variant: str, moves_in, moves_out, base: np.ndarray):
    profile = asm.border_profile(ctx)

    def fn(year: int, prev: np.ndarray) -> np.ndarray:
        level = prev.sum(axis=(1, 2)) * plan.rate(variant, year)
        return asm.migration_by_age(level, moves_in, moves_out, aged(prev), base, profile)

    return fn


def project_kreise_2015(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    pop, table, period, tables, fert, lv, zin, zout = _kreis_inputs(ctx, keys, 2015)
    history = kreis_history(ctx, keys, 2015)
    plan = mg.plan(history, 2015)
    sched = _schedules(lv, tables, fert)
    runs = {
        v: project(pop, sched, _migration(ctx, plan, v, zin, zout, pop), 2015, to) for v in variants
    }
    out = Projection(keys, 2015, table, period, runs, plan, lv)
    out.assumptions = describe(out, tables, fert)
    return out


def successors(changes: list[KeyChange], old_keys: list[str], new_keys: list[str]) -> list[str]:
    """For every old key, the key it has in `new_keys` (itself, or the key it was merged into)."""
    merged = {o: c.new for c in changes if c.level == "kreis" for o in c.old if c.new in new_keys}
    out = [k if k in new_keys else merged.get(k, "") for k in old_keys]
    lost = [k for k, n in zip(old_keys, out, strict=True) if not n]
    orphans = set(new_keys) - set(out)
    if lost or orphans:
        raise LookupError(f"Kreisschlüssel ohne Nachfolger {lost} oder Vorgänger {sorted(orphans)}")
    return out


def sum_to(values: np.ndarray, succ: list[str], new_keys: list[str]) -> np.ndarray:
    out = np.zeros((len(new_keys), *values.shape[1:]))
    index = {k: i for i, k in enumerate(new_keys)}
    for i, k in enumerate(succ):
        out[index[k]] += np.nan_to_num(values[i])
    return out


def estimate_moves(ctx: Context, keys: list[str], to: int):
    """Project the 2015 Kreise to `to` with each year's net migration set so that the total
    meets the observed one: the net migration (years, areas) it took, the births and deaths."""
    pop, _, _, tables, fert, lv, zin, zout = _kreis_inputs(ctx, keys, 2015)
    sched = _schedules(lv, tables, fert)
    succ = successors(ctx.changes, keys, kreis_keys(ctx, to))
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(succ):
        groups.setdefault(k, []).append(i)
    gaps: dict[int, np.ndarray] = {}
    profile = asm.border_profile(ctx)

    def zero(year: int, prev: np.ndarray) -> np.ndarray:
        return np.zeros_like(prev)

    def fn(year: int, prev: np.ndarray) -> np.ndarray:
        natural = project(prev, sched, zero, year - 1, year).totals()[-1]
        level = np.zeros(len(keys))
        for new, idx in groups.items():
            target = _observed(ctx, new, year)
            share = natural[idx] / natural[idx].sum()
            level[idx] = (target - natural[idx].sum()) * share
        gaps[year] = level
        return asm.migration_by_age(level, zin, zout, aged(prev), pop, profile)

    run = project(pop, sched, fn, 2015, to)
    net = np.stack([gaps[y] for y in run.years[1:]])
    return net, run


def kreis_history_to(ctx: Context, keys: list[str], until: int) -> mg.History:
    """`kreis_history` for the Kreise of `until` > 2015, the years after 2015 estimated."""
    old = kreis_keys(ctx, 2015)
    succ = successors(ctx.changes, old, keys)
    early = kreis_history(ctx, old, 2015)
    net_late, run = estimate_moves(ctx, old, until)
    late_years = run.years[1:]
    start_late = np.stack(
        [[float(ctx.totals.at[k, y - 1]) for k in keys] for y in late_years], axis=1
    )
    net = np.concatenate([sum_to(early.net, succ, keys), sum_to(net_late.T, succ, keys)], axis=1)
    start = np.concatenate([sum_to(early.start, succ, keys), start_late], axis=1)
    return mg.History(
        early.years + late_years, net, start,
        np.concatenate([early.de_net, net_late.sum(axis=1)]),
        np.concatenate([early.de_start, start_late.sum(axis=0)]),
        tuple(late_years),
    )  # fmt: skip


def project_kreise_2020(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    old = kreis_keys(ctx, 2015)
    succ = successors(ctx.changes, old, keys)
    pop15, _, _, _, _, lv15, zin15, zout15 = _kreis_inputs(ctx, old, 2015)
    lv = _merge_levels(lv15, succ, keys)
    zin, zout = sum_to(zin15, succ, keys), sum_to(zout15, succ, keys)
    pop, table, period = asm.base_population(ctx, keys, 2020)
    tables = _tables(ctx, 2020)
    fert = sc.fertility_for(ctx.store, 2020)
    history = kreis_history_to(ctx, keys, 2020)
    plan = mg.plan(history, 2020)
    sched = _schedules(lv, tables, fert)
    runs = {
        v: project(pop, sched, _migration(ctx, plan, v, zin, zout, pop), 2020, to) for v in variants
    }
    out = Projection(keys, 2020, table, period, runs, plan, lv)
    out.assumptions = describe(out, tables, fert)
    return out


def _merge_levels(lv: asm.Levels, succ: list[str], keys: list[str]) -> asm.Levels:
    """Levels of merged Kreise: observed over expected events of their parts."""
    d, ed = sum_to(lv.deaths, succ, keys), sum_to(lv.expected_deaths, succ, keys)
    b, eb = sum_to(lv.births, succ, keys), sum_to(lv.expected_births, succ, keys)
    mort = sum_to(lv.mortality * lv.expected_deaths, succ, keys) / ed
    fert = sum_to(lv.fertility * lv.expected_births, succ, keys) / eb
    pooled = sum_to(lv.pooled.astype(float), succ, keys) > 0
    return asm.Levels(mort, fert, d, b, ed, eb, pooled)


def project_gemeinden(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    """Gemeinden from 2015 with their Kreis's levels; their own deviation in net migration
    from Germany's rate, with the natural balance of 2012–2014 estimated by the model."""
    kreise = kreis_keys(ctx, 2015)
    missing = sorted({k[:5] for k in keys} - set(kreise))
    if missing:
        raise LookupError(f"Kreise {missing} fehlen in {asm.SINGLE_YEARS_TABLE} 2015")
    kpop, _, _, ktables, kfert, klv, _, _ = _kreis_inputs(ctx, kreise, 2015)
    row = [kreise.index(k[:5]) for k in keys]
    lv = asm.Levels(
        klv.mortality[row], klv.fertility[row], klv.deaths[row], klv.births[row],
        klv.expected_deaths[row], klv.expected_births[row], klv.pooled[row],
    )  # fmt: skip
    kplan = mg.plan(kreis_history(ctx, kreise, 2015), 2015)
    pop, table, period = asm.base_population(ctx, keys, 2015)
    sched = _schedules(lv, ktables, kfert)
    zin, zout = asm.flows(ctx, keys)

    def zero(year: int, prev: np.ndarray) -> np.ndarray:
        return np.zeros_like(prev)

    natural = project(pop, sched, zero, 2015, 2016)
    balance = natural.births[0] - natural.deaths[0]
    years = kplan.recent_years
    net = (
        np.stack(
            [[_observed(ctx, k, y) - _observed(ctx, k, y - 1) for k in keys] for y in years], axis=1
        )
        - balance[:, None]
    )
    start = np.stack([[_observed(ctx, k, y - 1) for k in keys] for y in years], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        own = net.sum(axis=1) / start.sum(axis=1)
    deviation = np.nan_to_num(own - kplan.national_recent)
    plan = mg.Plan(**{**vars(kplan), "deviation": deviation})
    runs = {
        v: project(pop, sched, _migration(ctx, plan, v, zin, zout, pop), 2015, to) for v in variants
    }
    out = Projection(keys, 2015, table, period, runs, plan, lv)
    out.assumptions = describe(out, ktables, kfert)
    return out


def project_areas(
    ctx: Context, keys: list[str], base_year: int | None, to: int, variants=mg.VARIANTS
) -> Projection:
    """Kreise (5-digit keys, base 2020 unless asked for 2015) or Gemeinden (base 2015)."""
    kreise = [k for k in keys if len(k) == 5]
    if kreise and len(kreise) != len(keys):
        raise LookupError("Kreise und Gemeinden bitte getrennt vorausberechnen")
    if not kreise:
        if base_year not in (None, GEMEINDE_BASE):
            raise LookupError(f"Gemeinden haben nur das Basisjahr {GEMEINDE_BASE}")
        return project_gemeinden(ctx, keys, to, variants)
    base = base_year or KREIS_BASES[-1]
    if base not in KREIS_BASES:
        raise LookupError(f"Basisjahr {base} nicht möglich (möglich: 2015, 2020)")
    if to <= base:
        raise LookupError(f"Zieljahr {to} liegt nicht nach dem Basisjahr {base}")
    every = kreis_keys(ctx, base)
    unknown = [k for k in kreise if k not in every]
    if unknown:
        raise LookupError(f"Kreise {unknown} gibt es am 31.12.{base} nicht")
    ck = ("kreise", base, to, tuple(variants))
    if ck not in ctx.years_cache:
        fn = project_kreise_2015 if base == 2015 else project_kreise_2020
        ctx.years_cache[ck] = fn(ctx, every, to, variants)
    return subset(ctx.years_cache[ck], kreise)


def subset(proj: Projection, keys: list[str]) -> Projection:
    idx = [proj.keys.index(k) for k in keys]
    runs = {
        v: Run(r.years, r.population[:, idx], r.births[:, idx], r.deaths[:, idx])
        for v, r in proj.runs.items()
    }
    lv = proj.levels
    levels = asm.Levels(*(getattr(lv, f)[idx] for f in asm.Levels.__dataclass_fields__))
    plan = mg.Plan(**{**vars(proj.plan), "deviation": proj.plan.deviation[idx]})
    return Projection(
        keys, proj.base_year, proj.base_table, proj.base_period, runs, plan, levels,
        proj.assumptions,
    )  # fmt: skip


def _lams(plan: mg.Plan) -> str:
    lam = plan.persistence
    shown = [h for h in (1, 5, 10) if h <= len(lam)]
    parts = [f"λ({h}) = {format_de(lam[h - 1], 2)}" for h in shown]
    return ", ".join(parts) + f", ab {len(lam)} Jahren {format_de(lam[-1], 2)}"


def _pct(x: float) -> str:
    return format_de(x, 1)


def describe(
    proj: Projection, tables: dict[str, sc.LifeTable], fert: sc.Fertility
) -> list[Assumption]:
    """The assumptions in words, with the tables they come from."""
    plan = proj.plan
    years = lambda ys: f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])  # noqa: E731
    split = (
        "die Altersjahre 75–79, 80–84, 85–89 und 90+ entlang der Sterbetafel 2016/18 (L(x)) auf "
        "Einzeljahre verteilt"
        if proj.base_table == asm.SINGLE_YEARS_TABLE
        else "die 17 Altersgruppen entlang der Einzeljahre des eigenen Kreises verteilt"
    )
    period = tables["male"].period
    return [
        Assumption(
            "Basis",
            f"Bevölkerung am {proj.base_period[8:10]}.{proj.base_period[5:7]}.{proj.base_year} "
            f"nach Geschlecht und Alter; {split}.",
            proj.base_table,
        ),
        Assumption(
            "Sterblichkeit",
            f"Sterbetafel Deutschland {period} (Lebenserwartung bei Geburt: Männer "
            f"{format_de(tables['male'].e0, 1)}, Frauen {format_de(tables['female'].e0, 1)} Jahre), "
            "konstant; örtliches Niveau durch indirekte Standardisierung: Gestorbene "
            f"{years(list(asm.LEVEL_YEARS))} je erwartete Gestorbene mit den Raten der Tafel, "
            "relativ zu Deutschland, je Geschlecht. Unter "
            f"{asm.MIN_EVENTS} Ereignissen gilt das Niveau Deutschlands.",
            f"{sc.LIFE_TABLE}, {asm.DEATHS}, {asm.MEAN_POPULATION}",
        ),
        Assumption(
            "Geburten",
            f"Altersspezifische Geburtenziffern Deutschlands {fert.year} (zusammengefasste "
            f"Geburtenziffer {format_de(fert.tfr, 2)}), konstant; örtliches Niveau durch indirekte "
            f"Standardisierung der Lebendgeborenen {years(list(asm.LEVEL_YEARS))}; "
            f"Jungenanteil {_pct(fert.share_male * 100)} %.",
            f"{sc.BIRTHS_BY_AGE}, {sc.SINGLE_YEARS}, {asm.BIRTHS}",
        ),
        Assumption(
            "Wanderungen",
            f"Wanderungssaldo Deutschlands je 1.000 Ew.: {_pct(plan.national_recent * 1000)} "
            f"(Mittel {years(plan.recent_years)}) geht in {mg.CONVERGENCE} Jahren linear auf "
            f"{_pct(plan.national_long * 1000)} (Mittel aller regulären Jahre "
            f"{years(plan.long_years)}) zurück; ohne {', '.join(str(y) for y in mg.IRREGULAR)} "
            f"({'; '.join(mg.IRREGULAR.values())}). Dazu die eigene Abweichung von Deutschland "
            f"({years(plan.recent_years)}), gedämpft mit λ(h), dem Anteil einer 3-jährigen "
            "Abweichung, der h Jahre später im Mittel noch bestand (gemessen an allen Kreisen, "
            f"Ausgangsjahre ab {plan.persistence_origins[0]}): {_lams(plan)}. Salden "
            "nach der Residualmethode (Veränderung minus natürlicher Saldo), nach 2015 geschätzt. "
            "Nach Alter und Geschlecht: Fortziehende mit den Fortzugsraten 2015 ihrer "
            "Altersgruppe, Zuziehende wie 2015, die Differenz zum angenommenen Saldo mit dem "
            "Altersprofil des Wanderungssaldos Deutschlands 2015 (Zuwanderung über die Grenze). "
            "Varianten: niedrige bzw. hohe Zuwanderung nehmen das niedrigere "
            "bzw. höhere der beiden Niveaus Deutschlands von Anfang an.",
            f"{asm.MOVES_KREIS if len(proj.keys[0]) == 5 else asm.MOVES_GEMEINDE}, 12411-01-01-4, "
            f"12411-0015, {asm.BIRTHS}, {asm.DEATHS}",
        ),
    ]


def area_levels(proj: Projection, i: int) -> dict:
    lv, plan = proj.levels, proj.plan
    return {
        "mortality_level_male": round(float(lv.mortality[i, 0]), 4),
        "mortality_level_female": round(float(lv.mortality[i, 1]), 4),
        "fertility_level": round(float(lv.fertility[i]), 4),
        "level_replaced_by_germany": bool(lv.pooled[i]),
        "deaths_observed": float(np.nansum(lv.deaths[i])),
        "deaths_expected": round(float(np.nansum(lv.expected_deaths[i])), 1),
        "births_observed": float(lv.births[i]),
        "births_expected": round(float(lv.expected_births[i]), 1),
        "migration_deviation_per_1000": round(float(plan.deviation[i]) * 1000, 3),
        "net_migration_per_1000_first_year": round(
            float(plan.rate("main", proj.base_year + 1)[i]) * 1000, 3
        ),
    }
