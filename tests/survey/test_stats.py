"""Item statistics against numbers worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from dwk.core.errors import SurveyError
from dwk.survey.stats import breakdown, item_stats, wilson

NAN = math.nan


def test_wilson_on_the_effective_n_of_the_docs_example():
    # docs §1c: top-2-box 40.4 %, n = 93 valid, n_eff = 79.2. The doc prints [29.6 %, 51.2 %],
    # which is the Wald interval 0.404 ± 1.96·√(0.404·0.596/79.2) = 0.404 ± 0.1081.
    # Wilson: q = 1.959964²/79.2 = 0.048504; centre = (0.404 + q/2)/(1 + q) = 0.408442;
    # half = 1.959964/(1 + q)·√(0.404·0.596/79.2 + q/(4·79.2)) = 0.105633 → [30.3 %, 51.4 %].
    low, high = wilson(0.404, 79.2)
    assert (low, high) == pytest.approx((0.302808, 0.514074), abs=1e-5)
    assert (round(low * 100, 1), round(high * 100, 1)) == (30.3, 51.4)


def test_wilson_edges():
    assert wilson(0.5, 100) == pytest.approx((0.403831, 0.596169), abs=1e-6)  # textbook value
    low, high = wilson(0.0, 10)
    assert low == 0.0 and high == pytest.approx(0.277532, abs=1e-6)  # q/(1+q), q = z²/10
    assert wilson(1.0, 10)[1] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in wilson(0.5, 0))
    with pytest.raises(SurveyError, match="1.5"):
        wilson(1.5, 10)


def test_item_stats_by_hand():
    # valid: code 5 (w 2), 4 (w 1), 1 (w 1), 3 (w 1); Σw = 5
    s = item_stats(
        [5, 4, 1, NAN, 3, NAN], [2, 1, 1, 1, 1, 1], 5, ["", "", "", "weiß nicht", "", ""]
    )
    assert s.points == 5 and s.valid_n == 4
    assert s.counts == (1, 0, 1, 1, 1)
    assert s.shares == pytest.approx((20.0, 0.0, 20.0, 20.0, 40.0))  # 1/5, 0, 1/5, 1/5, 2/5
    assert s.top2 == pytest.approx(60.0) and s.bottom2 == pytest.approx(20.0)
    assert s.effective_n == pytest.approx(25 / 7)  # 5² / (2² + 1 + 1 + 1)
    # Wilson on n = 25/7: q = 1.075608, centre = 0.548175, half = 0.356451
    assert s.top2_ci == pytest.approx((19.1724, 90.4626), abs=1e-3)
    assert s.mean == pytest.approx(3.6)  # (2·5 + 4 + 1 + 3) / 5
    # weighted variance (2·1.4² + 0.4² + 2.6² + 0.6²)/5 = 2.24, × n_eff/(n_eff − 1) = 25/18
    # → sd 1.763834; half = 1.959964 · 1.763834 / √(25/7) = 1.829293
    assert s.mean_ci == pytest.approx((1.770707, 5.429293), abs=1e-5)
    assert s.missing == {"weiß nicht": 1, "nicht beantwortet": 1}
    assert s.nonresponse == pytest.approx(100 * 2 / 6)


def test_unweighted_effective_n_is_the_valid_n():
    s = item_stats([1, 2, 3, 4, NAN], [1] * 5, 4, [""] * 4 + ["nicht gezeigt"])
    assert s.effective_n == pytest.approx(4)
    assert s.top2 == pytest.approx(50) and s.bottom2 == pytest.approx(50)
    # the respondent the item was not shown to is outside the base: 0 of 4 shown lack an answer
    assert s.missing == {"nicht gezeigt": 1} and s.nonresponse == 0


def test_no_valid_answer_gives_nan_not_zero():
    s = item_stats([NAN, NAN], [1, 1], 5, ["weiß nicht", "weiß nicht"])
    assert s.valid_n == 0 and s.missing == {"weiß nicht": 2} and s.nonresponse == 100
    assert math.isnan(s.top2) and math.isnan(s.mean) and all(math.isnan(v) for v in s.shares)


@pytest.mark.parametrize(
    "values, weights, reasons, words",
    [
        ([1, 7, 7], [1, 1, 1], ["", "", ""], ["Code 7", "1–5", "2 Antworten"]),
        ([1, 2.5], [1, 1], ["", ""], ["Code 2.5"]),
        ([1, 2], [1, 1], ["", "weiß nicht"], ["Nr. 2", "'weiß nicht'"]),
        ([1, 2], [1], ["", ""], ["2 Antworten", "1 Gewichte"]),
        ([1, 2], [1, 1], [""], ["1 Fehlgründe"]),
        ([1, 2], [1, -1], ["", ""], ["nicht negativ"]),
    ],
)
def test_item_refusals(values, weights, reasons, words):
    with pytest.raises(SurveyError) as err:
        item_stats(values, weights, 5, reasons)
    for word in words:
        assert word in str(err.value)


ORDER = ["18–29", "30–44", "45–64", "65–79", "80+"]


def survey():
    rows = [("18–29", 5)] * 4 + [("30–44", 2)] * 12 + [("30–44", NAN)] * 3
    rows += [("45–64", 5)] * 20 + [("45–64", 4)] * 10 + [("45–64", 1)] * 10
    rows += [("65–79", 3)] * 35 + [(None, 5)] * 5
    groups, values = zip(*rows, strict=True)
    return list(values), [1.0] * len(values), list(groups)


def test_breakdown():
    values, weights, groups = survey()
    result = breakdown(values, weights, 5, groups, ORDER)
    assert [g.group for g in result] == ORDER
    assert [g.n for g in result] == [4, 12, 40, 35, 0]  # the 3 missing and the 5 without group
    assert [g.suppressed for g in result] == [True, True, False, False, True]
    assert [g.uncertain for g in result] == [True, True, False, False, True]
    for g in result[:2] + result[4:]:
        assert math.isnan(g.top2) and math.isnan(g.mean) and math.isnan(g.top2_ci[0])
    assert result[2].top2 == pytest.approx(75)  # (20 + 10) / 40
    assert result[2].mean == pytest.approx(3.75)  # (100 + 40 + 10) / 40
    assert result[3].top2 == 0 and result[3].mean == pytest.approx(3)
    assert result[3].top2_ci[0] == 0


def test_breakdown_thresholds_are_configurable():
    values, weights, groups = survey()
    result = breakdown(values, weights, 5, groups, ORDER, min_cell=3, uncertain_below=10)
    assert [g.suppressed for g in result] == [False, False, False, False, True]
    assert [g.uncertain for g in result] == [True, False, False, False, True]
    assert result[0].top2 == 100 and result[1].mean == 2


def test_breakdown_refuses_a_group_outside_the_order():
    with pytest.raises(SurveyError, match="'90\\+'"):
        breakdown([1, 2], [1, 1], 5, ["18–29", "90+"], ORDER)
