"""How wide a text is in the charts' font (DejaVu Sans), without a font library: the advance
widths of the characters the reports use, for labels, legends and wrapping."""

from __future__ import annotations

__all__ = ["text_width", "wrap"]

# DejaVu Sans advance widths in 1/1000 em (regular, bold), from the font's hmtx table.
_CHARS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz"
    "{|}~ÄÖÜäöüßéèáà–—−…„“”‚‘’«»°²³€§◂▸·×"
)
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    684, 787, 732, 613, 612, 634, 630, 615, 615, 613, 613, 500, 1000, 838, 1000, 518, 518, 518, 318,
    318, 318, 612, 612, 500, 401, 401, 636, 500, 502, 502, 318, 838,
)  # fmt: skip
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
    774, 850, 812, 675, 687, 712, 719, 678, 678, 675, 675, 500, 1000, 838, 1000, 657, 657, 657, 380,
    380, 380, 646, 646, 500, 438, 438, 696, 500, 502, 502, 380, 838,
)  # fmt: skip
_WIDTHS = (dict(zip(_CHARS, _REGULAR, strict=True)), dict(zip(_CHARS, _BOLD, strict=True)))


def text_width(text: str, size: float = 8.0, bold: bool = False) -> float:
    """Estimated width in pt of `text` in DejaVu Sans (unknown characters count as 'M'-ish)."""
    table = _WIDTHS[bold]
    return sum(table.get(ch, 700) for ch in text) * size / 1000


def wrap(text: str, width: float, size: float = 8.0) -> list[str]:
    """Greedy word wrap to `width` pt; a single over-long word stays whole on its line."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]
