"""SWOT review files: one plain TOML file per area, written by `dwk swot review` and edited by
hand after the workshops, so that the researchers' verdicts live in version control next to the
rules that produced the candidates.

An item is known by its stable id `rule:indicator:area`: a data update that changes a value or
a wording keeps the review; candidates that appear or disappear are marked `new` or `gone`,
never merged or dropped silently. dwk rewrites the whole file on each run, so comments other
than its own header do not survive; a verdict's reasons belong in `reason`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from numbers import Integral, Real
from pathlib import Path

import tomli_w

from dwk.areas import Area
from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml
from dwk.core.toml_records import Lines
from dwk.swot.engine import NEED, QUADRANTS, SwotItem
from dwk.swot.review_scope import ReviewScope
from dwk.swot.rules import SwotRule

CANDIDATE, ACCEPTED, EDITED, REJECTED = "candidate", "accepted", "edited", "rejected"
STATUSES = (CANDIDATE, ACCEPTED, EDITED, REJECTED)
NEW, GONE = "new", "gone"
MARKS = ("", NEW, GONE)
ITEM_QUADRANTS = (*QUADRANTS, NEED)
ITEM_FIELDS = ("id", "mark", "quadrant", "text", "status", "reviewer", "date", "edited", "reason",
               "evidence")  # fmt: skip
ADDED_FIELDS = ("id", "quadrant", "text", "source", "reviewer", "date")
SURVEY_KIND = "survey"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReviewEntry:
    """A rule's candidate as the file records it: the last text seen and the verdict on it."""

    id: str
    quadrant: str
    text: str
    status: str = CANDIDATE
    reviewer: str = ""
    date: str = ""
    edited: str = ""
    reason: str = ""
    mark: str = ""
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AddedEntry:
    """An item a workshop added: no rule behind it, so its source stands in for the evidence."""

    id: str
    quadrant: str
    text: str
    source: str
    reviewer: str
    date: str


@dataclass(frozen=True)
class Review:
    path: Path
    area: str
    items: tuple[ReviewEntry, ...]
    added: tuple[AddedEntry, ...] = ()

    def by_id(self) -> dict[str, ReviewEntry]:
        return {e.id: e for e in self.items}


def default_review_dir() -> Path:
    return paths.data_dir() / "reviews"


def load_review(
    path: Path, area: Area, rules: list[SwotRule], scope: ReviewScope | None = None
) -> Review | None:
    """The review file at `path`, checked against the area and the rules (and, given `scope`,
    against what the rules can produce for this area); None if there is none."""
    if not path.exists():
        return None
    doc = load_toml(path)
    where = _Locator(path, path.read_text("utf-8"))
    unknown = sorted(set(doc) - {"area", "item", "added"})
    if unknown:
        raise where.error(
            f"unbekanntes Feld {unknown[0]!r} (möglich: area, [[item]], [[added]])",
            "",
            0,
            unknown[0],
        )
    if doc.get("area", area.key) != area.key:
        raise where.error(
            f"Review-Datei für Gebiet {doc['area']!r}, nicht für {area.key} ({area.name})",
            "",
            0,
            "area",
        )
    by_rule = {r.id: r for r in rules}
    items = tuple(
        _entry(raw, i, where, area, by_rule, scope)
        for i, raw in enumerate(_tables(doc, "item", where))
    )
    added = tuple(_added(raw, i, where) for i, raw in enumerate(_tables(doc, "added", where)))
    seen: dict[str, tuple[str, int]] = {}
    for section, entries in (("item", items), ("added", added)):
        for i, e in enumerate(entries):
            if e.id in seen:
                first = where.line(*seen[e.id], "id")
                raise where.error(
                    f"ID {e.id!r} steht doppelt (zuerst in Zeile {first})", section, i, "id"
                )
            seen[e.id] = (section, i)
    return Review(path, area.key, items, added)


def merge_review(
    old: Review | None, candidates: list[SwotItem], area: Area, path: Path
) -> tuple[Review, int, int, list[str]]:
    """The file's next state: current candidates with their verdicts kept and their text
    refreshed, then the items that are gone; returns it with the counts of new and gone items
    and notes on quadrants that flipped (the verdict may no longer fit)."""
    before = old.by_id() if old else {}
    items, notes, new = [], [], 0
    for c in candidates:
        prev = before.get(c.id)
        if prev is None:
            mark = NEW if old is not None else ""
            items.append(
                ReviewEntry(c.id, c.quadrant, c.text, mark=mark, evidence=_evidence(c.evidence))
            )
        else:
            mark = NEW if prev.mark == GONE else ""
            if prev.quadrant and prev.quadrant != c.quadrant and prev.status != CANDIDATE:
                notes.append(
                    f"{c.id}: jetzt {c.quadrant} statt {prev.quadrant}, "
                    f"Review ({prev.status}) prüfen"
                )
            items.append(
                replace(
                    prev,
                    quadrant=c.quadrant,
                    text=c.text,
                    mark=mark,
                    evidence=_evidence(c.evidence),
                )
            )
        new += mark == NEW
    ids = {c.id for c in candidates}
    gone = [replace(e, mark=GONE) for e in before.values() if e.id not in ids]
    added = old.added if old else ()
    return Review(path, area.key, (*items, *gone), added), new, len(gone), notes


