"""Decoding of downloaded files: the offices ship Latin-1, UTF-8 and UTF-8 with BOM."""

from __future__ import annotations

from pathlib import Path

from dwk.errors import InputError

_BOM = b"\xef\xbb\xbf"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"Datei nicht lesbar: {exc.strerror}", file=path) from None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; binary files are refused rather than guessed at."""
    if not data.strip():
        raise InputError("Datei ist leer", file=path)
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
