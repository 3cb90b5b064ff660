"""Worker processes that die with their parent, and SIGTERM handled like Ctrl-C.

A killed export used to leave its PDF workers running (~128 MB each): a spawned worker outlives
its parent. `die_with_parent` (the worker's initializer) asks Linux to SIGKILL the worker when
the parent dies (prctl PR_SET_PDEATHSIG) and exits at once if the parent is already gone; on
other systems it does nothing and the pool's own clean-up is all there is.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that the same clean-up runs as for Ctrl-C."""


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def terminate_like_interrupt() -> None:
    signal.signal(signal.SIGTERM, _raise_terminated)
