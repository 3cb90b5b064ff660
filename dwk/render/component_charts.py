"""SVG charts of the components of population change, built on the helpers of `charts`.

Pure functions: plain Python data in, SVG text out, deterministic for the same input. Census
counts are drawn as points of their own and the Zensus 2011 re-basing as a break in the line,
so neither reads as growth or loss; estimated migration looks different from counted migration.
"""

from __future__ import annotations

import math

from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dwk.render.charts import (
    _AREA_LINE,
    _BOX,
    _LEGEND,
    _REF_LINES,
    PALETTE,
    _finish,
    _GermanFormatter,
    _missing,
    _new_axes,
    _note,
    _styled,
    _t,
)

ESTIMATED_LABEL = "Wanderungssaldo, geschätzt (Residualmethode)"
MIGRATION_LABEL = "Wanderungssaldo"
NATURAL_LABEL = "Natürlicher Saldo"
BREAK_LABEL = "Zensus 2011: Bruch in der Reihe"
MISSING_LABEL = "k. A."
_CENSUS_MARKERS = ("D", "*", "P", "X")
_NATURAL = {"facecolor": PALETTE["ref_fills"][0], "edgecolor": PALETTE["edge"], "linewidth": 0.4}
_MIGRATION = {"facecolor": PALETTE["area"], "edgecolor": PALETTE["area"], "linewidth": 0.4}
_ESTIMATED = {"facecolor": "#b9d0e6", "edgecolor": PALETTE["area"], "linewidth": 0.6,
              "hatch": "////"}  # fmt: skip


def _finish_legend(
    fig, ax, chart_id: str, title: str, handles: list, labels: list, ncols: int
) -> str:
    """`_finish` with the legend in `ncols` columns, so long German labels wrap into rows."""
    ax.legend(handles, [_t(lb) for lb in labels], ncols=ncols, handlelength=2.6, **_LEGEND)
    return _finish(fig, ax, chart_id, title, [], [])


def _year_axis(ax) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{round(v):d}"))
    ax.yaxis.set_major_formatter(_GermanFormatter())
    ax.grid(axis="y", color=PALETTE["grid"], lw=0.5)
    ax.set_axisbelow(True)


@_styled
def population_series_svg(
    chart_id: str,
    title: str,
    years: list[int],
    series: list[tuple[str, list[float | None]]],
    census_points: list[tuple[str, float, float]],
    break_year: int | None = 2011,
    base_year: int | None = None,
) -> str:
    """Population as an index (base year = 100): the area (first series) against Land and
    Germany; census counts as unconnected markers; the line is broken at `break_year`, the
    first Stichtag on the new basis, and a dotted line marks the break.
    """
    fig, ax = _new_axes(3.3)
    handles, labels = [], []
    for j, (label, vals) in enumerate(series):
        if len(vals) != len(years):
            raise ValueError(f"series {label!r} has {len(vals)} values, expected {len(years)}")
        ys = [math.nan if _missing(v) else float(v) for v in vals]
        style = _AREA_LINE if j == 0 else _REF_LINES[(j - 1) % len(_REF_LINES)]
        segments = [(years, ys)]
        if break_year is not None and years[0] < break_year <= years[-1]:
            cut = years.index(break_year)
            segments = [(years[:cut], ys[:cut]), (years[cut:], ys[cut:])]
        lines = [ax.plot(xs, vs, **style)[0] for xs, vs in segments if xs]
        handles.append(lines[0])
        labels.append(label)
    names = list(dict.fromkeys(name for name, _, _ in census_points))
    for name, x, value in census_points:
        marker = _CENSUS_MARKERS[names.index(name) % len(_CENSUS_MARKERS)]
        style = {"marker": marker, "ls": "none", "ms": 6, "mfc": "white", "mew": 1.3,
                 "mec": PALETTE["reference_outline"], "zorder": 6}  # fmt: skip
        if not _missing(value):
            ax.plot([x], [value], **style)
        if name not in labels:
            handles.append(Line2D([], [], **style))
            labels.append(name)
    ax.axhline(100, color=PALETTE["baseline"], lw=0.8, zorder=1)
    base = years[0] if base_year is None else base_year
    _note(ax, f"{base} = 100", (1, 100), ("axes fraction", "data"), (-2, 2), va="bottom", **_BOX)
    if break_year is not None and years[0] < break_year <= years[-1]:
        x = break_year - 0.5
        ax.axvline(x, color=PALETTE["edge"], lw=0.9, ls=(0, (1, 2)), zorder=2)
        _note(ax, BREAK_LABEL, (x, 1), ("data", "axes fraction"), (-2, -3), rotation=90, **_BOX)
    _year_axis(ax)
    ax.set_ylabel("Index")
    return _finish_legend(fig, ax, chart_id, title, handles, labels, ncols=3)


@_styled
def components_svg(
    chart_id: str,
    title: str,
    years: list[int],
    natural_per_1000: list[float | None],
    migration_per_1000: list[float | None],
    estimated: list[bool],
) -> str:
    """Natural balance and net migration per 1,000 inhabitants per year, side by side.

    Migration estimated by the residual method is hatched and lighter; a missing value gets
    no bar but a "k. A." (2011: the Zensus correction is not migration).
    """
    n = len(years)
    for name, vals in (("natural", natural_per_1000), ("migration", migration_per_1000),
                       ("estimated", estimated)):  # fmt: skip
        if len(vals) != n:
            raise ValueError(f"{name} has {len(vals)} values, expected {n}")
    fig, ax = _new_axes(3.5)
    width = 0.4
    bars: dict[str, tuple[dict, list, list]] = {
        "natural": (_NATURAL, [], []), "migration": (_MIGRATION, [], []),
        "estimated": (_ESTIMATED, [], []),
    }  # fmt: skip
    for year, nat, mig, est in zip(
        years, natural_per_1000, migration_per_1000, estimated, strict=True
    ):
        for x, v, kind in ((year - width / 2, nat, "natural"),
                           (year + width / 2, mig, "estimated" if est else "migration")):  # fmt: skip
            if _missing(v):
                _note(ax, MISSING_LABEL, (x, 0), "data", (0, 2), ha="center", va="bottom",
                      rotation=90)  # fmt: skip
            else:
                bars[kind][1].append(x)
                bars[kind][2].append(float(v))
    for style, xs, vs in bars.values():
        if xs:
            ax.bar(xs, vs, width=width * 0.92, **style)
    values = [v for _, _, vs in bars.values() for v in vs]
    ax.axhline(0, color=PALETTE["edge"], lw=0.7, zorder=3)
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = (high - low) * 0.08 or 1.0
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    _year_axis(ax)
    ax.set_ylabel("je 1.000 Einwohner")
    handles = [Patch(**_NATURAL), Patch(**_MIGRATION)]
    labels = [NATURAL_LABEL, MIGRATION_LABEL]
    if any(estimated):
        handles.append(Patch(**_ESTIMATED))
        labels.append(ESTIMATED_LABEL)
    return _finish_legend(fig, ax, chart_id, title, handles, labels, ncols=2)
