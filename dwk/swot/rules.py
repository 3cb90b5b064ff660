"""SWOT rules as data (`data/swot_rules.toml`): validated on load, never executed."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml
from dwk.survey.codebook import POLARITIES as SURVEY_POLARITIES

COMPARISONS = ("kreis", "land", "de", "members", "absolut")
PLACEHOLDERS = frozenset(
    {"area", "label", "value", "reference", "reference_name", "difference", "unit", "direction",
     "period", "reference_in", "reference_for", "amount", "change"}
)  # fmt: skip
SURVEY_PLACEHOLDERS = frozenset(
    {"area", "label", "value", "low", "high", "n", "reference", "period", "survey"}
)
SURVEY_STATISTICS = ("top2",)
_REQUIRED = ("id", "kind", "indicator", "comparison", "threshold", "template")
SIGNS = ("", "+", "-")
RULE_QUADRANTS = ("", "Stärke", "Schwäche", "Chance", "Risiko", "Handlungsbedarf")


@dataclass(frozen=True)
class SwotRule:
    id: str
    kind: str
    indicator: str
    comparison: str
    threshold: float
    template: str
    sign: str = ""
    quadrant: str = ""
    polarity: str = ""  # survey rules: only items of this polarity (codebook)


def load_rules(
    kinds: frozenset[str], indicators: set[str], path: Path | None = None
) -> list[SwotRule]:
    """Rules of known kinds on known indicators, with templates that use only the placeholders."""
    path = path or paths.data_dir() / "swot_rules.toml"
    out = []
    entries = load_toml(path).get("rule", [])
    if not isinstance(entries, list):
        raise ConfigError("rule muss eine Liste von [[rule]]-Tabellen sein", file=path)
    for i, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict):
            raise ConfigError(f"Regel Nr. {i}: keine Tabelle [[rule]]", file=path)
        where = f"Regel Nr. {i} ({raw.get('id', '?')})"
        missing = [f for f in _REQUIRED if f not in raw]
        if missing:
            raise ConfigError(f"{where}: es fehlen {', '.join(missing)}", file=path)
        texts = (
            "id",
            "kind",
            "indicator",
            "comparison",
            "template",
            "sign",
            "quadrant",
            "polarity",
        )
        wrong = [f for f in texts if f in raw and not isinstance(raw[f], str)]
        if wrong:
            raise ConfigError(f"{where}: {', '.join(wrong)} muss Text sein", file=path)
        if raw["kind"] not in kinds:
            raise ConfigError(f"{where}: unbekannte Regelart {raw['kind']!r}", file=path)
        if (raw["kind"] == "survey") != (raw["indicator"] in SURVEY_STATISTICS):
            raise ConfigError(
                f"{where}: Umfrageregeln (kind survey) lesen {', '.join(SURVEY_STATISTICS)}, andere nicht",
                file=path,
            )
        if raw["kind"] != "survey" and raw["indicator"] not in indicators:
            raise ConfigError(f"{where}: unbekannter Indikator {raw['indicator']!r}", file=path)
        if raw["comparison"] not in COMPARISONS:
            raise ConfigError(f"{where}: unbekannter Vergleich {raw['comparison']!r}", file=path)
        if not isinstance(raw["threshold"], int | float) or raw["threshold"] < 0:
            raise ConfigError(f"{where}: Schwelle muss eine Zahl ≥ 0 sein", file=path)
        if raw.get("sign", "") not in SIGNS:
            raise ConfigError(f"{where}: Richtung muss '+' oder '-' sein", file=path)
        if raw.get("quadrant", "") not in RULE_QUADRANTS:
            raise ConfigError(f"{where}: unbekannter Quadrant {raw['quadrant']!r}", file=path)
        if raw.get("polarity", "") not in ("", *SURVEY_POLARITIES) or (
            raw.get("polarity") and raw["kind"] != "survey"
        ):
            raise ConfigError(f"{where}: polarity nur für Umfrageregeln: {', '.join(SURVEY_POLARITIES)}", file=path)  # fmt: skip
        unknown = set(raw) - set(SwotRule.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"{where}: unbekannte Felder {', '.join(sorted(unknown))}", file=path)
        allowed = SURVEY_PLACEHOLDERS if raw["kind"] == "survey" else PLACEHOLDERS
        _check_template(str(raw["template"]), where, path, allowed)
        out.append(SwotRule(**raw))
    ids = [r.id for r in out]
    if len(set(ids)) != len(ids):
        raise ConfigError("Regel-IDs sind nicht eindeutig", file=path)
    return out


def _check_template(template: str, where: str, path: Path, allowed: frozenset[str]) -> None:
    try:
        parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template)]
    except ValueError as exc:
        raise ConfigError(f"{where}: Satzvorlage fehlerhaft ({exc})", file=path) from None
    fields = [f for f, _, _ in parsed if f is not None]
    # the values come formatted; a format spec could hide a field ({value:{area.__class__}})
    # or pad a sentence to gigabytes ({area:>999999999})
    formatted = [f for f, spec, conv in parsed if f is not None and (spec or conv)]
    if formatted:
        raise ConfigError(
            f"{where}: Formatangaben (:… oder !…) in Platzhaltern sind nicht erlaubt: {', '.join(formatted)}",
            file=path,
        )
    bad = [f for f in fields if f not in allowed]
    if bad:
        raise ConfigError(f"{where}: unbekannte Platzhalter {', '.join(bad)}", file=path)
