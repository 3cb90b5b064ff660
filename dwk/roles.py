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
from dwk.core.toml_records import Field, Schema, check, load
from dwk.core.types import LEVELS
from dwk.store import Store

__all__ = ["Role", "first", "held", "load_roles", "role", "tables"]


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    tables: tuple[str, ...]
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Roles:
    roles: dict[str, Role]


ROLE: Schema = {
    "label": Field(str),
    "tables": Field(list, required=True, of=str, nonempty=True),
    "levels": Field(list, of=str, choices=LEVELS),
}


@cache
def load_roles(path: Path | None = None) -> Roles:
    path = path or paths.data_dir() / "roles.toml"
    raw, lines = load(path)
    roles: dict[str, Role] = {}
    for name, body in raw.items():
        if name == "basis":
            continue
        fields = check(body, ROLE, lines, (name,), f"Rolle {name!r}")
        roles[name] = Role(
            name,
            fields.get("label", name),
            tuple(fields["tables"]),
            tuple(fields.get("levels", ())),
        )
    return Roles(roles)


def role(name: str) -> Role:
    try:
        return load_roles().roles[name]
    except KeyError:
        raise ConfigError(f"Rolle {name!r} fehlt in data/roles.toml") from None


def tables(name: str) -> tuple[str, ...]:
    """The tables of role `name`, preferred first."""
    return role(name).tables


def held(name: str, store: Store) -> tuple[str, ...]:
    """The tables of role `name` that `store` holds, preferred first."""
    present = set(store.tables())
    return tuple(t for t in tables(name) if t in present)


def first(name: str, store: Store) -> str:
    """The preferred table of role `name` that `store` holds, else the first named (so that
    the caller's message about the missing data names the table to download)."""
    return next(iter(held(name, store)), tables(name)[0])
