"""How values become a map's fills: classes, the keys without an outline of their own (a new
key, a merger, a point), and the legend; with the map's colours and its names for areas.
`maps` assembles the maps from these."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dwk.render.charts import PALETTE
from dwk.render.map_classes import NO_DATA, class_breaks, class_colours, class_labels, class_of
from dwk.render.map_figure import LegendEntry
from dwk.render.map_geometry import GeoArea, Geometry, Level, Placement
from dwk.render.map_projection import MapArea, Projection, point_path
from dwk.render.svg import fmt_de, missing

__all__ = ["MAP_PALETTE", "area_name", "colour_areas", "display_name"]

MAP_PALETTE = {
    "area": PALETTE["area"],
    "context": "#d4d4d4",
    "plain": "#dcdcdc",
    "border": "#ffffff",
    "outline": "#404040",
    "highlight": "#1a1a1a",
    "nodata": "#f2f2f2",
    "hatch": "#8c8c8c",
    "free": "#e6e6e6",
}
_FREE = "Gemeindefreies Gebiet"  # VG5000's BEZ of forests, lakes and training grounds
_FREE_LABEL = "gemeindefreies Gebiet ohne Angaben"

_LENGTH = {"land": 2, "kreis": 5, "gemeinde": 8}


def display_name(area: GeoArea) -> str:
    """The name as a reader knows it: "Kreis Düren", "Landkreis Emsland", "Düren"; a name
    that says its kind itself stays as it is ("Rhein-Kreis Neuss", "Hochtaunuskreis",
    "Städteregion Aachen", "Regionalverband Saarbrücken")."""
    words = re.split(r"[ -]", area.name.lower())
    if (
        area.level == "kreis"
        and area.bez in ("Kreis", "Landkreis")
        and not any(w.endswith(("kreis", "region", "verband")) for w in words)
    ):
        return f"{area.bez} {area.name}"
    return area.name


def area_name(key: str, geo: Geometry, names: Mapping[str, str] | None) -> str:
    """The caller's name for `key`, else its outline's, else its point's, else the key."""
    if names and key in names:
        return names[key]
    place = geo.place(key)
    if place and place.area is not None and place.via is None:
        return display_name(place.area)
    if place and place.point is not None:
        return place.point.name.split(",")[0]
    if key in geo.points:  # absorbed by a neighbour: drawn as its territory, named as itself
        return geo.points[key].name.split(",")[0]
    return key


def _absorbed(
    geo: Geometry,
    by_shape: Mapping[str, tuple[str, float | None]],
    values: Mapping[str, float | None],
    taken_in: Mapping[frozenset[str], float],
) -> dict[str, tuple[float, list[str]]]:
    """Outline key → the value of its territory and the Gemeinden it took in, where those have
    no outline of their own and `taken_in` has the value of it and them together."""
    parts: dict[str, list[str]] = {}
    for key in values:
        s = geo.successors.get(key)
        if key not in by_shape and s and s.absorbed and s.key in by_shape:
            parts.setdefault(s.key, [s.key]).append(key)
    return {
        key: (taken_in[whole], keys[1:])
        for key, keys in parts.items()
        if (whole := frozenset(keys)) in taken_in
    }


