"""Assemble a `Profile` for one area: indicators for it and its references, the SWOT, the data
behind the charts and the sources. No HTML or Markdown here; the renderers take it from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dwk.area_phrases import area_phrase
from dwk.areas import Area, Registry
from dwk.core.errors import MergedAway, NoProjection
from dwk.dynamics.section import Dynamics, dynamics_for
from dwk.indicators.catalogue import IndicatorDef
from dwk.indicators.compute import age_source, age_years, compute, shared_year
from dwk.inputs.context import Context
from dwk.key_changes import eingliederungen, formed_from
from dwk.projection.outlook import Outlook, outlook_for
from dwk.report.similar import PeerGroup, peer_group
from dwk.sources.tables.meta import TableMeta
from dwk.store import Store
from dwk.swot.engine import Observation, RuleOutcome, Subject, SwotItem, evaluate
from dwk.swot.merge import MergeRule, load_merges, merge_items
from dwk.swot.review import ReviewedSwot, apply_review
from dwk.swot.review_file import load_review
from dwk.swot.review_scope import review_scope
from dwk.swot.rules import SwotRule
from dwk.swot.survey import SurveyObservation, evaluate_survey

if TYPE_CHECKING:
    from dwk.survey.summary import SurveyResult

KEY_FIGURES = (
    "bevoelkerung", "bevoelkerungsentwicklung_seit_2011", "bevoelkerungsentwicklung_5j",
    "bevoelkerungsentwicklung_lang", "flaeche", "bevoelkerungsdichte", "frauenanteil",
    "durchschnittsalter", "medianalter", "jugendquotient", "altenquotient", "gesamtquotient",
    "alterungsindex", "beschaeftigte_je_100", "arbeitslosenquote", "arbeitslose_je_100",
    "wanderungssaldo_je_1000", "natuerlicher_saldo_je_1000",
)  # fmt: skip
PEER_FIGURES = ("bevoelkerung", "durchschnittsalter", "jugendquotient", "altenquotient",
                "bevoelkerungsentwicklung_seit_2011", "wanderungssaldo_je_1000")  # fmt: skip


@dataclass(frozen=True)
class Cell:
    value: float
    flag: str
    period: str
    basis: str = ""  # census line of a population figure: zensus2011, zensus2022 or ""

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


@dataclass(frozen=True)
class IndicatorRow:
    definition: IndicatorDef
    own: Cell
    tables: str
    references: tuple[Cell, ...]


@dataclass(frozen=True)
class Pyramid:
    bands: list[tuple[int, int | None]]
    male: list[float]
    female: list[float]
    reference_male: list[float] | None
    reference_female: list[float] | None
    reference_name: str | None
    period: str
    table: str


@dataclass(frozen=True)
class GemeindeMap:
    """A Kreis's Gemeinden with one indicator, for the map of the Kreis: key → value (None
    where a Gemeinde has none). `taken_in`: the value of a Gemeinde's territory after each
    Eingliederung into it (the set of it and the Gemeinden it had taken in by then), for a
    map drawn on later outlines."""

    indicator: IndicatorDef
    period: str
    values: dict[str, float | None]
    tables: str
    taken_in: dict[frozenset[str], float] = field(default_factory=dict)


@dataclass
class Profile:
    area: Area
    references: list[Area]
    peers: list[Area]
    key_figures: list[IndicatorRow]
    age_groups: list[IndicatorRow]
    peer_rows: list[tuple[Area, dict[str, Cell]]]
    peer_definitions: list[IndicatorDef]
    swot: list[SwotItem]
    outcomes: list[RuleOutcome]
    pyramid: Pyramid | None
    dynamics: Dynamics
    outlook: Outlook | None
    sources: list[TableMeta]
    catalogue: list[IndicatorDef]
    surveys: list[SurveyResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: ReviewedSwot | None = None
    gemeinde_map: GemeindeMap | None = None
    map_names: dict[str, str] = field(default_factory=dict)
    """Names of the area's neighbours in the registry's spelling, for the map labels."""
    similar: PeerGroup | None = None  # the Vergleichsgruppe of similar areas
    absorbed: tuple[tuple[str, str], ...] = ()
    """(name, date) of each area it took in and kept its key (Gemeinden since 2012, Eisenach
    into the Wartburgkreis): its figures before count them too (`Registry.absorbed`,
    `inputs.gebietsstand`)."""
    projected_elsewhere: bool = False
    """No outlook of its own because it was merged into a neighbour, which has its people."""

    @property
    def notes(self) -> list[str]:
        """Every warning of the profile and of the tables it reads, for its appendix."""
        tables = [
            f"Tabelle {m.code} (ganze Datei): {'; '.join(m.warnings)}"
            for m in self.sources
            if m.warnings
        ]
        return self.warnings + tables

    @property
    def synthetic(self) -> bool:
        return any(s.codebook.synthetic for s in self.surveys)

    @property
    def latest_census(self):
        return self.dynamics.latest_census

    @property
    def headline_period(self) -> str:
        row = next((r for r in self.key_figures if r.definition.id == "bevoelkerung"), None)
        return row.own.period if row else ""


def build_profile(
    area: Area,
    store: Store,
    registry: Registry,
    catalogue: list[IndicatorDef],
    rules: list[SwotRule],
    ctx: Context | None = None,
    *,
    review_path: Path | None = None,
) -> Profile:
    """The profile of `area`; a review file at `review_path`, where one exists, decides which
    SWOT candidates it shows."""
    ctx = ctx or Context(store, registry.changes)
    scope = review_scope(area, catalogue) if review_path else None
    review = load_review(review_path, area, rules, scope) if review_path else None
    refs = registry.references(area)
    peers = registry.peers(area)
    shown = [d for d in catalogue if area.level in d.levels]
    keys = [area.key] + [r.key for r in refs]
    values = compute(ctx, shown, keys, anchor=area.key)
    cells = _cells(values)
    tables = dict(zip(values["id"], values["tables"], strict=False))

    def row(d: IndicatorDef) -> IndicatorRow:
        missing = Cell(float("nan"), ".", "")
        return IndicatorRow(
            d,
            cells.get((area.key, d.id), missing),
            tables.get(d.id, ""),
            tuple(cells.get((r.key, d.id), missing) for r in refs),
        )

    by_id = {d.id: d for d in shown}
    key_figures = [row(by_id[i]) for i in KEY_FIGURES if i in by_id]
    age_groups = [row(d) for d in shown if d.age_from is not None]
    similar = peer_group(
        ctx,
        registry,
        area,
        [r.definition for r in key_figures],
        tuple(r.own.period for r in key_figures),
    )

    peer_defs = [d for d in catalogue if d.id in PEER_FIGURES]
    peer_rows: list[tuple[Area, dict[str, Cell]]] = []
    if peers:
        members = [area, *peers]
        keys = [m.key for m in members]
        pcells = _cells(compute(ctx, peer_defs, keys, year=shared_year(ctx, peer_defs, keys)))
        peer_rows = [
            (m, {d.id: pcells.get((m.key, d.id), Cell(float("nan"), ".", "")) for d in peer_defs})
            for m in members
        ]

    subject = _subject(area, refs, shown, cells, tables, peer_rows)
    absorbed = registry.absorbed(area.key)
    projected_elsewhere = False
    try:
        outlook, no_outlook = outlook_for(ctx, area), []
        if outlook is not None:  # the base's own figure counts those taken in before it
            since = tuple(a for a in absorbed if int(a[1][:4]) > outlook.base_year)
            outlook = replace(outlook, absorbed=since) if since else outlook
    except NoProjection as exc:
        outlook, no_outlook = None, [f"Keine Vorausberechnung: {exc.args[0]}"]
        projected_elsewhere = isinstance(exc, MergedAway)
    if outlook is not None:
        subject.observations.update(outlook.observations())
    outcomes = evaluate([r for r in rules if r.indicator in subject.observations], subject)
    surveys = _surveys(area, ctx)
    outcomes += evaluate_survey(rules, area.key, area.name, _survey_observations(surveys))
    swot = merge_items(
        [o.item for o in outcomes if o.item is not None],
        _merges(frozenset(d.id for d in catalogue)),
        subject,
    )
    reviewed = apply_review(swot, review) if review else None

    pyramid = _pyramid(ctx, area, refs)
    dynamics = dynamics_for(ctx, area, refs)
    weighted_by = [sv.population.table for sv in surveys if sv.population]
    used = _table_codes(
        [
            *tables.values(),
            pyramid.table if pyramid else "",
            dynamics.tables,
            outlook.tables if outlook else "",
            *weighted_by,
        ]
    )
    sources = store.sources(used)
    warnings = (
        no_outlook
        + [f"{s.codebook.title}: {w}" for s in surveys for w in s.warnings]
        + [
            f"{r.definition.label}: Wert beruht auf weniger als {r.definition.min_count} Personen oder Ereignissen"
            for r in key_figures + age_groups
            if "unsicher" in r.own.flag
        ]
    )
    return Profile(
        area=area,
        references=refs,
        peers=peers,
        key_figures=key_figures,
        age_groups=age_groups,
        peer_rows=peer_rows,
        peer_definitions=peer_defs,
        swot=swot,
        outcomes=outcomes,
        pyramid=pyramid,
        dynamics=dynamics,
        outlook=outlook,
        sources=sources,
        catalogue=shown,
        surveys=surveys,
        warnings=warnings,
        review=reviewed,
        gemeinde_map=_gemeinde_map(ctx, registry, area, catalogue),
        map_names=_map_names(registry, area),
        similar=similar,
        absorbed=absorbed,
        projected_elsewhere=projected_elsewhere,
    )


@cache
def _merges(indicators: frozenset[str]) -> dict[str, MergeRule]:
    return load_merges(set(indicators))


MAP_INDICATOR = "durchschnittsalter"


def _gemeinde_map(
    ctx: Context, registry: Registry, area: Area, catalogue: list[IndicatorDef]
) -> GemeindeMap | None:
    """The Kreis's Gemeinden by mean age, at each Gemeinde's newest age structure, those
    formed by a merger since included (the map's outlines are of 2021); None for a Gemeinde,
    or a Kreis that is one Gemeinde (kreisfreie Stadt)."""
    d = next((d for d in catalogue if d.id == MAP_INDICATOR), None)
    if area.level != "kreis" or d is None:
        return None
    keys = {k for k, lvl in registry.names if lvl == "gemeinde" and k.startswith(area.key)}
    # Gemeinden formed by a merger since: their age structure is their parts' together
    keys = sorted(keys | {k for k in formed_from(registry.changes) if k.startswith(area.key)})
    if len(keys) < 2:
        return None
    rows = compute(ctx.jeweilig(), [d], keys)  # the outlines are of 2021, not of today
    values = dict.fromkeys(keys)
    for k, v in zip(rows["area_key"], rows["value"], strict=True):
        values[k] = None if math.isnan(v) else float(v)
    periods = sorted(set(rows["period"]))
    # a Gemeinde merged away by then (2012–2015) had no figure and has no outline of its own
    gone = {o for c in registry.changes if periods and c.date <= periods[-1] for o in c.old}
    values = {k: v for k, v in values.items() if v is not None or k not in gone}
    tables = ", ".join(sorted({t for ts in rows["tables"] for t in ts.split(", ") if t}))
    people = {k: float(n) for k, n in zip(rows["area_key"], rows["n"], strict=True)}
    merged = _merged_means(registry, area.key, values, people, periods)
    return GemeindeMap(d, periods[-1] if periods else "", values, tables, merged)


def _merged_means(
    registry: Registry,
    kreis_key: str,
    values: dict[str, float | None],
    people: dict[str, float],
    periods: list[str],
) -> dict[frozenset[str], float]:
    """The mean age of each Gemeinde's territory after each Eingliederung into it, in date
    order: the map's indicator is a mean, so the territory's is its parts' weighted by their
    people, all of one Stichtag (else none is given)."""
    out: dict[frozenset[str], float] = {}
    if len(periods) != 1:
        return out
    territory: dict[str, list[str]] = {}
    for c in eingliederungen(registry.changes):
        if not c.new.startswith(kreis_key) or c.date <= periods[0]:
            continue  # taken in by the Stichtag: the Gemeinde's own figure is of both
        parts = territory.setdefault(c.new, [c.new])
        parts.extend(c.old)
        if all(values.get(k) is not None and people.get(k, 0) > 0 for k in parts):
            weight = sum(people[k] for k in parts)
            out[frozenset(parts)] = sum(values[k] * people[k] for k in parts) / weight
    return out


def _map_names(registry: Registry, area: Area) -> dict[str, str]:
    """The names of the areas a map of `area` shows: its Kreis's Gemeinden, its Land's Kreise."""

    return {
        **registry.names_under(area.key[:5], "gemeinde"),
        **registry.names_under(area.key[:2], "kreis"),
        **registry.names_under(area.key[:2], "land"),
    }


def _surveys(area: Area, ctx: Context) -> list[SurveyResult]:
    """The area's surveys analysed; the survey modules are imported only for an area that has
    one (they cost a profile without one 20–50 ms of start-up)."""
    if not area.surveys:
        return []
    from dwk.survey.area import area_surveys

    return area_surveys(area, ctx)


def _survey_observations(surveys: list[SurveyResult]) -> list[SurveyObservation]:
    return [
        SurveyObservation(
            r.item.id,
            r.item.wording,
            r.item.handlungsfeld,
            r.item.polarity,
            r.stats.top2 if r.stats else math.nan,
            r.stats.top2_ci[0] if r.stats else math.nan,
            r.stats.top2_ci[1] if r.stats else math.nan,
            r.stats.valid_n if r.stats else 0,
            r.uncertain,
            s.codebook.title,
            s.codebook.period,
            s.codebook.source,
            s.codebook.synthetic,
        )
        for s in surveys
        for r in s.items
    ]


def _cells(values) -> dict[tuple[str, str], Cell]:
    columns = values[["area_key", "id", "value", "flag", "period", "basis"]]
    return {(k, i): Cell(v, f, p, b) for k, i, v, f, p, b in columns.itertuples(index=False)}


def _subject(area, refs, defs, cells, tables, peer_rows) -> Subject:
    def obs(d: IndicatorDef, cell: Cell | None) -> Observation | None:
        if cell is None:
            return None
        return Observation(
            cell.value,
            cell.flag,
            cell.period,
            tables.get(d.id, ""),
            d.label,
            d.unit,
            d.polarity,
            d.decimals,
        )

    def all_obs(key: str) -> dict[str, Observation]:
        out = {}
        for d in defs:
            o = obs(d, cells.get((key, d.id)))
            if o is not None:
                out[d.id] = o
        return out

    # a rule's comparison names the reference's level: kreis, land or de
    references = {r.level: (r.name, all_obs(r.key)) for r in refs}
    by_id = {d.id: d for d in defs}
    peers = [
        {i: obs(by_id[i], c) for i, c in row.items() if i in by_id}
        for m, row in peer_rows
        if m.key != area.key
    ]
    phrases = {
        r.level: (area_phrase(r.name, r.type, "in"), area_phrase(r.name, r.type, "for"))
        for r in refs
    }
    return Subject(area.key, area.name, all_obs(area.key), references, peers, phrases)


def _table_codes(texts: list[str]) -> list[str]:
    codes = {c.strip() for t in texts for c in t.split(",") if c.strip()}
    return sorted(codes)


def _pyramid(ctx: Context, area: Area, refs: list[Area]) -> Pyramid | None:
    years = age_years(ctx, area.key)
    src = age_source(ctx, area.key, years[-1]) if years else None
    if src is None:
        return None
    i = src.row[area.key]
    land = next((r for r in refs if r.level == "land"), None)
    j = src.row.get(land.key) if land else None
    ref_m = src.counts["male"][j].tolist() if j is not None else None
    ref_f = src.counts["female"][j].tolist() if j is not None else None
    if np.isnan(src.counts["male"][i]).any():
        return None
    return Pyramid(
        src.bands,
        src.counts["male"][i].tolist(),
        src.counts["female"][i].tolist(),
        ref_m,
        ref_f,
        land.name if land and j is not None else None,
        src.period,
        src.table,
    )
