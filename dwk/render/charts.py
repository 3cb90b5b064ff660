"""SVG charts for municipal demographic profiles, inlined into self-contained HTML reports.

Pure functions: plain Python data in, SVG text out. Python computes the geometry (`dwk.render.svg`);
the markup comes from Jinja templates in ``templates/svg/`` (autoescaped). Every chart can share
an HTML page with others: ids are prefixed with the chart id, no XML prolog, responsive width
(``width="100%"`` and a viewBox in pt, 16 cm wide), ``<title>`` first, the same bytes for the
same input. No matplotlib: a chart takes about a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dwk.render import svg
from dwk.render.svg import Shape, Text, fmt_de, missing

Band = tuple[int, int | None]  # age_from inclusive, age_to exclusive; None = open top band

# The area is a strong blue; references are greys/muted tones with clearly different
# lightness (and, for lines, different dashes/markers) so they survive greyscale printing;
# every fill that carries meaning has at least 3:1 against white (WCAG 1.4.11).
PALETTE: dict[str, Any] = {
    "area": "#1764ab",
    "reference_outline": "#1a1a1a",
    "ref_fills": ("#8c8c8c", "#3c3c3c", "#8a6d45", "#b07a2a"),  # 3.4, 11, 4.8, 3.7 : 1
    "ref_lines": (  # (colour, dash pattern in line widths, marker)
        ("#4d4d4d", (5, 2), "s"),
        ("#8a8a8a", (1.2, 1.5), "^"),
        ("#a0734a", (6, 2, 1.2, 2), "D"),
        ("#7a5c99", (2, 2), "v"),
    ),
    "edge": "#404040",
    "baseline": "#777777",
    "grid": "#e0e0e0",
    "muted_text": "#555555",
}

OPEN_BAND_WIDTH = 10
OPEN_BAND_NOTE = "oberste Altersgruppe offen, mit 10 Jahren Breite gezeichnet"
WIDTH_IN = 16 / 2.54  # A4 text column
MAX_HEIGHT_IN = 10 / 2.54
WIDTH = svg.WIDTH  # in pt, the unit of the viewBox
TICK_SIZE = 7.5
NOTE_SIZE = 6.5
AREA_LINE = {"stroke": PALETTE["area"], "width": 2.2, "marker": "o", "size": 3.5}
REF_LINES = [
    {"stroke": c, "width": 1.3, "dash": svg.dash(pattern, 1.3), "marker": mk, "size": 2.8}
    for c, pattern, mk in PALETTE["ref_lines"]
]

_fmt_de = fmt_de  # the names the tests and older callers know
_decimals_for = svg.decimals_for
_missing = missing
_id_prefix = svg.id_prefix


def chart_note(x: float, y: float, text: str, anchor: str = "end", **kw: Any) -> Text:
    """Small muted annotation."""
    return Text(
        x,
        y,
        text,
        anchor,
        kw.pop("size", NOTE_SIZE),
        fill=kw.pop("fill", PALETTE["muted_text"]),
        **kw,
    )


def frame(
    chart_id: str, title: str, height: float, entries: list, ncols: int | None = None
) -> tuple[dict, float]:
    """Context of the shared frame (`_chart.svg.j2`) and the y where the plot may start:
    title top left, legend in rows between title and plot."""
    lg = svg.legend(entries, 8.0, 19.0, WIDTH - 16, ncols)
    ctx = {
        "id": svg.id_prefix(chart_id),
        "w": WIDTH,
        "h": height,
        "title": title,
        "font": svg.FONT,
        "legend": lg,
        "axes": [],
        "notes": [],
    }
    return ctx, 19.0 + lg.height + 7.0


def render_chart(template: str, c: dict, **shapes: Any) -> str:
    return svg.render(template, c=c, palette=PALETTE, **shapes)


def label_width(labels: Sequence[str], size: float = TICK_SIZE) -> float:
    return max((svg.text_width(lb, size) for lb in labels), default=0.0)


def value_axes(
    c: dict,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    xticks: list,
    yticks: list,
    grid: str,
    xlabel: str | None,
    ylabel: str | None,
) -> svg.Axes:
    """Axes with the x label centred below the tick labels and the y label rotated left."""
    a = svg.axes(x0, y0, x1, y1, xticks, yticks, grid, TICK_SIZE)
    if xlabel:
        a.texts.append(Text((x0 + x1) / 2, y1 + 26, xlabel, "middle"))
    if ylabel:
        a.texts.append(Text(10.0, (y0 + y1) / 2, ylabel, "middle", rotate=True))
    c["axes"].append(a)
    return a


def _widths(bands: list[Band]) -> list[int]:
    if not bands:
        raise ValueError("no age bands")
    widths = [OPEN_BAND_WIDTH if hi is None else hi - lo for lo, hi in bands]
    if any(w <= 0 for w in widths) or any(hi is None for _, hi in bands[:-1]):
        raise ValueError("bands need positive widths; only the last band may be open")
    return widths


def _per_year_shares(
    bands: list[Band], counts: list[float], total: float | None = None
) -> list[float]:
    """% of ``total`` (default: sum of counts) per single year of age, for each band.

    Dividing by the band width keeps unequal bands comparable; an open top band counts as
    OPEN_BAND_WIDTH years. A zero total gives zeros (empty area) instead of an error.
    """
    if len(bands) != len(counts):
        raise ValueError(f"{len(bands)} bands but {len(counts)} counts")
    total = sum(counts) if total is None else total
    if not total:
        return [0.0] * len(counts)
    return [100.0 * c / total / w for c, w in zip(counts, _widths(bands), strict=True)]


def _outline(bands: list[Band], shares: list[float], sign: float) -> tuple[list, list]:
    """Step outline (x, y) of per-year shares, starting and ending on x = 0."""
    xs, ys = [0.0], [float(bands[0][0])]
    for (lo, _), w, v in zip(bands, _widths(bands), shares, strict=True):
        xs += [sign * v, sign * v]
        ys += [lo, lo + w]
    return [*xs, 0.0], [*ys, ys[-1]]


def _line_entry(style: dict) -> Callable:
    return svg.line_swatch(
        style["stroke"], style["width"], style.get("dash"), style["marker"], style["size"]
    )


def population_pyramid_svg(
    chart_id: str,
    title: str,
    bands: list[Band],
    male: list[float],
    female: list[float],
    reference_male: list[float] | None,
    reference_female: list[float] | None,
    reference_label: str | None,
    area_label: str,
) -> str:
    """Age pyramid in % of the total population per year of age, honest for unequal bands.

    The reference (same bands, own total) is an outline, so shapes compare regardless of size.
    """
    total = sum(male) + sum(female)
    m, f = _per_year_shares(bands, male, total), _per_year_shares(bands, female, total)
    has_ref = reference_male is not None or reference_female is not None
    outline = PALETTE["reference_outline"]
    entries: list = [(area_label, svg.rect_swatch(PALETTE["area"]))]
    if has_ref:
        entries.append((reference_label or "Vergleichsgebiet", svg.line_swatch(outline, 1.1)))
    c, y0 = frame(chart_id, title, svg.MAX_HEIGHT, entries, ncols=min(len(entries), 4))
    xmax = max([*m, *f, 0.0])
    ref_total = sum(reference_male or []) + sum(reference_female or [])
    refs = []
    for ref, sign in ((reference_male, -1.0), (reference_female, 1.0)):
        if ref is not None:
            shares = _per_year_shares(bands, ref, ref_total)
            xmax = max(xmax, *shares)
            refs.append((shares, sign))
    xmax = xmax * 1.08 or 1.0
    bottom, top = bands[0][0], bands[-1][0] + _widths(bands)[-1]
    last_tick = bands[-1][0] if bands[-1][1] is None else top
    yvals = list(range(bottom - bottom % 10, last_tick + 1, 10))
    x0 = 16 + label_width([str(v) for v in yvals]) + 6
    x1, y1 = WIDTH - 6, c["h"] - 46
    sx, sy = svg.Scale(-xmax, xmax, x0, x1), svg.Scale(bottom, top, y1, y0)
    xt = svg.nice_ticks(-xmax, xmax, 10)
    xticks = list(zip([sx(v) for v in xt], svg.tick_labels(xt, absolute=True), strict=True))
    yticks = [(sy(v), str(v)) for v in yvals if bottom <= v <= top]
    value_axes(c, x0, y0, x1, y1, xticks, yticks, "x", "% der Bevölkerung je Altersjahr", "Alter")

    def poly(shares: list[float], sign: float) -> list[tuple[float, float]]:
        xs, ys = _outline(bands, shares, sign)
        return [(sx(x), sy(y)) for x, y in zip(xs, ys, strict=True)]

    area = [
        Shape(svg.path(poly(s, sign), close=True), PALETTE["area"], cls="area")
        for s, sign in ((m, -1.0), (f, 1.0))
    ]
    ref_shapes = [
        Shape(svg.path(poly(s, sign)), "none", outline, 1.1, cls="reference") for s, sign in refs
    ]
    centre = Shape(svg.path([(sx(0), y0), (sx(0), y1)]), "none", PALETTE["edge"], 0.6)
    c["notes"] += [
        Text(x0, y1 + 26, "◂ Männer", "start", 8, bold=True),
        Text(x1, y1 + 26, "Frauen ▸", "end", 8, bold=True),
    ]
    if bands[-1][1] is None:
        c["notes"].append(chart_note(x1, y1 + 39, OPEN_BAND_NOTE, cls="note"))
    return render_chart("pyramid.svg.j2", c, area=area, references=ref_shapes, centre=centre)


def grouped_bars_svg(
    chart_id: str,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    unit: str,
) -> str:
    """Grouped horizontal bars (shares) comparing the area (first series) with references.

    Missing values get no bar but an explicit "k. A." so gaps are not read as zero.
    """
    n_cat, n_ser = len(categories), max(len(series), 1)
    styles, entries, values = [], [], []
    for j, (label, vals) in enumerate(series):
        if len(vals) != n_cat:
            raise ValueError(f"series {label!r} has {len(vals)} values, expected {n_cat}")
        fill = PALETTE["area"] if j == 0 else PALETTE["ref_fills"][(j - 1) % 4]
        stroke, width = (None, None) if j == 0 else (PALETTE["edge"], 0.4)
        styles.append((fill, stroke, width))
        entries.append((label, svg.rect_swatch(fill, stroke, width)))
        values += [float(v) for v in vals if not missing(v)]
    height = min(max(2.2, 0.9 + n_cat * (0.11 * n_ser + 0.08)) * 72, svg.MAX_HEIGHT)
    c, y0 = frame(chart_id, title, height, entries, ncols=min(len(entries), 4))
    x0 = 6 + label_width(categories) + 6
    x1, y1 = WIDTH - 8, c["h"] - 34
    lo, hi = min([0.0, *values]) * 1.08, (max([0.0, *values]) * 1.08) or 1.0
    sx = svg.Scale(lo, hi, x0, x1)
    band = (y1 - y0) / max(n_cat, 1)
    bar_h = band * 0.8 / n_ser
    xt = svg.nice_ticks(lo, hi, 8)
    xticks = list(zip([sx(v) for v in xt], svg.tick_labels(xt), strict=True))
    yticks = [(y0 + band * (i + 0.5), cat) for i, cat in enumerate(categories)]
    value_axes(c, x0, y0, x1, y1, xticks, yticks, "x", f"Anteil in {unit}", None)
    c["axes"][-1].tick_marks = svg.path(*[[(x, y1), (x, y1 + 3)] for x, _ in xticks])
    bars: list[Shape] = []
    for j, (_, vals) in enumerate(series):
        fill, stroke, width = styles[j]
        for i, v in enumerate(vals):
            y = y0 + band * (i + 0.1) + j * bar_h
            if missing(v):
                c["notes"].append(
                    chart_note(sx(0) + 2, y + bar_h / 2 + 2.2, "k. A.", "start", cls="missing")
                )
            else:
                d = svg.rect(sx(0), y + bar_h * 0.05, sx(float(v)) - sx(0), bar_h * 0.9)
                bars.append(Shape(d, fill, stroke, width, cls=f"bar s{j}"))
    return render_chart("bars.svg.j2", c, bars=bars)
