"""Weighting cells too thin to carry a weight are merged with a neighbour before raking.

A group of five respondents raked up to a fifth of the population would get huge weights and
let five people speak for thousands; survey offices collapse such cells first. Only ordered
variables (age groups) are collapsed, always with the smaller adjacent group, until every
group has at least `min_n` respondents.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_WEIGHTING_CELL = 20


def collapse_ordered(
    values: Sequence[str | None],
    targets: dict[str, float],
    min_n: int = MIN_WEIGHTING_CELL,
) -> tuple[list[str | None], dict[str, float], list[str]]:
    """(respondents' merged groups, merged targets, names of the merged groups)."""
    runs = [[g] for g in targets]  # consecutive groups, in the targets' (age) order
    count = {g: sum(1 for v in values if v == g) for g in targets}

    def n(run: list[str]) -> int:
        return sum(count[g] for g in run)

    while len(runs) > 1:
        thin = [i for i, r in enumerate(runs) if n(r) < min_n]
        if not thin:
            break
        i = min(thin, key=lambda j: (n(runs[j]), j))
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(runs)]
        j = min(neighbours, key=lambda k: (n(runs[k]), k))
        lo, hi = sorted((i, j))
        runs[lo : hi + 1] = [runs[lo] + runs[hi]]
    name = {g: _label(r) for r in runs for g in r}
    merged_targets = {_label(r): sum(targets[g] for g in r) for r in runs}
    merged = [_label(r) for r in runs if len(r) > 1]
    return [name.get(v) if v is not None else None for v in values], merged_targets, merged


def _label(run: list[str]) -> str:
    """'18–29' + '30–44' → '18–44'; '65–74' + '75+' → '65+'."""
    if len(run) == 1:
        return run[0]
    first, last = run[0].split("–")[0].rstrip("+"), run[-1]
    return f"{first}+" if last.endswith("+") else f"{first}–{last.split('–')[-1]}"
