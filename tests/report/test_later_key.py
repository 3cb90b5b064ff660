"""A Gemeinde whose key changed with its territory unchanged (data/key_changes.toml, "neuer
Schlüssel") is profiled under the key of its age structure; the profile names the key it has
had since, so that a reader who looks it up today finds it, and it is as current as any
other Gemeinde: the figures under the new key count for it, compared with the Kreis it lies
in since."""

from __future__ import annotations

import json

from dwk.render.profile import render_html, render_markdown
from dwk.render.profile_json import render_json
from dwk.report.build import build_profile


def test_the_profile_names_the_key_since_2016(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules

    # asked for by the key of the Gemeindeverzeichnis of 31.12.2023 and by the old one
    by_new, by_old = registry.resolve("031590016016"), registry.resolve("03152012")
    assert by_new == by_old and by_new.key == "03152012"
    p = build_profile(by_new, store, registry, catalogue, profile_rules(catalogue), ctx)
    # key_changes.toml: Göttingen, Stadt, new = "03159016", date = "2016-11-01"
    lead = "amtlicher Schlüssel 03152012 (seit 01.11.2016: 03159016)"
    assert lead in render_markdown(p) and lead in render_html(p)
    area = json.loads(render_json(p))["area"]
    assert area["later_key"] == {"key": "03159016", "since": "2016-11-01"}
    # 31122023_Auszug_GV.xlsx row 1532: "…,'016','Göttingen, Stadt', 117.02, 120261";
    # 1000A-0000_de.csv line 1245: "031590016016;Göttingen, Stadt;…;124548;e"
    md = render_markdown(p)
    assert "Am 31.12.2023 lebten in der Stadt Göttingen **120.261** Menschen" in md
    assert "Der Zensus 2022 zählte am 15.05.2022 124.548 Menschen" in md
    assert [a.key for a in registry.references(by_new)] == ["03159", "03", "DG"]
    # what it is today: 12411-02-03-5_00.csv line 1328 "Hörden", xlsx row 1565 "Hörden am
    # Harz" (03159020); Eisenach, kreisfrei until 2021, compared with the Wartburgkreis now
    assert registry.resolve("03159020").name == "Hörden am Harz"
    eisenach = registry.resolve("16063105")
    assert (eisenach.key, eisenach.type) == ("16056000", "Stadt")
    assert [a.key for a in registry.references(eisenach)] == ["16063", "16", "DG"]
    # an area whose key did not change says nothing of the kind
    assert registry.resolve("vrees").later_key is None


def test_a_gemeinde_formed_by_a_merger_says_so_and_has_its_parts_ages(
    store, registry, ctx, catalogue
):
    """Unstrut-Hainich, formed on 01.01.2019 from six Gemeinden (data/key_changes.toml,
    "Zusammenschluss"): its profile says so, and that its figures before are theirs together;
    its age structure of 2015 is their sum (before: every age indicator "–")."""
    from dwk.app.build import profile_rules

    area = registry.resolve("16064076")
    assert registry.resolve("Unstrut-Hainich") == area  # by the Gemeindeverzeichnis's name
    p = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    lead = "amtlicher Schlüssel 16064076 (gebildet am 01.01.2019 aus 6 Gemeinden; Zahlen davor:"
    assert lead in render_markdown(p) and lead in render_html(p)
    assert json.loads(render_json(p))["area"]["formed"]["from"] == [
        "16064001", "16064017", "16064018", "16064023", "16064047", "16064065"
    ]  # fmt: skip
    # 12411-02-03-5_00.csv, 31.12.2015 (12411-01-01-5_00.csv the same totals): Altengottern
    # 1000, Flarchheim 418, Großengottern 2232, Heroldishausen 197, Mülverstedt 686,
    # Weberstedt 584
    ages = ctx.age(ctx.table("age_groups"), 2015)
    assert ages.total()[ages.row["16064076"]] == 1000 + 418 + 2232 + 197 + 686 + 584
    assert "| Durchschnittsalter | 31.12.2015 |" in render_markdown(p)


def test_a_gemeinde_that_absorbed_neighbours_says_its_projection_counts_them(
    store, registry, ctx, catalogue
):
    """Harztor absorbed three Gemeinden on 06.07.2018 ("Eingliederung"): its projection, which
    counts them from 2015 on, says so, and its track record names the sum."""
    from dwk.app.build import profile_rules

    assert registry.absorbed("16062065") == (
        ("Harzungen", "2018-07-06"), ("Herrmannsacker", "2018-07-06"),
        ("Neustadt/Harz", "2018-07-06"),
    )  # fmt: skip
    area = registry.resolve("16062065")
    md = render_markdown(
        build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    )
    assert (
        "Gebiet von heute, auch 2015: mit Harzungen (eingegliedert am 06.07.2018), "
        "Herrmannsacker (eingegliedert am 06.07.2018), Neustadt/Harz (eingegliedert am "
        "06.07.2018), wie alle Zahlen dieses Profils."
    ) in md
    assert "als Summe mit den 3 seither eingegliederten Gemeinden" in md
    # formed from Ilfeld and Niedersachswerfen on 01.01.2012 (data/key_changes.toml): one
    # parenthesis says both
    assert (
        "amtlicher Schlüssel 16062065 (gebildet am 01.01.2012 aus 2 Gemeinden; Zahlen davor: "
        "ihre Summe; eingegliedert: Harzungen am 06.07.2018, "
    ) in md


def test_a_gemeinde_that_absorbed_neighbours_says_so_beside_its_key(
    store, registry, ctx, catalogue
):
    """Reichenbach im Vogtland took in Mylau on 01.01.2016 (data/key_changes.toml): its
    figures before count Mylau too (`inputs.gebietsstand`), which the lead says beside the
    key, as a Gemeinde formed by a merger says that its figures before are its parts' sum;
    the JSON names it too. Vrees took in nobody and says nothing of the kind."""
    from dwk.app.build import profile_rules

    rules = profile_rules(catalogue)
    p = build_profile(registry.resolve("14523340"), store, registry, catalogue, rules, ctx)
    lead = (
        "amtlicher Schlüssel 14523340 (eingegliedert: Mylau am 01.01.2016; Zahlen davor mit ihr "
        "zusammengerechnet)"
    )
    assert lead in render_markdown(p) and lead in render_html(p)
    assert json.loads(render_json(p))["area"]["absorbed"] == [
        {"name": "Mylau", "since": "2016-01-01"}
    ]
    vrees = build_profile(registry.resolve("vrees"), store, registry, catalogue, rules, ctx)
    assert "eingegliedert:" not in render_markdown(vrees)
    assert "absorbed" not in json.loads(render_json(vrees))["area"]


def test_an_area_taken_into_another_says_so(store, registry, ctx, catalogue):
    """Mylau (data/key_changes.toml: into Reichenbach im Vogtland, 14523340, on 01.01.2016) and
    the Kreis Eisenach (into the Wartburgkreis, 16063, on 01.07.2021): their profiles ended
    without a word of where they went."""
    from dwk.render.profile_json import _later

    mylau, eisenach = registry.get("14523250"), registry.get("16056")
    assert mylau.eingegliedert == ("2016-01-01", "14523340", "Reichenbach im Vogtland, Stadt")
    assert eisenach.eingegliedert == ("2021-07-01", "16063", "Wartburgkreis")
    assert _later(eisenach) == {
        "eingegliedert": {"into": "16063", "name": "Wartburgkreis", "since": "2021-07-01"}
    }
    assert registry.get("14523340").eingegliedert is None  # the one that took Mylau in
    from dwk.app.build import profile_rules

    p = build_profile(mylau, store, registry, catalogue, profile_rules(catalogue), ctx)
    lead = (
        "amtlicher Schlüssel 14523250 (am 01.01.2016 eingegliedert in: Reichenbach im Vogtland, "
        "Stadt, 14523340; Zahlen bis dahin) · Stand der Bevölkerungszahlen 31.12.2015"
    )
    assert lead in render_markdown(p) and lead in render_html(p)
    assert registry.get("16056000").eingegliedert is None  # Eisenach's Gemeinde: a new key
