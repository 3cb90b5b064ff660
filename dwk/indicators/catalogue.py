"""The indicator catalogue (`data/catalogue.toml`) as typed definitions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml

POLARITIES = ("hoeher_guenstig", "niedriger_guenstig", "neutral")
_REQUIRED = ("id", "label", "topic", "unit", "formula", "polarity", "min_count", "source", "levels")


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


def load_catalogue(path: Path | None = None) -> list[IndicatorDef]:
    path = path or paths.data_dir() / "catalogue.toml"
    out = []
    for i, raw in enumerate(load_toml(path).get("indicator", []), start=1):
        missing = [f for f in _REQUIRED if f not in raw]
        if missing:
            raise ConfigError(f"Indikator Nr. {i}: es fehlen {', '.join(missing)}", file=path)
        if raw["polarity"] not in POLARITIES:
            raise ConfigError(
                f"Indikator {raw['id']}: Polarität {raw['polarity']!r} unbekannt", file=path
            )
        unknown = set(raw) - set(IndicatorDef.__dataclass_fields__)
        if unknown:
            raise ConfigError(
                f"Indikator {raw['id']}: unbekannte Felder {', '.join(sorted(unknown))}", file=path
            )
        out.append(IndicatorDef(**{**raw, "levels": tuple(raw["levels"])}))
    ids = [d.id for d in out]
    if len(set(ids)) != len(ids):
        raise ConfigError("Indikator-IDs sind nicht eindeutig", file=path)
    return out
