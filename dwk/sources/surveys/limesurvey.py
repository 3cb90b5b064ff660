"""Reader for LimeSurvey's CSV response export, and the delimited-text tokenizer SoSci shares.

The export is UTF-8 with BOM, CRLF, a separator the administrator chose (`;` by default, `,` or
tab) and free text with newlines inside quotes, so a physical line is not a record. LimeSurvey
writes NULL (question not shown) as an unquoted empty field and an empty answer as `""`; the
csv module cannot tell them apart, hence the small tokenizer here. A file that does not quote
every heading was not written by LimeSurvey as it stands, so its empty fields stay undecided.

Values masked against CSV injection (`'=…`, `'+…` with csvMaskEquations) are kept as written:
whether the apostrophe is LimeSurvey's or the respondent's cannot be told from the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from dwk.core.errors import InputError
from dwk.sources.surveys.raw import RawSurvey, is_identifying
from dwk.sources.text import decode, read_bytes

SEPARATORS = (";", ",", "\t")
Record = tuple[int, list[str | None]]

_SUBMITDATE = frozenset({"submitdate", "datum abgeschickt", "date submitted", "completed"})
_LEAKED_BOM = re.compile(r"^(?:\ufeff|X\.U\.FEFF\.|ï»¿|ï\.\.)+")
_R_MANGLED = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_]+)\.$")
_BRACKET = re.compile(r"\[\s*([^\[\]]*?)\s*\]")


def read_limesurvey(path: Path, data: bytes | None = None) -> RawSurvey:
    """One LimeSurvey response export; `data` are its bytes if the caller has them."""
    text, _ = decode(path, read_bytes(path, "survey") if data is None else data)
    heading, rows = read_table(path, text)
    names = unique_headings(path, [normalise_heading(h or "") for h in heading])
    answered = [r for r in rows if any(r[1])]
    if not _quotes_everything(text):
        # a re-saved or hand-edited export quotes only where needed: an empty field is then
        # "no answer or not shown", never a NULL LimeSurvey wrote
        answered = [(line, ["" if f is None else f for f in fields]) for line, fields in answered]
    kept = [j for j, name in enumerate(names) if not is_identifying(name)]
    submit = next((j for j, n in enumerate(names) if n.casefold() in _SUBMITDATE), None)
    return RawSurvey(
        path=path,
        format="limesurvey",
        columns={names[j]: [fields[j] for _, fields in answered] for j in kept},
        lines=[line for line, _ in answered],
        positions={names[j]: j + 1 for j in kept},
        complete=None if submit is None else [bool((f[submit] or "").strip()) for _, f in answered],
        dropped=tuple(n for n in names if is_identifying(n)),
        skipped_empty=len(rows) - len(answered),
    )


def _quotes_everything(text: str) -> bool:
    """LimeSurvey's own writer quotes every heading; only then is an unquoted empty a NULL."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    sep = max(SEPARATORS, key=first.count)
    return all(len(f) >= 2 and f[0] == f[-1] == '"' for f in first.split(sep))


def normalise_heading(name: str) -> str:
    """`X.U.FEFF.id` → `id`, R's `PKZ.SQ001.` → `PKZ[SQ001]`, `Frage  [ Teil ]` → `Frage [Teil]`."""
    name = " ".join(_LEAKED_BOM.sub("", name.strip()).split())
    name = _R_MANGLED.sub(r"\1[\2]", name)
    return _BRACKET.sub(r"[\1]", name)


def unique_headings(path: Path, names: list[str]) -> list[str]:
    """Headings as column keys. Codes are unique in a true export, so a repeated code means an
    edited file; full question texts repeat legitimately (`… - comment`, copied questions) and
    get their column position appended."""
    first: dict[str, int] = {}
    out = []
    for pos, name in enumerate(names, 1):
        if not name:
            raise InputError("leere Spaltenüberschrift", file=path, line=1, column=pos)
        if name in first:
            if not any(c.isspace() for c in name):
                raise InputError(
                    f"Spaltenüberschrift {name!r} doppelt (zuerst in Spalte {first[name]})",
                    file=path,
                    line=1,
                    column=pos,
                )
            name = f"{name} (Spalte {pos})"
        first[name] = pos
        out.append(name)
    return out


def read_table(path: Path, text: str) -> tuple[list[str | None], list[Record]]:
    """Heading and records of a delimited export; blank lines dropped, every record as wide as
    the heading."""
    records = split_records(path, text, sniff_separator(path, text))
    if not records:
        raise InputError("keine vollständige Kopfzeile", file=path, line=1)
    (_, heading), rows = records[0], records[1:]
    rows = [r for r in rows if not (len(r[1]) == 1 and not (r[1][0] or "").strip())]
    for line, fields in rows:
        if len(fields) != len(heading):
            raise InputError(
                f"Datensatz hat {len(fields)} Felder, die Kopfzeile hat {len(heading)}",
                file=path,
                line=line,
                column=min(len(fields), len(heading)) + 1,
            )
    return heading, rows


def sniff_separator(path: Path, text: str) -> str:
    """The separator that occurs most often outside quotes in the heading line."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=counts.__getitem__)
    if not counts[best]:
        raise InputError("kein Trennzeichen (; , Tab) in der Kopfzeile", file=path, line=1)
    return best


def split_records(path: Path, text: str, sep: str) -> list[Record]:
    """Records with the physical line each starts on: an unquoted empty field is None, `""` is
    ""; quotes are doubled inside quoted fields, which may span lines."""
    unquoted = re.compile(f"[^{re.escape(sep)}\r\n]*")
    records: list[Record] = []
    fields: list[str | None] = []
    line = start = 1
    i, n = 0, len(text)
    while i < n:
        value: str | None
        if text[i] == '"':
            value, i = _quoted(path, text, i, line, len(fields) + 1)
            line += _newlines(value)
            if i < n and text[i] not in (sep, "\r", "\n"):
                raise InputError(
                    "Text nach schließendem Anführungszeichen",
                    file=path,
                    line=line,
                    column=len(fields) + 1,
                )
        else:
            match = unquoted.match(text, i)
            value, i = match.group() or None, match.end()
        fields.append(value)
        if i < n and text[i] == sep:
            i += 1
            if i == n:
                fields.append(None)
            continue
        records.append((start, fields))
        fields = []
        if i < n:
            i += 2 if text.startswith("\r\n", i) else 1
            line += 1
        start = line
    return records


def _quoted(path: Path, text: str, i: int, line: int, column: int) -> tuple[str, int]:
    parts = []
    j = i + 1
    while (k := text.find('"', j)) >= 0:
        parts.append(text[j:k])
        if not text.startswith('"', k + 1):
            return "".join(parts), k + 1
        parts.append('"')
        j = k + 2
    raise InputError(
        "Anführungszeichen wird nicht geschlossen (Feld beginnt hier)",
        file=path,
        line=line,
        column=column,
    )


def _newlines(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")
