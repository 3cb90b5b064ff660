from __future__ import annotations

import math

import pytest

from dwk.core.errors import ConfigError
from dwk.swot.rules import SwotRule, load_rules
from dwk.swot.survey import SurveyObservation, evaluate_survey

HIGH = SwotRule("hoch", "survey", "top2", "absolut", 60.0, "{value} % ({low}–{high}, n = {n}): {label}", sign="+")  # fmt: skip
LOW = SwotRule("gering", "survey", "top2", "absolut", 40.0, "nur {value} %: {label}", sign="-",
               polarity="zustimmung_guenstig")  # fmt: skip


def obs(value, low, high, n=200, polarity="zustimmung_guenstig", uncertain=False):
    return SurveyObservation(
        "lo_gern",
        "Ich lebe gern hier.",
        "Leben im Ort",
        polarity,
        value,
        low,
        high,
        n,
        uncertain,
        "Befragung",
        "2026",
        "Quelle",
        True,
    )


def test_high_agreement_with_a_favourable_item_is_a_strength():
    [out] = evaluate_survey([HIGH], "14523010", "Adorf", [obs(71.2, 64.3, 76.9)])
    assert out.fired and out.item.quadrant == "Stärke"
    assert out.item.id == "hoch:umfrage.lo_gern:14523010"
    assert out.item.text == "71 % (64–77, n = 200): Ich lebe gern hier."
    assert out.item.evidence["survey"] == "Befragung" and out.item.evidence["synthetic"]


def test_the_whole_interval_must_lie_beyond_the_mark():
    [out] = evaluate_survey([HIGH], "k", "A", [obs(66.0, 58.0, 73.0)])
    assert not out.fired and "nicht klar über 60 %" in out.reason


def test_unfavourable_and_neutral_items():
    [out] = evaluate_survey([HIGH], "k", "A", [obs(70, 65, 75, polarity="zustimmung_unguenstig")])
    assert out.item.quadrant == "Schwäche"
    [out] = evaluate_survey([HIGH], "k", "A", [obs(70, 65, 75, polarity="neutral")])
    assert out.item.quadrant == "Handlungsbedarf"
    # a rule limited to favourable items does not read an unfavourable one at all
    assert (
        evaluate_survey([LOW], "k", "A", [obs(20, 15, 25, polarity="zustimmung_unguenstig")]) == []
    )
    [out] = evaluate_survey([LOW], "k", "A", [obs(20, 15, 25)])
    assert out.item.quadrant == "Schwäche" and out.item.text == "nur 20 %: Ich lebe gern hier."


def test_uncertain_or_hidden_items_never_fire():
    [out] = evaluate_survey([HIGH], "k", "A", [obs(90, 75, 96, n=25, uncertain=True)])
    assert not out.fired and "unsicher" in out.reason
    [out] = evaluate_survey([HIGH], "k", "A", [obs(math.nan, math.nan, math.nan, n=0)])
    assert not out.fired


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('kind = "status"\nindicator = "top2"', "Umfrageregeln"),
        ('kind = "survey"\nindicator = "altenquotient"', "Umfrageregeln"),
        ('kind = "survey"\nindicator = "top2"\npolarity = "gut"', "polarity"),
        ('kind = "survey"\nindicator = "top2"\ntemplate2 = "x"', "unbekannte Felder"),
    ],
)
def test_broken_survey_rules(tmp_path, rule, message):
    path = tmp_path / "rules.toml"
    path.write_text(
        f'[[rule]]\nid = "r"\n{rule}\ncomparison = "absolut"\nthreshold = 60.0\n'
        'template = "{value} %"\n',
        "utf-8",
    )
    with pytest.raises(ConfigError, match=message):
        load_rules(frozenset({"status", "survey"}), {"altenquotient"}, path)


def test_survey_placeholders_only_in_survey_rules(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nid = "r"\nkind = "status"\nindicator = "altenquotient"\n'
        'comparison = "land"\nthreshold = 1.0\ntemplate = "{n}"\n',
        "utf-8",
    )
    with pytest.raises(ConfigError, match="unbekannte Platzhalter n"):
        load_rules(frozenset({"status", "survey"}), {"altenquotient"}, path)
