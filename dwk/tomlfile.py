"""TOML data files (areas, catalogue, rules) read as data, never executed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dwk.errors import ConfigError

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14 gives lineno/colno; before, the position is only in the message
        line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        if line is None and (m := _POSITION.search(str(exc))):
            line, col = int(m[1]), int(m[2])
        raise ConfigError(
            _POSITION.sub("", str(exc)).strip(), file=path, line=line, column=col
        ) from None
    except OSError as exc:
        raise ConfigError(f"nicht lesbar: {exc.strerror}", file=path) from None
