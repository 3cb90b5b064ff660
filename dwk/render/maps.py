"""Inline SVG maps from the BKG VG5000 outlines: an area within its Kreis or Land, a Kreis's
Gemeinden coloured by an indicator, and all Kreise for the national index.

Pure functions: keys and plain numbers in, a `MapFigure` out (no pandas, no network). Python
computes every coordinate (one decimal, areas in key order, so the same input gives the same
bytes); the markup lives in ``templates/svg/*map*.svg.j2`` like the charts'. The map itself is
``<svg class="karte">`` with a ``<title>`` and one ``<path data-ags="…">`` per area with a
``<title>`` for hover, and no other text: it shrinks to a phone's width, while its title,
legend, notes and the BKG attribution (which dl-de/by-2-0 requires next to the map) come as
text for the page to set (``templates/html/map_figure.html.j2``), where they wrap and stay
readable. Keys that have no outline of 01.01.2021 are drawn through `data/key_changes.toml`
(a new key for the same territory) or as a point at their Gemeindeverzeichnis centre; how
values become fills and a legend is `map_colouring`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup

from dwk.core.errors import UnknownAreaError
from dwk.render import svg
from dwk.render.charts import WIDTH
from dwk.render.map_colouring import MAP_PALETTE, area_name, colour_areas, display_name
from dwk.render.map_figure import LegendEntry, MapFigure
from dwk.render.map_geometry import GeoArea, Geometry, Level, Placement, load
from dwk.render.map_projection import MIN_STEP, MapArea, Projection, bounds, point_path
from dwk.render.svg import Shape

__all__ = [
    "MAP_PALETTE",
    "LegendEntry",
    "MapFigure",
    "area_map",
    "choropleth",
    "display_name",
    "germany_kreise",
]

_MARGIN = 4.0  # pt around the areas drawn


def _in(parent: str) -> str:
    """ "im Kreis Düren", "im Kyffhäuserkreis", "in der Region Hannover", but "in
    Nordrhein-Westfalen"."""
    first = parent.split()[0].lower()
    if first.endswith("region"):  # Region, Städteregion
        return "in der"
    return "im" if first.endswith(("kreis", "verband")) else "in"


# --- assembling a map -------------------------------------------------------------------------


def _frame(map_id: str, title: str, proj: Projection) -> dict:
    return {
        "id": svg.id_prefix(map_id),
        "title": title,
        "palette": MAP_PALETTE,
        "areas": [],
        "outlines": [],
        "overlays": [],
        "points": [],
        "point_sources": set(),
        "notes": [],
        "x": proj.left - _MARGIN,
        "w": proj.w + 2 * _MARGIN,
        "h": proj.top + proj.h + _MARGIN,
    }


def _chronological(day: str) -> list[str]:
    return day.split(".")[::-1]


def _finish(
    template: str,
    k: dict,
    entries: list[LegendEntry],
    geo: Geometry,
    legend_title: str | None = None,
) -> MapFigure:
    """The SVG of the areas, cut to them, and the text that goes with it."""
    stands = sorted({s.removeprefix("GV ") for s in k["point_sources"]}, key=_chronological)
    return MapFigure(
        k["id"],
        k["title"],
        Markup(svg.render(template, k=k)),  # rendered with autoescape from the SVG templates
        legend_title,
        tuple(entries),
        tuple(k["notes"]),
        geo.attribution,
        tuple(stands),
    )


def _projection(
    geo: Geometry, extent: tuple, max_height: float, step: float = MIN_STEP
) -> Projection:
    """At most the column's width and `max_height` high, with the margin around."""
    return Projection(geo, extent, WIDTH - 2 * _MARGIN, max_height, _MARGIN, step)


def _context(geo: Geometry, key: str) -> tuple[str, Level, GeoArea | None]:
    """The area a map shows around `key`: (prefix, level of the siblings, outline drawn)."""
    chain: list[tuple[str, Level]] = []
    if len(key) == 8:
        chain.append((key[:5], "gemeinde"))
    if len(key) >= 5:
        chain.append((key[:2], "kreis"))
    chain.append(("", "land"))
    for prefix, level in chain:
        if len(geo.children(prefix, level)) > 1:
            return prefix, level, geo.areas.get(prefix)
    return "", "land", None


