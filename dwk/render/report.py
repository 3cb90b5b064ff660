"""Render a `Profile` to Markdown and self-contained HTML with Jinja templates (one per report
piece, autoescaped, StrictUndefined) and inline SVG charts. Pure functions of the profile."""

from __future__ import annotations

import math

import jinja2
from markupsafe import Markup

from dwk import paths
from dwk.numbers import format_de
from dwk.profile.build import Cell, Profile
from dwk.render import charts
from dwk.swot.engine import NEED, QUADRANTS

FLAG_MARKS = {"unsicher": "*", "zensus": "†", ".": "", "zensus,unsicher": "†*"}


def _num(value: float | None, decimals: int = 1, sign: bool = False) -> str:
    return format_de(value, decimals, sign=sign)


def _cell(cell: Cell, decimals: int = 1) -> str:
    """A figure with its flag: `(12,3)*` when uncertain, `–` when missing or secret."""
    if cell.missing:
        return "–"
    text = format_de(cell.value, decimals)
    mark = FLAG_MARKS.get(cell.flag, "")
    return f"({text}){mark}" if "unsicher" in cell.flag else f"{text}{mark}"


def _period(period: str) -> str:
    if "/" in period:
        a, b = period.split("/")
        return f"{a[:4]}–{b[:4]}"
    if len(period) == 10:
        return f"{period[8:10]}.{period[5:7]}.{period[:4]}"
    return period


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths.templates_dir()),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=_num, cell=_cell, period=_period)
    return env


def _charts(p: Profile) -> list[dict]:
    out = []
    slug = p.area.slug
    if p.pyramid:
        py = p.pyramid
        svg = charts.population_pyramid_svg(
            f"{slug}-pyramide", f"Bevölkerung nach Alter und Geschlecht, {_period(py.period)}",
            py.bands, py.male, py.female, py.reference_male, py.reference_female,
            py.reference_name, p.area.name,
        )  # fmt: skip
        src = f"Tabelle {py.table}, Stichtag {_period(py.period)}"
        out.append({"id": "pyramide", "svg": Markup(svg), "source": src,
                    "caption": "Balken: Anteil je Altersjahr; Linie: Form der Landesbevölkerung"})  # fmt: skip
    if p.age_groups:
        cats = [r.definition.label.replace("Anteil ", "") for r in p.age_groups]
        series = [(p.area.name, [None if r.own.missing else r.own.value for r in p.age_groups])]
        for i, ref in enumerate(p.references):
            series.append((ref.name, [None if r.references[i].missing else r.references[i].value
                                      for r in p.age_groups]))  # fmt: skip
        period = p.age_groups[0].own.period
        svg = charts.grouped_bars_svg(
            f"{slug}-altersgruppen",
            f"Funktionale Altersgruppen, {_period(period)}",
            cats,
            series,
            "%",
        )
        out.append({"id": "altersgruppen", "svg": Markup(svg),
                    "source": f"Tabelle {p.age_groups[0].tables}, Stichtag {_period(period)}",
                    "caption": "Anteile an der Bevölkerung in %"})  # fmt: skip
    if p.development:
        d = p.development
        marks = [(2011, "Zensus 2011")] if d.years[0] < 2011 <= d.years[-1] else None
        svg = charts.index_lines_svg(
            f"{slug}-entwicklung", f"Bevölkerungsentwicklung, {d.base_year} = 100", d.years,
            d.series, d.base_year, marks,
        )  # fmt: skip
        out.append({"id": "entwicklung", "svg": Markup(svg),
                    "source": f"Tabelle {d.tables}, Stichtage 31.12.{d.years[0]}–31.12.{d.years[-1]}",
                    "caption": "Fortschreibung; 2011 Bruch durch die Zensuskorrektur"})  # fmt: skip
    return out


def _context(p: Profile, with_charts: bool) -> dict:
    quadrants = {q: [i for i in p.swot if i.quadrant == q] for q in (*QUADRANTS, NEED)}
    return {
        "p": p,
        "area": p.area,
        "quadrants": quadrants,
        "quadrant_names": QUADRANTS,
        "need": NEED,
        "charts": _charts(p) if with_charts else [],
        "isnan": lambda v: v is None or (isinstance(v, float) and math.isnan(v)),
    }


def render_html(p: Profile) -> str:
    return _env(True).get_template("profile.html.j2").render(**_context(p, True))


def render_markdown(p: Profile) -> str:
    return _env(False).get_template("profile.md.j2").render(**_context(p, False))


def render_index(entries: list[dict], title: str) -> str:
    return _env(True).get_template("index.html.j2").render(entries=entries, title=title)
