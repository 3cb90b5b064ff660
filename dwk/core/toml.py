"""TOML data files (areas, catalogue, rules) read as data, never executed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dwk.core.errors import ConfigError, translated
from dwk.core.limits import check_size
from dwk.core.oserror import reason

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
    (r"Unclosed array", "Liste [ … ] nicht geschlossen"),
    (r"Cannot overwrite a value", "Schlüssel doppelt"),
    (r"Cannot declare (.+) twice", r"Tabelle \1 doppelt"),
    (r"Duplicate inline table key (.+)", r"Schlüssel \1 doppelt in { … }"),
    (r"Cannot (?:mutate immutable|redefine) namespace (.+)", r"Tabelle \1 schon festgelegt"),
    (r"Illegal character '\\n'", "Zeilenende in einem Text (Anführungszeichen nicht geschlossen?)"),
    (r"(?:Illegal|Found invalid) character (.+)", r"unzulässiges Zeichen \1"),
    (r"Invalid initial character for a key part", "Schlüssel beginnt mit unzulässigem Zeichen"),
    (r"Invalid date or datetime", "ungültiges Datum"),
    (r"Invalid hex value", "ungültiger Hexadezimalwert"),
    (r"Unescaped '\\' in a string", r"'\\' im Text (als '\\\\' schreiben)"),
    (r"Escaped character is not a Unicode scalar value", "Escape-Sequenz ist kein Unicode-Zeichen"),
    (r"Expected (.+)", r"\1 erwartet"),
)


def _german(message: str) -> str:
    """tomllib's messages in the language of dwk's other errors; a table's key as the file
    writes it (`a.b`, where tomllib shows the tuple `('a', 'b')`)."""
    return translated(re.sub(r"\(('[^']*',(?: '[^']*',?)*)\)", _dotted, message), _MESSAGES)


def _dotted(m: re.Match[str]) -> str:
    return ".".join(re.findall(r"'([^']*)'", m[1]))


def _end(path: Path) -> tuple[int, int]:
    """Line and column just after the last character: where tomllib says "end of document"."""
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    return len(lines), len(lines[-1]) + 1


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
        if line is None and "(at end of document)" in str(exc):
            line, col = _end(path)
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
        raise ConfigError(f"nicht lesbar: {reason(exc)}", file=path) from None
