"""Reader for GENESIS / regionalstatistik "Tabellen-CSV" files, old (`GENESIS-Tabelle:`) and
new (`Tabelle:`, with quality-flag columns; the Zensus 2022 table CSV is one of them), of any
vintage: code, Stichtage, Stand and © all come from the file.

The layout is read from the file, not configured: title lines (a lone first cell), header lines
(first cell empty; one per column dimension), data rows, and a footer after `__________`. This
module splits the lines; `genesis_cells` turns them into tidy cells (the row-label columns are
the ones every header line leaves empty; each is recognised by its content as period, key,
name or a row dimension; a period may stand in a header line, in a row-label column, or alone
on a title or body line).

A file whose `Tabelle:` line was lost upstream (it starts with its title, e.g.
`Fortschreibung des Bevölkerungsstandes;`) is read the same way once the caller names its code
(`code=`, from `dwk data import --table` or the file's sidecar).

Every data row is as wide as the header; anything else is an error with line and column. What
is handled but worth knowing (blank lines, footer lines, symbols, separators, left-out areas)
is counted in `TableMeta.warnings`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import labels
from dwk.sources.tables.genesis_cells import DEPTH, TITLE_VARIABLE, cells
from dwk.sources.tables.meta import TableMeta, parse_footer
from dwk.sources.text import csv_problem, unix_newlines

_FIRST_LINE = re.compile(r"^(GENESIS-Tabelle|Tabelle):\s*(\S+)")
CODE = re.compile(r"^\d{4}[0-9A-Z]-[0-9A-Z]{1,4}(?:-[0-9A-Z]{1,2})*$")
"""A GENESIS table code: `12411-0015`, `12411-01-01-5`, `1000A-0000`, `12411-04-02-4-B`."""


def looks_like(first_line: str) -> bool:
    return bool(_FIRST_LINE.match(first_line.lstrip("\ufeff")))


@dataclass
class Rows:
    titles: list[str] = field(default_factory=list)
    title_period: str | None = None
    headers: list[list[str]] = field(default_factory=list)
    header_lines: list[int] = field(default_factory=list)
    data: list[tuple[int, list[str], str | None]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    footer_lines: int = 0  # physical lines from `__________` to the last one with text
    blank: int = 0  # empty or `;;;;` lines before the footer
    stray: int = 0  # lines among the data with text in the first cell only and no period


def read_genesis(
    path: Path, text: str, encoding: str, code: str | None = None
) -> tuple[TableMeta, pd.DataFrame]:
    """Read one file into its metadata and tidy cells (see `dwk.store.COLUMNS`); `code` names
    the table of a file without its `Tabelle:` line."""
    first = text.split("\n", 1)[0]
    m = _FIRST_LINE.match(first.lstrip("\ufeff"))
    if not m and not code:
        raise InputError(
            "keine GENESIS-Tabelle (erste Zeile beginnt nicht mit 'GENESIS-Tabelle:')",
            file=path,
            line=1,
            column=1,
        )
    rows = _split(path, unix_newlines(text), code_line=bool(m))
    if not rows.headers:
        raise InputError("Tabelle ohne Kopfzeilen", file=path, line=len(rows.titles) + 2)
    if not rows.data:
        raise InputError("Tabelle ohne Datenzeilen", file=path)
    new_format = m[1] == "Tabelle" if m else _flag_columns(rows)
    meta = parse_footer(rows.footer)
    meta.code, meta.source_file, meta.encoding = (m[2] if m else code), path.name, encoding
    meta.title = " ".join(
        t for t in rows.titles if not DEPTH.search(t) and not TITLE_VARIABLE.match(t)
    )
    frame = cells(path, rows, new_format, meta)
    meta.periods = sorted(frame["period"].unique().tolist())
    return meta, frame


def looks_titleless(text: str) -> bool:
    """A table body whose `Tabelle:` line is missing: `;`-separated, with a header line (first
    cell empty) that names a period within its first lines."""
    for line in text.lstrip("\ufeff").splitlines()[:30]:
        cells_ = line.split(";")
        if len(cells_) > 2 and not cells_[0].strip() and any(labels.period(c) for c in cells_):
            return True
    return False


def _flag_columns(rows: Rows) -> bool:
    """The new format without its `Tabelle:` line: each header label stands over a value and its
    flag column, so the last header line repeats every label once."""
    last = [c.strip() for c in rows.headers[-1] if c.strip()]
    return len(last) >= 2 and all(a == b for a, b in zip(last[::2], last[1::2], strict=False))


def _split(path: Path, text: str, code_line: bool = True) -> Rows:
    out = Rows()
    state = "title"
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";", strict=True)
    start = 1
    current_period: str | None = None
    width = labelled = 0
    footer_start = 0
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if line == 1 and code_line:
                continue
            if state == "footer":
                if any(c.strip() for c in row):
                    out.footer.extend(c for c in row if c.strip())
                    out.footer_lines = reader.line_num - footer_start + 1
                continue
            first = row[0].strip() if row else ""
            if first.startswith("___"):
                state, footer_start, out.footer_lines = "footer", line, 1
                continue
            if not any(c.strip() for c in row):
                out.blank += 1
                continue
            lone = bool(first) and not any(c.strip() for c in row[1:])
            if lone:
                p = labels.period(first)
                if state == "title":
                    if p:
                        out.title_period = p
                    out.titles.append(first)
                elif p:
                    current_period = p
                else:
                    # a note among the data (a footer whose `____` line was lost): never a value,
                    # but its Stand or © still counts
                    out.stray += 1
                    out.footer.append(first)
                continue
            if not first and state in ("title", "header"):
                out.headers.append(row)
                out.header_lines.append(line)
                state = "header"
                continue
            if state == "title":
                raise InputError("Datenzeile vor den Kopfzeilen", file=path, line=line, column=1)
            if state != "data":
                width = max(len(h) for h in out.headers)
                labelled = max(len(h) - _trailing_empty(h) for h in out.headers)
            _check_width(path, line, row, width, labelled)
            state = "data"
            out.data.append((line, row, current_period))
    except csv.Error as exc:
        raise InputError(csv_problem(exc), file=path, line=start) from None
    return out


def _trailing_empty(row: list[str]) -> int:
    n = 0
    for c in reversed(row):
        if c.strip():
            break
        n += 1
    return n


def _check_width(path: Path, line: int, row: list[str], width: int, labelled: int) -> None:
    """A data row as wide as the header: a shorter one was cut off (its values would be read
    as empty cells), a longer one has values no header names."""
    if len(row) < labelled:
        raise InputError(
            f"Zeile hat {len(row)} Felder, die Kopfzeilen haben {width}",
            file=path,
            line=line,
            column=len(row) + 1,
        )
    extra = next((j for j in range(width, len(row)) if row[j].strip()), None)
    if extra is not None:
        raise InputError(
            f"Wert {row[extra].strip()[:20]!r} ohne Spaltenkopf (die Kopfzeilen haben {width} Spalten)",
            file=path,
            line=line,
            column=extra + 1,
        )
