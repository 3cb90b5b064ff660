"""Size limits for every input file, checked before a byte of it is read into memory.

A 5 GiB file handed to dwk by mistake would otherwise be read whole and end in a MemoryError;
a file that is still growing (a download, a FIFO) is read only up to its limit. The limits are
far above any real file of each kind and can be raised per kind by an environment variable
(in MiB), e.g. `DWK_LIMIT_TABLE_MIB=1024` for a whole-Germany Zensus flat file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from dwk.core.errors import ConfigError, DwkError, InputError

Kind = Literal["table", "survey", "toml"]
MIB = 1024 * 1024
LIMITS_MIB: dict[Kind, int] = {"table": 256, "survey": 64, "toml": 1}
"""Official tables (largest shipped: 3.4 MB), survey exports, and TOML files (codebooks,
reviews, areas, catalogue, rules; a review file is a few KB)."""
_WHAT: dict[Kind, str] = {
    "table": "Tabellen",
    "survey": "Befragungsdateien",
    "toml": "TOML-Dateien",
}


def limit(kind: Kind) -> int:
    """The limit in bytes; the environment variable wins over the default."""
    name = f"DWK_LIMIT_{kind.upper()}_MIB"
    raw = os.environ.get(name, "").strip()
    if not raw:
        return LIMITS_MIB[kind] * MIB
    try:
        mib = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} ist keine Zahl (MiB)") from None
    if mib <= 0:
        raise ConfigError(f"{name}={raw!r} muss größer als 0 sein (MiB)")
    return int(mib * MIB)


def _too_big(path: Path, kind: Kind, size: int | None) -> DwkError:
    cls = ConfigError if kind == "toml" else InputError
    have = f"{_size(size)}, " if size is not None else "mehr als die Grenze, "
    return cls(
        f"Datei zu groß ({have}Grenze für {_WHAT[kind]}: {_size(limit(kind))}; "
        f"DWK_LIMIT_{kind.upper()}_MIB setzt sie in MiB)",
        file=path,
    )


def check_size(path: Path, kind: Kind) -> None:
    """Refuse a file larger than its kind's limit, by its size on disk (nothing is read)."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader says why it cannot read the file
    if size > limit(kind):
        raise _too_big(path, kind, size)


def read_limited(path: Path, kind: Kind) -> bytes:
    """The file's bytes, never more than the limit: checked by size first, and again while
    reading, for a file that grows or has no size (a pipe)."""
    check_size(path, kind)
    cap = limit(kind)
    with path.open("rb") as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise _too_big(path, kind, None)
    return data


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1024 * MIB), ("MiB", MIB), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".", ",")
    return f"{n} Bytes"
