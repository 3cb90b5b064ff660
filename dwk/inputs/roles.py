"""The role registry (`data/roles.toml`): which table serves which role. Computations ask for
roles; a new download of a table is used as soon as it is in the store, a new table for a role
is one line in the file. (The census basis of each figure comes with the cells from the
readers: `dwk.sources.tables.basis`.)"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml
from dwk.core.types import LEVELS

__all__ = ["Role", "load_roles", "role", "tables"]


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    tables: tuple[str, ...]
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    roles: dict[str, Role]


@cache
def load_roles(path: Path | None = None) -> Registry:
    path = path or paths.data_dir() / "roles.toml"
    doc = load_toml(path)
    roles: dict[str, Role] = {}
    for name, body in doc.items():
        if name == "basis":
            continue
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("tables"), list)
            or not body["tables"]
        ):
            raise ConfigError(
                f"Rolle {name!r}: 'tables' muss eine nicht leere Liste sein", file=path
            )
        levels = tuple(body.get("levels", ()))
        bad = [lv for lv in levels if lv not in LEVELS]
        if bad:
            raise ConfigError(f"Rolle {name!r}: unbekannte Ebene {bad[0]!r}", file=path)
        roles[name] = Role(
            name, str(body.get("label", name)), tuple(map(str, body["tables"])), levels
        )
    return Registry(roles)


def role(name: str) -> Role:
    try:
        return load_roles().roles[name]
    except KeyError:
        raise ConfigError(f"Rolle {name!r} fehlt in data/roles.toml") from None


def tables(name: str) -> tuple[str, ...]:
    """The tables of role `name`, preferred first."""
    return role(name).tables
