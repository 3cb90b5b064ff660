"""Every profile carries the map of where the area lies; a Kreis also the map of its
Gemeinden by mean age; both with BKG's attribution in the figure and in the sources."""

from __future__ import annotations

import re

ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def _maps(html: str) -> list[str]:
    return re.findall(r'<svg[^>]*class="karte".*?</svg>', html, flags=re.S)


def test_every_member_has_a_map(member_reports):
    out, profiles = member_reports
    for slug in (p.area.slug for p in profiles):
        html = (out / f"{slug}.html").read_text()
        maps = _maps(html)
        assert maps, slug
        assert all('data-ags="' in m for m in maps)
        assert ATTRIBUTION in html.split('id="quellen"')[1], slug


def test_dueren_gemeinden_coloured_by_mean_age(member_reports):
    out, profiles = member_reports
    html = (out / "dueren.html").read_text()
    lage, gemeinden = _maps(html)
    # VG5000_KRS: Nordrhein-Westfalen has 53 Kreise (05111 … 05978); VG5000_GEM: Kreis Düren
    # 05358 has 15 Gemeinden (05358004 Aldenhoven … 05358064 Vettweiß)
    assert len(set(re.findall(r'data-ags="(05\d{3})"', lage))) == 53
    keys = set(re.findall(r'data-ags="(05358\d{3})"', gemeinden))
    assert len(keys) == 15
    assert "Durchschnittsalter" in gemeinden and "Tabelle 12411-02-03-5" in html
    # a Gemeinde profile (Vrees) has the location map only
    assert len(_maps((out / "vrees.html").read_text())) == 1
