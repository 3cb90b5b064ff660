"""The numbers indicators are computed from, fetched from the store as arrays over areas.

Age structure comes as bands (single years where a table has them, else the 17 groups of the
Gemeinde table); totals come as series over years that follow key changes back in time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dwk.sources.tables.cells import HIDDEN
from dwk.sources.tables.labels import band_bounds
from dwk.store import Store

if TYPE_CHECKING:
    from dwk.inputs.context import Context

# Which table serves which role: data/roles.toml (`dwk.roles`), not constants here.
MOVE_BANDS: list[tuple[int, int | None]] = [
    (0, 18), (18, 25), (25, 30), (30, 50), (50, 65), (65, None),
]  # fmt: skip
MOVE_LABELS = tuple(f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in MOVE_BANDS)
SEXES = ("total", "male", "female")


@dataclass
class AgeData:
    """Counts by age band and sex for several areas at one Stichtag."""

    table: str
    period: str
    keys: list[str]
    bands: list[tuple[int, int | None]]
    counts: dict[str, np.ndarray]  # sex -> (areas, bands); NaN where a cell is secret
    row: dict[str, int]
    summed: frozenset[str] = frozenset()
    """Keys whose row is the sum of several Gemeinden's: their territory of today
    (`inputs.gebietsstand`)."""
    _sums: dict = field(default_factory=dict, repr=False, compare=False)
    """`between` and `total` per arguments: each indicator asks them once per area."""

    def total(self, sex: str = "total") -> np.ndarray:
        if ("total", sex) not in self._sums:
            self._sums[("total", sex)] = _frozen(self.counts[sex].sum(axis=1))
        return self._sums[("total", sex)]

    def between(self, lo: int, hi: int | None, sex: str = "total") -> np.ndarray | None:
        """People aged lo to under hi (None: open), or None if no band edge falls there."""
        if (lo, hi, sex) not in self._sums:
            self._sums[(lo, hi, sex)] = _frozen(self._between(lo, hi, sex))
        return self._sums[(lo, hi, sex)]

    def _between(self, lo: int, hi: int | None, sex: str) -> np.ndarray | None:
        starts = [b[0] for b in self.bands]
        ends = [b[1] for b in self.bands]
        if lo not in starts or (hi is not None and hi not in ends):
            return None
        i = starts.index(lo)
        j = len(self.bands) if hi is None else ends.index(hi) + 1
        return self.counts[sex][:, i:j].sum(axis=1)

    def rows(self, keys: list[str]) -> np.ndarray:
        return np.array([self.row[k] for k in keys], dtype=int)


def _frozen(a: np.ndarray | None) -> np.ndarray | None:
    """A cached array, read-only so that no caller can change it for the next one."""
    if a is not None:
        a.flags.writeable = False
    return a


def age_data(store: Store, table: str, year: int) -> AgeData | None:
    """The age table `table` at 31.12. of `year`, or None if it has no such Stichtag.

    Each (area, sex, band) has one cell, so the wide table is filled by index, not pivoted."""
    frame = store.table(table)
    keep = (
        (frame["year"].to_numpy() == year)
        & _labels_where(frame["age"], lambda a: a not in ("total", "unknown"))
        & _labels_where(frame["period"], lambda p: p.endswith("12-31"))
    )
    if not keep.any():
        return None
    frame = frame.loc[keep]
    value = frame["value"].where(~frame["flag"].isin(HIDDEN)).to_numpy(dtype=float)
    area, area_names = _codes(frame["area_key"])
    age, age_names = _codes(frame["age"])
    sex, sex_names = _codes(frame["sex"])
    bands = sorted({band_bounds(age_names[a]) for a in np.unique(age)}, key=lambda b: b[0])
    labels = [f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in bands]
    column = np.array([labels.index(a) if a in labels else -1 for a in age_names] + [-1])[age]
    present, row = np.unique(area, return_inverse=True)  # areas in category order, as pivoted
    keys = [str(area_names[a]) for a in present]
    counts = {}
    for name in SEXES:
        mine = (sex == sex_names.index(name)) & (column >= 0) if name in sex_names else None
        if mine is not None and mine.any():
            counts[name] = np.full((len(keys), len(bands)), np.nan)
            counts[name][row[mine], column[mine]] = value[mine]
    return AgeData(
        table, str(frame["period"].iloc[0]), keys, bands, counts, {k: i for i, k in enumerate(keys)}
    )


def with_merged(data: AgeData | None, formed: dict[str, tuple[str, ...]]) -> AgeData | None:
    """`data` with a row for each Gemeinde formed by a merger after its Stichtag (`formed`:
    new key → old keys, `key_changes.formed_from`): the sum of the Gemeinden it was formed from, as
    a series is continued back over a key change (counts only; NaN where a cell is secret).
    Its age structure of the base is theirs together."""
    if data is None:
        return None
    rows = {
        new: [data.row[o] for o in old]
        for new, old in formed.items()
        if new not in data.row and all(o in data.row for o in old)
    }
    if not rows:
        return data
    keys = [*data.keys, *rows]
    counts = {
        sex: np.vstack([c, *(c[idx].sum(axis=0)[None] for idx in rows.values())])
        for sex, c in data.counts.items()
    }
    return replace(data, keys=keys, counts=counts, row={k: i for i, k in enumerate(keys)}, _sums={})


def _labels_where(column: pd.Series, test: Callable[[str], bool]) -> np.ndarray:
    """`column.map(test)` as a boolean array, testing each category once."""
    codes, names = _codes(column)
    hits = np.array([test(n) for n in names] + [False])  # code -1: missing
    return hits[codes]


def _codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes and the label of each code (-1: missing)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(str).astype("category")
    names = column.cat.categories.to_numpy(dtype=object).tolist()  # not per element: slow
    return column.cat.codes.to_numpy(np.int64), [n if isinstance(n, str) else str(n) for n in names]


# --- whole-table lookups: built once from every key, then asked per area --------------------

Cell = tuple[int, float, str]
"""(row of the cell among the variable's cells, value or NaN where secret, period)."""


def _strings(column: pd.Series) -> np.ndarray:
    """A column as an array of Python strings, converting each distinct label once."""
    codes, names = _codes(column)
    return np.array([*names, "nan"], dtype=object)[codes]


def _groups(by: np.ndarray) -> list[np.ndarray]:
    """Row numbers grouped by equal `by`, each group in row order, the groups in the order of
    their first row (as a dict filled row by row would list them)."""
    order = np.argsort(by, kind="stable")
    parts = np.split(order, np.flatnonzero(np.diff(by[order])) + 1) if len(by) else []
    return sorted(parts, key=lambda p: p[0])


def variable_cells(store: Store, table: str, variable: str) -> dict[int, dict[str, Cell]]:
    """All-ages, both-sexes cells of `variable` by year and key; where a key has several cells
    in a year the last one in table order counts."""
    f = store.table(table)
    f = f.loc[(f["variable"] == variable) & (f["sex"] == "total") & (f["age"] == "total")]
    value = f["value"].where(~f["flag"].isin(HIDDEN)).to_numpy(dtype=float)
    keys, years, periods = _strings(f["area_key"]), f["year"].to_numpy(), _strings(f["period"])
    out: dict[int, dict[str, Cell]] = {}
    for rows in _groups(years):
        cells = zip(rows.tolist(), value[rows].tolist(), periods[rows].tolist(), strict=True)
        out[int(years[rows[0]])] = dict(zip(keys[rows].tolist(), cells, strict=True))
    return out


def cells_of(ctx: Context, table: str, variable: str) -> dict[int, dict[str, Cell]]:
    """`variable_cells`, once per context; none from a table the store does not hold."""
    return _once(ctx, "cells", variable_cells, table, variable)


def _once(
    ctx: Context, kind: str, read: Callable[[Store, str, str], dict], table: str, variable: str
) -> dict:
    """`read(store, table, variable)` once per context, or {} where the store does not hold
    the table (a store as of an earlier year)."""

    def build() -> dict:
        return read(ctx.store, table, variable) if table in ctx.store.tables() else {}

    return ctx.lookup((kind, table, variable), build)


def years_by_key(store: Store, table: str, variable: str) -> dict[str, frozenset[int]]:
    """The years in which `table` has any cell of `variable` for a key (one bit per year and
    key instead of sorting every cell: most keys share a handful of year patterns)."""
    f = store.table(table)
    f = f.loc[f["variable"] == variable]
    codes, names = _codes(f["area_key"])
    years = f["year"].to_numpy(np.int64)
    if not len(years):
        return {}
    first = int(years.min())
    seen = np.zeros((len(names) + 1, int(years.max()) - first + 1), dtype=bool)
    seen[codes, years - first] = True  # code -1 (no key) lands in the last row, left out
    patterns: dict[bytes, frozenset[int]] = {}
    out = {}
    for code in np.flatnonzero(seen[:-1].any(axis=1)).tolist():
        row = seen[code]
        pattern = row.tobytes()
        if pattern not in patterns:
            patterns[pattern] = frozenset((np.flatnonzero(row) + first).tolist())
        out[names[code]] = patterns[pattern]
    return out


def open_cells(store: Store, table: str, variable: str) -> dict[str, list[tuple[int, float, str]]]:
    """Every non-secret (year, value, period) of `variable` by key, oldest year first."""
    f = store.table(table)
    f = f.loc[(f["variable"] == variable) & ~f["flag"].isin(HIDDEN)]
    f = f.sort_values("year", kind="stable")
    rows = zip(
        f["year"].to_numpy().tolist(),
        f["value"].to_numpy(dtype=float).tolist(),
        _strings(f["period"]).tolist(),
        strict=True,
    )
    out: dict[str, list[tuple[int, float, str]]] = {}
    for key, row in zip(_strings(f["area_key"]).tolist(), rows, strict=True):
        out.setdefault(key, []).append(row)
    return out


AREA_SOURCES = (
    ("11111-01-01-4", "Gebietsfläche", 1.0, True),
    ("33111-01-01-5", "Bodenfläche", 0.01, True),
    ("GV-ISys", "Gebietsfläche", 1.0, False),
)
"""(table, variable, factor to km², only Stichtage up to the asked year). Where the
Flächenerhebung keeps a Gemeinde's area secret (Sachsen 2015), the Gemeindeverzeichnis of
31.12.2019 gives it; the value then carries that later Stichtag as its period."""


def area_cells(ctx: Context, table: str, variable: str) -> dict[str, list[tuple[int, float, str]]]:
    """`open_cells` of an area table, once per context; none from a table the store does not
    hold."""
    return _once(ctx, "open", open_cells, table, variable)


def area_on(ctx: Context, keys: list[str], year: int) -> np.ndarray:
    """Each key's area in km² on 31.12.`year` from the first of `AREA_SOURCES` that has it
    then (NaN where none does)."""
    out = np.full(len(keys), np.nan)
    for table, variable, factor, _ in AREA_SOURCES:
        cells = area_cells(ctx, table, variable)
        for i, k in enumerate(keys):
            if np.isnan(out[i]):
                at = [v for y, v, _ in cells.get(k, []) if y == year]
                if at:
                    out[i] = at[-1] * factor
    return out


TERRITORY_TOLERANCE = 0.05
"""Above this relative change of its area a Gemeinde's territory changed (areas are
re-surveyed now and then, which moves them by a few per mille, rarely a few per cent)."""


def same_territory(ctx: Context, keys: list[str], year: int, later: int) -> np.ndarray:
    """Whether each key's area on 31.12.`later` is within `TERRITORY_TOLERANCE` of that on
    31.12.`year` (True where either is unknown)."""
    before, after = area_on(ctx, keys, year), area_on(ctx, keys, later)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ~(np.abs(after / before - 1) > TERRITORY_TOLERANCE)


AreaCells = Callable[["Context", str, str], dict[str, list[tuple[int, float, str]]]]


def known_areas(
    ctx: Context, key: str, since: int, read: AreaCells = area_cells
) -> dict[int, float]:
    """Year → `key`'s area in km² on 31.12. of every year from `since` on that a source of
    `AREA_SOURCES` gives (the first that has it), in order; `read` gives a table's areas
    (`gebietsstand.area_cells`: on the territory of today)."""
    known: dict[int, float] = {}
    for table, variable, factor, _ in AREA_SOURCES:
        for year, value, _ in read(ctx, table, variable).get(key, []):
            if year >= since:
                known.setdefault(year, value * factor)
    return dict(sorted(known.items()))


def territory_changes(
    ctx: Context, key: str, since: int, read: AreaCells = area_cells
) -> list[tuple[int, float, float]]:
    """(year, area before, area then) wherever `key`'s area changed by more than
    `TERRITORY_TOLERANCE` between two Stichtage with a known area from `since` on (`read`:
    as for `known_areas`)."""
    known = known_areas(ctx, key, since, read)
    years = list(known)
    return [
        (later, known[year], known[later])
        for year, later in zip(years, years[1:], strict=False)
        if abs(known[later] / known[year] - 1) > TERRITORY_TOLERANCE
    ]


def gemeinde_keys(ctx: Context, table: str) -> frozenset[str]:
    """The keys `table` gives as Gemeinden: an 8-digit key can also be a Gemeindeverband (a
    Samtgemeinde, e.g. 03454401), which the table's structure tells apart (`level`)."""

    def build() -> frozenset[str]:
        f = ctx.store.table(table)
        return frozenset(f.loc[f["level"].astype(str) == "gemeinde", "area_key"].astype(str))

    return ctx.lookup(("gemeinde_keys", table), build)


def full_gemeinden(ctx: Context, src: AgeData) -> list[str]:
    """The Gemeinden of an age table (`gemeinde_keys`) with no secret cell in either sex: the
    ones a projection can start from as they are."""
    gemeinden = gemeinde_keys(ctx, src.table)
    return [
        k
        for k in src.keys
        if k in gemeinden
        and not any(np.isnan(src.counts[s][src.row[k]]).any() for s in ("male", "female"))
    ]
