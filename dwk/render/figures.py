"""A report figure as the templates take it: the SVG, its caption, its source line with the
tables' own © lines, and its numbers for the hover title and the CSV beside the report."""

from __future__ import annotations

from markupsafe import Markup

from dwk.render.chart_data import ChartData, titled
from dwk.report.build import Profile

__all__ = ["figure", "source_line"]


def source_line(p: Profile, tables: str, when: str) -> tuple[str, str]:
    """("Tabelle …, <Stichtag>", the © lines those tables state, joined) for a caption."""
    codes = [c.strip() for c in tables.split(",") if c.strip()]
    rights = dict.fromkeys(m.copyright for m in p.sources if m.code in codes and m.copyright)
    return f"Tabelle {', '.join(codes)}, {when}", "; ".join(rights)


def figure(
    p: Profile,
    name: str,
    svg: str,
    tables: str,
    when: str,
    caption: str,
    data: ChartData | None = None,
) -> dict:
    """A chart with its source line (the tables, their Stichtag and the © line each states) and
    its numbers (`data`: in the SVG's hover title and, by the build, as a CSV file)."""
    source, attribution = source_line(p, tables, when)
    return {
        "id": name,
        "svg": Markup(titled(svg, data)),
        "caption": caption,
        "data": data,
        "source": source,
        "attribution": attribution,
    }
