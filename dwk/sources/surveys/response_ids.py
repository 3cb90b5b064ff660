"""One record per respondent: a response id that occurs twice is an error naming both lines.

An export concatenated twice, or a record pasted in again, would otherwise count the same
person twice: the effective n doubles and a SWOT rule fires more easily. De-duplicating
silently would hide an edited file, so dwk refuses and lets the researcher decide which
record stands. The id is the export's own bookkeeping number, never respondent-entered text,
so it may be quoted.
"""

from __future__ import annotations

from dwk.core.errors import InputError
from dwk.sources.surveys.raw import RawSurvey

# the response id columns of LimeSurvey (code and German/English full headings), SoSci (CASE,
# also checked by its reader) and SPSS files exported from them or from Unipark (lfdn)
ID_COLUMNS = ("id", "antwort id", "antwort-id", "response id", "case", "lfdn")


def check_response_ids(raw: RawSurvey) -> RawSurvey:
    """`raw` unchanged if no response id repeats; records without an id are not compared."""
    column = next((c for c in raw.columns if " ".join(c.split()).casefold() in ID_COLUMNS), None)
    if column is None:
        return raw
    first: dict[str, int] = {}
    for line, cell in zip(raw.lines, raw.columns[column], strict=True):
        value = (cell or "").strip()
        if not value:
            continue
        if value.endswith(".0") and value[:-2].isdigit():
            value = value[:-2]  # SPSS numbers: 7.0 and 7 are one respondent
        if value in first:
            raise InputError(
                f"Antwort-ID {column} = {value} doppelt (zuerst in Zeile {first[value]}): "
                "jeder Datensatz darf nur einmal vorkommen",
                file=raw.path,
                line=line,
                column=raw.positions.get(column),
            )
        first[value] = line
    return raw
