"""The shipped boundaries (`data/geo/vg5000-2021.json`, made by `scripts/simplify_geometry.py`)
and how a profile's key finds its place on a map.

json and numpy (no pandas, no shapely): the file stores each border once as an arc of integer
coordinates, decoded once into one array and kept in the cache folder (`_read`); an area is a list of rings, each a list of arc references (``~i`` runs arc
i backwards). Coordinates are metres in Gauß-Krüger zone 3 (EPSG:31467): at the scale of a
Kreis or of Germany a plane is good enough, so a map only scales and flips them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Literal

import numpy as np

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.heap import long_lived
from dwk.core.parse_cache import parsed_once
from dwk.core.types import under
from dwk.key_changes import read_changes

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
    """`sole`: a new key for the same territory (`KeyChange.renamed`), so the old key's values
    may colour it; else a merger, whose parts can only point at the merged area. `absorbed`:
    the successor kept its key and took the old area in (Eingliederung), so its figures
    before are its own territory's alone."""

    key: str
    date: str
    sole: bool
    absorbed: bool = False


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
    """The decoded file: areas by key, every arc's vertices in one array, the key history."""

    def __init__(self, doc: dict, successors: dict[str, Successor], path: Path) -> None:
        self.path = path
        self.attribution: str = doc["attribution"]
        self.licence: str = doc["licence"]
        self.source: str = doc["source"]
        self._grid = float(doc["grid"])
        self._origin = (float(doc["origin"][0]), float(doc["origin"][1]))
        self._xy: np.ndarray = doc["xy"]  # absolute grid coordinates, arc after arc
        self._start: np.ndarray = doc["start"]  # arc i is _xy[_start[i] : _start[i + 1]]
        self._metres: np.ndarray | None = None
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
        self._parts: dict[str, tuple[str, ...]] | None = None
        self._levels: dict[Level, tuple[list[str], list[GeoArea]]] = {}
        self._lo: np.ndarray | None = None
        self._hi: np.ndarray | None = None

    @property
    def metres(self) -> np.ndarray:
        """Every vertex in metres, one row (x, y) each, arc after arc: the same floats as
        ``origin + grid_units * grid`` in plain Python."""
        if self._metres is None:
            self._metres = np.asarray(self._origin) + self._xy * self._grid
        return self._metres

    @property
    def starts(self) -> np.ndarray:
        """Arc i is rows ``starts[i]`` to ``starts[i + 1]`` of `metres`."""
        return self._start

    def arc(self, i: int) -> np.ndarray:
        """Arc ``i`` in metres (``~i``: the same arc backwards)."""
        j = ~i if i < 0 else i
        pts = self.metres[self._start[j] : self._start[j + 1]]
        return pts[::-1] if i < 0 else pts

    def extent(self, areas: list[GeoArea]) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of every vertex of the areas, from each arc's own extent."""
        if self._lo is None:
            self._lo = np.minimum.reduceat(self.metres, self._start[:-1], axis=0)
            self._hi = np.maximum.reduceat(self.metres, self._start[:-1], axis=0)
        arcs = [~r if r < 0 else r for a in areas for refs in a.rings for r in refs]
        (x0, y0), (x1, y1) = self._lo[arcs].min(axis=0), self._hi[arcs].max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    def children(self, parent: str, level: Level) -> list[GeoArea]:
        """The areas of `level` whose key starts with `parent` ("" for all), sorted by key."""
        if level not in self._levels:  # sorting all 11,000 areas for each map cost 40 ms
            found = [a for _, a in sorted(self.areas.items()) if a.level == level]
            self._levels[level] = ([a.key for a in found], found)
        keys, found = self._levels[level]  # and filtering them 5 % of a national run
        return found[under(keys, parent)]

    def parts(self, key: str) -> tuple[str, ...]:
        """The old keys whose areas `key` took in or was formed from (not a mere new key)."""
        if self._parts is None:
            found: dict[str, list[str]] = {}
            for old, s in self.successors.items():
                if not s.sole:
                    found.setdefault(s.key, []).append(old)
            self._parts = {k: tuple(v) for k, v in found.items()}
        return self._parts.get(key, ())

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
    """Old key → its successor, from `data/key_changes.toml` as the registry reads it."""
    if not path.exists():
        return {}
    return {
        old: Successor(c.new, c.date, c.renamed, c.kind == "Eingliederung")
        for c in read_changes(path)
        if c.kind != "Teileingliederung"  # split between several: none is its successor
        for old in c.old
    }


def decode(doc: dict) -> dict:
    """The file's delta-encoded arcs as one array of absolute grid coordinates (`xy`) with
    each arc's first row (`start`); everything else as read."""
    arcs = doc.pop("arcs")
    lengths = np.fromiter((len(a) // 2 for a in arcs), dtype=np.int64, count=len(arcs))
    flat = np.fromiter(chain.from_iterable(arcs), dtype=np.int64).reshape(-1, 2)
    start = np.zeros(len(arcs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    total = np.cumsum(flat, axis=0)  # each arc's first pair is absolute, the rest deltas
    before = np.vstack([np.zeros((1, 2), dtype=np.int64), total[start[1:-1] - 1]])
    doc["xy"] = total - np.repeat(before, lengths, axis=0)
    doc["start"] = start
    return doc


def _read(path: Path) -> dict:
    """The decoded file, kept parsed in the cache folder (`parsed_once`: 5 ms instead of 50 ms
    for the JSON's half a million small lists)."""
    data = path.read_bytes()

    def parse() -> dict:
        doc = json.loads(data.decode("utf-8"))
        if doc.get("format") != "dwk-geo 1":
            raise ConfigError("Kartengrundlage hat ein unbekanntes Format", file=path)
        return decode(doc)

    return parsed_once(data, "geo", parse)


@cache
def load(path: Path | None = None) -> Geometry:
    """The shipped geometry, read once per process."""
    data = paths.data_dir()
    path = path or data / GEO_FILE
    try:
        with long_lived():  # tens of thousands of small lists, kept to the end of the process
            return Geometry(_read(path), _successors(data / "key_changes.toml"), path)
    except FileNotFoundError:
        raise ConfigError(
            "Kartengrundlage fehlt (dwk ohne data/geo installiert)", file=path
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"Kartengrundlage beschädigt: {exc.msg}", file=path, line=exc.lineno, column=exc.colno
        ) from None
