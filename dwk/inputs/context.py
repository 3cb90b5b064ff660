"""`Context`: what every computation of one run reads, built once from whole tables.

One cache with two kinds of entry, both named by a tuple:
- `lookup(name, build)`: a value derived from whole tables (every key, every year), so that no
  answer depends on which areas were asked first. It is also kept on disk next to the store
  (`dwk.derived`), so that the next run does not rebuild it.
- `memo(name, build)`: a result for the areas of one request (a Kreis's Gemeinden, one
  outlook), or a cheap view of a whole-table value (the figures on the territory of today,
  `inputs.gebietsstand`), kept in memory for this context only.

A context reads the figures on one Gebietsstand; `jeweilig()` gives its sibling on the other,
which shares the cache (names that differ between the two carry the Gebietsstand).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pandas as pd

from dwk import roles
from dwk.derived import DerivedCache, Name
from dwk.inputs import tables as inputs
from dwk.inputs.gebietsstand import Gebietsstand
from dwk.inputs.population import Line, PopulationLine, population_line
from dwk.inputs.single_years import SingleYears, life_table_standard
from dwk.key_changes import ChangeKind, KeyChange, change_years, formed_from
from dwk.store import Store

__all__ = ["Context"]

T = TypeVar("T")


@dataclass
class Context:
    store: Store
    changes: list[KeyChange]
    persist: bool = True
    """Keep whole-table lookups on disk next to the store (see `dwk.derived`)."""
    gebietsstand: Gebietsstand = "aktuell"
    """The territory the indicators and series read figures of (`inputs.gebietsstand`)."""
    single_years: SingleYears = field(init=False)
    batches: OrderedDict[tuple, Any] = field(default_factory=OrderedDict, repr=False)
    """Gemeinde projections by (Kreis, target, variants), the most recent few (see
    `projection.model`)."""
    _cache: dict[tuple[str, Name], Any] = field(default_factory=dict, repr=False)
    _derived: DerivedCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._derived = DerivedCache(self.store, enabled=self.persist)
        self.single_years = SingleYears(
            self.store,
            self.age,
            self._life_standard,
            lambda: self.age_tables().get(self.table("age_single_years"), []),
        )

    def _life_standard(self, sex: str):
        return self.lookup(("life_standard", sex), lambda: life_table_standard(self.store, sex))

    def lookup(self, name: Name, build: Callable[[], T]) -> T:
        """The whole-table value `name`: from memory, from the store's derived cache, or built."""
        ck = ("lookup", name)
        if ck not in self._cache:
            self._cache[ck] = self._derived.get(name, build)
        return self._cache[ck]

    def memo(self, name: Name, build: Callable[[], T]) -> T:
        """A result for the areas of one request, kept in memory for this context."""
        ck = ("memo", name)
        if ck not in self._cache:
            self._cache[ck] = build()
        return self._cache[ck]

    def jeweilig(self) -> Context:
        """This context on the Gebietsstand of each Stichtag (`inputs.gebietsstand`), sharing
        its cache: the Kreis map's outlines are of 2021, not of today."""
        if self.gebietsstand == "jeweilig":
            return self
        return self.memo(("jeweilig",), lambda: replace(self, gebietsstand="jeweilig"))

    def change_years(self, kind: ChangeKind) -> dict[str, tuple[int, ...]]:
        """`key_changes.change_years` of this context's changes, once: the indicators ask it
        per Gemeinde and indicator, the series per profile."""
        return self.memo(("change_years", kind), lambda: change_years(self.changes, kind))

    def table(self, role: str) -> str:
        """The preferred table of `role` the store holds (`roles.first`)."""
        return self.memo(("role_table", role), lambda: roles.first(role, self.store))

    def age_tables(self) -> dict[str, list[int]]:
        """The age tables the store holds (single years first, then groups, as
        `data/roles.toml` orders them) with the years of their 31.12. Stichtage: a later
        download is used as soon as it is in."""

        def build() -> dict[str, list[int]]:
            present = set(self.store.tables())
            out = {}
            for table in (*roles.tables("age_single_years"), *roles.tables("age_groups")):
                if table in present:
                    periods = self.store.table(table)["period"].astype(str).unique()
                    out[table] = sorted({int(p[:4]) for p in periods if p.endswith("12-31")})
            return out

        return self.lookup(("age_tables",), build)

    def age(self, table: str, year: int) -> inputs.AgeData | None:
        """Population by age and sex of `table` on 31.12. of `year` (None: no such Stichtag),
        a Gemeinde formed by a merger since as the Gemeinden it was formed from together."""

        def build() -> inputs.AgeData | None:
            data = inputs.age_data(self.store, table, year)
            return inputs.with_merged(data, formed_from(self.changes, after=f"{year}-12-31"))

        return self.lookup(("age", table, year), build)

    def population(self, line: Line = "zensus2011") -> PopulationLine:
        """Population on 31.12. on one census line (see `inputs.population`)."""
        return self.lookup(
            ("population", line), lambda: population_line(self.store, self.changes, line)
        )

    @property
    def totals(self) -> pd.DataFrame:
        """Population up to the Zensus 2022 basis, continued over key changes: the series the
        dynamics and the projection work on."""
        return self.population().values

    @property
    def observed_totals(self) -> pd.DataFrame:
        """The same as the tables give it: a key has values only while it existed."""
        return self.population().observed
