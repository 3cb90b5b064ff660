"""German names for what a SWOT rule reads and compares with, for the rules appendix: the
`[labels]` of `data/swot_rules.toml`, the catalogue's labels and the projection groups'."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml


@cache
def rule_labels(path: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(comparison → label, statistic → label) from the `[labels]` table."""
    path = path or paths.data_dir() / "swot_rules.toml"
    labels = load_toml(path).get("labels", {})
    out = []
    for part in ("comparison", "indicator"):
        table = labels.get(part, {}) if isinstance(labels, dict) else None
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"[labels.{part}]: Bezeichnungen müssen Text sein", file=path)
        out.append(dict(table))
    return out[0], out[1]
