"""The form of a `data/tablefile` request: `--region` as regional variable and key, and the
arguments refused before anything is asked."""

from __future__ import annotations

import socket
import urllib.error

import pytest

from dwk.fetch.api import FetchError
from dwk.fetch.plan import first_request, split


@pytest.mark.parametrize(
    ("table", "region", "variable", "key"),
    [
        ("12411-01-01-4", "05", "KREISE", "05*"),  # the Kreise of NRW
        ("12411-01-01-5", "05913", "GEMEIN", "05913*"),  # the Gemeinden of Dortmund
        ("12411-01-01-4", "05913", "KREISE", "05913"),  # Dortmund itself
        ("12411-0015", "14523", "KREISE", "14523"),  # depth by key length
        ("12411-0015", "14*", "DLAND", "14*"),
    ],
)
def test_region_becomes_regionalvariable_and_key(table, region, variable, key):
    form = first_request(table, 2020, 2024, region, "x").form()
    assert (form["regionalvariable"], form["regionalkey"]) == (variable, key)
    assert (form["startyear"], form["endyear"]) == ("2020", "2024")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("12411 0015", None, None, None), "ungültiger Tabellencode"),
        (("12411-0015", 2024, 2020, None), "--from 2024 liegt nach --to 2020"),
        (("12411-0015", None, None, "NRW"), "kein Gebietsschlüssel"),
        (("12411-0015", None, None, "1234"), "2, 3, 5 oder 8 Stellen"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(FetchError, match=message):
        first_request(*args, "Tabelle x (GENESIS-Online)")


def test_split_goes_by_land_then_by_years():
    kreise = first_request("12411-01-01-4", 2016, 2019, None, "x")
    by_land = split(kreise)
    assert [(r.regionalvariable, r.regionalkey) for r in by_land] == [
        ("KREISE", f"{land:02d}*") for land in range(1, 17)
    ]
    halves = split(by_land[4])
    assert [(r.regionalkey, r.startyear, r.endyear) for r in halves] == [
        ("05*", 2016, 2017),
        ("05*", 2018, 2019),
    ]
    assert (
        split(first_request("12411-0015", 2024, 2024, None, "x")) is None
    )  # nothing left to split


def test_region_is_refused_for_the_zensus_database():
    from dwk.fetch.run import fetch_tables

    with pytest.raises(
        FetchError, match=r"^Tabelle 1000A-0000 \(Zensusdatenbank 2022\): --region gilt nur"
    ):
        fetch_tables(["1000A-0000"], "zensus2022", region="05", credentials=None)


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (socket.gaierror(-2, "Name or service not known"), "Server genesis.example nicht gefunden"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            "Verbindung zu genesis.example abgelehnt",
        ),
        (TimeoutError("timed out"), "keine Antwort von genesis.example innerhalb von 300 s"),
        (
            OSError(101, "Network is unreachable"),
            "keine Verbindung zu genesis.example (Network is unreachable)",
        ),
    ],
)
def test_network_problems_in_german(reason, said):
    """What urllib raises when there is no network, no DNS or no answer (no traffic needed)."""
    from dwk.fetch.api import _network_problem

    assert _network_problem(urllib.error.URLError(reason), "genesis.example", 300.0).startswith(
        said
    )
