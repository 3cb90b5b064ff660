"""Small multiples of the members' age structures: one small pyramid per member, all on the
same scale, each with Germany's shape as an outline, so differences in ageing show at a glance."""

from __future__ import annotations

import math

from dwk.render import svg
from dwk.render.charts import PALETTE, WIDTH, frame, render_chart
from dwk.render.svg import Shape, Text, missing

Band = tuple[int, int | None]
OPEN_TOP = 90
FEMALE = "#5b8cc0"  # 3.5:1 on white
XLABEL = "Anteil an der Bevölkerung je Altersjahr in % (links Männer, rechts Frauen)"
YLABEL = "Alter in Jahren"
_SIZE = 6.0  # tick labels


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
    outline = PALETTE["reference_outline"]
    y_top, ph = 24.0, 2.1 * 72
    c, _ = frame(chart_id, title, y_top + rows * ph + 36, [])
    entries = [("Männer", svg.rect_swatch(PALETTE["area"])), ("Frauen", svg.rect_swatch(FEMALE))]
    if reference:
        entries.append((reference[0], svg.line_swatch(outline, 0.7)))
    c["legend"] = svg.legend(entries, 8.0, c["h"] - 17, WIDTH - 16, 3, 7.0, center=True)
    present = [
        v
        for _, m, f in shapes + ([reference] if reference else [])
        for v in m + f
        if not missing(v)
    ]
    top = max(present, default=1.0) * 1.08 or 1.0
    lows = [lo for lo, _ in bands]
    highs = [hi or OPEN_TOP for _, hi in bands]
    xt = svg.nice_ticks(-top, top, 6)
    labels = svg.tick_labels(xt, absolute=True)
    left, right, gap = 34.0, 6.0, 14.0
    pw = (WIDTH - left - right - gap * (cols - 1)) / cols
    male, female, refs = [], [], []
    for i, (name, m, f) in enumerate(shapes):
        r, col = divmod(i, cols)
        x0 = left + col * (pw + gap)
        x1, y0 = x0 + pw, y_top + r * ph + 13
        y1 = y_top + (r + 1) * ph - 16
        sx, sy = svg.Scale(-top, top, x0, x1), svg.Scale(0, OPEN_TOP, y1, y0)
        xticks = list(zip([sx(v) for v in xt], labels, strict=True))
        yticks = [(sy(v), str(v)) for v in range(0, OPEN_TOP + 1, 10)]
        a = svg.axes(
            x0,
            y0,
            x1,
            y1,
            xticks,
            yticks,
            "",
            _SIZE,
            xlabels=i + cols >= len(shapes),
            ylabels=col == 0,
        )
        a.texts.append(Text(x0, y0 - 4, name, "start", 7.5, cls="panel-title"))
        c["axes"].append(a)
        for vals, sign, out in ((m, -1, male), (f, 1, female)):
            d = " ".join(
                svg.rect(sx(0), sy(hi), sx(sign * float(v)) - sx(0), sy(lo) - sy(hi))
                for lo, hi, v in zip(lows, highs, vals, strict=True)
                if not missing(v)
            )
            if d:
                out.append(Shape(d, PALETTE["area"] if sign < 0 else FEMALE, "#ffffff", 0.3))
        if reference:
            for vals, sign in ((reference[1], -1), (reference[2], 1)):
                pts = [
                    (None if missing(v) else sx(sign * float(v)), sy(y))
                    for lo, hi, v in zip(lows, highs, vals, strict=True)
                    for y in (lo, hi)
                ]
                parts: list[list] = [[]]
                for x, y in pts:
                    if x is None:
                        parts.append([])
                    else:
                        parts[-1].append((x, y))
                refs.append(
                    Shape(svg.path(*[p for p in parts if p]), "none", outline, 0.7, cls="reference")
                )
        refs.append(Shape(svg.path([(sx(0), y0), (sx(0), y1)]), "none", PALETTE["baseline"], 0.5))
    c["notes"] += [
        Text(WIDTH / 2, c["h"] - 21, XLABEL, "middle", 7.0),
        Text(10.0, y_top + rows * ph / 2, YLABEL, "middle", 7.0, rotate=True),
    ]
    return render_chart("small_pyramids.svg.j2", c, male=male, female=female, references=refs)
