"""A map as a page sets it (`maps` draws it): the areas as SVG, which holds no text but their
hover titles and so can shrink to a phone's width, and the title, legend, notes and
attribution as text (``templates/html/map_figure.html.j2``)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["BKG_URL", "LegendEntry", "MapFigure"]

BKG_URL = "https://www.bkg.bund.de"


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One class or kind of area: its swatch (fill, outline; `hatch` for "keine Daten")."""

    label: str
    fill: str
    stroke: str
    width: float
    hatch: str | None = None


@dataclass(frozen=True, slots=True)
class MapFigure:
    """A map as a page sets it: `svg` draws the areas and holds no text but their <title>s;
    the rest is text below it (`attribution` is the outlines', linked to `link` as BKG's
    Quellenvermerk asks; `point_stands` the Stichtage of the Gemeindeverzeichnisse whose
    centres place the Gemeinden drawn as points, if any)."""

    id: str
    title: str
    svg: Markup
    legend_title: str | None
    legend: tuple[LegendEntry, ...]
    notes: tuple[str, ...]
    attribution: str
    point_stands: tuple[str, ...] = ()
    link: str = BKG_URL

    @property
    def points_source(self) -> str | None:
        """The points' source line, beside the attribution; None without points."""
        if not self.point_stands:
            return None
        stands = ", ".join(self.point_stands)
        return f"Punkte: © Statistisches Bundesamt (Destatis), Gemeindeverzeichnis {stands}"
