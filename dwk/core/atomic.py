"""Atomic file writes: the data goes to a temporary file in the target folder and is renamed
into place, so an interrupted or failed run never leaves half a file or clobbers a good one.

The temporary name carries the writer's process id (`.<name>.<pid>-<random>.tmp`), so that a
later run can tell a dead writer's leftover from a live one's (`dwk.core.swap.heal`). Files get
the modes a normal tool gives them: 0666 and folders 0777, less the umask."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dwk.core.oserror import output_error


def umask() -> int:
    """The process's umask, read without changing it where Linux allows (threads may write)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    return 0o666 & ~umask()


def dir_mode() -> int:
    return 0o777 & ~umask()


def make_dirs(folder: Path) -> None:
    """`mkdir -p`, with an unwritable or full output as one German line."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(exc, folder) from None


def write_bytes(target: Path, data: bytes) -> None:
    make_dirs(target.parent)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp"
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise output_error(exc, target) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))
