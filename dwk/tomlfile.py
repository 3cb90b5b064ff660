"""TOML data files (areas, catalogue, rules) read as data, never executed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from dwk.errors import ConfigError


def load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        raise ConfigError(
            str(exc).split(" (at line")[0], file=path, line=line, column=col
        ) from None
    except OSError as exc:
        raise ConfigError(f"nicht lesbar: {exc.strerror}", file=path) from None
