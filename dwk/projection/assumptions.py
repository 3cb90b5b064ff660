"""The projection's inputs for a set of areas, from the shipped tables only: the base population
by single year of age, local mortality and fertility levels by indirect standardisation, and
the yearly net migration by age and sex.

Levels are relative to Germany: observed events over the events expected with Germany's rates
and the area's own age structure, divided by the same ratio for Germany. They come from the
last four years with Kreis births and deaths (2012–2015 with the shipped tables); a Gemeinde takes its Kreis's levels
(the Gemeinde tables of births and deaths are not shipped). A level resting on fewer than
`MIN_EVENTS` events over the four years is replaced by 1 (Germany's level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.core.errors import NoProjection
from dwk.core.types import level_of
from dwk.dynamics import components
from dwk.inputs import schedules as sc
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.projection.engine import SEXES, spreader

LEVEL_SPAN = 4
"""A method constant: the levels pool this many years of events, so that a small Kreis has
enough of them; the years are the last ones with Kreis births and deaths (`level_years`)."""
MIN_EVENTS = 100
"""Events over the four level years below which a local level is not estimated."""


def collapse(single: np.ndarray) -> np.ndarray:
    """Single years 0..n → 0..99, 100+."""
    out = np.zeros(sc.AGES)
    out[: sc.TOP] = single[: sc.TOP]
    out[sc.TOP] = single[sc.TOP :].sum()
    return out


def base_population(ctx: Context, keys: list[str], year: int) -> tuple[np.ndarray, str, str]:
    """(areas, 2, AGES) on 31.12. of `year`, the table and Stichtag it comes from. Kreise have
    single years to 74 (the bands above are split along the life table's L(x)); Gemeinden
    have 17 groups, split along their Kreis's single years (see `single_years`)."""
    kreise = all(level_of(k) == "kreis" or k == "DG" for k in keys)
    table = ctx.table("age_single_years" if kreise else "age_groups")
    return ctx.memo(("base", table, year, tuple(keys)), lambda: _base(ctx, keys, table, year))


def _base(ctx: Context, keys: list[str], table: str, year: int) -> tuple[np.ndarray, str, str]:
    src = ctx.age(table, year)
    if src is None:
        raise NoProjection(f"{table} hat keinen Stichtag 31.12.{year}")
    missing = [k for k in keys if k not in src.row]
    if missing:
        raise NoProjection(f"Keine Altersstruktur für {missing[0]} am 31.12.{year}")
    for sex in SEXES:  # the same single years as `of`, split for many areas at once
        ctx.single_years.prefetch(src, keys, sex)
    out = np.zeros((len(keys), 2, sc.AGES))
    for i, key in enumerate(keys):
        for s, sex in enumerate(SEXES):
            single = ctx.single_years.of(src, key, sex)
            if single is None:
                raise NoProjection(f"Keine Altersstruktur für {key} am 31.12.{year}")
            out[i, s] = collapse(single)
    return out, table, src.period


def events(ctx: Context, table: str, keys: list[str], years: tuple[int, ...]) -> np.ndarray:
    """(areas, 2 sexes) summed over `years`; NaN if any year is missing or secret."""
    parts = [
        components.yearly(ctx, table, sex).reindex(index=keys, columns=list(years)) for sex in SEXES
    ]
    return np.stack([p.to_numpy(dtype=float).sum(axis=1) for p in parts], axis=1)


def event_years(ctx: Context) -> list[int]:
    """The years with Kreis births and deaths in the store, oldest first."""

    def build() -> list[int]:
        found = []
        for role in ("births", "deaths"):
            f = ctx.store.table(ctx.table(role))
            found.append({int(y) for y in f.loc[f["level"] == "kreis", "year"].unique()})
        return sorted(set.intersection(*found))

    return ctx.lookup(("event_years",), build)


def last_events(ctx: Context) -> int:
    """The last year with Kreis births and deaths: the end of the residual migration history
    and the year whose schedules the levels are measured against."""
    years = event_years(ctx)
    if not years:
        raise NoProjection("Keine Geburten und Sterbefälle der Kreise im Datenbestand")
    return years[-1]


def level_years(ctx: Context) -> tuple[int, ...]:
    """The last `LEVEL_SPAN` years with Kreis births and deaths."""
    last_events(ctx)  # none: say so
    return tuple(event_years(ctx)[-LEVEL_SPAN:])


@dataclass(frozen=True)
class Levels:
    mortality: np.ndarray  # (areas, 2)
    fertility: np.ndarray  # (areas,)
    deaths: np.ndarray  # observed, (areas, 2), over `level_years`
    births: np.ndarray  # (areas,)
    expected_deaths: np.ndarray
    expected_births: np.ndarray
    pooled: np.ndarray  # bool (areas,): level replaced by Germany's for want of events

    def take(self, rows: list[int]) -> Levels:
        return Levels(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def levels(
    ctx: Context,
    keys: list[str],
    pop: np.ndarray,
    tables: dict[str, sc.LifeTable],
    fert: sc.Fertility,
) -> Levels:
    """Indirect standardisation against Germany, for Kreise (5-digit keys) and DG."""
    all_keys = [*keys, "DG"]
    years = level_years(ctx)
    d_obs = events(ctx, ctx.table("deaths"), all_keys, years)
    b_obs = events(ctx, ctx.table("births"), all_keys, years).sum(axis=1)
    person_years = events(ctx, ctx.table("mean_population"), all_keys, years)
    de_pop = _germany(ctx)
    full = np.concatenate([pop, de_pop[None]], axis=0)
    m = np.stack([tables[s].death_rates() for s in SEXES])
    # expected events per person-year with the standard rates and the 2015 age structure
    exp_d_rate = (full * m[None]).sum(axis=2) / full.sum(axis=2)
    exp_d = exp_d_rate * person_years
    exp_b_rate = (full[:, 1] * fert.asfr[None]).sum(axis=1) / full.sum(axis=(1, 2))
    exp_b = exp_b_rate * person_years.sum(axis=1)
    smr = d_obs / exp_d
    sfr = b_obs / exp_b
    mort = smr[:-1] / smr[-1]
    fer = sfr[:-1] / sfr[-1]
    few = (np.nan_to_num(d_obs[:-1].sum(axis=1)) < MIN_EVENTS) | (
        np.nan_to_num(b_obs[:-1]) < MIN_EVENTS
    )
    mort = np.where(few[:, None] | ~np.isfinite(mort), 1.0, mort)
    fer = np.where(few | ~np.isfinite(fer), 1.0, fer)
    return Levels(mort, fer, d_obs[:-1], b_obs[:-1], exp_d[:-1], exp_b[:-1], few)


def _germany(ctx: Context) -> np.ndarray:
    """Germany's age structure at the end of the level years: the expected events' standard."""
    pop, _, _ = base_population(ctx, ["DG"], last_events(ctx))
    return pop[0]


def flows(ctx: Context, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """In- and out-moves of 2015 by group and sex: two (areas, 6, 2) arrays. Kreise: over the
    Kreis boundary; Gemeinden (and Germany): over the Gemeinde boundary."""
    cube = components.moves(ctx, moves_table(ctx, keys))
    out = []
    for direction in components.DIRECTIONS:
        out.append(np.stack([cube.get(keys, direction, inputs.MOVE_LABELS, s) for s in SEXES], 2))
    return out[0], out[1]


def moves_table(ctx: Context, keys: list[str]) -> str:
    """The table of the moves `flows` reads: over the Kreis boundary for Kreise, else over the
    Gemeinde boundary (the first such table with every key)."""
    if all(level_of(k) == "kreis" for k in keys):
        return ctx.table("moves_kreis")
    return components.table_of(ctx, "moves_gemeinde", keys)


def migration_by_age(
    level: np.ndarray,
    moves_in: np.ndarray,
    moves_out: np.ndarray,
    aged: np.ndarray,
    base: np.ndarray,
    profile: np.ndarray,
    whole: bool = False,
) -> np.ndarray:
    """Yearly net migration (areas, 2, AGES) that sums to `level`.

    Out-movers leave at the 2015 rates of their age group and sex (out-moves over the group's
    population on 31.12.2015, at most 1), applied to the population that has aged into each
    year of age (`aged`), so a shrinking cohort loses fewer people. In-movers are those of
    2015, plus or minus whatever it takes to reach `level`; that difference has the age and
    sex `profile` (groups, 2) of Germany's own balance, i.e. of moves across the border,
    because it is the level of immigration that changes from year to year, while moves inside
    Germany cancel out in Germany's balance. Within their group, in-movers are spread like
    the area's population of the year.

    `whole`: the areas make up Germany, so Germany's balance by age is known to be `level`'s
    sum times `profile`. The difference between that and the areas' 2015 moves is shared out
    per inhabitant; what an area still lacks to reach its own level (its deviation from
    Germany, which sums to 0) comes in like its own 2015 in-movers (a town that gains more
    than Germany gains more of the people who move there, not more people from abroad).
    In-movers then come from all over Germany and abroad, so within their group they are
    spread like Germany's population of the year (the areas' sum), not like the area's own.

    The population of the year (`aged`), not that of the base, because the large cohorts move
    on through the groups: gross moves in and out, spread one like the base and the other like
    the year, left Germany's population of 2020 (projected from 2015) with 3–7 % too many
    45–49-year-olds and 2–3 % too few 30–34-year-olds."""
    return age_pattern(moves_in, moves_out, base, profile, whole).apply(level, aged)


@dataclass(frozen=True)
class AgePattern:
    """What `migration_by_age` takes from the base population and the moves of 2015: the
    same every year, so a projection computes it once."""

    moves_in: np.ndarray  # (areas, groups, 2), secret cells 0
    in_total: np.ndarray  # (areas,)
    out_rate: np.ndarray  # (areas, groups, 2): out-moves over the group's people, at most 1
    profile: np.ndarray  # (groups, 2)
    whole: bool = False
    own_in: np.ndarray | None = None  # (areas, groups, 2): shares of the area's in-movers
    mobility: np.ndarray | None = None  # (AGES,), see `age_pattern`
    by_age: np.ndarray | None = None  # (2, AGES): `profile` by single year, see `age_pattern`

    def apply(self, level: np.ndarray, aged: np.ndarray) -> np.ndarray:
        movers = aged if self.mobility is None else aged * self.mobility
        own_spread = spreader(inputs.MOVE_BANDS, movers)
        left = self.out_rate * by_group(aged)  # (areas, groups, 2)
        leaving = own_spread(left)
        if not self.whole:
            gap = level - (self.in_total - left.sum(axis=(1, 2)))
            return own_spread(self.moves_in + gap[:, None, None] * self.profile[None]) - leaving
        # in-movers come from all of Germany and abroad
        spread = spreader(inputs.MOVE_BANDS, movers.sum(axis=0, keepdims=True))
        before = self.moves_in - left  # the 2015 moves, this year
        people = aged.sum(axis=(1, 2))
        share = people / people.sum()
        rest = level - before.sum(axis=(1, 2)) - share * (level.sum() - before.sum())
        own = spread(self.moves_in + rest[:, None, None] * self.own_in) - leaving
        if self.by_age is None:
            national = level.sum() * self.profile - before.sum(axis=0)
            return own + spread(share[:, None, None] * national[None])
        gap_by_age = level.sum() * self.by_age - own.sum(axis=0)  # (2, AGES)
        return own + share[:, None, None] * gap_by_age[None]


def age_pattern(
    moves_in: np.ndarray,
    moves_out: np.ndarray,
    base: np.ndarray,
    profile: np.ndarray,
    whole: bool = False,
    mobility: np.ndarray | None = None,
    by_age: np.ndarray | None = None,
) -> AgePattern:
    """`mobility` (AGES,): how often a person of each age moves relative to the others of
    the moves table's group; None: all alike. A group's movers, in and out, are spread over
    its ages along it; how many they are stays the group's. `by_age` (2, AGES), with `whole`:
    Germany's balance by sex and single year (shares), which it then meets at every age
    instead of by group."""
    zin, zout = np.nan_to_num(moves_in), np.nan_to_num(moves_out)
    groups = by_group(base)
    with np.errstate(invalid="ignore", divide="ignore"):
        out_rate = np.where(groups > 0, np.minimum(zout / groups, 1.0), 0.0)
    in_total = zin.sum(axis=(1, 2))
    own = zin / np.where(in_total > 0, in_total, 1.0)[:, None, None]
    own = np.where((in_total > 0)[:, None, None], own, profile[None])
    return AgePattern(zin, in_total, out_rate, profile, whole, own, mobility, by_age)


def without_transit(moves_in: np.ndarray, transit: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """The 2015 in-moves (areas, groups, 2) less the persons in transit at 31.12.2015
    (`migration.Plan.leaving`, persons per area), spread like the arrivals of that year
    (`profile`'s positive part): they came from abroad in 2015 and left the next year, so
    they are not among the in-movers the pattern repeats every year. At most a cell's
    in-movers; secret cells count 0, as in `age_pattern`. Kept in, the ten Kreise with the
    most in transit, projected from 2015, had 2.4 % too many under-18s in 2020 on average;
    taken out, 0.3 % too few (Trier +6.5 → +4.2 %, Schwerin +5.8 → +1.0 %, but Osnabrück
    +1.0 → −6.5 %). All Kreise's error of 2020 by age fell from 4.01 to 3.97 % (under 6),
    2.40 to 2.35 % (under 18) and 0.73 to 0.69 % (65 and over), that of their totals in 2023
    from 1.49 to 1.48 %, the others unchanged (`dwk project --backtest`). Kreise only,
    whose deviation comes like their own in-movers (`whole`): a Gemeinde's pattern gives what
    its level differs from its 2015 moves by with Germany's 2015 balance, the profile they are
    taken out with, so there it changed next to nothing (at most 2.3 persons in a cell of
    Osterheide's projection to 2021, of whose people 2,634 were in transit)."""
    arrivals = np.clip(profile, 0.0, None)
    arrivals = arrivals / arrivals.sum()
    return np.maximum(np.nan_to_num(moves_in) - transit[:, None, None] * arrivals[None], 0.0)


def border_profile(ctx: Context) -> np.ndarray:
    """Germany's net migration of 2015 by group and sex, as shares (groups, 2)."""

    def build() -> np.ndarray:
        zin, zout = flows(ctx, ["DG"])
        net = (zin - zout)[0]
        return net / net.sum()

    return ctx.lookup(("border_profile",), build)


def by_group(pop: np.ndarray) -> np.ndarray:
    """People (areas, 2, AGES) summed over the groups of the moves table: (areas, groups, 2)."""
    starts = [lo for lo, _ in inputs.MOVE_BANDS]
    return np.moveaxis(np.add.reduceat(pop, starts, axis=-1), 1, 2)
