"""Germany's schedules of mortality and fertility, the standards every local level is set
against: the period life tables (role `life_table`) and the births by mother's age (role
`births_by_age`) over the female population by single year of age (Germany's rows of the roles
`age_single_years`, else `age_single_years_laender`); table codes in `data/roles.toml`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dwk import roles
from dwk.core.errors import DwkError
from dwk.core.types import level_of
from dwk.inputs import tables as inputs
from dwk.store import Store

if TYPE_CHECKING:
    from dwk.inputs.context import Context

TOP = 100
"""Oldest single year carried by the projection; index 100 is the open group 100+."""
AGES = TOP + 1
FERTILE = range(15, 50)

_VAR = {
    "l": "Überlebende [l(x)]",
    "d": "Gestorbene [d(x)]",
    "L": "Bis zum Alter x+1 durchlebte Jahre [L(x)]",
    "T": "Insgesamt noch zu durchlebende Jahre [T(x)]",
    "e": "Durchschnittliche Lebenserwartung [e(x)]",
}


def age_from(labels: pd.Series) -> pd.Series:
    """First age of band labels such as `15-16` or `90+`."""
    return labels.astype(str).str.split("-").str[0].str.rstrip("+").astype(int)


@dataclass(frozen=True)
class LifeTable:
    """One sex of a period life table, ages 0..100; the last age stands for 100 and older."""

    period: str
    sex: str
    l: np.ndarray  # noqa: E741 - the life-table symbol
    d: np.ndarray
    L: np.ndarray
    T: np.ndarray

    @property
    def e0(self) -> float:
        return float(self.T[0] / self.l[0])

    def survival(self) -> np.ndarray:
        """Probability that a person aged x on 31.12. is alive one year later, x = 0..100+:
        L(x+1)/L(x), and T(101)/T(100) for the open group."""
        s = np.empty(AGES)
        s[:-1] = self.L[1:] / self.L[:-1]
        s[-1] = (self.T[-1] - self.L[-1]) / self.T[-1]
        return s

    def newborn_survival(self) -> float:
        """Share of a year's births alive at its end: L(0)/l(0)."""
        return float(self.L[0] / self.l[0])

    def death_rates(self) -> np.ndarray:
        """Central death rates m(x) = d(x)/L(x); the open group uses l(100)/T(100)."""
        m = self.d / self.L
        m[-1] = self.l[-1] / self.T[-1]
        return m


def life_table_periods(store: Store) -> list[str]:
    f = store.table(roles.first("life_table", store))
    return sorted(str(p) for p in f["period"].unique())


def life_table(store: Store, period: str, sex: str) -> LifeTable:
    f = store.table(roles.first("life_table", store))
    f = f.loc[(f["period"] == period) & (f["sex"] == sex)]
    if f.empty:
        raise DwkError(f"Sterbetafel {period} ({sex}) ist nicht im Datenbestand")
    f = f.assign(age_from=age_from(f["age"])).sort_values("age_from")
    cols = {k: f.loc[f["variable"] == v, "value"].to_numpy(dtype=float) for k, v in _VAR.items()}
    if any(len(v) != AGES for k, v in cols.items() if k != "e"):
        raise DwkError(f"Sterbetafel {period} ({sex}) hat nicht die Alter 0 bis 100")
    return LifeTable(period, sex, cols["l"], cols["d"], cols["L"], cols["T"])


@dataclass(frozen=True)
class Fertility:
    """Germany's age-specific fertility rates of one year, by the mother's age on 31.12."""

    year: int
    asfr: np.ndarray  # ages 0..100, births per woman
    share_male: float
    births: float
    exposure_year: int

    @property
    def tfr(self) -> float:
        return float(self.asfr.sum())


