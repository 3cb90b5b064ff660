from __future__ import annotations

import math

from dwk.indicators.catalogue import IndicatorDef
from dwk.report.build import Cell
from dwk.report.comparison import _marks


def _def(id_: str, unit: str) -> IndicatorDef:
    return IndicatorDef(id_, id_, "T", unit, "", "neutral", 0, "", ("kreis",))


def test_a_member_stands_out_beyond_one_standard_deviation():
    defs = [_def("alter", "Jahre"), _def("bevoelkerung", "Personen")]
    values = [40.0, 42.0, 44.0, 50.0]  # mean 44, sd = sqrt((16+4+0+36)/3) = 4.32
    rows = [
        {"alter": Cell(v, "", "2015"), "bevoelkerung": Cell(v * 1000, "", "2015")} for v in values
    ]
    marks = _marks(defs, rows)
    assert marks == [{}, {}, {}, {"alter": "hoch"}]  # 40 is 4.0 below: inside one sd
    rows[0] = {"alter": Cell(30.0, "", "2015"), "bevoelkerung": Cell(1.0, "", "2015")}
    # mean 41.5, sd = sqrt((132.25+0.25+6.25+72.25)/3) = 8.39: 30 lies 11.5 below, 50 8.5 above
    assert _marks(defs, rows) == [{"alter": "niedrig"}, {}, {}, {"alter": "hoch"}]


def test_flagged_or_missing_values_are_never_marked():
    defs = [_def("alter", "Jahre")]
    rows = [
        {"alter": Cell(v, f, "2015")}
        for v, f in ((30.0, "unsicher"), (42.0, ""), (44.0, ""), (math.nan, "."), (43.0, ""))
    ]
    assert _marks(defs, rows) == [{}, {}, {}, {}, {}]
