"""Charts of the projection section: the fan of the variants after the observed series."""

from __future__ import annotations

from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dwk.render.charts import (
    _BOX,
    PALETTE,
    _finish,
    _GermanFormatter,
    _new_axes,
    _note,
    _styled,
    _t,
)


@_styled
def projection_fan_svg(
    chart_id: str,
    title: str,
    observed: list[tuple[int, float]],
    years: list[int],
    main: list[float],
    low: list[float],
    high: list[float],
    labels: tuple[str, str, str],
) -> str:
    """Observed population as a grey line (pass only years on the base's census basis), then
    the main variant with the band between the low and the high variant; the base year is
    marked, so no one reads the fan as data."""
    fig, ax = _new_axes(3.3)
    handles, names = [], []
    if observed:
        xs, ys = zip(*observed, strict=True)
        handles += ax.plot(xs, ys, color=PALETTE["edge"], lw=1.6, marker="o", ms=2.5)
        names.append(f"beobachtet ab {xs[0]}")
    band = ax.fill_between(years, low, high, color=PALETTE["area"], alpha=0.18, lw=0)
    (line,) = ax.plot(years, main, color=PALETTE["area"], lw=2.2)
    handles += [line, Patch(color=band.get_facecolor()[0])]
    names += [labels[0], "Spanne der Wanderungsvarianten"]
    ax.axvline(years[0], color=PALETTE["baseline"], lw=0.8, ls=(0, (4, 3)), zorder=1)
    _note(ax, f"Basis {years[0]}", (years[0], 1), ("data", "axes fraction"), (-2, -3),
          rotation=90, **_BOX)  # fmt: skip
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{round(v):d}"))
    ax.yaxis.set_major_formatter(_GermanFormatter())
    ax.set_ylabel("Personen")
    ax.grid(axis="y", color=PALETTE["grid"], lw=0.5)
    return _finish(fig, ax, chart_id, _t(title), handles, names)
