"""The maps of a profile: where the area lies, and for a Kreis its Gemeinden coloured by one
indicator, as figures with their source and BKG's attribution."""

from __future__ import annotations

from markupsafe import Markup

from dwk.core.errors import UnknownAreaError
from dwk.core.format import format_period
from dwk.render.figures import figure
from dwk.render.maps import area_focus, area_map, choropleth
from dwk.report.build import Profile

__all__ = ["GEOMETRY_ATTRIBUTION", "GEOMETRY_SOURCE", "profile_maps"]

GEOMETRY_SOURCE = "BKG, Verwaltungsgebiete 1:5 000 000 (VG5000), Stand 01.01.2021"
GEOMETRY_ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def profile_maps(p: Profile) -> list[dict]:
    """Where the area lies, and for a Kreis its Gemeinden coloured by one indicator."""
    slug, out = p.area.slug, []
    try:
        svg = area_map(p.area.key, map_id=f"{slug}-lage", names=p.map_names)
    except UnknownAreaError:
        return out
    out.append(
        {
            "id": "karte-lage",
            "svg": Markup(svg),
            "caption": f"Lage von {p.area.name}",
            "source": GEOMETRY_SOURCE,
            "attribution": GEOMETRY_ATTRIBUTION,
            "focus": area_focus(p.area.key),
        }
    )
    m = p.gemeinde_map
    if m is not None:
        d = m.indicator
        svg = choropleth(
            p.area.key,
            m.values,
            d.label,
            unit=d.unit,
            decimals=d.decimals,
            map_id=f"{slug}-karte-{d.id}",
            names=p.map_names,
        )
        fig = figure(
            p, f"karte-{d.id}", svg, m.tables, format_period(m.period), f"{d.label} der Gemeinden"
        )
        fig["source"] += f"; {GEOMETRY_SOURCE}"
        fig["attribution"] = "; ".join(a for a in (fig["attribution"], GEOMETRY_ATTRIBUTION) if a)
        out.append(fig)
    return out
