"""Errors a user can act on: each names the file, line and column where there is one.

The CLI turns every `DwkError` into one line on stderr and exit code 2; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class DwkError(Exception):
    """A problem with the input or the call, not with dwk itself."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class InputError(DwkError):
    """A data file that cannot be read as what it claims to be."""


class ConfigError(DwkError):
    """A broken area, catalogue or rule file."""


class UnknownAreaError(DwkError):
    """An area asked for that no table or registry knows."""


class SurveyError(DwkError):
    """A survey that cannot be analysed soundly: margins that disagree, a weighting that does
    not converge, answers the codebook cannot map."""


class NoProjection(DwkError):
    """A projection that cannot be made: an area without an age structure at the base year, a
    level the projection does not serve, a base or target year out of range. A profile shows
    the reason instead of the section; `dwk project` prints it with exit code 2. A `KeyError`
    or `LookupError` from a bug is not this and keeps its traceback."""


class MergedAway(NoProjection):
    """A Gemeinde merged into a neighbour since the base: its people are projected with the
    neighbour, so its profile lacks no projection of its own (no gap in a national run)."""


def translated(message: str, table: tuple[tuple[str, str], ...]) -> str:
    """`message` by the first (pattern, replacement) of `table` it matches whole: a library's
    English message (tomllib's, click's) in dwk's German; unchanged if none matches."""
    import re

    for pattern, replacement in table:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message
