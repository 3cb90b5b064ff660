"""`dwk profile diff`: what changed between two builds, read from their `<slug>.json` records.

Profiles added or removed; per profile the indicator values of the area and of its reference
areas whose change exceeds a threshold (in the indicator's unit; at 0 any change beyond float
noise), a value that appears or goes missing, a changed Stichtag or Kennzeichen; and the SWOT
statements that are new, gone or reworded, matched by their stable id.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from dwk.core.atomic import write_text
from dwk.core.errors import InputError
from dwk.core.format import format_de, format_period

REL_NOISE = 1e-9
NEW, GONE, CHANGED = "neu", "entfallen", "geändert"
_CSS = {NEW: "k-new", GONE: "k-gone", CHANGED: "k-changed"}


@dataclass(frozen=True)
class ValueChange:
    """One value of one area (the profile's own or a reference area) in one indicator."""

    indicator: str
    label: str
    unit: str
    decimals: int
    area_key: str
    area_name: str
    reference: bool  # a reference area's value, not the profile's own
    old: dict | None  # {"value", "flag", "period"}; None: the indicator or area was not there
    new: dict | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return NEW
        if self.new is None:
            return GONE
        return CHANGED

    @property
    def delta(self) -> float | None:
        a, b = _value(self.old), _value(self.new)
        return None if a is None or b is None else b - a

    def old_text(self) -> str:
        return self._text(self.old)

    def new_text(self) -> str:
        return self._text(self.new)

    def _text(self, cell: dict | None) -> str:
        if cell is None:
            return "nicht vorhanden"
        value = _value(cell)
        if value is None:
            return "–"
        unit = f" {self.unit}" if self.unit else ""
        return f"{format_de(value, self._decimals())}{unit}"

    def delta_text(self) -> str:
        d = self.delta
        if d is None or d == 0:
            return ""
        return format_de(d, self._decimals(), sign=True)

    def notes(self) -> list[str]:
        """Stichtag and Kennzeichen where they changed."""
        if self.old is None or self.new is None:
            return []
        out = []
        if self.old.get("period", "") != self.new.get("period", ""):
            out.append(f"Stichtag {_period(self.old)} → {_period(self.new)}")
        if self.old.get("flag", "") != self.new.get("flag", ""):
            out.append(f"Kennzeichen {_flag(self.old)} → {_flag(self.new)}")
        return out

    def _decimals(self) -> int:
        """The indicator's decimals, more where they would hide the change."""
        a, b = _value(self.old), _value(self.new)
        decimals = max(self.decimals, 0)
        if a is None or b is None:
            return decimals
        while decimals < 9 and a != b and format_de(a, decimals) == format_de(b, decimals):
            decimals += 1
        return decimals


@dataclass(frozen=True)
class SwotChange:
    id: str
    kind: str  # neu, entfallen, geändert
    quadrant: str
    old_text: str
    new_text: str
    old_quadrant: str = ""


@dataclass
class ProfileDiff:
    slug: str
    name: str
    values: list[ValueChange] = field(default_factory=list)
    swot: list[SwotChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.values or self.swot)


@dataclass
class BuildDiff:
    old: Path
    new: Path
    threshold: float
    compared: int  # profiles in both builds
    added: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    removed: list[tuple[str, str]] = field(default_factory=list)
    profiles: list[ProfileDiff] = field(default_factory=list)  # only those with changes

    @property
    def changes(self) -> int:
        return (
            len(self.added)
            + len(self.removed)
            + sum(len(p.values) + len(p.swot) for p in self.profiles)
        )

    @property
    def empty(self) -> bool:
        return self.changes == 0

    def summary(self) -> str:
        limit = f", Schwelle {format_de(self.threshold, _places(self.threshold))}"
        head = (
            f"{self.compared} Profil(e) verglichen, {len(self.added)} neu, "
            f"{len(self.removed)} entfallen{limit if self.threshold else ''}"
        )
        if self.empty:
            return f"{head}: keine Änderungen"
        return f"{head}: {self.changes} Änderung(en)"

    def lines(self) -> list[str]:
        out = [self.summary()]
        out += [f"Profil neu: {slug} ({name})" for slug, name in self.added]
        out += [f"Profil entfallen: {slug} ({name})" for slug, name in self.removed]
        for p in self.profiles:
            for v in p.values:
                out.append(f"{p.slug}: {_value_line(v)}")
            for s in p.swot:
                out.append(f"{p.slug}: {_swot_line(s)}")
        return out


def diff_builds(old: Path, new: Path, threshold: float = 0.0) -> BuildDiff:
    if not (threshold >= 0 and math.isfinite(threshold)):
        raise InputError(f"Schwelle {threshold!r} ungültig: eine Zahl ≥ 0 angeben")
    a, b = _read_build(Path(old)), _read_build(Path(new))
    result = BuildDiff(Path(old), Path(new), float(threshold), len(a.keys() & b.keys()))
    result.added = [(s, _name(b[s])) for s in sorted(b.keys() - a.keys())]
    result.removed = [(s, _name(a[s])) for s in sorted(a.keys() - b.keys())]
    for slug in sorted(a.keys() & b.keys()):
        diff = ProfileDiff(slug, _name(b[slug]))
        diff.values = _value_changes(a[slug], b[slug], threshold)
        diff.swot = _swot_changes(a[slug], b[slug])
        if diff.changed:
            result.profiles.append(diff)
    return result


def write_diff(d: BuildDiff, out_dir: Path) -> list[Path]:
    from dwk.render.profile import environment

    context = _context(d)
    out_dir = Path(out_dir)
    written = []
    for name, autoescape in (("diff.md", False), ("diff.html", True)):
        text = environment(autoescape).get_template(f"{name}.j2").render(**context)
        target = out_dir / name
        write_text(target, text)
        written.append(target)
    return written


# --- reading --------------------------------------------------------------------------------


def _read_build(folder: Path) -> dict[str, dict]:
    if not folder.is_dir():
        raise InputError("Verzeichnis nicht gefunden", file=folder)
    records = {}
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith(".") or not path.is_file():
            continue  # an atomic write's temporary file
        try:
            record = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"kein gültiges JSON: {exc.msg}", file=path, line=exc.lineno, column=exc.colno
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"kein UTF-8: {exc.reason}", file=path) from None
        if _is_profile(record):
            records[path.stem] = record
    if not records:
        raise InputError("keine Profil-Dateien (<slug>.json) im Verzeichnis", file=folder)
    return records


