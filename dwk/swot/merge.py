"""One fact, one SWOT item: where several rules on the same indicator fire into the same quadrant
(mean age above the Kreis, the Land and the other members), the quadrant shows one sentence that
names every reference instead of three sentences saying the same. The sentences are data: the
`[[merge]]` tables of `data/swot_rules.toml`; an indicator without one keeps its items apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.format import format_de, format_period
from dwk.core.toml import load_toml
from dwk.swot.engine import Subject, SwotItem, _change
from dwk.swot.rules import COMPARISONS, _check_template

SENTENCE = frozenset({"area", "value", "amount", "change", "direction", "period", "references",
                      "unit"})  # fmt: skip
PART = frozenset({"reference", "reference_name", "reference_in", "reference_for", "difference",
                  "direction", "unit"})  # fmt: skip
MEMBERS = ("bei den übrigen DWK-Mitgliedern", "für die übrigen DWK-Mitglieder")


@dataclass(frozen=True)
class MergeRule:
    indicator: str
    template: str  # the whole sentence; {references} is the joined parts
    reference: str  # one part per compared reference (not for "absolut")


def load_merges(indicators: set[str], path: Path | None = None) -> dict[str, MergeRule]:
    path = path or paths.data_dir() / "swot_rules.toml"
    out: dict[str, MergeRule] = {}
    for i, raw in enumerate(load_toml(path).get("merge", []), start=1):
        where = f"Zusammenfassung Nr. {i} ({raw.get('indicator', '?') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict) or set(raw) != {"indicator", "template", "reference"}:
            raise ConfigError(
                f"{where}: braucht genau indicator, template und reference", file=path
            )
        if not all(isinstance(v, str) for v in raw.values()):
            raise ConfigError(f"{where}: alle Felder müssen Text sein", file=path)
        if raw["indicator"] not in indicators:
            raise ConfigError(f"{where}: unbekannter Indikator {raw['indicator']!r}", file=path)
        if raw["indicator"] in out:
            raise ConfigError(f"{where}: Indikator doppelt", file=path)
        _check_template(raw["template"], where, path, SENTENCE)
        _check_template(raw["reference"], where, path, PART)
        out[raw["indicator"]] = MergeRule(**raw)
    return out


def merge_items(items: list[SwotItem], merges: dict[str, MergeRule], s: Subject) -> list[SwotItem]:
    """`items` with every group of one indicator in one quadrant made one item, at the place of
    its first; the merged item keeps the first's id and lists every rule in its evidence."""
    groups: dict[tuple[str, str], list[SwotItem]] = {}
    for item in items:
        if item.indicator in merges and "survey" not in item.evidence:
            groups.setdefault((item.indicator, item.quadrant), []).append(item)
    out = []
    for item in items:
        group = groups.get((item.indicator, item.quadrant), [item])
        if len(group) < 2:
            out.append(item)
        elif group[0] is item:
            out.append(_merged(group, merges[item.indicator], s))
    return out


def _merged(group: list[SwotItem], m: MergeRule, s: Subject) -> SwotItem:
    first = group[0]
    own = s.observations[first.indicator]
    d, ev = own.decimals, first.evidence
    compared = sorted(
        (i for i in group if i.evidence["comparison"] != "absolut"),
        key=lambda i: COMPARISONS.index(i.evidence["comparison"]),
    )
    parts = [_part(m.reference, i, s, d) for i in compared]
    references = ", ".join(parts[:-1]) + " und " + parts[-1] if len(parts) > 1 else "".join(parts)
    diff = compared[0].evidence["difference"] if compared else own.value
    text = m.template.format(
        area=s.name,
        value=format_de(own.value, d),
        amount=format_de(abs(own.value), d),
        change=_change(own.value),
        direction=_direction(diff),
        period=format_period(ev["period"]),
        references=references,
        unit=own.unit,
    )
    rules = [i.rule for i in group]
    return replace(first, text=text, evidence={**ev, "rules": rules})


def _part(template: str, item: SwotItem, s: Subject, d: int) -> str:
    ev = item.evidence
    name = ev["reference"]
    in_, for_ = (
        MEMBERS
        if ev["comparison"] == "members"
        else s.phrases.get(ev["comparison"], (f"in {name}", f"für {name}"))
    )
    return template.format(
        reference=format_de(ev["reference_value"], d),
        reference_name=name,
        reference_in=in_,
        reference_for=for_,
        difference=format_de(abs(ev["difference"]), d),
        direction=_direction(ev["difference"]),
        unit=ev["unit"],
    )


def _direction(diff: float) -> str:
    return "über" if diff > 0 else "unter"
