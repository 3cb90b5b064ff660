"""What is kept beside a fetched file.

`<file>.provenance.json`: where it came from: source, table, the form of every request
(credentials travel in headers and are never part of it), the UTC time of the fetch and the
file's sha256.

`<file>.meta.toml`: what the readers need and the flat file does not say (the sidecar of
`dwk.sources.tables.sidecar`): the table code (a flat file names only its statistic, 1000A for
1000A-0000), and the © and licence lines the reports print.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from dwk.fetch.source import Source
from dwk.sources.tables import sidecar

SUFFIX = ".provenance.json"
LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
COPYRIGHT = {
    Source.genesis: "© Statistisches Bundesamt (Destatis), {year}",
    Source.regionalstatistik: "© Statistische Ämter des Bundes und der Länder, Deutschland, {year}",
    Source.zensus2022: "© Statistische Ämter des Bundes und der Länder, Deutschland, {year}",
}


def provenance_path(file: Path) -> Path:
    return file.with_name(file.name + SUFFIX)


def meta_path(file: Path) -> Path:
    return sidecar.path_for(file)


def provenance(
    source: Source,
    api_url: str,
    table: str,
    forms: list[dict[str, str]],
    data: bytes,
    file: Path,
    now: datetime,
) -> bytes:
    body = {
        "source": source.value,
        "database": source.label,
        "api_url": api_url,
        "table": table,
        "file": file.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "retrieved_utc": _utc(now),
        "requests": forms,
    }
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def meta_toml(source: Source, table: str, now: datetime) -> bytes:
    lines = {
        "table": table,
        "source": f"{source.label}, REST-API 2020, abgerufen {_utc(now)} (dwk data fetch)",
        "copyright": COPYRIGHT[source].format(year=now.astimezone(UTC).year),
        "licence": LICENCE,
    }
    body = "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in lines.items())
    return ("# written by dwk data fetch; see the .provenance.json beside it\n" + body).encode()


def _utc(now: datetime) -> str:
    moment = now.astimezone(UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")
