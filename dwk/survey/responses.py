"""Answers as codes: the reader's raw cells mapped through the codebook, respondent by respondent.

Every cell ends up as a valid code or as missing with its reason ("nicht gezeigt", "nicht
beantwortet", "weiß nicht", the file's own missing codes). A cell the codebook does not know
stops the analysis with the file, line and column, because a guessed answer is a wrong number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dwk.core.errors import ConfigError, InputError
from dwk.sources.surveys.raw import RawSurvey
from dwk.survey.codebook import AGE_GROUPS, Codebook, Item, Respondent

NOT_SHOWN = "nicht gezeigt"
NOT_ANSWERED = "nicht beantwortet"


@dataclass(frozen=True)
class Responses:
    """The respondents kept for analysis; incomplete ones are counted, not silently lost."""

    n: int
    incomplete_excluded: int
    values: dict[str, np.ndarray]  # item id -> code 1..k per respondent, NaN if missing
    reasons: dict[str, list[str]]  # item id -> "" for a valid answer, else the reason
    respondents: dict[str, list[str | None]]  # age/sex/district -> category per respondent
    open_text: dict[str, list[str]]  # open question id -> the non-empty answers


def code_responses(raw: RawSurvey, book: Codebook, include_incomplete: bool = False) -> Responses:
    needed = [i.column for i in book.items] + [r.column for r in book.respondents.values()]
    needed += [o.column for o in book.open_questions]
    absent = [c for c in needed if c not in raw.columns]
    if absent:
        raise ConfigError(
            f"Spalte(n) des Codebuchs fehlen in {raw.path.name}: {', '.join(absent[:5])}",
            file=book.path,
        )
    keep = list(range(raw.n))
    if raw.complete is not None and not include_incomplete:
        keep = [i for i in keep if raw.complete[i]]
    values, reasons = {}, {}
    for item in book.items:
        values[item.id], reasons[item.id] = _item(raw, item, keep)
    respondents = {f: _respondent(raw, r, keep, book.min_age) for f, r in book.respondents.items()}
    open_text = {
        o.id: [t for i in keep if (t := (raw.columns[o.column][i] or "").strip())]
        for o in book.open_questions
    }
    return Responses(len(keep), raw.n - len(keep), values, reasons, respondents, open_text)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _item(raw: RawSurvey, item: Item, keep: list[int]) -> tuple[np.ndarray, list[str]]:
    scale = item.scale
    valid = {_norm(c): j + 1 for j, c in enumerate(scale.codes)}
    valid.update({_norm(label): j + 1 for j, label in enumerate(scale.labels)})
    missing = {_norm(k): v for k, v in scale.missing.items()}
    declared = raw.missing.get(item.column, {})
    cells = raw.columns[item.column]
    out = np.full(len(keep), np.nan)
    why: list[str] = []
    for n, i in enumerate(keep):
        cell = cells[i]
        if cell is None:
            why.append(NOT_SHOWN)
            continue
        key = _norm(cell)
        if not key:
            why.append(NOT_ANSWERED)
        elif key in valid:
            code = valid[key]
            out[n] = scale.points + 1 - code if item.reverse else code
            why.append("")
        elif key in missing:
            why.append(missing[key])
        elif cell in declared:
            why.append(declared[cell])
        else:
            raise _unknown(raw, item.column, i, f"Antwort auf Item {item.id}")
    return out, why


def _respondent(raw: RawSurvey, r: Respondent, keep: list[int], min_age: int) -> list[str | None]:
    cells = raw.columns[r.column]
    values = {_norm(k): v for k, v in r.values.items()}
    out: list[str | None] = []
    for i in keep:
        text = (cells[i] or "").strip()
        if not text or text in raw.missing.get(r.column, {}):
            out.append(None)
        elif r.years:
            out.append(_age_group(raw, r.column, i, text, min_age))
        elif _norm(text) in values:
            out.append(values[_norm(text)])
        else:
            raise _unknown(raw, r.column, i, f"Angabe für [respondent.{r.field}]")
    return out


def _age_group(raw: RawSurvey, column: str, i: int, text: str, min_age: int) -> str:
    try:
        age = float(text.replace(",", "."))
    except ValueError:
        raise InputError(
            f"Altersangabe in Spalte {column} ist keine Zahl",
            file=raw.path,
            line=raw.lines[i],
            column=raw.positions[column],
        ) from None
    if math.isnan(age) or age < min_age or age > 120:
        raise InputError(
            f"Altersangabe in Spalte {column} außerhalb von {min_age}–120 (Mindestalter laut Codebuch)",
            file=raw.path,
            line=raw.lines[i],
            column=raw.positions[column],
        )
    return next(g for g, lo, hi in AGE_GROUPS if age >= lo and (hi is None or age < hi))


def _unknown(raw: RawSurvey, column: str, i: int, what: str) -> InputError:
    """The cell's place and question, never its text: a respondent may have written an e-mail
    address or a phone number there, and messages reach stderr, batch summaries and bundles."""
    return InputError(
        f"{what} in Spalte {column} steht nicht im Codebuch",
        file=raw.path,
        line=raw.lines[i],
        column=raw.positions[column],
    )
