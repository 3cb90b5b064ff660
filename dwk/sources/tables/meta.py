"""What a table says about itself: code, title, Stand, footnotes, copyright and licence."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

DL_DE_BY = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
_STAND = re.compile(r"Stand:\s*(\d{2}\.\d{2}\.\d{4})")
_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember")  # fmt: skip


def stand_date(stand: str) -> datetime:
    """A file's Stand as a date, to order the files that give one table: `10.10.2017`, or
    `Oktober 2024` as the Gemeindeverzeichnis states it (its first day); none stated: the
    earliest, so that a file with a Stand wins where cells overlap."""
    try:
        return datetime.strptime(stand, "%d.%m.%Y")
    except ValueError:
        pass
    month, _, year = stand.partition(" ")
    if month in _MONTHS and year.isdigit():
        return datetime(int(year), _MONTHS.index(month) + 1, 1)
    return datetime.min


@dataclass
class TableMeta:
    code: str = ""
    title: str = ""
    source_file: str = ""
    encoding: str = ""
    stand: str = ""
    copyright: str = ""
    licence: str = DL_DE_BY
    licence_stated: bool = False
    footnotes: list[str] = field(default_factory=list)
    depth: str = ""
    periods: list[str] = field(default_factory=list)
    # census basis per period of its population figures (`dwk.sources.tables.basis.Basis`), and
    # where it came from ("datei", "sidecar" or "regel"); periods without one are left out
    basis: dict[str, str] = field(default_factory=dict)
    basis_from: dict[str, str] = field(default_factory=dict)
    # what the reader handled but a user should know, one counted German line per kind
    # ("3 Fußzeilen übersprungen", "12 Zellen geheim oder unbekannt (.)"), in a fixed order
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def attribution(self) -> str:
        """The line a report must carry for this table."""
        stand = f", Stand {self.stand}" if self.stand else ""
        return (
            f"{self.copyright or 'Quelle unbekannt'} · Tabelle {self.code}{stand} · {self.licence}"
        )


def parse_footer(cells: list[str]) -> TableMeta:
    meta = TableMeta()
    for cell in cells:
        text = cell.strip()
        if m := _STAND.search(text):
            meta.stand = m[1]
        elif text.startswith("©"):
            first, _, rest = text.partition("\n")
            meta.copyright = first.split(". Lizen")[0].strip().rstrip(".")
            meta.licence_stated = "Datenlizenz Deutschland" in text
        elif text:
            meta.footnotes.append(text)
    return meta
