"""SWOT rules as data (`data/swot_rules.toml`): validated on load, never executed."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml import load_toml
from dwk.core.toml_records import Lines
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
    lines = Lines(path, path.read_text("utf-8"))  # the offending key's line (toml_records)
    if not isinstance(entries, list):
        raise lines.error("rule muss eine Liste von [[rule]]-Tabellen sein", (), "rule")
    for i, raw in enumerate(entries, start=1):
        at = ("rule", i - 1)
        if not isinstance(raw, dict):
            raise lines.error(f"Regel Nr. {i}: keine Tabelle [[rule]]", at)
        where = f"Regel Nr. {i} ({raw.get('id', '?')})"

        def fail(problem: str, key: str | None = None) -> ConfigError:
            return lines.error(f"{where}: {problem}", at, key)  # noqa: B023 (raised at once)

        missing = [f for f in _REQUIRED if f not in raw]
        if missing:
            raise fail(f"es fehlen {', '.join(missing)}")
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
            raise fail(f"{', '.join(wrong)} muss Text sein", wrong[0])
        if raw["kind"] not in kinds:
            raise fail(f"unbekannte Regelart {raw['kind']!r}", "kind")
        if (raw["kind"] == "survey") != (raw["indicator"] in SURVEY_STATISTICS):
            raise fail(
                f"Umfrageregeln (kind survey) lesen {', '.join(SURVEY_STATISTICS)}, andere nicht",
                "indicator",
            )
        if raw["kind"] != "survey" and raw["indicator"] not in indicators:
            raise fail(f"unbekannter Indikator {raw['indicator']!r}", "indicator")
        if raw["comparison"] not in COMPARISONS:
            raise fail(f"unbekannter Vergleich {raw['comparison']!r}", "comparison")
        threshold = raw["threshold"]  # true is an int to Python, not a threshold
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
            raise fail("Schwelle muss eine Zahl ≥ 0 sein", "threshold")
        if raw.get("sign", "") not in SIGNS:
            raise fail("Richtung muss '+' oder '-' sein", "sign")
        if raw.get("quadrant", "") not in RULE_QUADRANTS:
            raise fail(f"unbekannter Quadrant {raw['quadrant']!r}", "quadrant")
        if raw.get("polarity", "") not in ("", *SURVEY_POLARITIES) or (
            raw.get("polarity") and raw["kind"] != "survey"
        ):
            raise fail(
                f"polarity nur für Umfrageregeln: {', '.join(SURVEY_POLARITIES)}", "polarity"
            )
        unknown = set(raw) - set(SwotRule.__dataclass_fields__)
        if unknown:
            raise fail(f"unbekannte Felder {', '.join(sorted(unknown))}", sorted(unknown)[0])
        allowed = SURVEY_PLACEHOLDERS if raw["kind"] == "survey" else PLACEHOLDERS
        try:
            _check_template(str(raw["template"]), where, path, allowed)
        except ConfigError as exc:
            raise lines.error(exc.message, at, "template") from None
        out.append(SwotRule(**raw))
    ids = [r.id for r in out]
    if len(set(ids)) != len(ids):
        second = next(i for i, x in enumerate(ids) if x in ids[:i])
        raise lines.error("Regel-IDs sind nicht eindeutig", ("rule", second), "id")
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
