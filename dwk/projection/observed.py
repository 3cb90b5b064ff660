"""The totals observed after a projection's base, on one census line per run.

A run that meets what was observed (no `--base-year`) is on the newest census basis whose
Fortschreibung has Kreis figures (`newest_line`): with 12411-0015 that is the Zensus 2022
basis, which the profile's current figures are on too. Its Kreise have 2022-based figures
from 31.12.2022 on only, the Gemeinden none but the census count, so the earlier figures of
the Zensus 2011 line are carried over to the new basis with one factor per area
(`basis_factors`):

- a Kreis (Land, Germany): its two Fortschreibungen on the last Stichtag both give
  (31.12.2023: 12411-0015 and the Gemeindeverzeichnis);
- a Gemeinde: its Zensus 2022 count over its Zensus 2011 line on the census day (geometric
  between the 31.12. around it), if its territory stayed the same between the Stichtage
  around the census day (`inputs.same_territory`), else its Kreis's factor; then the
  Gemeinden of a Kreis times one ratio, so that on that last Stichtag they add up to the
  Kreis's figure (`_raked`). Carried along the old line, the census counts of a Kreis's
  Gemeinden came to 0.4 % more or less than its own Fortschreibung (up to 2 %), and the
  Gemeinden's projections did not add up to the Kreis's.

In every year the carried-over Gemeinden are scaled to their Kreis's figure once more where
they make up all of it (`_to_kreise`): the years between two Gemeindeverzeichnisse are filled
geometrically, the Kreis's are observed (2022: the Ukrainian arrivals).

The same factor scales the base population of every age and sex: no shipped table gives
the census correction by age. A run with a base year stays on the Zensus 2011 line.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dwk.core.types import level_of
from dwk.dynamics.series import census_counts
from dwk.inputs import tables as inputs
from dwk.inputs.censuses import by_basis
from dwk.inputs.context import Context
from dwk.inputs.population import LINES, Line
from dwk.inputs.stichtage import (
    CITY,
    first_line_filled,
    merged_cities,
    renamed_totals,
)
from dwk.key_changes import KeyChange, renames
from dwk.projection.framed import Targets

__all__ = [
    "FIRST_LINE",
    "basis_factor",
    "basis_factors",
    "common_year",
    "filled_totals",
    "holder",
    "kreis_targets",
    "last_observed",
    "merged_into",
    "met_until",
    "newest_line",
    "observed",
    "rebased",
]

FIRST_LINE: Line = LINES[0]


def newest_line(ctx: Context) -> Line:
    """The newest census line with Kreis figures that shares a Stichtag with the first (so
    that the earlier figures can be carried over to it): the basis of a run that meets what
    was observed."""

    def build() -> Line:
        joined = [
            line
            for line in LINES[1:]
            if _has_kreise(ctx.population(line).observed) and common_year(ctx, line) is not None
        ]
        return joined[-1] if joined else FIRST_LINE

    return ctx.lookup(("newest_line",), build)


def met_until(ctx: Context, level: str, base: int, to: int, calibrate: bool) -> tuple[Line, int]:
    """The census line of a run and the last year whose observed totals of `level` it meets:
    `calibrate` (no base year asked for), the newest line and its last year up to `to`; else
    the first line and the base, nothing after it."""
    if not calibrate:
        return FIRST_LINE, base
    line = newest_line(ctx)
    return line, min(last_observed(ctx, level, line), to)


def _has_kreise(t: pd.DataFrame) -> bool:
    rows = np.array([level_of(str(k)) == "kreis" for k in t.index], dtype=bool)
    return bool(rows.any() and t.loc[rows].notna().to_numpy().any())


def filled_totals(ctx: Context, line: Line = FIRST_LINE) -> pd.DataFrame:
    """The observed totals of `line` (area × year, every year from the first to the last), a
    year missing between two observed ones filled geometrically (31.12.2022 of the Kreise lies
    between 12411-0015 of 2021 and the Gemeindeverzeichnis of 2023; Gemeinden see
    `stichtage`). A later line: its own figures, before them the first line's times
    `basis_factors`."""

    if line == FIRST_LINE:
        return ctx.lookup(("filled_totals",), lambda: first_line_filled(ctx))
    return ctx.lookup(("filled_totals", line), lambda: _carried_over(ctx, line))


def _carried_over(ctx: Context, line: Line) -> pd.DataFrame:
    reference = filled_totals(ctx)
    first = reference.mul(basis_factors(ctx, line), axis=0)
    own = ctx.population(line).observed
    years = sorted({*first.columns, *own.columns})
    keys = first.index.union(own.index)
    own = own.reindex(index=keys, columns=years)
    table = own.where(own.notna(), first.reindex(index=keys, columns=years))
    table = _to_kreise(
        table, reference.reindex(index=keys, columns=years), ctx.observed_totals, ctx.changes
    )
    # a renamed Gemeinde's figures under its new key are scaled with the new key's Kreis; the
    # old key takes them (the years filled between its own and those stay as they are)
    for was, now in renames(ctx.changes):
        if was in table.index and now in table.index:
            later = ctx.observed_totals.loc[was].reindex(years).isna() & table.loc[now].notna()
            table.loc[was, later] = table.loc[now, later]
    return table


COMPLETE = 0.005
"""A Kreis's Gemeinden make up all of it in a year if, on the first line, the ones with a
figure that year add up to the Kreis's within this share on the Stichtag with Gemeinde
figures before it (in the years between, a Gemeinde is kept on that Stichtag's territory,
`stichtage`; one formed since has no figure yet)."""


def _to_kreise(
    table: pd.DataFrame,
    reference: pd.DataFrame,
    observed_first: pd.DataFrame,
    changes: list[KeyChange],
) -> pd.DataFrame:
    """Each year, a Kreis's Gemeinden scaled to add up to the Kreis's figure on the new line
    where they make up all of it (`COMPLETE`, judged on the first line, `reference`, on the
    last Stichtag up to the year with Gemeinde figures in `observed_first`): the Gemeinden's
    own figures give their shares, the Kreis's Fortschreibung the sum (the Kreise have
    2022-based figures from 31.12.2022, the Gemeinden none). Where a Kreis absorbed a
    kreisfreie Stadt since that Stichtag (`changes`: Eisenach, 16056000, into the Wartburgkreis
    in 2021), the city's own figure is taken from the Kreis's (`kreis_targets` does the same);
    where it merged with Kreise of several Gemeinden (Göttingen 2016), its Gemeinden are left
    as they are until the next Stichtag: its figure is of a territory their keys do not tell."""
    gemeinden = [str(k) for k in table.index if level_of(str(k)) == "gemeinde"]
    kreis_of = pd.Index([k[:5] for k in gemeinden])
    kreise = kreis_of.unique().intersection(table.index)
    seen = observed_first.reindex(index=gemeinden).notna().any()
    counted = [y for y in seen.index if seen[y]]  # the Stichtage with Gemeinde figures
    years = [y for y in table.columns if counted and counted[0] <= y <= counted[-1]]
    if kreise.empty or not years:
        return table
    own = table.loc[gemeinden, years]
    before = [max(c for c in counted if c <= y) for y in years]
    ref = reference.loc[gemeinden, before].set_axis(years, axis=1).where(own.notna())
    kreis = reference.loc[kreise, before].set_axis(years, axis=1)
    cover = ref.groupby(kreis_of).sum().reindex(kreise) / kreis
    complete = (cover - 1).abs() < COMPLETE
    figure = table.loc[kreise, years].copy()
    cities = merged_cities(changes, table.index)
    for c in (c for c in changes if c.level == "kreis"):
        moved = [y for y, b in zip(years, before, strict=True) if b < int(c.date[:4]) <= y]
        if moved and c.new in figure.index and c.old[0] in cities:
            own_figures = table.loc[[f"{o}{CITY}" for o in c.old], moved]
            figure.loc[c.new, moved] -= own_figures.sum(min_count=len(c.old))
        else:
            complete.loc[complete.index.intersection([c.new, *c.old]), moved] = False
    summed = own.groupby(kreis_of).sum(min_count=1).reindex(kreise)
    ratio = (figure / summed).where(complete)
    out = table.copy()
    out.loc[gemeinden, years] = own.to_numpy() * ratio.reindex(kreis_of).fillna(1.0).to_numpy()
    return out


def common_year(ctx: Context, line: Line) -> int | None:
    """The last 31.12. that both the first line and `line` give figures for (2023)."""
    old, new = ctx.observed_totals, ctx.population(line).observed
    both = [y for y in set(old.columns) & set(new.columns) if old[y].notna().any()]
    return max((int(y) for y in both if new[y].notna().any()), default=None)


def basis_factors(ctx: Context, line: Line) -> pd.Series:
    """Per area of the first line: its figures on `line` over those on the first (see the
    module docstring); an area without its own, its Kreis's (or the Kreis that holds it
    later), else Germany's; a kreisfreie Stadt merged into a Kreis since, its Gemeinde's."""

    def build() -> pd.Series:
        old, new = ctx.observed_totals, ctx.population(line).observed
        out = pd.Series(np.nan, index=old.index, dtype=float)
        last = common_year(ctx, line)
        if last is not None:
            ratio = (new[last].reindex(old.index) / old[last]).dropna()
            out[ratio.index] = ratio
        own = _gemeinde_factors(ctx, line)
        out[own.index] = own
        for was, now in renames(ctx.changes):  # Eisenach's count is its own under either key
            if now in out.index and was in own.index:
                out[now] = own[was]
        for key in out.index[out.isna()]:  # a Kreis's key sorts before its Gemeinden's
            kreis = str(key)[:5]
            if kreis in out.index and np.isfinite(out[kreis]):
                out[key] = out[kreis]
            elif last is not None and (h := holder(ctx, kreis, last)) is not None:
                out[key] = out.get(h, np.nan)
        out = out.fillna(out.get("DG", 1.0))
        if last is not None:
            out = _raked(out, old, last)
        for was, now in renames(ctx.changes):  # one Gemeinde, one factor
            if was in out.index and now in out.index:
                out[was] = out[now]
        for key in merged_cities(ctx.changes, out.index):  # one figure as Kreis and Gemeinde
            if key in out.index:
                out[key] = out[f"{key}{CITY}"]
        return out

    return ctx.lookup(("basis_factors", line), build)


def _raked(factors: pd.Series, old: pd.DataFrame, last: int) -> pd.Series:
    """The Gemeinden's factors times one ratio per Kreis, so that on `last` they add up to
    the Kreis's figure on the new line: a Gemeinde's own census count sets its share, the
    Kreis's Fortschreibung the sum (the two differ by up to 2 %, 0.4 % on average, because
    the Gemeinde factor carries the census count along the old line)."""
    gemeinden = [str(k) for k in old.index if level_of(str(k)) == "gemeinde"]
    at = old.loc[gemeinden, last]
    seen = at.index[at.notna().to_numpy()]
    kreis = pd.Index([k[:5] for k in seen])
    before = at[seen].groupby(kreis).sum()
    after = (at[seen] * factors[seen]).groupby(kreis).sum()
    ratio = (factors.reindex(before.index) * before / after).dropna()
    out = factors.copy()
    rows = [k for k in gemeinden if k[:5] in ratio.index]
    out[rows] = factors[rows].to_numpy() * ratio[[k[:5] for k in rows]].to_numpy()
    return out


def _gemeinde_factors(ctx: Context, line: Line) -> pd.Series:
    """Each Gemeinde's census count over its first line on the census day, geometric between
    the Stichtage around it, where its territory stayed the same between them."""
    census, old = by_basis(line), renamed_totals(ctx)
    gemeinden = [str(k) for k in old.index if level_of(str(k)) == "gemeinde"]
    has = old.loc[gemeinden].notna().any()
    seen = [int(y) for y in has.index[has.to_numpy()]]
    day = date.fromisoformat(census.date)
    before = max((y for y in seen if y < day.year), default=None)
    after = min((y for y in seen if y >= day.year), default=None)
    if before is None or after is None:
        return pd.Series(dtype=float)
    same = inputs.same_territory(ctx, gemeinden, before, after)
    kept = [k for k, s in zip(gemeinden, same, strict=True) if s]
    # the census day on the axis whose integer Y is 31.12.Y (15.05.2022 -> 2021.37)
    at = day.year - 1 + day.timetuple().tm_yday / (date(day.year, 12, 31).timetuple().tm_yday)
    share = (at - before) / (after - before)
    on_day = old.loc[kept, before] ** (1 - share) * old.loc[kept, after] ** share
    counts = pd.Series(census_counts(ctx, census), dtype=float).reindex(kept)
    return (counts / on_day.where(on_day > 0)).dropna()


def basis_factor(ctx: Context, keys: list[str], line: Line) -> np.ndarray:
    """The factor of each key from the first line to `line` (1 on the first line)."""
    if line == FIRST_LINE:
        return np.ones(len(keys))
    return basis_factors(ctx, line).reindex(keys).to_numpy(dtype=float)


def rebased(ctx: Context, keys: list[str], population: np.ndarray, line: Line) -> np.ndarray:
    """A base population (areas, 2, AGES) of the first line on `line`."""
    if line == FIRST_LINE:
        return population
    return population * basis_factor(ctx, keys, line)[:, None, None]


def observed(ctx: Context, keys: list[str], year: int, line: Line = FIRST_LINE) -> np.ndarray:
    """The observed totals of `keys` on 31.12.`year` (gaps filled, see `filled_totals`); NaN
    where a key or the year is missing."""
    t = filled_totals(ctx, line)
    if year not in t.columns:
        return np.full(len(keys), np.nan)
    return t[year].reindex(keys).to_numpy(dtype=float)


def holder(ctx: Context, key: str, year: int, table: pd.DataFrame | None = None) -> str | None:
    """The Kreis that holds `key`'s territory on 31.12.`year`: itself while observed, else the
    Kreis it was merged into (`merged_into`)."""
    t = filled_totals(ctx) if table is None else table
    for held in (key, merged_into(ctx, key)):
        if held in t.index and year in t.columns and np.isfinite(t.at[held, year]):
            return held
    return None


def merged_into(ctx: Context, kreis: str) -> str | None:
    """The Kreis a Kreis was merged into (data/key_changes.toml: Göttingen and Osterode am
    Harz into 03159 in 2016, Eisenach into the Wartburgkreis in 2021), None if it was not."""
    return next((c.new for c in ctx.changes if c.level == "kreis" and kreis in c.old), None)


def kreis_targets(
    ctx: Context, keys: list[str], base: int, until: int, line: Line = FIRST_LINE
) -> Targets:
    """The observed Kreis totals of every year after `base` up to `until` that `keys` are to
    meet (see `framed.Targets`). A kreisfreie Stadt merged into a Kreis since meets its own
    figure as a Gemeinde (Eisenach, 16056000, in the Wartburgkreis from 2021), the Kreis the
    rest; Kreise merged otherwise meet their sum (Göttingen and Osterode am Harz)."""
    years: dict[int, tuple[list[list[int]], np.ndarray]] = {}
    table = filled_totals(ctx, line)
    cities = merged_cities(ctx.changes, table.index)
    for year in range(base + 1, until + 1):
        groups: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if (h := holder(ctx, k, year, table)) is not None:
                groups.setdefault(h, []).append(i)
        if not groups:
            continue
        rows, totals = [], []
        for (held, members), total in zip(
            groups.items(), observed(ctx, list(groups), year, line), strict=True
        ):
            for i in [i for i in members if keys[i] != held and keys[i] in cities]:
                city = table.at[f"{keys[i]}{CITY}", year] if year in table else np.nan
                if np.isfinite(city):
                    rows.append([i])
                    totals.append(city)
                    total -= city
                    members = [m for m in members if m != i]
            rows.append(members)
            totals.append(total)
        years[year] = (rows, np.array(totals))
    return Targets(years)


def last_observed(ctx: Context, level: str = "kreis", line: Line = FIRST_LINE) -> int:
    """The last year with observed totals of the level on `line` (a later line: on it or,
    for a level it does not give, on the first)."""

    def build() -> int:
        seen = []
        for each in LINES[: LINES.index(line) + 1]:
            t = ctx.population(each).observed
            rows = np.array([level_of(str(k)) == level for k in t.index], dtype=bool)
            has = t.loc[rows].notna().any(axis=0)
            seen += [int(y) for y, ok in has.items() if ok]
        return max(seen)

    return ctx.lookup(("last_observed", level, line), build)
