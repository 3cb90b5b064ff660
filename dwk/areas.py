"""The area registry: the DWK members from `data/areas.toml`, every other Kreis and Gemeinde
the shipped tables name, their parents and reference areas, and the key history from
`data/key_changes.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from dwk import roles
from dwk.area_kinds import GvFacts, gv_facts
from dwk.core import paths
from dwk.core.errors import UnknownAreaError
from dwk.core.toml_records import Field, Lines, Schema, check, load, records, sections
from dwk.core.types import Level, level_of, under
from dwk.derived import DerivedCache
from dwk.key_changes import (
    KeyChange,
    eingliederungen,
    formed_from,
    read_changes,
    renames,
    taken_into,
)
from dwk.store import Store

# Population tables that name every area: Kreise 1995–2015, Gemeinden 2008–2015, Kreise 2016–2020
# (the last one names Kreise formed after 2015, such as Göttingen 03159).
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
    later_key: KeyChange | None = None  # the key it has had since (`KeyChange.renamed`)
    formed: KeyChange | None = None  # the merger that formed it, since 2012 (`formed_from`)
    eingegliedert: tuple[str, str, str] | None = None
    """(date, key, name) of the area it was taken into since, which kept its own key (Mylau
    into Reichenbach im Vogtland in 2016, the Kreis Eisenach into the Wartburgkreis in 2021):
    its figures end there."""

    @property
    def is_member(self) -> bool:
        return self.member is not None


def _names(store: Store) -> dict[tuple[str, str], str]:
    """(key, level) → name, from the first table of the role `area_names` (data/roles.toml)
    that names the area."""
    names: dict[tuple[str, str], str] = {}
    for table in roles.tables("area_names"):
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
        changes = read_changes(data / "key_changes.toml")
        derived = DerivedCache(store)
        names = dict(derived.get(("area_names",), lambda: _names(store)))
        gv = derived.get(("gv_facts",), lambda: gv_facts(store))
        for key, name in gv.names.items():  # the newer spelling ("Großrosseln", "St. Ingbert")
            if (key, "gemeinde") in names:
                names[(key, "gemeinde")] = name
        for old, new in renames(changes):  # and under a new key ("Hörden" → "Hörden am Harz")
            if new in gv.names and (old, "gemeinde") in names:
                names[(old, "gemeinde")] = gv.names[new]
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
        if name is None and level == "gemeinde" and key in self._formed:
            name = self.gv.names.get(key)  # formed since 2015: the Gemeindeverzeichnis names it
        if name is None and (old := self._renamed_from(key, level)):
            return self.get(old, level)
        if name is None:
            raise UnknownAreaError(
                f"kein Gebiet mit Schlüssel {key} ({level or 'unbekannte Ebene'})"
            )
        return self._official(key, level, name)

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
            self._official(k, lvl, n)
            for (k, lvl), n in self.names.items()
            if lvl in ("kreis", "gemeinde") and n.split(",")[0].strip().casefold() == folded
        ]
        hits += [  # formed by a merger since 2015: named by the Gemeindeverzeichnis only
            self.get(k, "gemeinde")
            for k in self._formed
            if (k, "gemeinde") not in self.names
            and self.gv.names.get(k, "").split(",")[0].strip().casefold() == folded
        ]
        hits = self._current(hits)
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise UnknownAreaError(
                f"kein Gebiet namens oder mit Schlüssel {q!r} (siehe 'dwk areas')"
            )
        listed = ", ".join(f"{a.key} {a.name}" for a in hits[:6])
        raise UnknownAreaError(f"{q!r} ist mehrdeutig: {listed} — bitte den Schlüssel angeben")

    def names_under(self, prefix: str, level: str) -> dict[str, str]:
        """Key → name of the areas of `level` whose key starts with `prefix`, by key (a map's
        labels: filtering all 14,000 names cost 7 % of a national run)."""
        keys, names = self._sorted_names.get(level, ([], []))
        found = under(keys, prefix)
        return dict(zip(keys[found], names[found], strict=True))

    @cached_property
    def _sorted_names(self) -> dict[str, tuple[list[str], list[str]]]:
        out: dict[str, tuple[list[str], list[str]]] = {}
        for (key, level), name in sorted(self.names.items()):
            keys, names = out.setdefault(level, ([], []))
            keys.append(key)
            names.append(name)
        return out

    def at_level(self, level: str) -> list[Area]:
        return [self.get(k, level) for k in self.keys_at(level)]

    def keys_at(self, level: str) -> list[str]:
        """Every key of `level` the tables name, and the Gemeinden formed by a merger since,
        which only the Gemeindeverzeichnis names, sorted."""
        keys = {k for (k, lvl) in self.names if lvl == level}
        if level == "gemeinde":
            keys |= {k for k in self._formed if k in self.gv.names}
        return sorted(keys)

    def references(self, area: Area) -> list[Area]:
        """Kreis (for a Gemeinde), Land and Germany, in that order; members' own lists win."""
        keys = [r for r in area.references if r != "members"] or _default_references(area)
        return [self.get(k) for k in keys]

    def peers(self, area: Area) -> list[Area]:
        """The other DWK members, where the area compares itself with them."""
        if "members" not in area.references:
            return []
        return [a for a in self.members if a.slug != area.slug]

    def absorbed(self, key: str) -> tuple[tuple[str, str], ...]:
        """(name, date) of each area `key` absorbed and kept its key ("Eingliederung"): the
        Gemeinden since 2012, Eisenach into the Wartburgkreis in 2021; by date."""
        return tuple(
            (self.names.get((old, c.level), old).split(",")[0], c.date)
            for c in eingliederungen(self.changes, level=None)
            if c.new == key
            for old in c.old
        )

    def predecessors(self, key: str) -> KeyChange | None:
        """The change that made `key` (a merger or a new key), if any; an Eingliederung into
        it is none (Harztor was formed in 2012 and took in three more in 2018)."""
        return next((c for c in self.changes if c.new == key and c.continues_back), None)

    def _official(self, key: str, level: str, name: str) -> Area:
        later = self._renamed_to.get((key, level))
        now = later.new if later else key  # what it is today (Eisenach: no longer kreisfrei)
        kind = self.gv.kinds.get(now, self.gv.kinds.get(key)) if level == "gemeinde" else None
        if level == "gemeinde" and kind is None and bezirk_of(key, self.gv.names):
            kind = "Bezirk"
        area = _official_area(key, level, name, kind)
        if into := self._taken_into.get((key, level)):
            taker = self.names.get((into.new, level), into.new)
            area = replace(area, eingegliedert=(into.date, into.new, taker))
        if level == "gemeinde" and key in self._formed:
            return replace(area, formed=self.predecessors(key))
        if later is None:
            return area
        # compared with the Kreis it lies in since (Göttingen's Gemeinden: 03159)
        return replace(area, later_key=later, kreis=later.new[:5])

    def _current(self, hits: list[Area]) -> list[Area]:
        """The areas a name means: not an old key continued by another of them (Parchim is
        13060056 until 2011 and 13076108 since; the Landkreis Göttingen 03152 until 2016, then
        with Osterode 03159), nor a member's official entry beside the member."""
        keys = {(a.key, a.level) for a in hits}
        members = {(a.key, a.level) for a in hits if a.is_member}
        return [
            a
            for a in hits
            if (self._continued_by.get((a.key, a.level)), a.level) not in keys
            and (a.is_member or (a.key, a.level) not in members)
        ]

    @cached_property
    def _continued_by(self) -> dict[tuple[str, str], str]:
        """(old key, level) → the key that continues its series (`KeyChange.continues_back`)."""
        return {(o, c.level): c.new for c in self.changes if c.continues_back for o in c.old}

    @cached_property
    def _taken_into(self) -> dict[tuple[str, str], KeyChange]:
        return taken_into(self.changes)

    @cached_property
    def _formed(self) -> dict[str, tuple[str, ...]]:
        return formed_from(self.changes)

    @cached_property
    def _renamed_to(self) -> dict[tuple[str, str], KeyChange]:
        return {(c.old[0], c.level): c for c in self.changes if c.renamed}

    def _renamed_from(self, key: str, level: str) -> str | None:
        """The key the tables give an area under that has `key` since (`KeyChange.renamed`):
        its profile and projection go by the key its age structure has."""
        change = self.predecessors(key)
        if change and change.renamed and change.level == level:
            (old,) = change.old
            return old if (old, level) in self.names else None
        return None


