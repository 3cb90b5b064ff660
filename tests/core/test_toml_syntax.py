"""A broken TOML file (a review, the catalogue, a codebook) is one German line with its file,
line and column, whatever tomllib found: its English messages are translated."""

from __future__ import annotations

import pytest

from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml

# Positions counted by hand, 1-based, where tomllib's parser stands when it gives up: on the
# character it cannot take ("[[item]": the lone "]" is column 7; 'reviewer = "A. M' has 16
# characters, the line break is 17; "\x01" follows 9), after the value or escape it has read
# ("a = 2" ends at 5, so 6; 'pfad = "C:\d' is 12 characters with the escape, so 13), and for an
# unclosed list at the end of the document: the empty line after the last line break.
CASES = [
    ('[[item]\nid = "a"\n', 1, 7, "']]' fehlt am Ende der [[…]]-Zeile"),
    ("[item\n", 1, 6, "']' fehlt am Ende der Tabellenzeile"),
    ('reviewer = "A. M\nstatus = "x"\n', 1, 17,
     "Zeilenende in einem Text (Anführungszeichen nicht geschlossen?)"),
    ('text = "a\x01b"\n', 1, 10, "unzulässiges Zeichen '\\x01'"),
    ('orte = ["Adorf", "Riesa"\n', 2, 1, "Liste [ … ] nicht geschlossen"),  # end of document
    ("date = 2026-02-30\n", 1, 8, "ungültiges Datum"),
    ('pfad = "C:\\daten"\n', 1, 13, "'\\' im Text (als '\\\\' schreiben)"),
    ("e = { a = 1, a = 2 }\n", 1, 19, "Schlüssel 'a' doppelt in { … }"),
    ("a = 1\na = 2\n", 2, 6, "Schlüssel doppelt"),
    ("[a.b]\nx = 1\n[a.b]\n", 3, 5, "Tabelle a.b doppelt"),  # tomllib: ('a', 'b')
    ("a = { b = 1 }\na.c = 2\n", 2, 8, "Tabelle a schon festgelegt"),
    ('a = "\\uD800"\n', 1, 12, "Escape-Sequenz ist kein Unicode-Zeichen"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "column", "message"), CASES)
def test_syntax_errors_are_german_with_line_and_column(tmp_path, text, line, column, message):
    path = tmp_path / "adorf.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_toml(path)
    assert str(err.value) == f"{path}:{line}:{column}: TOML-Syntaxfehler: {message}"


def test_a_missing_file_is_german_too(tmp_path):
    """The system's own text ("No such file or directory") reached the user before."""
    path = tmp_path / "codebuch.toml"
    with pytest.raises(ConfigError) as err:
        load_toml(path)
    assert str(err.value) == f"{path}: nicht lesbar: Datei oder Verzeichnis fehlt (ENOENT)"
