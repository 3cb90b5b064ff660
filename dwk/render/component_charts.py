"""SVG charts of the components of population change, built on the helpers of `charts`.

Pure functions: plain Python data in, SVG text out, deterministic for the same input. Census
counts are drawn as points of their own and each census re-basing as a break in the line, so
neither reads as growth or loss; estimated migration looks different from counted migration.
"""

from __future__ import annotations

import math

from dwk.render import svg
from dwk.render.charts import (
    AREA_LINE,
    NOTE_SIZE,
    PALETTE,
    REF_LINES,
    WIDTH,
    _line_entry,
    chart_note,
    frame,
    label_width,
    render_chart,
    value_axes,
)
from dwk.render.svg import Shape, missing

ESTIMATED_LABEL = "Wanderungssaldo, geschätzt (Residualmethode)"
MIGRATION_LABEL = "Wanderungssaldo"
NATURAL_LABEL = "Natürlicher Saldo"
MISSING_LABEL = "k. A."
CENSUS_MARKERS = ("D", "*", "P", "X")
GAP_LABEL = "verbunden über Jahre ohne Werte"
GAP_WIDTH, GAP_DASH = 0.9, svg.dash((1, 3), 0.9)
CENSUS_STYLE = {"fill": "#ffffff", "stroke": PALETTE["reference_outline"], "width": 1.3,
                "size": 6.0}  # fmt: skip
ESTIMATED_FILL = "#6f8fb8"  # 3.3:1 on white, lighter than the area blue
_NATURAL = (PALETTE["ref_fills"][0], PALETTE["edge"], 0.4)
_MIGRATION = (PALETTE["area"], PALETTE["area"], 0.4)


def break_label(censuses: list[str]) -> str:
    """The legend entry of the breaks: "Zensus 2011: Bruch in der Reihe", for two censuses
    "Zensus 2011, 2022: Brüche in der Reihe" (short enough for a legend column)."""
    if len(censuses) == 1:
        return f"{censuses[0]}: Bruch in der Reihe"
    heads = {c.rsplit(" ", 1)[0] for c in censuses}
    if len(heads) == 1 and all(" " in c for c in censuses):
        names = f"{heads.pop()} {', '.join(c.rsplit(' ', 1)[1] for c in censuses)}"
    else:
        names = ", ".join(censuses)
    return f"{names}: Brüche in der Reihe"


def year_ticks(lo: float, hi: float, sx: svg.Scale, target: int = 8) -> list:
    """Whole years as plain numbers ("2015", no thousands dot)."""
    return [(sx(v), f"{round(v):d}") for v in svg.nice_ticks(lo, hi, target, (1, 2, 5, 10), True)]


def value_ticks(lo: float, hi: float, sy: svg.Scale, target: int = 8) -> list:
    ticks = svg.nice_ticks(lo, hi, target)
    return list(zip([sy(v) for v in ticks], svg.tick_labels(ticks), strict=True))


def padded(values: list[float], margin: float = 0.05) -> tuple[float, float]:
    """Data limits with matplotlib's default 5 % margins (a flat series gets ±1)."""
    lo, hi = min(values), max(values)
    pad = (hi - lo) * margin or (abs(hi) * margin or 1.0)
    return lo - pad, hi + pad


def runs(xs: list[float], ys: list[float | None]) -> list[list[tuple[float, float]]]:
    """Contiguous runs of present values: a missing value is a gap, never a zero."""
    out: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if missing(y):
            if out[-1]:
                out.append([])
        else:
            out[-1].append((x, float(y)))
    return [r for r in out if r]


def y_axis_left(labels: list[str]) -> float:
    return 16 + label_width(labels) + 6