def _is_profile(record: object) -> bool:
    """A profile record (not some other JSON lying in the folder)."""
    return (
        isinstance(record, dict)
        and isinstance(record.get("area"), dict)
        and isinstance(record.get("indicators"), list)
    )


def _name(record: dict) -> str:
    return str(record["area"].get("name", ""))


# --- comparing ------------------------------------------------------------------------------


def _value(cell: dict | None) -> float | None:
    if cell is None:
        return None
    v = cell.get("value")
    if v is None or isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def _differs(old: dict | None, new: dict | None, threshold: float) -> bool:
    if old is None or new is None:
        return old is not new
    if old.get("period", "") != new.get("period", "") or old.get("flag", "") != new.get("flag", ""):
        return True
    a, b = _value(old), _value(new)
    if a is None or b is None:
        return (a is None) != (b is None)
    change = abs(b - a)
    if change <= REL_NOISE * max(abs(a), abs(b)):
        return False
    return change > threshold


def _cells(indicator: dict) -> dict[tuple[str, bool], tuple[str, dict]]:
    """(area key, is reference) → (area name, cell) for the own value and each reference."""
    out = {("", False): ("", indicator)}
    for ref in indicator.get("references") or []:
        if isinstance(ref, dict):
            out[(str(ref.get("key", "")), True)] = (str(ref.get("name", "")), ref)
    return out


def _value_changes(old: dict, new: dict, threshold: float) -> list[ValueChange]:
    a = {i.get("id"): i for i in old["indicators"] if isinstance(i, dict)}
    b = {i.get("id"): i for i in new["indicators"] if isinstance(i, dict)}
    ids = [i for i in b if i is not None] + [i for i in a if i is not None and i not in b]
    own_key, own_name = str(new["area"].get("key", "")), _name(new)
    out = []
    for i in ids:
        ai, bi = a.get(i), b.get(i)
        meta = bi or ai
        ca, cb = _cells(ai) if ai else {}, _cells(bi) if bi else {}
        for slot in [*cb, *(s for s in ca if s not in cb)]:
            name_a, cell_a = ca.get(slot, ("", None))
            name_b, cell_b = cb.get(slot, ("", None))
            if not _differs(cell_a, cell_b, threshold):
                continue
            key, is_ref = slot
            out.append(
                ValueChange(
                    indicator=str(i),
                    label=str(meta.get("label", i)),
                    unit=str(meta.get("unit", "")),
                    decimals=_int(meta.get("decimals"), 1),
                    area_key=key if is_ref else own_key,
                    area_name=(name_b or name_a) if is_ref else own_name,
                    reference=is_ref,
                    old=_plain_cell(cell_a),
                    new=_plain_cell(cell_b),
                )
            )
    return out


