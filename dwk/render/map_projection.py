"""From the shipped geometry's metres to SVG points: fit a set of areas into a box, flip y,
snap to a grid, and write each area's rings as short relative paths."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dwk.render import svg
from dwk.render.charts import WIDTH
from dwk.render.map_geometry import XY, GeoArea, Geometry

__all__ = ["MapArea", "Projection", "bounds", "n1", "point_path", "short_num"]

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
        """Arc i in grid units. Snapping does not depend on the direction an arc is walked,
        so neighbours keep one border, and vertices closer than the grid merge (a Kreis's
        border is made of many short Gemeinde arcs)."""
        j = ~i if i < 0 else i
        if j not in self._arcs:
            cells: list[tuple[int, int]] = []
            for x, y in self.geo.arc(j):
                px, py = self.xy(x, y)
                c = (round(px / self.step), round(py / self.step))
                if not cells or c != cells[-1]:
                    cells.append(c)
            self._arcs[j] = cells
        return self._arcs[j][::-1] if i < 0 else self._arcs[j]

    def path(self, area: GeoArea) -> str:
        """Path data, relative after each ring's first point (the map's largest cost in bytes)."""
        out, st = [], self.step
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


def short_num(v: float) -> str:
    """A short decimal: 1.5, 2, -0.5 (grid steps are multiples of 0.5 pt)."""
    s = f"{v:.1f}".removesuffix(".0")
    return "0" if s == "-0" else s


def bounds(geo: Geometry, areas: Iterable[GeoArea], points: Iterable[XY] = ()) -> tuple:
    xs, ys = [], []
    for a in areas:
        for ring in geo.rings(a):
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    for x, y in points:
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def point_path(proj: Projection, x: float, y: float) -> str:
    return svg.marker("o", *proj.xy(x, y), POINT_SIZE)
