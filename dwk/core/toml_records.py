"""Typed records from TOML files: one schema per record type (field → type, required or not,
allowed values), checked field by field, with the line of the offending key in the error.

tomllib gives values without positions, so `Lines` finds each key's line by scanning the text
within its table (`[a.b]`, `[[a]]` counted per array, `[[a.b]]` per entry of `[[a]]`). That
costs no new dependency and is enough for the files dwk reads (areas, catalogue, codebook,
review files …); `tomlkit` keeps positions too, but only on its own document objects, and dwk
reads every file through tomllib already.

The types are strict on purpose: `"false"` is not a boolean, `18.9` is not a whole number and
`"achtzehn"` not a number at all; each is refused rather than converted, since a converted
value would silently mean something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml

# ("survey",), ("item", 3), ("respondent", "age"), ("area", 2, "survey", 0) for [[area.survey]]
Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Field:
    """One key of a record: its type, whether it must be there, the values it may take."""

    type: type  # str, bool, int, float (ints accepted), list, dict, date (also "JJJJ-MM-TT")
    required: bool = False
    choices: tuple = ()
    of: type | tuple[type, ...] | None = None  # type(s) of a list's elements, a dict's values
    nonempty: bool = False  # a text must not be blank, a list not empty


Schema = dict[str, Field]

_TYPE_NAMES = {str: "Text", bool: "true oder false (ohne Anführungszeichen)",
               int: "eine ganze Zahl", float: "eine Zahl", list: "eine Liste [ … ]",
               dict: "eine Tabelle { … }", date: "ein Datum JJJJ-MM-TT"}  # fmt: skip


class Lines:
    """Line numbers of the tables and keys of a TOML text, found by scanning it."""

    _HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*[.=]""")

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self._lines: dict[Where, dict[str, int]] = {(): {}}
        counts: dict[Where, int] = {}  # entries so far of each array of tables
        current: Where = ()
        in_string = False
        for n, line in enumerate(text.splitlines(), start=1):
            quotes = line.count('"""') + line.count("'''")
            if in_string:
                in_string = quotes % 2 == 0
                continue
            in_string = quotes % 2 == 1
            if m := self._HEADER.match(line):
                names = tuple(_unquote(p) for p in _split_dotted(m[2]))
                # a name that is an array of tables stands for its latest entry: [[area.survey]]
                # after the third [[area]] is ("area", 2, "survey", i), i counted in that area
                table: Where = ()
                for name in names[:-1]:
                    table = (*table, name)
                    if table in counts:
                        table = (*table, counts[table] - 1)
                table = (*table, names[-1])
                if m[1] == "[[":
                    i = counts.get(table, 0)
                    counts[table] = i + 1
                    current = (*table, i)
                else:
                    current = table
                self._lines.setdefault(current, {}).setdefault("", n)
                self._lines.setdefault(table[:-1], {}).setdefault(str(names[-1]), n)
            elif m := self._KEY.match(line):
                self._lines.setdefault(current, {}).setdefault(_unquote(m[1]), n)

    def line(self, where: Where, key: str | None = None) -> int | None:
        """The key's line, else its table's header line, else the parent table's key."""
        keys = self._lines.get(where, {})
        found = keys.get(key) if key is not None else None
        if found is None:
            found = keys.get("")
        if found is None and where:
            return self.line(where[:-1], str(where[-1]))
        return found

    def error(self, message: str, where: Where, key: str | None = None) -> ConfigError:
        return ConfigError(message, file=self.path, line=self.line(where, key))


def label(where: Where) -> str:
    """How the user finds the table: [survey], [[item]] Nr. 3, [respondent.age]."""
    if where and isinstance(where[-1], int):
        return f"[[{'.'.join(map(str, where[:-1]))}]] Nr. {where[-1] + 1}"
    return f"[{'.'.join(map(str, where))}]" if where else "Datei"


def load(path: Path) -> tuple[dict, Lines]:
    """A TOML file's content (syntax errors as `ConfigError` with line and column) and the
    lines of its tables and keys."""
    raw = load_toml(path)
    return raw, Lines(path, path.read_text("utf-8"))


