"""Decoding of downloaded files: the offices ship Latin-1, UTF-8 and UTF-8 with BOM; SoSci
Survey's plain data download is UTF-16 with BOM."""

from __future__ import annotations

from pathlib import Path

from dwk.errors import InputError

_BOM = b"\xef\xbb\xbf"
_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"Datei nicht lesbar: {exc.strerror}", file=path) from None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; binary files are refused rather than guessed at."""
    if not data.strip():
        raise InputError("Datei ist leer", file=path)
    if (utf16 := _UTF16.get(data[:2])) is not None:
        return _decode_utf16(path, data[2:], utf16), utf16
    if b"\x00" in data[:65536]:
        raise InputError("keine Textdatei (enthält Binärdaten)", file=path, line=1)
    if data.startswith(_BOM):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"ungültiges UTF-8 trotz BOM (Byte {exc.start})", file=path) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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
