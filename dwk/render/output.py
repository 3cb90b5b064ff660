"""The one writer of command results as a table on the terminal, JSON or CSV: each command
says how it draws each format it offers, and the format is checked in one place."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from dwk.core.errors import DwkError
from dwk.core.types import OutputFormat

__all__ = ["write_result"]


def write_result(
    fmt: OutputFormat | str,
    stream: TextIO,
    *,
    table: Callable[[TextIO], None],
    body: Callable[[], object] | None = None,
    csv: Callable[[TextIO], None] | None = None,
    indent: int = 1,
) -> None:
    """Write one result: `table` draws it for the terminal, `body` gives what JSON prints
    (UTF-8 text, keys in their order, `indent` spaces), `csv` writes it as CSV. A format the
    command does not offer is one German error line."""
    offered = {"table": table, "json": body, "csv": csv}
    allowed = [name for name, how in offered.items() if how is not None]
    if fmt not in allowed:
        raise DwkError(f"unbekanntes Format {fmt!r} (möglich: {', '.join(allowed)})")
    if fmt == "json":
        json.dump(body(), stream, ensure_ascii=False, indent=indent)
        stream.write("\n")
    else:
        offered[fmt](stream)
