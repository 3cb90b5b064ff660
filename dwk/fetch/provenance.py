"""Where a fetched file came from, kept beside it as `<file>.provenance.json`: source, table,
the form of every request (credentials travel in headers and are never part of it), the UTC
time of the fetch and the file's sha256. The reader takes the table code from it
(`dwk.sources.tables.provenance`)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from dwk.fetch.source import Source


def provenance(
    source: Source, api_url: str, table: str, forms: list[dict[str, str]], data: bytes,
    file: Path, now: datetime | None = None,
) -> bytes:  # fmt: skip
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    body = {
        "source": source.value,
        "database": source.label,
        "api_url": api_url,
        "table": table,
        "file": file.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "retrieved_utc": moment.isoformat().replace("+00:00", "Z"),
        "requests": forms,
    }
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
