"""Population on 31.12. by area and year, one line per census basis.

The Fortschreibung restarts at each census: figures up to the Zensus 2011 rest on earlier
counts, from 31.12.2011 on the Zensus 2011, from 31.12.2022 on the Zensus 2022. The same
Stichtag can exist on two bases (the Gemeindeverzeichnis of 31.12.2023 carries 2011-based
figures, 12411-0015 the 2022-based ones). So there are two lines:

- `zensus2011`: figures before the Zensus 2022 (the earlier ones joined to it, as the tables
  publish them; a change across 2011 is flagged by the indicators);
- `zensus2022`: figures on the Zensus 2022 basis.

Each line takes the tables of the role `population` in their order of preference; a table
with Kreise but no Länder (12411-0015) gives the Länder and Germany as sums of its Kreise, a
table with Gemeinden only (the Gemeindeverzeichnis) gives Kreise, Länder and Germany as sums
of its Gemeinden, where no table gives them directly. The basis of each figure comes from the
store's `basis` column, which the readers fill from the file, its sidecar or the rule of
`dwk.sources.tables.basis`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from dwk.key_changes import KeyChange, renames
from dwk.roles import tables
from dwk.store import Store

__all__ = ["LINES", "Line", "PopulationLine", "carried_forward", "population_line"]

Line = Literal["zensus2011", "zensus2022"]
LINES: tuple[Line, ...] = ("zensus2011", "zensus2022")
_LINE_OF_BASIS = {"vor2011": "zensus2011", "zensus2011": "zensus2011", "zensus2022": "zensus2022"}
_COLUMNS = ["area_key", "level", "year", "value", "table"]


@dataclass(frozen=True)
class PopulationLine:
    """One census line: `values` continued over key changes (area × year), `observed` as the
    tables give them (a key has values only while it existed), `tables` the table code of
    each value."""

    line: Line
    values: pd.DataFrame
    observed: pd.DataFrame
    tables: pd.DataFrame


def _cells(store: Store, line: Line) -> list[pd.DataFrame]:
    """The direct cells of every population table on `line`, preferred table first."""
    present = set(store.tables())
    parts = []
    for table in tables("population"):
        if table not in present:
            continue
        f = store.table(table)
        f = f.loc[
            (f["sex"] == "total")
            & (f["age"] == "total")
            & f["variable"].astype(str).str.startswith("Bevölkerung")
            & f["period"].astype(str).str.endswith("12-31")
        ]
        on_line = f["basis"].astype(str).map(lambda b: _LINE_OF_BASIS.get(b, "zensus2011") == line)
        f = f.loc[on_line.to_numpy(dtype=bool)]
        if f.empty:
            continue
        part = f[["area_key", "level", "year", "value"]].astype({"area_key": str, "level": str})
        parts.append(part.assign(table=table))
    return parts


def _sums(part: pd.DataFrame) -> list[pd.DataFrame]:
    """Upper levels a table does not give, as sums of its lowest level."""
    levels = set(part["level"])
    out = []
    if "kreis" in levels:
        base, prefixes = part.loc[part["level"] == "kreis"], [(2, "land"), (0, "de")]
    elif "gemeinde" in levels:
        base = part.loc[part["level"] == "gemeinde"]
        prefixes = [(5, "kreis"), (2, "land"), (0, "de")]
    else:
        return []
    for length, level in prefixes:
        if level in levels:
            continue
        key = base["area_key"].str[:length] if length else "DG"
        summed = base.assign(area_key=key).groupby(["area_key", "year"], as_index=False)
        summed = summed["value"].sum(min_count=1)
        out.append(summed.assign(level=level, table=part["table"].iloc[0]))
    return out


def population_line(store: Store, changes: list[KeyChange], line: Line) -> PopulationLine:
    parts = _cells(store, line)
    parts += [s for p in parts for s in _sums(p)]
    both = (
        pd.concat(parts, ignore_index=True)[_COLUMNS]
        if parts
        else pd.DataFrame(columns=_COLUMNS).astype({"year": int, "value": float})
    )
    both = both.loc[both["value"] > 0]
    both = both.drop_duplicates(["area_key", "year"], keep="first")  # the preferred table
    wide = both.pivot(index="area_key", columns="year", values="value").astype(float)
    which = both.pivot(index="area_key", columns="year", values="table")
    observed = wide.copy()
    for change in (c for c in changes if c.continues_back):
        olds = [o for o in change.old if o in wide.index]
        if change.new not in wide.index or not olds:
            continue
        summed = wide.loc[olds].sum(min_count=len(olds))
        gap = wide.loc[change.new].isna() & summed.notna()
        years = [y for y in wide.columns if gap[y] and y < int(change.date[:4]) + 1]
        wide.loc[change.new, years] = summed[years]
    tables = carried_forward(which, changes)
    return PopulationLine(line, carried_forward(wide, changes), observed, tables)


def carried_forward(frame: pd.DataFrame, changes: list[KeyChange]) -> pd.DataFrame:
    """`frame` (area × year) with the figures of an area's new key also under its old key
    where the key changed with the territory unchanged (`KeyChange.renamed`): the tables up
    to 2015 know Göttingen's Gemeinden by their old keys only, which their age structure,
    profile and projection go by."""
    pairs = [(o, n) for o, n in renames(changes) if o in frame.index and n in frame.index]
    if not pairs:
        return frame
    out = frame.copy()
    for old, new in pairs:
        later = out.loc[old].isna() & out.loc[new].notna()
        out.loc[old, later] = out.loc[new, later]
    return out
