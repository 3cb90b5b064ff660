"""One survey export analysed for an area, as `dwk profile build` (the `[[area.survey]]` entries
of `areas.toml`) and `dwk survey summarize` both need it: the export through its reader, the
codebook, the official population to weight to."""

from __future__ import annotations

from pathlib import Path

from dwk.areas import Area
from dwk.inputs.context import Context
from dwk.sources.surveys.survey_file import read_survey
from dwk.survey.codebook import load_codebook
from dwk.survey.population import official_population
from dwk.survey.summary import MIN_CELL, SurveyResult, summarize


def analyse_survey(
    ctx: Context,
    key: str,
    file: Path,
    codebook: Path,
    *,
    min_cell: int = MIN_CELL,
    include_incomplete: bool = False,
    verbatims: bool = False,
) -> SurveyResult:
    book = load_codebook(codebook)
    raw = read_survey(file)
    population = official_population(ctx, key, book.min_age) if book.weight_by else None
    return summarize(
        raw,
        book,
        population,
        min_cell=min_cell,
        include_incomplete=include_incomplete,
        verbatims=verbatims,
    )


def area_surveys(area: Area, ctx: Context) -> list[SurveyResult]:
    return [
        analyse_survey(
            ctx, area.key, s.file, s.codebook, min_cell=s.min_cell, verbatims=s.verbatims
        )
        for s in area.surveys
    ]
