"""Which Gemeinden a projection of Gemeinden takes, and in which Kreis's batch: every Gemeinde
of the base with an age structure is projected with all others of its Kreis; in a run that
meets what was observed, a Gemeinde formed by a merger since, or one that absorbed neighbours
and kept its key, as the sum of their age structures (data/key_changes.toml), and a Gemeinde
merged into a neighbour that is not listed there until it was (`merged_gemeinden`)."""

from __future__ import annotations

import numpy as np

from dwk.core.errors import NoProjection
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.key_changes import formed_from, territories
from dwk.projection import gemeinden as gem
from dwk.projection import kreis_inputs as ki
from dwk.projection import observed as ob
from dwk.projection.engine import SEXES

__all__ = [
    "batch_kreis",
    "batch_members",
    "check_base",
    "formed_in",
    "gemeinde_base",
    "gemeinde_bases",
    "gemeinde_members",
    "merged_gemeinden",
    "projected_gemeinden",
    "projected_territory_changes",
]


def gemeinde_base(ctx: Context) -> int:
    """The Gemeinde base: Gemeinden take their Kreis's levels and migration of the first Kreis
    base, so that is their base, whatever later age groups the store holds."""
    return ki.first_base(ctx)


def gemeinde_bases(ctx: Context) -> tuple[int, ...]:
    """The years a Gemeinde projection can start from: the Gemeinde base if the age-group table
    has it (2015 with the shipped tables), else none."""
    groups = ctx.age_tables().get(ctx.table("age_groups"), [])
    return tuple(y for y in (gemeinde_base(ctx),) if y in groups)


def check_base(ctx: Context, keys: list[str]) -> None:
    """The NoProjection errors `asm.base_population` gives for `keys`, in the same order."""
    table, base = ctx.table("age_groups"), gemeinde_base(ctx)
    src = ctx.age(table, base)
    if src is None:
        raise NoProjection(f"{table} hat keinen Stichtag 31.12.{base}")
    formed = formed_from(ctx.changes, after=f"{base}-12-31")
    for key in (k for k in keys if k in formed):
        parts = formed[key]
        raise NoProjection(
            f"Gemeinde {key} gab es am 31.12.{base} noch nicht; vom Stand 31.12.{base} gibt "
            f"dwk project {' '.join(parts)} --base-year {base} die Gemeinden, aus denen sie "
            "gebildet wurde"
        )
    missing = [k for k in keys if k not in src.row]
    bad = missing or [k for k in keys if k not in gemeinde_members(ctx, k[:5])]
    if bad:
        raise NoProjection(f"Keine Altersstruktur für {bad[0]} am 31.12.{base}")


def merged_gemeinden(ctx: Context) -> frozenset[str]:
    """The Gemeinden of the base that were merged into a neighbour by the last Gemeindeverzeichnis
    (`gemeinden.merged_away`): a run that meets the observed totals has none of their own."""

    def build() -> frozenset[str]:
        base = gemeinde_base(ctx)
        src = ctx.age(ctx.table("age_groups"), base)
        keys = sorted(inputs.gemeinde_keys(ctx, src.table) & set(src.keys))
        last = ob.last_observed(ctx, "gemeinde")
        gone = gem.merged_away(ob.filled_totals(ctx), keys, list(range(base, last + 1)))
        return frozenset(k for k, g in zip(keys, gone[-1], strict=True) if g)

    return ctx.lookup(("merged_gemeinden", gemeinde_base(ctx)), build)


def projected_gemeinden(ctx: Context, kreis: str, base_year: int | None) -> list[str]:
    """The Gemeinden of `kreis` that `project_areas` projects with `base_year`: every member,
    and without a base year the Gemeinden formed by mergers since (`formed_in`) instead of
    those they were formed from (a Gemeinde merged into a neighbour that is not listed there
    is projected until it was, `Projection.ends`)."""
    if base_year is not None:
        return gemeinde_members(ctx, kreis)
    parts = {o for new, (_, old) in _groups(ctx).items() for o in old if o != new}
    kept = [k for k in gemeinde_members(ctx, kreis) if k not in parts]
    return sorted({*kept, *formed_in(ctx, [kreis])})


def formed_in(ctx: Context, keys: list[str]) -> dict[str, list[str]]:
    """The Gemeinden whose territory since the base is that of several Gemeinden of the base,
    among `keys` or projected in the batch of the Kreise `keys` (`_groups`), with those
    Gemeinden."""
    return {
        new: list(old) for new, (home, old) in _groups(ctx).items() if new in keys or home in keys
    }


