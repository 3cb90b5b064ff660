"""Classes of a choropleth: quantile limits rounded as the legend prints them, German labels
("unter 44,5", "44,5 bis unter 46,0", "48,0 und mehr") and a colour-blind safe sequential palette.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable

from dwk.render.svg import fmt_de, missing

# ColorBrewer YlGnBu (colour-blind safe, sequential, darkest 11:1 against white), without its
# two palest steps; every legend swatch and the Kreis outline have a frame of 10:1, missing values get
# a grey hatch, so "keine Daten" never reads as the lightest class.
CLASS_COLOURS = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA = "keine Daten"


def class_breaks(values: Iterable[float], n: int = 5, decimals: int = 1) -> list[float]:
    """Upper-exclusive class limits at the quantiles of `values`, rounded to `decimals`
    (so a value shown as 44,5 never sits in the class "unter 44,5")."""
    vs = sorted(round(v, decimals) for v in values if not missing(v))
    if len(vs) < 2 or vs[0] == vs[-1]:
        return []
    n = min(n, len(set(vs)))  # two values make two classes, not five with three empty
    cuts = set()
    for i in range(1, n):
        pos = (len(vs) - 1) * i / n
        lo = vs[math.floor(pos)]
        q = lo + (vs[math.ceil(pos)] - lo) * (pos - math.floor(pos))
        cut = round(q, decimals)
        if vs[0] < cut <= vs[-1]:
            cuts.add(cut)
    return sorted(cuts)


def class_of(value: float, breaks: list[float], decimals: int = 1) -> int:
    return bisect.bisect_right(breaks, round(value, decimals))


def class_labels(
    breaks: list[float], decimals: int = 1, unit: str = "", values: Iterable[float] = ()
) -> list[str]:
    """German class labels: "unter 44,5", "44,5 bis unter 46,0", "48,0 und mehr"."""
    f = lambda v: fmt_de(v, decimals)  # noqa: E731
    u = f" {unit}" if unit else ""
    if not breaks:
        vs = sorted({round(v, decimals) for v in values if not missing(v)})
        return [f"{f(vs[0])}{u}" if vs else NO_DATA]
    labels = [f"unter {f(breaks[0])}{u}"]
    labels += [f"{f(a)} bis unter {f(b)}{u}" for a, b in zip(breaks, breaks[1:], strict=False)]
    return labels + [f"{f(breaks[-1])} und mehr{u}"]


def class_colours(n: int) -> list[str]:
    """`n` colours spread over the palette, light to dark."""
    if n <= 1:
        return [CLASS_COLOURS[2]]
    last = len(CLASS_COLOURS) - 1
    return [CLASS_COLOURS[round(i * last / (n - 1))] for i in range(n)]
