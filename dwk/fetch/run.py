"""`dwk data fetch`: ask the API for each table (splitting requests over the cell limit), check
that every answer is a table the readers accept, then keep the files with their provenance in
the fetch folder and import them like downloaded ones (`Store.import_files`).

Everything is fetched and read before anything is written, and the files are written
atomically: a failed fetch leaves no file, temporary file or store entry behind, and a failed
import puts back what the folder held before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dwk.core import paths
from dwk.core.atomic import write_bytes
from dwk.core.errors import DwkError
from dwk.fetch.api import (
    DEFAULT_TIMEOUT,
    CellLimit,
    Credentials,
    EmptySelection,
    FetchError,
    credentials_from_env,
    normalise_url,
    post_tablefile,
)
from dwk.fetch.plan import Request, first_request, split
from dwk.fetch.provenance import meta_path, meta_toml, provenance, provenance_path
from dwk.fetch.source import Source
from dwk.sources.tables.meta import TableMeta
from dwk.sources.tables.read import read_file

_FROM_ENV = Credentials("", "")  # marker: read the credentials from the environment


@dataclass(frozen=True)
class Fetched:
    table: str
    file: Path
    meta: TableMeta
    requests: int
    also_from: tuple[str, ...] = ()  # other files in the store that give the same table


def fetch_dir() -> Path:
    """Fetched files live beside the store that imports them: `$DWK_CACHE_DIR/fetched/<source>`
    (the store keeps imported files where they are and refers to them by path)."""
    return paths.cache_dir() / "fetched"


def fetch_tables(
    tables: Iterable[str],
    source: Source | str = Source.genesis,
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    region: str | None = None,
    api_url: str | None = None,
    credentials: Credentials | None = _FROM_ENV,
    open_store: Callable[[], object] | None = None,
    folder: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Fetched]:
    """Fetch, keep and import every table; the store is opened only once all answers are in."""
    source = Source(source)
    url = api_url or source.api_url
    creds = credentials_from_env() if credentials is _FROM_ENV else credentials
    target = (folder or fetch_dir()) / source.value
    downloads = []
    for table in dict.fromkeys(tables):
        label = f"Tabelle {table} ({source.label})"
        if region is not None and source is Source.zensus2022:
            # its regional variables (GEOGM…, GEOLK…) are not the AGS-length ones dwk knows
            raise FetchError(f"{label}: --region gilt nur für GENESIS-Online und regionalstatistik")
        request = first_request(table, from_year, to_year, region, label)
        normalise_url(url, label)
        parts, forms = _ask(request, url, creds, label, timeout)
        data = _combine(parts, label)
        file = target / _file_name(request)
        _check(file, data, table, label)
        downloads.append((table, file, data, forms))
    if not downloads:
        raise FetchError("keine Tabelle angegeben")
    if open_store is None:
        from dwk.store import Store

        open_store = Store.open
    return _keep_and_import(open_store(), source, url, downloads)


def _ask(
    request: Request, url: str, creds: Credentials | None, label: str, timeout: float
) -> tuple[list[bytes], list[dict[str, str]]]:
    form = request.form()
    try:
        return [post_tablefile(url, form, creds, label, timeout)], [form]
    except CellLimit:
        parts = split(request)
        if parts is None:
            raise FetchError(
                f"{label}: zu groß für einen Abruf, auch aufgeteilt; "
                "mit --region und --from/--to eine kleinere Auswahl angeben"
            ) from None
    data: list[bytes] = []
    forms: list[dict[str, str]] = []
    for part in parts:
        try:
            got, sent = _ask(part, url, creds, label, timeout)
        except EmptySelection:
            continue  # a Land without areas of this table, or years without data
        data += got
        forms += sent
    if not data:
        raise EmptySelection(f"{label}: keine Daten in einem der Teilabrufe")
    return data, forms


def _combine(parts: list[bytes], label: str) -> bytes:
    """One flat file from the answers of a split request: the header once, then every row."""
    if len(parts) == 1:
        return parts[0]
    header, chunks = None, []
    for part in parts:
        first, _, rest = part.partition(b"\n")
        key = first.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
        if header is None:
            header, rest = key, part
        elif key != header:
            raise FetchError(f"{label}: Teilabrufe mit verschiedenen Spalten")
        if rest.strip():
            chunks.append(rest if rest.endswith(b"\n") else rest + b"\n")
    return b"".join(chunks)


def _file_name(request: Request) -> str:
    parts = [request.table]
    if request.regionalkey:
        parts.append(request.regionalkey.rstrip("*"))
    if request.startyear is not None or request.endyear is not None:
        parts.append(f"{request.startyear or ''}-{request.endyear or ''}")
    return "_".join(parts) + "_flat.csv"


def _check(file: Path, data: bytes, table: str, label: str) -> None:
    """Read the answer as the import will, before anything is written."""
    try:
        read_file(file, data, table=table)
    except DwkError as exc:
        where = f" Zeile {exc.line}" if exc.line is not None else ""
        raise FetchError(
            f"{label}: Antwort ist keine lesbare Tabelle ({exc.message}{where})"
        ) from None


def _keep_and_import(store, source: Source, url: str, downloads: list) -> list[Fetched]:
    written: list[tuple[Path, bytes | None]] = []
    now = datetime.now(UTC)
    try:
        for table, file, data, forms in downloads:
            for path, content in (
                (meta_path(file), meta_toml(source, table, now)),
                (provenance_path(file), provenance(source, url, table, forms, data, file, now)),
                (file, data),
            ):
                written.append((path, path.read_bytes() if path.is_file() else None))
                write_bytes(path, content)
        metas = store.import_files([file for _, file, _, _ in downloads])
    except BaseException:
        for path, old in reversed(written):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_bytes(path, old)
        raise
    return [
        Fetched(table, file, meta, len(forms), _also_from(store, meta, file))
        for (table, file, _, forms), meta in zip(downloads, metas, strict=True)
    ]


def _also_from(store, meta: TableMeta, file: Path) -> tuple[str, ...]:
    """Files of another format give the same cells under other variable names (a flat file's
    `Personen`, the table CSV's `Bevölkerung kompakt | Personen`): the store keeps both, so
    the user is told which files now overlap."""
    metas = getattr(store, "metas", None)
    if metas is None:
        return ()
    return tuple(sorted({m.source_file for m in metas(meta.code)} - {file.name}))
