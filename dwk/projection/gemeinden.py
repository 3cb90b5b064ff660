"""Gemeinden inside their Kreis: migration as the Kreis's plus the Gemeinde's own damped
deviation, the totals observed after the base met (Gemeindeverzeichnis), and every year scaled
so that a Kreis's Gemeinden add up to the Kreis's projection.

The Kreis's migration rate of a year is the one its own projection from the same base
realised (net migration over the population at the start of the year). The scaling keeps the
share the projected Gemeinden had of their Kreis in the base year (1 where every Gemeinde has
an age structure), so a Kreis with a Gemeinde left out for a secret cell is not inflated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from dwk.projection import framed as fr
from dwk.projection.engine import Run, Schedules, project

__all__ = ["gemeinde_level", "gemeinde_targets", "merged_away", "scaled"]


def gemeinde_targets(
    filled,
    keys: list[str],
    base: int,
    until: int,
    formed: dict[str, list[int]] | None = None,
    counted: list[int] = (),
    changed: dict[str, set[int]] | None = None,
) -> fr.Targets:
    """The Gemeinden's observed totals after `base` up to `until` (each Gemeinde its own
    group), from the run's census line with gaps filled (`observed.filled_totals`).

    A Gemeinde formed by a merger since (`formed`: its key → the rows of the Gemeinden it was
    formed from) is met by those of them without a figure of their own that year: its
    territory's total (`_territory`) less the ones that still have one. A Gemeinde that
    absorbed neighbours and kept its key (its own row first) is met together with them;
    `changed`: the Stichtage at which such a territory grew again (`_territory`)."""
    years = {}
    whole = {
        new: _territory(filled, keys, new, rows, base, counted, (changed or {}).get(new, ()))
        for new, rows in (formed or {}).items()
    }
    plain = {
        new: _territory(filled, keys, new, rows, base, counted, every_year=True)
        for new, rows in (formed or {}).items()
    }
    for year in range(base + 1, until + 1):
        if year not in filled.columns:
            continue
        values = filled[year].reindex(keys).to_numpy(dtype=float)
        rows = [i for i in range(len(keys)) if np.isfinite(values[i])]
        singles = dict.fromkeys(rows)
        groups, totals = [], []
        # a part counts on its own while it still has a figure at the next Stichtag; before
        # it, its filled figure only keeps it on its territory (`stichtage`), and the merged
        # Gemeinde's territory is met as one (smooth between the Stichtage)
        smoothed = 0.0
        ahead = min((c for c in counted if c >= year), default=year)
        later = filled[ahead].reindex(keys).to_numpy(dtype=float) if ahead in filled else values
        for new, members in (formed or {}).items():
            rest = [i for i in members if not (np.isfinite(values[i]) and np.isfinite(later[i]))]
            if not rest or not np.isfinite(total := whole[new].get(year, np.nan)):
                continue
            for i in rest:
                singles.pop(i, None)
            seen = [i for i in members if i not in rest]
            if keys[members[0]] == new:  # it absorbed the rest: its figure is theirs too
                singles.pop(members[0], None)
                rest = [members[0], *(i for i in rest if i != members[0])]
                seen = [i for i in seen if i != members[0]]
            groups.append(rest)
            totals.append(total - values[seen].sum())
            smoothed += total - plain[new].get(year, total)
        # what the smooth territories differ from the filled figures, which add up to the
        # Kreis, is taken from the other Gemeinden in proportion, so that they still do
        alone = np.array([values[i] for i in singles])
        scale = 1 - smoothed / alone.sum() if alone.sum() > 0 else 1.0
        groups = [[i] for i in singles] + groups
        totals = [*(alone * scale), *totals]
        if groups:
            years[year] = (groups, np.array(totals))
    return fr.Targets(years)


def _territory(
    filled,
    keys: list[str],
    new: str,
    rows: list[int],
    base: int,
    counted,
    changed=(),
    every_year: bool = False,
) -> dict:
    """Year → the total of a merged Gemeinde's territory: in the base year and the Stichtage
    `counted` (Gemeindeverzeichnisse), its figure, if it had one, plus those of the Gemeinden
    it was formed from that still had their own; geometric in between, but before a Stichtag
    in `changed`, when its territory grew again (Dingelstädt 2023, Kindelbrück with Riethgen),
    the filled figures, which keep each Gemeinde on its territory until then (`stichtage`);
    `every_year`: the filled figures in every year (what the Kreis adds up to)."""
    members = [keys[i] for i in rows]

    def total(year: int) -> float:
        if year not in filled.columns:
            return np.nan
        own = filled[year].reindex(members).to_numpy(dtype=float)
        if members[0] == new:  # it absorbed the others: its own figure counts them since
            return float(np.nansum(own)) if np.isfinite(own[0]) else np.nan
        merged = filled.at[new, year] if new in filled.index else np.nan
        if np.isfinite(merged) or np.isfinite(own).all():
            return float(np.nan_to_num(merged) + np.nansum(own))
        return np.nan

    points = {y: v for y in [base, *counted] if np.isfinite(v := total(y))}
    at = sorted(points)
    out = dict(points)
    for a, b in zip(at, at[1:], strict=False):
        held = {y: total(y) for y in range(a + 1, b)} if every_year or b in changed else {}
        for y in range(a + 1, b):
            if np.isfinite(held.get(y, np.nan)):
                out[y] = held[y]
            else:
                share = (y - a) / (b - a)
                out[y] = float(np.exp(np.log(points[a]) * (1 - share) + np.log(points[b]) * share))
    return out


def gemeinde_level(
    kreis_rate: dict[int, np.ndarray],
    rows: list[int],
    lasting: np.ndarray,
    within: np.ndarray,
    lam: Callable[[int], float],
    schedules: Callable[[int], Schedules],
    targets: fr.Targets = fr.NONE,
    transit: Mapping[int, np.ndarray] | None = None,
) -> Callable[[int, np.ndarray], np.ndarray]:
    """Net migration of each Gemeinde: its Kreis's realised rate, plus the `lasting` deviation
    of its size class, plus `lam(year)` × its own departure from that, `within` (per
    inhabitant and year; `gemeinde_migration`), plus the persons `transit` gives for the
    year (`gemeinde_migration.transit_kept`); in a year with an observed total, what meets it (a
    group of Gemeinden: together, shared by their size)."""

    def level(year: int, prev: np.ndarray) -> np.ndarray:
        p = prev.sum(axis=(1, 2))
        out = p * (kreis_rate[year][rows] + lasting + lam(year) * within)
        if transit and year in transit:
            out = out + transit[year]
        if year in targets.years:
            nat = project(prev, schedules, _none, year - 1, year).totals()[-1]
            groups, totals = targets.years[year]
            for idx, total in zip(groups, totals, strict=True):
                if len(idx) == 1:
                    out[idx] = total - nat[idx]
                else:  # the Gemeinden a merged one was formed from, by their size
                    out[idx] = (total - nat[idx].sum()) * nat[idx] / nat[idx].sum()
        return out

    return level


def merged_away(filled, keys: list[str], years: list[int]) -> np.ndarray:
    """(years, Gemeinden): True from the first year in which a Gemeinde has no total while it
    had one in the first year and others of its Kreis have one: it was merged into a neighbour
    (Thüringen 2018–2019, for example), whose total now counts its people. A Kreis all of
    whose keys changed (Göttingen 2016) has none then and is not affected."""
    table = filled.reindex(index=keys, columns=years).to_numpy(dtype=float)
    seen = np.isfinite(table)
    kreis = np.array([k[:5] for k in keys])
    gone = np.zeros_like(seen)
    for k in set(kreis):
        idx = kreis == k
        others = seen[idx].any(axis=0)  # (years,)
        gone[idx] = ~seen[idx] & seen[idx][:, :1] & others[None, :]
    return np.logical_or.accumulate(gone, axis=1).T


def scaled(
    run: Run,
    kreis_of: list[str],
    path: dict[str, np.ndarray],
    gone: np.ndarray | None = None,
    until: int | None = None,
) -> Run:
    """`run` with each Kreis's Gemeinden scaled, year by year, to `path[kreis]` (the Kreis's
    totals over `run.years`) times their share of it: that of the base year, or, where the run
    met observed totals (to `until`), the share they then had, held after it. A Gemeinde
    `gone` (`merged_away`, (years, Gemeinden)) is 0 from then on: its people are counted in its
    neighbour, or in a Gemeinde formed since that the run does not know."""
    totals = run.totals()
    if gone is not None:
        totals = np.where(gone, 0.0, totals)
    years = np.array(run.years)
    met = years <= until if until is not None else years == years[0]
    last = int(np.flatnonzero(met)[-1])
    factor = np.ones_like(totals)
    for kreis in dict.fromkeys(kreis_of):
        idx = [i for i, k in enumerate(kreis_of) if k == kreis]
        own = totals[:, idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(met, own / path[kreis], own[last] / path[kreis][last])
            f = np.where(own > 0, path[kreis] * share / own, 1.0)
        factor[:, idx] = np.nan_to_num(f, nan=1.0)[:, None]
    if gone is not None:
        factor = np.where(gone, 0.0, factor)
    return Run(
        run.years,
        run.population * factor[:, :, None, None],
        run.births * factor[1:],
        run.deaths * factor[1:],
    )


def _none(year: int, prev: np.ndarray) -> np.ndarray:
    return np.zeros_like(prev)
