"""How many cores this process may use: the parallel parts (reading tables, printing PDFs, a
national batch) start one worker per core."""

from __future__ import annotations

import os

__all__ = ["usable_cores"]


def usable_cores() -> int:
    """The cores this process may run on (a container's or `taskset`'s limit, not the
    machine's count), at least one."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1
