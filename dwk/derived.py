"""What the computations derive from whole tables, kept next to the store so that the next run
does not read and reshape the tables again.

A derived value is stored under a name (a tuple of strings and numbers) in a folder whose name
is the store's fingerprint: the files the store holds (by content hash) and dwk's own code
(version and the size and modification time of its modules). A new or changed table, or
another dwk, starts a new folder; folders of earlier fingerprints are removed. A file that
cannot be read back (cut short, damaged) is built anew and rewritten: the cache heals itself.

The files are Python pickles of dwk's own results in the user's own cache folder, never
anything read from outside.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from typing import TypeVar

from dwk.core.atomic import write_bytes
from dwk.core.code_stamp import code_stamp
from dwk.core.heap import long_lived
from dwk.store import Store

__all__ = ["DerivedCache", "Name"]

T = TypeVar("T")
Name = tuple[str | int, ...]
_PREFIX = "derived-"


class DerivedCache:
    """Derived values of one store, on disk; `enabled=False` keeps nothing (for tests that
    compare a fresh computation with a cached one)."""

    def __init__(self, store: Store, *, enabled: bool = True) -> None:
        self.enabled = enabled and os.environ.get("DWK_NO_DERIVED_CACHE") != "1"
        digest = hashlib.sha256()
        for origin, entry in sorted(store.entries.items()):
            digest.update(f"{origin}\t{entry.sha256}\t{entry.parquet}\n".encode())
        digest.update(code_stamp().encode())
        self.root = store.root.parent / f"{_PREFIX}{digest.hexdigest()[:20]}"
        self._cleaned = False

    def get(self, name: Name, build: Callable[[], T]) -> T:
        """The value stored under `name`, or `build()` stored there."""
        if not self.enabled:
            return build()
        path = self.root / f"{hashlib.sha256(repr(name).encode()).hexdigest()[:32]}.pkl"
        try:
            with path.open("rb") as fh, long_lived():
                return pickle.load(fh)
        except FileNotFoundError:
            pass
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
            path.unlink(missing_ok=True)  # damaged or from another dwk: build it again
        value = build()
        self._remove_old()
        try:
            write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a full or read-only cache only costs time
        return value

    def _remove_old(self) -> None:
        """Folders of other fingerprints: their store or their dwk is gone."""
        if self._cleaned:
            return
        self._cleaned = True
        for old in self.root.parent.glob(f"{_PREFIX}*"):
            if old != self.root and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
