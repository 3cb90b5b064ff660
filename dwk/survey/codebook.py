"""A survey's codebook (TOML): what each column asks, on which scale, and how its answers map.

The codebook is the only place where answers get their meaning. An answer it does not name is
an error later, never a guess; so the scales list both the export's codes and the labels a
"full answers" export writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwk.core.errors import ConfigError
from dwk.core.toml_records import Field, Lines, Schema, check, load, records, sections

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


SURVEY: Schema = {
    "title": Field(str, required=True, nonempty=True),
    "source": Field(str, required=True, nonempty=True),
    "period": Field(str, required=True, nonempty=True),
    "population": Field(str, nonempty=True),
    "min_age": Field(int),
    "synthetic": Field(bool),
}
SCALE: Schema = {
    "labels": Field(list, required=True, of=str),
    "codes": Field(list, of=(str, int)),
    "missing": Field(dict, of=str),
}
ITEM: Schema = {
    "id": Field(str, required=True, nonempty=True),
    "column": Field(str, required=True, nonempty=True),
    "wording": Field(str, required=True, nonempty=True),
    "scale": Field(str, required=True),
    "handlungsfeld": Field(str, required=True, nonempty=True),
    "polarity": Field(str, required=True),
    "reverse": Field(bool),
}
RESPONDENT: Schema = {
    "column": Field(str, required=True, nonempty=True),
    "years": Field(bool),
    "values": Field(dict, of=str),
}
WEIGHTING: Schema = {
    "by": Field(list, of=str),
    "unweightable": Field(str, choices=UNWEIGHTABLE),
}
OPEN: Schema = {
    "id": Field(str, required=True, nonempty=True),
    "column": Field(str, required=True, nonempty=True),
    "wording": Field(str, required=True, nonempty=True),
}
SECTIONS = ("survey", "scale", "item", "respondent", "weighting", "open")


def load_codebook(path: Path) -> Codebook:
    """The codebook at `path`, every field checked by type; errors name the line to fix."""
    raw, lines = load(path)
    sections(raw, SECTIONS, lines)
    if not isinstance(raw.get("survey"), dict):
        raise lines.error("Abschnitt [survey] fehlt", (), "survey")
    survey = check(raw["survey"], SURVEY, lines, ("survey",))
    min_age = survey.get("min_age", 18)
    if not 0 <= min_age <= 120:
        raise lines.error(
            f"[survey]: min_age {min_age} liegt nicht zwischen 0 und 120", ("survey",), "min_age"
        )
    scales = {sid: _scale(sid, s, lines) for sid, s in _section(raw, "scale", lines).items()}
    items = tuple(_item(i, r, scales, lines) for i, r in enumerate(records(raw, "item", lines)))
    if not items:
        raise lines.error("Codebuch ohne [[item]]", ())
    respondents = {
        f: _respondent(f, r, lines)
        for f, r in _section(raw, "respondent", lines, required=False).items()
    }
    opens = tuple(
        OpenQuestion(**check(o, OPEN, lines, ("open", i)))
        for i, o in enumerate(records(raw, "open", lines))
    )
    weighting = check(raw.get("weighting", {}), WEIGHTING, lines, ("weighting",))
    by = tuple(weighting.get("by", ()))
    for f in by:
        if f not in WEIGHT_BY or f not in respondents:
            raise lines.error(
                f"[weighting] by: {f!r} ist kein Merkmal [respondent.{f}]", ("weighting",), "by"
            )
    _unique([i.id for i in items] + [o.id for o in opens], "IDs", path)
    columns = [i.column for i in items] + [r.column for r in respondents.values()]
    _unique(columns + [o.column for o in opens], "Spalten", path)
    return Codebook(
        path=path,
        title=survey["title"],
        source=survey["source"],
        period=survey["period"],
        population=survey.get("population", "Einwohnerinnen und Einwohner ab 18 Jahren"),
        synthetic=survey.get("synthetic", False),
        min_age=min_age,
        items=items,
        respondents=respondents,
        open_questions=opens,
        weight_by=by,
        unweightable=weighting.get("unweightable", "fehler"),
    )


def _section(raw: dict, key: str, lines: Lines, required: bool = True) -> dict:
    value = raw.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise lines.error(
            f"Abschnitt [{key}] fehlt"
            if value is None
            else f"{key} muss als Abschnitt [{key}.…] stehen",
            (),
            key,
        )
    return value


def _norm(text: str) -> str:
    """An answer as the coding compares it (see `dwk.survey.responses`)."""
    return " ".join(text.split()).casefold()


def _scale(sid: str, raw: object, lines: Lines) -> Scale:
    where = ("scale", sid)
    if not isinstance(raw, dict):
        raise lines.error(f"Skala {sid}: keine Tabelle [scale.{sid}]", where)
    fields = check(raw, SCALE, lines, where)
    labels = tuple(fields["labels"])
    if len(labels) < 2:
        raise lines.error(f"Skala {sid}: labels braucht mindestens zwei Texte", where, "labels")
    codes = tuple(str(c) for c in fields.get("codes", range(1, len(labels) + 1)))
    if len(codes) != len(labels):
        raise lines.error(
            f"Skala {sid}: {len(codes)} codes für {len(labels)} labels", where, "codes"
        )
    missing = fields.get("missing", {})
    valid = {_norm(x) for x in (*codes, *labels)}
    clash = sorted(x for x in missing if _norm(x) in valid)
    if clash:
        raise lines.error(f"Skala {sid}: {', '.join(clash)} gültig und fehlend", where, "missing")
    # one answer text, one code: "A1" twice, or a label that is another position's code
    meaning: dict[str, int] = {}
    for key, texts in (("codes", codes), ("labels", labels)):
        for position, text in enumerate(texts, start=1):
            if meaning.setdefault(_norm(text), position) != position:
                raise lines.error(
                    f"Skala {sid}: Antwort {text!r} steht für zwei Codes "
                    f"({meaning[_norm(text)]} und {position})",
                    where,
                    key,
                )
    if len({_norm(x) for x in missing}) != len(missing):
        raise lines.error(f"Skala {sid}: eine fehlende Antwort steht doppelt", where, "missing")
    return Scale(sid, labels, codes, missing)


def _item(i: int, raw: dict, scales: dict[str, Scale], lines: Lines) -> Item:
    where = ("item", i)
    fields = check(raw, ITEM, lines, where)
    name = f"Item Nr. {i + 1} ({fields['id']})"
    scale = scales.get(fields["scale"])
    if scale is None:
        raise lines.error(f"{name}: unbekannte Skala {fields['scale']!r}", where, "scale")
    if fields["polarity"] not in POLARITIES:
        raise lines.error(f"{name}: polarity muss {' | '.join(POLARITIES)} sein", where, "polarity")
    return Item(
        fields["id"],
        fields["column"],
        fields["wording"],
        scale,
        fields["handlungsfeld"],
        fields["polarity"],
        fields.get("reverse", False),
    )


def _respondent(field: str, raw: object, lines: Lines) -> Respondent:
    where = ("respondent", field)
    if field not in RESPONDENT_FIELDS:
        raise lines.error(
            f"[respondent.{field}]: bekannt sind {', '.join(RESPONDENT_FIELDS)}", where
        )
    fields = check(raw, RESPONDENT, lines, where)
    years = field == "age" and fields.get("years", False)
    values = fields.get("values", {})
    if not years and not values:
        raise lines.error(
            f"[respondent.{field}]: values fehlt (oder years = true beim Alter)", where
        )
    if len({_norm(k) for k in values}) != len(values):
        raise lines.error(
            f"[respondent.{field}]: eine Antwort steht doppelt in values", where, "values"
        )
    allowed = {"age": [g for g, _, _ in AGE_GROUPS], "sex": list(SEXES)}.get(field)
    if allowed and not years:
        bad = sorted(set(values.values()) - set(allowed))
        if bad:
            raise lines.error(
                f"[respondent.{field}]: {', '.join(bad)} (erlaubt: {', '.join(allowed)})",
                where,
                "values",
            )
    order = tuple(allowed) if allowed else tuple(dict.fromkeys(values.values()))
    return Respondent(field, fields["column"], years, values, order)


def _unique(values: list[str], what: str, path: Path) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise ConfigError(f"{what} doppelt: {v}", file=path)
        seen.add(v)
