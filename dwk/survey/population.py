"""The official population a survey is weighted to: the area's residents of survey age by age
group and by sex, at the latest Stichtag of its age table. Only whole official bands are summed,
so the margins are counts, not estimates."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dwk.core.errors import SurveyError
from dwk.indicators.compute import age_source, age_years
from dwk.inputs.context import Context
from dwk.survey.codebook import AGE_GROUPS

SEX_COLUMNS = {"männlich": "male", "weiblich": "female"}


@dataclass(frozen=True)
class Population:
    key: str
    table: str
    period: str
    age: dict[str, float]  # age group -> residents
    sex: dict[str, float]  # männlich/weiblich -> residents of survey age

    def margins(self, by: tuple[str, ...]) -> dict[str, dict[str, float]]:
        return {f: dict(self.age if f == "age" else self.sex) for f in by}


def official_population(ctx: Context, key: str, min_age: int = 18) -> Population:
    years = age_years(ctx, key)
    src = age_source(ctx, key, years[-1]) if years else None
    if src is None:
        raise SurveyError(f"keine amtliche Altersgliederung für {key}: Gewichtung nicht möglich")
    row = src.row[key]
    groups = [(g, lo, hi) for g, lo, hi in AGE_GROUPS if lo >= min_age]
    if not groups or groups[0][1] != min_age:
        raise SurveyError(f"Mindestalter {min_age} passt nicht zu den Altersgruppen der Gewichtung")

    def count(lo: int, hi: int | None, sex: str = "total") -> float:
        cells = src.between(lo, hi, sex)
        value = math.nan if cells is None else float(cells[row])
        if math.isnan(value):
            raise SurveyError(
                f"Tabelle {src.table} ({src.period}) hat für {key} keinen Wert für {lo}–{hi or ''} Jahre"
            )
        return value

    age = {g: count(lo, hi) for g, lo, hi in groups}
    sex = {s: count(min_age, None, col) for s, col in SEX_COLUMNS.items()}
    return Population(key, src.table, src.period, age, sex)
