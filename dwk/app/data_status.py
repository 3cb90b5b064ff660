"""`dwk data status`: what the store holds per role (newest Stichtag and its census basis) and,
per member, which figures are current and which are older than the newest the store has for
that level, so that a user sees what to download or fetch next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from dwk.areas import Registry
from dwk.core.format import format_basis, format_period
from dwk.key_changes import renames
from dwk.render.output import write_result
from dwk.roles import Role, load_roles
from dwk.store import Store

__all__ = ["MemberStatus", "RoleStatus", "data_status", "write_status"]


@dataclass(frozen=True)
class RoleStatus:
    role: Role
    newest: str  # ISO Stichtag or year; "" where no table of the role is in the store
    table: str
    basis: str
    by_level: dict[str, str]  # level → newest Stichtag at that level


@dataclass(frozen=True)
class MemberStatus:
    slug: str
    name: str
    role: str
    newest: str  # the member's newest Stichtag for the role
    level_newest: str  # the newest the store has for the member's level

    @property
    def current(self) -> bool:
        return self.newest == self.level_newest


def data_status(store: Store, registry: Registry) -> tuple[list[RoleStatus], list[MemberStatus]]:
    present = set(store.tables())
    roles, members = [], []
    wanted = {a.key for a in registry.members}
    # a member whose key changed (Grabow, 2011) has its earlier figures under the old one
    renamed = {old: new for old, new in renames(registry.changes) if new in wanted}
    for role in load_roles().roles.values():
        by_level: dict[str, tuple[str, str]] = {}
        by_key: dict[str, str] = {}
        bases: dict[tuple[str, str], str] = {}
        for table in role.tables:
            if table not in present:
                continue
            f = store.table(table)[["area_key", "level", "period", "basis"]].astype(str)
            f = f.drop_duplicates()
            for period, basis in f.groupby("period")["basis"].max().items():
                bases[(table, period)] = basis
            for level, period in f.groupby("level")["period"].max().items():
                if period > by_level.get(level, ("", ""))[0]:
                    by_level[level] = (period, table)
            mine = f.loc[f["area_key"].isin(wanted | set(renamed))]
            for key, period in mine.groupby("area_key")["period"].max().items():
                key = renamed.get(key, key)
                by_key[key] = max(period, by_key.get(key, ""))
        if by_level:
            newest, table = max(by_level.values())
        else:
            newest, table = "", ""
        basis = bases.get((table, newest), "") if role.name.startswith("population") else ""
        roles.append(
            RoleStatus(role, newest, table, basis, {lv: p for lv, (p, _) in by_level.items()})
        )
        for area in registry.members:
            if area.level not in role.levels or area.level not in by_level:
                continue
            members.append(
                MemberStatus(
                    area.slug,
                    area.name,
                    role.name,
                    by_key.get(area.key, ""),
                    by_level[area.level][0],
                )
            )
    return roles, members


def write_status(
    status: tuple[list[RoleStatus], list[MemberStatus]], fmt: str, out: TextIO
) -> None:
    roles, members = status

    def body() -> dict:
        return {
            "roles": [
                {
                    "role": r.role.name,
                    "label": r.role.label,
                    "tables": list(r.role.tables),
                    "newest": r.newest,
                    "table": r.table,
                    "basis": r.basis,
                    "by_level": r.by_level,
                }
                for r in roles
            ],
            "members": [
                {
                    "slug": m.slug,
                    "role": m.role,
                    "newest": m.newest,
                    "level_newest": m.level_newest,
                    "current": m.current,
                }
                for m in members
            ],
        }

    write_result(fmt, out, table=lambda stream: _table(roles, members, stream), body=body)


def _table(roles: list[RoleStatus], members: list[MemberStatus], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=140)
    table = Table("Rolle", "neuester Stichtag", "Tabelle", "Basis", title="Datenbestand je Rolle")
    for r in roles:
        newest = format_period(r.newest) if r.newest else "fehlt"
        table.add_row(
            r.role.label, newest, r.table or "–", format_basis(r.basis) if r.basis else ""
        )
    console.print(table)
    older = [m for m in members if not m.current]
    if not older:
        console.print("Alle Mitglieder haben den neuesten Stand ihrer Ebene.")
        return
    table = Table(
        "Mitglied",
        "Rolle",
        "Stand",
        "neuester Stand der Ebene",
        title="Älter als der neueste Stand der Ebene",
    )
    labels = {r.role.name: r.role.label for r in roles}
    for m in older:
        table.add_row(
            m.name,
            labels[m.role],
            format_period(m.newest) if m.newest else "fehlt",
            format_period(m.level_newest),
        )
    console.print(table)
