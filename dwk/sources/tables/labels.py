"""What a header or row label of an official table says: a period, a sex, an age band, a unit,
the name of a dimension, or part of the variable.

Periods become ISO text (`2015-12-31`, `2015`, `2016/2018`); age bands become `from-to`
(upper bound exclusive, `75+` for open bands, `total` for all ages); sexes `total`, `male`,
`female`.
"""

from __future__ import annotations

import re

_DATE = re.compile(r"^(?:Stichtag:?\s*)?(\d{2})\.(\d{2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(?:Jahr:?\s*)?((?:19|20)\d{2})$")
_SPAN = re.compile(r"^((?:19|20)\d{2})/(\d{2}|\d{4})$")

_AGE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^unter (\d+) Jahre?n?$"), "0-{0}"),
    (re.compile(r"^(\d+) bis unter (\d+) Jahre?n?$"), "{0}-{1}"),
    (re.compile(r"^(\d+) Jahre? und (?:mehr|älter)$"), "{0}+"),
    (re.compile(r"^(\d+) Jahre? u\. ?m\.$"), "{0}+"),
    (re.compile(r"^(\d+)-Jährige$"), "{0}-{1p}"),
    (re.compile(r"^(\d+) Jahre?$"), "{0}-{1p}"),
    (re.compile(r"^(\d+)-(\d+) Jahre$"), "{0}-{1x}"),
]
SEXES = {"männlich": "male", "weiblich": "female", "Männer": "male", "Frauen": "female"}
UNITS = {
    "Anzahl",
    "qkm",
    "ha",
    "Prozent",
    "1000 qm",
    "Jahre",
    "Ziffer",
    "EUR",
    "Tsd. EUR",
    "Personen je qkm",
}
_DIMENSION_NAMES = re.compile(
    r"^(Altersgruppen?\b.*|Altersjahre\b.*|Alter der Mutter|Geschlecht\b.*|Nationalität|"
    r"Familienstand\b.*|Kontinente\b.*|und zwar|Stichtag|Jahr|Jahre|Zeit)$"
)
TOTAL = "Insgesamt"


def period(label: str) -> str | None:
    """ISO form of a period label, or None if the label is no period."""
    t = label.strip()
    if m := _DATE.match(t):
        return f"{m[3]}-{m[2]}-{m[1]}"
    if m := _ISO.match(t):
        return t
    if m := _YEAR.match(t):
        return m[1]
    if m := _SPAN.match(t):
        end = m[2] if len(m[2]) == 4 else m[1][:2] + m[2]
        return f"{m[1]}/{end}"
    return None


def period_year(iso: str) -> int:
    """The calendar year a period belongs to (the last year of a span)."""
    return int(iso[-4:]) if "/" in iso else int(iso[:4])


def age_band(label: str) -> str | None:
    t = label.strip()
    if t == "Alter unbekannt":
        return "unknown"
    for pattern, form in _AGE_PATTERNS:
        if m := pattern.match(t):
            nums = [int(g) for g in m.groups()]
            return form.format(
                *nums,
                **{"1p": nums[0] + 1, "1x": nums[-1] + 1 if len(nums) > 1 else 0},
            )
    return None


def is_dimension_name(label: str) -> bool:
    return bool(_DIMENSION_NAMES.match(label.strip()))


def band_bounds(band: str) -> tuple[int, int | None]:
    """(from, to) of an age band code; to is None for an open band."""
    if band.endswith("+"):
        return int(band[:-1]), None
    lo, hi = band.split("-")
    return int(lo), int(hi)
