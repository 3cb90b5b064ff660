"""The one tidy store: every cell of every imported table, one Parquet file per source file,
with a manifest that says which file it came from and when to rebuild it.

Columns (`COLUMNS`): area key and name, level, the key as the file wrote it, table code,
period (ISO text) and its year, variable, sex, age band, unit, value, flag, source file and
line. Where two files give the same cell, the one with the later Stand wins.

The manifest keeps each file's `TableMeta`, its reader warnings included (schema 5 on); a
manifest of another schema is ignored and the store rebuilt.
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
from dwk.sources.tables.meta import TableMeta
from dwk.sources.tables.read import read_file
from dwk.sources.text import read_bytes

# 6: reader warnings count with thousands separators; the GV keeps kind and Verstädterung
SCHEMA_VERSION = 6
COLUMNS = [
    "area_key", "area_name", "level", "source_key", "table", "period", "year",
    "variable", "sex", "age", "unit", "value", "flag", "source", "line",
]  # fmt: skip
PROVENANCE = ("source_key", "table", "unit", "source", "line")
_CATEGORIES = [c for c in COLUMNS if c not in ("value", "year", "line")]
_CELL = ["area_key", "level", "period", "variable", "sex", "age"]
RAW_SUFFIXES = (".csv",)


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
            entry, st = self.entries.get(origin), path.stat()
            stored = entry is not None and (self.root / entry.parquet).exists()
            if stored and (entry.size, entry.mtime_ns) == (st.st_size, st.st_mtime_ns):
                continue
            data = read_bytes(path)
            sha = hashlib.sha256(data).hexdigest()
            if stored and entry.sha256 == sha:
                entry.mtime_ns, dirty = st.st_mtime_ns, True
                continue
            self._add(origin, path, sha, *read_file(path, data))
            changed.append(origin)
        gone = [o for o in self.entries if o.startswith("raw:") and o not in seen]
        for origin in gone:
            del self.entries[origin]
        if changed or gone or dirty:
            self._save_manifest()
        return changed

    def import_files(self, files: list[Path]) -> list[TableMeta]:
        """Read every file first, then write: one bad file leaves the store untouched."""
        parsed = []
        for path in files:
            if not path.is_file():
                raise DwkError("Datei nicht gefunden", file=path)
            data = read_bytes(path)
            parsed.append((path, hashlib.sha256(data).hexdigest(), *read_file(path, data)))
        for path, sha, meta, frame in parsed:
            self._add("import:" + str(path.resolve()), path, sha, meta, frame)
        self._save_manifest()
        return [meta for _, _, meta, _ in parsed]

    def _add(self, origin: str, path: Path, sha: str, meta: TableMeta, frame: pd.DataFrame) -> None:
        name = f"parquet/{meta.code}-{sha[:16]}.parquet"
        write_bytes(self.root / name, _tidy(frame).to_parquet(index=False, compression="zstd"))
        st = path.stat()
        self.entries[origin] = Entry(origin, sha, st.st_size, st.st_mtime_ns, name, meta.to_dict())
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


def _union(frames: list[pd.DataFrame]) -> pd.DataFrame:
    categorical = [c for c in _CATEGORIES if c in frames[0].columns]
    cats = {c: sorted(set().union(*(f[c].cat.categories for f in frames))) for c in categorical}
    aligned = [f.astype({c: pd.CategoricalDtype(cats[c]) for c in categorical}) for f in frames]
    merged = pd.concat(aligned, ignore_index=True)
    return merged.drop_duplicates(subset=_CELL, keep="last").reset_index(drop=True)


def _stand_date(stand: str) -> datetime:
    try:
        return datetime.strptime(stand, "%d.%m.%Y")
    except ValueError:
        return datetime.min
