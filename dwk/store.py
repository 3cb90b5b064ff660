"""The one tidy store: every cell of every imported table, one Parquet file per source file,
with a manifest that says which file it came from and when to rebuild it.

Columns (`COLUMNS`): area key and name, level, the key as the file wrote it, table code,
period (ISO text) and its year, variable, sex, age band, unit, value, flag, census basis
(`dwk.sources.tables.basis`), source file and line. Where two files give the same cell on
the same basis, the one with the later Stand wins; the same Stichtag on two bases keeps both.

The manifest keeps each file's `TableMeta`, its reader warnings and census basis per period
included (schema 6); a manifest of another schema is ignored and the store rebuilt. A file's
sidecar (`<file>.meta.toml`) counts as part of it: changing it re-reads the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from dwk.core import paths
from dwk.core.atomic import write_bytes
from dwk.core.errors import DwkError
from dwk.sources.tables import sidecar
from dwk.sources.tables.meta import TableMeta
from dwk.sources.text import read_bytes

SCHEMA_VERSION = 6
COLUMNS = [
    "area_key", "area_name", "level", "source_key", "table", "period", "year",
    "variable", "sex", "age", "unit", "value", "flag", "basis", "source", "line",
]  # fmt: skip
PROVENANCE = ("source_key", "table", "unit", "source", "line")
_CATEGORIES = [c for c in COLUMNS if c not in ("value", "year", "line")]
_CELL = ["area_key", "level", "period", "variable", "sex", "age", "basis"]
RAW_SUFFIXES = (".csv", ".xlsx")


@dataclass
class Entry:
    origin: str
    sha256: str
    size: int
    mtime_ns: int
    parquet: str
    meta: dict

    @property
    def table(self) -> str:
        return self.meta["code"]


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[COLUMNS].copy()
    frame["line"] = frame["line"].astype("int32")
    for c in _CATEGORIES:
        frame[c] = frame[c].astype("str").astype("category")
    return frame.reset_index(drop=True)


class Store:
    """The Parquet store under `root`; `open()` brings it up to date with `data/raw` first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._manifest_path = root / "manifest.json"
        self.entries: dict[str, Entry] = {}
        self._tables: dict[str, pd.DataFrame] = {}
        if self._manifest_path.exists():
            raw = json.loads(self._manifest_path.read_text("utf-8"))
            if raw.get("schema") == SCHEMA_VERSION:
                self.entries = {k: Entry(**v) for k, v in raw["entries"].items()}

    @classmethod
    def open(cls, raw_dir: Path | None = None, cache: Path | None = None) -> Store:
        store = cls((cache or paths.cache_dir()) / f"store-v{SCHEMA_VERSION}")
        store.sync(raw_dir or paths.raw_dir())
        return store

    def sync(self, raw_dir: Path) -> list[str]:
        """Import new or changed files of the shipped raw folder; forget removed ones."""
        seen, changed, dirty = set(), [], False
        for path in sorted(p for p in raw_dir.rglob("*") if p.suffix in RAW_SUFFIXES):
            origin = "raw:" + path.relative_to(raw_dir).as_posix()
            seen.add(origin)
            entry, (size, mtime) = self.entries.get(origin), _stat(path)
            stored = entry is not None and (self.root / entry.parquet).exists()
            if stored and (entry.size, entry.mtime_ns) == (size, mtime):
                continue
            data = read_bytes(path)
            sha = _sha(path, data)
            if stored and entry.sha256 == sha:
                entry.mtime_ns, dirty = mtime, True
                continue
            self._add(origin, path, sha, *_read_file(path, data))
            changed.append(origin)
        gone = [o for o in self.entries if o.startswith("raw:") and o not in seen]
        for origin in gone:
            del self.entries[origin]
        if changed or gone or dirty:
            self._save_manifest()
        return changed

    def import_files(self, files: list[Path], table: str | None = None) -> list[TableMeta]:
        """Read every file first, then write: one bad file leaves the store untouched. `table`
        names the table of files whose title lines are missing."""
        parsed = []
        for path in files:
            if not path.is_file():
                raise DwkError("Datei nicht gefunden", file=path)
            data = read_bytes(path)
            parsed.append((path, _sha(path, data), *_read_file(path, data, table=table)))
        for path, sha, meta, frame in parsed:
            self._add("import:" + str(path.resolve()), path, sha, meta, frame)
        self._save_manifest()
        return [meta for _, _, meta, _ in parsed]

    def _add(self, origin: str, path: Path, sha: str, meta: TableMeta, frame: pd.DataFrame) -> None:
        name = f"parquet/{meta.code}-{sha[:16]}.parquet"
        write_bytes(self.root / name, _tidy(frame).to_parquet(index=False, compression="zstd"))
        self.entries[origin] = Entry(origin, sha, *_stat(path), name, meta.to_dict())
        self._tables.pop(meta.code, None)

    def _save_manifest(self) -> None:
        body = {
            "schema": SCHEMA_VERSION,
            "entries": {k: vars(v) for k, v in sorted(self.entries.items())},
        }
        write_bytes(
            self._manifest_path,
            json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"),
        )

    def tables(self) -> list[str]:
        return sorted({e.table for e in self.entries.values()})

    def metas(self, code: str) -> list[TableMeta]:
        """Metadata of every file that gives table `code`, oldest Stand first."""
        known = TableMeta.__dataclass_fields__
        return [
            TableMeta(**{k: v for k, v in e.meta.items() if k in known})
            for e in self._entries_for(code)
        ]

    def _entries_for(self, code: str) -> list[Entry]:
        found = [e for e in self.entries.values() if e.table == code]
        return sorted(found, key=lambda e: (_stand_date(e.meta["stand"]), e.origin))

    def forget(self) -> None:
        """Drop the tables read so far (they are read again when asked for)."""
        self._tables.clear()

    def table(self, code: str) -> pd.DataFrame:
        """All cells of one table code; where files overlap the later Stand wins. The columns
        that only say where a cell came from (`PROVENANCE`) are not read: no computation uses
        them, and reading them costs a third of the time."""
        if code not in self._tables:
            entries = self._entries_for(code)
            if not entries:
                raise DwkError(f"Tabelle {code} ist nicht im Datenbestand")
            columns = [c for c in COLUMNS if c not in PROVENANCE]
            frames = [pd.read_parquet(self.root / e.parquet, columns=columns) for e in entries]
            self._tables[code] = frames[0] if len(frames) == 1 else _union(frames)
        return self._tables[code]


