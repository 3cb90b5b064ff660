"""The indicator catalogue (`data/catalogue.toml`) as typed definitions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwk.core import paths
from dwk.core.toml_records import Field, Schema, check, load, record_name, records, sections
from dwk.core.types import LEVELS

POLARITIES = ("hoeher_guenstig", "niedriger_guenstig", "neutral")


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    label: str
    topic: str
    unit: str
    formula: str
    polarity: str
    min_count: int
    source: str
    levels: tuple[str, ...]
    decimals: int = 1
    age_from: int | None = None
    age_to: int | None = None
    wegweiser: str = ""
    purpose: str = ""


INDICATOR: Schema = {
    "id": Field(str, required=True, nonempty=True),
    "label": Field(str, required=True),
    "topic": Field(str, required=True),
    "unit": Field(str, required=True),
    "formula": Field(str, required=True),
    "polarity": Field(str, required=True, choices=POLARITIES),
    "min_count": Field(int, required=True),
    "source": Field(str, required=True),
    "levels": Field(list, required=True, of=str, choices=LEVELS),
    "decimals": Field(int),
    "age_from": Field(int),
    "age_to": Field(int),
    "wegweiser": Field(str),
    "purpose": Field(str),
}


def load_catalogue(path: Path | None = None) -> list[IndicatorDef]:
    path = path or paths.data_dir() / "catalogue.toml"
    raw, lines = load(path)
    sections(raw, ("indicator",), lines)
    out = []
    for i, entry in enumerate(records(raw, "indicator", lines)):
        name = record_name("Indikator", i, entry)
        fields = check(entry, INDICATOR, lines, ("indicator", i), name)
        out.append(IndicatorDef(**{**fields, "levels": tuple(fields["levels"])}))
    seen: set[str] = set()
    for i, d in enumerate(out):
        if d.id in seen:
            raise lines.error(f"Indikator-IDs sind nicht eindeutig: {d.id}", ("indicator", i), "id")
        seen.add(d.id)
    return out
