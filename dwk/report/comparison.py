"""The members side by side, for the exchange meetings: a key-figure matrix on one Stichtag with
their Länder and Germany as reference rows, their age structures, their projected changes and
the SWOT statements several of them share. A plain object; the renderers take it from here.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from dwk.areas import Area, Registry
from dwk.indicators.catalogue import IndicatorDef
from dwk.indicators.compute import age_source, compute, shared_year
from dwk.inputs.context import Context
from dwk.report.build import Cell, Profile

MATRIX = (
    "bevoelkerung", "bevoelkerungsentwicklung_seit_2011", "frauenanteil", "durchschnittsalter",
    "jugendquotient", "altenquotient", "anteil_75_plus", "wanderungssaldo_je_1000",
    "natuerlicher_saldo_je_1000",
)  # fmt: skip
NOT_COMPARED_UNITS = ("Personen",)  # sizes: a Kreis is larger than a Gemeinde, nothing stands out
PYRAMID_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 3), (3, 6), (6, 10), (10, 15), (15, 18), (18, 20), (20, 25), (25, 30), (30, 35),
    (35, 40), (40, 45), (45, 50), (50, 55), (55, 60), (60, 65), (65, 75), (75, None),
)  # fmt: skip
PROJECTED = ("vorausberechnung_insgesamt", "vorausberechnung_0_2", "vorausberechnung_20_64",
             "vorausberechnung_65_79", "vorausberechnung_80_plus")  # fmt: skip


@dataclass(frozen=True)
class MatrixRow:
    area: Area
    cells: dict[str, Cell]
    marks: dict[str, str]  # indicator -> "hoch" | "niedrig" where the member stands out
    reference: bool


@dataclass(frozen=True)
class AgeShape:
    area: Area
    male: list[float]  # % of the population per year of age within each band
    female: list[float]
    period: str
    table: str


@dataclass(frozen=True)
class ProjectedRow:
    area: Area
    base_year: int
    target: int
    changes: dict[str, float | None]  # group id -> change in %, None where the group is small

    @property
    def period(self) -> tuple[int, int]:
        """Base and target year: the comparison shows each period in a table of its own."""
        return (self.base_year, self.target)


@dataclass(frozen=True)
class SharedItem:
    quadrant: str
    rule: str
    label: str
    members: list[str]  # names, in member order
    synthetic: bool = False  # rests on synthetic demo survey data


@dataclass(frozen=True)
class Comparison:
    year: int
    definitions: list[IndicatorDef]
    rows: list[MatrixRow]
    shapes: list[AgeShape]
    germany: AgeShape | None
    projected: list[ProjectedRow]
    projected_labels: dict[str, str]
    shared: list[SharedItem]
    tables: list[str]


def compare(
    ctx: Context, registry: Registry, catalogue: list[IndicatorDef], profiles: list[Profile]
) -> Comparison:
    defs = [d for i in MATRIX for d in catalogue if d.id == i]
    members = [p.area for p in profiles]
    lands = list(dict.fromkeys(registry.resolve(a.land) for a in members))
    germany = registry.resolve("DG")
    keys = [a.key for a in [*members, *lands, germany]]
    year = shared_year(ctx, defs, keys)
    values = compute(ctx, defs, keys, year=year)
    cells = {
        (k, i): Cell(v, f, p)
        for k, i, v, f, p in values[["area_key", "id", "value", "flag", "period"]].itertuples(
            index=False
        )
    }
    missing = Cell(math.nan, ".", "")

    def row(a: Area, reference: bool) -> dict[str, Cell]:
        return {d.id: cells.get((a.key, d.id), missing) for d in defs}

    member_cells = [row(a, False) for a in members]
    marks = _marks(defs, member_cells)
    rows = [MatrixRow(a, c, m, False) for a, c, m in zip(members, member_cells, marks, strict=True)]
    rows += [MatrixRow(a, row(a, True), {}, True) for a in [*lands, germany]]
    shapes = [s for a in members if (s := _shape(ctx, a, year)) is not None]
    tables = sorted(
        {t.strip() for t in values["tables"] for t in t.split(",") if t.strip()}
        | {s.table for s in shapes}
    )
    return Comparison(
        year,
        defs,
        rows,
        shapes,
        _shape(ctx, germany, year),
        _projected(profiles),
        _projected_labels(profiles),
        _shared(profiles),
        tables,
    )


def _marks(defs: list[IndicatorDef], rows: list[dict[str, Cell]]) -> list[dict[str, str]]:
    """A member stands out where it lies more than one standard deviation from the members'
    mean; flagged or missing values are never marked, nor sizes."""
    out: list[dict[str, str]] = [{} for _ in rows]
    for d in defs:
        if d.unit in NOT_COMPARED_UNITS:
            continue
        usable = [
            (i, r[d.id].value)
            for i, r in enumerate(rows)
            if not r[d.id].missing and not r[d.id].flag
        ]
        if len(usable) < 3:
            continue
        mean = statistics.fmean(v for _, v in usable)
        sd = statistics.stdev(v for _, v in usable)
        for i, v in usable:
            if sd > 0 and abs(v - mean) > sd:
                out[i][d.id] = "hoch" if v > mean else "niedrig"
    return out


def _shape(ctx: Context, area: Area, year: int | None) -> AgeShape | None:
    src = age_source(ctx, area.key, year) if year is not None else None
    if src is None:
        return None
    row = src.row[area.key]
    total = float(src.total()[row])
    shares = {}
    for sex in ("male", "female"):
        per_year = []
        for lo, hi in PYRAMID_BANDS:
            cells = src.between(lo, hi, sex)
            if cells is None or math.isnan(cells[row]) or not total:
                return None
            per_year.append(100 * float(cells[row]) / total / ((hi or 90) - lo))
        shares[sex] = per_year
    return AgeShape(area, shares["male"], shares["female"], src.period, src.table)


def _projected(profiles: list[Profile]) -> list[ProjectedRow]:
    out = []
    for p in profiles:
        if p.outlook is None:
            continue
        by_id = {r.group.id: r for r in p.outlook.rows}
        changes = {}
        for gid in PROJECTED:
            r = by_id.get(gid)
            small = r is None or r.values[0] < 50 or math.isnan(r.change)
            changes[gid] = None if small else r.change
        out.append(ProjectedRow(p.area, p.outlook.base_year, p.outlook.target, changes))
    return out


def _projected_labels(profiles: list[Profile]) -> dict[str, str]:
    for p in profiles:
        if p.outlook is not None:
            labels = {r.group.id: r.group.label for r in p.outlook.rows}
            return {g: labels[g] for g in PROJECTED if g in labels}
    return {}


def _shared(profiles: list[Profile]) -> list[SharedItem]:
    """SWOT statements by rule, indicator and quadrant, with the members that have them, the
    ones most members share first; where a member's review exists, as reviewed (rejected
    items left out, workshop additions in)."""
    groups: dict[tuple[str, str, str], SharedItem] = {}
    for p in profiles:
        for quadrant, rule, indicator, text, evidence in _statements(p):
            key = (quadrant, rule, indicator if rule else text)
            if key not in groups:
                label = evidence.get("wording") or (_label(p, indicator) if rule else text)
                synthetic = bool(evidence.get("synthetic"))
                groups[key] = SharedItem(quadrant, rule or "Werkstatt", label, [], synthetic)
            if p.area.name not in groups[key].members:
                groups[key].members.append(p.area.name)
    order = {
        q: i for i, q in enumerate(("Stärke", "Schwäche", "Chance", "Risiko", "Handlungsbedarf"))
    }
    return sorted(
        groups.values(), key=lambda s: (-len(s.members), order.get(s.quadrant, 9), s.rule)
    )


def _statements(p: Profile) -> list[tuple[str, str, str, str, dict]]:
    if p.review is None:
        return [(i.quadrant, i.rule, i.indicator, i.text, i.evidence) for i in p.swot]
    return [
        (i.quadrant, i.rule, i.id.split(":")[1] if i.rule else "", i.text, i.evidence)
        for i in p.review.shown
    ]


def _label(p: Profile, indicator: str) -> str:
    for d in p.catalogue:
        if d.id == indicator:
            return d.label
    if p.outlook is not None:
        for r in p.outlook.rows:
            if r.group.id == indicator:
                return f"Vorausberechnung: {r.group.label}"
    return indicator
