"""The rules appendix in German: each rule's indicator and comparison by name, not by code
(`beschaeftigte_je_100`, `members`, `top2` are the rule file's words, not the reader's)."""

from __future__ import annotations

from dwk.report.build import Profile
from dwk.swot.labels import rule_labels


def rule_rows(p: Profile) -> list[dict]:
    comparisons, statistics = rule_labels()
    names = {d.id: d.label for d in p.catalogue}
    if p.outlook is not None:
        names |= {k: f"Vorausberechnung: {o.label}" for k, o in p.outlook.observations().items()}
    names |= statistics
    return [
        {
            "rule": o.rule.id,
            "indicator": names.get(o.rule.indicator, o.rule.indicator),
            "comparison": comparisons.get(o.rule.comparison, o.rule.comparison),
            "threshold": o.rule.threshold,
            "reason": o.reason,
            "fired": o.fired,
        }
        for o in p.outcomes
    ]
