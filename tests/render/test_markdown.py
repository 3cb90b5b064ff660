"""Markdown tables stay tables whatever a name contains."""

from __future__ import annotations

import dataclasses

from dwk.render.profile import _md_cell, render_markdown


def test_md_cell_escapes_pipes_and_joins_lines():
    assert _md_cell("Nord|Süd\nOst") == "Nord\\|Süd Ost"


def test_a_pipe_in_an_area_name_does_not_split_a_table_row(ctx, registry, store, catalogue):
    from dwk.app.build import profile_rules
    from dwk.report.build import build_profile

    rules = profile_rules(catalogue)
    area = registry.resolve("dithmarschen")
    profile = build_profile(area, store, registry, catalogue, rules, ctx)
    hostile = dataclasses.replace(area, name="Dithmarschen | <b>Kreis</b>")
    text = render_markdown(dataclasses.replace(profile, area=hostile))
    header = next(line for line in text.splitlines() if line.startswith("| Indikator |"))
    separator = text.splitlines()[text.splitlines().index(header) + 1]
    assert "Dithmarschen \\| &lt;b&gt;Kreis&lt;/b&gt;" in header  # HTML shows as text
    assert header.replace("\\|", "").count("|") == separator.count("|")


def test_every_table_ends_with_a_blank_line(ctx, registry, store, catalogue):
    """GFM carries a table on over any line that follows it without a blank one: the line
    before the track record's age table became one of the table's rows."""
    from dwk.app.build import profile_rules
    from dwk.report.build import build_profile

    area = registry.resolve("dithmarschen")
    profile = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    lines = render_markdown(profile).splitlines()
    assert any(line.startswith("Nach Altersgruppen") for line in lines)  # the case that broke
    after = [b for a, b in zip(lines, lines[1:], strict=False) if a.startswith("|")]
    assert all(b == "" or b.startswith("|") for b in after)


def test_a_long_assumption_reads_in_paragraphs(ctx, registry, store, catalogue):
    """The migration assumption runs to several steps (Germany's level, the area's deviation
    and its fading, …): each is a paragraph of its list item in Markdown (indented, after a
    blank line) and a <p> of its <dd> in HTML, the tables once at the end."""
    from dwk.app.build import profile_rules
    from dwk.render.profile import render_html
    from dwk.report.build import build_profile

    area = registry.resolve("dithmarschen")
    profile = build_profile(area, store, registry, catalogue, profile_rules(catalogue), ctx)
    migration = next(a for a in profile.outlook.assumptions if a.topic == "Wanderungen")
    first, second = migration.paragraphs[:2]
    assert first.startswith("Wanderungssaldo Deutschlands: beobachtet bis")
    assert second.startswith("Dazu die Abweichung des Gebiets von Deutschland")
    lines = render_markdown(profile).splitlines()
    at = lines.index(f"- **Wanderungen:** {first}")
    assert lines[at + 1 : at + 3] == ["", f"  {second}"]
    item = lines[at : lines.index(next(x for x in lines[at + 1 :] if x.startswith("- **")))]
    assert sum("(Tabellen " in x for x in item) == 1 and item[-1].endswith(")")
    html = render_html(profile)
    assert f"<dt>Wanderungen</dt><dd><p>{first}</p><p>{second}</p>" in html
    assert html.count(f"Tabellen {migration.tables}.</span></p></dd>") == 1
