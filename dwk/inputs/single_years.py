"""Single years of age for any area, as the mean and median age need them.

Kreise, Länder and Germany have single years to 74; their bands 75-80, 80-85, 85-90 and 90+ are
split along the stationary population L(x) of the German life table 2016/18. Gemeinden have 17
groups; they are split along their own Kreis (same sex, same Stichtag), see `age_estimation`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dwk import roles
from dwk.inputs import age_estimation as est
from dwk.inputs import schedules
from dwk.inputs import tables as inputs
from dwk.store import Store

LIFE_TABLE_PERIOD = "2016/2018"
"""A method constant: the life table whose shape splits the old-age bands, chosen once as the
standard (the first after the 2015 base); a later table would move every estimated mean age."""


def life_table_standard(store: Store, sex: str) -> np.ndarray:
    table = schedules.life_table(store, LIFE_TABLE_PERIOD, sex)
    return est.stationary_standard(table.L, table.T[-1])


class SingleYears:
    """Cache of completed single-year populations by (table, year, key, sex)."""

    def __init__(
        self,
        store: Store,
        age: Callable[[str, int], inputs.AgeData | None],
        life: Callable[[str], np.ndarray] | None = None,
        single_years: Callable[[], list[int]] | None = None,
    ) -> None:
        self.store = store
        self._age = age
        self._life_of = life or (lambda sex: life_table_standard(store, sex))
        self._single_table = roles.first("age_single_years", store)
        self._single_years = single_years or (lambda: _years_of(store, self._single_table))
        self._life: dict[str, np.ndarray] = {}
        self._standard_years: dict[int, int | None] = {}
        self._cache: dict[tuple[str, int, str, str, bool], np.ndarray | None] = {}

    def life(self, sex: str) -> np.ndarray:
        if sex not in self._life:
            self._life[sex] = self._life_of(sex)
        return self._life[sex]

    def of(self, src: inputs.AgeData, key: str, sex: str) -> np.ndarray | None:
        ck = _ck(src, key, sex)
        if ck not in self._cache:
            self._cache[ck] = self._compute(src, key, sex)
        return self._cache[ck]

    def prefetch(self, src: inputs.AgeData, keys: list[str], sex: str) -> None:
        """Fill the cache for many keys of one table at once, with what `of` would give for
        each: the areas sharing a standard are split together (`est.split_many`)."""
        year = int(src.period[:4])
        todo = [k for k in dict.fromkeys(keys) if _ck(src, k, sex) not in self._cache]
        single = self._standard_table(year)
        if todo and not _single(src) and single is not None:
            needed = {s for k in todo for s in (k[:5], k[:2], "DG") if s in single.row}
            self.prefetch(single, sorted(needed), sex)
        counts = src.counts[sex][src.rows(todo)]
        usable = ~np.isnan(counts).any(axis=1) & (counts.sum(axis=1) > 0)  # as in `_compute`
        standards: dict[str, str | None] = {}  # by key[:5]: the standard depends on no more
        groups: dict[str | None, list[int]] = {}
        for i in np.flatnonzero(usable).tolist():
            key = todo[i]
            if _single(src):
                std_key: str | None = ""
            elif key[:5] in standards:
                std_key = standards[key[:5]]
            else:
                std_key = standards[key[:5]] = self._standard_key(single, key, sex)
            groups.setdefault(std_key, []).append(i)
        groups.pop(None, None)
        for std_key, members in groups.items():
            if _single(src):
                split = _split_old_age_many(counts[members], src.bands, self.life(sex))
            else:
                split = est.split_many(counts[members], src.bands, self.of(single, std_key, sex))
            for i, row in zip(members, split, strict=True):
                if row is not None:
                    self._cache[_ck(src, todo[i], sex)] = row
        for key in todo:
            self.of(src, key, sex)  # the rest, one by one

    def _standard_table(self, year: int) -> inputs.AgeData | None:
        """The single years that age groups of `year` are split along: those of the same
        Stichtag, else of the nearest earlier one, else of the nearest later one the store
        holds (the shape of the ages within a group changes slowly; a later download of the
        group table must not lose its mean age for want of single years)."""
        if year not in self._standard_years:
            have = self._single_years()
            earlier = [y for y in have if y <= year]
            self._standard_years[year] = earlier[-1] if earlier else (have[0] if have else None)
        chosen = self._standard_years[year]
        return self._age(self._single_table, chosen) if chosen is not None else None

    def _standard_key(self, single: inputs.AgeData | None, key: str, sex: str) -> str | None:
        """The single-year area `_compute` would split `key` along, or None."""
        for std_key in (key[:5], key[:2], "DG"):
            if single is not None and std_key in single.row:
                if self.of(single, std_key, sex) is not None:
                    return std_key
        return None

    def _compute(self, src: inputs.AgeData, key: str, sex: str) -> np.ndarray | None:
        counts = src.counts[sex][src.row[key]]
        if np.isnan(counts).any() or counts.sum() <= 0:
            return None
        if _single(src):
            return _split_old_age(counts, src.bands, self.life(sex))
        single = self._standard_table(int(src.period[:4]))
        std_key = self._standard_key(single, key, sex)
        if std_key is None:
            return None
        return est.split_to_single_years(counts, src.bands, self.of(single, std_key, sex))


def _ck(src: inputs.AgeData, key: str, sex: str) -> tuple[str, int, str, str, bool]:
    """The cache key of a key's single years: an absorber's row on the territory of today
    (`AgeData.summed`) is not its row as published, which the projection reads."""
    return (src.table, int(src.period[:4]), key, sex, key in src.summed)


def _single(src: inputs.AgeData) -> bool:
    """Whether `src` comes from a table of single years (whose old-age bands alone are split)."""
    return src.table in roles.tables("age_single_years")


KEEP = 70
"""Single years below this age are taken as they are; only the bands above are split."""


def _split_old_age(counts: np.ndarray, bands: list, standard: np.ndarray) -> np.ndarray:
    """`est.split_to_single_years` on the ages from 70 only: the split of the bands 75+ depends
    on their neighbours, not on the ages far below, so this gives the same single years as the
    split of all 79 bands, in a tenth of the time."""
    keep = [i for i, (lo, _) in enumerate(bands) if lo < KEEP]
    rest = [i for i, (lo, _) in enumerate(bands) if lo >= KEEP]
    head = counts[keep]
    tail_bands = [(0, KEEP), *(bands[i] for i in rest)]
    split = est.split_to_single_years(
        np.concatenate([[head.sum()], counts[rest]]), tail_bands, standard
    )
    split[:KEEP] = head
    return split


def _split_old_age_many(counts: np.ndarray, bands: list, standard: np.ndarray) -> list:
    """`_split_old_age` for every row of `counts` (None where `est.split_many` declines)."""
    keep = [i for i, (lo, _) in enumerate(bands) if lo < KEEP]
    rest = [i for i, (lo, _) in enumerate(bands) if lo >= KEEP]
    head = np.ascontiguousarray(counts[:, keep])
    tail_bands = [(0, KEEP), *(bands[i] for i in rest)]
    tails = np.column_stack([head.sum(axis=1), counts[:, rest]])
    out = est.split_many(tails, tail_bands, standard)
    for split, h in zip(out, head, strict=True):
        if split is not None:
            split[:KEEP] = h
    return out


def _years_of(store: Store, table: str) -> list[int]:
    """The years of `table`'s 31.12. Stichtage in the store (none without the table)."""
    if table not in store.tables():
        return []
    periods = store.table(table)["period"].astype(str).unique()
    return sorted({int(p[:4]) for p in periods if p.endswith("12-31")})
