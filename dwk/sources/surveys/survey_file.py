"""`read_survey`: pick the reader of a survey export by its content and hand on a `RawSurvey`."""

from __future__ import annotations

import re
from pathlib import Path

from dwk.core.errors import DwkError
from dwk.sources.surveys.raw import FORMATS, RawSurvey, looks_like_sosci
from dwk.sources.surveys.response_ids import check_response_ids
from dwk.sources.text import decode, read_bytes


def read_survey(path: Path, format: str | None = None) -> RawSurvey:
    """A survey export read by its format's reader; without `format` the suffix, the SPSS magic
    bytes or the heading decide, so a SoSci file is never read with LimeSurvey's rules. A
    response id that repeats is an error (`response_ids`)."""
    return check_response_ids(_read(path, format))


def _read(path: Path, format: str | None) -> RawSurvey:
    data = None
    if format is None:
        format, data = _sniff(path)
    if format == "spss":
        from dwk.sources.surveys.spss import read_spss

        return read_spss(path)
    if format == "sosci":
        from dwk.sources.surveys.sosci import read_sosci

        return read_sosci(path, data)
    if format == "limesurvey":
        from dwk.sources.surveys.limesurvey import read_limesurvey

        return read_limesurvey(path, data)
    raise DwkError(f"unbekanntes Umfrageformat {format!r} (möglich: {', '.join(FORMATS)})")


def _sniff(path: Path) -> tuple[str, bytes | None]:
    if path.suffix.lower() in (".sav", ".zsav"):
        return "spss", None
    data = read_bytes(path, "survey")
    if data[:4] in (b"$FL2", b"$FL3"):
        return "spss", None
    text, _ = decode(path, data)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    names = (f.strip().strip('"') for f in re.split(r"[\t;,]", first))
    return ("sosci" if looks_like_sosci(names) else "limesurvey"), data
