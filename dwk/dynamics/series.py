"""The population series of an area with the census counts beside it, never joined into it:
each census of `data/censuses.toml` re-bases the series (31.12. of the year before it on the old
basis, 31.12. of its own year on the new one), so the series breaks there and the count is a
point of its own."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dwk.core.types import level_of
from dwk.dynamics.components import as_strings
from dwk.inputs import gebietsstand
from dwk.inputs.censuses import Census, load_censuses
from dwk.inputs.context import Context
from dwk.inputs.population import LINES, Line
from dwk.inputs.transfers import transfers
from dwk.key_changes import formed_from, renames
from dwk.sources.tables.cells import HIDDEN

# --- population series and census counts ----------------------------------------------------


@dataclass(frozen=True)
class CensusPoint:
    date: str
    value: float
    table: str
    label: str

    @property
    def position(self) -> float:
        """Place on a year axis whose integer Y stands for 31.12.Y (09.05.2011 → 2010.35)."""
        d = date.fromisoformat(self.date)
        days = (date(d.year, 12, 31) - date(d.year, 1, 1)).days + 1
        return d.year - 1 + d.timetuple().tm_yday / days


@dataclass(frozen=True)
class TerritoryStep:
    """A change of the area's territory inside its series, which steps there without anyone
    moving: people who came or went with villages of another Kreis (`inputs.transfers`:
    Schmalkalden-Meiningen +3 % on 01.01.2019), or a part of a Gemeinde split between several
    (kind "Teileingliederung" in data/key_changes.toml: Waldheim 2013). `year`: the first
    Stichtag on the new territory."""

    year: int
    people: float | None = None  # gained with the territory (negative: lost); None: unknown


@dataclass(frozen=True)
class PopulationSeries:
    key: str
    years: list[int]
    values: list[float]  # 31.12.; NaN where the tables have no value
    census: list[CensusPoint]
    tables: tuple[str, ...]
    breaks: tuple[tuple[int, str], ...] = ()
    """(first year on the new basis, census label) of each census inside the series."""
    territory: tuple[TerritoryStep, ...] = ()
    lines: tuple[Line, ...] = ()
    """The census line each of `years` is read from (`series_lines`)."""

    @property
    def break_year(self) -> int | None:
        """The first break inside the series."""
        return self.breaks[0][0] if self.breaks else None

    @property
    def behind(self) -> tuple[tuple[int, str], ...]:
        """(year, census label) of each figure still on an older basis than the newest census
        before it: a Gemeinde's 31.12.2023 from the Gemeindeverzeichnis, on the Zensus 2011
        basis although the Kreise are on the 2022 one by then."""
        labels = {c.basis: c.label for c in load_censuses()}
        return tuple(
            (y, labels.get(line, line))
            for y, line, v in zip(self.years, self.lines, self.values, strict=False)
            if line != line_of_year(y) and v == v
        )

    def line_start(self, year: int) -> int:
        """The first year of the census basis `year` is on (the latest break up to it)."""
        return max((b for b, _ in self.breaks if b <= year), default=self.years[0])

    def indexed(self, base_year: int) -> tuple[list[float], list[float]]:
        """Series and census counts as an index (base year = 100), for charts."""
        base = self.values[self.years.index(base_year)] if base_year in self.years else math.nan
        return [v / base * 100 for v in self.values], [c.value / base * 100 for c in self.census]


def index_base(series: list[PopulationSeries]) -> int | None:
    """The first year of the first series (the area's) in which it and every other series with
    a figure have one: the base of a chart that indexes them all. Mecklenburg-Vorpommern's
    Gemeinden run from 2008 under their keys before 2011, but the Kreise formed in 2011 of
    parts of others only from 2011."""
    own, *others = series
    shown = [own, *(s for s in others if any(v == v for v in s.values))]
    figures = [{y for y, v in zip(s.years, s.values, strict=True) if v == v} for s in shown]
    return next((y for y in own.years if all(y in f for f in figures)), None)


def line_of_year(year: int) -> Line:
    """The population line a Stichtag of `year` is shown on: the newest census whose series
    has begun by then (figures before the first census are on the first line)."""
    started = [c.basis for c in load_censuses() if c.year <= year and c.basis in LINES]
    return started[-1] if started else LINES[0]  # type: ignore[return-value]


def population_series(
    ctx: Context, key: str, lines: dict[int, Line] | None = None
) -> PopulationSeries:
    """Population on 31.12. over the years of the area's level, each year on its census line
    (`series_lines`), and the census counts as separate points, all of the area's territory
    of today (`inputs.gebietsstand`). Without `lines` it ends with the area's last figure (an
    area merged away, Mylau 2016). `lines`: years and lines of another area's series, so
    that a Kreis beside its Gemeinde is drawn on the Gemeinde's basis, never on a newer one
    the Gemeinde does not have, and ends with it."""
    own = lines is None
    lines = series_lines(ctx, level_of(key) or "") if lines is None else lines
    years = sorted(lines)
    values, tables = [], set()
    for y in years:
        which = ctx.population(lines[y]).tables
        today = gebietsstand.population(ctx, lines[y])
        v = today.at[key, y] if key in today.index and y in today.columns else None
        values.append(math.nan if v is None or pd.isna(v) else float(v))
        t = which.at[key, y] if key in which.index and y in which.columns else None
        if isinstance(t, str):
            tables.add(t)
    if own and (last := max((i for i, v in enumerate(values) if v == v), default=None)) is not None:
        years, values = years[: last + 1], values[: last + 1]
    census = [p for c in load_censuses() if (p := _census_point(ctx, c, key)) is not None]
    # a count after the series' last Stichtag (an area merged away before it) is of no use
    census = [p for p in census if not years or p.position < years[-1] + 1]
    steps = _territory_steps(ctx, key, years)
    on = tuple(lines[y] for y in years)
    return PopulationSeries(
        key, years, values, census, tuple(sorted(tables)), _breaks(years, on), steps, on
    )


def _breaks(years: list[int], lines: tuple[Line, ...]) -> tuple[tuple[int, str], ...]:
    """Each census inside the series, at the first year on its basis: the 2011 one re-based
    its own line from 2011 on, the 2022 one is a break only where the series reaches the
    2022-based line."""
    out = []
    for c in load_censuses():
        if c.basis not in LINES:
            continue
        rank = LINES.index(c.basis)  # type: ignore[arg-type]
        on = [y for y, line in zip(years, lines, strict=True) if LINES.index(line) >= rank]
        first = next((y for y in on if y >= c.year), None)
        if first is not None and years[0] < first:
            out.append((first, c.label))
    return tuple(out)


def _territory_steps(ctx: Context, key: str, years: list[int]) -> tuple[TerritoryStep, ...]:
    """The area's `TerritoryStep`s inside `years` (an absorber's series is of its territory of
    today and has none)."""
    if not years:
        return ()
    if level_of(key) == "kreis":
        moved = sorted((y, v) for (k, y), v in transfers(ctx).items() if k == key)
        return tuple(TerritoryStep(y, v) for y, v in moved if years[0] < y <= years[-1])
    took = ctx.change_years("Teileingliederung").get(key, ())
    return tuple(TerritoryStep(y) for y in sorted(set(took)) if years[0] < y <= years[-1])


def series_lines(ctx: Context, level: str) -> dict[int, Line]:
    """The years of a level's series and the census line each is read from: from the first
    Stichtag at which the level is covered (at least half of its areas have a figure; a few
    Gemeinden stand in the Kreis tables from earlier years on) to the last. A year is on the
    line of its census (`line_of_year`) where that covers the level, else on the newest
    line that does, else on the year before's (a year without figures); never back to an
    older line. So the Gemeinden's annual table, which ends in 2015, runs on to the
    Gemeindeverzeichnis editions of 2019 and 2023, both on the Zensus 2011 basis, with the
    years between them empty."""

    def build() -> dict[int, Line]:
        count: dict[tuple[Line, int], int] = {}
        keys: set[str] = set()
        for line in LINES:
            t = ctx.population(line).values
            rows = np.array([level_of(str(k)) == level for k in t.index], dtype=bool)
            if not rows.any():
                continue
            keys |= {str(k) for k in t.index[rows]}
            for y, n in t.loc[rows].notna().sum(axis=0).items():
                count[line, int(y)] = count.get((line, int(y)), 0) + int(n)
        covered = {(line, y) for (line, y), n in count.items() if n and 2 * n >= len(keys)}
        if not covered:
            return {}
        years = sorted({y for _, y in covered})
        out: dict[int, Line] = {}
        previous = LINES[0]
        for y in range(years[0], years[-1] + 1):
            line = line_of_year(y)
            if (line, y) not in covered:  # the newest that covers it, else the year before's
                line = next((n for n in reversed(LINES) if (n, y) in covered), previous)
            if LINES.index(line) < LINES.index(previous):
                break
            out[y] = previous = line
        return out

    return ctx.lookup(("series_lines", level), build)


def _census_point(ctx: Context, census: Census, key: str) -> CensusPoint | None:
    """The area's count: its own cell (of a Gemeinde formed by mergers since, its parts'), or
    for a level the table does not give (the Zensus 2022 table has Gemeinden and Germany only)
    the sum of the Gemeinden whose key starts with its key (Gebietsstand of the census day)."""
    found = _census_cells(ctx, census)
    if found is None:
        return None
    table, direct, levels, gemeinde = found
    if key in direct:  # an absorber's count on its territory of today (`inputs.gebietsstand`)
        value = gebietsstand.combined(ctx, key, census.date, direct.get)
        if value is None or math.isnan(value):
            return None
    elif parts := _formed_of(ctx, key, census.date):
        # merged since the census (a Gemeinde, or Ludwigslust-Parchim and Göttingen): its
        # parts' counts
        counts = [gebietsstand.combined(ctx, k, census.date, direct.get) for k in parts]
        if any(c is None or math.isnan(c) for c in counts):
            return None
        value = float(sum(counts))  # type: ignore[arg-type]
    elif level_of(key) in ("de", "gemeinde") or level_of(key) in levels:
        return None
    else:
        gkeys, gvalues = gemeinde  # sorted by key: those starting with `key` are one slice
        lo, hi = np.searchsorted(gkeys, [key, key + "\uffff"])
        if hi == lo:
            return None
        value = float(np.nansum(gvalues[lo:hi]))
    return CensusPoint(census.date, value, table, census.label)


def _formed_of(ctx: Context, key: str, day: str) -> tuple[str, ...]:
    """The areas of `day` (ISO) that an area formed by mergers after it is made of, through a
    chain of them (Jahnatal, 2023, of Ostrau and Zschaitz-Ottewig); () for others."""
    level = level_of(key)
    merged = ctx.memo(
        ("formed_after", day, level), lambda: formed_from(ctx.changes, after=day, level=level)
    )

    def parts(k: str) -> list[str]:
        return [p for old in merged[k] for p in (parts(old) if old in merged else [old])]

    return tuple(parts(key)) if key in merged else ()


def census_counts(ctx: Context, census: Census) -> dict[str, float]:
    """The census's own count of every area its table gives (no sums), by key."""
    found = _census_cells(ctx, census)
    return found[1] if found is not None else {}


