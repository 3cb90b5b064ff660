"""SVG charts for municipal demographic profiles, inlined into self-contained HTML reports.

Pure functions: plain Python data in, SVG text out. Everything goes through an explicit
``matplotlib.figure.Figure`` (no pyplot) and the SVG is post-processed so that several charts
can share one HTML page: unique ids, no XML prolog, responsive width, ``<title>`` first.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter

Band = tuple[int, int | None]  # age_from inclusive, age_to exclusive; None = open top band

# The area is a strong blue; references are greys/muted tones with clearly different
# lightness (and, for lines, different dashes/markers) so they survive greyscale printing.
PALETTE: dict[str, Any] = {
    "area": "#1764ab",
    "reference_outline": "#1a1a1a",
    "ref_fills": ("#8c8c8c", "#bdbdbd", "#e3e3e3", "#b08a5a"),
    "ref_lines": (  # (colour, dash pattern, marker)
        ("#4d4d4d", (0, (5, 2)), "s"),
        ("#8a8a8a", (0, (1.2, 1.5)), "^"),
        ("#a0734a", (0, (6, 2, 1.2, 2)), "D"),
        ("#b3b3b3", (0, (2, 2)), "v"),
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

_RC = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
}
_SMALL = {"fontsize": 6.5, "color": PALETTE["muted_text"], "textcoords": "offset points"}
_BOX = {"bbox": {"fc": "white", "ec": "none", "pad": 0.5, "alpha": 0.85}, "zorder": 5}
_LEGEND = {"loc": "lower left", "bbox_to_anchor": (0, 1.01), "frameon": False, "borderaxespad": 0}
_AREA_LINE = {"color": PALETTE["area"], "lw": 2.2, "marker": "o", "ms": 3.5, "zorder": 4}
_REF_FILLS = PALETTE["ref_fills"]
_REF_LINES = [
    {"color": c, "ls": ls, "marker": mk, "lw": 1.3, "ms": 2.8, "zorder": 3}
    for c, ls, mk in PALETTE["ref_lines"]
]


def _fmt_de(value: float, decimals: int = 0, unit: str = "") -> str:
    """German number format: ``1234.5 -> "1.234,5"``; optional unit after a space."""
    text = f"{abs(value):,.{decimals}f}".translate(str.maketrans(",.", ".,"))
    sign = "\u2212" if value < 0 and round(abs(value), decimals) != 0 else ""
    return f"{sign}{text} {unit}" if unit else f"{sign}{text}"


def _decimals_for(values: list[float], max_decimals: int = 3) -> int:
    """Fewest decimals that show all tick values exactly (all ticks share one format)."""
    for d in range(max_decimals + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return max_decimals


class _GermanFormatter(Formatter):
    """Tick formatter with decimal comma; ``absolute`` for the mirrored pyramid axis."""

    def __init__(self, absolute: bool = False) -> None:
        self.absolute = absolute
        self.decimals: int | None = None

    def set_locs(self, locs: Any) -> None:
        self.decimals = _decimals_for(list(locs)) if len(locs) else None
        super().set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        decimals = _decimals_for([x]) if self.decimals is None else self.decimals
        return _fmt_de(abs(x) if self.absolute else x, decimals)


def _t(text: str) -> str:
    """Escape ``$`` so caller labels are never parsed as mathtext."""
    return text.replace("$", r"\$")


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _note(ax: Any, text: str, xy: tuple, coords: Any, offset: tuple, **kw: Any) -> None:
    """Small muted annotation, offset in points from ``xy``."""
    kw = {"ha": "right", "va": "top", **_SMALL, **kw}
    ax.annotate(text, xy, xycoords=coords, xytext=offset, **kw)


def _id_prefix(chart_id: str) -> str:
    """Safe id prefix; unsafe ids get a hash suffix so that distinct ids stay distinct."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", chart_id)
    if safe != chart_id or not safe[:1].isalpha():
        safe = f"c{safe}-{hashlib.sha256(chart_id.encode()).hexdigest()[:8]}"
    return safe


def _styled(func: Callable[..., str]) -> Callable[..., str]:
    """Run the whole chart in rc_context: fonts are read when artists are created.

    rcParams are process-global, so charts must not be rendered from several threads at once.
    """

    @wraps(func)
    def wrapper(chart_id: str, *args: Any, **kwargs: Any) -> str:
        with mpl.rc_context():
            mpl.rcdefaults()  # independent of the caller's rcParams/style
            mpl.rcParams.update({**_RC, "svg.hashsalt": chart_id})
            return func(chart_id, *args, **kwargs)

    return wrapper


def _new_axes(height_in: float) -> tuple[Figure, Any]:
    fig = Figure(figsize=(WIDTH_IN, min(height_in, MAX_HEIGHT_IN)), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04)
    return fig, fig.add_subplot()


