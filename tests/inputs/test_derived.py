"""Whole-table lookups kept next to the store: read back instead of rebuilt, rebuilt when the
file is damaged, and a new folder when the store's content changes."""

from __future__ import annotations

import copy
import pickle

from dwk.derived import DerivedCache
from dwk.store import Entry


def _is(obj: object, value: dict) -> bool:
    """The file holding `value` (others in the folder hold frames and arrays)."""
    return isinstance(obj, dict) and obj == value


def _never() -> object:
    raise AssertionError("built again although it was kept")


def test_kept_read_back_and_healed(store):
    first = DerivedCache(store)
    value = {"05913": [2016, 2020], "rows": list(range(5))}
    assert first.get(("test", "kept"), lambda: value) == value
    # a new cache object (a later run) reads it back without building
    assert DerivedCache(store).get(("test", "kept"), _never) == value
    (path,) = [p for p in first.root.glob("*.pkl") if _is(pickle.loads(p.read_bytes()), value)]
    path.write_bytes(path.read_bytes()[:7])  # cut short, as a killed write or a full disk would
    assert DerivedCache(store).get(("test", "kept"), lambda: value) == value
    assert pickle.loads(path.read_bytes()) == value  # rewritten whole


def test_another_store_content_is_another_folder(store):
    changed = copy.copy(store)
    changed.entries = dict(store.entries)
    changed.entries["import:/tmp/x.csv"] = Entry("import:/tmp/x.csv", "ab" * 32, 1, 1, "p", {})
    assert DerivedCache(changed).root != DerivedCache(store).root
    assert DerivedCache(copy.copy(store)).root == DerivedCache(store).root


def test_disabled_builds_every_time(store):
    calls = []
    cache = DerivedCache(store, enabled=False)
    for _ in range(2):
        cache.get(("test", "off"), lambda: calls.append(1))
    assert len(calls) == 2
