"""The key history of `data/key_changes.toml`: which areas became (part of) which, when, and
what that means for their figures (summed back, taken in, split)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from dwk.core.parse_cache import parsed_once
from dwk.core.toml_records import Field, Schema, check, load, records, sections
from dwk.core.types import LEVELS

ChangeKind = Literal["neuer Schlüssel", "Zusammenschluss", "Eingliederung", "Teileingliederung"]
"""How `old` became (part of) `new`: the same territory under a new key; a merger under a new
key; taken in whole by `new`, which kept its key; or split between several, of which `new`
took a part (one entry per receiver): no table has the part's figures, so nothing is summed,
and `new`'s figures across that day compare different territories."""
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)


@dataclass(frozen=True)
class KeyChange:
    new: str
    old: tuple[str, ...]
    level: str
    date: str
    kind: ChangeKind
    note: str
    source: str

    @property
    def renamed(self) -> bool:
        """A new key for one old area with the same territory: its series are one."""
        return self.kind == "neuer Schlüssel" and len(self.old) == 1

    @property
    def continues_back(self) -> bool:
        """Whether the new key's years before the change are its old keys' sum: not where it
        absorbed them and kept its key, since its own territory is not among `old` (Harztor,
        formed in 2012, had no figure of its own in 2011, not that of the three it took later),
        nor where it took a part of one."""
        return self.kind in ("neuer Schlüssel", "Zusammenschluss")


def renames(changes: list[KeyChange]) -> list[tuple[str, str]]:
    """(old key, new key) of every area whose key changed with its territory unchanged
    (`KeyChange.renamed`): one area, whose series, counts and projection go under either."""
    return [(c.old[0], c.new) for c in changes if c.renamed]


def formed_from(
    changes: list[KeyChange], after: str | None = None, level: str = "gemeinde"
) -> dict[str, tuple[str, ...]]:
    """New key → the areas whose territory it is, of every area of `level` formed by a merger
    (kind "Zusammenschluss"; with `after`, an ISO day, formed after it): the tables up to 2015
    have those, the later ones only it."""
    return {
        c.new: c.old
        for c in changes
        if c.level == level and c.kind == "Zusammenschluss" and (after is None or c.date > after)
    }


def eingliederungen(changes: list[KeyChange], level: str | None = "gemeinde") -> list[KeyChange]:
    """Every absorption of others by an area that kept its key (kind "Eingliederung") of
    `level` (None: Gemeinden and Kreise, Eisenach into the Wartburgkreis in 2021), by date."""
    found = [c for c in changes if c.kind == "Eingliederung" and level in (None, c.level)]
    return sorted(found, key=lambda c: c.date)


def change_years(changes: list[KeyChange], kind: ChangeKind) -> dict[str, tuple[int, ...]]:
    """Gemeinde key → the years in which it took others in (`kind` "Eingliederung") or a part
    of one split between several ("Teileingliederung")."""
    out: dict[str, tuple[int, ...]] = {}
    for c in changes:
        if c.kind == kind and c.level == "gemeinde":
            out[c.new] = (*out.get(c.new, ()), int(c.date[:4]))
    return out


def absorbed_into(
    changes: list[KeyChange], after: int, level: str = "gemeinde"
) -> dict[str, tuple[str, ...]]:
    """Key → the areas of `level` it absorbed after 31.12.`after` and kept its key
    (`eingliederungen`), over all its entries: its figures from then on are of their territory
    together with its."""
    out: dict[str, tuple[str, ...]] = {}
    for c in eingliederungen(changes, level):
        if int(c.date[:4]) > after:
            out[c.new] = (*out.get(c.new, ()), *c.old)
    return out


def taken_into(changes: list[KeyChange]) -> dict[tuple[str, str], KeyChange]:
    """(key, level) → the Eingliederung that took it into an area that kept its own key
    (`eingliederungen`; the other way round from `absorbed_into`): its figures end there."""
    return {
        (old, c.level): c
        for c in eingliederungen(changes, level=None)
        for old in c.old
        if old != c.new
    }


def territories(changes: list[KeyChange], after: int) -> dict[str, tuple[str, ...]]:
    """Key → the Gemeinden of 31.12.`after` (a projection's base) whose territory it has since:
    those it was formed from (`formed_from`), or itself first and those it absorbed
    (`absorbed_into`). Its later figures are of their territory together. A change dated in
    the year `after` itself already shows on that Stichtag (Rötha took in Espenhain on
    01.08.2015), so it does not count."""
    out = dict(formed_from(changes, f"{after}-12-31"))
    out |= {key: (key, *old) for key, old in absorbed_into(changes, after).items()}
    return out


CHANGE: Schema = {
    "new": Field(str, required=True, nonempty=True),
    "old": Field(list, required=True, of=str, nonempty=True),
    "level": Field(str, required=True, choices=LEVELS),
    "date": Field(date, required=True),
    "kind": Field(str, required=True, choices=CHANGE_KINDS),
    "note": Field(str),
    "source": Field(str),
}


def read_changes(path: Path) -> list[KeyChange]:
    """`data/key_changes.toml` (or a file like it), checked: one `KeyChange` per entry. Read
    once per process and version of the file (the registry and the maps both need it) and
    kept parsed between runs (`_read_once`)."""
    try:
        st = path.stat()
    except OSError:
        return _read_changes(path)  # says in German what is wrong with it
    return list(_read_once(path.resolve(), st.st_mtime_ns, st.st_size))


@cache
def _read_once(path: Path, _mtime_ns: int, _size: int) -> tuple[KeyChange, ...]:
    """Parsed once per process, and kept parsed in the cache folder (`parsed_once`): checking
    its 1,079 entries takes 145 ms of each command's start, the pickle 2 ms."""
    data = path.read_bytes()
    return parsed_once(data, "key_changes", lambda: tuple(_read_changes(path)))


def _read_changes(path: Path) -> list[KeyChange]:
    raw, lines = load(path)
    sections(raw, ("change",), lines)
    out = []
    for i, entry in enumerate(records(raw, "change", lines)):
        fields = check(entry, CHANGE, lines, ("change", i), f"Schlüsseländerung Nr. {i + 1}")
        out.append(
            KeyChange(
                new=fields["new"],
                old=tuple(fields["old"]),
                level=fields["level"],
                date=fields["date"].isoformat(),
                kind=fields["kind"],
                note=fields.get("note", ""),
                source=fields.get("source", ""),
            )
        )
    return out
