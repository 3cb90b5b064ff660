"""The provenance sidecar `<file>.provenance.json` that `dwk data fetch` keeps beside a fetched
file. A flat file (ffcsv) names only its statistic (`statistics_code` 1000A, 12411), not the
table it was requested as (1000A-0000, 12411-0015); the sidecar does, so the reader takes the
table code from it."""

from __future__ import annotations

import json
from pathlib import Path

from dwk.core.errors import InputError

SUFFIX = ".provenance.json"


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def table_code(path: Path) -> str | None:
    """The table the file was fetched as, if a sidecar says so."""
    side = sidecar(path)
    if not side.is_file():
        return None
    try:
        body = json.loads(side.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"Herkunftsdatei nicht lesbar ({exc})", file=side) from None
    code = body.get("table") if isinstance(body, dict) else None
    return code if isinstance(code, str) and code else None