def female_single_years(
    store: Store, year: int, age: Callable[[str, int], inputs.AgeData | None] | None = None
) -> np.ndarray | None:
    """Germany's women by single year of age 0..74 on 31.12.: the DG row, else the sum of the
    Länder (the 2019 table has no DG row). `age` reads an age table (a context's cache)."""
    held = (*roles.held("age_single_years", store), *roles.held("age_single_years_laender", store))
    for table in held:
        if year not in _table_years(store, table):
            continue  # age_data would find no Stichtag
        src = age(table, year) if age else inputs.age_data(store, table, year)
        if src is None:
            continue
        rows = (
            [src.row["DG"]]
            if "DG" in src.row
            else [src.row[k] for k in src.keys if level_of(k) == "land"]
        )
        women = src.counts["female"][rows].sum(axis=0)
        if src.bands[:75] == [(a, a + 1) for a in range(75)]:
            return women[:75]
    return None


def _table_years(store: Store, table: str) -> set[int]:
    return {int(y) for y in store.table(table)["year"].unique()}


def _birth_years(store: Store) -> set[int]:
    return {int(y) for y in store.table(roles.first("births_by_age", store))["year"].unique()}


def fertility(store: Store, year: int, women: np.ndarray | None = None) -> Fertility:
    """ASFR of `year`: births by mother's age over the women of that age on 31.12. Births to
    mothers under 15 count at 15, those of 50 and over at 49 (the rates exist only 15–49)."""
    f = store.table(roles.first("births_by_age", store))
    f = f.loc[(f["year"] == year) & ~f["age"].isin(["total", "unknown"])]
    women = female_single_years(store, year) if women is None else women
    if f.empty or women is None:
        raise DwkError(f"Keine Geburten nach Alter der Mutter oder Frauen nach Alter für {year}")
    lo = age_from(f["age"]).clip(15, 49)
    by_age = f.assign(lo=lo).groupby("lo")["value"].sum()
    asfr = np.zeros(AGES)
    for a in FERTILE:
        asfr[a] = by_age.get(a, 0.0) / women[a]
    male = f.loc[f["sex"] == "male", "value"].sum()
    total = f["value"].sum()
    return Fertility(year, asfr, float(male / total), float(total), year)


# --- read once per context, from its age tables -----------------------------------------------


def women_in(ctx: Context, year: int) -> np.ndarray | None:
    """`female_single_years` from the context's age tables."""
    return ctx.lookup(("sc.women", year), lambda: female_single_years(ctx.store, year, ctx.age))


def fertility_years_in(ctx: Context) -> list[int]:
    def build() -> list[int]:
        births = _birth_years(ctx.store)
        return sorted(y for y in births if women_in(ctx, y) is not None)

    return ctx.lookup(("sc.fertility_years",), build)


def fertility_in(ctx: Context, year: int) -> Fertility:
    return ctx.lookup(
        ("sc.fertility", year), lambda: fertility(ctx.store, year, women_in(ctx, year))
    )


def fertility_for_in(ctx: Context, base_year: int) -> Fertility:
    """The latest year ≤ the base year with both births by age and women by single age (later
    years' women need not be read)."""
    births = _birth_years(ctx.store)
    for year in sorted((y for y in births if y <= base_year), reverse=True):
        if women_in(ctx, year) is not None:
            return fertility_in(ctx, year)
    raise DwkError(f"Keine deutsche Fruchtbarkeit bis {base_year} im Datenbestand")


def life_table_in(ctx: Context, period: str, sex: str) -> LifeTable:
    return ctx.lookup(("sc.life_table", period, sex), lambda: life_table(ctx.store, period, sex))


def life_table_periods_in(ctx: Context) -> list[str]:
    return ctx.lookup(("sc.life_table_periods",), lambda: life_table_periods(ctx.store))


def life_table_for_in(ctx: Context, base_year: int) -> str:
    """The standard for a base year: the first table whose period starts in or after it (a 2015
    base gets 2016/18, a 2020 base 2020/22), else the latest."""
    periods = life_table_periods_in(ctx)
    later = [p for p in periods if int(p[:4]) >= base_year]
    return later[0] if later else periods[-1]
