"""The SWOT engine: rules against indicator values → `SwotItem` candidates with evidence.

A rule's kind decides the quadrant pair (status → Stärke/Schwäche, trend and projection →
Chance/Risiko); the indicator's polarity and the sign of the difference decide which of the
two, unless the rule names its quadrant and direction (projection rules: growth of the 80+
means care demand, whatever the polarity); a neutral indicator gives "Handlungsbedarf". No rule fires on a flagged or missing value, and every rule
leaves an outcome saying whether it fired and why, for the appendix.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import get_args

from dwk.core.format import format_de, format_period
from dwk.core.types import Quadrant
from dwk.indicators.observation import Observation
from dwk.swot.rules import SwotRule

QUADRANTS: tuple[Quadrant, ...] = get_args(Quadrant)
STRENGTH, WEAKNESS, OPPORTUNITY, RISK = QUADRANTS
NEED = "Handlungsbedarf"
KIND_QUADRANTS: dict[str, tuple[str, str]] = {
    "status": (STRENGTH, WEAKNESS),
    "trend": (OPPORTUNITY, RISK),
    "projection": (OPPORTUNITY, RISK),
}
MIN_PEERS = 3


@dataclass(frozen=True)
class SwotItem:
    id: str
    quadrant: str
    text: str
    rule: str
    indicator: str
    area: str
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RuleOutcome:
    rule: SwotRule
    fired: bool
    reason: str
    item: SwotItem | None = None


@dataclass(frozen=True)
class Subject:
    """The area a SWOT is for and what it is compared with."""

    key: str
    name: str
    observations: dict[str, Observation]
    references: dict[str, tuple[str, dict[str, Observation]]]  # comparison -> (name, obs)
    peers: list[dict[str, Observation]]
    # comparison -> the reference named after "in" and after "für" ("im Landkreis Emsland")
    phrases: dict[str, tuple[str, str]] = field(default_factory=dict)


def evaluate(rules: list[SwotRule], subject: Subject) -> list[RuleOutcome]:
    return [_evaluate(rule, subject) for rule in rules]


def _evaluate(rule: SwotRule, s: Subject) -> RuleOutcome:
    own = s.observations.get(rule.indicator)
    if own is None:
        return RuleOutcome(rule, False, "Indikator für dieses Gebiet nicht berechnet")
    if math.isnan(own.value):
        return RuleOutcome(rule, False, "kein Wert (Angabe fehlt oder geheim)")
    if own.flag:
        return RuleOutcome(rule, False, f"Wert gekennzeichnet ({own.flag}): keine Aussage")
    ref = _reference(rule, s, own)
    if isinstance(ref, str):
        return RuleOutcome(rule, False, ref)
    ref_value, ref_name = ref
    diff = own.value - ref_value
    if abs(diff) < rule.threshold:
        return RuleOutcome(
            rule,
            False,
            f"Abstand {format_de(diff, 2, sign=True)} unter der Schwelle {format_de(rule.threshold, 2)}",
        )
    if rule.sign and (diff > 0) != (rule.sign == "+"):
        if rule.kind == "projection":
            return RuleOutcome(rule, False, "Veränderung in die andere Richtung")
        side, wanted = ("unter", "darüber") if rule.sign == "+" else ("über", "darunter")
        return RuleOutcome(rule, False, f"{side} dem Vergleichswert; die Regel gilt nur {wanted}")
    quadrant = rule.quadrant or _quadrant(rule.kind, own.polarity, diff)
    text = _sentence(rule, s, own, ref_value, ref_name, diff)
    item = SwotItem(
        id=f"{rule.id}:{rule.indicator}:{s.key}",
        quadrant=quadrant,
        text=text,
        rule=rule.id,
        indicator=rule.indicator,
        area=s.key,
        evidence={
            "value": own.value,
            "reference_value": ref_value,
            "reference": ref_name,
            "difference": diff,
            "threshold": rule.threshold,
            "comparison": rule.comparison,
            "period": own.period,
            "tables": own.tables,
            "unit": own.unit,
        },
    )
    return RuleOutcome(rule, True, f"{quadrant}: Abstand {format_de(diff, 2, sign=True)}", item)


def _reference(rule: SwotRule, s: Subject, own: Observation) -> tuple[float, str] | str:
    if rule.comparison == "absolut":
        return 0.0, "null"
    if rule.comparison == "members":
        values = [
            p[rule.indicator].value
            for p in s.peers
            if rule.indicator in p
            and not p[rule.indicator].flag
            and p[rule.indicator].period == own.period
            and not math.isnan(p[rule.indicator].value)
        ]
        if len(values) < MIN_PEERS:
            return f"weniger als {MIN_PEERS} DWK-Mitglieder mit Wert für {own.period}"
        return sum(values) / len(values), "die übrigen DWK-Mitglieder"
    if rule.comparison not in s.references:
        return f"kein Vergleichsgebiet '{rule.comparison}' für dieses Gebiet"
    name, obs = s.references[rule.comparison]
    ref = obs.get(rule.indicator)
    if ref is None or math.isnan(ref.value):
        return f"kein Vergleichswert für {name}"
    if ref.flag:
        return f"Vergleichswert für {name} gekennzeichnet ({ref.flag})"
    if ref.period != own.period:
        return f"Vergleichswert für {name} aus anderem Zeitraum ({ref.period})"
    return ref.value, name


def _quadrant(kind: str, polarity: str, diff: float) -> str:
    if polarity == "neutral":
        return NEED
    good, bad = KIND_QUADRANTS[kind]
    favourable = diff > 0 if polarity == "hoeher_guenstig" else diff < 0
    return good if favourable else bad


def _sentence(
    rule: SwotRule, s: Subject, own: Observation, ref: float, ref_name: str, diff: float
) -> str:
    d = own.decimals
    in_, for_ = s.phrases.get(rule.comparison, (f"in {ref_name}", f"für {ref_name}"))
    return rule.template.format(
        area=s.name,
        reference_in=in_,
        reference_for=for_,
        amount=format_de(abs(own.value), d),
        change=_change(own.value),
        label=own.label,
        value=format_de(own.value, d),
        reference=format_de(ref, d),
        reference_name=ref_name,
        difference=format_de(abs(diff), d),
        unit=own.unit,
        direction="über" if diff > 0 else "unter",
        period=format_period(own.period),
    )


def _change(value: float) -> str:
    """A change said in words, so that "um −4,2 % verändert" reads "um 4,2 % gesunken"."""
    return "gestiegen" if value > 0 else "gesunken" if value < 0 else "unverändert geblieben"


KINDS: dict[str, Callable] = dict.fromkeys(KIND_QUADRANTS, _evaluate)
