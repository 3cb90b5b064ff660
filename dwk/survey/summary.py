"""One survey analysed: coded, weighted to the official population, summarised per item and
group, with disclosure control applied before anything leaves this module.

Suppressed groups carry no statistics at all, so no renderer can show them by mistake; open
answers are only kept when asked for, and then only redacted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from dwk.core.errors import SurveyError
from dwk.sources.surveys.raw import RawSurvey
from dwk.survey.codebook import Codebook, Item
from dwk.survey.disclosure import suppress
from dwk.survey.population import Population
from dwk.survey.redaction import Redacted, redact
from dwk.survey.responses import Responses, code_responses
from dwk.survey.stats import GroupStats, ItemStats, breakdown, item_stats
from dwk.survey.weighting import Weighting, rake
from dwk.survey.weighting_cells import weighting_cells

MIN_CELL = 10
UNCERTAIN_BELOW = 30
FIELD_LABELS = {"age": "Altersgruppe", "sex": "Geschlecht", "district": "Ortsteil"}


@dataclass(frozen=True)
class ItemResult:
    item: Item
    stats: ItemStats | None  # None: fewer than MIN_CELL valid answers, nothing shown
    groups: dict[str, list[GroupStats]]
    uncertain: bool


@dataclass(frozen=True)
class SampleRow:
    """Sample against population for one category (Stichprobe vs. Grundgesamtheit)."""

    field: str
    category: str
    n: int | None  # None: suppressed
    sample_share: float | None
    weighted_share: float | None
    population_share: float | None


@dataclass(frozen=True)
class SurveyResult:
    codebook: Codebook
    file: Path
    format: str
    n_read: int
    incomplete_excluded: int
    unweightable_excluded: int
    dropped_columns: tuple[str, ...]
    weighting: Weighting | None
    merged_age_groups: tuple[str, ...]  # age groups joined for the weighting (thin cells)
    population: Population | None
    sample: list[SampleRow]
    items: list[ItemResult]
    verbatims: dict[str, list[Redacted]] | None
    min_cell: int
    warnings: list[str] = field(default_factory=list)
    weighted_by: tuple[str, ...] = ()  # the codebook's variables less those left out
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # merged age groups

    def order(self, field: str) -> tuple[str, ...]:
        """The groups a breakdown by `field` shows: the codebook's, or the merged age groups."""
        return self.orders.get(field) or self.codebook.respondents[field].order

    @property
    def excluded_shown(self) -> bool:
        """Whether the count of unweightable respondents may be printed: a handful of them
        (say one person "divers") is a group below the disclosure minimum."""
        return not 0 < self.unweightable_excluded < self.min_cell

    @property
    def n(self) -> int:
        return self.n_read - self.incomplete_excluded - self.unweightable_excluded

    def section(self, handlungsfeld: str) -> list[ItemResult]:
        return [r for r in self.items if r.item.handlungsfeld == handlungsfeld]


def summarize(
    raw: RawSurvey,
    book: Codebook,
    population: Population | None,
    *,
    min_cell: int = MIN_CELL,
    include_incomplete: bool = False,
    verbatims: bool = False,
) -> SurveyResult:
    if min_cell < 1:
        raise SurveyError("die Mindestgruppengröße muss mindestens 1 sein")
    resp = code_responses(raw, book, include_incomplete)
    warnings = []
    if resp.incomplete_excluded:
        warnings.append(f"{resp.incomplete_excluded} unvollständige Antworten nicht ausgewertet")
    resp, unweightable = _weightable(resp, book, population, min_cell)
    if unweightable:
        many = str(unweightable) if unweightable >= min_cell else f"Weniger als {min_cell}"
        warnings.append(
            f"{many} Befragte ohne gewichtbare Angabe zu {' und '.join(FIELD_LABELS[f] for f in book.weight_by)} nicht ausgewertet"
        )
    weighting, merged, weighted_by, orders = None, (), (), {}
    if population is not None and book.weight_by and resp.n:
        cells = weighting_cells(resp.respondents, population, book.weight_by, min_cell)
        merged, weighted_by, orders = cells.merged, tuple(cells.groups), cells.orders
        resp = replace(resp, respondents={**resp.respondents, **cells.relabelled})
        warnings += [
            f"nicht nach {FIELD_LABELS[f]} gewichtet: eine Gruppe hat zu wenige Befragte "
            "für eine eigene Gewichtungszelle, ihre Zahl ließe sich aus den Gewichten ablesen"
            for f in cells.left_out
        ]
        try:
            weighting = rake(cells.groups, cells.margins) if cells.groups else None
        except SurveyError as exc:
            raise SurveyError(f"Gewichtung nicht möglich: {exc.message}", file=raw.path) from None
    weights = weighting.weights if weighting else np.ones(resp.n)
    items = [_item(resp, i, weights, book, min_cell, orders) for i in book.items]
    opens = None
    if verbatims:
        # sorted, so that the order of the file cannot tie an answer to a respondent
        opens = {
            q: sorted((redact(t) for t in texts), key=lambda r: r.text)
            if len(texts) >= min_cell
            else []
            for q, texts in resp.open_text.items()
        }
    if opens:
        shown = [v for vs in opens.values() for v in vs]
        warnings.append(
            f"offene Antworten: {sum(v.replacements for v in shown)} Stellen geschwärzt, "
            f"{sum(v.review for v in shown)} Antworten vor Veröffentlichung prüfen"
        )
    return SurveyResult(
        book,
        raw.path,
        raw.format,
        raw.n,
        resp.incomplete_excluded,
        unweightable,
        raw.dropped,
        weighting,
        tuple(merged),
        population,
        _sample(resp, weights, population, book, min_cell, weighted_by, orders),
        items,
        opens,
        min_cell,
        warnings,
        weighted_by,
        orders,
    )


