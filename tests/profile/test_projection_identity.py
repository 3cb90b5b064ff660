"""An area's outlook and dynamics do not depend on what was computed before in the same
context, nor on which areas were asked together: bit for bit, not approximately."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from dwk.core.errors import NoProjection
from dwk.dynamics.section import dynamics_for
from dwk.inputs.context import Context
from dwk.projection import model as fc
from dwk.projection.outlook import outlook_for

GEMEINDE, KREIS = "01058065", "01058"
OTHERS = ["01058001", "01058100", "01059068", "03151029", "09177133", "05154", "09476", "13075"]


def assert_identical(a, b, path: str = "") -> None:
    assert type(a) is type(b), path
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_identical(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_identical(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_identical(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert a == b or (math.isnan(a) and math.isnan(b)), f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, path


def _both(ctx: Context, registry, key: str):
    area = registry.get(key)
    return outlook_for(ctx, area), dynamics_for(ctx, area, registry.references(area))


@pytest.mark.parametrize("key", [GEMEINDE, KREIS])
def test_alone_equals_after_many_others(store, registry, key):
    alone = _both(Context(store, registry.changes), registry, key)
    shared = Context(store, registry.changes)
    for other in OTHERS:
        _both(shared, registry, other)
    fc.project_areas(shared, ["09177133", "01058100", "03151029"], None, 2040)
    assert_identical(alone, _both(shared, registry, key))


def test_gemeinde_rows_equal_the_gemeinde_projected_alone(store, registry):
    """A Gemeinde asked together with others gets the numbers it gets when asked alone: both
    come from its Kreis batch (the Gemeinden of a Kreis are scaled to it together)."""
    ctx = Context(store, registry.changes)
    keys = [GEMEINDE, "09177133", "01058001"]
    together = fc.project_areas(ctx, keys, None, 2040)
    for i, key in enumerate(keys):
        own = fc.project_areas(Context(store, registry.changes), [key], None, 2040)
        for v, run in own.runs.items():
            for field in ("population", "births", "deaths"):
                mine = getattr(together.runs[v], field)[:, i : i + 1]
                assert np.array_equal(getattr(run, field), mine), (key, v, field)
        assert own.plan.deviation[0] == together.plan.deviation[i]
        assert_identical(own.assumptions, together.assumptions)


def test_a_gemeinde_without_base_is_refused_as_before(ctx):
    with pytest.raises(NoProjection, match="Keine Altersstruktur für 01051040"):
        fc.project_areas(ctx, ["01058065", "01051040"], None, 2040)
