"""Options several commands share."""

from __future__ import annotations

import typer

from dwk.core.errors import DwkError

__all__ = ["format_option"]


def format_option(*offered: str):
    """`--format` with the formats a command offers: any other is refused before any work (a
    typo should not wait for a backtest, and the error exits before the store is read)."""

    def check(value: str) -> str:
        if value not in offered:
            raise DwkError(f"unbekanntes Format {value!r} (möglich: {', '.join(offered)})")
        return value

    return typer.Option("--format", help=" | ".join(offered), callback=check)