def _plain_cell(cell: dict | None) -> dict | None:
    if cell is None:
        return None
    return {
        "value": _value(cell),
        "flag": str(cell.get("flag", "")),
        "period": str(cell.get("period", "")),
    }


def _swot_changes(old: dict, new: dict) -> list[SwotChange]:
    def items(record: dict) -> dict[str, dict]:
        return {str(s["id"]): s for s in record.get("swot") or [] if isinstance(s, dict)}

    a, b = items(old), items(new)
    out = []
    for sid, s in b.items():
        if sid not in a:
            out.append(SwotChange(sid, NEW, str(s.get("quadrant", "")), "", str(s.get("text", ""))))
            continue
        o = a[sid]
        text_a, text_b = str(o.get("text", "")), str(s.get("text", ""))
        quad_a, quad_b = str(o.get("quadrant", "")), str(s.get("quadrant", ""))
        if text_a != text_b or quad_a != quad_b:
            out.append(SwotChange(sid, CHANGED, quad_b, text_a, text_b, quad_a))
    for sid, s in a.items():
        if sid not in b:
            out.append(
                SwotChange(sid, GONE, str(s.get("quadrant", "")), str(s.get("text", "")), "")
            )
    return out


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


# --- text -----------------------------------------------------------------------------------


def _period(cell: dict) -> str:
    p = str(cell.get("period", ""))
    return format_period(p) if p else "–"


def _flag(cell: dict) -> str:
    f = str(cell.get("flag", ""))
    return f"„{f}“" if f else "–"


def _places(x: float) -> int:
    text = repr(float(x))
    return 0 if float(x).is_integer() else len(text.split(".")[1]) if "." in text else 6


def _who(v: ValueChange) -> str:
    return f"{v.label} ({v.area_name})" if v.reference else v.label


def _value_line(v: ValueChange) -> str:
    if v.kind == NEW:
        return f"{_who(v)}: neu, {v.new_text()}"
    if v.kind == GONE:
        return f"{_who(v)}: entfallen (war {v.old_text()})"
    same = v.old_text() == v.new_text()
    text = f"{_who(v)}: {v.new_text()}" if same else f"{_who(v)}: {v.old_text()} → {v.new_text()}"
    if v.delta_text():
        text += f" ({v.delta_text()})"
    notes = v.notes()
    return f"{text}; {'; '.join(notes)}" if notes else text


def _swot_line(s: SwotChange) -> str:
    if s.kind == NEW:
        return f"SWOT neu [{s.quadrant}] {s.id}: {s.new_text}"
    if s.kind == GONE:
        return f"SWOT entfallen [{s.quadrant}] {s.id}: {s.old_text}"
    quad = f"{s.old_quadrant} → {s.quadrant}" if s.old_quadrant != s.quadrant else s.quadrant
    return f"SWOT geändert [{quad}] {s.id}: „{s.old_text}“ → „{s.new_text}“"


def _context(d: BuildDiff) -> dict:
    profiles = []
    for p in d.profiles:
        rows = [
            {
                "indicator": v.label,
                "id": v.indicator,
                "area": v.area_name,
                "reference": v.reference,
                "kind": v.kind,
                "css": _CSS[v.kind],
                "old": v.old_text(),
                "new": v.new_text(),
                "delta": v.delta_text(),
                "notes": "; ".join(v.notes()),
            }
            for v in p.values
        ]
        swot = [
            {
                "id": s.id,
                "kind": s.kind,
                "quadrant": s.quadrant,
                "old_quadrant": s.old_quadrant or s.quadrant,
                "old": s.old_text,
                "new": s.new_text,
            }
            for s in p.swot
        ]
        profiles.append({"slug": p.slug, "name": p.name, "rows": rows, "swot": swot})
    return {
        "title": "Änderungen zwischen zwei Builds",
        "old": str(d.old),
        "new": str(d.new),
        "summary": d.summary(),
        "threshold": format_de(d.threshold, _places(d.threshold)) if d.threshold else "",
        "added": [{"slug": s, "name": n} for s, n in d.added],
        "removed": [{"slug": s, "name": n} for s, n in d.removed],
        "profiles": profiles,
        "empty": d.empty,
    }
