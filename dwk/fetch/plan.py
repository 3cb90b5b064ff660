"""The form of one `data/tablefile` request, and how a request over the API's cell limit is
split: first into the 16 Länder (`regionalkey` `01*` … `16*` of the table's regional variable),
then into halves of the year range, until each part is small enough."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dwk.fetch.api import FetchError

LAENDER = tuple(f"{land:02d}" for land in range(1, 17))
# regional variables of the Regionaldatenbank and GENESIS-Online by key length (AGS)
VARIABLE_BY_KEY_LENGTH = {2: "DLAND", 3: "REGBEZ", 5: "KREISE", 8: "GEMEIN"}
KEY_LENGTH = {v: n for n, v in VARIABLE_BY_KEY_LENGTH.items()}
# regionalstatistik.de codes end in the regional depth: 12411-01-01-4 Kreise, …-5 Gemeinden
_DEPTH = re.compile(r"^\d{5}-\d{2}-\d{2}-([2-5])$")
_DEPTH_VARIABLE = {"2": "DLAND", "3": "REGBEZ", "4": "KREISE", "5": "GEMEIN"}
TABLE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{1,39}$")
REGION_KEY = re.compile(r"^\d{2,12}\*?$")


@dataclass(frozen=True)
class Request:
    table: str
    startyear: int | None = None
    endyear: int | None = None
    regionalvariable: str | None = None
    regionalkey: str | None = None

    def form(self) -> dict[str, str]:
        """The form fields; `compress=false` keeps empty rows, so split parts line up."""
        form = {"name": self.table, "area": "all", "format": "ffcsv", "compress": "false"}
        if self.startyear is not None:
            form["startyear"] = str(self.startyear)
        if self.endyear is not None:
            form["endyear"] = str(self.endyear)
        if self.regionalvariable and self.regionalkey:
            form["regionalvariable"] = self.regionalvariable
            form["regionalkey"] = self.regionalkey
        form["language"] = "de"
        return form


def depth_variable(table: str) -> str | None:
    """The regional variable of the table's own depth, where its code says it."""
    m = _DEPTH.match(table)
    return _DEPTH_VARIABLE[m.group(1)] if m else None


def first_request(
    table: str, from_year: int | None, to_year: int | None, region: str | None, label: str
) -> Request:
    if not TABLE_CODE.match(table):
        raise FetchError(f"{label}: ungültiger Tabellencode (erwartet z. B. 12411-0015)")
    for name, year in (("--from", from_year), ("--to", to_year)):
        if year is not None and not 1900 <= year <= 2100:
            raise FetchError(f"{label}: {name} {year} ist kein Jahr")
    if from_year is not None and to_year is not None and from_year > to_year:
        raise FetchError(f"{label}: --from {from_year} liegt nach --to {to_year}")
    if region is None:
        return Request(table, from_year, to_year)
    if not REGION_KEY.match(region):
        raise FetchError(
            f"{label}: --region {region!r} ist kein Gebietsschlüssel (z. B. 05 oder 05913)"
        )
    digits = region.rstrip("*")
    variable = depth_variable(table) or VARIABLE_BY_KEY_LENGTH.get(len(digits))
    if variable is None:
        raise FetchError(
            f"{label}: --region {region}: Schlüssel mit 2, 3, 5 oder 8 Stellen angeben"
        )
    whole = len(digits) >= KEY_LENGTH[variable] or region.endswith("*")
    return Request(table, from_year, to_year, variable, region if whole else digits + "*")


def split(request: Request) -> list[Request] | None:
    """Smaller requests that together ask for the same cells, or None if there are none."""
    variable = depth_variable(request.table)
    if request.regionalkey is None and variable is not None:
        return [
            replace(request, regionalvariable=variable, regionalkey=f"{land}*") for land in LAENDER
        ]
    start, end = request.startyear, request.endyear
    if start is not None and end is not None and end > start:
        middle = (start + end) // 2
        return [replace(request, endyear=middle), replace(request, startyear=middle + 1)]
    return None
