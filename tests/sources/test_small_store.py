"""The small store of `tests/small_store.py` is small, and holds for the areas it keeps exactly
the cells of the full store, so tests on it assert what the full data say."""

from __future__ import annotations

from pandas.testing import assert_frame_equal

from dwk.core import paths


def test_the_small_store_keeps_every_table_with_fewer_rows(small_store, store):
    assert sorted(small_store.tables()) == sorted(store.tables())
    rows = {c: (len(small_store.table(c)), len(store.table(c))) for c in store.tables()}
    # national tables without area keys (Sterbetafeln, births by the mother's age) stay whole
    assert rows["12621-0001"][0] == rows["12621-0001"][1]
    regional = {c: n for c, n in rows.items() if c not in ("12621-0001", "12612-0007")}
    assert all(small * 2 < full for small, full in regional.values()), regional
    assert sum(s for s, _ in rows.values()) * 20 < sum(f for _, f in rows.values())


def test_kept_areas_have_the_cells_of_the_full_store(small_store, store):
    for code in store.tables():
        small = small_store.table(code)
        full = store.table(code)
        full = full[full["area_key"].isin(set(small["area_key"]))]
        order = ["area_key", "level", "period", "variable", "sex", "age", "flag"]
        assert_frame_equal(
            small.sort_values(order).reset_index(drop=True),
            full[list(small.columns)].sort_values(order).reset_index(drop=True),
            check_categorical=False,
            obj=code,
        )


def test_the_trimmed_files_keep_the_members_lines_and_the_layout(small_store, tmp_path):
    from tests.small_store import build_small_raw

    raw = paths.raw_dir()
    small = build_small_raw(raw, tmp_path / "raw", paths.data_dir())
    name = "genesapi-data/12411-01-01-5_00.csv"
    full_lines = (raw / name).read_text(encoding="utf-8").splitlines()
    lines = (small / name).read_text(encoding="utf-8").splitlines()
    assert lines[:7] == full_lines[:7] and lines[-4:] == full_lines[-4:]  # titles, ©, Stand
    adorf = next(x for x in full_lines if x.startswith("14523010;"))
    assert adorf.startswith("14523010;        Adorf/Vogtl., Stadt;5078;2445;2633;")
    assert adorf in lines
    assert not any(x.startswith("01001;") for x in lines)  # Flensburg is no member
    # Düren keeps its first Gemeinde, so that the reader does not take the Kreis for a
    # kreisfreie Stadt: "05358004;        Aldenhoven;13932;…"
    assert any(x.startswith("05358004;        Aldenhoven;13932;") for x in lines)
