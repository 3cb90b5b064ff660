"""WCAG 2 contrast of colours: a fill that carries meaning (a bar, a Likert answer) needs at
least 3:1 against the white page (WCAG 1.4.11, non-text contrast) to be seen at all."""

from __future__ import annotations

NON_TEXT = 3.0


def luminance(colour: str) -> float:
    """Relative luminance of `#rrggbb` (WCAG 2.x, sRGB)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#ffffff") -> float:
    """The contrast ratio of two colours, 1.0 to 21.0."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
