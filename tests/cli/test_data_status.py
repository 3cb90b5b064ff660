"""`dwk data status`: the newest Stichtag per role with its table and basis, and the members'
figures that are older than the newest of their level."""

from __future__ import annotations

import json
import subprocess
import sys

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


def test_status_refuses_csv(cache_dir, store):
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dwk.cli import main; main()",
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
