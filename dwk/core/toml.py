"""TOML data files (areas, catalogue, rules) read as data, never executed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dwk.core.errors import ConfigError
from dwk.core.limits import check_size

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


_MESSAGES = (
    (r"Expected '(.+)' at the end of a table declaration", r"'\1' fehlt am Ende der Tabellenzeile"),
    (r"Expected '(.+)' at the end of an array declaration", r"'\1' fehlt am Ende der [[…]]-Zeile"),
    (r"Expected '=' after a key in a key/value pair", "'=' fehlt nach dem Schlüssel"),
    (r"Expected newline or end of document after a statement", "nach dem Wert folgt noch etwas"),
    (r"Invalid value", "ungültiger Wert"),
    (r"Invalid statement", "ungültige Zeile"),
    (r"Unterminated string", "Text nicht abgeschlossen"),
    (r"Unclosed inline table", "Tabelle { … } nicht geschlossen"),
    (r"Cannot overwrite a value", "Schlüssel doppelt"),
    (r"Cannot declare (.+) twice", r"Tabelle \1 doppelt"),
    (r"Expected (.+)", r"\1 erwartet"),
)


def _german(message: str) -> str:
    """tomllib's messages in the language of dwk's other errors."""
    for pattern, german in _MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, german, message)
    return message


def load_toml(path: Path) -> dict:
    check_size(path, "toml")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14 gives lineno/colno; before, the position is only in the message
        line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        if line is None and (m := _POSITION.search(str(exc))):
            line, col = int(m[1]), int(m[2])
        message = _POSITION.sub("", str(exc)).replace("(at end of document)", "").strip()
        raise ConfigError(
            f"TOML-Syntaxfehler: {_german(message)}", file=path, line=line, column=col
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"keine UTF-8-Datei (Byte {exc.start}): TOML-Dateien bitte als UTF-8 speichern",
            file=path,
        ) from None
    except OSError as exc:
        raise ConfigError(f"nicht lesbar: {exc.strerror}", file=path) from None
