"""Operating-system errors as one German line: a read-only folder, a missing permission or a full
disk is the user's to fix, not a bug, so it gets a `DwkError` naming the path instead of a
traceback. Writes are atomic, so the message can promise that the previous output is intact."""

from __future__ import annotations

import errno
from pathlib import Path

from dwk.core.errors import DwkError

_REASONS = {
    errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
    errno.EDQUOT: "Speicherkontingent (Quota) erschöpft",
    errno.EROFS: "das Dateisystem ist schreibgeschützt",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "Vorgang nicht erlaubt",
    errno.ENAMETOOLONG: "Dateiname zu lang",
    errno.ENOENT: "Datei oder Verzeichnis fehlt",
    errno.ENOTDIR: "ein Teil des Pfads ist kein Verzeichnis",
    errno.EISDIR: "ist ein Verzeichnis",
    errno.EEXIST: "existiert bereits",
    errno.ENOTEMPTY: "Verzeichnis ist nicht leer",
    errno.EMFILE: "zu viele offene Dateien",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
    errno.EXDEV: "Umbenennen über Dateisystemgrenzen nicht möglich",
    errno.ELOOP: "zu viele symbolische Links im Pfad",
    errno.EFBIG: "Datei zu groß für das Dateisystem",
}


class OutputError(DwkError):
    """Output that could not be written; what was there before is left as it was."""


def reason(exc: OSError) -> str:
    """The cause in German, with the errno's name so that it can be looked up."""
    name = errno.errorcode.get(exc.errno or 0, "")
    text = _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return f"{text} ({name})" if name else text


def output_error(exc: OSError, path: str | Path) -> OutputError:
    """`exc` met while writing `path` as one line naming it (not the temporary file)."""
    return OutputError(
        f"kann nicht geschrieben werden: {reason(exc)}; die bisherige Ausgabe bleibt erhalten",
        file=path,
    )


def os_error(exc: OSError) -> DwkError:
    """Any other OS error the CLI meets, naming the file the system names."""
    where = exc.filename if exc.filename is not None else None
    return DwkError(f"Systemfehler: {reason(exc)}", file=where)
