"""Readers: one per file format; each turns a file into metadata and tidy cells (value + flag).

`read_file` picks the reader from the file's content (an XLSX workbook, else the first line of
the text), so a file is never parsed as a format it does not have. What the file does not say
(table code of a title-less table, Stichtag of a GV extract, census basis) comes from its
sidecar (`<file>.meta.toml`, `dwk.sources.tables.sidecar`) or from `table=`; the census basis
of every cell is set last, for every format alike (`dwk.sources.tables.basis`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import basis, ffcsv, genesis, gv, gv_xlsx, sidecar
from dwk.sources.tables.meta import TableMeta
from dwk.sources.text import decode, read_bytes

_READERS = (
    (genesis.looks_like, genesis.read_genesis),
    (ffcsv.looks_like, ffcsv.read_ffcsv),
    (gv.looks_like, gv.read_gv),
)
_ZIP = b"PK\x03\x04"


def read_file(
    path: Path, data: bytes | None = None, *, table: str | None = None
) -> tuple[TableMeta, pd.DataFrame]:
    """Metadata and tidy cells of one file; `data` are its bytes if the caller has them,
    `table` the code of a table whose title lines are missing."""
    data = read_bytes(path) if data is None else data
    side = sidecar.load(path)
    if table is not None and not genesis.CODE.match(table):
        raise InputError(f"--table {table!r} ist kein Tabellencode (z. B. 12411-0015)", file=path)
    code = table or (side.table if side else "") or None
    meta, frame = _read(path, data, code, side)
    if code and meta.code != code:
        if not code.startswith(meta.code + "-"):
            raise InputError(
                f"die Datei nennt Tabelle {meta.code}, angegeben ist {code}", file=path
            )
        # a flat file names its statistic (12411), not the table (12411-0015)
        meta.code = code
        frame["table"] = code
    if side:
        _apply_sidecar(meta, side)
    basis.assign(meta, frame, side.basis if side else None)
    return meta, frame


def _read(
    path: Path, data: bytes, code: str | None, side: sidecar.Sidecar | None
) -> tuple[TableMeta, pd.DataFrame]:
    if data.startswith(_ZIP) and zipfile.is_zipfile(io.BytesIO(data)):
        return gv_xlsx.read_gv_xlsx(path, data)
    if path.suffix.lower() == ".xlsx":
        raise InputError("keine XLSX-Datei (kein gültiges Zip-Archiv)", file=path)
    text, encoding = decode(path, data)
    first = text.split("\n", 1)[0].strip()
    for looks_like, read in _READERS:
        if looks_like(first):
            if read is gv.read_gv:
                return gv.read_gv(path, text, encoding, side.stichtag if side else "")
            return read(path, text, encoding)
    if genesis.looks_titleless(text):
        if not code:
            raise InputError(
                "die Datei nennt keinen Tabellencode (Titelzeile 'Tabelle: …' fehlt): "
                "bitte mit --table angeben, z. B. dwk data import DATEI --table 12411-0015",
                file=path,
                line=1,
                column=1,
            )
        return genesis.read_genesis(path, text, encoding, code)
    raise InputError(
        "unbekanntes Dateiformat (weder GENESIS-Tabellen-CSV, Flatfile noch Gemeindeverzeichnis)",
        file=path,
        line=1,
        column=1,
    )


def _apply_sidecar(meta: TableMeta, side: sidecar.Sidecar) -> None:
    """What the file lacks; what it states itself stays (a sidecar never hides the file)."""
    if side.title and side.title not in meta.title:
        meta.title = f"{side.title} {meta.title}".strip()
    meta.stand = meta.stand or side.stand
    if side.copyright and not meta.copyright:
        meta.copyright = side.copyright
    if side.licence and not meta.licence_stated:
        meta.licence = side.licence
    if side.source:
        meta.footnotes.append(f"Herkunft der Datei: {side.source}")
