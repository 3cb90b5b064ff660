"""Raking against the hand case of docs §1c, its closed form, and every refusal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dwk.core.errors import SurveyError
from dwk.survey.weighting import kish, rake

SEX_AGE = {"sex": {"m": 4800, "w": 5200}, "age": {"<65": 7500, "65+": 2500}}


def hand_sample() -> dict[str, list[str]]:
    cells = [("m", "<65", 30), ("m", "65+", 20), ("w", "<65", 25), ("w", "65+", 25)]
    sex = [s for s, _, n in cells for _ in range(n)]
    age = [a for _, a, n in cells for _ in range(n)]
    return {"sex": sex, "age": age}


def cell_weights(w: np.ndarray) -> list[float]:
    return [w[0], w[30], w[50], w[75]]  # first respondent of each cell, in the order above


def test_hand_case():
    r = rake(hand_sample(), SEX_AGE)
    assert cell_weights(r.weights) == pytest.approx(
        [126.2620, 50.6070, 148.4856, 59.5144], abs=1e-3
    )
    assert r.total == pytest.approx(10_000)
    assert r.design_effect == pytest.approx(1.16923, abs=1e-5)
    assert r.effective_n == pytest.approx(85.53, abs=5e-3)
    assert r.design_effect == pytest.approx(1 + r.cv**2)
    assert r.n == 100 and r.iterations >= 1
    assert r.min == pytest.approx(50.6070, abs=1e-3) and r.max == pytest.approx(148.4856, abs=1e-3)
    assert r.margins == {"age": {"<65": 7500, "65+": 2500}, "sex": {"m": 4800, "w": 5200}}


def test_closed_form_keeps_the_odds_ratio():
    # x² − 32300x + 108 000 000 = 0, the smaller root is the fitted m/<65 count
    x = (32300 - math.sqrt(32300**2 - 4 * 108_000_000)) / 2
    w = cell_weights(rake(hand_sample(), SEX_AGE).weights)
    fitted = [w[0] * 30, w[1] * 20, w[2] * 25, w[3] * 25]
    assert fitted == pytest.approx([x, 4800 - x, 7500 - x, x - 2300], rel=1e-9)
    assert fitted[0] * fitted[3] / (fitted[1] * fitted[2]) == pytest.approx(30 * 25 / (20 * 25))


def test_variable_order_does_not_matter():
    s = hand_sample()
    a = rake(s, SEX_AGE).weights
    b = rake({"age": s["age"], "sex": s["sex"]}, {"sex": SEX_AGE["sex"], "age": SEX_AGE["age"]})
    assert np.array_equal(a, b.weights)


def test_totals_within_tolerance_are_scaled_to_their_mean():
    margins = {"sex": {"m": 4800, "w": 5200}, "age": {"<65": 7520, "65+": 2500}}  # 0.2 % apart
    r = rake(hand_sample(), margins)
    assert r.total == pytest.approx(10_010)
    assert sum(r.margins["sex"].values()) == pytest.approx(10_010)
    assert r.margins["age"]["<65"] == pytest.approx(7520 * 10_010 / 10_020)


def test_kish():
    assert kish([2.0] * 10) == pytest.approx((1.0, 10.0))
    assert kish([1, 3]) == pytest.approx((2 * 10 / 16, 16 / 10))
    assert all(math.isnan(v) for v in kish([]))


@pytest.mark.parametrize(
    "groups, margins, words",
    [
        (
            None,
            {"sex": {"m": 4800, "w": 5200}, "age": {"<65": 7500, "65+": 1500}},
            ["passen nicht", "'sex'", "10.000", "'age'", "9.000"],
        ),
        (
            {"sex": ["m", "w", "d"], "age": ["<65", "65+", "<65"]},
            None,
            ["'sex'", "'d'", "1 Befragte", "keine Randsumme"],
        ),
        ({"sex": ["m", "w", "m"], "age": ["<65"] * 3}, None, ["Leere Zelle", "'age'", "'65+'"]),
        (
            {"sex": ["m", None, float("nan"), "", "w"], "age": ["<65", "65+"] * 2 + ["<65"]},
            None,
            ["'sex'", "3 Befragte ohne Wert"],
        ),
        (
            {"sex": ["m", "w"], "age": ["<65", "65+"], "bezirk": ["a", "b"]},
            None,
            ["'bezirk'", "keine Randsummen"],
        ),
        ({"sex": ["m", "w"]}, None, ["'age'", "keine solche"]),
        (
            {"sex": ["m", "w"], "age": ["<65", "65+", "<65"]},
            None,
            ["ungleich lang", "'age' 3", "'sex' 2"],
        ),
        (
            None,
            {"sex": {"m": 10_000, "w": 0}, "age": {"<65": 7500, "65+": 2500}},
            ["'sex'", "'w'", "nicht positiv"],
        ),
        ({"sex": [], "age": []}, None, ["ohne Befragte"]),
    ],
)
def test_refusals_name_the_variable_and_category(groups, margins, words):
    with pytest.raises(SurveyError) as err:
        rake(groups or hand_sample(), margins or SEX_AGE)
    for word in words:
        assert word in str(err.value)


def test_infeasible_margins_do_not_converge():
    # no man aged 65+, yet 8000 men but only 5000 people under 65
    groups = {"sex": ["m"] * 10 + ["w"] * 20, "age": ["<65"] * 20 + ["65+"] * 10}
    margins = {"sex": {"m": 8000, "w": 2000}, "age": {"<65": 5000, "65+": 5000}}
    with pytest.raises(SurveyError, match="konvergiert nicht nach 50 Durchläufen"):
        rake(groups, margins, max_iterations=50)


@st.composite
def samples(draw):
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    cells = np.indices(sizes).reshape(len(sizes), -1).T
    counts = draw(st.lists(st.integers(1, 12), min_size=len(cells), max_size=len(cells)))
    names = [f"v{i}" for i in range(len(sizes))]
    groups = {
        n: [f"c{cell[i]}" for cell, k in zip(cells, counts, strict=True) for _ in range(k)]
        for i, n in enumerate(names)
    }
    total = draw(st.floats(100, 1e6))
    margins = {}
    for n, size in zip(names, sizes, strict=True):
        raw = draw(st.lists(st.floats(1, 50), min_size=size, max_size=size))
        margins[n] = {f"c{j}": v / sum(raw) * total for j, v in enumerate(raw)}
    return groups, margins


@settings(max_examples=150, deadline=None)
@given(samples())
def test_raked_margins_hit_the_targets(case):
    groups, margins = case
    r = rake(groups, margins)
    assert (r.weights > 0).all()
    for var, targets in margins.items():
        for cat, target in targets.items():
            got = r.weights[np.array(groups[var]) == cat].sum()
            assert got == pytest.approx(target, rel=1e-6)
