"""The national frame: Germany's fertility, life expectancy and net migration per year, observed
where published and assumed beyond, as Destatis' 15th coordinated projection assumes them
(`data/projection_frame.toml`). Every local projection is set relative to it.

Each quantity moves linearly from its last observed value to the variant's level in the year
the variant reaches it, and stays there: children per woman to `fertility_year`, net
migration to `migration_year`, life expectancy at birth to `e0_year`. Observed life
expectancy is that of Germany's period life tables at their middle year.

Mortality follows the frame by scaling every age's hazard by one factor per year and sex (the
survival probabilities of a life table raised to a power, as the local mortality levels are),
chosen so that the table's life expectancy moves by what the frame's moves: the table keeps its
age pattern and its own definition of e0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from dwk.core import paths
from dwk.core.toml_records import Field, Schema, check, load, records, sections
from dwk.inputs.schedules import LifeTable

__all__ = ["Frame", "FrameVariant", "e0_of", "load_frame", "mortality_factor"]

SOURCE: Schema = {
    k: Field(str, required=True, nonempty=True)
    for k in ("title", "publisher", "in_text", "published", "url", "licence", "observed")
}
VARIANT: Schema = {
    "id": Field(str, required=True, choices=("main", "low-migration", "high-migration")),
    "official": Field(str, required=True, nonempty=True),
    "fertility": Field(float, required=True),
    "fertility_year": Field(int, required=True),
    "e0_male": Field(float, required=True),
    "e0_female": Field(float, required=True),
    "e0_year": Field(int, required=True),
    "migration": Field(float, required=True),
    "migration_year": Field(int, required=True),
}
LIFE: Schema = {
    "year": Field(int, required=True),
    "period": Field(str, required=True, nonempty=True),
    "male": Field(float, required=True),
    "female": Field(float, required=True),
}
OBSERVED: Schema = {
    "year": Field(int, required=True),
    "fertility": Field(float, required=True),
    "migration": Field(float, required=True),
    "births": Field(int),
    "deaths": Field(int),
}


@dataclass(frozen=True)
class FrameVariant:
    id: str
    official: str
    fertility: float
    fertility_year: int
    e0_male: float
    e0_female: float
    e0_year: int
    migration: float
    migration_year: int

    def e0(self, sex: str) -> float:
        return self.e0_male if sex == "male" else self.e0_female


@dataclass(frozen=True)
class Frame:
    source: dict[str, str]
    variants: dict[str, FrameVariant]
    fertility_observed: dict[int, float]
    migration_observed: dict[int, float]
    e0_observed: dict[str, dict[int, float]]  # sex -> middle year of a life table -> e(0)
    births_observed: dict[int, float]
    deaths_observed: dict[int, float]

    def tfr(self, variant: str, year: int) -> float:
        """Children per woman in `year`."""
        v = self.variants[variant]
        return _path(self.fertility_observed, year, v.fertility, v.fertility_year)

    def migration(self, variant: str, year: int) -> float:
        """Germany's net migration across its borders in `year`, persons."""
        v = self.variants[variant]
        return _path(self.migration_observed, year, v.migration, v.migration_year)

    def e0(self, variant: str, sex: str, year: int) -> float:
        """Life expectancy at birth in `year`: interpolated between the life tables' middle
        years, then towards the variant's value."""
        v = self.variants[variant]
        return _path(self.e0_observed[sex], year, v.e0(sex), v.e0_year)


def _path(observed: dict[int, float], year: int, level: float, reached: int) -> float:
    years = sorted(observed)
    if not years:
        return level
    if year <= years[0]:
        return observed[years[0]]
    last = years[-1]
    if year <= last:
        return float(np.interp(year, years, [observed[y] for y in years]))
    if year >= reached or reached <= last:
        return level
    return observed[last] + (level - observed[last]) * (year - last) / (reached - last)


def load_frame(path: Path | None = None) -> Frame:
    """`data/projection_frame.toml`, checked field by field (file:line on an error)."""
    path = path or paths.data_dir() / "projection_frame.toml"
    return _load(path)


@cache
def _load(path: Path) -> Frame:
    raw, lines = load(path)
    sections(raw, ("source", "variant", "observed", "life_expectancy"), lines)
    source = check(raw.get("source"), SOURCE, lines, ("source",), "[source]")
    variants: dict[str, FrameVariant] = {}
    for i, entry in enumerate(records(raw, "variant", lines)):
        v = FrameVariant(**check(entry, VARIANT, lines, ("variant", i)))
        if v.id in variants:
            raise lines.error(f"Variante {v.id!r} doppelt", ("variant", i), "id")
        variants[v.id] = v
    missing = {"main", "low-migration", "high-migration"} - set(variants)
    if missing:
        raise lines.error(f"es fehlt die Variante {sorted(missing)[0]!r}", ())
    fertility: dict[int, float] = {}
    migration: dict[int, float] = {}
    births: dict[int, float] = {}
    deaths: dict[int, float] = {}
    for i, entry in enumerate(records(raw, "observed", lines)):
        o = check(entry, OBSERVED, lines, ("observed", i))
        if o["year"] in fertility:
            raise lines.error(f"Jahr {o['year']} doppelt", ("observed", i), "year")
        fertility[o["year"]] = float(o["fertility"])
        migration[o["year"]] = float(o["migration"])
        if "births" in o:
            births[o["year"]] = float(o["births"])
        if "deaths" in o:
            deaths[o["year"]] = float(o["deaths"])
    e0: dict[str, dict[int, float]] = {"male": {}, "female": {}}
    for i, entry in enumerate(records(raw, "life_expectancy", lines)):
        t = check(entry, LIFE, lines, ("life_expectancy", i))
        for sex in e0:
            e0[sex][t["year"]] = float(t[sex])
    return Frame(source, variants, fertility, migration, e0, births, deaths)


# --- mortality -----------------------------------------------------------------------------


def e0_of(table: LifeTable, factor: float = 1.0) -> float:
    """Life expectancy at birth of `table` with every hazard times `factor`: l(x) from the
    table's one-year survival l(x+1)/l(x) raised to `factor`, person-years as the mean of
    l(x) and l(x+1), the open group 100+ with its death rate times `factor`."""
    p = table.l[1:] / table.l[:-1]
    lx = np.concatenate([[1.0], np.cumprod(p**factor)])
    open_rate = table.l[-1] / table.T[-1] * factor
    return float(((lx[:-1] + lx[1:]) / 2).sum() + lx[-1] / open_rate)


def mortality_factor(table: LifeTable, gain: float) -> float:
    """The hazard factor that moves `table`'s life expectancy by `gain` years (bisection; the
    e0 of `e0_of` falls as the factor grows). `framed` keeps the factors of every year per store."""
    if gain == 0:
        return 1.0
    target = e0_of(table) + gain
    lo, hi = 0.05, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if e0_of(table, mid) > target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
