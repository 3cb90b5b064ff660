"""The parts of the profile record beyond indicators and SWOT: how the SWOT's synthetic items are
marked, the pyramid (age × sex), the population series and the projection per variant and year,
each with its unit and Stichtag or base, so that a reader of the JSON can redraw every chart."""

from __future__ import annotations

from dwk.projection.published import Comparison
from dwk.projection.track_record import TrackRecord
from dwk.render.swot_view import LEGEND, ONLY_SYNTHETIC, is_synthetic, only_synthetic
from dwk.report.build import Profile
from dwk.swot.engine import NEED, QUADRANTS


def extra_record(p: Profile) -> dict:
    return {
        "swot_synthetic": _synthetic(p),
        "pyramid": _pyramid(p),
        "population_series": _series(p),
        "projection": _projection(p),
        "peer_group": _peer_group(p),
    }


def _peer_group(p: Profile) -> dict | None:
    """The Vergleichsgruppe: who counts as similar, how many, and median and range per figure."""
    g = p.similar
    if g is None:
        return None
    return {
        "label": g.label,
        "size_class": g.size,
        "urbanisation": g.urbanisation,
        "urbanisation_source": g.urbanisation_source,
        "region": g.region or None,
        "widened_to_germany": g.widened,
        "n": g.n,
        "stichtag": g.period,
        "keys": list(g.keys),
        "indicators": [
            {
                "id": i,
                "unit": s.definition.unit,
                "median": _num(s.median),
                "min": _num(s.low),
                "max": _num(s.high),
                "n": s.n,
            }
            for i, s in g.stats.items()
        ],
    }


def _synthetic(p: Profile) -> dict:
    """The legend, and the quadrants that rest on synthetic survey items alone."""
    quadrants = {q: [i for i in p.swot if i.quadrant == q] for q in (*QUADRANTS, NEED)}
    return {
        "legend": LEGEND if any(is_synthetic(i) for i in p.swot) else None,
        "only_synthetic": [q for q, items in quadrants.items() if only_synthetic(items)],
        "note": ONLY_SYNTHETIC,
    }


def _num(v: float) -> float | None:
    return None if v != v else float(v)


def _maybe(v: float | None) -> float | None:
    return None if v is None else _num(v)


def _pyramid(p: Profile) -> dict | None:
    py = p.pyramid
    if py is None:
        return None
    return {
        "stichtag": py.period,
        "unit": "Personen",
        "table": py.table,
        "bands": [{"from": a, "to_below": b} for a, b in py.bands],
        "male": [_num(v) for v in py.male],
        "female": [_num(v) for v in py.female],
        "reference": None
        if py.reference_name is None
        else {
            "name": py.reference_name,
            "male": [_num(v) for v in py.reference_male or []],
            "female": [_num(v) for v in py.reference_female or []],
        },
    }


def _series(p: Profile) -> list[dict]:
    """Population on 31.12. of each year, for the area and its references (Fortschreibung)."""
    return [
        {
            "name": name,
            "unit": "Personen",
            "stichtag": "31.12.",
            "tables": p.dynamics.series_tables,
            "census_break_year": s.break_year,
            "census_break_years": [y for y, _ in s.breaks],
            # the territory changed without anyone moving (`dynamics.series.TerritoryStep`)
            "territory_steps": [
                {"year": t.year, "people": None if t.people is None else round(t.people)}
                for t in s.territory
            ],
            # the census basis each figure is on (a Gemeinde's 2023 still on the 2011 one)
            "values": [
                {"year": int(y), "value": _num(v), "basis": line}
                for y, v, line in zip(s.years, s.values, s.lines, strict=True)
            ],
        }
        for name, s in p.dynamics.series
    ]


def _projection(p: Profile) -> dict | None:
    o = p.outlook
    if o is None:
        return None
    return {
        "basis": f"{o.base_year}-12-31",
        "census_basis": o.census_basis,
        # up to this year the values are the observed totals (interpolated between observed
        # years), not assumptions
        "observed_until": int(o.met_until or o.base_year),
        # where the territory it is projected for changed after the base: its changes from
        # the base compare different territories, and no SWOT rule reads them
        "territory_changes": [
            {"year": int(y), "area_before_km2": _num(before), "area_km2": _num(after)}
            for y, before, after in o.territory
        ],
        "target_year": int(o.target),
        "unit": "Personen",
        "tables": o.tables,
        "variants": [
            {
                "name": name,
                "values": [
                    {"year": int(y), "value": _num(v)} for y, v in zip(o.years, values, strict=True)
                ],
            }
            for name, values in o.totals.items()
        ],
        "age_groups": [
            {
                "id": r.group.id,
                "label": r.group.label,
                "main": [
                    {"year": int(y), "value": _num(v)}
                    for y, v in zip(o.shown, r.values, strict=True)
                ],
                "target_low": _num(r.low),
                "target_high": _num(r.high),
            }
            for r in o.rows
        ],
        "published": [_published(c) for c in o.published],
        "track_record": _track(o.track),
    }


def _pct(v: float | None) -> float | None:
    """Percentages to 0.01 (as `dwk project --backtest` rounds them)."""
    return None if v is None else round(float(v), 2)


def _track(t: TrackRecord | None) -> dict | None:
    """How the same method, run as of its backtest base, compared with what followed."""
    if t is None:
        return None
    return {
        "level": t.level,
        "base_year": t.base_year,
        "areas": t.areas,
        "observed": t.observed,
        "not_compared_territory_changed": list(t.changed),
        "summed_from": list(t.parts),
        "years": [
            {
                "year": y.year,
                "own_error_percent": _pct(y.own),
                "mape_percent": _pct(y.mape),
                "bias_percent": _pct(y.bias),
                "too_low_percent": _pct(y.too_low),
                "constant_mape_percent": _pct(y.constant),
            }
            for y in t.years
        ],
        "by_age": [
            {
                "year": a.year,
                "age_group": a.group,
                "own_error_percent": _pct(a.own),
                "mape_percent": _pct(a.mape),
                "bias_percent": _pct(a.bias),
                "constant_mape_percent": _pct(a.constant),
                "table": a.table,
            }
            for a in t.by_age
        ],
    }


def _published(c: Comparison) -> dict:
    """A published projection beside dwk's: the record as its source states it, and the
    comparison over the years both cover (`compared` false, with the reason, where none)."""
    r = c.record
    return {
        "area": r.area,
        "publisher": r.publisher,
        "title": r.title,
        "base_year": r.base_year,
        "variant": r.variant,
        "values": (
            [{"year": y, "value": _num(v)} for y, v in r.values.items()] if r.values else None
        ),
        "stated_change_percent": r.change,
        "stated_change_from": r.change_from,
        "stated_change_to": r.change_to,
        "source": r.source,
        "url": r.url,
        "release_url": r.release_url or None,
        "published": r.published.isoformat() if r.published else None,
        "accessed": r.accessed.isoformat(),
        "licence": r.licence,
        "note": r.note or None,
        "compared": not c.reason,
        "from_year": c.span[0],
        "to_year": c.span[1],
        "observed_from_population": _maybe(c.observed_from),
        "published_change_percent": _maybe(c.published),
        "dwk_main_change_percent": _maybe(c.main),
        "dwk_low_change_percent": _maybe(c.low),
        "dwk_high_change_percent": _maybe(c.high),
        "difference_points": _maybe(c.difference),
        "reason": c.reason or None,
    }
