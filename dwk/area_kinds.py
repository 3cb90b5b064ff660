"""Names, kinds and degree of urbanisation of the Gemeinden from the newest Gemeindeverzeichnis
the store holds. The population tables spell names as they were ("Grossrosseln", "St.Ingbert")
and say nothing of the kind, so 51 of the 52 Saarland Gemeinden read "Gemeinde" although 17
are Städte; the Gemeindeverzeichnis knows both. Code meanings are data (`data/gv_kinds.toml`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml
from dwk.sources.tables.gv import KIND, URBANISATION
from dwk.store import Store


@dataclass(frozen=True)
class GvFacts:
    """Per Gemeinde key: its name, kind ("Stadt") and Grad der Verstädterung (1–3)."""

    table: str = ""
    period: str = ""
    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    urbanisation: dict[str, int] = field(default_factory=dict)


def _codes(raw: dict, section: str, path: Path) -> dict[int, str]:
    table = raw.get(section, {})
    try:
        return {int(k): str(v) for k, v in table.items()}
    except (ValueError, AttributeError):
        raise ConfigError(f"[{section}]: Schlüssel müssen ganze Zahlen sein", file=path) from None


def gv_codes(path: Path | None = None) -> tuple[list[str], dict[int, str], dict[int, str]]:
    """The GV tables to read (newest first), kind names and urbanisation labels."""
    path = path or paths.data_dir() / "gv_kinds.toml"
    raw = load_toml(path)
    tables = raw.get("gv", {}).get("tables", [])
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        raise ConfigError("[gv] tables muss eine Liste von Tabellencodes sein", file=path)
    return tables, _codes(raw, "textkennzeichen", path), _codes(raw, "verstaedterung", path)


def gv_facts(store: Store) -> GvFacts:
    """From the first GV table of `data/gv_kinds.toml` the store holds, each key as its newest
    edition has it; empty without one."""
    tables, kinds, _ = gv_codes()
    code = next((t for t in tables if t in store.tables()), None)
    if code is None:
        return GvFacts()
    frame = store.table(code)
    frame = frame.loc[frame["level"] == "gemeinde"]
    # the table may hold several editions (31.12.2019, 31.12.2023): oldest first, so that each
    # key ends with its newest name, kind and Verstädterung
    frame = frame.sort_values("period", kind="stable")
    names = dict(zip(frame["area_key"].astype(str), frame["area_name"].astype(str), strict=True))
    out = GvFacts(code, str(frame["period"].iloc[-1]) if len(frame) else "", names)
    for variable, target in ((KIND, out.kinds), (URBANISATION, out.urbanisation)):
        rows = frame.loc[frame["variable"] == variable]
        for key, value in zip(rows["area_key"].astype(str), rows["value"], strict=True):
            if variable == KIND:
                if int(value) in kinds:
                    target[key] = kinds[int(value)]
            else:
                target[key] = int(value)
    return out