def sections(raw: dict, allowed: tuple[str, ...], lines: Lines) -> None:
    """Refuses a top-level key that is not in `allowed`: a misspelt `[[areas]]` would otherwise
    leave the records silently empty."""
    if unknown := [k for k in raw if k not in allowed]:
        raise lines.error(
            f"unbekannter Abschnitt [{unknown[0]}] (möglich: {', '.join(allowed)})", (), unknown[0]
        )


def records(raw: dict, key: str, lines: Lines) -> list[dict]:
    """The `[[key]]` tables of a file (none if absent); anything else under `key` is an error."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise lines.error(f"{key} muss als [[{key}]] stehen", (), key)
    return value


def record_name(what: str, i: int, raw: object) -> str:
    """ "Indikator bevoelkerung" where the record has a text id, else "Indikator Nr. 3" (`i`
    counted from 0)."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f"{what} {ident}" if isinstance(ident, str) and ident.strip() else f"{what} Nr. {i + 1}"


def check(raw: object, schema: Schema, lines: Lines, where: Where, name: str | None = None) -> dict:
    """The record at `where`, every field checked against `schema`; absent optional fields are
    left out, so the caller states its defaults. Messages start with `name` ("Gebiet Nr. 3"),
    by default with the table as `label` writes it."""
    name = name or label(where)
    if not isinstance(raw, dict):
        raise lines.error(f"{name} muss eine Tabelle sein", where)
    for key in raw:
        if key not in schema:
            raise lines.error(
                f"{name}: unbekanntes Feld {key!r} (möglich: {', '.join(schema)})", where, key
            )
    missing = [key for key, spec in schema.items() if spec.required and key not in raw]
    if missing:
        what = f"{missing[0]} fehlt" if len(missing) == 1 else f"es fehlen {', '.join(missing)}"
        raise lines.error(f"{name}: {what}", where)
    return {
        key: _value(raw[key], spec, lines, where, key, name)
        for key, spec in schema.items()
        if key in raw
    }


def _value(value: object, spec: Field, lines: Lines, where: Where, key: str, name: str) -> object:
    def fail(problem: str) -> ConfigError:
        return lines.error(f"{name}: {key} {problem}", where, key)

    if not _is(value, spec.type):
        raise fail(f"muss {_TYPE_NAMES[spec.type]} sein, nicht {_shown(value)}")
    if spec.type is date and isinstance(value, str):
        try:
            value = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:
            value = None
        if value is None:
            raise fail(f"muss {_TYPE_NAMES[date]} sein")
    if spec.of is not None:
        members = value if isinstance(value, list) else list(value.values())  # type: ignore[union-attr]
        for member in members:
            if not _is(member, spec.of):
                kinds = spec.of if isinstance(spec.of, tuple) else (spec.of,)
                allowed = " oder ".join(_TYPE_NAMES[k] for k in kinds)
                raise fail(f"enthält {_shown(member)}; erlaubt ist nur {allowed}")
    if spec.nonempty and (not value or (isinstance(value, str) and not value.strip())):
        raise fail("ist leer")
    if spec.choices:
        bad = [v for v in (value if isinstance(value, list) else [value]) if v not in spec.choices]
        if bad:
            raise fail(
                f"{bad[0]!r} ist nicht erlaubt (möglich: {', '.join(map(str, spec.choices))})"
            )
    return value


def _is(value: object, kind: type | tuple[type, ...]) -> bool:
    if isinstance(kind, tuple):
        return any(_is(value, k) for k in kind)
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is date:
        return isinstance(value, str | date) and not hasattr(value, "hour")
    return isinstance(value, kind)


def _shown(value: object) -> str:
    """The offending value's kind, and the value where it is short and the author's own."""
    kinds = {bool: "ein Wahrheitswert", list: "eine Liste", dict: "eine Tabelle"}
    for kind, name in kinds.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, str):
        return f"der Text {value!r}" if len(value) <= 30 else "ein Text"
    return repr(value) if isinstance(value, int | float) else "ein Datum"


def _split_dotted(text: str) -> list[str]:
    return [p.strip() for p in re.findall(r"""(?:"[^"]*"|'[^']*'|[^.])+""", text)]


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text