class _Setting(NamedTuple):
    """What an `area_map` of a key draws."""

    geo: Geometry
    place: Placement | None  # the key's
    target: GeoArea | None  # its outline of 2021, if it has one
    level: Level  # the siblings'
    outline: GeoArea | None  # the Kreis or Land drawn around them
    siblings: tuple[GeoArea, ...]
    proj: Projection


@lru_cache(maxsize=8)
def _setting(key: str, max_height: float) -> _Setting:
    geo = load()
    place = geo.place(key, merged=True)
    if place is None and key[:5] not in geo.areas:
        raise UnknownAreaError(f"keine Kartengrundlage für den Schlüssel {key}")
    target = place.area if place and place.area else None
    prefix, level, outline = _context(geo, target.key if target else key)
    siblings = geo.children(prefix, level)
    if target is not None and target.level != level:  # a kreisfreie Stadt among the Kreise
        siblings = [a for a in siblings if a.key != target.key[: len(a.key)]] + [target]
    pts = [(place.point.x, place.point.y)] if place and place.point else []
    proj = _projection(geo, bounds(geo, siblings + ([outline] if outline else []), pts), max_height)
    return _Setting(geo, place, target, level, outline, tuple(siblings), proj)


def area_map(
    key: str,
    *,
    map_id: str | None = None,
    title: str | None = None,
    names: Mapping[str, str] | None = None,
    max_height: float = 300.0,
) -> MapFigure:
    """The area `key` (Gemeinde, Kreis or Land; 8, 5 or 2 digits) highlighted among the
    Gemeinden of its Kreis, the Kreise of its Land or the Länder; a kreisfreie Stadt or a
    Stadtstaat is shown one level up, where it has neighbours."""
    geo, place, target, level, outline, siblings, proj = _setting(key, max_height)
    name = area_name(key, geo, names)
    # in a sentence "im Landkreis Emsland", not the table's "in Emsland, Landkreis"
    parent = display_name(outline) if outline else "Deutschland"
    k = _frame(map_id or f"karte-{key}", title or f"Lage: {name} {_in(parent)} {parent}", proj)
    for a in sorted(siblings, key=lambda a: a.key):
        mine = target is not None and a.key == target.key
        shown = key if mine else a.key
        hover = area_name(shown, geo, names)
        if mine and place.via:
            hover += f" (Gebiet von 2021: {display_name(a)}, {a.key})"
        k["areas"].append(
            MapArea(
                shown,
                proj.path(a),
                MAP_PALETTE["area"] if mine else MAP_PALETTE["context"],
                hover,
                "gebiet" if mine else None,
            )
        )
        if mine:
            k["overlays"].append(Shape(k["areas"][-1].d, "none", MAP_PALETTE["highlight"], 1.2))
    if outline is not None:
        k["outlines"].append(Shape(proj.path(outline), "none", MAP_PALETTE["outline"], 0.9))
    if place and place.point:
        k["point_sources"].add(place.point.source)
        k["points"].append(
            MapArea(
                key,
                point_path(proj, place.point.x, place.point.y),
                MAP_PALETTE["area"],
                f"{name} (Lage laut {place.point.source})",
            )
        )
        k["notes"].append(
            f"{name} hat keinen Umriss von 2021 (Gebietsänderung); der Punkt zeigt "
            f"die Lage laut {place.point.source}."
        )
    elif place and place.merged_on:
        day = ".".join(reversed(place.merged_on.split("-")))
        whole = f"von {display_name(place.area)}"
        if display_name(place.area) == name:  # Greußen 16065023 in the Greußen of 2021
            whole = f"der damals gebildeten Gemeinde {name} ({place.area.key})"
        k["notes"].append(
            f"{name} ist seit dem {day} Teil {whole}; hervorgehoben ist dieses Gebiet."
        )
    elif place is None:
        k["notes"].append(
            f"Für {name} ({key}) gibt es weder einen Umriss von 2021 noch eine "
            "Lage im Gemeindeverzeichnis; gezeigt ist der Kreis."
        )
    others = {"gemeinde": "übrige Gemeinden", "kreis": "übrige Kreise", "land": "übrige Länder"}
    entries = [
        LegendEntry(name, MAP_PALETTE["area"], MAP_PALETTE["highlight"], 0.8),
        LegendEntry(others[level], MAP_PALETTE["context"], MAP_PALETTE["outline"], 0.5),
    ]
    return _finish("area_map.svg.j2", k, entries, geo)


