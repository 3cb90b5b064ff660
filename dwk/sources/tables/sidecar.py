"""`<file>.meta.toml` beside a data file: what the file itself does not say.

Some files lost their title lines upstream (no table code, no ©), a re-saved
Gemeindeverzeichnis extract has no Stichtag, and no file but the census tables states its
census basis. The sidecar supplies it, as data beside the file rather than code:

    table = "12411-0015"                        # table code, if the file lacks it
    title = "Bevölkerung: Kreise, Stichtag"
    source = "kuenem/Cartogram-Framework, commit 342fa3d…"   # where the copy came from
    copyright = "© Statistisches Bundesamt (Destatis)"
    licence = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
    stand = "26.08.2021"                        # the file's Stand, DD.MM.YYYY
    stichtag = "2019-12-31"                     # the one Stichtag of a GV extract, ISO
    [basis]                                     # census basis per period (ISO), see basis.py
    "2020-12-31" = "zensus2011"

Every key is optional; an unknown key or value is an error naming the sidecar and its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dwk.core.errors import InputError
from dwk.core.toml import load_toml
from dwk.sources.tables.basis import BASES
from dwk.sources.tables.labels import period

SUFFIX = ".meta.toml"
_TEXT_KEYS = ("table", "title", "source", "copyright", "licence", "stand", "stichtag")


@dataclass(frozen=True)
class Sidecar:
    path: Path
    table: str = ""
    title: str = ""
    source: str = ""
    copyright: str = ""
    licence: str = ""
    stand: str = ""
    stichtag: str = ""
    basis: dict[str, str] = field(default_factory=dict)


def path_for(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + SUFFIX)


def load(data_file: Path) -> Sidecar | None:
    """The sidecar of `data_file`, or None if it has none."""
    path = path_for(data_file)
    if not path.is_file():
        return None
    raw = load_toml(path)
    text = path.read_text("utf-8")
    values: dict[str, str] = {}
    for key, value in raw.items():
        if key == "basis":
            continue
        if key not in _TEXT_KEYS:
            raise _error(
                path,
                text,
                key,
                f"unbekannter Schlüssel {key!r} (bekannt: {', '.join(_TEXT_KEYS)}, basis)",
            )
        if not isinstance(value, str) or not value.strip():
            raise _error(path, text, key, f"{key} muss ein nicht leerer Text sein")
        values[key] = value.strip()
    if values.get("stichtag") and period(values["stichtag"]) != values["stichtag"]:
        raise _error(path, text, "stichtag", "stichtag als JJJJ-MM-TT angeben")
    basis = raw.get("basis", {})
    if not isinstance(basis, dict):
        raise _error(path, text, "basis", "basis muss eine Tabelle [basis] sein")
    for p, b in basis.items():
        if period(p) != p:
            raise _error(path, text, p, f"Zeitraum {p!r} nicht in ISO-Form (2022-12-31, 2022)")
        if b not in BASES or not b:
            raise _error(
                path,
                text,
                p,
                f"unbekannte Basis {b!r} (bekannt: {', '.join(x for x in BASES if x)})",
            )
    return Sidecar(path=path, basis=dict(basis), **values)


def _error(path: Path, text: str, key: str, message: str) -> InputError:
    """The error at the line that sets `key` (bare or quoted), or the file if none does."""
    for n, line in enumerate(text.splitlines(), 1):
        head = line.split("=", 1)[0].strip().strip('"')
        if "=" in line and head == key:
            return InputError(message, file=path, line=n, column=1)
    return InputError(message, file=path)
