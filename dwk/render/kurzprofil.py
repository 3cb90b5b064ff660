"""The Kurzprofil: two to four printed pages per member for the exchange meeting, after
IT.NRW's Kommunalprofil — key figures against the references, the age pyramid, the SWOT on one
page and the projection. The full profile stays the reference for sources and methods."""

from __future__ import annotations

from dwk.render.profile import environment, page_context
from dwk.report.build import Profile

SUFFIX = "-kurzprofil"


def render_kurzprofil(p: Profile) -> str:
    """Self-contained HTML of the Kurzprofil, meant for `html_to_pdf`."""
    return (
        environment(True)
        .get_template("kurzprofil.html.j2")
        .render(**{**page_context(p, True), "kurzprofil": True})
    )
