"""Issue 15, point 8: projected changes of different periods never share a column, and the
range of the migration variants reads from the smaller to the larger value."""

from __future__ import annotations

import re

import pytest

from dwk.render.comparison import render_comparison
from dwk.render.profile import render_html, render_markdown
from dwk.report.build import build_profile
from dwk.report.comparison import compare


@pytest.fixture(scope="module")
def profiles(store, registry, ctx, catalogue):
    from dwk.app.build import profile_rules

    rules = profile_rules(catalogue)
    return {
        s: build_profile(registry.resolve(s), store, registry, catalogue, rules, ctx)
        for s in ("adorf", "dortmund", "vrees")
    }


def test_each_period_has_its_own_table(ctx, registry, catalogue, profiles):
    c = compare(ctx, registry, catalogue, list(profiles.values()))
    html = render_comparison(c, [])
    section = html[html.index('<section id="vorausberechnung">') :]
    section = section[: section.index("</section>")]
    tables = re.findall(
        r"<h3>Veränderung (\d{4})–(\d{4}).*?</h3>\s*(?:<div class=\"tabelle\">)?<table.*?</table>",
        section,
        re.S,
    )
    assert list(tables) == [("2015", "2040"), ("2020", "2040")]
    gemeinden, kreise = section.split("<h3>")[1:]
    # Gemeinden have age tables up to 31.12.2015, Kreise up to 31.12.2020
    assert "Adorf/Vogtl." in gemeinden and "Vrees" in gemeinden and "Dortmund" not in gemeinden
    assert "Dortmund" in kreise and "Adorf" not in kreise
    for part, period in ((gemeinden, "2015–2040"), (kreise, "2020–2040")):
        headers = re.findall(r'<th scope="col">([^<]*)</th>', part)[1:]
        assert headers and all(h.endswith(f"Veränderung {period} in %") for h in headers)


def test_variant_ranges_read_low_to_high(profiles):
    for p in profiles.values():
        for text in (render_markdown(p), render_html(p)):
            # whole counts only (the projection's ranges), not the peer group's "−9,5 – 1,8"
            for low, high in re.findall(r"(?<![\d,.−-])(\d[\d.]*) – (\d[\d.]*)(?![\d,])", text):
                assert int(low.replace(".", "")) <= int(high.replace(".", "")), (low, high)
    # Dortmund, 80 Jahre und älter in 2040: the low and the high migration variant, in whichever
    # order they come, are printed smaller first, each rounded to 10
    p = profiles["dortmund"]
    [old] = [r for r in p.outlook.rows if r.group.label.startswith("80 Jahre")]
    low, high = sorted(round(v, -1) for v in (old.low, old.high))
    md = render_markdown(p)
    row = next(line for line in md.splitlines() if line.startswith("| 80 Jahre und älter"))
    assert row.endswith(f"| {low:,.0f} – {high:,.0f} |".replace(",", "."))
