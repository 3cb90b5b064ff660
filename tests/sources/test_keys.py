"""Rows that stand for deeper levels: city-states and kreisfreie Städte."""

from dwk.sources.tables.keys import missing_children


def test_city_state_with_districts_keeps_its_kreis_row():
    # 2020 single-year table: Berlin '11' followed only by its districts '11001001', …
    extra = missing_children(["11", "11001001", "11002002", "12", "12051"], "gemeinde")
    assert extra["11"] == [("11000", "kreis"), ("11000000", "gemeinde")]


def test_kreis_with_gemeinden_gets_no_extra_gemeinde_row():
    extra = missing_children(["01", "01051", "01051001", "01051002", "05", "05913"], "gemeinde")
    assert "01051" not in extra and "01" not in extra
    assert extra["05913"] == [("05913000", "gemeinde")]  # kreisfreie Stadt without Gemeinden


def test_city_state_with_district_kreise_is_still_one_gemeinde():
    # Gemeinde tables of 2015 list Berlin as '11' with its Bezirke '11001' … '11012' below
    extra = missing_children(["11", "11001", "11002", "12", "12051", "12051000"], "gemeinde")
    assert extra["11"] == [("11000", "kreis"), ("11000000", "gemeinde")]
    assert missing_children(["11", "11000", "11001"], "gemeinde")["11"] == [
        ("11000000", "gemeinde")
    ]  # a table that names the Kreis row itself keeps it
