from __future__ import annotations

import math

from dwk.swot.engine import Observation, Subject, evaluate
from dwk.swot.rules import SwotRule


def obs(value, flag="", polarity="niedriger_guenstig", period="2015-12-31"):
    return Observation(value, flag, period, "T", "Altenquotient", "je 100", polarity, 1)


RULE = SwotRule(
    "aq-land",
    "status",
    "altenquotient",
    "land",
    3.0,
    "{value} {direction} {reference_name} ({reference})",
)


def subject(own, ref):
    return Subject(
        "14523",
        "Vogtlandkreis",
        {"altenquotient": own},
        {"land": ("Sachsen", {"altenquotient": ref})},
        [],
    )


def test_weakness_when_higher_is_unfavourable():
    [out] = evaluate([RULE], subject(obs(50.0), obs(43.0)))
    assert out.fired and out.item.quadrant == "Schwäche"
    assert out.item.id == "aq-land:altenquotient:14523"
    assert out.item.text == "50,0 über Sachsen (43,0)"
    assert out.item.evidence["difference"] == 7.0


def test_strength_and_need():
    [out] = evaluate([RULE], subject(obs(40.0), obs(43.5)))
    assert out.item.quadrant == "Stärke"
    [out] = evaluate([RULE], subject(obs(40.0, polarity="neutral"), obs(43.5, polarity="neutral")))
    assert out.item.quadrant == "Handlungsbedarf"


def test_no_rule_fires_on_flagged_missing_or_small_difference():
    assert not evaluate([RULE], subject(obs(50.0, "unsicher"), obs(43.0)))[0].fired
    assert not evaluate([RULE], subject(obs(math.nan, "."), obs(43.0)))[0].fired
    assert not evaluate([RULE], subject(obs(44.0), obs(43.0)))[0].fired
    other_period = evaluate([RULE], subject(obs(50.0), obs(43.0, period="2020-12-31")))[0]
    assert not other_period.fired and "Zeitraum" in other_period.reason
