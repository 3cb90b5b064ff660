"""Geometry for the SVG charts: scales, nice ticks, German numbers, text widths, path data.

Python computes every coordinate (fixed two decimals, so the output is byte-deterministic);
the markup lives in Jinja templates under ``templates/svg/`` (autoescaped, StrictUndefined).
One Environment per process. Units are points: the charts are 16 cm wide, text is 8 pt.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from dwk.core.format import format_de
from dwk.render.text_metrics import text_width

WIDTH = round(16 / 2.54 * 72, 2)  # 16 cm in pt: the A4 text column
MAX_HEIGHT = round(10 / 2.54 * 72, 2)
FONT = "DejaVu Sans, Verdana, sans-serif"


def fmt_de(value: float, decimals: int = 0, unit: str = "") -> str:
    """Chart labels: `format_de` with whole numbers by default."""
    return format_de(value, decimals, unit=unit)


def decimals_for(values: list[float], max_decimals: int = 3) -> int:
    """Fewest decimals that show all tick values exactly (all ticks share one format)."""
    for d in range(max_decimals + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return max_decimals


def tick_labels(ticks: list[float], absolute: bool = False) -> list[str]:
    """German labels with one shared number of decimals; `absolute` for mirrored axes."""
    d = decimals_for(ticks)
    return [fmt_de(abs(t) if absolute else t, d) for t in ticks]


def nice_ticks(
    lo: float,
    hi: float,
    target: int = 6,
    steps: tuple[float, ...] = (1, 2, 2.5, 5, 10),
    integer: bool = False,
) -> list[float]:
    """Round tick values inside [lo, hi], about `target` intervals (like MaxNLocator)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next((s * mag for s in steps if s * mag >= raw * (1 - 1e-9)), 10 * mag)
    if integer:
        step = max(1.0, round(step))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [_clean(i * step) for i in range(first, last + 1)]


def _clean(v: float) -> float:
    v = round(v, 10)
    return 0.0 if v == 0 else v


def missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


class Scale:
    """Linear map from data [d0, d1] to drawing [r0, r1] (r0 > r1 for upward y axes)."""

    __slots__ = ("d0", "r0", "k")

    def __init__(self, d0: float, d1: float, r0: float, r1: float) -> None:
        self.d0, self.r0 = d0, r0
        self.k = (r1 - r0) / (d1 - d0) if d1 != d0 else 0.0

    def __call__(self, v: float) -> float:
        return self.r0 + (v - self.d0) * self.k


def n2(v: float) -> str:
    """A coordinate with two fixed decimals, never "-0.00"."""
    s = f"{v:.2f}"
    return "0.00" if s == "-0.00" else s


def path(*subpaths: list[tuple[float, float]], close: bool = False) -> str:
    """Path data ``M x y L x y …`` (one M per subpath; ``Z`` closes each when `close`)."""
    out = []
    for pts in subpaths:
        if not pts:
            continue
        out.append("M" + " L".join(f"{n2(x)} {n2(y)}" for x, y in pts) + (" Z" if close else ""))
    return " ".join(out)


def rect(x: float, y: float, w: float, h: float) -> str:
    """A rectangle as path data; negative sizes are normalised."""
    if w < 0:
        x, w = x + w, -w
    if h < 0:
        y, h = y + h, -h
    return f"M{n2(x)} {n2(y)} h{n2(w)} v{n2(h)} h{n2(-w)} Z"


def marker(kind: str, x: float, y: float, size: float) -> str:
    """Path data of a marker centred on (x, y); `size` is its diameter in pt.

    Kinds: o circle, s square, ^ v triangles, D diamond, * star, P plus, X cross.
    """
    r = size / 2
    if kind == "o":
        return (
            f"M{n2(x - r)} {n2(y)} a{n2(r)} {n2(r)} 0 1 0 {n2(2 * r)} 0 "
            f"a{n2(r)} {n2(r)} 0 1 0 {n2(-2 * r)} 0 Z"
        )
    if kind == "s":
        return rect(x - r * 0.85, y - r * 0.85, 1.7 * r, 1.7 * r)
    shapes = {
        "^": [(0, -1.1), (0.95, 0.65), (-0.95, 0.65)],
        "v": [(0, 1.1), (0.95, -0.65), (-0.95, -0.65)],
        "D": [(0, -1.1), (0.8, 0), (0, 1.1), (-0.8, 0)],
        "*": [
            (
                math.sin(i * math.pi / 5) * (1.15 if i % 2 == 0 else 0.48),
                -math.cos(i * math.pi / 5) * (1.15 if i % 2 == 0 else 0.48),
            )
            for i in range(10)
        ],
    }
    if kind == "P":
        t = 0.35
        pts = [
            (t, -1),
            (t, -t),
            (1, -t),
            (1, t),
            (t, t),
            (t, 1),
            (-t, 1),
            (-t, t),
            (-1, t),
            (-1, -t),
            (-t, -t),
            (-t, -1),
        ]
    elif kind == "X":
        t = 0.3
        pts = [
            (0, -t),
            (0.75, -1),
            (1, -0.75),
            (t, 0),
            (1, 0.75),
            (0.75, 1),
            (0, t),
            (-0.75, 1),
            (-1, 0.75),
            (-t, 0),
            (-1, -0.75),
            (-0.75, -1),
        ]
    else:
        pts = shapes[kind]
    return path([(x + a * r, y + b * r) for a, b in pts], close=True)


