"""An area named inside a German sentence: "im Landkreis Emsland", "in der Stadt Riesa", "für
den Kreis Düren". Article and declined type noun come from `data/area_types.toml` by the area's
type, so a new kind of area needs a line of data, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml

Case = Literal["in", "for"]
_FIELDS = ("type", "noun", "in", "in_bare", "for", "for_bare")


@dataclass(frozen=True)
class AreaType:
    type: str
    noun: str
    in_: str
    in_bare: str
    for_: str
    for_bare: str


@cache
def area_types(path: Path | None = None) -> dict[str, AreaType]:
    path = path or paths.data_dir() / "area_types.toml"
    out = {}
    for i, raw in enumerate(load_toml(path).get("type", []), start=1):
        missing = [f for f in _FIELDS if not isinstance(raw.get(f), str)]
        if missing:
            raise ConfigError(f"Gebietsart Nr. {i}: es fehlen {', '.join(missing)}", file=path)
        out[raw["type"]] = AreaType(
            raw["type"], raw["noun"], raw["in"], raw["in_bare"], raw["for"], raw["for_bare"]
        )
    return out


def short_name(name: str) -> str:
    """The name without the official suffix: "Emsland, Landkreis" → "Emsland"."""
    return name.split(",")[0].strip()


def area_phrase(name: str, type_: str, case: Case = "in") -> str:
    """`name` with the article (and noun) its type asks for; an unknown type gets "in"/"für"."""
    kind = area_types().get(type_)
    if kind is None:
        return f"{'in' if case == 'in' else 'für'} {name}"
    short = short_name(name)
    noun, folded = kind.noun.casefold(), short.casefold()
    # "Landkreis Emsland", "Vogtlandkreis", "Rhein-Sieg-Kreis" already say what they are
    if noun and (folded.startswith(noun + " ") or folded.endswith(noun)):
        return f"{kind.in_bare if case == 'in' else kind.for_bare} {short}"
    return f"{kind.in_ if case == 'in' else kind.for_} {short}"


def end_sentence(text: str) -> str:
    """`text` with one full stop: "Adorf/Vogtl." ends a sentence as it is."""
    return text if text.endswith((".", "!", "?")) else text + "."