def dump_review(review: Review, area: Area) -> str:
    out = [
        _HEADER.format(name=area.name, key=area.key, slug=area.slug).rstrip("\n"),
        "",
        f"area = {_value(area.key)}",
    ]
    for e in review.items:
        values = {
            "id": e.id,
            "mark": e.mark,
            "quadrant": e.quadrant,
            "text": e.text,
            "status": e.status,
            "reviewer": e.reviewer,
            "date": e.date,
            "edited": e.edited,
            "reason": e.reason,
        }
        if not e.mark:
            del values["mark"]
        out += ["", "[[item]]", *(f"{k} = {_value(v)}" for k, v in values.items())]
        out.append(f"evidence = {_inline(e.evidence)}")
    for a in review.added:
        out += ["", "[[added]]", *(f"{k} = {_value(getattr(a, k))}" for k in ADDED_FIELDS)]
    return "\n".join(out) + "\n"


_HEADER = """\
# SWOT-Review: {name} ({key}). Geschrieben und erneuert mit `dwk swot review {slug}`.
#
# [[item]]: ein Kandidat der Regeln, erkannt an seiner id (regel:indikator:gebiet).
#   status    candidate (ungeprüft) | accepted | edited | rejected
#   reviewer  wer geprüft hat; Pflicht für accepted, edited und rejected
#   date      Datum der Prüfung, JJJJ-MM-TT; Pflicht für accepted, edited und rejected
#   edited    die neue Formulierung; Pflicht für edited
#   reason    Begründung; Pflicht für rejected
#   quadrant, text und evidence schreibt dwk bei jedem Lauf neu. mark = "new": nach einem
#   Datenupdate neu dazugekommen (beim nächsten Lauf wieder gelöscht); mark = "gone": die
#   Regel schlägt nicht mehr an. Entfallene Einträge bleiben mit ihrem Review stehen, bis
#   jemand sie löscht.
# [[added]]: eine Aussage aus der Werkstatt, mit id, quadrant (Stärke | Schwäche | Chance |
#   Risiko | Handlungsbedarf), text, source, reviewer und date, z. B.
#     [[added]]
#     id = "werkstatt-1"
#     quadrant = "Chance"
#     text = "Der Bahnhof wird zum Bürgertreff umgebaut."
#     source = "Zukunftswerkstatt 12.03.2026"
#     reviewer = "A. Muster"
#     date = "2026-03-12"
# Eigene Kommentare gehen beim nächsten Lauf verloren; Gründe gehören in reason.
"""


def _value(v: object) -> str:
    if isinstance(v, list):  # on the evidence's one line, where tomli_w breaks it
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return tomli_w.dumps({"v": v})[4:].rstrip("\n")


def _inline(evidence: dict) -> str:
    parts = [
        f"{k if re.fullmatch(r'[A-Za-z0-9_-]+', k) else _value(k)} = {_value(v)}"
        for k, v in evidence.items()
    ]
    return "{ " + ", ".join(parts) + " }" if parts else "{}"


def _evidence(evidence: dict) -> dict:
    """The evidence as TOML can hold it, rounded so that the file does not churn on noise."""
    out = {}
    for k, v in evidence.items():
        if isinstance(v, bool | str):
            out[k] = v
        elif isinstance(v, Integral):
            out[k] = int(v)
        elif isinstance(v, Real):
            out[k] = round(float(v), 3)
        elif isinstance(v, list | tuple):  # the rules of a merged item: a TOML array
            out[k] = [str(x) for x in v]
        elif v is not None:
            out[k] = str(v)
    return out


def _tables(doc: dict, key: str, where: _Locator) -> list[dict]:
    raw = doc.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise where.error(f"{key} muss als [[{key}]] stehen", "", 0, key)
    return raw


