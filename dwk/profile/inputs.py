"""The numbers indicators are computed from, fetched from the store as arrays over areas.

Age structure comes as bands (single years where a table has them, else the 17 groups of the
Gemeinde table); totals come as series over years that follow key changes back in time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dwk.areas import KeyChange
from dwk.sources.cells import HIDDEN
from dwk.sources.labels import band_bounds
from dwk.store import Store

SINGLE_YEARS = "12411-04-02-4"
AGE_GROUPS = "12411-02-03-5"
POPULATION_KREIS = "12411-01-01-4"
POPULATION_KREIS_RECENT = "12411-0015"
POPULATION_GEMEINDE = "12411-01-01-5"
BIRTHS = "12612-01-01-4"
DEATHS = "12613-01-01-4"
MEAN_POPULATION = "12411-05-01-4"
MOVES_KREIS = "12711-04-02-4"
"""Zu- und Fortzüge über die Kreisgrenzen by age group and sex, Kreise, 2015 only."""
MOVES_GEMEINDE = "12711-01-03-5"
"""The same over the Gemeinde boundaries, all Gemeinden, 2015 only."""
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

    def total(self, sex: str = "total") -> np.ndarray:
        return self.counts[sex].sum(axis=1)

    def between(self, lo: int, hi: int | None, sex: str = "total") -> np.ndarray | None:
        """People aged lo to under hi (None: open), or None if no band edge falls there."""
        starts = [b[0] for b in self.bands]
        ends = [b[1] for b in self.bands]
        if lo not in starts or (hi is not None and hi not in ends):
            return None
        i = starts.index(lo)
        j = len(self.bands) if hi is None else ends.index(hi) + 1
        return self.counts[sex][:, i:j].sum(axis=1)

    def rows(self, keys: list[str]) -> np.ndarray:
        return np.array([self.row[k] for k in keys], dtype=int)


def age_data(store: Store, table: str, year: int) -> AgeData | None:
    """The age table `table` at 31.12. of `year`, or None if it has no such Stichtag."""
    frame = store.table(table)
    frame = frame.loc[
        (frame["year"] == year) & (frame["age"] != "total") & (frame["age"] != "unknown")
    ]
    frame = frame.loc[frame["period"].astype(str).str.endswith("12-31")]
    if frame.empty:
        return None
    value = frame["value"].where(~frame["flag"].isin(HIDDEN))
    wide = (
        frame.assign(value=value)
        .pivot_table(
            index="area_key", columns=["sex", "age"], values="value", aggfunc="first",
            observed=True, dropna=False,
        )
    )  # fmt: skip
    bands = sorted({band_bounds(a) for a in frame["age"].unique()}, key=lambda b: b[0])
    labels = [f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in bands]
    keys = [str(k) for k in wide.index]
    counts = {}
    for sex in SEXES:
        if sex in wide.columns.get_level_values(0):
            counts[sex] = wide[sex].reindex(columns=labels).to_numpy(dtype=float)
    return AgeData(
        table, str(frame["period"].iloc[0]), keys, bands, counts, {k: i for i, k in enumerate(keys)}
    )


def population_totals(store: Store, changes: list[KeyChange]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population on 31.12. by area (rows) and year (columns), all levels, 1995–2020: the series
    continued back over key changes, and the values as the tables give them.

    Länder and Germany after 2015 are sums of their Kreise (12411-0015 has Kreise only); a key
    with no value in a year before it was created is continued with the sum of its old keys, so
    a series does not break, while the observed frame still says which keys existed when.
    """
    parts = []
    present = store.tables()
    for table in (POPULATION_KREIS, POPULATION_GEMEINDE, POPULATION_KREIS_RECENT):
        if table not in present:
            parts.append(pd.DataFrame(columns=["area_key", "level", "year", "value"]))
            continue
        f = store.table(table)
        f = f.loc[(f["sex"] == "total") & f["period"].astype(str).str.endswith("12-31")]
        parts.append(
            f[["area_key", "level", "year", "value"]].astype({"area_key": str, "level": str})
        )
    kreise = parts[2].loc[parts[2]["level"] == "kreis"]
    for key in (kreise["area_key"].str[:2], "DG"):
        parts.append(
            kreise.assign(area_key=key).groupby(["area_key", "year"], as_index=False)["value"].sum()
        )
    both = pd.concat(parts, ignore_index=True)
    wide = both.pivot_table(index="area_key", columns="year", values="value", aggfunc="first")
    wide = wide.where(wide > 0)
    observed = wide.copy()
    for change in changes:
        olds = [o for o in change.old if o in wide.index]
        if change.new not in wide.index or not olds:
            continue
        summed = wide.loc[olds].sum(min_count=len(olds))
        gap = wide.loc[change.new].isna() & summed.notna()
        years = [y for y in wide.columns if gap[y] and y < int(change.date[:4]) + 1]
        wide.loc[change.new, years] = summed[years]
    return wide, observed
