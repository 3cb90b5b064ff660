"""Shipped files that are slow to parse, kept parsed as pickles in the cache folder.

A file is kept under the sha256 of its bytes and of dwk's code (`code_stamp`): an edited
file or another dwk parses anew. Only a parse that succeeded is kept, so a broken file still
raises its error every time. The pickles are dwk's own results in the user's own cache
folder, never anything read from outside.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import TypeVar

from dwk.core import paths
from dwk.core.atomic import write_bytes
from dwk.core.code_stamp import code_stamp

__all__ = ["parsed_once"]

T = TypeVar("T")


def parsed_once(data: bytes, folder: str, parse: Callable[[], T]) -> T:
    """`parse()`, or what it returned for the same `data` and the same dwk, from
    `paths.cache_dir() / folder`. Other files in that folder are removed when a new one is
    kept: one version of each shipped file."""
    digest = hashlib.sha256(data)
    digest.update(code_stamp().encode())
    kept = paths.cache_dir() / folder / f"{digest.hexdigest()[:24]}.pkl"
    try:
        with kept.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        pass
    value = parse()
    try:
        for old in kept.parent.glob("*.pkl"):
            old.unlink(missing_ok=True)
        write_bytes(kept, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a full or read-only cache only costs time
    return value
