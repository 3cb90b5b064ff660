"""Decoding of downloaded files: the offices ship Latin-1, UTF-8 and UTF-8 with BOM; SoSci
Survey's plain data download is UTF-16 with BOM; Excel on Windows saves cp1252.

A file that is not UTF-8 is read as cp1252 where it has cp1252's extra characters (`–`, `€`,
curly quotes: bytes 0x80–0x9f, control codes in Latin-1), else as Latin-1. A file that mixes
UTF-8 umlauts with bytes UTF-8 cannot decode was pasted together from both: no single reading
is right, so it is an error at the first such byte.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from dwk.core.errors import InputError
from dwk.core.limits import Kind, read_limited
from dwk.core.oserror import reason

_BOM = b"\xef\xbb\xbf"
_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")  # UTF-8 for À–ÿ: ä ö ü ß Ä Ö Ü é …
_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")


def read_bytes(path: Path, kind: Kind = "table") -> bytes:
    """The file's bytes, refused before reading if larger than the limit for its kind."""
    try:
        return read_limited(path, kind)
    except OSError as exc:
        raise InputError(f"Datei nicht lesbar: {reason(exc)}", file=path) from None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; binary files are refused rather than guessed at."""
    if not data.strip():
        raise InputError("Datei ist leer", file=path)
    if (utf16 := _UTF16.get(data[:2])) is not None:
        return _decode_utf16(path, data[2:], utf16), utf16
    if b"\x00" in data:
        raise InputError("keine Textdatei (enthält Binärdaten)", file=path, line=1)
    if data.startswith(_BOM):
        try:
            # a tool that adds a BOM to a file that has one leaves two
            return data[3:].decode("utf-8").lstrip("\ufeff"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, data, exc.start + 3, "ungültiges UTF-8 trotz BOM: {}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_LETTER.search(data):
            raise _not_utf8(
                path, data, exc.start, "Kodierung gemischt: UTF-8-Umlaute, aber {} ist kein UTF-8"
            ) from None
    if _CP1252_ONLY.search(data):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def _not_utf8(path: Path, data: bytes, at: int, message: str) -> InputError:
    """The error at byte `at`, with its line and column (in characters); `message` has a `{}`
    for the byte."""
    start = data.rfind(b"\n", 0, at) + 1
    column = len(data[start:at].decode("utf-8", "replace")) + 1
    return InputError(
        message.format(f"Byte {at} (0x{data[at]:02x})"),
        file=path,
        line=data.count(b"\n", 0, at) + 1,
        column=column,
    )


def _decode_utf16(path: Path, data: bytes, encoding: str) -> str:
    """UTF-16 is full of NUL bytes, so only its BOM lets it past the binary check."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"ungültiges UTF-16 trotz BOM (Byte {exc.start + 2})", file=path) from None
    if not text.strip():
        raise InputError("Datei ist leer", file=path)
    if "\x00" in text[:32768]:
        raise InputError("keine Textdatei (enthält Binärdaten)", file=path, line=1)
    return text


def unix_newlines(text: str) -> str:
    """Old Mac files end lines with a lone CR, which the csv module reads as one long line."""
    if "\n" not in text and "\r" in text:
        return text.replace("\r", "\n")
    return text


def csv_problem(exc: Exception) -> str:
    """The csv module's complaint in German: a quote that is never closed, text after a closing
    quote, a field too long, a NUL byte."""
    text = str(exc)
    if "unexpected end of data" in text:
        return "Anführungszeichen wird bis zum Dateiende nicht geschlossen (Feld beginnt hier)"
    if "expected after" in text:
        return "Text nach schließendem Anführungszeichen"
    if "field larger than field limit" in text:
        return "Feld zu lang (über 131072 Zeichen): fehlt ein schließendes Anführungszeichen?"
    if "NUL" in text:
        return "keine Textdatei (enthält Binärdaten)"
    if "new-line character seen in unquoted field" in text:
        return "Zeilenumbruch (CR) mitten in einer Zeile"
    return f"CSV nicht lesbar ({text})"


class DelimitedRows:
    """The heading and data rows of a flat delimited file (flat file, Gemeindeverzeichnis): blank
    lines skipped and counted, a row wider or narrower than the heading an error, and the csv
    module's complaints in German with the line where the record began."""

    def __init__(self, path: Path, text: str, delimiter: str) -> None:
        self.path = path
        self.blank = 0
        self._reader = csv.reader(
            io.StringIO(unix_newlines(text).lstrip("\ufeff")), delimiter=delimiter, strict=True
        )
        self._start = 1
        self.fields = [f.strip() for f in self._next() or []]
        self._start = self._reader.line_num + 1

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise InputError(csv_problem(exc), file=self.path, line=self._start) from None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        while (cells := self._next()) is not None:
            line, self._start = self._start, self._reader.line_num + 1
            if not any(c.strip() for c in cells):
                self.blank += 1
                continue
            if len(cells) != len(self.fields):
                raise InputError(
                    f"Zeile hat {len(cells)} Felder, die Kopfzeile hat {len(self.fields)}",
                    file=self.path,
                    line=line,
                    column=min(len(cells), len(self.fields)) + 1,
                )
            yield line, dict(zip(self.fields, cells, strict=True))