def population_series_svg(
    chart_id: str,
    title: str,
    years: list[int],
    series: list[tuple[str, list[float | None]]],
    census_points: list[tuple],
    breaks: list[tuple[int, str]] | None = None,
    base_year: int | None = None,
) -> str:
    """Population as an index (base year = 100): the area (first series) against Land and
    Germany; census counts as unconnected markers; the line is broken at each of `breaks`
    ((first Stichtag on the new basis, census label)), and a dotted line marks each break.

    `census_points`: (label, position, value) or (label, position, value, series index); with
    the index a point takes its series' colour, so four areas' Zensus 2022 points are told
    apart. The break and the base year are said in the legend and the axis label, never in a
    box inside the plot, where they would cover the census points beside them.
    """
    for label, vals in series:
        if len(vals) != len(years):
            raise ValueError(f"series {label!r} has {len(vals)} values, expected {len(years)}")
    styles = [
        AREA_LINE if j == 0 else REF_LINES[(j - 1) % len(REF_LINES)] for j in range(len(series))
    ]
    entries = [(label, _line_entry(st)) for (label, _), st in zip(series, styles, strict=True)]
    # by date, so that a census has the same marker in every profile (a Gemeinde with no
    # count of 2011 of its own had given the Zensus 2022 the diamond of the 2011 one)
    first: dict[str, float] = {}
    for p in census_points:
        first[p[0]] = min(first.get(p[0], math.inf), float(p[1]))
    names = sorted(first, key=first.__getitem__)
    census = CENSUS_STYLE
    for i, name in enumerate(names):
        if name not in [label for label, _ in series]:
            mk = CENSUS_MARKERS[i % len(CENSUS_MARKERS)]
            entries.append(
                (
                    name,
                    svg.line_swatch(
                        census["stroke"],
                        0,
                        None,
                        mk,
                        census["size"],
                        census["fill"],
                        census["stroke"],
                        census["width"],
                        line=False,
                    ),
                )
            )
    inside = [(y, label) for y, label in breaks or () if years[0] < y <= years[-1]]
    if inside:
        entries.append(
            (
                break_label([label for _, label in inside]),
                svg.line_swatch(PALETTE["edge"], 0.9, svg.dash((1, 2), 0.9), None, 0),
            )
        )
    cuts = [0, *(years.index(y) for y, _ in inside), len(years)]
    # per series and census basis: its runs of (year, value); a gap lies between two runs
    spans = [
        [runs(years[a:b], vals[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]
        for _, vals in series
    ]
    if any(len(seg) > 1 for segs in spans for seg in segs):
        entries.append((GAP_LABEL, svg.line_swatch(PALETTE["area"], GAP_WIDTH, GAP_DASH)))
    c, y0 = frame(chart_id, title, 3.3 * 72, entries, ncols=3)
    values = [float(v) for _, vals in series for v in vals if not missing(v)]
    values += [float(p[2]) for p in census_points if not missing(p[2])] + [100.0]
    xs_all = [float(y) for y in years] + [float(p[1]) for p in census_points if not missing(p[2])]
    xlo, xhi = padded(xs_all)
    ylo, yhi = padded(values)
    yt = svg.nice_ticks(ylo, yhi, 8)
    x0 = y_axis_left(svg.tick_labels(yt))
    x1, y1 = WIDTH - 8, c["h"] - 22
    sx, sy = svg.Scale(xlo, xhi, x0, x1), svg.Scale(ylo, yhi, y1, y0)
    base = years[0] if base_year is None else base_year
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
        f"Index, {base} = 100",
    )
    pieces = []
    for segs in spans:
        scaled = [[[(sx(x), sy(v)) for x, v in run] for run in seg] for seg in segs]
        gaps = [[a[-1], b[0]] for seg in scaled for a, b in zip(seg, seg[1:], strict=False)]
        pieces.append(([run for seg in scaled for run in seg], gaps))
    lines: list[Shape] = []
    markers: list[Shape] = []
    for j, (parts, gaps) in enumerate(pieces):
        st = styles[j]
        if gaps:
            lines.append(
                Shape(svg.path(*gaps), "none", st["stroke"], GAP_WIDTH, GAP_DASH, cls=f"gap s{j}")
            )
        if parts:
            lines.append(
                Shape(
                    svg.path(*parts),
                    "none",
                    st["stroke"],
                    st["width"],
                    st.get("dash"),
                    cls=f"line s{j}",
                )
            )
        d = " ".join(svg.marker(st["marker"], x, y, st["size"]) for p in parts for x, y in p)
        if d:
            markers.append(Shape(d, st["stroke"], cls=f"marker s{j}"))
    for name, x, value, *owner in census_points:
        if not missing(value):
            mk = CENSUS_MARKERS[names.index(name) % len(CENSUS_MARKERS)]
            # the areas' points of one census side by side, a marker's width apart, not on top
            dodge = (owner[0] - (len(series) - 1) / 2) * census["size"] * 1.25 if owner else 0.0
            d = svg.marker(mk, sx(float(x)) + dodge, sy(float(value)), census["size"])
            stroke = styles[owner[0]]["stroke"] if owner else census["stroke"]
            cls = f"census s{owner[0]}" if owner else "census"
            markers.append(Shape(d, census["fill"], stroke, census["width"], cls=cls))
    guides = [
        Shape(
            svg.path([(x0, sy(100)), (x1, sy(100))]),
            "none",
            PALETTE["baseline"],
            0.8,
            cls="baseline",
        )
    ]
    for year, _ in inside:
        x = sx(year - 0.5)
        guides.append(
            Shape(
                svg.path([(x, y0), (x, y1)]),
                "none",
                PALETTE["edge"],
                0.9,
                svg.dash((1, 2), 0.9),
                cls="break",
            )
        )
    return render_chart("lines.svg.j2", c, guides=guides, lines=lines, markers=markers, patterns=[])


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
    for name, vals in (
        ("natural", natural_per_1000),
        ("migration", migration_per_1000),
        ("estimated", estimated),
    ):
        if len(vals) != n:
            raise ValueError(f"{name} has {len(vals)} values, expected {n}")
    prefix = svg.id_prefix(chart_id)
    hatch = f"url(#{prefix}-hatch)"
    estimated_style = (hatch, PALETTE["area"], 0.6)
    entries = [
        (NATURAL_LABEL, svg.rect_swatch(*_NATURAL)),
        (MIGRATION_LABEL, svg.rect_swatch(*_MIGRATION)),
    ]
    if any(estimated):
        entries.append((ESTIMATED_LABEL, svg.rect_swatch(*estimated_style)))
    c, y0 = frame(chart_id, title, 3.5 * 72, entries, ncols=2)
    values = [float(v) for v in (*natural_per_1000, *migration_per_1000) if not missing(v)]
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = (high - low) * 0.08 or 1.0
    ylo, yhi = low - pad, high + pad
    yt = svg.nice_ticks(ylo, yhi, 9)
    x0 = y_axis_left(svg.tick_labels(yt))
    x1, y1 = WIDTH - 8, c["h"] - 22
    xlo, xhi = years[0] - 0.7, years[-1] + 0.7
    sx, sy = svg.Scale(xlo, xhi, x0, x1), svg.Scale(ylo, yhi, y1, y0)
    value_axes(
        c,
        x0,
        y0,
        x1,
        y1,
        year_ticks(xlo, xhi, sx),
        value_ticks(ylo, yhi, sy, 9),
        "y",
        None,
        "je 1.000 Einwohner",
    )
    width = 0.4
    bars: list[Shape] = []
    for year, nat, mig, est in zip(
        years, natural_per_1000, migration_per_1000, estimated, strict=True
    ):
        for x, v, (kind, style) in (
            (year - width / 2, nat, ("natural", _NATURAL)),
            (
                year + width / 2,
                mig,
                ("estimated", estimated_style) if est else ("migration", _MIGRATION),
            ),
        ):
            if missing(v):
                c["notes"].append(
                    chart_note(
                        sx(x) + NOTE_SIZE * 0.35,
                        sy(0) - 2,
                        MISSING_LABEL,
                        "start",
                        rotate=True,
                        cls="missing",
                    )
                )
            else:
                left, right = sx(x - width * 0.46), sx(x + width * 0.46)
                d = svg.rect(left, sy(0), right - left, sy(float(v)) - sy(0))
                bars.append(Shape(d, style[0], style[1], style[2], cls=f"bar {kind}"))
    guides = [Shape(svg.path([(x0, sy(0)), (x1, sy(0))]), "none", PALETTE["edge"], 0.7, cls="zero")]
    patterns = [{"id": f"{prefix}-hatch", "fill": ESTIMATED_FILL, "stroke": PALETTE["area"]}]
    return render_chart(
        "components.svg.j2",
        c,
        bars=bars,
        guides=guides,
        patterns=patterns if any(estimated) else [],
    )
