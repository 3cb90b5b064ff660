"""Small multiples of the members' age structures: one small pyramid per member, all on the
same scale, each with Germany's shape as an outline, so differences in ageing show at a glance."""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dwk.render.charts import PALETTE, WIDTH_IN, _GermanFormatter, _styled, _t, _to_svg

Band = tuple[int, int | None]
OPEN_TOP = 90


@_styled
def small_pyramids_svg(
    chart_id: str,
    title: str,
    bands: list[Band],
    shapes: list[tuple[str, list[float], list[float]]],
    reference: tuple[str, list[float], list[float]] | None,
) -> str:
    """`shapes`: (name, male, female) as % of the population per year of age in each band."""
    cols = 3
    rows = math.ceil(len(shapes) / cols)
    fig = Figure(figsize=(WIDTH_IN, 1.0 + 2.1 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    top = max(max(m + f) for _, m, f in shapes + ([reference] if reference else []))
    lows = [lo for lo, _ in bands]
    widths = [(hi or OPEN_TOP) - lo for lo, hi in bands]
    for ax, (name, male, female) in zip(axes.flat, shapes, strict=False):
        ax.barh(lows, [-v for v in male], height=widths, align="edge", color=PALETTE["area"],
                edgecolor="white", linewidth=0.3)  # fmt: skip
        ax.barh(lows, female, height=widths, align="edge", color="#7fa7cf",
                edgecolor="white", linewidth=0.3)  # fmt: skip
        if reference:
            _, rm, rf = reference
            ys = [y for lo, w in zip(lows, widths, strict=True) for y in (lo, lo + w)]
            ax.plot(
                [-v for v in rm for _ in (0, 1)], ys, color=PALETTE["reference_outline"], lw=0.7
            )
            ax.plot([v for v in rf for _ in (0, 1)], ys, color=PALETTE["reference_outline"], lw=0.7)
        ax.set_title(_t(name), fontsize=7.5, loc="left")
        ax.axvline(0, color=PALETTE["baseline"], lw=0.5)
        ax.set_xlim(-top * 1.08, top * 1.08)
        ax.set_ylim(0, OPEN_TOP)
        ax.xaxis.set_major_formatter(_GermanFormatter(absolute=True))
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[len(shapes) :]:
        ax.set_axis_off()
    fig.supxlabel(
        "Anteil an der Bevölkerung je Altersjahr in % (links Männer, rechts Frauen)", fontsize=7
    )
    fig.supylabel("Alter in Jahren", fontsize=7)
    handles = [Patch(color=PALETTE["area"]), Patch(color="#7fa7cf")]
    labels = ["Männer", "Frauen"]
    if reference:
        handles.append(Line2D([], [], color=PALETTE["reference_outline"], lw=0.7))
        labels.append(_t(reference[0]))
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, fontsize=7)
    fig.suptitle(_t(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    return _to_svg(fig, chart_id, title)
