"""Which areas a national run profiles: every Kreis or every Gemeinde the shipped tables cover,
and the keys that changed on the way, so that none is skipped silently.

The tables come from the roles `kreise` and `gemeinden` (`data/roles.toml`), the Stichtage
from the store. Kreise are those at the newest Stichtag of these tables (31.12.2024 with the
shipped tables); Kreise at the end of the older series (31.12.2015), whose key has gone since,
are listed with their successor. Gemeinden are those of the Gemeinde table at its latest
Stichtag (31.12.2015 with the shipped tables), less those it lists with no inhabitant in any
year (gemeindefreie Gebiete), which are listed. The Gemeindeverzeichnis and the Zensus 2022 only
add area and the census count, so a Gemeinde whose key is not in the newest
Gemeindeverzeichnis any more is still profiled and listed as gone. One formed since by a merger
that `data/key_changes.toml` lists is profiled too, its figures before the merger those of its
parts together, as `dwk profile build` profiles it: a run of a Land's Gemeinden has every
Gemeinde of today. Other new keys have no series to profile and are listed, as are the
uninhabited gemeindefreie Gebiete the Gemeindeverzeichnis lists beside the Gemeinden.
"""

from __future__ import annotations

from dataclasses import dataclass

from dwk import roles
from dwk.areas import Area, Registry, bezirk_of, slugify
from dwk.core.errors import DwkError
from dwk.core.format import format_period
from dwk.key_changes import formed_from
from dwk.sources.tables.gv import CODE as GEMEINDEVERZEICHNIS
from dwk.store import Store

LEVELS = ("kreis", "gemeinde")


@dataclass(frozen=True)
class KeyNote:
    """An area of the run whose key changed: profiled under its old key, or not at all."""

    key: str
    name: str
    land: str
    profiled: bool
    note: str


@dataclass(frozen=True)
class Coverage:
    level: str
    areas: list[Area]  # sorted by key; members as the members they are
    key_notes: list[KeyNote]  # sorted by key
    lands: dict[str, str]  # Land key -> name, for every Land with an area in the run

    def land_folder(self, land: str) -> str:
        """The folder of a Land's non-member profiles, e.g. `01-schleswig-holstein`."""
        return f"{land}-{slugify(self.lands[land])}"


def coverage(store: Store, registry: Registry, level: str, land: str | None = None) -> Coverage:
    if level not in LEVELS:
        raise DwkError(f"unbekannte Ebene {level!r} (möglich: {', '.join(LEVELS)})")
    lands = {k: n for (k, lvl), n in registry.names.items() if lvl == "land"}
    if land is not None and land not in lands:
        raise DwkError(f"kein Land mit Schlüssel {land!r} (01 bis 16)")
    if level == "kreis":
        keys, notes = _kreise(store, registry)
    else:
        keys, notes = _gemeinden(store, registry)
    if land is not None:
        keys = [k for k in keys if k.startswith(land)]
        notes = [n for n in notes if n.land == land]
    areas = [registry.get(k, level) for k in keys]
    used = {a.land for a in areas}
    return Coverage(level, areas, notes, {k: lands[k] for k in sorted(used)})


def _series_ends(store: Store, role: str, level: str) -> list[tuple[list[str], int]]:
    """For each table of `role` the store holds, the keys of `level` at its latest Stichtag and
    that Stichtag's year, oldest first (a table that gives the level earlier than another
    ends with the older Gebietsstand)."""
    out = []
    for table in roles.held(role, store):
        f = store.table(table)
        f = f.loc[f["level"] == level]
        if f.empty:
            continue
        year = int(f["year"].max())
        out.append((sorted({str(k) for k in f.loc[f["year"] == year, "area_key"]}), year))
    if not out:
        raise DwkError(f"keine Tabelle der Rolle {role!r} mit der Ebene {level} im Datenbestand")
    return sorted(out, key=lambda e: e[1])


def _kreise(store: Store, registry: Registry) -> tuple[list[str], list[KeyNote]]:
    ends = _series_ends(store, "kreise", "kreis")
    (before, before_year), (now, _) = ends[0], ends[-1]
    successor = {o: c for c in registry.changes if c.level == "kreis" for o in c.old}
    notes = []
    for key in sorted(set(before) - set(now)):
        change = successor.get(key)
        where = (
            f"aufgegangen in {change.new} ({format_period(change.date)}, {change.kind})"
            if change
            else ""
        )
        notes.append(
            KeyNote(
                key,
                registry.names.get((key, "kreis"), key),
                key[:2],
                False,
                f"Schlüssel nach 31.12.{before_year} entfallen; {where or 'Nachfolger unbekannt'}; "
                f"kein eigenes Profil, die Reihe gehört zum Nachfolger",
            )
        )
    notes += [
        KeyNote(
            key,
            registry.names.get((key, "kreis"), key),
            key[:2],
            True,
            f"Schlüssel neu nach 31.12.{before_year}; Reihen davor über die Vorgänger",
        )
        for key in sorted(set(now) - set(before))
    ]
    return now, sorted(notes, key=lambda n: n.key)


