"""The cells a survey is weighted on, chosen so that no weight gives a hidden count away.

A raking weight is the official margin divided by (roughly) the number of respondents in the
cell, so the weights, the design effect and every interval built on the effective n carry the
cell sizes. A cell smaller than the disclosure minimum would therefore be printed after all:
2.114 men in the population and a largest weight of 528,5 make 4 men. So:

* age groups are merged with their smaller neighbour until each holds at least
  `max(MIN_WEIGHTING_CELL, min_cell)` respondents, and the merged groups are the ones every
  table of the survey shows (sample, breakdowns), so that no weight-derived figure describes a
  group the tables hide;
* a variable that cannot be merged (sex) with a non-empty category below that size is left out
  of the weighting, with a warning that gives no count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dwk.survey.collapse import MIN_WEIGHTING_CELL, collapse_ordered
from dwk.survey.population import Population

ORDERED = ("age",)


@dataclass(frozen=True)
class WeightingCells:
    groups: dict[str, list[str | None]]  # variable -> cell per respondent, to rake on
    margins: dict[str, dict[str, float]]  # variable -> cell -> official count
    merged: tuple[str, ...]  # names of merged age groups
    left_out: tuple[str, ...]  # variables not weighted: a cell would be too small
    relabelled: dict[str, list[str | None]]  # respondents' groups as every table shows them
    orders: dict[str, tuple[str, ...]]  # the order of those groups


def weighting_cells(
    respondents: dict[str, Sequence[str | None]],
    population: Population,
    by: Sequence[str],
    min_cell: int,
) -> WeightingCells:
    smallest = max(MIN_WEIGHTING_CELL, min_cell)
    margins = population.margins(tuple(by))
    groups: dict[str, list[str | None]] = {}
    kept: dict[str, dict[str, float]] = {}
    merged: list[str] = []
    left_out: list[str] = []
    relabelled: dict[str, list[str | None]] = {}
    orders: dict[str, tuple[str, ...]] = {}
    for f in by:
        values = list(respondents[f])
        if f in ORDERED:
            values, kept[f], merged = collapse_ordered(values, margins[f], smallest)
            groups[f] = values
            if merged:
                relabelled[f], orders[f] = values, tuple(kept[f])
            continue
        counts = [sum(1 for v in values if v == c) for c in margins[f]]
        if any(0 < n < smallest for n in counts):
            left_out.append(f)
        else:
            groups[f], kept[f] = values, margins[f]
    return WeightingCells(groups, kept, tuple(merged), tuple(left_out), relabelled, orders)
