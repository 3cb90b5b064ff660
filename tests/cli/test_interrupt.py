"""A build killed half-way leaves every earlier report readable: each file is either the old
one or a complete new one, because every report is written to a temporary file and renamed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow

SLUGS = ("adorf", "dithmarschen", "emsland", "vrees", "riesa", "saarbruecken", "dortmund",
         "dueren", "grabow")  # fmt: skip


def test_killed_build_leaves_old_or_complete_reports(store, cache_dir, tmp_path):
    old = {}
    for slug in SLUGS:
        for ext in ("md", "html"):
            path = tmp_path / f"{slug}.{ext}"
            path.write_text(f"früherer Bericht {slug}\n", "utf-8")
            old[path] = path.read_bytes()
    env = {**os.environ, "DWK_CACHE_DIR": str(cache_dir)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from dwk.cli import console; console()",
            "profile",
            "build",
            "--all",
            "--out",
            str(tmp_path),
            "--format",
            "md,html",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.read_bytes() != b for p, b in old.items()):
            break  # the first new report is in place: kill in the middle of the batch
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    replaced = 0
    for path, before in old.items():
        now = path.read_bytes()
        if now != before:
            replaced += 1
            text = now.decode("utf-8")
            assert (
                text.rstrip().endswith("</html>") if path.suffix == ".html" else "Quellen" in text
            )
    assert 0 < replaced < len(old), "the kill should land between the first and the last report"