def _uninhabited(store: Store, keys: list[str]) -> set[str]:
    """Those of `keys` that no table of the role `gemeinden` gives an inhabitant in any year:
    the forest districts and the gemeindefreie Gebiete that 12411-01-01-5 lists with 0 (each
    Bavarian Kreis's as one key, `…444`). A profile of them would have no figure to show."""
    inhabited: set[str] = set()
    for table in roles.held("gemeinden", store):
        f = store.table(table)
        f = f.loc[(f["level"] == "gemeinde") & (f["sex"] == "total") & (f["value"] > 0)]
        inhabited |= {str(k) for k in f["area_key"].unique()}
    return set(keys) - inhabited


def _gemeinden(store: Store, registry: Registry) -> tuple[list[str], list[KeyNote]]:
    keys, year = _series_ends(store, "gemeinden", "gemeinde")[-1]
    empty = _uninhabited(store, keys)
    keys = [k for k in keys if k not in empty]
    gv = store.table(GEMEINDEVERZEICHNIS)
    edition = str(gv["period"].astype(str).max())  # the newest Gemeindeverzeichnis
    gv = gv.loc[gv["period"].astype(str) == edition]
    stand = f"{edition[8:10]}.{edition[5:7]}.{edition[:4]}"
    listed = {str(k) for k in gv["area_key"].unique()}
    names = dict(zip(gv["area_key"].astype(str), gv["area_name"].astype(str), strict=True))
    successor = {o: c for c in registry.changes if c.level == "gemeinde" for o in c.old}
    notes = []
    for key in keys:
        if key in listed:
            continue
        change = successor.get(key)
        if change and change.renamed:
            note = (
                f"Schlüssel im Gemeindeverzeichnis {stand} nicht mehr vorhanden; neuer "
                f"Schlüssel {change.new} seit {format_period(change.date)}, Gebiet "
                "unverändert: Profil unter diesem Schlüssel mit den Zahlen des neuen"
            )
        elif not change and (city := bezirk_of(key, listed)):  # Berlin's Bezirke
            note = (
                f"Bezirk: das Gemeindeverzeichnis {stand} führt {city} ({names[city]}) als "
                "eine Gemeinde; Profil mit den Zahlen der Gemeindetabelle, ohne Fläche des "
                "Gemeindeverzeichnisses und Zensus 2022"
            )
        else:
            where = ""
            if change and change.kind == "Eingliederung":
                where = f"; seit {format_period(change.date)} Teil von {change.new}"
            elif change and change.kind == "Teileingliederung":
                where = f"; seit {format_period(change.date)} auf Nachbargemeinden aufgeteilt"
            elif change and change.kind == "Zusammenschluss":
                where = (
                    f"; seit {format_period(change.date)} Teil von {change.new} (Zusammenschluss)"
                )
            elif change:
                where = f"; neuer Schlüssel {change.new} seit {format_period(change.date)}"
            note = (
                f"Schlüssel im Gemeindeverzeichnis {stand} nicht mehr vorhanden "
                f"(Gebietsänderung){where}; Profil mit Daten bis 31.12.{year}, "
                f"ohne Fläche des Gemeindeverzeichnisses und Zensus 2022"
            )
        notes.append(KeyNote(key, registry.names[(key, "gemeinde")], key[:2], True, note))
    notes += [
        KeyNote(
            key,
            registry.names[(key, "gemeinde")],
            key[:2],
            False,
            "in der Gemeindetabelle in jedem Jahr ohne Einwohner (gemeindefreies Gebiet): "
            "kein Profil",
        )
        for key in sorted(empty)
    ]
    people = gv.loc[(gv["variable"] == "Bevölkerung") & (gv["sex"] == "total")]
    inhabited = {str(k) for k, v in zip(people["area_key"], people["value"], strict=True) if v > 0}
    renamed = {c.new: c for c in registry.changes if c.level == "gemeinde" and c.renamed}
    formed = formed_from(registry.changes)
    formed_keys: list[str] = []  # Gemeinden of today that the table of 2015 does not have
    for key in sorted(listed - set(keys) - empty):
        profiled = False
        if (change := renamed.get(key)) and change.old[0] in keys:
            note = (
                f"Schlüssel neu seit {format_period(change.date)} für {change.old[0]} "
                "(Gebiet unverändert, data/key_changes.toml): "
                f"Profil und Vorausberechnung unter {change.old[0]}"
            )
        elif parts := formed.get(key):  # a Gemeinde of today: profiled, its past theirs
            formed_keys.append(key)
            profiled = True
            note = (
                f"Schlüssel neu seit {format_period(registry.predecessors(key).date)}, gebildet aus "
                f"{len(parts)} Gemeinden (data/key_changes.toml): Profil und Vorausberechnung "
                "mit ihren Zahlen zusammen bis dahin (Altersstruktur 2015: ihre Summe)"
            )
        else:
            why = (
                f"Schlüssel neu nach 31.12.{year} (Gebietsänderung)"
                if key in inhabited
                else f"im Gemeindeverzeichnis {stand} ohne Einwohner (gemeindefreies Gebiet)"
            )
            note = f"{why}: keine Fortschreibung in den Tabellen, kein Profil"
        notes.append(KeyNote(key, names[key], key[:2], profiled, note))
    return sorted(keys + formed_keys), sorted(notes, key=lambda n: n.key)
