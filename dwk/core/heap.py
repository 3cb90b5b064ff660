"""Bulk loads of objects that live until the process ends, and Python's cycle collector.

A profile creates a few hundred thousand objects at once (the whole-table lookups of
`dwk.derived`, the map outlines, the imported modules) and keeps them to the end. The
collector, started by allocations, walked all of them again and again while they were being
created: 0.3–0.5 s of a 1.8 s profile. `long_lived()` pauses it during such a load, then moves
what is alive into the permanent generation (`gc.freeze`) that later collections skip; garbage
made afterwards is collected as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["long_lived"]


@contextmanager
def long_lived() -> Iterator[None]:
    """Load long-lived objects without the collector; nested uses freeze once, at the end."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.enable()
