"""A survey's codebook (TOML): what each column asks, on which scale, and how its answers map.

The codebook is the only place where answers get their meaning. An answer it does not name is
an error later, never a guess; so the scales list both the export's codes and the labels a
"full answers" export writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml

POLARITIES = ("zustimmung_guenstig", "zustimmung_unguenstig", "neutral")
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("18–29", 18, 30), ("30–44", 30, 45), ("45–64", 45, 65), ("65–74", 65, 75), ("75+", 75, None),
)  # fmt: skip
SEXES = ("männlich", "weiblich", "divers")
RESPONDENT_FIELDS = ("age", "sex", "district")
WEIGHT_BY = ("age", "sex")
UNWEIGHTABLE = ("fehler", "ausschliessen")


@dataclass(frozen=True)
class Scale:
    id: str
    labels: tuple[str, ...]  # label of code 1..k, from "disagree" to "agree"
    codes: tuple[str, ...]  # what the export writes for code 1..k
    missing: dict[str, str]  # export text -> reason it is not a valid answer

    @property
    def points(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Item:
    id: str
    column: str
    wording: str
    scale: Scale
    handlungsfeld: str
    polarity: str
    reverse: bool  # the export's codes run the other way (SoSci "umgepolt"): k+1-x first


@dataclass(frozen=True)
class Respondent:
    """A respondent attribute for breakdowns and weighting: age, sex or district."""

    field: str
    column: str
    years: bool  # age given in years, grouped into AGE_GROUPS
    values: dict[str, str]  # export text -> category
    order: tuple[str, ...]


@dataclass(frozen=True)
class OpenQuestion:
    id: str
    column: str
    wording: str


@dataclass(frozen=True)
class Codebook:
    path: Path
    title: str
    source: str
    period: str
    population: str
    synthetic: bool
    min_age: int
    items: tuple[Item, ...]
    respondents: dict[str, Respondent]
    open_questions: tuple[OpenQuestion, ...]
    weight_by: tuple[str, ...]
    unweightable: str

    @property
    def handlungsfelder(self) -> list[str]:
        return list(dict.fromkeys(i.handlungsfeld for i in self.items))


def load_codebook(path: Path) -> Codebook:
    raw = load_toml(path)
    survey = _table(raw, "survey", path)
    for key in ("title", "source", "period"):
        if not isinstance(survey.get(key), str) or not survey[key].strip():
            raise ConfigError(f"[survey] braucht {key} (Text)", file=path)
    scales = {sid: _scale(sid, s, path) for sid, s in _table(raw, "scale", path).items()}
    items = tuple(_item(i, r, scales, path) for i, r in enumerate(raw.get("item", []), start=1))
    if not items:
        raise ConfigError("Codebuch ohne [[item]]", file=path)
    respondents = {
        f: _respondent(f, r, path) for f, r in raw.get("respondent", {}).items() if _known(f, path)
    }
    opens = tuple(
        OpenQuestion(_text(o, "id", "offene Frage", path), _text(o, "column", o["id"], path),
                     _text(o, "wording", o["id"], path))
        for o in raw.get("open", [])
    )  # fmt: skip
    weighting = raw.get("weighting", {})
    by = tuple(weighting.get("by", ()))
    for f in by:
        if f not in WEIGHT_BY or f not in respondents:
            raise ConfigError(f"[weighting] by: {f!r} ist kein Merkmal [respondent.{f}]", file=path)
    unweightable = weighting.get("unweightable", "fehler")
    if unweightable not in UNWEIGHTABLE:
        raise ConfigError(f"[weighting] unweightable: {' oder '.join(UNWEIGHTABLE)}", file=path)
    _unique([i.id for i in items] + [o.id for o in opens], "IDs", path)
    columns = [i.column for i in items] + [r.column for r in respondents.values()]
    _unique(columns + [o.column for o in opens], "Spalten", path)
    return Codebook(
        path=path, title=survey["title"], source=survey["source"], period=survey["period"],
        population=survey.get("population", "Einwohnerinnen und Einwohner ab 18 Jahren"),
        synthetic=bool(survey.get("synthetic", False)), min_age=int(survey.get("min_age", 18)),
        items=items, respondents=respondents, open_questions=opens, weight_by=by,
        unweightable=unweightable,
    )  # fmt: skip


def _table(raw: dict, key: str, path: Path) -> dict:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"Abschnitt [{key}] fehlt", file=path)
    return value


def _text(raw: dict, key: str, where: str, path: Path) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} fehlt oder ist leer", file=path)
    return value


def _scale(sid: str, raw: dict, path: Path) -> Scale:
    if not isinstance(raw, dict):
        raise ConfigError(f"Skala {sid}: keine Tabelle [scale.{sid}]", file=path)
    labels = raw.get("labels", ())
    if (
        not isinstance(labels, list)
        or len(labels) < 2
        or not all(isinstance(x, str) for x in labels)
    ):
        raise ConfigError(f"Skala {sid}: labels braucht mindestens zwei Texte", file=path)
    labels = tuple(labels)
    codes = raw.get("codes", list(range(1, len(labels) + 1)))
    if not isinstance(codes, list):
        raise ConfigError(f"Skala {sid}: codes muss eine Liste sein", file=path)
    codes = tuple(str(c) for c in codes)
    if len(codes) != len(labels):
        raise ConfigError(f"Skala {sid}: {len(codes)} codes für {len(labels)} labels", file=path)
    missing = raw.get("missing", {})
    if not isinstance(missing, dict):
        raise ConfigError(
            f"Skala {sid}: missing muss eine Tabelle sein (Antwort = Grund)", file=path
        )
    missing = {str(k): str(v) for k, v in missing.items()}
    clash = (set(codes) | set(labels)) & set(missing)
    if clash:
        raise ConfigError(f"Skala {sid}: {', '.join(sorted(clash))} gültig und fehlend", file=path)
    return Scale(sid, labels, codes, missing)


def _item(i: int, raw: dict, scales: dict[str, Scale], path: Path) -> Item:
    where = f"Item Nr. {i} ({raw.get('id', '?')})"
    unknown = set(raw) - {
        "id",
        "column",
        "wording",
        "scale",
        "handlungsfeld",
        "polarity",
        "reverse",
    }
    if unknown:
        raise ConfigError(f"{where}: unbekannte Felder {', '.join(sorted(unknown))}", file=path)
    scale = scales.get(raw.get("scale", ""))
    if scale is None:
        raise ConfigError(f"{where}: unbekannte Skala {raw.get('scale')!r}", file=path)
    if raw.get("polarity") not in POLARITIES:
        raise ConfigError(f"{where}: polarity muss {' | '.join(POLARITIES)} sein", file=path)
    return Item(
        _text(raw, "id", where, path), _text(raw, "column", where, path),
        _text(raw, "wording", where, path), scale, _text(raw, "handlungsfeld", where, path),
        raw["polarity"], bool(raw.get("reverse", False)),
    )  # fmt: skip


def _known(field: str, path: Path) -> bool:
    if field not in RESPONDENT_FIELDS:
        raise ConfigError(f"[respondent.{field}]: bekannt sind {', '.join(RESPONDENT_FIELDS)}", file=path)  # fmt: skip
    return True


def _respondent(field: str, raw: dict, path: Path) -> Respondent:
    where = f"[respondent.{field}]"
    column = _text(raw, "column", where, path)
    years = field == "age" and raw.get("years", False) is True
    values = {str(k): str(v) for k, v in raw.get("values", {}).items()}
    if not years and not values:
        raise ConfigError(f"{where}: values fehlt (oder years = true beim Alter)", file=path)
    allowed = {"age": [g for g, _, _ in AGE_GROUPS], "sex": list(SEXES)}.get(field)
    if allowed and not years:
        bad = sorted(set(values.values()) - set(allowed))
        if bad:
            raise ConfigError(f"{where}: {', '.join(bad)} (erlaubt: {', '.join(allowed)})", file=path)  # fmt: skip
    order = tuple(allowed) if allowed else tuple(dict.fromkeys(values.values()))
    return Respondent(field, column, years, values, order)


def _unique(values: list[str], what: str, path: Path) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise ConfigError(f"{what} doppelt: {v}", file=path)
        seen.add(v)
