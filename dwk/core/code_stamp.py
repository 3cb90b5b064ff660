"""Which dwk this is, down to an edited module: what caches of derived results are keyed on."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dwk
from dwk.core import paths

__all__ = ["code_stamp"]


@cache
def code_stamp() -> str:
    """dwk's version and the size and mtime of every module and shipped TOML file (key changes,
    life phases …): an edited one is another dwk. Once per process (the stat of 150 files)."""
    package = Path(dwk.__file__).resolve().parent
    parts = [dwk.__version__]
    files = [*package.rglob("*.py"), *paths.data_dir().glob("*.toml")]
    for path in sorted(files):
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)
