"""Reader for SoSci Survey's data download (tab-separated; plain UTF-16LE with BOM, or UTF-8 for R).

SoSci stores valid answers as codes > 0 and reasons for a missing answer as negative codes, so
the negatives found in an item column are declared missing here, before anyone averages them.
`CASE` is the respondent's number: it starts anywhere and has gaps, but never repeats.
"""

from __future__ import annotations

import re
from pathlib import Path

from dwk.core.errors import InputError
from dwk.sources.surveys.limesurvey import Record, normalise_heading, read_table, unique_headings
from dwk.sources.surveys.raw import SOSCI_IDENTIFYING, RawSurvey
from dwk.sources.text import decode, read_bytes

MISSING_CODES = {
    "-1": "Ausweichoption",
    "-2": "Ausweichoption",
    "-3": "Ausweichoption",
    "-8": "ungültig",
    "-9": "nicht beantwortet",
}
SYSTEM = frozenset(
    "CASE SERIAL REF QUESTNNR MODE LANGUAGE STARTED TIME_SUM MAILSENT LASTDATA FINISHED "
    "Q_VIEWER LASTPAGE MAXPAGE MISSING MISSREL TIME_RSI DEG_TIME".split()
)
_PAGE_TIME = re.compile(r"^TIME\d+$")
_FINISHED = {"1": True, "0": False, "true": True, "false": False, "t": True, "f": False}
_INTEGER = re.compile(r"^\d+$")


def read_sosci(path: Path, data: bytes | None = None) -> RawSurvey:
    """One SoSci data download; `data` are its bytes if the caller has them."""
    text, _ = decode(path, read_bytes(path, "survey") if data is None else data)
    heading, rows = read_table(path, text)
    names = unique_headings(path, [normalise_heading(h or "") for h in heading])
    if "CASE" not in names:
        raise InputError("keine SoSci-Datendatei: Spalte CASE fehlt", file=path, line=1)
    case = names.index("CASE")
    if rows and not _INTEGER.match((rows[0][1][case] or "").strip()):
        rows = rows[1:]
    _check_cases(path, rows, case)
    kept = [j for j, name in enumerate(names) if name not in SOSCI_IDENTIFYING]
    columns = {names[j]: [fields[j] for _, fields in rows] for j in kept}
    return RawSurvey(
        path=path,
        format="sosci",
        columns=columns,
        lines=[line for line, _ in rows],
        positions={names[j]: j + 1 for j in kept},
        complete=_finished(path, rows, names.index("FINISHED")) if "FINISHED" in names else None,
        missing=_missing(columns),
        dropped=tuple(n for n in names if n in SOSCI_IDENTIFYING),
    )


def is_item(name: str) -> bool:
    """Questionnaire items, as opposed to SoSci's own bookkeeping columns."""
    return name not in SYSTEM and not _PAGE_TIME.match(name)


def _check_cases(path: Path, rows: list[Record], case: int) -> None:
    seen: dict[str, int] = {}
    for line, fields in rows:
        value = (fields[case] or "").strip()
        if not _INTEGER.match(value):
            raise InputError("CASE ist keine ganze Zahl", file=path, line=line, column=case + 1)
        if value in seen:
            raise InputError(
                f"CASE {value} doppelt (zuerst in Zeile {seen[value]})",
                file=path,
                line=line,
                column=case + 1,
            )
        seen[value] = line


def _finished(path: Path, rows: list[Record], column: int) -> list[bool]:
    out = []
    for line, fields in rows:
        value = (fields[column] or "").strip()
        if (done := _FINISHED.get(value.casefold())) is None:
            raise InputError(
                "FINISHED ist weder 1/0 noch TRUE/FALSE",
                file=path,
                line=line,
                column=column + 1,
            )
        out.append(done)
    return out


def _missing(columns: dict[str, list[str | None]]) -> dict[str, dict[str, str]]:
    """Missing codes per item column, only those that occur in it."""
    out = {}
    for name, values in columns.items():
        found = set(values)
        codes = {code: reason for code, reason in MISSING_CODES.items() if code in found}
        if codes and is_item(name):
            out[name] = codes
    return out
