"""Where reports may be written: never outside the output folder, whatever a name contains."""

from __future__ import annotations

from pathlib import Path

from dwk.core.errors import DwkError


def safe_child(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing names that would leave `out_dir`."""
    if "/" in name or "\\" in name or name in ("", ".", "..") or name.startswith("."):
        raise DwkError(f"unzulässiger Dateiname {name!r}")
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise DwkError(f"Pfad verlässt das Ausgabeverzeichnis: {name!r}")
    return target