def id_prefix(chart_id: str) -> str:
    """Safe id prefix; unsafe ids get a hash suffix so that distinct ids stay distinct."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", chart_id)
    if safe != chart_id or not safe[:1].isalpha():
        safe = f"c{safe}-{hashlib.sha256(chart_id.encode()).hexdigest()[:8]}"
    return safe


# --- what the templates draw ------------------------------------------------------------------


@dataclass(slots=True)
class Shape:
    """One `<path>`: fill/stroke as colours (or a ``url(#…)`` paint), dash in pt."""

    d: str
    fill: str = "none"
    stroke: str | None = None
    width: float | None = None
    dash: str | None = None
    opacity: float | None = None
    cls: str | None = None


@dataclass(slots=True)
class Text:
    """One `<text>` line; `rotate` turns it by -90° about its anchor; `box` gives a white
    background so it stays readable over lines."""

    x: float
    y: float
    text: str
    anchor: str = "start"
    size: float | None = None
    bold: bool = False
    fill: str | None = None
    rotate: bool = False
    box: tuple[float, float, float, float] | None = None
    cls: str | None = None

    @property
    def xs(self) -> str:
        return n2(self.x)

    @property
    def ys(self) -> str:
        return n2(self.y)


def boxed(t: Text, pad: float = 1.0) -> Text:
    """`t` with a white background box (in its own, possibly rotated, frame)."""
    size = t.size or 8.0
    w = text_width(t.text, size, t.bold)
    x0 = {"start": 0.0, "middle": -w / 2, "end": -w}[t.anchor]
    t.box = (x0 - pad, -0.8 * size - pad, w + 2 * pad, size + 2 * pad)
    return t


def dash(pattern: tuple[float, ...], lw: float) -> str:
    """A matplotlib-style dash pattern (in line widths) as ``stroke-dasharray``."""
    return " ".join(n2(v * lw) for v in pattern)


@dataclass(slots=True)
class LegendItem:
    label: str
    swatch: list[Shape]
    x: float = 0.0
    y: float = 0.0


@dataclass(slots=True)
class Legend:
    items: list[LegendItem] = field(default_factory=list)
    size: float = 7.5
    height: float = 0.0


SWATCH_W = 22.0


def legend(
    entries: list[tuple[str, Any]],
    x0: float,
    y0: float,
    width: float,
    ncols: int | None = None,
    size: float = 7.5,
    center: bool = False,
    swatch: float = SWATCH_W,
) -> Legend:
    """Place legend entries in rows from (x0, y0) (top edge). `entries`: (label, swatch
    factory ``f(x, y, w) -> list[Shape]`` drawing a w × 8 pt swatch centred on height y).
    With `ncols`, entries go into that many columns (matplotlib-like); else they flow.
    `swatch` is the swatch width in pt."""
    row_h = size * 1.55
    items: list[LegendItem] = []
    widths = [swatch + 5 + text_width(label, size) + 12 for label, _ in entries]
    rows: list[list[int]] = [[]]
    col_w: list[float] = []
    while ncols:  # column by column, as matplotlib fills a legend with several columns
        n_rows = math.ceil(len(entries) / ncols)
        cols = [list(range(c * n_rows, min((c + 1) * n_rows, len(entries)))) for c in range(ncols)]
        cols = [col for col in cols if col]
        col_w = [max(widths[i] for i in col) for col in cols]
        rows = [[col[r] for col in cols if r < len(col)] for r in range(n_rows)] or [[]]
        if ncols == 1 or sum(col_w) - 12 <= width:
            break
        # fewer columns where they do not fit ("Schmalkalden-Meiningen, Kreis" pushed
        # "Zensus 2011, 2022: Brüche in der Reihe" past the chart's edge)
        ncols -= 1
    else:
        used = 0.0
        for i, w in enumerate(widths):
            if rows[-1] and used + w > width:
                rows.append([])
                used = 0.0
            rows[-1].append(i)
            used += w
    for r, row in enumerate(rows):
        ws = col_w[: len(row)] if ncols else [widths[i] for i in row]
        x = x0 + ((width - sum(ws) + 12) / 2 if center else 0.0)
        y = y0 + r * row_h + row_h / 2
        for i, w in zip(row, ws, strict=True):
            label, factory = entries[i]
            items.append(LegendItem(label, factory(x, y, swatch), x + swatch + 5, y + size * 0.35))
            x += w
    return Legend(items, size, len(rows) * row_h if entries else 0.0)


def rect_swatch(
    fill: str, stroke: str | None = None, width: float | None = None, opacity: float | None = None
):
    def factory(x: float, y: float, w: float) -> list[Shape]:
        return [Shape(rect(x + 2, y - 3.5, w - 4, 7), fill, stroke, width, None, opacity)]

    return factory


def line_swatch(
    stroke: str,
    width: float,
    dash_array: str | None = None,
    mark: str | None = None,
    mark_size: float = 0.0,
    mark_fill: str | None = None,
    mark_stroke: str | None = None,
    mark_width: float | None = None,
    line: bool = True,
):
    def factory(x: float, y: float, w: float) -> list[Shape]:
        out = []
        if line:
            out.append(Shape(path([(x, y), (x + w, y)]), "none", stroke, width, dash_array))
        if mark:
            out.append(
                Shape(
                    marker(mark, x + w / 2, y, mark_size),
                    mark_fill or stroke,
                    mark_stroke,
                    mark_width,
                )
            )
        return out

    return factory


@dataclass(slots=True)
class Axes:
    """A plot rectangle with its ticks (already placed), grid lines and axis labels."""

    x0: float
    y0: float
    x1: float
    y1: float
    xticks: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    grid: list[str] = field(default_factory=list)  # path data of the grid lines
    texts: list[Text] = field(default_factory=list)  # axis labels, tick labels
    spines: str = ""  # path data of the left and bottom axis lines
    tick_marks: str = ""


def axes(
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    xticks: list[tuple[float, str]],
    yticks: list[tuple[float, str]],
    grid: str = "",
    size: float = 7.5,
    xlabels: bool = True,
    ylabels: bool = True,
    ytick_marks: bool = True,
) -> Axes:
    """Ticks are (position in drawing units, label); `grid` "x" or "y" draws lines at them."""
    a = Axes(x0, y0, x1, y1, xticks, yticks)
    a.spines = path([(x0, y0), (x0, y1), (x1, y1)])
    marks = [[(x, y1), (x, y1 + 3)] for x, _ in xticks]
    if ytick_marks:
        marks += [[(x0 - 3, y), (x0, y)] for y, _ in yticks]
    a.tick_marks = path(*marks)
    if grid == "x":
        a.grid = [path(*[[(x, y0), (x, y1)] for x, _ in xticks])] if xticks else []
    elif grid == "y":
        a.grid = [path(*[[(x0, y), (x1, y)] for y, _ in yticks])] if yticks else []
    if xlabels:
        a.texts += [Text(x, y1 + 4 + size, lb, "middle", size) for x, lb in xticks]
    if ylabels:
        a.texts += [Text(x0 - 5, y + size * 0.35, lb, "end", size) for y, lb in yticks]
    return a


def classes(names: str) -> str:
    """Class names with the ``dwk-`` prefix, so the page's CSS (``.note``, ``.n``, …) never
    restyles a chart's text."""
    return " ".join(f"dwk-{name}" for name in names.split())


# --- templates --------------------------------------------------------------------------------

_ENV: Any = None


def render(template: str, **context: Any) -> str:
    """Render ``templates/svg/<template>`` (the Environment is built once per process)."""
    global _ENV
    if _ENV is None:
        import jinja2

        from dwk.core import paths
        from dwk.render.template_cache import bytecode_cache

        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(paths.templates_dir() / "svg"),
            bytecode_cache=bytecode_cache(),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the templates ship with the package; no stat() per chart
        )
        _ENV.filters.update(n2=n2, classes=classes)
    return _ENV.get_template(template).render(**context).strip() + "\n"