def _groups(ctx: Context) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every Gemeinde whose territory since the base is that of several Gemeinden of the base
    (`key_changes.territories`: formed by a merger since, or having absorbed neighbours and kept its
    key, itself first), projected as their sum where they all have an age structure: its key
    → the Kreis of the base whose batch projects it (`_home`) and those Gemeinden."""

    def build() -> dict[str, tuple[str, tuple[str, ...]]]:
        out = {}
        for new, old in territories(ctx.changes, gemeinde_base(ctx)).items():
            home = _home(ctx, new, old)
            kept = new in old  # an absorbing Gemeinde is its own first part
            if (new in gemeinde_members(ctx, home)) == kept and all(
                o in gemeinde_members(ctx, o[:5]) for o in old
            ):
                out[new] = (home, old)
        return out

    # from whole tables, on disk: a profile would otherwise read the age structure of the
    # Kreise of every such Gemeinde to find its own (0.15 s)
    return ctx.lookup(("gemeinde_groups",), build)


def _home(ctx: Context, new: str, old: tuple[str, ...]) -> str:
    """The Kreis of the base whose batch projects a Gemeinde with the territory of `old`: that
    of its key, where it is a Kreis of the base (Kaltennordheim, 16066095, was formed in 2019
    also from Kaltennordheim of the Wartburgkreis, 16063102, which then changed Kreis), else
    that of its first part (Walkenried, 03159036, of Gemeinden of Osterode am Harz, 03156)."""
    kreise = ki.kreis_keys(ctx, gemeinde_base(ctx))
    return new[:5] if new[:5] in kreise else old[0][:5]


def batch_kreis(ctx: Context, key: str) -> str:
    """The Kreis of the base whose batch projects a Gemeinde (`_kreis_batch`): its own, or
    that of the Gemeinden a merged one was formed from (`_home`)."""
    group = _groups(ctx).get(key)
    return group[0] if group else key[:5]


def batch_members(ctx: Context, kreis: str, calibrate: bool) -> list[str]:
    """The Gemeinden the batch of `kreis` projects: its members (`gemeinde_members`); in a run
    that meets what was observed, a part of a merged Gemeinde in another Kreis with that
    Gemeinde's batch (`_home`), where its people have been counted since."""
    members = gemeinde_members(ctx, kreis)
    if not calibrate:
        return members
    home = {o: h for _, (h, old) in _groups(ctx).items() for o in old}
    return sorted(
        [k for k in members if home.get(k, kreis) == kreis]
        + [o for o, h in home.items() if h == kreis and o[:5] != kreis]
    )


def gemeinde_members(ctx: Context, kreis: str) -> list[str]:
    """The Gemeinden of `kreis` with an age structure for both sexes in 2015: the ones
    `project_gemeinden` projects."""
    return ctx.memo(("gemeinden_of", kreis), lambda: _with_age(ctx, kreis))


def _with_age(ctx: Context, kreis: str) -> list[str]:
    src = ctx.age(ctx.table("age_groups"), gemeinde_base(ctx))
    gemeinden = inputs.gemeinde_keys(ctx, src.table)
    keys = [k for k in src.keys if k in gemeinden and k.startswith(kreis)]
    for sex in SEXES:
        ctx.single_years.prefetch(src, keys, sex)
    return [k for k in keys if all(ctx.single_years.of(src, k, s) is not None for s in SEXES)]


def projected_territory_changes(ctx: Context, key: str) -> list[tuple[int, float, float]]:
    """(year, area before, area then) wherever the territory a run projects a Gemeinde for
    changed after the base by more than `inputs.TERRITORY_TOLERANCE`: a merged or absorbing
    Gemeinde starts from its parts' area (Grabow with Steesow: none), another from its own
    (Unstruttal, which took parts of Anrode and Dünwald and Menteroda in 2023: 44.58 → 100.66
    km²; Dingelstädt, formed of five in 2019, took four villages in 2023)."""
    base = gemeinde_base(ctx)
    group = _groups(ctx).get(key)
    if group is None:
        return inputs.territory_changes(ctx, key, base)
    later = inputs.territory_changes(ctx, key, base + 1)
    start = float(np.nansum(inputs.area_on(ctx, list(group[1]), base)))
    known = inputs.known_areas(ctx, key, base + 1)
    if start > 0 and known:
        year, area = next(iter(known.items()))
        if abs(area / start - 1) > inputs.TERRITORY_TOLERANCE:
            later.insert(0, (year, start, area))
    return later
