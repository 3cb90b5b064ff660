"""The diverging bar chart of Likert items: disagreement left of zero, agreement right of it, the
middle answer split across zero, so items can be compared at a glance by where they lean."""

from __future__ import annotations

import textwrap

from dwk.render import svg
from dwk.render.charts import (
    PALETTE,
    TICK_SIZE,
    WIDTH,
    frame,
    label_width,
    render_chart,
    value_axes,
)
from dwk.render.svg import Shape, Text, missing

# brown (against) to teal (for), after ColorBrewer BrBG, readable for the common colour-vision
# deficiencies; BrBG's pale middle tones are darkened so that every answer has at least 3:1
# against white (WCAG 1.4.11), the middle answer a grey.
_COLOURS = {
    2: ("#8c510a", "#01665e"),
    3: ("#8c510a", "#8a8a8a", "#01665e"),
    4: ("#8c510a", "#c27c28", "#35978f", "#01665e"),
    5: ("#8c510a", "#c27c28", "#8a8a8a", "#35978f", "#01665e"),
    6: ("#6b3d07", "#8c510a", "#c27c28", "#35978f", "#01665e", "#004940"),
    7: ("#6b3d07", "#8c510a", "#c27c28", "#8a8a8a", "#35978f", "#01665e", "#004940"),
}
UNFAVOURABLE = "Zustimmung ungünstig"
XLABEL = "Anteil der gültigen Antworten in % (links Ablehnung, rechts Zustimmung)"
LINE = 9.0  # pt between the lines of a wording


def likert_svg(
    chart_id: str,
    title: str,
    scale_labels: list[str],
    rows: list[tuple[str, list[float], int, bool]],
    unfavourable: frozenset[int] = frozenset(),
) -> str:
    """`rows`: (wording, % per answer code 1..k of the valid answers, valid n, uncertain).

    Uncertain rows (few answers) get their wording in parentheses, as in the tables. Rows whose
    index is in `unfavourable` are items where agreeing is bad (codebook polarity): their
    colours run the other way, agreement in brown, and their `n =` line says so.
    """
    k = len(scale_labels)
    colours = _COLOURS.get(k) or _COLOURS[5]
    names = []
    for wording, _, n, uncertain in rows:
        lines = textwrap.wrap(f"({wording})" if uncertain else wording, 38) or [""]
        names.append(
            [*lines, f"n = {n}" + (f" · {UNFAVOURABLE}" if len(names) in unfavourable else "")]
        )
    row_h = max([0.42 * 72, *(len(lines) * LINE + 8 for lines in names)])
    c, y0 = frame(chart_id, title, 0.0, [])
    y0 = 24.0
    y1 = y0 + row_h * len(rows)
    entries = [
        (label, svg.rect_swatch(colours[i % len(colours)], "#ffffff", 0.4))
        for i, label in enumerate(scale_labels)
    ]
    lg = svg.legend(entries, 8.0, y1 + 33, WIDTH - 16, None, 6.5, center=True, swatch=12.0)
    c["legend"], c["h"] = lg, y1 + 33 + lg.height + 4
    x0 = 6 + label_width([line for lines in names for line in lines]) + 6
    x1 = WIDTH - 8
    sx = svg.Scale(-100, 100, x0, x1)
    xt = [float(v) for v in range(-100, 101, 25)]
    xticks = list(zip([sx(v) for v in xt], svg.tick_labels(xt, absolute=True), strict=True))
    a = value_axes(c, x0, y0, x1, y1, xticks, [], "x", XLABEL, None)
    bars: list[Shape] = []
    mid = k // 2
    for r, ((_, shares, _, _), lines) in enumerate(zip(rows, names, strict=True)):
        cy = y0 + row_h * (r + 0.5)
        vals = [0.0 if missing(v) else float(v) for v in shares]
        left = -sum(vals[:mid]) - (vals[mid] / 2 if k % 2 else 0.0)
        for code in range(k):
            if not missing(shares[code]) and vals[code] > 0:
                d = svg.rect(
                    sx(left), cy - row_h * 0.31, sx(left + vals[code]) - sx(left), row_h * 0.62
                )
                colour = colours[(k - 1 - code if r in unfavourable else code) % len(colours)]
                bars.append(Shape(d, colour, "#ffffff", 0.4, cls=f"bar a{code + 1}"))
            left += vals[code]
        top = cy - (len(lines) - 1) * LINE / 2 + TICK_SIZE * 0.35
        a.texts += [
            Text(x0 - 5, top + i * LINE, line, "end", TICK_SIZE, cls="wording")
            for i, line in enumerate(lines)
        ]
    centre = Shape(svg.path([(sx(0), y0), (sx(0), y1)]), "none", PALETTE["baseline"], 0.8)
    return render_chart("likert.svg.j2", c, bars=bars, centre=centre)
