"""Synthetic survey items in the SWOT: marked and explained, so that erzeugte Antworten of a demo
survey are never read as a finding about the place, and a quadrant that rests on them alone
says so."""

from __future__ import annotations

from collections.abc import Iterable

MARKER = "Demo"
LEGEND = "synthetische Demo-Befragung"
ONLY_SYNTHETIC = (
    "Dieses Feld beruht allein auf der synthetischen Demo-Befragung; "
    "keine amtliche Zahl und keine echte Befragung stützt es."
)


def is_synthetic(item: object) -> bool:
    evidence = getattr(item, "evidence", None) or {}
    return bool(evidence.get("synthetic", False))


def only_synthetic(items: Iterable[object]) -> bool:
    """A non-empty quadrant whose every item comes from a synthetic survey."""
    items = list(items)
    return bool(items) and all(is_synthetic(i) for i in items)


def any_synthetic(quadrants: dict[str, list]) -> bool:
    return any(is_synthetic(i) for items in quadrants.values() for i in items)
