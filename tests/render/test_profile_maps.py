"""Every profile carries the map of where the area lies; a Kreis also the map of its
Gemeinden by mean age; both with BKG's attribution in the figure and in the sources."""

from __future__ import annotations

import re

import pytest

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


def test_a_gemeinde_formed_since_2015_is_coloured_by_its_parts_together(
    store, registry, catalogue, ctx
):
    """Greußen 16065089 was formed on 01.01.2021 from Greußen 16065023, Wolferschwenda
    16065082 and Großenehrich 16065084 (data/key_changes.toml), which have no outline of
    2021. The Kyffhäuserkreis's map said "keine Daten" for it and three more such Gemeinden,
    and listed their 16 parts as not shown. Now it is coloured by their age structure
    together, whose mean is near the parts' means weighted by their people
    (data/raw/genesapi-data/12411-02-03-5_00.csv, lines 13776, 13808, 13809: totals 3,610,
    136 and 2,430 on 31.12.2015)."""
    from dwk.app.build import profile_rules
    from dwk.core.format import format_de
    from dwk.render.profile_maps import profile_maps
    from dwk.report.build import build_profile

    area = registry.get("16065", "kreis")
    p = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    v = p.gemeinde_map.values
    people = {"16065023": 3610, "16065082": 136, "16065084": 2430}
    weighted = sum(v[k] * n for k, n in people.items()) / sum(people.values())
    assert v["16065089"] == pytest.approx(weighted, abs=0.001)
    for new in ("16065086", "16065087", "16065088"):
        assert v[new] is not None, new
    fig = profile_maps(p)[1]["map"]
    hover = f"Greußen: {format_de(weighted, 1)} Jahre"  # as the weighted parts round
    assert re.search(rf'data-ags="16065089"[^>]*><title>{hover}</title>', fig.svg)
    assert fig.notes[0] == (
        "16 Gemeinden, die sich bis 2021 zusammengeschlossen haben, zeigt der Umriss ihres "
        "Zusammenschlusses, mit dem Wert ihres gemeinsamen Gebiets."
    )
    assert not any(e.hatch for e in fig.legend)


def test_a_gemeinde_that_took_others_in_is_coloured_by_its_territory_of_2021(
    store, registry, catalogue, ctx
):
    """Bad Frankenhausen/Kyffhäuser 16065003 took in Ichstedt 16065039 and Ringleben
    16065057, Ebeleben 16065014 took in Thüringenhausen 16065072 (Eingliederungen, kept keys;
    data/key_changes.toml). The VG5000 outline of 2021 is their territory together, which the
    map coloured by Bad Frankenhausen's own value of 2015 while naming the others as not
    shown. Now the outline has the mean age of the whole territory, the parts' means weighted
    by their people (data/raw/genesapi-data/12411-02-03-5_00.csv, lines 13762, 13785, 13794:
    totals 8,792, 580 and 819 on 31.12.2015), and the hover text names them."""
    from dwk.app.build import profile_rules
    from dwk.core.format import format_de
    from dwk.render.profile_maps import profile_maps
    from dwk.report.build import build_profile

    area = registry.get("16065", "kreis")
    p = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    v = p.gemeinde_map.values
    people = {"16065003": 8792, "16065039": 580, "16065057": 819}
    weighted = sum(v[k] * n for k, n in people.items()) / sum(people.values())
    assert p.gemeinde_map.taken_in[frozenset(people)] == pytest.approx(weighted, abs=1e-9)
    assert abs(weighted - v["16065003"]) > 0.05  # the own value alone would differ
    fig = profile_maps(p)[1]["map"]
    hover = (
        "Bad Frankenhausen/Kyffhäuser, Stadt (mit Ichstedt und Ringleben): "
        f"{format_de(weighted, 1)} Jahre"
    )
    assert re.search(rf'data-ags="16065003"[^>]*><title>{re.escape(hover)}</title>', fig.svg)
    assert re.search(
        r'data-ags="16065014"[^>]*><title>Ebeleben, Stadt \(mit Thüringenhausen\)', fig.svg
    )
    assert fig.notes[1] == (
        "3 Gemeinden, die bis 2021 eingegliedert wurden, zeigt der Umriss der jeweils "
        "aufnehmenden Gemeinde, mit dem Wert des gemeinsamen Gebiets."
    )
    assert not any("nicht gezeigt" in n for n in fig.notes)


def test_a_point_on_a_map_names_its_gemeindeverzeichnis_in_the_sources(
    store, registry, catalogue, ctx
):
    """Jahnatal 14522275 was formed in 2023 and has no VG5000 outline of 2021; its Lage map
    places it at its centre in the Gemeindeverzeichnis of 31.12.2023, which the sources
    section names beside the outlines, as it names every table the page uses. A Kreis
    profile without points (Düren) does not."""
    from dwk.app.build import profile_rules
    from dwk.render.profile import render_html
    from dwk.report.build import build_profile

    def sources(key: str, level: str) -> str:
        area = registry.get(key, level)
        p = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
        return render_html(p).split('id="quellen"')[1]

    jahnatal = sources("14522275", "gemeinde")
    assert (
        "<li><strong>Punkte in Karten</strong> (Gemeinden ohne Umriss von 2021): "
        "Mittelpunktkoordinaten aus dem Gemeindeverzeichnis (GV-ISys), Stand 31.12.2023. "
        "© Statistisches Bundesamt (Destatis)."
    ) in jahnatal
    assert ATTRIBUTION in jahnatal
    assert "Punkte in Karten" not in sources("05358", "kreis")
