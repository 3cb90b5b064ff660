"""Render a `Profile` to Markdown and self-contained HTML with Jinja templates (one per report
piece, autoescaped, StrictUndefined) and inline SVG charts. Pure functions of the profile."""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

import jinja2

from dwk.area_phrases import area_phrase, end_sentence
from dwk.core import paths
from dwk.core.format import format_basis, format_de, format_period
from dwk.dynamics.series import index_base
from dwk.inputs.censuses import load_censuses
from dwk.projection.assumptions import MIN_EVENTS
from dwk.projection.outlook import MIN_GROUP
from dwk.render import charts
from dwk.render.chart_data import ChartData, chart_files
from dwk.render.component_charts import components_svg, population_series_svg
from dwk.render.figures import figure
from dwk.render.maps import germany_kreise
from dwk.render.navigation import add_contents, soft_hyphens
from dwk.render.profile_maps import (
    GEOMETRY_ATTRIBUTION,
    GEOMETRY_SOURCE,
    point_stands,
    profile_maps,
)
from dwk.render.projection_charts import projection_fan_svg
from dwk.render.rules_view import rule_rows
from dwk.render.survey_view import field_label, share, survey_charts, uncertain
from dwk.render.swot_view import (
    LEGEND,
    MARKER,
    ONLY_SYNTHETIC,
    any_synthetic,
    is_synthetic,
    only_synthetic,
)
from dwk.render.template_cache import bytecode_cache
from dwk.report.build import Cell, Profile
from dwk.swot.engine import NEED, QUADRANTS

if TYPE_CHECKING:
    from dwk.dynamics.series import TerritoryStep

FLAG_MARKS = {"zensus": "†", "gebiet": "‡", "unsicher": "*", ".": ""}
"""The mark of each flag (`indicators.result`); a value with several carries them all."""


def _num(value: float | None, decimals: int = 1, sign: bool = False) -> str:
    return format_de(value, decimals, sign=sign)


def _cell(cell: Cell, decimals: int = 1) -> str:
    """A figure with its flag: `(12,3)*` when uncertain, `–` when missing or secret."""
    if cell.missing:
        return "–"
    text = format_de(cell.value, decimals)
    mark = "".join(FLAG_MARKS.get(f, "") for f in cell.flag.split(","))
    return f"({text}){mark}" if "unsicher" in cell.flag else f"{text}{mark}"


def _md_cell(text: object) -> str:
    """Text for a Markdown table cell: a `|` or a line break in a name must not split the row."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_text(value: object) -> object:
    """Text put into Markdown with `<`, `>` and `&` as entities: a name, a survey answer or a
    review comment that holds HTML shows as text in every Markdown renderer, never as HTML."""
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    """One environment per process: compiling the templates again for every profile would cost
    more than rendering it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths.templates_dir()),
        bytecode_cache=bytecode_cache(),
        autoescape=autoescape,
        finalize=None if autoescape else _md_text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        num=_num,
        cell=_cell,
        period=format_period,
        basis=format_basis,
        mdcell=_md_cell,
        share=share,
        uncertain=uncertain,
        field_label=field_label,
        shy=soft_hyphens,
    )
    env.filters.update(
        in_area=lambda a: area_phrase(a.name, a.type, "in"),
        sentence=end_sentence,
        synthetic=is_synthetic,
        only_synthetic=only_synthetic,
        any_synthetic=any_synthetic,
    )
    env.globals.update(demo_marker=MARKER, demo_legend=LEGEND, only_synthetic_note=ONLY_SYNTHETIC)
    return env


