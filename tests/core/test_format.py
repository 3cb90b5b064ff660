"""The one German number formatter rounds half up, as the statistical offices publish."""

from __future__ import annotations

import pytest

from dwk.core.format import format_basis, format_de, round_half_up


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.25, 1, "0,3"),  # Python's own format gives "0,2" (half to even on the binary value)
        (0.35, 1, "0,4"),
        (2.675, 2, "2,68"),  # 2.675 is 2.67499999… in binary: f"{2.675:.2f}" == "2.67"
        (410.95, 1, "411,0"),  # Adorf's Gebietsfläche, GV line 14334: " 42.97"… (Fläche 410,95)
        (62.5, 0, "63"),
        (1234567.5, 0, "1.234.568"),
        (-0.04, 1, "0,0"),  # no minus on a number that rounds to zero
        (-0.05, 1, "−0,1"),
        (-3.5, 0, "−4"),
    ],
)
def test_half_up(value, decimals, text):
    assert format_de(value, decimals) == text


def test_sign_unit_and_missing():
    assert format_de(0.05, 1, sign=True) == "+0,1"
    assert format_de(0.0, 1, sign=True) == "0,0"
    assert format_de(1500, 0, unit="km²") == "1.500 km²"
    assert format_de(None) == "–"
    assert format_de(float("nan")) == "–"
    assert str(round_half_up(0.125, 2)) == "0.13"


def test_basis_labels():
    assert format_basis("zensus2022") == "Basis Zensus 2022"
    assert format_basis("zensus2011") == "Basis Zensus 2011"