def _weightable(
    resp: Responses, book: Codebook, pop: Population | None, min_cell: int
) -> tuple[Responses, int]:
    """Drop respondents the weighting cannot place, if the codebook allows it; else stop."""
    if pop is None or not book.weight_by:
        return resp, 0
    targets = {f: set(pop.margins((f,))[f]) for f in book.weight_by}
    ok = [all(resp.respondents[f][i] in targets[f] for f in book.weight_by) for i in range(resp.n)]
    bad = ok.count(False)
    if not bad:
        return resp, 0
    if book.unweightable != "ausschliessen":
        raise SurveyError(
            f"{bad if bad >= min_cell else f'Weniger als {min_cell}'} Befragte ohne gewichtbare Angabe zu {', '.join(book.weight_by)} (fehlend oder divers); "
            'im Codebuch [weighting] unweightable = "ausschliessen" setzen, um sie auszuschließen',
            file=book.path,
        )
    idx = [i for i in range(resp.n) if ok[i]]
    return Responses(
        len(idx),
        resp.incomplete_excluded,
        {k: v[idx] for k, v in resp.values.items()},
        {k: [v[i] for i in idx] for k, v in resp.reasons.items()},
        {k: [v[i] for i in idx] for k, v in resp.respondents.items()},
        resp.open_text,
    ), bad


def _item(
    resp: Responses,
    item: Item,
    weights: np.ndarray,
    book: Codebook,
    min_cell: int,
    orders: dict[str, tuple[str, ...]],
) -> ItemResult:
    values, reasons = resp.values[item.id], resp.reasons[item.id]
    stats = item_stats(values, weights, item.scale.points, reasons)
    if stats.valid_n < min_cell:
        return ItemResult(item, None, {}, True)
    groups = {
        f: breakdown(
            values,
            weights,
            item.scale.points,
            resp.respondents[f],
            orders.get(f, r.order),
            min_cell=min_cell,
            uncertain_below=UNCERTAIN_BELOW,
        )
        for f, r in book.respondents.items()
    }
    return ItemResult(item, stats, groups, stats.valid_n < UNCERTAIN_BELOW)


def _sample(
    resp,
    weights,
    pop: Population | None,
    book: Codebook,
    min_cell: int,
    weighted_by: tuple[str, ...],
    orders: dict[str, tuple[str, ...]],
) -> list[SampleRow]:
    rows = []
    total_w = float(weights.sum()) or 1.0
    for f, r in book.respondents.items():
        cats, order = resp.respondents[f], orders.get(f, r.order)
        counts = {c: sum(1 for x in cats if x == c) for c in order}
        hidden = suppress(counts, min_cell)
        known = sum(counts.values()) or 1
        official = pop.margins((f,))[f] if pop is not None and f in ("age", "sex") else {}
        if f in orders:  # merged age groups: their official counts are the sums
            official = {c: sum(official[g] for g in _members(c, official)) for c in order}
        pop_total = sum(official.values()) or 1.0
        for c in order:
            w = float(sum(weights[i] for i, x in enumerate(cats) if x == c))
            shown = c not in hidden
            rows.append(
                SampleRow(
                    f,
                    c,
                    counts[c] if shown else None,
                    100 * counts[c] / known if shown else None,
                    100 * w / total_w if shown and f in weighted_by else None,
                    100 * official[c] / pop_total if c in official else None,
                )
            )
    return rows


def _members(merged: str, official: dict[str, float]) -> list[str]:
    """The codebook's age groups inside a merged one ('18–44' → 18–29, 30–44)."""
    from dwk.survey.codebook import AGE_GROUPS

    lo = int(merged.split("–")[0].rstrip("+"))
    hi = None if merged.endswith("+") else int(merged.split("–")[1]) + 1
    return [
        g
        for g, a, b in AGE_GROUPS
        if g in official and a >= lo and (hi is None or (b or 999) <= hi)
    ]