def _finish(fig: Figure, ax: Any, chart_id: str, title: str, handles: list, labels: list) -> str:
    """Title top left, legend in one row between title and plot; then render to SVG."""
    fig.suptitle(_t(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    if handles:
        labels = [_t(lb) for lb in labels]
        ax.legend(handles, labels, ncols=min(len(handles), 4), handlelength=2.6, **_LEGEND)
    return _to_svg(fig, chart_id, title)


def _to_svg(fig: Figure, chart_id: str, title: str) -> str:
    """Render deterministically and make the SVG inline-able (ids, size, title)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.DOTALL)
    prefix = _id_prefix(chart_id)
    ids = set(re.findall(r'<[a-zA-Z][^<>]*?\sid="([^"]*)"', svg))
    svg = re.sub(r'(<[a-zA-Z][^<>]*?\sid=")([^"]*)"', rf'\g<1>{prefix}-\g<2>"', svg)

    def ref(m: re.Match[str]) -> str:
        return f"{m[1]}{prefix}-{m[2]}{m[3]}" if m[2] in ids else m[0]

    svg = re.sub(r"(url\(#)([^)]+)(\))", ref, svg)
    svg = re.sub(r'(xlink:href="#)([^"]+)(")', ref, svg)
    end = svg.index(">") + 1
    root = re.sub(r'\swidth="[^"]*"\s+height="[^"]*"', ' width="100%"', svg[:end], count=1)
    root = root[:-1] + f' id="{prefix}" role="img" aria-labelledby="{prefix}-title">'
    title_el = f'\n <title id="{prefix}-title">{html.escape(title, quote=False)}</title>'
    return root + title_el + svg[end:]


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


@_styled
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
    fig, ax = _new_axes(MAX_HEIGHT_IN)
    for shares, sign in ((m, -1.0), (f, 1.0)):  # one step polygon per side = edge-less bars
        ax.fill(*_outline(bands, shares, sign), color=PALETTE["area"], lw=0)
    handles: list = [Patch(color=PALETTE["area"])]
    labels = [area_label]
    xmax = max([*m, *f, 0.0])
    ref_total = sum(reference_male or []) + sum(reference_female or [])
    ref_style = {"color": PALETTE["reference_outline"], "lw": 1.1}
    for ref, sign in ((reference_male, -1.0), (reference_female, 1.0)):
        if ref is not None:
            shares = _per_year_shares(bands, ref, ref_total)
            xmax = max(xmax, *shares)
            ax.plot(*_outline(bands, shares, sign), **ref_style)
    if reference_male is not None or reference_female is not None:
        handles.append(Line2D([], [], **ref_style))
        labels.append(reference_label or "Vergleichsgebiet")
    xmax = xmax * 1.08 or 1.0
    ax.set_xlim(-xmax, xmax)
    bottom, top = bands[0][0], bands[-1][0] + _widths(bands)[-1]
    ax.set_ylim(bottom, top)
    last_tick = bands[-1][0] if bands[-1][1] is None else top
    ax.set_yticks(range(bottom - bottom % 10, last_tick + 1, 10))
    ax.xaxis.set_major_formatter(_GermanFormatter(absolute=True))
    ax.axvline(0, color=PALETTE["edge"], lw=0.6)
    ax.grid(axis="x", color=PALETTE["grid"], lw=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel("% der Bevölkerung je Altersjahr")
    ax.set_ylabel("Alter")
    for x, ha, text in ((0, "left", "◂ Männer"), (1, "right", "Frauen ▸")):  # x-label row
        _note(
            ax, text, (x, 0), "axes fraction", (0, -20), ha=ha, fontsize=8, color="k", weight="bold"
        )
    if bands[-1][1] is None:
        _note(ax, OPEN_BAND_NOTE, (1, 0), "axes fraction", (0, -33))
    return _finish(fig, ax, chart_id, title, handles, labels)


@_styled
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
    fig, ax = _new_axes(max(2.2, 0.9 + n_cat * (0.11 * n_ser + 0.08)))
    bar_h = 0.8 / n_ser
    handles, labels, values = [], [], []
    for j, (label, vals) in enumerate(series):
        if len(vals) != n_cat:
            raise ValueError(f"series {label!r} has {len(vals)} values, expected {n_cat}")
        fill = PALETTE["area"] if j == 0 else _REF_FILLS[(j - 1) % len(_REF_FILLS)]
        style = {"facecolor": fill, "edgecolor": PALETTE["edge"], "linewidth": 0.4 * (j > 0)}
        ys = [i - 0.4 + (j + 0.5) * bar_h for i in range(n_cat)]
        present = [(y, v) for y, v in zip(ys, vals, strict=True) if not _missing(v)]
        if present:
            ax.barh([y for y, _ in present], [v for _, v in present], height=bar_h * 0.9, **style)
        for y, v in zip(ys, vals, strict=True):
            if _missing(v):
                _note(ax, "k. A.", (0, y), "data", (2, 0), ha="left", va="center")
        values += [v for _, v in present]
        handles.append(Patch(**style))
        labels.append(label)
    ax.set_yticks(range(n_cat), [_t(c) for c in categories])
    ax.set_ylim(n_cat - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(min([0.0, *values]) * 1.08, (max([0.0, *values]) * 1.08) or 1.0)
    ax.xaxis.set_major_formatter(_GermanFormatter())
    ax.grid(axis="x", color=PALETTE["grid"], lw=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel(_t(f"Anteil in {unit}"))
    return _finish(fig, ax, chart_id, title, handles, labels)
