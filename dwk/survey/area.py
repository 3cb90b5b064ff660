"""The surveys an area's profile includes, read and analysed as its `areas.toml` entry names
them: the export through its reader, the codebook, the official population to weight to."""

from __future__ import annotations

from dwk.areas import Area
from dwk.profile.indicators import Context
from dwk.sources.survey_file import read_survey
from dwk.survey.codebook import load_codebook
from dwk.survey.population import official_population
from dwk.survey.summary import SurveyResult, summarize


def area_surveys(area: Area, ctx: Context) -> list[SurveyResult]:
    out = []
    for source in area.surveys:
        book = load_codebook(source.codebook)
        raw = read_survey(source.file)
        population = official_population(ctx, area.key, book.min_age) if book.weight_by else None
        out.append(
            summarize(raw, book, population, min_cell=source.min_cell, verbatims=source.verbatims)
        )
    return out
