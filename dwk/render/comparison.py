"""Render the members' comparison (`dwk.report.comparison.Comparison`) to one self-contained
HTML page, with the same filters, styles and figure captions as the profiles."""

from __future__ import annotations

from markupsafe import Markup

from dwk.core.format import format_period
from dwk.render.comparison_charts import small_pyramids_svg
from dwk.render.navigation import add_contents
from dwk.render.profile import environment
from dwk.report.comparison import PYRAMID_BANDS, Comparison
from dwk.sources.tables.meta import TableMeta

TITLE = "Die DWK-Mitglieder im Vergleich"


def render_comparison(
    c: Comparison, sources: list[TableMeta], reviewed: bool = False, profile_dir: str = "profile/"
) -> str:
    """`profile_dir`: where the members' profiles lie relative to the page, for the links."""
    return add_contents(
        environment(True)
        .get_template("comparison.html.j2")
        .render(
            title=TITLE,
            c=c,
            sources=sources,
            pyramids=_pyramids(c, sources),
            reviewed=reviewed,
            synthetic=any(s.synthetic for s in c.shared),
            profile_dir=profile_dir,
        )
    )


def _pyramids(c: Comparison, sources: list[TableMeta]) -> dict | None:
    if not c.shapes:
        return None
    shapes = [(s.area.name, s.male, s.female) for s in c.shapes]
    ref = (c.germany.area.name, c.germany.male, c.germany.female) if c.germany else None
    svg = small_pyramids_svg(
        "vergleich-altersaufbau",
        f"Altersaufbau der Mitglieder am 31.12.{c.year}",
        list(PYRAMID_BANDS),
        shapes,
        ref,
    )
    tables = sorted({s.table for s in c.shapes})
    rights = dict.fromkeys(m.copyright for m in sources if m.code in tables and m.copyright)
    periods = sorted({format_period(s.period) for s in c.shapes})
    return {
        "id": "vergleich-altersaufbau",
        "svg": Markup(svg),
        "caption": "Balken: Anteil je Altersjahr in den 17 Altersgruppen der Gemeindetabelle "
        "(75 und älter bis 90 gezeichnet); Linie: Deutschland",
        "source": f"Tabelle {', '.join(tables)}, {', '.join(periods)}",
        "attribution": "; ".join(rights),
    }
