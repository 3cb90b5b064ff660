"""Readers: one per file format; each turns a file into metadata and tidy cells (value + flag).

`read_file` picks the reader from the file's first line, so a file is never parsed as a format
it does not have.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dwk.core.errors import InputError
from dwk.sources.tables import ffcsv, genesis, gv
from dwk.sources.tables.meta import TableMeta
from dwk.sources.text import decode, read_bytes

_READERS = (
    (genesis.looks_like, genesis.read_genesis),
    (ffcsv.looks_like, ffcsv.read_ffcsv),
    (gv.looks_like, gv.read_gv),
)


def read_file(path: Path, data: bytes | None = None) -> tuple[TableMeta, pd.DataFrame]:
    """Metadata and tidy cells of one file; `data` are its bytes if the caller has them."""
    text, encoding = decode(path, read_bytes(path) if data is None else data)
    first = text.split("\n", 1)[0].strip()
    for looks_like, read in _READERS:
        if looks_like(first):
            return read(path, text, encoding)
    raise InputError(
        "unbekanntes Dateiformat (weder GENESIS-Tabellen-CSV, Flatfile noch Gemeindeverzeichnis)",
        file=path,
        line=1,
        column=1,
    )
