"""The Zensus 2022 factor of a Gemeinde as computed by hand from the raw files (see
`dwk.projection.observed`): its count of 15.05.2022 over its Zensus 2011 line on that day,
geometric between the Gemeindeverzeichnis of 31.12.2019 and of 31.12.2023. The census day is
day 135 of 365 in 2022, so it lies (2 + 135/365) / 4 of the way from 2019 to 2023."""

from __future__ import annotations

CENSUS_DAY = (2 + 135 / 365) / 4


def census_factor(count: float, in_2019: float, in_2023: float) -> float:
    return count / (in_2019 * (in_2023 / in_2019) ** CENSUS_DAY)