def _read_file(path: Path, data: bytes, table: str | None = None) -> tuple[TableMeta, pd.DataFrame]:
    """The readers, imported only when a file is new or changed: a run on a current store
    never needs them."""
    from dwk.sources.tables.read import read_file

    return read_file(path, data, table=table)


def _union(frames: list[pd.DataFrame]) -> pd.DataFrame:
    categorical = [c for c in _CATEGORIES if c in frames[0].columns]
    cats = {c: sorted(set().union(*(f[c].cat.categories for f in frames))) for c in categorical}
    aligned = [f.astype({c: pd.CategoricalDtype(cats[c]) for c in categorical}) for f in frames]
    merged = pd.concat(aligned, ignore_index=True)
    return merged.drop_duplicates(subset=_CELL, keep="last").reset_index(drop=True)


def _stat(path: Path) -> tuple[int, int]:
    """(size, mtime) of a file and its sidecar together: a changed sidecar re-reads the file."""
    st, side = path.stat(), sidecar.path_for(path)
    if not side.is_file():
        return st.st_size, st.st_mtime_ns
    ss = side.stat()
    return st.st_size + ss.st_size, max(st.st_mtime_ns, ss.st_mtime_ns)


def _sha(path: Path, data: bytes) -> str:
    """sha256 of the file, or of the file and its sidecar where it has one."""
    side = sidecar.path_for(path)
    extra = read_bytes(side) if side.is_file() else b""
    return hashlib.sha256(data + extra).hexdigest()


def _stand_date(stand: str) -> datetime:
    try:
        return datetime.strptime(stand, "%d.%m.%Y")
    except ValueError:
        return datetime.min
