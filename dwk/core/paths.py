"""Where dwk finds its shipped files and keeps its cache.

`data/` and `templates/` live at the top of the repository and are copied into the wheel as
`dwk/data` and `dwk/templates`; an editable install reads them from the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # dwk/, beside which data/ and templates/ live


def _shipped(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dwk is installed without its {name}/ folder")


def data_dir() -> Path:
    return _shipped("data")


def raw_dir() -> Path:
    return data_dir() / "raw"


def templates_dir() -> Path:
    return _shipped("templates")


def cache_dir() -> Path:
    """The Parquet store: `$DWK_CACHE_DIR`, else the user's cache directory."""
    override = os.environ.get("DWK_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dwk"))
