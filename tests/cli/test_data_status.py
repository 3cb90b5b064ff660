"""`dwk data status`: the newest Stichtag per role with its table and basis, and the members'
figures that are older than the newest of their level."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dwk.cli import app


def test_status_json(cache_dir, store):
    result = CliRunner().invoke(app, ["data", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    roles = {r["role"]: r for r in body["roles"]}
    # data/raw/cartogram-12411-0015: Kreise 31.12.2020–2024, from 2022 on the Zensus 2022
    # basis (its sidecar); the Gemeindeverzeichnis of 31.12.2023 gives the Gemeinden
    population = roles["population"]
    assert (population["newest"], population["table"], population["basis"]) == (
        "2024-12-31",
        "12411-0015",
        "zensus2022",
    )
    assert population["by_level"]["gemeinde"] == "2023-12-31"
    assert roles["census_2022"]["newest"] == "2022-05-15"
    members = {(m["slug"], m["role"]): m for m in body["members"]}
    assert members[("dortmund", "population")]["current"] is True
    assert members[("adorf", "population")]["newest"] == "2023-12-31"
    # Grabow's Zensus 2011 count stands under its key before 04.09.2011, 13054037
    # (gd/12111-01-01-5_00.csv line 10408), as the profile reads it: no longer "fehlt"
    assert members[("grabow", "census_2011")]["newest"] == "2011-05-09"
    assert members[("grabow", "census_2011")]["current"] is True


def test_status_refuses_csv(cache_dir, store):
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dwk.cli import console; console()",
            "data",
            "status",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "Fehler: unbekanntes Format 'csv' (möglich: table, json)"
    ]


@pytest.mark.parametrize(
    ("args", "offered"),
    [
        (["data", "status", "--format", "csv"], "table, json"),
        (["indicators", "dortmund", "--format", "xml"], "table, json, csv"),
        (["project", "--backtest", "--format", "xml"], "table, json, csv"),
        (["survey", "summarize", "x.csv", "--codebook", "y.toml", "--area", "adorf",
          "--format", "csv"], "table, json"),
    ],
)  # fmt: skip
def test_a_format_not_offered_is_refused_before_the_store_is_read(args, offered, tmp_path):
    """With an empty cache directory a command that read the store would build it first; a
    format the command does not offer stops it before that (the cache stays empty)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    r = subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DWK_CACHE_DIR": str(cache)},
    )
    assert r.returncode == 2
    assert r.stderr.strip().endswith(f"(möglich: {offered})")
    assert list(cache.iterdir()) == []
