"""The one tidy store: every cell of every imported table, one Parquet file per source file,
with a manifest that says which file it came from and when to rebuild it.

Columns (`COLUMNS`): area key and name, level, the key as the file wrote it, table code,
period (ISO text) and its year, variable, sex, age band, unit, value, flag, census basis
(`dwk.sources.tables.basis`), source file and line. Where two files give the same cell on
the same basis, the one with the later Stand wins (with a warning; the same Stand and another
number is an error: `dwk.store_heal`); the same Stichtag on two bases keeps both. A file's
sidecar (`<file>.meta.toml`) counts as part of it: changing it re-reads the file.

Every file is checked (`dwk.sources.validate`) before it enters. The manifest keeps each file's
`TableMeta`, its reader warnings included, and the sha256 of the raw file (which decides
freshness) and of its Parquet file (checked at every open; a damaged file is rebuilt, a damaged
manifest recovered from the entries' copies: `dwk.store_heal`) (schema 6); a manifest of
another schema is ignored and the store rebuilt. A file unchanged since it was last hashed (same
size, mtime, ctime and inode: `store_heal.Stamps`) is not read again at open.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dwk.core import paths
from dwk.core.atomic import write_bytes
from dwk.core.errors import DwkError
from dwk.sources.tables import sidecar
from dwk.sources.tables.meta import TableMeta, stand_date
from dwk.sources.text import read_bytes
from dwk.store_heal import (
    Other,
    Stamps,
    check_conflicts,
    file_sha256,
    read_manifest,
    recover,
    sha256,
    sidecar_name,
    stat_stamp,
)

# 8: reader warnings count with thousands separators; the GV keeps kind and Verstädterung
SCHEMA_VERSION = 8
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
    parquet_sha256: str = field(default="")

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
        self.raw_dir: Path | None = None
        self.notices: list[str] = []  # what was repaired, one German line each
        entries, damaged = read_manifest(self._manifest_path, SCHEMA_VERSION)
        if entries is None and not self._manifest_path.exists():
            damaged = any((root / "entries").glob("*.json"))  # the manifest alone was lost
        if damaged:
            entries = recover(root)
            self.notices.append(
                f"Verzeichnis des Datenbestands beschädigt ({self._manifest_path}): aus den "
                f"Einträgen neu aufgebaut ({len(entries)} Dateien)"
            )
        self._dirty = damaged
        self.entries = {k: Entry(**v) for k, v in (entries or {}).items()}
        self._stamps = Stamps(root / "stamps.json")

    @classmethod
    def open(cls, raw_dir: Path | None = None, cache: Path | None = None) -> Store:
        store = cls((cache or paths.cache_dir()) / f"store-v{SCHEMA_VERSION}")
        store.sync(raw_dir or paths.raw_dir())
        for notice in store.notices:
            print(f"Hinweis: {notice}", file=sys.stderr)
        return store

    def sync(self, raw_dir: Path) -> list[str]:
        """Import new or changed files of the shipped raw folder (the file's sha256 decides, not
        its size and time: a file read while it was being written is read again), rebuild
        damaged Parquet files, forget removed files. A file whose stamp vouches for its
        recorded hash is not read."""
        self.raw_dir = raw_dir
        seen, changed, dirty = set(), [], self._dirty
        todo: list[tuple[str, Path, bytes, str]] = []
        for path in sorted(p for p in raw_dir.rglob("*") if p.suffix in RAW_SUFFIXES):
            origin = "raw:" + path.relative_to(raw_dir).as_posix()
            seen.add(origin)
            entry = self.entries.get(origin)
            stamp = stat_stamp(path, sidecar.path_for(path))  # before reading: see stat_stamp
            if (
                entry is not None
                and self._stamps.vouch(origin, stamp) == entry.sha256
                and self._intact(entry)
            ):
                continue
            data = read_bytes(path)
            sha = _sha(path, data)
            self._stamps.record(origin, stamp, sha)
            if entry is not None and entry.sha256 == sha:
                if self._intact(entry):
                    continue
                self.notices.append(
                    f"Datenbestand: {entry.parquet} beschädigt, aus {path} neu aufgebaut"
                )
            todo.append((origin, path, data, sha))
        read = _read_tables([(path, data) for _, path, data, _ in todo])
        for (origin, path, _, sha), (meta, frame) in zip(todo, read, strict=True):
            self._check_conflicts(origin, path, meta, frame)
            self._add(origin, path, sha, meta, frame)
            changed.append(origin)
        for origin, entry in list(self.entries.items()):
            if origin.startswith("import:") and not self._intact(entry):
                self._heal_import(entry)
                dirty = True
        gone = [o for o in self.entries if o.startswith("raw:") and o not in seen]
        for origin in gone:
            self._drop(origin)
        if changed or gone or dirty:
            self._save_manifest()
        self._stamps.save({*self.entries, *(e.parquet for e in self.entries.values())})
        self._dirty = False
        return changed

    def _intact(self, entry: Entry) -> bool:
        """The entry's Parquet file is there and has the bytes that were written."""
        if not entry.parquet_sha256:
            return False
        path = self.root / entry.parquet
        stamp = stat_stamp(path)
        if self._stamps.vouch(entry.parquet, stamp) == entry.parquet_sha256:
            return True
        sha = file_sha256(path)
        self._stamps.record(entry.parquet, stamp, sha)
        return sha == entry.parquet_sha256

    def _heal_import(self, entry: Entry) -> None:
        """Rebuild a damaged imported table from its file if that is unchanged, else drop it."""
        path = Path(entry.origin.removeprefix("import:"))
        try:
            data = read_bytes(path)
        except DwkError:
            data = None
        if data is not None and _sha(path, data) == entry.sha256:
            try:
                meta, frame = _read_table(path, data)
            except DwkError:  # a check added since it was imported: import it again to see why
                meta = None
            if meta is not None:
                self._add(entry.origin, path, entry.sha256, meta, frame)
                self.notices.append(
                    f"Datenbestand: {entry.parquet} beschädigt, aus {path} neu aufgebaut"
                )
                return
        self._drop(entry.origin)
        self.notices.append(
            f"Datenbestand: Tabelle {entry.table} aus {path} war beschädigt und die Datei ist "
            "nicht mehr dieselbe: bitte neu importieren (dwk data import)"
        )

    def import_files(self, files: list[Path], table: str | None = None) -> list[TableMeta]:
        """Read every file first, then write: one bad file leaves the store untouched. `table`
        names the table of files whose title lines are missing."""
        parsed = []
        for path in files:
            if not path.is_file():
                raise DwkError("Datei nicht gefunden", file=path)
            data = read_bytes(path)
            meta, frame = _read_table(path, data, table=table)
            origin = "import:" + str(path.resolve())
            self._check_conflicts(origin, path, meta, frame, parsed)
            parsed.append((path, _sha(path, data), meta, frame))
        for path, sha, meta, frame in parsed:
            self._add("import:" + str(path.resolve()), path, sha, meta, frame)
        self._save_manifest()
        return [meta for _, _, meta, _ in parsed]

    def _check_conflicts(
        self, origin: str, path: Path, meta: TableMeta, frame: pd.DataFrame, pending=()
    ) -> None:
        """Against every other file of the same table in the store and in the same import."""
        others = [
            Other(self._source_name(e), e.meta.get("stand", ""), self._reader(e))
            for e in self._entries_for(meta.code)
            if e.origin != origin and self._intact(e)
        ]
        others += [
            Other(str(p), m.stand, lambda f=f: f)
            for p, _, m, f in pending
            if m.code == meta.code and p.resolve() != path.resolve()
        ]
        check_conflicts(path, meta, frame, others)

    def _source_name(self, entry: Entry) -> str:
        if entry.origin.startswith("raw:") and self.raw_dir is not None:
            return str(self.raw_dir / entry.origin.removeprefix("raw:"))
        return entry.origin.split(":", 1)[1]

    def _reader(self, entry: Entry):
        return lambda: pd.read_parquet(self.root / entry.parquet, columns=[*_CELL, "value", "line"])

    def _add(self, origin: str, path: Path, sha: str, meta: TableMeta, frame: pd.DataFrame) -> None:
        data = _tidy(frame).to_parquet(index=False, compression="zstd")
        # named by what it holds: a copy of a shipped file, imported, is the same input but
        # another table (its cells name their own file), and under the input's hash the two
        # overwrote each other's Parquet file and were rebuilt as damaged at every start
        digest = sha256(data)
        name = f"parquet/{meta.code}-{digest[:16]}.parquet"
        write_bytes(self.root / name, data)
        st = path.stat()
        old = self.entries.get(origin)
        self.entries[origin] = Entry(
            origin, sha, st.st_size, st.st_mtime_ns, name, meta.to_dict(), digest
        )
        write_bytes(
            self.root / sidecar_name(origin),
            json.dumps(vars(self.entries[origin]), ensure_ascii=False).encode("utf-8"),
        )
        if old is not None:
            self._forget_file(old.parquet)
        self._tables.pop(meta.code, None)

    def _drop(self, origin: str) -> None:
        entry = self.entries.pop(origin)
        (self.root / sidecar_name(origin)).unlink(missing_ok=True)
        self._forget_file(entry.parquet)
        self._tables.pop(entry.table, None)

    def _forget_file(self, parquet: str) -> None:
        """Remove a Parquet file no entry uses any more."""
        if all(e.parquet != parquet for e in self.entries.values()):
            (self.root / parquet).unlink(missing_ok=True)

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

    def sources(self, codes: list[str]) -> list[TableMeta]:
        """The metadata of every file that gives one of `codes`, identical lines once: a report
        draws on all of them (12411-0015's Kreise of 2016–2020 and of 2020–2024 come from two
        files), so it carries each one's source line, not only the latest's."""
        out: dict[tuple[str, ...], TableMeta] = {}
        for code in codes:
            for m in self.metas(code):
                out.setdefault((m.code, m.title, m.stand, m.copyright, m.licence), m)
        return list(out.values())

    def _entries_for(self, code: str) -> list[Entry]:
        found = [e for e in self.entries.values() if e.table == code]
        return sorted(found, key=lambda e: (stand_date(e.meta["stand"]), e.origin))

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
            frames = [self._read(e, columns) for e in entries]
            self._tables[code] = frames[0] if len(frames) == 1 else _union(frames)
        return self._tables[code]

    def _read(self, entry: Entry, columns: list[str]) -> pd.DataFrame:
        """One file's cells; a file damaged since the store opened is rebuilt once."""
        try:
            return pd.read_parquet(self.root / entry.parquet, columns=columns)
        except Exception:  # pyarrow's errors for a damaged file have no common base
            if self.raw_dir is not None:
                self.sync(self.raw_dir)
                current = self.entries.get(entry.origin)
                if current is not None and self._intact(current):
                    return pd.read_parquet(self.root / current.parquet, columns=columns)
            raise DwkError(
                f"Datenbestand beschädigt: {entry.parquet} nicht lesbar; "
                "beim nächsten Aufruf wird er neu aufgebaut",
                file=self.root / entry.parquet,
            ) from None


