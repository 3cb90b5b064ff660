"""One store for the whole session, built from the shipped data/raw into a temporary cache.

Under pytest-xdist the workers share one cache: the first builds the store under a file lock,
the others wait and read it. `DWK_TEST_CACHE` (set by `make check`) names a folder that keeps
the store and its derived values between runs: the store checks every raw file's hash and
every Parquet file at open and rebuilds what changed, so a kept cache is never stale; `make
test` and CI always start from an empty one."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# `make check` runs the fast tier with `--hypothesis-profile=check`: fewer examples for the
# slowest properties (those that take their count from the profile), all of them in `make test`
settings.register_profile("check", max_examples=15)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    shared = hasattr(request.config, "workerinput")  # an xdist worker
    root = tmp_path_factory.getbasetemp().parent if shared else tmp_path_factory.getbasetemp()
    if os.environ.get("DWK_TEST_CACHE"):
        root = Path(os.environ["DWK_TEST_CACHE"]).resolve()
        root.mkdir(parents=True, exist_ok=True)
    path = root / "dwk-cache"
    old = os.environ.get("DWK_CACHE_DIR")
    os.environ["DWK_CACHE_DIR"] = str(path)
    with (root / "dwk-cache.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        from dwk.store import Store

        Store.open()
        fcntl.flock(lock, fcntl.LOCK_UN)
    yield path
    if old is None:
        os.environ.pop("DWK_CACHE_DIR", None)
    else:
        os.environ["DWK_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def store(cache_dir):
    from dwk.store import Store

    return Store.open()


@pytest.fixture(scope="session")
def registry(store):
    from dwk.areas import Registry

    return Registry.load(store)


@pytest.fixture(scope="session")
def ctx(store, registry):
    from dwk.inputs.context import Context

    return Context(store, registry.changes)


@pytest.fixture(scope="session")
def catalogue():
    from dwk.indicators.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def member_reports(store, registry, tmp_path_factory):
    """The nine member reports (md, html, json) and their profiles, built once in-process for
    every test that reads them rather than tests the CLI (test_cli builds its own through it)."""
    from dwk.app.build import build_reports

    out = tmp_path_factory.mktemp("member-reports")
    result = build_reports(store, registry, list(registry.members), out, keep_profiles=True)
    assert result.failed == []
    return out, result.profiles


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """A store of data/raw trimmed to the members, their Kreise and Länder and Germany
    (`tests/small_store.py`): a few seconds to build instead of a minute, for unit tests that
    read only those areas. Shared by xdist workers like the full store (one builds, under a
    lock), kept in `DWK_TEST_CACHE` like it."""
    from dwk.core import paths
    from dwk.store import Store
    from tests.small_store import build_small_raw, raw_stamp

    shared = hasattr(request.config, "workerinput")
    root = tmp_path_factory.getbasetemp().parent if shared else tmp_path_factory.getbasetemp()
    if os.environ.get("DWK_TEST_CACHE"):
        root = Path(os.environ["DWK_TEST_CACHE"]).resolve()
        root.mkdir(parents=True, exist_ok=True)
    small = root / "dwk-small"
    with (root / "dwk-small.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        raw = small / "raw"
        stamp, done = raw_stamp(paths.data_dir()), small / "raw.done"
        if not done.exists() or done.read_text() != stamp:  # trimmed again when data changed
            shutil.rmtree(raw, ignore_errors=True)
            build_small_raw(paths.raw_dir(), raw, paths.data_dir())
            done.write_text(stamp)
        store = Store.open(raw_dir=raw, cache=small / "cache")
        fcntl.flock(lock, fcntl.LOCK_UN)
    return store


@pytest.fixture(scope="session")
def small_registry(small_store):
    from dwk.areas import Registry

    return Registry.load(small_store)


@pytest.fixture(scope="session")
def small_ctx(small_store, small_registry):
    from dwk.inputs.context import Context

    return Context(small_store, small_registry.changes)