def colour_areas(
    geo: Geometry,
    proj: Projection,
    k: dict,
    shapes: list[GeoArea],
    values: Mapping[str, float | None],
    decimals: int,
    unit: str,
    n_classes: int,
    names: Mapping[str, str] | None,
    prefix: str,
    level: Level,
    taken_in: Mapping[frozenset[str], float] | None = None,
) -> list[LegendEntry]:
    """Fill `shapes` by the class of their value; a key without a shape of its own lends its
    value to its new key's outline, is shown by the outline of the merger it joined where that
    has a value, or by the outline of the Gemeinde that took it in where `taken_in` has the
    value of their territory together, or goes to a point. Returns the legend entries."""
    by_shape: dict[str, tuple[str, float | None]] = {
        a.key: (a.key, values.get(a.key)) for a in shapes
    }
    absorbed = _absorbed(geo, by_shape, values, taken_in or {})
    with_parts = {}  # the hover text's name of a territory with those taken in
    for key, (v, parts) in absorbed.items():
        by_shape[key] = (key, v)
        taken = [area_name(o, geo, names) for o in sorted(parts)]
        listed = " und ".join([", ".join(taken[:-1]), taken[-1]] if len(taken) > 1 else taken)
        with_parts[key] = f"{area_name(key, geo, names)} (mit {listed})"
    points: list[tuple[str, Placement]] = []
    lost: list[str] = []
    inside: list[str] = []  # parts of a merger whose merged outline has its own value
    within: list[str] = []  # taken in by a Gemeinde whose outline has their value together
    for key in sorted(values):
        if key in by_shape or not key.startswith(prefix) or len(key) != _LENGTH[level]:
            continue
        place, s = geo.place(key), geo.successors.get(key)
        if s and s.absorbed and s.key in absorbed:
            within.append(key)
            continue
        merger = s.key if s and not (s.sole or s.absorbed) else None  # the area it formed
        if place and place.area and place.via in by_shape and missing(by_shape[place.via][1]):
            by_shape[place.via] = (key, values[key])
        elif merger in by_shape and not missing(by_shape[merger][1]):
            inside.append(key)  # the merged area's value is theirs together
        elif (parts := geo.parts(key)) and all(o in by_shape for o in parts):
            continue  # merged after 2021: its parts are drawn, each with its own value
        elif place and place.point:
            points.append((key, place))
        elif not missing(values[key]):  # without a value either, it did not exist then
            lost.append(key)
    present = [v for _, v in by_shape.values() if not missing(v)]
    present += [values[key] for key, _ in points if not missing(values[key])]
    breaks = class_breaks(present, n_classes, decimals)
    labels = class_labels(breaks, decimals, unit, present)
    colours = class_colours(len(labels))
    nodata = f"url(#{k['id']}-keine-daten)"

    # a gemeindefreies Gebiet without figures is mostly uninhabited: not "keine Daten"
    free = {a.key for a in shapes if a.bez == _FREE and missing(by_shape[a.key][1])}

    def fill_hover(key: str, v: float | None) -> tuple[str, str]:
        if key in free:
            fill, text = MAP_PALETTE["free"], _FREE_LABEL
        elif missing(v):
            fill, text = nodata, NO_DATA
        else:
            fill, text = colours[class_of(v, breaks, decimals)], fmt_de(v, decimals, unit)
        return fill, f"{with_parts.get(key) or area_name(key, geo, names)}: {text}"

    for a in shapes:
        key, v = by_shape[a.key]
        k["areas"].append(MapArea(key, proj.path(a), *fill_hover(key, v)))
    for key, place in points:
        fill, hover = fill_hover(key, values[key])
        k["point_sources"].add(place.point.source)
        k["points"].append(
            MapArea(
                key,
                point_path(proj, place.point.x, place.point.y),
                fill,
                f"{hover} (Lage laut {place.point.source})",
            )
        )
    if points:
        k["notes"].append(
            f"Punkte: {len(points)} Gemeinde(n) ohne Umriss von 2021, an ihrer Lage "
            "laut Gemeindeverzeichnis."
        )
    if inside:
        k["notes"].append(
            f"{len(inside)} {'Gemeinden' if level == 'gemeinde' else 'Kreise'}, die sich bis "
            "2021 zusammengeschlossen haben, zeigt der "
            "Umriss ihres Zusammenschlusses, mit dem Wert ihres gemeinsamen Gebiets."
        )
    if within:
        one = len(within) == 1
        k["notes"].append(
            f"{len(within)} {'Gemeinde, die' if one else 'Gemeinden, die'} bis 2021 "
            f"eingegliedert {'wurde' if one else 'wurden'}, zeigt der Umriss der "
            f"{'' if one else 'jeweils '}aufnehmenden Gemeinde, mit dem Wert des gemeinsamen "
            "Gebiets."
        )
    if lost:
        more = f" und {len(lost) - 12} weitere" if len(lost) > 12 else ""
        named = [
            key if (n := area_name(key, geo, names)) == key else f"{n} ({key})" for key in lost
        ]
        k["notes"].append(
            f"Ohne Umriss von 2021 und ohne Lage nicht gezeigt: {', '.join(named[:12])}{more}."
        )
    used = {class_of(v, breaks, decimals) for v in present}
    entries = [
        LegendEntry(
            f"{lb} ({sum(1 for v in present if class_of(v, breaks, decimals) == i)})",
            c,
            MAP_PALETTE["outline"],
            0.5,
        )
        for i, (lb, c) in enumerate(zip(labels, colours, strict=True))
        if i in used or breaks
    ]
    if free:
        entries.append(
            LegendEntry(
                f"{_FREE_LABEL} ({len(free)})", MAP_PALETTE["free"], MAP_PALETTE["outline"], 0.5
            )
        )
    n_missing = sum(1 for _, v in by_shape.values() if missing(v)) - len(free)
    n_missing += sum(1 for key, _ in points if missing(values[key]))
    if n_missing or not present:
        entries.append(
            LegendEntry(
                f"{NO_DATA} ({n_missing})",
                MAP_PALETTE["nodata"],
                MAP_PALETTE["outline"],
                0.5,
                MAP_PALETTE["hatch"],
            )
        )
    return entries
