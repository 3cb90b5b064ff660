"""`dwk survey summarize`: one survey file analysed for an area, written as a table or JSON.

Only what the profile may show leaves here: suppressed groups appear as suppressed, without
their numbers, and open answers only when asked for, redacted.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TextIO

from dwk.areas import Registry
from dwk.core.format import format_de, format_period
from dwk.inputs.context import Context
from dwk.render.output import write_result
from dwk.store import Store
from dwk.survey.area import analyse_survey
from dwk.survey.summary import FIELD_LABELS, SurveyResult


def summarize_file(
    store: Store,
    registry: Registry,
    file: Path,
    codebook: Path,
    area: str,
    *,
    min_cell: int,
    include_incomplete: bool,
    verbatims: bool,
) -> SurveyResult:
    return analyse_survey(
        Context(store, registry.changes),
        registry.resolve(area).key,
        file,
        codebook,
        min_cell=min_cell,
        include_incomplete=include_incomplete,
        verbatims=verbatims,
    )


def write_summary(result: SurveyResult, fmt: str, out: TextIO) -> None:
    write_result(
        fmt,
        out,
        table=lambda stream: _table(result, stream),
        body=lambda: to_json(result),
        indent=2,
    )


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def to_json(r: SurveyResult) -> dict:
    book = r.codebook
    w = r.weighting
    return {
        "survey": {
            "title": book.title,
            "period": book.period,
            "source": book.source,
            "synthetic": book.synthetic,
            "file": r.file.name,
            "format": r.format,
            "codebook": book.path.name,
        },
        # fewer unweightable respondents than the minimum cell are a group not to be shown
        "respondents": {
            "read": r.n_read if r.excluded_shown else None,
            "incomplete_excluded": r.incomplete_excluded,
            "unweightable_excluded": r.unweightable_excluded if r.excluded_shown else None,
            "analysed": r.n,
        },
        "dropped_columns": list(r.dropped_columns),
        "weighting": None
        if w is None
        else {
            "method": "raking",
            "by": list(r.weighted_by),
            "table": r.population.table,
            "period": r.population.period,
            "margins": w.margins,
            "design_effect": _num(w.design_effect),
            "effective_n": _num(w.effective_n),
            "weight_min": _num(w.weights.min()),
            "weight_max": _num(w.weights.max()),
            "iterations": w.iterations,
            "merged_age_groups": list(r.merged_age_groups),
        },
        "min_cell": r.min_cell,
        "sample": [
            {
                "field": s.field,
                "category": s.category,
                "n": s.n,
                "sample_share": s.sample_share,
                "weighted_share": s.weighted_share,
                "population_share": s.population_share,
            }
            for s in r.sample
        ],
        "items": [_item_json(i) for i in r.items],
        "verbatims": None
        if r.verbatims is None
        else {
            q: [{"text": v.text, "review": v.review} for v in vs] for q, vs in r.verbatims.items()
        },
        "warnings": r.warnings,
    }


def _item_json(i) -> dict:
    base = {
        "id": i.item.id,
        "wording": i.item.wording,
        "handlungsfeld": i.item.handlungsfeld,
        "polarity": i.item.polarity,
        "reverse": i.item.reverse,
    }
    if i.stats is None:
        return {**base, "suppressed": True}
    s = i.stats
    return {
        **base,
        "suppressed": False,
        "uncertain": i.uncertain,
        "valid_n": s.valid_n,
        "effective_n": _num(s.effective_n),
        "labels": list(i.item.scale.labels),
        "counts": list(s.counts),
        "shares": [_num(x) for x in s.shares],
        "top2": _num(s.top2),
        "top2_ci": [_num(x) for x in s.top2_ci],
        "bottom2": _num(s.bottom2),
        "mean": _num(s.mean),
        "mean_ci": [_num(x) for x in s.mean_ci],
        "missing": s.missing,
        "nonresponse": _num(s.nonresponse),
        "groups": {
            f: [
                {"group": g.group, "suppressed": True}
                if g.suppressed
                else {
                    "group": g.group,
                    "suppressed": False,
                    "n": g.n,
                    "top2": _num(g.top2),
                    "top2_ci": [_num(x) for x in g.top2_ci],
                    "mean": _num(g.mean),
                    "uncertain": g.uncertain,
                }
                for g in gs
            ]
            for f, gs in i.groups.items()
        },
    }


def _pct(value: float, uncertain: bool = False) -> str:
    text = format_de(value, 0)
    return f"({text})" if uncertain else text


def _table(r: SurveyResult, out: TextIO) -> None:
    book = r.codebook
    if book.synthetic:
        out.write("SYNTHETISCHE BEISPIELDATEN\n")
    out.write(
        f"{book.title} ({book.period}): {r.n} Befragte ausgewertet"
        + (f" von {r.n_read} gelesenen\n" if r.excluded_shown else "\n")
    )
    if r.weighting:
        by = " und ".join(FIELD_LABELS[f] for f in r.weighted_by)
        out.write(
            f"gewichtet nach {by} (Tabelle {r.population.table}, "
            f"{format_period(r.population.period)}): "
            f"Designeffekt {format_de(r.weighting.design_effect, 2)}, "
            f"effektive Fallzahl {format_de(r.weighting.effective_n, 1)}\n"
        )
    for w in r.warnings:
        out.write(f"Hinweis: {w}\n")
    width = max(len(i.item.wording) for i in r.items)
    for hf in book.handlungsfelder:
        out.write(f"\n{hf}\n")
        for i in r.section(hf):
            if i.stats is None:
                out.write(f"  {i.item.wording:<{width}}  .  (weniger als {r.min_cell} Antworten)\n")
                continue
            s = i.stats
            out.write(
                f"  {i.item.wording:<{width}}  n={s.valid_n:>4}  Zustimmung {_pct(s.top2, i.uncertain):>5} %"
                f"  [{format_de(s.top2_ci[0], 0)}–{format_de(s.top2_ci[1], 0)}]"
                f"  Mittel {format_de(s.mean, 2)}  ohne Antwort {format_de(s.nonresponse, 0)} %\n"
            )
    out.write(f"\nQuelle: {book.source}, {book.period}\n")
