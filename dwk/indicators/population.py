"""The population indicators' arithmetic: population on 31.12. and its change, on one census
line per comparison (see `dwk.inputs.population`), each figure with the tables it came from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dwk.core.types import level_of
from dwk.indicators.result import FLAG_TERRITORY, FLAG_ZENSUS, Result
from dwk.inputs import gebietsstand
from dwk.inputs import tables as inputs
from dwk.inputs.censuses import load_censuses
from dwk.inputs.context import Context
from dwk.inputs.population import LINES, Line
from dwk.inputs.transfers import transfers
from dwk.key_changes import ChangeKind

__all__ = [
    "Totals",
    "change",
    "line_at",
    "mean_population",
    "population",
    "population_years",
    "tables_text",
    "territory_moved",
]


def population_years(ctx: Context, key: str) -> list[int]:
    """Stichtage with a population figure for `key`, on any census line."""
    name = ("population_years", ctx.gebietsstand)
    return ctx.lookup(name, lambda: _years_by_key(ctx)).get(key, [])


def _years_by_key(ctx: Context) -> dict[str, list[int]]:
    by_key: dict[str, set[int]] = {}
    for line in LINES:
        t = gebietsstand.population(ctx, line)
        years = np.array([int(y) for y in t.columns])
        for k, row in zip(
            t.index.to_numpy(dtype=object).tolist(), t.notna().to_numpy(), strict=True
        ):
            by_key.setdefault(k, set()).update(years[row].tolist())
    return {k: sorted(v) for k, v in by_key.items()}


@dataclass
class Totals:
    """One census line as arrays on the context's Gebietsstand (`inputs.gebietsstand`), asked
    by row and column without `reindex`. `tables` holds the index in `names` of each value's
    table (-1: none): as an array of strings and NaNs it took 50 ms to load from the derived
    cache."""

    line: str
    values: np.ndarray
    tables: np.ndarray
    names: tuple[str, ...]
    row: dict[str, int]
    col: dict[int, int]

    @classmethod
    def of(cls, ctx: Context, line: Line = "zensus2011") -> Totals:
        def build() -> Totals:
            pop = ctx.population(line)
            t = gebietsstand.population(ctx, line)
            nan_row = np.full((1, len(t.columns)), np.nan)
            values = np.vstack([t.to_numpy(dtype=float), nan_row])
            which = pop.tables.reindex(index=t.index, columns=t.columns).to_numpy(dtype=object)
            cells = which.ravel().tolist()
            names = tuple(sorted({c for c in cells if isinstance(c, str)}))
            index = {n: i for i, n in enumerate(names)}
            codes = [index[c] if isinstance(c, str) else -1 for c in cells]
            codes = np.array(codes + [-1] * len(t.columns), dtype=np.int16)
            codes = codes.reshape(len(t.index) + 1, len(t.columns))
            row = {str(k): i for i, k in enumerate(t.index)}
            col = {int(y): j for j, y in enumerate(t.columns)}
            return cls(line, values, codes, names, row, col)

        return ctx.lookup(("totals_array", line, ctx.gebietsstand), build)

    def rows(self, keys: list[str]) -> np.ndarray:
        missing = len(self.values) - 1
        return np.array([self.row.get(k, missing) for k in keys], dtype=int)

    def at(self, keys: list[str], year: int) -> np.ndarray:
        if year not in self.col:
            return np.full(len(keys), np.nan)
        return self.values[self.rows(keys), self.col[year]]

    def has(self, key: str, year: int) -> bool:
        return year in self.col and not np.isnan(self.values[self.rows([key])[0], self.col[year]])

    def table_names(self, keys: list[str], year: int) -> set[str]:
        if year not in self.col:
            return set()
        found = self.tables[self.rows(keys), self.col[year]]
        return {self.names[c] for c in found.tolist() if c >= 0}


def line_at(ctx: Context, anchor: str, year: int) -> Totals:
    """The newest census line with a figure for the anchor at `year`: an area and its
    references are always compared on one basis."""
    for line in reversed(LINES):
        t = Totals.of(ctx, line)
        if t.has(anchor, year):
            return t
    return Totals.of(ctx, LINES[0])


def tables_text(parts: list[tuple[Totals, list[str], int]]) -> str:
    names = set().union(*(t.table_names(keys, y) for t, keys, y in parts)) if parts else set()
    return ", ".join(sorted(names))


def population(ctx: Context, keys: list[str], year: int) -> Result:
    """Population on 31.12. of `year`: every key on the first key's (the anchor's) line; a key
    without a figure there (in a batch, a Gemeinde beside a Kreis) on its own newest line,
    with its basis named per key."""
    if not keys:
        return Result(np.array([]), np.array([]), f"{year}-12-31", "")
    first = line_at(ctx, keys[0], year)
    value = first.at(keys, year)
    basis = np.full(len(keys), first.line, dtype=object)
    used = [(first, keys, year)]
    for line in reversed(LINES):
        gap = np.isnan(value)
        if line == first.line or not gap.any():
            continue
        other = Totals.of(ctx, line)
        filled = other.at(keys, year)
        take = gap & ~np.isnan(filled)
        value, basis = np.where(take, filled, value), np.where(take, line, basis)
        used.append((other, [k for k, t in zip(keys, take, strict=True) if t], year))
    basis = np.where(np.isnan(value), "", basis)
    return Result(value, value, f"{year}-12-31", tables_text(used), basis=basis)


def change(ctx: Context, keys: list[str], year: int, span: int | None, since: int | None) -> Result:
    """Change in % from a base year to the anchor's (first key's) newest year up to `year`,
    with both ends on one census line: the newest line on which the anchor has both (a change
    never spans the Zensus 2022). Without `since` the base year is `end − span`, on the first
    line also the anchor's first year with data after that (the Gemeinde series start in
    2008); a change across the census that begins the line (the Zensus 2011, with the figures
    before it joined on) is flagged, and so is a Gemeinde's whose territory changed in between
    (`inputs.territory_changes`: Unstruttal took parts of three Gemeinden in 2023, so its
    "+88 % since 2011" compares different territories)."""
    nan = np.full(len(keys), np.nan)
    anchor = keys[0] if keys else None
    for line in reversed(LINES):
        t = Totals.of(ctx, line)
        ends = [y for y in t.col if y <= year and anchor is not None and t.has(anchor, y)]
        if not ends:
            continue
        end = max(ends)
        base_year = since if since is not None else end - (span or 0)
        if since is None and line == LINES[0]:  # a series that starts later (Gemeinden: 2008)
            later = [y for y in ends if y >= base_year]
            base_year = min(later) if later else base_year
        if base_year >= end or not t.has(anchor, base_year):
            continue
        now, base = t.at(keys, end), t.at(keys, base_year)
        # the census that begins the line is inside it (the figures before it joined on)
        across = any(base_year < c.year <= end for c in load_censuses() if c.basis == line)
        flags = [[FLAG_ZENSUS] if across else [] for _ in keys]
        for f, k in zip(flags, keys, strict=True):
            if territory_moved(ctx, k, base_year, end):
                f.append(FLAG_TERRITORY)
        flag = np.array([",".join(f) for f in flags], dtype=object)
        tables = tables_text([(t, keys, base_year), (t, keys, end)])
        return Result((now - base) / base * 100, base, f"{base_year}/{end}", tables, flag, line)
    return Result(nan, nan, "", "")


def territory_moved(ctx: Context, key: str, start: int, end: int) -> bool:
    """Whether a Gemeinde's figures of 31.12. of `start` and of `end` are of different
    territories: by its areas (Unstruttal took parts of three Gemeinden in 2023) on the
    context's Gebietsstand (`inputs.gebietsstand`). On the Gebietsstand `jeweilig` also across
    an Eingliederung into it that data/key_changes.toml lists: the areas alone miss some,
    since Sachsen keeps its Gemeinden's areas of 2015 and 2016 secret (Reichenbach im
    Vogtland took in Mylau on 01.01.2016). On both across a Teileingliederung (Waldheim took
    part of Ziegra-Knobelsdorf on 01.01.2013, before the first shipped areas). A Kreis's
    across a transfer of Gemeinden or villages from one Kreis to another (`inputs.transfers`:
    Kaltennordheim's part of the Wartburgkreis, about 4,000 people, joined
    Schmalkalden-Meiningen on 01.01.2019), which its area alone does not show: the Kreis
    areas end in 2018, and the part was 3 % of either."""
    lo, hi = sorted((start, end))
    if level_of(key) == "kreis":
        return any(k == key and lo < year <= hi for k, year in transfers(ctx))
    if level_of(key) != "gemeinde":
        return False

    def across(kind: ChangeKind) -> bool:
        return any(lo < year <= hi for year in ctx.change_years(kind).get(key, ()))

    # a part of a split Gemeinde: no table counts it on its own, on either Gebietsstand
    if across("Teileingliederung") or (ctx.gebietsstand == "jeweilig" and across("Eingliederung")):
        return True
    moved = inputs.territory_changes(ctx, key, start, gebietsstand.area_cells)
    return any(year <= end for year, *_ in moved)


def mean_population(ctx: Context, keys: list[str], year: int) -> np.ndarray:
    """The mean of the population at the start and end of `year`, both on the Zensus 2011
    line (the events of a year before the Zensus 2022 are counted against it)."""
    t = Totals.of(ctx)
    if year not in t.col or year - 1 not in t.col:
        return np.full(len(keys), np.nan)
    return (t.at(keys, year - 1) + t.at(keys, year)) / 2
