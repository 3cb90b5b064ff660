"""A `Profile` as a machine-readable record (`<slug>.json` next to the reports): the area, every
indicator shown with its value, flag, period, source tables and the reference areas' values,
the SWOT with its evidence, the sources, the surveys in brief and the warnings.

The numbers are the profile's numbers, unrounded; a missing value is `null`. The text is
deterministic: sorted keys, two-space indent, UTF-8 as is, a trailing newline.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import PurePath
from typing import Any

import numpy as np

from dwk.areas import Area
from dwk.render.profile_json_extra import extra_record
from dwk.render.swot_view import is_synthetic
from dwk.report.build import Cell, IndicatorRow, Profile

SCHEMA = "dwk-profil/1"


def profile_record(p: Profile) -> dict:
    rows = {r.definition.id: r for r in [*p.key_figures, *p.age_groups]}
    # the catalogue's order (as the profile shows it), then any row the catalogue lacks
    order = [d.id for d in p.catalogue if d.id in rows]
    order += [i for i in rows if i not in order]
    record = {
        "schema": SCHEMA,
        "area": {
            **_area(p.area),
            "type": p.area.type,
            "land": p.area.land,
            **_later(p.area),
            **_absorbed(p),
        },
        "headline_period": p.headline_period,
        "references": [_area(a) for a in p.references],
        "indicators": [_indicator(rows[i], p.references) for i in order],
        "swot": [
            {
                "id": s.id,
                "quadrant": s.quadrant,
                "text": s.text,
                "rule": s.rule,
                "indicator": s.indicator,
                "area": s.area,
                "evidence": plain(s.evidence),
                "synthetic": is_synthetic(s),
            }
            for s in p.swot
        ],
        "sources": [
            {
                "code": m.code,
                "title": m.title,
                "stand": m.stand,
                "copyright": m.copyright,
                "licence": m.licence,
            }
            for m in p.sources
        ],
        "surveys": [
            {
                "title": s.codebook.title,
                "period": s.codebook.period,
                "synthetic": bool(s.codebook.synthetic),
                "n": int(s.n),
            }
            for s in p.surveys
        ],
        "warnings": [str(w) for w in p.warnings],
    }
    record.update(extra_record(p))
    review = _review(getattr(p, "review", None))
    if review is not None:
        record["review"] = review
    return record


def render_json(p: Profile) -> str:
    return dumps(profile_record(p))


def dumps(record: Any) -> str:
    """The one JSON text form of a record (also for tests comparing files)."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False)
    return text + "\n"


def _area(a: Area) -> dict:
    return {"slug": a.slug, "key": a.key, "name": a.name, "level": a.level}


def _absorbed(p: Profile) -> dict:
    """The areas the area took in and kept its key (`Profile.absorbed`): its figures before
    count them too (the territory of today, `inputs.gebietsstand`)."""
    if not p.absorbed:
        return {}
    return {"absorbed": [{"name": name, "since": day} for name, day in p.absorbed]}


def _later(a: Area) -> dict:
    """The key an area has had since, where its key changed with its territory unchanged, or
    the Gemeinden it was formed from by a merger (its figures before are their sum), or the
    area it was taken into (its figures end there)."""
    if a.eingegliedert is not None:
        day, key, name = a.eingegliedert
        return {"eingegliedert": {"into": key, "name": name, "since": day}}
    if a.formed is not None:
        return {"formed": {"since": a.formed.date, "from": list(a.formed.old)}}
    if a.later_key is None:
        return {}
    return {"later_key": {"key": a.later_key.new, "since": a.later_key.date}}


def _indicator(r: IndicatorRow, refs: list[Area]) -> dict:
    d = r.definition
    return {
        "id": d.id,
        "label": d.label,
        "topic": d.topic,
        "unit": d.unit,
        "decimals": int(d.decimals),
        **_cell(r.own),
        "tables": split_tables(r.tables),
        "references": [
            {"key": a.key, "name": a.name, "level": a.level, **_cell(c)}
            for a, c in zip(refs, r.references, strict=False)
        ],
    }


def _cell(c: Cell) -> dict:
    out = {"value": number(c.value), "flag": str(c.flag), "period": str(c.period)}
    if c.basis:
        out["basis"] = c.basis
    return out


def split_tables(text: str) -> list[str]:
    """`"12411-01-01-5, GV-ISys"` → the codes, in their order, without repeats."""
    return list(dict.fromkeys(t.strip() for t in str(text or "").split(",") if t.strip()))


def number(value: Any) -> float | int | None:
    """A float as a Python float, `None` where missing or not finite; ints stay ints."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def plain(value: Any) -> Any:
    """JSON-ready: numpy scalars and arrays as Python values, NaN as null, tuples as lists,
    dataclasses as dicts, anything else unknown as its text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_ | int | np.integer | float | np.floating):
        return number(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=str)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, PurePath):
        return value.as_posix()
    return str(value)


def _review(review: Any) -> dict | None:
    """The SWOT review's state, but only if it is a plain dataclass of text, numbers, lists
    and dicts (possibly nested); anything richer is left out of the record."""
    if review is None or not dataclasses.is_dataclass(review) or isinstance(review, type):
        return None
    if not _trivial(review):
        return None
    return plain(review)


def _trivial(value: Any, depth: int = 0) -> bool:
    if depth > 6:
        return False
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list | tuple):
        return all(_trivial(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _trivial(v, depth + 1) for k, v in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_trivial(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return False
