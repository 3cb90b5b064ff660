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
