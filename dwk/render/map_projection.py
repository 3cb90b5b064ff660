"""From the shipped geometry's metres to SVG points: fit a set of areas into a box, flip y,
snap to a grid, and write each area's rings as short relative paths."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

from dwk.render import svg
from dwk.render.charts import WIDTH
from dwk.render.map_geometry import XY, GeoArea, Geometry

__all__ = ["MIN_STEP", "MapArea", "Projection", "bounds", "n1", "point_path", "short_num"]

MIN_STEP = 0.5  # pt: the grid that vertices snap to (Germany: 1 pt)
POINT_SIZE = 6.0


def n1(v: float) -> str:
    s = f"{v:.1f}"
    return "0.0" if s == "-0.0" else s


@dataclass(slots=True)
class MapArea:
    """One area's `<path>`: `key` is the profile's key (`data-ags`), `hover` its `<title>`."""

    key: str
    d: str
    fill: str
    hover: str
    cls: str | None = None


class Projection:
    """Metres → pt: fit the bounds into a box, flip y, snap to a grid of `step` pt."""

    def __init__(
        self,
        geo: Geometry,
        bounds: tuple[float, float, float, float],
        max_w: float,
        max_h: float,
        top: float,
        step: float = MIN_STEP,
    ) -> None:
        x0, y0, x1, y1 = bounds
        self.k = min(max_w / max(x1 - x0, 1.0), max_h / max(y1 - y0, 1.0))
        self.w, self.h = (x1 - x0) * self.k, (y1 - y0) * self.k
        self.left = (WIDTH - self.w) / 2
        self.x0, self.y1, self.top, self.geo, self.step = x0, y1, top, geo, step
        self._arcs: dict[int, list[tuple[int, int]]] = {}

    def xy(self, x: float, y: float) -> XY:
        return self.left + (x - self.x0) * self.k, self.top + (self.y1 - y) * self.k

    def _arc(self, i: int) -> list[tuple[int, int]]:
        """Arc i in grid units (snapped by `_snap` first)."""
        j = ~i if i < 0 else i
        return self._arcs[j][::-1] if i < 0 else self._arcs[j]

    def _snap(self, area: GeoArea) -> None:
        """The area's arcs not snapped yet, all at once. Snapping does not depend on the
        direction an arc is walked, so neighbours keep one border, and vertices closer than
        the grid merge (a Kreis's border is made of many short Gemeinde arcs). numpy does what
        `xy` and `round` (half to even, as `np.rint`) do per vertex, with the same floats; a
        vertex in the cell of the one before it in its arc is dropped. Arc by arc in Python,
        a Land's Kreise (3,900 arcs) took 60 ms."""
        js = sorted({~r if r < 0 else r for refs in area.rings for r in refs} - self._arcs.keys())
        if not js:
            return
        starts = self.geo.starts
        first = starts[js]
        lengths = starts[np.asarray(js) + 1] - first
        offsets = np.cumsum(lengths) - lengths  # where each arc begins in the batch
        rows = np.repeat(first - offsets, lengths) + np.arange(int(lengths.sum()))
        m = self.geo.metres[rows]
        cx = np.rint((self.left + (m[:, 0] - self.x0) * self.k) / self.step).astype(np.int64)
        cy = np.rint((self.top + (self.y1 - m[:, 1]) * self.k) / self.step).astype(np.int64)
        keep = np.ones(len(cx), dtype=bool)
        keep[1:] = (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1])
        keep[offsets] = True
        bounds = np.concatenate([[0], np.cumsum(keep)])[np.append(offsets, len(keep))].tolist()
        cells = list(zip(cx[keep].tolist(), cy[keep].tolist(), strict=True))
        for n, j in enumerate(js):
            self._arcs[j] = cells[bounds[n] : bounds[n + 1]]

    def path(self, area: GeoArea) -> str:
        """Path data, relative after each ring's first point (the map's largest cost in bytes)."""
        out, st = [], self.step
        self._snap(area)
        for refs in area.rings:
            ring: list[tuple[int, int]] = []
            for r in refs:
                cells = self._arc(r)
                ring += cells[1:] if ring and ring[-1] == cells[0] else cells
            if ring and ring[0] == ring[-1]:
                ring.pop()
            if len(ring) < 3:
                continue
            (x, y), moves = ring[0], []
            for (ax, ay), (bx, by) in zip(ring, ring[1:], strict=False):
                moves.append(f"{short_num((bx - ax) * st)} {short_num((by - ay) * st)}")
            out.append(f"M{n1(x * st)} {n1(y * st)}l" + " ".join(moves) + "z")
        return "".join(out)


@cache
def short_num(v: float) -> str:
    """A short decimal: 1.5, 2, -0.5 (grid steps are multiples of 0.5 pt)."""
    s = f"{v:.1f}".removesuffix(".0")
    return "0" if s == "-0" else s


def bounds(geo: Geometry, areas: Iterable[GeoArea], points: Iterable[XY] = ()) -> tuple:
    inf, areas = float("inf"), list(areas)
    x0, y0, x1, y1 = geo.extent(areas) if areas else (inf, inf, -inf, -inf)
    for x, y in points:
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    return x0, y0, x1, y1


def point_path(proj: Projection, x: float, y: float) -> str:
    return svg.marker("o", *proj.xy(x, y), POINT_SIZE)
