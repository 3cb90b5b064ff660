"""What the survey templates need beyond the `SurveyResult`: one diverging chart per
Handlungsfeld and scale, and the number filters for shares, uncertain and suppressed values."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from markupsafe import Markup

from dwk.core.format import format_de, format_period
from dwk.render.chart_data import ChartData, titled
from dwk.render.survey_charts import likert_svg
from dwk.report.build import Profile

if TYPE_CHECKING:
    from dwk.survey.summary import SurveyResult


def share(value: float | None, missing: str = "–") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return format_de(value, 0)


def uncertain(value: float, flag: bool) -> str:
    """A share in whole percent, in parentheses when it rests on few answers."""
    text = share(value, ".")
    return f"({text})" if flag and text != "." else text


def field_label(field: str) -> str:
    from dwk.survey.summary import FIELD_LABELS  # only profiles with a survey show fields

    return FIELD_LABELS[field]


def survey_charts(p: Profile) -> list[dict[str, list[dict]]]:
    return [_charts(p, i, s) for i, s in enumerate(p.surveys)]


def _charts(p: Profile, index: int, s: SurveyResult) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    rights = "; ".join(
        dict.fromkeys(
            m.copyright
            for m in p.sources
            if s.population and m.code == s.population.table and m.copyright
        )
    )
    weighting = (
        f"; gewichtet mit Tabelle {s.population.table}, {format_period(s.population.period)}"
        if s.weighting and s.population
        else "; ungewichtet"
    )
    synthetic = " (synthetische Beispieldaten)" if s.codebook.synthetic else ""
    for n, hf in enumerate(s.codebook.handlungsfelder):
        shown = [r for r in s.section(hf) if r.stats]
        out[hf] = []
        for scale in {r.item.scale.id: r.item.scale for r in shown}.values():
            items = [r for r in shown if r.item.scale.id == scale.id]
            rows = [
                (r.item.wording, list(r.stats.shares), r.stats.valid_n, r.uncertain) for r in items
            ]
            bad = frozenset(
                i for i, r in enumerate(items) if r.item.polarity == "zustimmung_unguenstig"
            )
            chart_id = f"{p.area.slug}-befragung{index + 1}-{n + 1}-{scale.id}"
            data = ChartData(
                ["Aussage (Anteile in %)", *scale.labels, "gültige Antworten"],
                [[w, *shares, n] for w, shares, n, _ in rows],
                0,
            )
            svg = likert_svg(
                chart_id, f"{hf}: Antworten in %{synthetic}", list(scale.labels), rows, bad
            )
            out[hf].append(
                {
                    "id": chart_id,
                    "svg": Markup(titled(svg, data)),
                    "data": data,
                    "caption": f"{s.codebook.title}; Anteile an den gültigen Antworten, (Aussage) = weniger als 30 Antworten",
                    "source": f"{s.codebook.source}, {s.codebook.period}{weighting}",
                    "attribution": rights,
                }
            )
    return out