def _charts(p: Profile) -> list[dict]:
    out = []
    slug = p.area.slug
    if p.pyramid:
        py, when = p.pyramid, format_period(p.pyramid.period)
        svg = charts.population_pyramid_svg(
            f"{slug}-pyramide",
            f"Bevölkerung nach Alter und Geschlecht, {when}",
            py.bands,
            py.male,
            py.female,
            py.reference_male,
            py.reference_female,
            py.reference_name,
            p.area.name,
        )
        caption = "Balken: Anteil je Altersjahr; Linie: Form der Landesbevölkerung"
        ref = py.reference_name or "Vergleichsgebiet"
        data = ChartData(
            ["Alter von", "Alter bis unter", "Männer", "Frauen", f"Männer {ref}", f"Frauen {ref}"],
            [
                [lo, hi, m, f, rm, rf]
                for (lo, hi), m, f, rm, rf in zip(
                    py.bands,
                    py.male,
                    py.female,
                    py.reference_male or [None] * len(py.bands),
                    py.reference_female or [None] * len(py.bands),
                    strict=True,
                )
            ],
            0,
        )
        out.append(figure(p, "pyramide", svg, py.table, f"Stichtag {when}", caption, data))
    if p.age_groups:
        cats = [r.definition.label.replace("Anteil ", "") for r in p.age_groups]
        series = [(p.area.name, [None if r.own.missing else r.own.value for r in p.age_groups])]
        for i, ref in enumerate(p.references):
            series.append(
                (
                    ref.name,
                    [
                        None if r.references[i].missing else r.references[i].value
                        for r in p.age_groups
                    ],
                )
            )
        when = format_period(p.age_groups[0].own.period)
        svg = charts.grouped_bars_svg(
            f"{slug}-altersgruppen", f"Funktionale Altersgruppen, {when}", cats, series, "%"
        )
        data = ChartData(
            ["Altersgruppe in %", *(name for name, _ in series)],
            [[cat, *(vals[i] for _, vals in series)] for i, cat in enumerate(cats)],
        )
        out.append(
            figure(
                p,
                "altersgruppen",
                svg,
                p.age_groups[0].tables,
                f"Stichtag {when}",
                "Anteile an der Bevölkerung in %",
                data,
            )
        )
    return out


def _territory_step(step: TerritoryStep) -> str:
    """A `dynamics.series.TerritoryStep` for the series chart's caption: the step is no one
    moving."""
    if step.people is None:
        return f"{step.year} Gebietsänderung: Teil einer aufgeteilten Gemeinde hinzugekommen"
    people = format_de(round(abs(step.people), -2), 0)
    if step.people > 0:
        return (
            f"{step.year} Gebietsänderung: rund {people} Einwohner mit ihren Orten aus einem "
            "anderen Kreis hinzugekommen, nicht zugezogen"
        )
    return (
        f"{step.year} Gebietsänderung: rund {people} Einwohner mit ihren Orten an einen "
        "anderen Kreis abgegeben, nicht fortgezogen"
    )