def _default_references(area: Area) -> list[str]:
    now = area.later_key.new if area.later_key else area.key  # Eisenach: in a Kreis since 2021
    if area.level == "gemeinde" and area.kreis and not now.endswith("000"):
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


def bezirk_of(key: str, gemeinden: Container[str]) -> str | None:
    """The city a Gemeinde key of the tables is a Bezirk of, where the Gemeindeverzeichnis
    (`gemeinden`, its keys) lists the city as one Gemeinde and not the key: Berlin-Mitte,
    11001000, of Berlin, 11000000, as the Gemeinde table of 2015 gives Berlin's Bezirke."""
    city = f"{key[:2]}000000"
    return city if key != city and key not in gemeinden and city in gemeinden else None


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


AREA: Schema = {
    "slug": Field(str, required=True),
    "name": Field(str, required=True),
    "type": Field(str, required=True),
    "key": Field(str, required=True),
    "level": Field(str, required=True, choices=("gemeinde", "kreis")),
    "land": Field(str, required=True),
    "kreis": Field(str, required=True),
    "member": Field(str, required=True),
    "references": Field(list, required=True, of=str),
    "description": Field(str),
    "survey": Field(list, of=dict),
}
SURVEY: Schema = {
    "file": Field(str, required=True, nonempty=True),
    "codebook": Field(str, required=True, nonempty=True),
    "verbatims": Field(bool),
    "min_cell": Field(int),
}


