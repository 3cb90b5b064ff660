"""Writing reports so that a failed or interrupted build never leaves half a file: each file
goes to a temporary name in the target folder and is renamed into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dwk.errors import DwkError


def safe_child(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing names that would leave `out_dir`."""
    if "/" in name or "\\" in name or name in ("", ".", "..") or name.startswith("."):
        raise DwkError(f"unzulässiger Dateiname {name!r}")
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise DwkError(f"Pfad verlässt das Ausgabeverzeichnis: {name!r}")
    return target


def write_text(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
