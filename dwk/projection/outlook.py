"""The projection section of a profile ("Vorausberechnung"): totals of the variants, the age
groups of `data/outlook.toml` in the base and target year, today's and the projected pyramid,
the assumptions, and the projected changes as observations for the SWOT's projection rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dwk.areas import Area
from dwk.core import paths
from dwk.core.toml_records import Field, Schema, check, load, records, sections
from dwk.indicators.observation import Observation
from dwk.inputs.context import Context
from dwk.inputs.population import Line
from dwk.projection import batches
from dwk.projection import model as fc
from dwk.projection import observed as ob
from dwk.projection.describe import Assumption, area_levels, basis_name
from dwk.projection.engine import output_bands
from dwk.projection.migration import VARIANT_LABELS, VARIANTS
from dwk.projection.published import Comparison, compare, for_area, load_published
from dwk.projection.today import basis_factor, project_today, taken_in
from dwk.projection.track_record import TrackRecord, track_record

TARGET = 2040
STEP = 5
MIN_GROUP = 50
"""Persons in the base year below which a group's change in % is flagged and read by no rule."""


@dataclass(frozen=True)
class OutlookGroup:
    id: str
    label: str
    age_from: int
    age_to: int | None = None
    table: bool = True


@dataclass(frozen=True)
class OutlookRow:
    group: OutlookGroup
    values: list[float]  # main variant at `Outlook.shown`
    low: float  # target year
    high: float

    @property
    def change(self) -> float:
        return (
            (self.values[-1] - self.values[0]) / self.values[0] * 100 if self.values[0] else np.nan
        )


@dataclass(frozen=True)
class Outlook:
    base_year: int
    target: int
    years: list[int]
    shown: list[int]
    totals: dict[str, list[float]]  # variant label -> totals over `years`
    rows: list[OutlookRow]
    pyramid_base: tuple[list[float], list[float]]  # male, female; 0..89, 90+
    pyramid_target: tuple[list[float], list[float]]
    assumptions: list[Assumption]
    levels: dict[str, float]
    tables: str
    published: list[Comparison] = field(default_factory=list)  # data/published_projections.toml
    track: TrackRecord | None = None  # how good the method has been (`track_record`)
    census_basis: Line = ob.FIRST_LINE  # the run's census line (`observed`)
    basis_factor: float = 1.0  # the area's figures on it over those on the first line
    absorbed: tuple[tuple[str, str], ...] = ()
    """(name, date) of the areas it absorbed since the base, which its projection counts from
    the base on (`Registry.absorbed`; a Kreis: `today.project_today`)."""
    territory: tuple[tuple[int, float, float], ...] = ()
    """(year, area before, area then) where the territory it is projected for changed after
    the base (`batches.projected_territory_changes`): its changes from the base compare
    different territories, so no rule reads them."""
    met_until: int | None = None
    """The last year whose observed total the run meets (`Projection.calibrated_until`;
    between observed years interpolated): up to it the totals are the observed ones, not
    assumptions, and the chart draws them so."""

    @property
    def basis_name(self) -> str:
        return basis_name(self.census_basis)

    @property
    def carried_over(self) -> bool:
        """Whether the run is on a later census line than the observed series before it."""
        return self.census_basis != ob.FIRST_LINE

    def observations(self) -> dict[str, Observation]:
        period = f"{self.base_year}/{self.target}"
        return {
            r.group.id: Observation(
                r.change,
                "gebiet" if self.territory else "unsicher" if r.values[0] < MIN_GROUP else "",
                period,
                self.tables,
                r.group.label,
                "%",
                "neutral",
                1,
            )
            for r in self.rows
        }


GROUP: Schema = {
    "id": Field(str, required=True, nonempty=True),
    "label": Field(str, required=True, nonempty=True),
    "age_from": Field(int, required=True),
    "age_to": Field(int),
    "table": Field(bool),
}


