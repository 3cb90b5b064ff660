"""The dynamics section of a profile ("Bevölkerungsdynamik"): the population series with the
census counts, the components of change and the Webb type (Kreise), migration by life phase,
fertility and mortality against Germany. Assembled from `components` and `schedules`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dwk.areas import Area
from dwk.dynamics import components as comp
from dwk.dynamics import life_phases
from dwk.dynamics import series as census_series
from dwk.inputs import schedules as sc
from dwk.inputs.censuses import load_censuses
from dwk.inputs.context import Context


@dataclass(frozen=True)
class GermanSchedule:
    label: str
    value: float
    tables: str


@dataclass(frozen=True)
class Dynamics:
    series: list[tuple[str, census_series.PopulationSeries]]  # the area first, then its references
    components: comp.Components | None
    reference_components: list[tuple[str, comp.Components]]
    life_phases: pd.DataFrame  # the area and its references, in that order
    life_phase_names: dict[str, str]
    fertility: list[tuple[str, life_phases.GFR]]
    germany: list[GermanSchedule]
    windows: tuple[tuple[int, int], ...] = ()
    """The 4-year means shown in the table (`components.windows`)."""

    def phase_rows(self) -> list[tuple[str, str, list[tuple[float, str]]]]:
        """(label, ages, [(value, flag) per area]) per life phase, areas as in the names."""
        f = self.life_phases
        cells = {
            (i, k): (float(v), str(flag))
            for i, k, v, flag in zip(f["id"], f["area_key"], f["value"], f["flag"], strict=True)
        }
        phases: dict[str, tuple[str, str]] = {}
        for i, label, ages in zip(f["id"], f["label"], f["age_label"], strict=True):
            phases.setdefault(i, (str(label), str(ages)))
        return [
            (label, ages, [cells[(i, k)] for k in self.life_phase_names])
            for i, (label, ages) in phases.items()
        ]

    @property
    def latest_census(self) -> census_series.CensusPoint | None:
        """The area's count of the newest census, shown beside its latest Fortschreibung."""
        own = self.series[0][1].census
        newest = load_censuses()[-1].label if load_censuses() else None
        return next((c for c in own if c.label == newest), None)

    @property
    def migration_years(self) -> list[int]:
        """The year(s) of the moves by age behind the life phases."""
        return sorted({int(y) for y in self.life_phases["year"]})

    @property
    def counted_migration_years(self) -> list[int]:
        """Years whose migration comes from the moves table, not the residual."""
        c = self.components
        return (
            [y.year for y in c.years if not y.estimated and y.migration == y.migration] if c else []
        )

    @property
    def census_windows(self) -> list[tuple[int, int, int]]:
        """(first, last, census year) of each window between the shown ones left out for a
        census year (see `components.windows`)."""
        out = []
        for (_, a), (b, _) in zip(self.windows, self.windows[1:], strict=False):
            years = [c.year for c in load_censuses() if a < c.year < b]
            if years:
                out.append((a + 1, b - 1, years[0]))
        return out

    @property
    def life_phase_note(self) -> str:
        return life_phases.life_phase_note(self.migration_years)

    @property
    def series_tables(self) -> str:
        codes = {t for _, s in self.series for t in (*s.tables, *(c.table for c in s.census))}
        return ", ".join(sorted(codes))

    @property
    def tables(self) -> str:
        codes = set(self.series_tables.split(", "))
        if self.components:
            codes |= set(self.components.tables)
        codes |= {c.strip() for t in self.life_phases["tables"] for c in t.split(",")}
        codes |= {c.strip() for g in self.germany for c in g.tables.split(",")}
        return ", ".join(sorted(codes))


def dynamics_for(ctx: Context, area: Area, refs: list[Area]) -> Dynamics:
    compare = [r for r in refs if r.level in ("kreis", "land", "de")]
    own = census_series.population_series(ctx, area.key)  # ends with it if merged away
    on = dict(zip(own.years, own.lines, strict=True))  # the references on the area's basis
    series = [(area.name, own)]
    series += [(a.name, census_series.population_series(ctx, a.key, on)) for a in compare]
    kreis_like = area.level == "kreis"
    comps = comp.components(ctx, [area.key, *(r.key for r in compare)]) if kreis_like else {}
    phase_areas = [area, *compare]
    phases = life_phases.life_phase_migration(ctx, [a.key for a in phase_areas])
    fertility = []
    if kreis_like:
        gfr = life_phases.general_fertility_rate(ctx, [a.key for a in phase_areas])
        fertility = [(a.name, gfr[a.key]) for a in phase_areas]
    return Dynamics(
        series,
        comps.get(area.key),
        [(r.name, comps[r.key]) for r in compare if r.key in comps],
        phases,
        {a.key: a.name for a in phase_areas},
        fertility,
        german_schedules(ctx),
        comp.windows(comp.component_years(ctx)) if kreis_like else (),
    )


def german_schedules(ctx: Context) -> list[GermanSchedule]:
    """Germany's total fertility rate of every year with births by mother's age and women by
    single year of age, and the life expectancy of the shipped life tables (once per context)."""
    return ctx.lookup(("german_schedules",), lambda: _german_schedules(ctx))


def _german_schedules(ctx: Context) -> list[GermanSchedule]:
    out = []
    for year in sc.fertility_years_in(ctx):
        f = sc.fertility_in(ctx, year)
        out.append(
            GermanSchedule(
                f"Zusammengefasste Geburtenziffer {year}",
                f.tfr,
                f"{ctx.table('births_by_age')}, {ctx.table('age_single_years')}",
            )
        )
    life_table = ctx.table("life_table")
    for period in sc.life_table_periods_in(ctx):
        for sex, word in (("male", "Männer"), ("female", "Frauen")):
            e0 = sc.life_table_in(ctx, period, sex).e0
            out.append(
                GermanSchedule(f"Lebenserwartung bei Geburt {period}, {word}", e0, life_table)
            )
    return out