def _union(frames: list[pd.DataFrame]) -> pd.DataFrame:
    categorical = [c for c in _CATEGORIES if c in frames[0].columns]
    cats = {c: sorted(set().union(*(f[c].cat.categories for f in frames))) for c in categorical}
    aligned = [f.astype({c: pd.CategoricalDtype(cats[c]) for c in categorical}) for f in frames]
    merged = pd.concat(aligned, ignore_index=True)
    return merged.drop_duplicates(subset=_CELL, keep="last").reset_index(drop=True)


def _read_table(
    path: Path, data: bytes, table: str | None = None
) -> tuple[TableMeta, pd.DataFrame]:
    """The checked readers, imported only when a file is new or changed: a run on a current
    store never needs them."""
    from dwk.sources.validate import read_table

    return read_table(path, data, table=table)


def _read_tables(files: list[tuple[Path, bytes]]):
    """`_read_table` of many files, on several processes when they are many and large."""
    if not files:
        return iter(())
    from dwk.sources.read_many import read_tables

    return read_tables(files)


def _sha(path: Path, data: bytes) -> str:
    """sha256 of the file, or of the file and its sidecar where it has one: a changed sidecar
    re-reads the file."""
    side = sidecar.path_for(path)
    return sha256(data + (read_bytes(side) if side.is_file() else b""))
