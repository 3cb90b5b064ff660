"""The area registry: the DWK members from `data/areas.toml`, every other Kreis and Gemeinde
the shipped tables name, their parents and reference areas, and the key history from
`data/key_changes.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dwk.area_kinds import GvFacts, gv_facts
from dwk.core import paths
from dwk.core.errors import ConfigError, UnknownAreaError
from dwk.core.toml import load_toml
from dwk.core.types import Level, level_of
from dwk.derived import DerivedCache
from dwk.store import Store

# Population tables that name every area: Kreise 1995–2015, Gemeinden 2008–2015, Kreise 2016–2020
# (the last one names Kreise formed after 2015, such as Göttingen 03159).
NAME_TABLES = ("12411-01-01-4", "12411-01-01-5", "12411-0015")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class SurveySource:
    """A local survey an area's profile includes: the export and its codebook, as named in
    `data/areas.toml` (relative paths are relative to that file's folder)."""

    file: Path
    codebook: Path
    verbatims: bool = False  # show the open answers, redacted
    min_cell: int = 10  # smallest group of respondents shown


@dataclass(frozen=True)
class Area:
    key: str
    level: Level
    name: str
    type: str
    land: str
    kreis: str | None
    slug: str
    member: str | None = None
    references: tuple[str, ...] = ()
    description: str = ""
    surveys: tuple[SurveySource, ...] = ()

    @property
    def is_member(self) -> bool:
        return self.member is not None


@dataclass(frozen=True)
class KeyChange:
    new: str
    old: tuple[str, ...]
    level: str
    date: str
    kind: str
    note: str
    source: str


def _names(store: Store) -> dict[tuple[str, str], str]:
    """(key, level) → name, from the first table of `NAME_TABLES` that names the area."""
    names: dict[tuple[str, str], str] = {}
    for table in NAME_TABLES:
        frame = store.table(table)
        rows = frame.drop_duplicates(["area_key", "level"])
        for key, level, name in zip(
            rows["area_key"], rows["level"], rows["area_name"], strict=True
        ):
            names.setdefault((str(key), str(level)), str(name))
    return names


@dataclass
class Registry:
    members: list[Area]
    changes: list[KeyChange]
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    gv: GvFacts = field(default_factory=GvFacts)  # names, kinds, Verstädterung of Gemeinden

    @classmethod
    def load(cls, store: Store, data: Path | None = None) -> Registry:
        data = data or paths.data_dir()
        members = _read_members(data / "areas.toml")
        changes = _read_changes(data / "key_changes.toml")
        derived = DerivedCache(store)
        names = dict(derived.get(("area_names",), lambda: _names(store)))
        gv = derived.get(("gv_facts",), lambda: gv_facts(store))
        for key, name in gv.names.items():  # the newer spelling ("Großrosseln", "St. Ingbert")
            if (key, "gemeinde") in names:
                names[(key, "gemeinde")] = name
        return cls(members, changes, names, gv)

    def member_by_slug(self, slug: str) -> Area | None:
        return next((a for a in self.members if a.slug == slug), None)

    def get(self, key: str, level: str | None = None) -> Area:
        """The area with this dwk key (a member if it is one)."""
        level = level or level_of(key) or ""
        for a in self.members:
            if a.key == key and a.level == level:
                return a
        name = self.names.get((key, level))
        if name is None:
            raise UnknownAreaError(
                f"kein Gebiet mit Schlüssel {key} ({level or 'unbekannte Ebene'})"
            )
        kind = self.gv.kinds.get(key) if level == "gemeinde" else None
        return _official_area(key, level, name, kind)

    def resolve(self, query: str) -> Area:
        """An area by slug, official key in any form, or name."""
        q = query.strip()
        if member := self.member_by_slug(q):
            return member
        if re.fullmatch(r"DG|\d{2}|\d{5}|\d{8}|\d{10,12}", q):
            key = q[:5] + q[-3:] if len(q) >= 10 else q
            return self.get(key)
        if m := re.fullmatch(r"(\d{5}|\d{8})-.*", q):
            return self.get(m[1])
        folded = q.casefold()
        hits = [a for a in self.members if a.name.casefold() == folded]
        hits += [
            _official_area(k, lvl, n, self.gv.kinds.get(k) if lvl == "gemeinde" else None)
            for (k, lvl), n in self.names.items()
            if lvl in ("kreis", "gemeinde") and n.split(",")[0].strip().casefold() == folded
        ]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise UnknownAreaError(
                f"kein Gebiet namens oder mit Schlüssel {q!r} (siehe 'dwk areas')"
            )
        listed = ", ".join(f"{a.key} {a.name}" for a in hits[:6])
        raise UnknownAreaError(f"{q!r} ist mehrdeutig: {listed} — bitte den Schlüssel angeben")

    def at_level(self, level: str) -> list[Area]:
        keys = sorted(k for (k, lvl) in self.names if lvl == level)
        return [self.get(k, level) for k in keys]

    def references(self, area: Area) -> list[Area]:
        """Kreis (for a Gemeinde), Land and Germany, in that order; members' own lists win."""
        keys = [r for r in area.references if r != "members"] or _default_references(area)
        return [self.get(k) for k in keys]

    def peers(self, area: Area) -> list[Area]:
        """The other DWK members, where the area compares itself with them."""
        if "members" not in area.references:
            return []
        return [a for a in self.members if a.slug != area.slug]

    def predecessors(self, key: str) -> KeyChange | None:
        return next((c for c in self.changes if c.new == key), None)


def _default_references(area: Area) -> list[str]:
    if area.level == "gemeinde" and area.kreis and not area.key.endswith("000"):
        return [area.kreis, area.land, "DG"]
    if area.level in ("gemeinde", "kreis"):
        return [area.land, "DG"]
    return ["DG"] if area.level != "de" else []


def slugify(text: str) -> str:
    t = text.casefold().translate(_UMLAUTS)
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def area_type(name: str, level: str) -> str:
    if level == "de":
        return "Staat"
    if level == "land":
        return "Land"
    lowered = name.casefold()
    for marker, kind in (
        ("kreisfreie stadt", "kreisfreie Stadt"),
        ("regionalverband", "Regionalverband"),
        ("region ", "Region"),
        ("landkreis", "Landkreis"),
        ("kreis", "Kreis"),
        ("stadt", "Stadt"),
    ):
        if marker in lowered:
            return kind
    return "Gemeinde"


def _official_area(key: str, level: str, name: str, kind: str | None = None) -> Area:
    """`kind` from the Gemeindeverzeichnis where it knows the area; else guessed from the name."""
    short = name.split(",")[0].strip()
    return Area(
        key=key,
        level=level,
        name=name,
        type=kind or area_type(name, level),
        land=key[:2] if key != "DG" else "",
        kreis=key[:5] if level == "gemeinde" else (key if level == "kreis" else None),
        slug=key if level in ("de", "land") else f"{key}-{slugify(short)}",
    )


_MEMBER_FIELDS = ("slug", "name", "type", "key", "level", "land", "kreis", "member", "references")


def _read_members(path: Path) -> list[Area]:
    out = []
    for i, raw in enumerate(load_toml(path).get("area", []), start=1):
        missing = [f for f in _MEMBER_FIELDS if f not in raw]
        if missing:
            raise ConfigError(f"Gebiet Nr. {i}: es fehlen {', '.join(missing)}", file=path)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", raw["slug"]):
            raise ConfigError(f"Gebiet Nr. {i}: ungültiger Slug {raw['slug']!r}", file=path)
        out.append(
            Area(
                key=str(raw["key"]),
                level=raw["level"],
                name=raw["name"],
                type=raw["type"],
                land=str(raw["land"]),
                kreis=str(raw["kreis"]),
                slug=raw["slug"],
                member=raw["member"],
                references=tuple(str(r) for r in raw["references"]),
                description=raw.get("description", ""),
                surveys=tuple(_survey(path, i, s) for s in raw.get("survey", [])),
            )
        )
    slugs = [a.slug for a in out]
    if len(set(slugs)) != len(slugs):
        raise ConfigError("Slugs sind nicht eindeutig", file=path)
    return out


def _survey(path: Path, i: int, raw: dict) -> SurveySource:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k), str) for k in ("file", "codebook")
    ):
        raise ConfigError(f"Gebiet Nr. {i}: [[area.survey]] braucht file und codebook", file=path)
    if not isinstance(raw.get("verbatims", False), bool):
        raise ConfigError(f"Gebiet Nr. {i}: verbatims muss true oder false sein", file=path)
    min_cell = raw.get("min_cell", 10)
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise ConfigError(f"Gebiet Nr. {i}: min_cell muss eine ganze Zahl ≥ 1 sein", file=path)
    return SurveySource(
        path.parent / raw["file"], path.parent / raw["codebook"], raw.get("verbatims", False),
        min_cell,
    )  # fmt: skip


def _read_changes(path: Path) -> list[KeyChange]:
    return [
        KeyChange(
            new=str(c["new"]),
            old=tuple(str(o) for o in c["old"]),
            level=c["level"],
            date=str(c["date"]),
            kind=c["kind"],
            note=c.get("note", ""),
            source=c.get("source", ""),
        )
        for c in load_toml(path).get("change", [])
    ]
