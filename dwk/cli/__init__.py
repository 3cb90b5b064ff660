"""The `dwk` command line: `commands` parses arguments and calls one library function per
command, `run.main` maps `DwkError` to one line on stderr with exit code 2, `run.console` is
the `dwk` script."""

from __future__ import annotations

from dwk.cli.commands import app
from dwk.cli.run import console, main

__all__ = ["app", "console", "main"]
