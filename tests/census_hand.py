"""The Zensus 2022 factor of a Gemeinde as computed by hand from the raw files (see
`dwk.projection.observed`): its count of 15.05.2022 over its Zensus 2011 line on that day,
geometric between the Gemeindeverzeichnis of 31.12.2019 and of 31.12.2023. The census day is
day 135 of 365 in 2022, so it lies (2 + 135/365) / 4 of the way from 2019 to 2023.

`kreis_ratio` is the slow reference of the step after it: the factors of a Kreis's Gemeinden
times one ratio, so that on 31.12.2023 they add up to the Kreis's 2022-based figure
(12411-0015), read here with the csv module and openpyxl straight from the raw files."""

from __future__ import annotations

import csv
from functools import cache

from dwk.core import paths

CENSUS_DAY = (2 + 135 / 365) / 4
EARLIER_KEY = {"16063105": "16056000"}  # Eisenach, new key 2021 (data/key_changes.toml)


def census_factor(count: float, in_2019: float, in_2023: float) -> float:
    return count / (in_2019 * (in_2023 / in_2019) ** CENSUS_DAY)


def kreis_factor(kreis: str) -> float:
    """The Kreis's own factor: its 12411-0015 figure of 31.12.2023 over the sum of its
    Gemeinden in the Gemeindeverzeichnis of that day (a Gemeinde without a census count of
    its own, merged since, takes it)."""
    now = [people for k, (people, _) in _gv_2023().items() if k.startswith(kreis)]
    return _kreise_12411_0015()[kreis] / sum(now)


def gv_2023(key: str) -> float:
    """A Gemeinde's population in the Gemeindeverzeichnis of 31.12.2023."""
    return _gv_2023()[key][0]


def gv_2023_kreis(kreis: str) -> float:
    """The sum of a Kreis's Gemeinden in the Gemeindeverzeichnis of 31.12.2023."""
    return sum(people for k, (people, _) in _gv_2023().items() if k.startswith(kreis))


def kreis_ratio(kreis: str) -> float:
    """The Kreis's 12411-0015 figure of 31.12.2023 over the sum of its Gemeinden of the
    Gemeindeverzeichnis of 31.12.2023, each times its census factor (where its area of 2019
    and 2023 differ by at most 5 % and the census counts it), else times the Kreis's own
    factor (12411-0015 over the Gemeindeverzeichnis's sum). A Gemeinde keyed anew after 2019
    with its territory unchanged has its figure of 2019 under the earlier key."""
    now = {k: v for k, v in _gv_2023().items() if k.startswith(kreis)}
    before, counts = _gv_2019(), _census()
    kreis_2023 = _kreise_12411_0015()[kreis]
    own = kreis_2023 / sum(people for people, _ in now.values())
    carried = 0.0
    for key, (people, area) in now.items():
        factor = own
        then = before.get(key) or before.get(EARLIER_KEY.get(key, ""))
        if then and key in counts and abs(area / then[1] - 1) <= 0.05:
            factor = census_factor(counts[key], then[0], people)
        carried += people * factor
    return kreis_2023 / carried


@cache
def _gv_2023() -> dict[str, tuple[float, float]]:
    import openpyxl

    path = paths.raw_dir() / "destatis-gv-2023/31122023_Auszug_GV.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for row in book.worksheets[1].iter_rows(values_only=True):
        if row[0] == "60" and isinstance(row[9], int | float):  # Satzart 60: a Gemeinde
            out[row[2] + row[3] + row[4] + row[6]] = (float(row[9]), float(row[8]))
    return out


@cache
def _gv_2019() -> dict[str, tuple[float, float]]:
    path = paths.raw_dir() / "grundeinkommensbuero-gv/AuszugGV4QAktuell.csv"
    out = {}
    with open(path, encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            if row[0] == "60" and row[9].strip():
                key = row[2] + row[3] + row[4] + row[6]
                out[key] = (float(row[9].replace(" ", "")), float(row[8]))
    return out


@cache
def _census() -> dict[str, float]:
    path = paths.raw_dir() / "hdigital-zensus2022/1000A-0000_de.csv"
    with open(path, encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f, delimiter=";") if len(r) > 4 and len(r[0]) == 12]
    return {r[0][:5] + r[0][-3:]: float(r[4]) for r in rows if r[4].isdigit()}


@cache
def _kreise_12411_0015() -> dict[str, float]:
    (path,) = (paths.raw_dir() / "cartogram-12411-0015").glob("*.csv")
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter=";") if len(r[0]) == 5 and r[8].isdigit()]
    return {r[0]: float(r[8]) for r in rows}
