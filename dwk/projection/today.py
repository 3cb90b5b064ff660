"""A projection on the territory of today: a Kreis that took in another after the base
(Eisenach into the Wartburgkreis on 01.07.2021) is projected apart from it until then, since
each meets its own observed figures; asked for by itself, in a profile's outlook or by
`dwk project wartburgkreis`, it is their sum, as a Gemeinde that took in neighbours is
(`batches.formed_in`). `dwk project --level kreis` keeps the Kreise of the base apart, so
that they add up to Germany."""

from __future__ import annotations

from dwk.inputs.context import Context
from dwk.inputs.population import Line
from dwk.key_changes import absorbed_into
from dwk.projection import migration as mg
from dwk.projection import observed as ob
from dwk.projection.model import project_areas
from dwk.projection.result import Projection, merged

__all__ = ["basis_factor", "project_today", "taken_in"]


def taken_in(ctx: Context, key: str, base: int) -> list[str]:
    """The Kreise `key` took in after 31.12.`base` (data/key_changes.toml, "Eingliederung")."""
    return list(absorbed_into(ctx.changes, base, "kreis").get(key, ()))


def project_today(ctx: Context, keys: list[str], to: int, variants=mg.VARIANTS) -> Projection:
    """`project_areas` of `keys` without a base year, each on its territory of today; one
    asked for with a Kreis it took in keeps them apart."""
    proj = project_areas(ctx, keys, None, to, variants)
    groups = {
        k: [k, *parts]
        for k in keys
        if (parts := taken_in(ctx, k, proj.base_year)) and not set(parts) & set(keys)
    }
    if not groups:
        return proj
    every = list(dict.fromkeys([*keys, *(p for g in groups.values() for p in g)]))
    return merged(project_areas(ctx, every, None, to, variants), groups)


def basis_factor(ctx: Context, key: str, base: int, line: Line) -> float:
    """The factor that carries the area's figures up to the base over to the run's census
    `line` (`observed.basis_factor`); for a Kreis with the Kreise it took in, their factors
    weighted by their people at the base, as each of them was carried over (the
    Wartburgkreis's own 0.98, Eisenach's 0.94)."""
    keys = [key, *taken_in(ctx, key, base)]
    factors = ob.basis_factor(ctx, keys, line)
    if len(keys) == 1:
        return float(factors[0])
    people = ob.observed(ctx, keys, base, ob.FIRST_LINE)
    return float((factors * people).sum() / people.sum())
