"""`Context`: what every computation of one run reads, built once from whole tables.

It holds the store, the key changes and the whole-table lookups, so that no answer depends on
which areas were asked first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dwk.areas import KeyChange
from dwk.inputs import tables as inputs
from dwk.inputs.single_years import SingleYears
from dwk.store import Store


@dataclass
class Context:
    store: Store
    changes: list[KeyChange]
    _age: dict[tuple[str, int], inputs.AgeData | None] = field(default_factory=dict)
    _totals: tuple[pd.DataFrame, pd.DataFrame] | None = None
    single_years: SingleYears = field(init=False)
    years_cache: dict = field(default_factory=dict)
    _lookups: dict = field(default_factory=dict, repr=False)
    """Whole-table lookups (see `inputs`): built once from every key, so no answer depends on
    which areas were asked first."""

    def __post_init__(self) -> None:
        self.single_years = SingleYears(self.store, self.age)

    def age(self, table: str, year: int) -> inputs.AgeData | None:
        if (table, year) not in self._age:
            self._age[(table, year)] = inputs.age_data(self.store, table, year)
        return self._age[(table, year)]

    @property
    def totals(self) -> pd.DataFrame:
        """Population series continued over key changes (see `inputs.population_totals`)."""
        return self._population()[0]

    @property
    def observed_totals(self) -> pd.DataFrame:
        """Population as the tables give it: a key has values only while it existed."""
        return self._population()[1]

    def _population(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self._totals is None:
            self._totals = inputs.population_totals(self.store, self.changes)
        return self._totals

    def lookup(self, name: tuple, build: Callable[[], object]) -> object:
        """The cached `build()`, made once per context from whole tables."""
        if name not in self._lookups:
            self._lookups[name] = build()
        return self._lookups[name]
