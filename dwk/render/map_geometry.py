"""The shipped boundaries (`data/geo/vg5000-2021.json`, made by `scripts/simplify_geometry.py`)
and how a profile's key finds its place on a map.

Plain Python only (json, no pandas, no shapely): the file stores each border once as an arc of
integer coordinates; an area is a list of rings, each a list of arc references (``~i`` runs arc
i backwards). Coordinates are metres in Gauß-Krüger zone 3 (EPSG:31467): at the scale of a
Kreis or of Germany a plane is good enough, so a map only scales and flips them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.heap import long_lived
from dwk.core.toml import load_toml

Level = Literal["land", "kreis", "gemeinde"]
GEO_FILE = Path("geo") / "vg5000-2021.json"
LEVEL_OF_LENGTH: dict[int, Level] = {2: "land", 5: "kreis", 8: "gemeinde"}
XY = tuple[float, float]


@dataclass(frozen=True, slots=True)
class GeoArea:
    """An outline of 01.01.2021: `bez` is the BKG kind ("Stadt", "Landkreis", …)."""

    key: str
    level: Level
    name: str
    bez: str
    rings: list[list[int]]  # arc references per ring, as stored (not copied: 0.2 s saved)


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A Gemeinde without an outline of 2021, at its Gemeindeverzeichnis centre (metres)."""

    key: str
    name: str
    x: float
    y: float
    source: str


@dataclass(frozen=True, slots=True)
class Successor:
    """`sole`: a new key for the same territory, so the old key's values may colour it; else
    a merger, whose parts can only point at the merged area."""

    key: str
    date: str
    sole: bool


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a profile's key is drawn: its own outline, a successor's outline reached through
    `data/key_changes.toml` (`via` names the change), or a point."""

    key: str
    area: GeoArea | None = None
    point: GeoPoint | None = None
    via: str | None = None
    merged_on: str | None = None  # the date of the merger, when `via` is a merged area


class Geometry:
    """The decoded file: areas by key, arcs decoded on first use, the key history."""

    def __init__(self, doc: dict, successors: dict[str, Successor], path: Path) -> None:
        self.path = path
        self.attribution: str = doc["attribution"]
        self.licence: str = doc["licence"]
        self.source: str = doc["source"]
        self._grid = float(doc["grid"])
        self._origin = (float(doc["origin"][0]), float(doc["origin"][1]))
        self._arcs_raw: list[list[int]] = doc["arcs"]
        self._arcs: dict[int, list[XY]] = {}
        self.areas: dict[str, GeoArea] = {
            key: GeoArea(key, lvl, name, bez, rings)
            for key, (lvl, name, bez, rings) in doc["areas"].items()
        }
        ox, oy, g = *self._origin, self._grid
        self.points: dict[str, GeoPoint] = {
            key: GeoPoint(key, name, ox + x * g, oy + y * g, source)
            for key, (_lvl, name, x, y, source) in doc["points"].items()
        }
        self.successors = successors
        self._levels: dict[Level, list[GeoArea]] = {}

    def arc(self, i: int) -> list[XY]:
        """Arc ``i`` in metres (``~i``: the same arc backwards)."""
        j = ~i if i < 0 else i
        pts = self._arcs.get(j)
        if pts is None:
            raw, g = self._arcs_raw[j], self._grid
            x, y = raw[0], raw[1]
            pts = [(self._origin[0] + x * g, self._origin[1] + y * g)]
            for k in range(2, len(raw), 2):
                x, y = x + raw[k], y + raw[k + 1]
                pts.append((self._origin[0] + x * g, self._origin[1] + y * g))
            self._arcs[j] = pts
        return pts[::-1] if i < 0 else pts

    def rings(self, area: GeoArea) -> list[list[XY]]:
        out = []
        for refs in area.rings:
            ring: list[XY] = []
            for r in refs:
                pts = self.arc(r)
                ring += pts[1:] if ring else pts
            out.append(ring)
        return out

    def children(self, parent: str, level: Level) -> list[GeoArea]:
        """The areas of `level` whose key starts with `parent` ("" for all), sorted by key."""
        if level not in self._levels:  # sorting all 11,000 areas for each map cost 40 ms
            self._levels[level] = [a for _, a in sorted(self.areas.items()) if a.level == level]
        return [a for a in self._levels[level] if a.key.startswith(parent)]

    def place(self, key: str, merged: bool = False) -> Placement | None:
        """The outline of `key`, else the outline of its one successor, else a point; with
        `merged`, an old key of a merger finds the merged area too."""
        if key in self.areas:
            return Placement(key, area=self.areas[key])
        new = self.successors.get(key)
        if new is not None and new.key in self.areas and (new.sole or merged):
            return Placement(
                key, area=self.areas[new.key], via=new.key, merged_on=None if new.sole else new.date
            )
        if key in self.points:
            return Placement(key, point=self.points[key])
        return None


def _successors(path: Path) -> dict[str, Successor]:
    """Old key → its successor from `data/key_changes.toml`."""
    out: dict[str, Successor] = {}
    if not path.exists():
        return out
    for change in load_toml(path).get("change", []):
        old = [str(k) for k in change.get("old", [])]
        for key in old:
            out[key] = Successor(str(change["new"]), str(change.get("date", "")), len(old) == 1)
    return out


@cache
def load(path: Path | None = None) -> Geometry:
    """The shipped geometry, read once per process (about 0.2 s)."""
    data = paths.data_dir()
    path = path or data / GEO_FILE
    try:
        with long_lived():  # half a million small lists, kept to the end of the process
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("format") != "dwk-geo 1":
                raise ConfigError("Kartengrundlage hat ein unbekanntes Format", file=path)
            return Geometry(doc, _successors(data / "key_changes.toml"), path)
    except FileNotFoundError:
        raise ConfigError(
            "Kartengrundlage fehlt (dwk ohne data/geo installiert)", file=path
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"Kartengrundlage beschädigt: {exc.msg}", file=path, line=exc.lineno, column=exc.colno
        ) from None