def _dynamics_charts(p: Profile) -> list[dict]:
    d, slug, out = p.dynamics, p.area.slug, []
    own = d.series[0][1]
    base = index_base([s for _, s in d.series])
    if base is not None:
        series, census = [], []
        for j, (name, s) in enumerate(d.series):
            values, points = s.indexed(base) if base in s.years else ([], [])
            by_year = dict(zip(s.years, values, strict=False))
            series.append((name, [_none(by_year.get(y, math.nan)) for y in own.years]))
            census += [
                (f"{c.label} ({format_period(c.date)})", c.position, v, j)
                for c, v in zip(s.census, points, strict=False)
            ]
        svg = population_series_svg(
            f"{slug}-entwicklung",
            f"Bevölkerungsentwicklung, {base} = 100",
            own.years,
            series,
            census,
            list(own.breaks),
            base,
        )
        shown = sorted({c.date for _, s in d.series for c in s.census})
        dates = " und ".join(format_period(x) for x in shown)
        when = f"31.12.{own.years[0]}–31.12.{own.years[-1]}; Zensus {dates}"
        breaks = " und ".join(str(y) for y, _ in own.breaks)
        caption = "Fortschreibung; Zensuszählungen als eigene Punkte in der Farbe ihres Gebiets" + (
            f", {breaks} Bruch durch den Zensus" if breaks else ""
        )
        caption += "".join(f"; {_territory_step(s)}" for s in own.territory)
        behind = sorted({x for _, s in d.series for x in s.behind})
        for label in dict.fromkeys(b for _, b in behind):
            late = " und ".join(str(y) for y, b in behind if b == label)
            caption += f"; {late} alle Gebiete noch auf Basis {label}, wie die Jahre davor"
        rows = [[str(y), *(vals[i] for _, vals in series)] for i, y in enumerate(own.years)]
        for label in dict.fromkeys(c[0] for c in census):
            by_series = {j: v for name, _, v, j in census if name == label}
            rows.append([label, *(by_series.get(j) for j in range(len(series)))])
        data = ChartData([f"Stichtag (Index, {base} = 100)", *(n for n, _ in series)], rows)
        out.append(figure(p, "entwicklung", svg, d.series_tables, when, caption, data))
    if d.components:
        years = d.components.years
        shown = {y.year for y in years}
        svg = components_svg(
            f"{slug}-komponenten",
            "Natürlicher Saldo und Wanderungssaldo je 1.000 Einwohner",
            [y.year for y in years],
            [_none(y.natural_rate) for y in years],
            [_none(y.migration_rate) for y in years],
            [y.estimated for y in years],
        )
        caption = (
            "je 1.000 Einwohner im Jahresmittel; Wanderungssaldo außer "
            f"{', '.join(map(str, d.counted_migration_years))} nach der Residualmethode geschätzt, "
            f"{', '.join(str(c.year) for c in load_censuses() if c.year in shown)} "
            "ohne Wert (Zensuskorrektur)"
        )
        when = f"{years[0].year}–{years[-1].year}"
        data = ChartData(
            [
                "Jahr",
                "Natürlicher Saldo je 1.000",
                "Wanderungssaldo je 1.000",
                "Wanderungssaldo geschätzt",
            ],
            [
                [str(y.year), _none(y.natural_rate), _none(y.migration_rate), y.estimated]
                for y in years
            ],
        )
        out.append(
            figure(p, "komponenten", svg, ", ".join(d.components.tables), when, caption, data)
        )
    return out


def _none(v: float) -> float | None:
    return None if v != v else v


def _outlook_charts(p: Profile) -> list[dict]:
    o = p.outlook
    if o is None:
        return []
    slug, labels = p.area.slug, tuple(o.totals)
    own = p.dynamics.series[0][1]
    # the base's census line up to the base, on the projection's basis (`Outlook.basis_factor`)
    history = [
        (y, v * o.basis_factor)
        for y, v in zip(own.years, own.values, strict=True)
        if own.line_start(o.base_year) <= y <= o.base_year and v == v
    ]
    note = f", umgerechnet auf die {o.basis_name}" if o.carried_over else ""
    main, low, high = (o.totals[k] for k in labels)
    svg = projection_fan_svg(
        f"{slug}-vorausberechnung",
        f"Bevölkerung bis {o.target}: Varianten der Vorausberechnung",
        history,
        o.years,
        main,
        low,
        high,
        labels,
        note,
        o.met_until,
    )
    when = f"Basis 31.12.{o.base_year}"
    met = o.met_until or o.base_year  # up to it the variants meet the observed totals
    data = ChartData(
        ["Jahr (31.12.)", f"Fortschreibung{note}", *labels, "an Beobachtung angeglichen"],
        [[str(y), v, None, None, None, None] for y, v in history]
        + [
            [str(y), None, main[i], low[i], high[i], "ja" if y <= met else "nein"]
            for i, y in enumerate(o.years)
        ],
        0,
    )
    out = [
        figure(
            p,
            "vorausberechnung",
            svg,
            o.tables,
            when,
            "Linie: Hauptvariante; Fläche: zwischen niedriger und hoher Zuwanderung",
            data,
        )
    ]
    bands = [(a, a + 1) for a in range(90)] + [(90, None)]
    svg = charts.population_pyramid_svg(
        f"{slug}-pyramide-{o.target}",
        f"Altersaufbau {o.target} (Hauptvariante) und {o.base_year}",
        bands,
        *o.pyramid_target,
        *o.pyramid_base,
        f"31.12.{o.base_year}",
        f"{o.target}",
    )
    (mt, ft), (mb, fb) = o.pyramid_target, o.pyramid_base
    data = ChartData(
        [
            "Alter",
            f"Männer {o.target}",
            f"Frauen {o.target}",
            f"Männer {o.base_year}",
            f"Frauen {o.base_year}",
        ],
        [
            [f"{lo}" if hi else f"{lo} und älter", *v]
            for (lo, hi), *v in zip(bands, mt, ft, mb, fb, strict=True)
        ],
        0,
    )
    out.append(
        figure(
            p,
            "pyramide-vorausberechnung",
            svg,
            o.tables,
            when,
            f"Balken: Anteil je Altersjahr {o.target}; Linie: Form am 31.12.{o.base_year}",
            data,
        )
    )
    return out


