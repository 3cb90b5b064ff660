"""Charts of the projection section: the fan of the variants after the observed series."""

from __future__ import annotations

from dwk.render import svg
from dwk.render.charts import PALETTE, WIDTH, chart_note, frame, render_chart, value_axes
from dwk.render.component_charts import padded, runs, value_ticks, y_axis_left, year_ticks
from dwk.render.svg import Shape, missing

BAND_LABEL = "Spanne der Wanderungsvarianten"
BAND_OPACITY = 0.18


def projection_fan_svg(
    chart_id: str,
    title: str,
    observed: list[tuple[int, float]],
    years: list[int],
    main: list[float],
    low: list[float],
    high: list[float],
    labels: tuple[str, str, str],
    observed_note: str = "",
    met_until: int | None = None,
) -> str:
    """Observed population as a grey line (pass only years on the projection's census basis,
    or carried over to it and say so in `observed_note`), then the main variant with the band
    between the low and the high variant; the base year is marked, so no one reads the fan as
    data. Up to `met_until` the run meets the observed totals: that stretch is drawn grey and
    dashed, as observed (interpolated between observed years), not in the main variant's blue,
    which begins where the assumptions do."""
    edge, area = PALETTE["edge"], PALETTE["area"]
    met = met_until if met_until is not None and met_until > years[0] else None
    met_dash = svg.dash((3, 2), 1.6)
    entries = []
    if observed:
        label = f"beobachtet ab {observed[0][0]}{observed_note}"
        entries.append((label, svg.line_swatch(edge, 1.6, None, "o", 2.5)))
    if met is not None:
        label = f"bis {met} an die beobachteten Einwohnerzahlen angeglichen"
        entries.append((label, svg.line_swatch(edge, 1.6, met_dash)))
    entries += [
        (labels[0], svg.line_swatch(area, 2.2)),
        (BAND_LABEL, svg.rect_swatch(area, opacity=BAND_OPACITY)),
    ]
    # a long label flows onto a second row instead of running out of the chart
    ncols = None if observed_note or met is not None else min(len(entries), 4)
    c, y0 = frame(chart_id, title, 3.3 * 72, entries, ncols=ncols)
    values = [float(v) for v in (*main, *low, *high, *(v for _, v in observed)) if not missing(v)]
    xs_all = [float(y) for y in years] + [float(x) for x, _ in observed]
    xlo, xhi = padded(xs_all or [0.0])
    ylo, yhi = padded(values or [0.0])
    x0 = y_axis_left(svg.tick_labels(svg.nice_ticks(ylo, yhi, 8)))
    x1, y1 = WIDTH - 8, c["h"] - 22
    sx, sy = svg.Scale(xlo, xhi, x0, x1), svg.Scale(ylo, yhi, y1, y0)
    value_axes(
        c,
        x0,
        y0,
        x1,
        y1,
        year_ticks(xlo, xhi, sx),
        value_ticks(ylo, yhi, sy),
        "y",
        None,
        "Personen",
    )
    xs = [sx(y) for y in years]
    both = [None if missing(lo) or missing(hi) else 0.0 for lo, hi in zip(low, high, strict=True)]
    band = []
    for part in runs(xs, both):
        idx = [xs.index(x) for x, _ in part]
        upper = [(xs[i], sy(float(high[i]))) for i in idx]
        lower = [(xs[i], sy(float(low[i]))) for i in reversed(idx)]
        band.append(
            Shape(svg.path(upper + lower, close=True), area, opacity=BAND_OPACITY, cls="band")
        )
    lines = []
    if observed:
        pts = runs(
            [sx(x) for x, _ in observed],
            [None if missing(v) else sy(float(v)) for _, v in observed],
        )
        if pts:
            lines.append(Shape(svg.path(*pts), "none", edge, 1.6, cls="observed"))
            d = " ".join(svg.marker("o", x, y, 2.5) for p in pts for x, y in p)
            lines.append(Shape(d, edge, cls="marker observed"))
    main_ys = [None if missing(v) else sy(float(v)) for v in main]
    if met is not None:
        cut = years.index(met) + 1 if met in years else len(years)
        met_pts = runs(xs[:cut], main_ys[:cut])
        if met_pts:
            lines.append(Shape(svg.path(*met_pts), "none", edge, 1.6, met_dash, cls="met"))
        xs, main_ys = xs[cut - 1 :], main_ys[cut - 1 :]  # the assumptions from the last met year
    main_pts = runs(xs, main_ys)
    if main_pts:
        lines.append(Shape(svg.path(*main_pts), "none", area, 2.2, cls="main"))
    xb = sx(years[0])
    guides = [
        Shape(
            svg.path([(xb, y0), (xb, y1)]),
            "none",
            PALETTE["baseline"],
            0.8,
            svg.dash((4, 3), 0.8),
            cls="base",
        )
    ]
    c["notes"].append(svg.boxed(chart_note(xb - 3, y0 + 3, f"Basis {years[0]}", rotate=True)))
    return render_chart("fan.svg.j2", c, band=band, lines=lines, guides=guides)
