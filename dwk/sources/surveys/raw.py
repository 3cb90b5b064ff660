"""What every survey reader hands on: the answers as the file wrote them, one row per record.

The readers know formats, not questions: they keep every cell as text (codes or full answers),
tell "not shown" (`None`) from "shown, left empty" (`""`), and drop identifying columns before
anything else sees them. Mapping answers to codes is the codebook's job (`dwk.survey`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("limesurvey", "sosci", "spss")


@dataclass(frozen=True)
class RawSurvey:
    path: Path
    format: str
    # column name -> one cell per record: the text as exported ("3", "Stimme eher zu", "-9"),
    # "" for shown-but-unanswered, None for not shown (NULL, SPSS system-missing)
    columns: dict[str, list[str | None]]
    # 1-based physical line of each record (SPSS: case number + 1, as if a header came first)
    lines: list[int]
    # 1-based column position of each kept column in the file, for error messages
    positions: dict[str, int]
    # True/False per record where the file says whether the response was completed
    # (LimeSurvey submitdate, SoSci FINISHED); None where it cannot say
    complete: list[bool] | None
    # codes the file itself declares missing (SPSS user-missing, SoSci negatives): column -> code -> reason
    missing: dict[str, dict[str, str]] = field(default_factory=dict)
    # value labels the file carries (SPSS): column -> code -> label
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # identifying columns removed on reading (token, ipaddr, SERIAL, e-mail …), by name
    dropped: tuple[str, ...] = ()
    # records skipped as not being respondents (LimeSurvey's all-empty record of an empty survey)
    skipped_empty: int = 0

    @property
    def n(self) -> int:
        return len(self.lines)


# LimeSurvey's participant and tracking columns, by code and by German/English full heading
_IDENTIFYING = frozenset(
    {
        "token",
        "ipaddr",
        "refurl",
        "seed",
        "email",
        "e-mail",
        "firstname",
        "lastname",
        "zugangsschlüssel",
        "zugangscode",
        "access code",
        "ip-adresse",
        "ip address",
        "ip-address",
        "referrer-url",
        "referrer url",
        "startwert",
        "zufallsstartwert",
        "e-mail-adresse",
        "email address",
        "e-mail address",
        "vorname",
        "nachname",
        "first name",
        "last name",
    }
)
SOSCI_IDENTIFYING = ("SERIAL", "REF", "MAILSENT")


def is_identifying(name: str) -> bool:
    """Whether a column could name or trace a respondent, so that no later step ever sees it."""
    return " ".join(name.split()).casefold() in _IDENTIFYING


def looks_like_sosci(names: Iterable[str]) -> bool:
    """SoSci's fixed leading columns; LimeSurvey has neither CASE nor QUESTNNR."""
    found = set(names)
    return "CASE" in found and bool(found & {"SERIAL", "QUESTNNR"})
