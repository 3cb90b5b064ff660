"""What keeps the store honest: it trusts none of its own files, and no two source files may
silently disagree.

- Every Parquet file's sha256 is recorded in its entry and checked when the store opens; a
  damaged or missing file is rebuilt from its source with a notice (or, for an imported file
  that is gone or changed, dropped with a notice saying to import it again).
- Every entry is also written beside the Parquet files (`entries/<origin hash>.json`), so a
  damaged manifest is rebuilt from them with a notice instead of a traceback on every run.
- Hashing every raw and Parquet file at every open cost 0.1 s of a one-profile run, so a file
  whose size, times and inode are those recorded when it was last hashed keeps that hash
  (`Stamps`, `stamps.json` beside the manifest, a cache only: lost or damaged, every file is
  hashed again). The stamp holds the ctime, which no one can set back (`os.utime` sets only
  mtime and atime): content written since, even with the old size and mtime, shows.
- Two files of the same table that give the same cell different numbers: with the same Stand
  nothing says which is right, so it is an error naming both files; with different Stände the
  later Stand wins (the offices revise their figures), and the file read now says so in a
  warning with the number of cells and the other file.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dwk.core.atomic import write_bytes
from dwk.core.errors import InputError
from dwk.sources.tables.meta import TableMeta, stand_date

CELL = ["area_key", "level", "period", "variable", "sex", "age"]
ENTRY_FIELDS = ("origin", "sha256", "size", "mtime_ns", "parquet", "meta", "parquet_sha256")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The file's sha256, or None if it cannot be read."""
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


RACY_NS = 2_000_000_000  # a file changed this recently may change again within its stamp


def stat_stamp(*paths: Path) -> str:
    """Size, mtime, ctime and inode of each path ("-" for a missing one), taken before the file
    is read; "" (trust nothing) while a file's ctime is under two seconds old, for a write in the
    same clock tick as the read would leave the stamp unchanged."""
    parts, now = [], time.time_ns()
    for path in paths:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            parts.append("-")
            continue
        except OSError:
            return ""
        if now - st.st_ctime_ns < RACY_NS:
            return ""
        parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
    return "|".join(parts)


class Stamps:
    """Which sha256 a file had when it last had this stamp: `vouch` answers without reading it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        try:
            raw = json.loads(path.read_text("utf-8"))
            self._known = {k: (v[0], v[1]) for k, v in raw.items() if v[0]}
        except (OSError, ValueError, AttributeError, TypeError, IndexError, KeyError):
            self._known = {}

    def vouch(self, name: str, stamp: str) -> str | None:
        """The sha256 recorded for `name` with exactly this stamp, else None."""
        known = self._known.get(name)
        return known[1] if stamp and known is not None and known[0] == stamp else None

    def record(self, name: str, stamp: str, sha: str | None) -> None:
        if stamp and sha and self._known.get(name) != (stamp, sha):
            self._known[name] = (stamp, sha)
            self.changed = True

    def save(self, keep: set[str]) -> None:
        """Write the stamps of the names in `keep`; a cache that cannot be written only costs time."""
        if not self.changed:
            return
        body = {k: list(v) for k, v in sorted(self._known.items()) if k in keep}
        try:
            write_bytes(self.path, json.dumps(body).encode("utf-8"))
        except OSError:
            pass
        self.changed = False


def sidecar_name(origin: str) -> str:
    return f"entries/{sha256(origin.encode('utf-8'))[:24]}.json"


def read_manifest(path: Path, schema: int) -> tuple[dict[str, dict] | None, bool]:
    """(entries as dicts, damaged): None without a manifest or with one of another schema (the
    store is then rebuilt as before); damaged when it exists but cannot be read as one."""
    if not path.exists():
        return None, False
    try:
        raw = json.loads(path.read_text("utf-8"))
        if raw.get("schema") != schema:
            return None, False
        entries = raw["entries"]
        if not isinstance(entries, dict) or not all(_valid(v) for v in entries.values()):
            return None, True
        return entries, False
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None, True


def recover(root: Path) -> dict[str, dict]:
    """Entries rebuilt from their copies beside the Parquet files (a damaged one is skipped:
    the next sync reads its source again)."""
    out = {}
    for path in sorted((root / "entries").glob("*.json")):
        try:
            entry = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if _valid(entry):
            out[entry["origin"]] = entry
    return out


def _valid(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and set(entry) == set(ENTRY_FIELDS)
        and all(isinstance(entry[k], str) for k in ("origin", "sha256", "parquet"))
        and isinstance(entry["meta"], dict)
        and isinstance(entry["meta"].get("code"), str)
    )


@dataclass
class Other:
    """Another file of the same table: its name for messages, Stand, and cells (read lazily)."""

    name: str
    stand: str
    cells: Callable[[], pd.DataFrame]


def check_conflicts(
    path: Path, meta: TableMeta, frame: pd.DataFrame, others: Iterable[Other]
) -> None:
    """Raise if a file of the same table and Stand gives a cell another number; add a warning
    to `meta` for each file of another Stand that does."""
    periods = set(frame["period"].astype(str).unique())
    for other in others:
        theirs = other.cells()
        theirs = theirs.loc[theirs["period"].astype(str).isin(periods)]
        if theirs.empty:
            continue
        ours = frame.loc[frame["period"].astype(str).isin(set(theirs["period"].astype(str)))]
        differ = _differing(ours, theirs)
        if differ.empty:
            continue
        if other.stand == meta.stand:
            row = differ.iloc[0]
            column = row.get("column_x")
            raise InputError(
                f"widerspricht {other.name} (Tabelle {meta.code}, gleicher Stand "
                f"{meta.stand or 'unbekannt'}): Gebiet {row['area_key']}, {row['period']} hier "
                f"{_n(row['value_x'])}, dort {_n(row['value_y'])} (Zeile {row['line_y']})",
                file=path,
                line=int(row["line_x"]),
                column=None if column is None or pd.isna(column) else int(column),
            )
        n = len(differ)
        later = "dieser Datei" if _later(meta.stand, other.stand) else other.name
        meta.warnings.append(
            f"{n} {'Zelle weicht' if n == 1 else 'Zellen weichen'} von {other.name} "
            f"(Stand {other.stand or 'unbekannt'}) ab: es gilt der spätere Stand ({later})"
        )


def _differing(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """Cells both give as numbers, with different numbers."""
    if ours.empty:
        return ours
    left = ours[[*CELL, "value", "line", *(["column"] if "column" in ours else [])]]
    left = left.astype(dict.fromkeys(CELL, str)).rename(columns={"column": "column_x"})
    right = theirs[[*CELL, "value", "line"]].astype(dict.fromkeys(CELL, str))
    merged = left.merge(right, on=CELL, suffixes=("_x", "_y"))
    x, y = merged["value_x"].to_numpy(), merged["value_y"].to_numpy()
    both = ~np.isnan(x) & ~np.isnan(y)
    differ = both & ~np.isclose(x, y, rtol=1e-9, atol=1e-9, equal_nan=False)
    return merged.loc[differ].sort_values("line_x", kind="stable")


def _later(a: str, b: str) -> bool:
    return stand_date(a) > stand_date(b)  # as the store orders the files of a table


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")
