"""What an area's rules can produce at all, so that a review file naming anything else is an
error rather than a verdict that silently never applies.

An id `rule:indicator:area` is producible when the rule exists and reads that indicator (the
review file checks that), the indicator is computed at the area's level (a Gemeinde has no
Arbeitslosenquote), and, for survey rules, the item is asked in one of the area's surveys with
the polarity the rule is limited to. A producible id that does not fire today is "gone", not
an error: data updates come and go.
"""

from __future__ import annotations

from dataclasses import dataclass

from dwk.areas import Area
from dwk.indicators.catalogue import IndicatorDef
from dwk.projection.outlook import load_groups
from dwk.survey.codebook import load_codebook
from dwk.swot.rules import SwotRule

SURVEY_PREFIX = "umfrage."


@dataclass(frozen=True)
class ReviewScope:
    level: str
    indicators: frozenset[str]  # computed at the area's level, with the projection's groups
    survey_items: dict[str, str]  # item id -> polarity, from the area's codebooks

    def problem(self, rule: SwotRule, indicator: str) -> str | None:
        """Why no rule of the area produces `rule:indicator`, or None if one can."""
        if not indicator.startswith(SURVEY_PREFIX):
            if indicator not in self.indicators:
                return f"{indicator!r} wird für Gebiete der Ebene {self.level} nicht berechnet"
            return None
        item = indicator.removeprefix(SURVEY_PREFIX)
        polarity = self.survey_items.get(item)
        if polarity is None:
            if not self.survey_items:
                return "für dieses Gebiet ist keine Umfrage eingetragen"
            return f"keine Umfrage dieses Gebiets fragt das Item {item!r}"
        if rule.polarity and rule.polarity != polarity:
            return f"die Regel {rule.id!r} liest nur Items mit polarity {rule.polarity}, {item!r} ist {polarity}"
        return None


def review_scope(area: Area, catalogue: list[IndicatorDef]) -> ReviewScope:
    indicators = {d.id for d in catalogue if area.level in d.levels}
    indicators |= {g.id for g in load_groups()}
    items = {i.id: i.polarity for s in area.surveys for i in load_codebook(s.codebook).items}
    return ReviewScope(area.level, frozenset(indicators), items)
