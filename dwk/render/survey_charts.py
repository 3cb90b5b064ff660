"""The diverging bar chart of Likert items: disagreement left of zero, agreement right of it, the
middle answer split across zero, so items can be compared at a glance by where they lean."""

from __future__ import annotations

import textwrap

from matplotlib.patches import Patch

from dwk.render.charts import PALETTE, _finish, _GermanFormatter, _new_axes, _styled, _t

# brown to teal (ColorBrewer BrBG), readable for the common colour-vision deficiencies
_COLOURS = {
    2: ("#a6611a", "#018571"),
    3: ("#a6611a", "#e0e0e0", "#018571"),
    4: ("#a6611a", "#dfc27d", "#80cdc1", "#018571"),
    5: ("#a6611a", "#dfc27d", "#e0e0e0", "#80cdc1", "#018571"),
    6: ("#8c510a", "#d8b365", "#f6e8c3", "#c7eae5", "#5ab4ac", "#01665e"),
    7: ("#8c510a", "#d8b365", "#f6e8c3", "#e0e0e0", "#c7eae5", "#5ab4ac", "#01665e"),
}


@_styled
def likert_svg(
    chart_id: str,
    title: str,
    scale_labels: list[str],
    rows: list[tuple[str, list[float], int, bool]],
) -> str:
    """`rows`: (wording, % per answer code 1..k of the valid answers, valid n, uncertain).

    Uncertain rows (few answers) get their wording in parentheses, as in the tables.
    """
    k = len(scale_labels)
    colours = _COLOURS.get(k) or _COLOURS[5]
    fig, ax = _new_axes(0.9 + 0.42 * len(rows))
    mid = k // 2
    for y, (_, shares, _, _) in enumerate(rows):
        left = -sum(shares[:mid]) - (shares[mid] / 2 if k % 2 else 0.0)
        for code in range(k):
            ax.barh(y, shares[code], left=left, height=0.62, color=colours[code],
                    edgecolor="white", linewidth=0.4)  # fmt: skip
            left += shares[code]
    names = []
    for wording, _, n, uncertain in rows:
        text = "\n".join(textwrap.wrap(wording, 38))
        names.append(_t(f"({text})" if uncertain else text) + f"\nn = {n}")
    ax.set_yticks(range(len(rows)), names)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(-100, 100)
    ax.axvline(0, color=PALETTE["baseline"], lw=0.8)
    ax.xaxis.set_major_formatter(_GermanFormatter(absolute=True))
    ax.grid(axis="x", color=PALETTE["grid"], lw=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel("Anteil der gültigen Antworten in % (links Ablehnung, rechts Zustimmung)")
    handles = [Patch(facecolor=c, edgecolor="white") for c in colours[:k]]
    # below the plot, in one row: above it the legend would be wider than the axes and
    # squeeze them
    fig.legend(handles, [_t(x) for x in scale_labels], loc="outside lower center", ncols=k,
               frameon=False, handlelength=1.4, columnspacing=1.0, fontsize=6.5)  # fmt: skip
    return _finish(fig, ax, chart_id, title, [], [])