def _census_cells(ctx: Context, census: Census) -> tuple | None:
    """(table, count by key, levels the table gives, its Gemeinden sorted by key) of the first
    table of the census's role in the store, read once per context. One count per area: of
    several variables the one ending in "Insgesamt"; the same table from two files (a download
    and a flat file fetched later) names its variable differently, the later file counts."""

    def build() -> tuple | None:
        present = set(ctx.store.tables())
        table = next((t for t in census.tables if t in present), None)
        if table is None:
            return None
        f = ctx.store.table(table)
        f = f.loc[(f["sex"] == "total") & ~f["flag"].isin(HIDDEN) & (f["value"] > 0)]
        variables = [str(v) for v in f["variable"].astype(str).unique()]
        totals = [v for v in variables if v.split("|")[-1].strip() == "Insgesamt"]
        if totals:
            f = f.loc[f["variable"].astype(str).isin(totals)]
        f = f.drop_duplicates(["area_key", "level", "period"], keep="last")
        keys = as_strings(f["area_key"]).astype(str)
        values = f["value"].to_numpy(dtype=float)
        g = (f["level"].astype(str) == "gemeinde").to_numpy()
        order = np.argsort(keys[g], kind="stable")
        direct = dict(zip(keys.tolist(), values.tolist(), strict=True))
        for old, new in renames(ctx.changes):  # one area under either key, one count (Grabow
            if new in direct:  # and Steesow, renamed on 04.09.2011, counted under the old)
                direct.setdefault(old, direct[new])
            elif old in direct:
                direct[new] = direct[old]
        levels = frozenset(str(v) for v in f["level"].astype(str).unique())
        return table, direct, levels, (keys[g][order], values[g][order])

    return ctx.lookup(("census", census.basis), build)
