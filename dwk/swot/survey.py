"""SWOT candidates from survey items: a Likert item whose agreement share lies clearly above or
below a mark, with the item as the evidence. A rule may be limited to items of one polarity, so
that, say, few people agreeing that they feel lonely is not sold as a strength.

"Clearly" means the whole 95 % interval lies beyond the mark, so a small or uncertain sample
cannot produce an item; groups too small to be shown (or resting on fewer than 30 answers) never
fire. Survey results describe the place now, so they give strengths and weaknesses; an item with
neutral polarity gives a Handlungsbedarf note when many agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from dwk.core.format import format_de
from dwk.swot.engine import NEED, STRENGTH, WEAKNESS, RuleOutcome, SwotItem
from dwk.swot.rules import SwotRule

KIND = "survey"


@dataclass(frozen=True)
class SurveyObservation:
    item: str
    wording: str
    handlungsfeld: str
    polarity: str
    value: float  # % agreeing (top-2 box), weighted
    low: float
    high: float
    n: int
    uncertain: bool
    survey: str
    period: str
    source: str
    synthetic: bool = False


def evaluate_survey(
    rules: list[SwotRule], key: str, name: str, observations: list[SurveyObservation]
) -> list[RuleOutcome]:
    return [
        _outcome(r, key, name, o)
        for r in rules
        if r.kind == KIND
        for o in observations
        if not r.polarity or r.polarity == o.polarity
    ]


def _outcome(rule: SwotRule, key: str, name: str, o: SurveyObservation) -> RuleOutcome:
    if o.n == 0:
        return RuleOutcome(rule, False, f"„{o.wording}“: zu wenige Antworten, nicht ausgewiesen")
    if o.uncertain:
        return RuleOutcome(rule, False, f"„{o.wording}“: unsicher (n = {o.n}), keine Aussage")
    above = rule.sign != "-"
    beyond = o.low >= rule.threshold if above else o.high <= rule.threshold
    if not beyond:
        return RuleOutcome(
            rule,
            False,
            f"„{o.wording}“: {format_de(o.value, 0)} % [{format_de(o.low, 0)}–{format_de(o.high, 0)}] nicht klar {'über' if above else 'unter'} {format_de(rule.threshold, 0)} %",
        )
    quadrant = rule.quadrant or _quadrant(o.polarity, above)
    if not quadrant:
        return RuleOutcome(
            rule, False, f"„{o.wording}“: neutrale Aussage, geringe Zustimmung ohne Befund"
        )
    text = rule.template.format(
        area=name,
        label=o.wording,
        value=format_de(o.value, 0),
        low=format_de(o.low, 0),
        high=format_de(o.high, 0),
        n=format_de(o.n, 0),
        reference=format_de(rule.threshold, 0),
        period=o.period,
        survey=o.survey,
    )
    item = SwotItem(
        id=f"{rule.id}:umfrage.{o.item}:{key}",
        quadrant=quadrant,
        text=text,
        rule=rule.id,
        indicator=f"umfrage.{o.item}",
        area=key,
        evidence={
            "value": o.value,
            "low": o.low,
            "high": o.high,
            "n": o.n,
            "threshold": rule.threshold,
            "comparison": "absolut",
            "period": o.period,
            "unit": "%",
            "survey": o.survey,
            "item": o.item,
            "wording": o.wording,
            "source": o.source,
            "tables": "",
            "synthetic": o.synthetic,
        },
    )
    return RuleOutcome(rule, True, f"„{o.wording}“: {quadrant}, {format_de(o.value, 0)} %", item)


def _quadrant(polarity: str, above: bool) -> str:
    if polarity == "neutral":
        return NEED if above else ""
    favourable = above == (polarity == "zustimmung_guenstig")
    return STRENGTH if favourable else WEAKNESS
