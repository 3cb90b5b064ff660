"""The progress bar of a batch: rich's on a terminal; elsewhere none, without importing rich
(30–50 ms of a one-profile run that pipes its output)."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress"]


class _Silent:
    """What a disabled bar does: nothing."""

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def advance(self, *args: Any, **kwargs: Any) -> None:
        return None

    def update(self, *args: Any, **kwargs: Any) -> None:
        return None


def progress() -> Any:
    """A transient bar on stderr when it is a terminal, else a silent stand-in."""
    if not sys.stderr.isatty():
        return _Silent()
    from rich.progress import Progress

    return Progress(transient=True)