def page_context(p: Profile, with_charts: bool) -> dict:
    quadrants = {q: [i for i in p.swot if i.quadrant == q] for q in (*QUADRANTS, NEED)}
    maps = profile_maps(p) if with_charts else []
    return {
        "p": p,
        "area": p.area,
        "quadrants": quadrants,
        "quadrant_names": QUADRANTS,
        "need": NEED,
        "charts": _charts(p) if with_charts else [],
        "maps": maps,
        "point_stands": point_stands(maps),
        "kurzprofil": False,
        "geometry_attribution": GEOMETRY_ATTRIBUTION,
        "outlook_charts": _outlook_charts(p) if with_charts else [],
        "dynamics_charts": _dynamics_charts(p) if with_charts else [],
        "survey_charts": survey_charts(p) if with_charts else [],
        "rule_rows": rule_rows(p),
        "min_group": MIN_GROUP,
        "min_events": MIN_EVENTS,
    }


def render_html(p: Profile, context: dict | None = None, index: bool = True) -> str:
    """The HTML page; `context`: `page_context(p, True)` where the caller has it already;
    `index`: link the list of profiles beside it (a profile built alone has none)."""
    context = context or page_context(p, True)
    page = environment(True).get_template("profile.html.j2").render(**context, index=index)
    return add_contents(page)


def chart_csvs(p: Profile, context: dict | None = None) -> dict[str, str]:
    """`<chart id>.csv` → the chart's numbers, for `<slug>-daten/` beside the HTML report."""
    c = context or page_context(p, True)
    survey = [f for s in c["survey_charts"] for charts in s.values() for f in charts]
    return chart_files(c["charts"] + c["dynamics_charts"] + c["outlook_charts"] + survey)


def render_markdown(p: Profile) -> str:
    return environment(False).get_template("profile.md.j2").render(**page_context(p, False))


def render_index(entries: list[dict], title: str, up: list[tuple[str, str]] = ()) -> str:
    """The list of built profiles; `up` are (label, href) links to the pages above it."""
    return add_contents(
        environment(True).get_template("index.html.j2").render(entries=entries, title=title, up=up)
    )


def render_national_index(
    title: str,
    entries: list[dict],
    key_notes: list[dict],
    lands: list[dict],
    up: str | None,
    highlight: tuple[str, ...] = (),
) -> str:
    """The index of a national run: its Länder (on the level's page, with a map of all Kreise,
    the `highlight` ones framed), its areas with their gaps, and the keys that changed."""
    karte = None
    if lands:
        karte = {
            "id": "karte-deutschland",
            "map": germany_kreise(highlight=highlight, map_id="karte-deutschland"),
            "caption": "Alle Kreise (Stand 01.01.2021)"
            + ("; umrandet: Kreise der DWK-Mitglieder" if highlight else ""),
            "source": GEOMETRY_SOURCE,
        }
    return add_contents(
        environment(True)
        .get_template("national_index.html.j2")
        .render(
            title=title,
            entries=entries,
            key_notes=key_notes,
            lands=lands,
            up=up,
            karte=karte,
        )
    )