def _entry(
    raw: dict,
    i: int,
    where: _Locator,
    area: Area,
    rules: dict[str, SwotRule],
    scope: ReviewScope | None = None,
) -> ReviewEntry:
    values = _fields(raw, "item", i, where, ITEM_FIELDS)
    ident = values["id"]
    _check_id(ident, i, where, area, rules, scope)
    if values["quadrant"] not in ("", *ITEM_QUADRANTS):
        raise where.error(
            f"{ident}: unbekannter Quadrant {values['quadrant']!r}", "item", i, "quadrant"
        )
    if values["mark"] not in MARKS:
        raise where.error(
            f"{ident}: unbekannte Markierung {values['mark']!r} (möglich: new, gone)",
            "item",
            i,
            "mark",
        )
    status = values["status"] or CANDIDATE
    if status not in STATUSES:
        raise where.error(
            f"{ident}: unbekannter Status {status!r} (möglich: {', '.join(STATUSES)})",
            "item",
            i,
            "status",
        )
    if status == EDITED and not values["edited"].strip():
        raise where.error(
            f"{ident}: Status edited ohne neue Formulierung (edited)", "item", i, "status"
        )
    if status == REJECTED and not values["reason"].strip():
        raise where.error(f"{ident}: abgelehnt ohne Begründung (reason)", "item", i, "status")
    if status != CANDIDATE:
        _check_signed(ident, values, "item", i, where, f"Status {status}")
    elif values["date"]:
        _check_date(ident, values["date"], "item", i, where)
    evidence = raw.get("evidence", {})
    if not isinstance(evidence, dict):
        raise where.error(f"{ident}: evidence muss eine Tabelle sein", "item", i, "evidence")
    return ReviewEntry(
        ident,
        values["quadrant"],
        values["text"],
        status,
        values["reviewer"],
        values["date"],
        values["edited"],
        values["reason"],
        values["mark"],
        evidence,
    )


def _added(raw: dict, i: int, where: _Locator) -> AddedEntry:
    values = _fields(raw, "added", i, where, ADDED_FIELDS)
    ident = values["id"]
    if values["quadrant"] not in ITEM_QUADRANTS:
        raise where.error(
            f"{ident}: unbekannter Quadrant {values['quadrant']!r} (möglich: "
            f"{', '.join(ITEM_QUADRANTS)})",
            "added",
            i,
            "quadrant",
        )
    for name, label in (("text", "Text"), ("source", "Quelle (source)")):
        if not values[name].strip():
            raise where.error(f"{ident}: Ergänzung ohne {label}", "added", i, name)
    _check_signed(ident, values, "added", i, where, "Ergänzung")
    return AddedEntry(**values)


def _fields(raw: dict, section: str, i: int, where: _Locator, allowed: tuple) -> dict[str, str]:
    unknown = [k for k in raw if k not in allowed]
    if unknown:
        raise where.error(
            f"unbekanntes Feld {unknown[0]!r} (möglich: {', '.join(allowed)})",
            section,
            i,
            unknown[0],
        )
    if not raw.get("id"):
        raise where.error(f"[[{section}]] ohne id", section, i)
    out = {}
    for name in allowed:
        if name == "evidence":
            continue
        v = raw.get(name, "")
        if isinstance(v, date):
            v = v.isoformat()
        if not isinstance(v, str):
            raise where.error(f"{raw['id']}: {name} muss Text sein", section, i, name)
        out[name] = v.strip() if name in ("id", "status", "mark", "date") else v
    return out


def _check_id(
    ident: str, i: int, where: _Locator, area: Area, rules: dict, scope: ReviewScope | None
) -> None:
    parts = ident.split(":")
    if len(parts) != 3:
        raise where.error(
            f"ID {ident!r} hat nicht die Form regel:indikator:gebiet", "item", i, "id"
        )
    rule_id, indicator, key = parts
    rule = rules.get(rule_id)
    if rule is None:
        problem = f"die Regel {rule_id!r} gibt es nicht"
    elif key != area.key:
        problem = f"gehört zum Gebiet {key!r}, nicht zu {area.key} ({area.name})"
    elif rule.kind == SURVEY_KIND and not re.fullmatch(r"umfrage\.[\w-]+", indicator):
        problem = f"die Umfrageregel {rule_id!r} liest Items umfrage.<item>, nicht {indicator!r}"
    elif rule.kind != SURVEY_KIND and indicator != rule.indicator:
        problem = f"die Regel {rule_id!r} liest {rule.indicator!r}, nicht {indicator!r}"
    elif scope is None or (problem := scope.problem(rule, indicator)) is None:  # type: ignore[assignment]
        return
    raise where.error(f"unbekannte SWOT-Aussage {ident!r}: {problem}", "item", i, "id")


def _check_signed(ident: str, values: dict, section: str, i: int, where, what: str) -> None:
    if not values["reviewer"].strip():
        raise where.error(f"{ident}: {what} ohne reviewer", section, i, "reviewer")
    _check_date(ident, values["date"], section, i, where)


def _check_date(ident: str, value: str, section: str, i: int, where: _Locator) -> None:
    try:
        ok = bool(_DATE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        ok = False
    if not ok:
        raise where.error(f"{ident}: date {value!r} ist kein Datum JJJJ-MM-TT", section, i, "date")


class _Locator(Lines):
    """Lines of the file's `[[item]]`/`[[added]]` entries and their keys (the scanner of
    `dwk.core.toml_records`); an absent key points at its entry's id, so that an error points
    at the entry to fix."""

    def line(self, section: str, index: int, key: str | None = None) -> int | None:  # type: ignore[override]
        keys = self._lines.get((section, index) if section else (), {})
        return keys.get(key or "id") or keys.get("id") or keys.get("")

    def error(self, message: str, section: str, index: int, key: str | None = None):  # type: ignore[override]
        return ConfigError(message, file=self.path, line=self.line(section, index, key))