def _read_members(path: Path) -> list[Area]:
    raw, lines = load(path)
    sections(raw, ("area",), lines)
    out = []
    for i, entry in enumerate(records(raw, "area", lines)):
        where, name = ("area", i), f"Gebiet Nr. {i + 1}"
        fields = check(entry, AREA, lines, where, name)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", fields["slug"]):
            raise lines.error(f"{name}: ungültiger Slug {fields['slug']!r}", where, "slug")
        out.append(
            Area(
                key=fields["key"],
                level=fields["level"],
                name=fields["name"],
                type=fields["type"],
                land=fields["land"],
                kreis=fields["kreis"],
                slug=fields["slug"],
                member=fields["member"],
                references=tuple(fields["references"]),
                description=fields.get("description", ""),
                surveys=tuple(
                    _survey(path, lines, i, j, s) for j, s in enumerate(fields.get("survey", []))
                ),
            )
        )
    seen: set[str] = set()
    for i, area in enumerate(out):
        if area.slug in seen:
            raise lines.error(f"Slugs sind nicht eindeutig: {area.slug}", ("area", i), "slug")
        seen.add(area.slug)
    return out


def _survey(path: Path, lines: Lines, i: int, j: int, raw: dict) -> SurveySource:
    where, name = ("area", i, "survey", j), f"Gebiet Nr. {i + 1}, [[area.survey]] Nr. {j + 1}"
    fields = check(raw, SURVEY, lines, where, name)
    min_cell = fields.get("min_cell", 10)
    if min_cell < 1:
        raise lines.error(f"{name}: min_cell muss eine ganze Zahl ≥ 1 sein", where, "min_cell")
    return SurveySource(
        path.parent / fields["file"],
        path.parent / fields["codebook"],
        fields.get("verbatims", False),
        min_cell,
    )
