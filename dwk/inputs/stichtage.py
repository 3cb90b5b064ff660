"""The Gemeinde figures of the first census line between their Stichtage (up to 2015 from
12411-01-01-5, then the Gemeindeverzeichnisse of 2019 and 2023): a renamed Gemeinde's
figures under both keys, a kreisfreie Stadt's from its Kreis's yearly ones, the years between
two Stichtage filled geometrically, but a Gemeinde whose territory changed kept on its earlier
one until the Stichtag that shows the change (`observed` carries them over to a later line).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dwk.core.types import level_of
from dwk.inputs import tables as inputs
from dwk.inputs.context import Context
from dwk.inputs.population import carried_forward
from dwk.key_changes import KeyChange

__all__ = [
    "CITY",
    "first_line_filled",
    "gemeinde_stichtage",
    "merged_cities",
    "real_gemeinden",
    "renamed_totals",
]

CITY = "000"
"""The Gemeinde part of a kreisfreie Stadt's key: its one Gemeinde is the Kreis's territory."""


def merged_cities(changes: list[KeyChange], keys) -> dict[str, KeyChange]:
    """Each kreisfreie Stadt merged into a Kreis (its Gemeinde, key and `CITY`, among `keys`)
    → that change (Eisenach, 16056, into the Wartburgkreis in 2021): its Gemeinde's figures
    are its own as a Kreis after it, so the Kreis it joined is the rest (`kreis_targets`,
    `_to_kreise`), and it has one census factor (`basis_factors`). Not Kreise of several
    Gemeinden (Göttingen and Osterode am Harz, 2016): only their sum is known then."""
    keys = set(keys)
    return {
        old: c
        for c in changes
        if c.level == "kreis" and all(f"{o}{CITY}" in keys for o in c.old)
        for old in c.old
    }


def first_line_filled(ctx: Context) -> pd.DataFrame:
    """The first line's totals (area × year, every year from the first to the last) filled as
    the module docstring says."""
    t = renamed_totals(ctx)
    years = list(range(int(min(t.columns)), int(max(t.columns)) + 1))
    logged = np.log(_as_cities(t).reindex(columns=years).where(lambda f: f > 0))
    return _held(ctx, t, np.exp(logged.interpolate(axis=1, limit_area="inside")))


def _as_cities(t: pd.DataFrame) -> pd.DataFrame:
    """`t` with a kreisfreie Stadt's Gemeinde (its key and `CITY`) taking the Kreis's figure
    in a year it has none of its own: one territory, and the Kreis's figures are yearly
    (Eisenach's of 31.12.2020, before it joined the Wartburgkreis, lies between its
    Gemeindeverzeichnisse of 2019 and 2023)."""
    kreise = [k for k in t.index if level_of(str(k)) == "kreis" and f"{k}{CITY}" in t.index]
    if not kreise:
        return t
    cities = [f"{k}{CITY}" for k in kreise]
    out = t.copy()
    out.loc[cities] = t.loc[cities].fillna(t.loc[kreise].set_axis(cities)).to_numpy()
    return out


def _held(ctx: Context, t: pd.DataFrame, filled: pd.DataFrame) -> pd.DataFrame:
    """`filled` with a Gemeinde whose territory changed between two Stichtage with Gemeinde
    figures (it is missing on the later one, or its area differs: `inputs.same_territory`)
    kept on its earlier territory in the years between, grown as its Kreis grew: the change
    counts in the year of the later Stichtag. Interpolated across it, the years between
    would spread the people of a Gemeinde absorbed in 2023 over 2020–2022 and drop the
    absorbed one from 2020 (Dünwald and Anrode, split among three Gemeinden in 2023), so a
    Kreis's Gemeinden would not add up to its figure in those years."""
    gemeinden = [str(k) for k in t.index if level_of(str(k)) == "gemeinde"]
    real = real_gemeinden(ctx)
    stichtage = gemeinde_stichtage(ctx)
    out = filled.copy()
    for s0, s1 in zip(stichtage, stichtage[1:], strict=False):
        between = list(range(s0 + 1, s1))
        if not between:
            continue
        at0, at1 = t.loc[gemeinden, s0], t.loc[gemeinden, s1]
        later = at1.index[at1.notna().to_numpy()]
        changed = pd.Series(False, index=gemeinden)
        changed[later] = ~inputs.same_territory(ctx, list(later), s0, s1)
        gone = at1.isna() & pd.Series([k in real for k in gemeinden], index=gemeinden)
        rows = at0.index[(at0.notna() & (changed | gone)).to_numpy()]
        kreise = out.reindex(index=[k[:5] for k in rows], columns=[s0, *between])
        growth = kreise[between].div(kreise[s0], axis=0).fillna(1.0).to_numpy()
        out.loc[rows, between] = at0[rows].to_numpy()[:, None] * growth
    return out


def renamed_totals(ctx: Context) -> pd.DataFrame:
    """The observed totals with a Gemeinde's figures under its new key also under the old one
    (`population.carried_forward`): a run goes by the key of the age structure it starts
    from."""
    return ctx.lookup(
        ("renamed_totals",), lambda: carried_forward(ctx.observed_totals, ctx.changes)
    )


def gemeinde_stichtage(ctx: Context) -> list[int]:
    """The years with Gemeinde figures on the first census line (to 2015 from 12411-01-01-5,
    then the Gemeindeverzeichnisse: 2019 and 2023 with the shipped files)."""

    def build() -> list[int]:
        t = ctx.observed_totals
        rows = np.array([level_of(str(k)) == "gemeinde" for k in t.index], dtype=bool)
        has = t.loc[rows].notna().any(axis=0)
        return sorted(int(y) for y, ok in has.items() if ok)

    return ctx.lookup(("gemeinde_stichtage",), build)


def real_gemeinden(ctx: Context) -> frozenset[str]:
    """The 8-digit keys of the first line that are Gemeinden: those the age-group table gives
    as such (`inputs.gemeinde_keys`; it lists Samtgemeinden too) and those of the
    Gemeindeverzeichnisse after it, which list Gemeinden only."""

    def build() -> frozenset[str]:
        t = ctx.observed_totals
        table = ctx.table("age_groups")
        last = max(ctx.age_tables().get(table, [0]))
        later = [y for y in gemeinde_stichtage(ctx) if y > last]
        rows = [str(k) for k in t.index if level_of(str(k)) == "gemeinde"]
        listed = t.loc[rows, later].dropna(how="all").index if later else []
        return inputs.gemeinde_keys(ctx, table) | frozenset(str(k) for k in listed)

    return ctx.lookup(("real_gemeinden",), build)