def load_groups(path: Path | None = None) -> list[OutlookGroup]:
    """The age groups of `data/outlook.toml`, checked by type (`dwk.core.toml_records`): an
    age of "drei" or 2.5 or an upper bound below the lower is an error at its line."""
    path = path or paths.data_dir() / "outlook.toml"
    raw, lines = load(path)
    sections(raw, ("group",), lines)
    groups = []
    for i, entry in enumerate(records(raw, "group", lines)):
        where, name = ("group", i), f"Altersgruppe Nr. {i + 1}"
        group = OutlookGroup(**check(entry, GROUP, lines, where, name))
        # an empty range would sum to 0 persons and read as a change of 0/0
        if group.age_from < 0:
            raise lines.error(f"{name}: age_from muss ≥ 0 sein", where, "age_from")
        if group.age_to is not None and group.age_to <= group.age_from:
            raise lines.error(
                f"{name}: age_to muss größer als age_from sein (das Alter age_to "
                f"gehört nicht mehr zur Gruppe)",
                where,
                "age_to",
            )
        if group.age_to is not None and group.age_to > 121 or group.age_from > 120:
            raise lines.error(f"{name}: Alter über 120", where, "age_to")
        if any(g.id == group.id for g in groups):
            raise lines.error(f"{name}: id {group.id!r} doppelt", where, "id")
        groups.append(group)
    return groups


def _sum(pop: np.ndarray, lo: int, hi: int | None) -> float:
    return float(pop[:, lo:hi].sum())


def outlook_for(ctx: Context, area: Area, target: int = TARGET) -> Outlook | None:
    """The outlook of a Kreis or Gemeinde, or None for other levels. NoProjection where the
    area has no base (no age structure, a secret cell)."""
    if area.level not in ("kreis", "gemeinde"):
        return None
    return ctx.memo(("outlook", area.key, target), lambda: _outlook(ctx, area, target))


def _published(
    ctx: Context,
    area: Area,
    records: list,
    years: list[int],
    totals: dict[str, list[float]],
    line: Line = ob.FIRST_LINE,
) -> list[Comparison]:
    """The published projections beside dwk's; one that has fewer than two of the outlook's
    years (BBSR: 2021 and 2045) is compared with the same projection carried on to its last
    year, so that it is compared at all; one that starts before dwk's first year, from the
    area's observed population then, on the run's census `line`."""
    out = []
    for r in records:
        earlier = [y for y in r.years if y < years[0]]
        keys = [area.key, *taken_in(ctx, area.key, years[0])]  # its territory of today
        observed = {y: float(ob.observed(ctx, keys, y, line).sum()) for y in earlier}
        inside = [y for y in r.years if y in years or y in observed]
        far = max(y for y in r.years if y <= fc.MAX_TARGET)
        if len(inside) >= 2 or far <= years[-1]:
            out.append(compare(r, years, totals, VARIANT_LABELS["main"], observed))
            continue
        longer = project_today(ctx, [area.key], far)
        more = {VARIANT_LABELS[v]: longer.runs[v].totals()[:, 0].tolist() for v in VARIANTS}
        out.append(compare(r, longer.years, more, VARIANT_LABELS["main"], observed))
    return out


def _outlook(ctx: Context, area: Area, target: int) -> Outlook:
    proj = project_today(ctx, [area.key], target)
    runs = proj.runs
    years = proj.years
    shown = [y for y in years if (y - years[0]) % STEP == 0 or y == years[-1]]
    main = runs["main"].population[:, 0]
    rows = []
    for g in ctx.memo(("outlook_groups",), load_groups):
        values = [_sum(main[years.index(y)], g.age_from, g.age_to) for y in shown]
        low = _sum(runs["low-migration"].population[-1, 0], g.age_from, g.age_to)
        high = _sum(runs["high-migration"].population[-1, 0], g.age_from, g.age_to)
        rows.append(OutlookRow(g, values, low, high))
    bands = output_bands(main)
    totals = {VARIANT_LABELS[v]: runs[v].totals()[:, 0].tolist() for v in VARIANTS}
    published = ctx.memo(("published_projections",), load_published)
    out = Outlook(
        proj.base_year,
        target,
        years,
        shown,
        totals,
        rows,
        (bands[0, 0].tolist(), bands[0, 1].tolist()),
        (bands[-1, 0].tolist(), bands[-1, 1].tolist()),
        proj.assumptions,
        area_levels(proj, 0),
        ", ".join(sorted({c.strip() for a in proj.assumptions for c in a.tables.split(",")})),
        _published(ctx, area, for_area(published, area.key), years, totals, proj.line),
        track_record(ctx, area),
        proj.line,
        basis_factor(ctx, area.key, proj.base_year, proj.line),
        territory=tuple(batches.projected_territory_changes(ctx, area.key))
        if area.level == "gemeinde"
        else (),
        met_until=proj.calibrated_until,
    )
    return out