def choropleth(
    kreis_key: str,
    values: Mapping[str, float | None],
    indicator_label: str,
    *,
    unit: str = "",
    decimals: int = 1,
    classes: int = 5,
    map_id: str | None = None,
    title: str | None = None,
    names: Mapping[str, str] | None = None,
    max_height: float = 300.0,
    taken_in: Mapping[frozenset[str], float] | None = None,
) -> MapFigure:
    """The Gemeinden of Kreis `kreis_key` coloured by `values` (Gemeinde key → value; None or
    NaN = keine Daten) in up to `classes` quantile classes, with a German legend; `taken_in`:
    the values of territories after an Eingliederung (`colour_areas`)."""
    geo = load()
    kreis = geo.areas.get(kreis_key)
    if kreis is None and (p := geo.place(kreis_key)) and p.area:
        kreis = p.area
    if kreis is None or kreis.level != "kreis":
        raise UnknownAreaError(f"keine Kartengrundlage für den Kreis {kreis_key}")
    shapes = geo.children(kreis.key, "gemeinde")
    point_xy = [
        (p.point.x, p.point.y)
        for key in values
        if key.startswith(kreis.key) and (p := geo.place(key)) and p.point
    ]
    proj = _projection(geo, bounds(geo, [kreis], point_xy), max_height)
    name = display_name(kreis) if kreis.key == kreis_key else area_name(kreis_key, geo, names)
    k = _frame(
        map_id or f"karte-{kreis_key}-{indicator_label}",
        title or f"{indicator_label}: Gemeinden {_in(name)} {name}",
        proj,
    )
    entries = colour_areas(
        geo,
        proj,
        k,
        shapes,
        values,
        decimals,
        unit,
        classes,
        names,
        kreis.key,
        "gemeinde",
        taken_in,
    )
    k["outlines"].append(Shape(proj.path(kreis), "none", MAP_PALETTE["outline"], 0.9))
    return _finish("choropleth.svg.j2", k, entries, geo, indicator_label)


def germany_kreise(
    values: Mapping[str, float | None] | None = None,
    indicator_label: str | None = None,
    *,
    unit: str = "",
    decimals: int = 1,
    classes: int = 5,
    highlight: Iterable[str] = (),
    map_id: str = "karte-deutschland",
    title: str | None = None,
    names: Mapping[str, str] | None = None,
    max_height: float = 560.0,
) -> MapFigure:
    """All 401 Kreise of 01.01.2021 with the Länder borders; coloured by `values` (Kreis key →
    value) if given, else plain with the `highlight` keys (e.g. the members) in blue."""
    geo = load()
    kreise = geo.children("", "kreis")
    laender = geo.children("", "land")
    proj = _projection(geo, bounds(geo, laender), max_height, 1.0)
    k = _frame(
        map_id,
        title
        or (
            f"{indicator_label}: Kreise in Deutschland"
            if values is not None
            else "Kreise in Deutschland"
        ),
        proj,
    )
    marked = set(highlight)
    if values is not None:
        entries = colour_areas(
            geo, proj, k, kreise, values, decimals, unit, classes, names, "", "kreis"
        )
    else:
        for a in kreise:
            mine = a.key in marked
            k["areas"].append(
                MapArea(
                    a.key,
                    proj.path(a),
                    MAP_PALETTE["area"] if mine else MAP_PALETTE["plain"],
                    area_name(a.key, geo, names),
                )
            )
        entries = [LegendEntry("Kreise", MAP_PALETTE["plain"], MAP_PALETTE["outline"], 0.5)]
        if marked:
            entries.insert(
                0,
                LegendEntry("ausgewählte Kreise", MAP_PALETTE["area"], MAP_PALETTE["outline"], 0.5),
            )
    for a in kreise:
        if a.key in marked:  # a frame shows the chosen Kreise whatever their colour
            k["overlays"].append(Shape(proj.path(a), "none", MAP_PALETTE["highlight"], 1.2))
    k["outlines"].append(
        Shape("".join(proj.path(a) for a in laender), "none", MAP_PALETTE["outline"], 0.8)
    )
    return _finish(
        "germany_kreise.svg.j2", k, entries, geo, indicator_label if values is not None else None
    )
