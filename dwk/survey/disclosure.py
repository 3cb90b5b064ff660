"""Which categories of a breakdown may not be shown (primary and complementary suppression)."""

from __future__ import annotations

from collections.abc import Mapping

from dwk.core.errors import SurveyError


def suppress(counts: Mapping[str, int], min_cell: int = 10) -> set[str]:
    """The categories whose statistics must be replaced by "." when the total is shown.

    * Primary: every category with 0 < n < `min_cell`.
    * Empty categories (n = 0) are marked too, since they have nothing to show, but they do not
      protect anything: their n is known, so they never count as a second suppressed cell.
    * Complementary: if exactly one non-empty category is suppressed, it could be recovered as
      total minus the shown categories, so the smallest other non-empty category is suppressed
      as well (ties: the first in the mapping's order).
    * If there is no other non-empty category, the total itself is that category: everything is
      suppressed, and the caller must not show the total either (all non-empty suppressed).
    """
    if min_cell < 1:
        raise SurveyError(f"Mindestfallzahl {min_cell} ist kleiner als 1")
    for category, n in counts.items():
        if n < 0:
            raise SurveyError(f"Fallzahl für {category!r} ist negativ ({n})")
    nonzero = [c for c, n in counts.items() if n > 0]
    primary = {c for c in nonzero if counts[c] < min_cell}
    if len(primary) == 1:
        rest = [c for c in nonzero if c not in primary]
        if not rest:
            return set(counts)
        primary.add(min(rest, key=lambda c: counts[c]))
    return primary | {c for c, n in counts.items() if n == 0}
