"""The maps of a profile: where the area lies, and for a Kreis its Gemeinden coloured by one
indicator, as figures with their source and the map's attribution (BKG's, and Destatis's
where Gemeinden are drawn as points)."""

from __future__ import annotations

from dwk.core.errors import UnknownAreaError
from dwk.core.format import format_period
from dwk.render.figures import source_line
from dwk.render.maps import area_map, choropleth
from dwk.report.build import Profile

__all__ = ["GEOMETRY_ATTRIBUTION", "GEOMETRY_SOURCE", "point_stands", "profile_maps"]

GEOMETRY_SOURCE = "BKG, Verwaltungsgebiete 1:5 000 000 (VG5000), Stand 01.01.2021"
GEOMETRY_ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def profile_maps(p: Profile) -> list[dict]:
    """Where the area lies, and for a Kreis its Gemeinden coloured by one indicator: each a
    `MapFigure` with its caption, source and the © lines of the tables coloured by."""
    slug, out = p.area.slug, []
    try:
        lage = area_map(p.area.key, map_id=f"{slug}-lage", names=p.map_names)
    except UnknownAreaError:
        return out
    out.append(
        {
            "id": "karte-lage",
            "map": lage,
            "caption": f"Lage von {p.area.name}",
            "source": GEOMETRY_SOURCE,
        }
    )
    m = p.gemeinde_map
    if m is not None:
        d = m.indicator
        gemeinden = choropleth(
            p.area.key,
            m.values,
            d.label,
            unit=d.unit,
            decimals=d.decimals,
            map_id=f"{slug}-karte-{d.id}",
            names=p.map_names,
            taken_in=m.taken_in,
        )
        source, rights = source_line(p, m.tables, format_period(m.period))
        out.append(
            {
                "id": f"karte-{d.id}",
                "map": gemeinden,
                "caption": f"{d.label} der Gemeinden",
                "source": f"{source}; {GEOMETRY_SOURCE}",
                "rights": rights,
            }
        )
    return out


def point_stands(maps: list[dict]) -> tuple[str, ...]:
    """The Stichtage of the Gemeindeverzeichnisse that place points on any of `maps`, for the
    sources section, in the order the maps name them."""
    return tuple(dict.fromkeys(s for m in maps for s in m["map"].point_stands))
