"""Kills, for real: a run is started in a subprocess, stopped with SIGKILL (or SIGTERM) at a named
step (`DWK_TEST_PAUSE_AT`, a test-only hook in dwk.core.swap that waits there), and then the
bundle and the reports must be whole, and the next run must heal what is left.

The first tests swap small hand-made bundles (fast); the `slow` ones kill the real CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from dwk.core.swap import BUILD_ID, build_id, heal, heal_bundle, read_build_id

# A stand-in for the meeting export's build step: the bundle holds `label` in every file, so
# old and new builds are told apart, and `export_meeting` runs its real swap.
EXPORT = """
import sys
from pathlib import Path
from dwk.app import meeting
from dwk.core import swap
from dwk.core.lifeline import terminate_like_interrupt

def fake_build(store, registry, work, review_dir, pdf_budget):
    for name in ("index.html", "vergleich.html", "profile/adorf.html", "profile/adorf.pdf"):
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(f"{sys.argv[2]} {name}")
    return []

meeting._build = fake_build
terminate_like_interrupt()  # as dwk.cli.main does
if sys.argv[3] == "no-exchange":
    swap._exchange = lambda a, b: False
meeting.export_meeting(None, None, Path(sys.argv[1]), as_zip=True)
"""


def _run(script: str, *args: str, pause: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DWK_TEST_PAUSE_AT"}
    if pause:
        env["DWK_TEST_PAUSE_AT"] = pause
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_at(proc: subprocess.Popen, step: str, sig: int = signal.SIGKILL) -> None:
    line = proc.stderr.readline()
    assert line.strip() == f"pause {step}", line + proc.stderr.read()
    proc.send_signal(sig)
    proc.wait(timeout=60)


def _export(out: Path, label: str, mode: str = "exchange") -> None:
    proc = _run(EXPORT, str(out), label, mode)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()


def _label(folder: Path) -> str:
    return (folder / "index.html").read_text().split()[0]


def _zip_label(archive: Path) -> str:
    with zipfile.ZipFile(archive) as zf:
        return zf.read("treffen/index.html").decode().split()[0]


def _whole(out: Path) -> str:
    """The bundle at `out` is complete and its build id is its content's: its label."""
    assert read_build_id(out) == build_id(out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        BUILD_ID,
        "index.html",
        "profile/adorf.html",
        "profile/adorf.pdf",
        "vergleich.html",
    ]
    labels = {p.read_text().split()[0] for p in out.rglob("*.*") if p.name != BUILD_ID}
    assert len(labels) == 1, labels
    return labels.pop()


def _together(out: Path) -> str:
    """Folder and zip are the same build (the zip holds the folder's build id)."""
    label = _whole(out)
    with zipfile.ZipFile(out.with_suffix(".zip")) as zf:
        assert zf.read(f"treffen/{BUILD_ID}").decode().strip() == read_build_id(out)
    assert _zip_label(out.with_suffix(".zip")) == label
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []
    return label


@pytest.mark.parametrize(
    "step, mode, after_kill, healed",
    [
        ("bundle:built", "exchange", "alt", "alt"),  # before the commit: the old bundle stays
        ("bundle:journal", "exchange", "alt", "neu"),  # committed: the next run finishes
        ("bundle:folder", "exchange", "neu", "neu"),  # folder swapped, zip not yet
        ("bundle:renamed-away", "no-exchange", None, "neu"),  # file systems without exchange
    ],
)
def test_a_killed_swap_leaves_a_whole_bundle_and_the_next_run_heals(
    tmp_path, step, mode, after_kill, healed
):
    out = tmp_path / "treffen"
    _export(out, "alt")
    assert _together(out) == "alt"
    _kill_at(_run(EXPORT, str(out), "neu", mode, pause=step), step)
    if after_kill is None:  # the one gap of a plain rename: the journal lets the next run heal
        assert not out.exists()
    else:
        assert _whole(out) == after_kill
    heal_bundle(out)  # what the next export does first
    assert _together(out) == healed
    _export(out, "drei")
    assert _together(out) == "drei"


def test_sigterm_in_the_swap_finishes_or_drops_it(tmp_path):
    out = tmp_path / "treffen"
    _export(out, "alt")
    _kill_at(
        _run(EXPORT, str(out), "neu", "exchange", pause="bundle:built"),
        "bundle:built",
        signal.SIGTERM,
    )
    assert _together(out) == "alt"  # cleaned up by the process itself, no heal needed


def test_a_folder_without_zip_export_drops_the_stale_zip(tmp_path):
    from dwk.core.swap import swap_bundle

    out = tmp_path / "treffen"
    _export(out, "alt")
    work = tmp_path / f".treffen.{os.getpid()}-0.tmp"
    work.mkdir()
    (work / "index.html").write_text("neu index.html")
    swap_bundle(work, out, None)
    assert _label(out) == "neu" and not out.with_suffix(".zip").exists()


COMMIT = """
import sys
from pathlib import Path
from dwk.core.swap import commit_files
commit_files(Path(sys.argv[1]), "adorf", {f"adorf.{e}": b"neu" for e in ("md", "html", "json")})
"""


@pytest.mark.parametrize("step, healed", [("area:written", b"alt"), ("area:half-moved", b"neu")])
def test_a_killed_area_is_all_old_or_all_new_after_heal(tmp_path, step, healed):
    for ext in ("md", "html", "json"):
        (tmp_path / f"adorf.{ext}").write_bytes(b"alt")
    _kill_at(_run(COMMIT, str(tmp_path), pause=step), step)
    now = {p.name: p.read_bytes() for p in tmp_path.glob("adorf.*")}
    if step == "area:half-moved":  # the bad state the batch used to stay in
        assert sorted(now.values()) == [b"alt", b"alt", b"neu"]
    heal(tmp_path)  # what the next build does first
    assert {p.name: p.read_bytes() for p in tmp_path.glob("adorf.*")} == {
        "adorf.html": healed,
        "adorf.json": healed,
        "adorf.md": healed,
    }
    assert list(tmp_path.glob(".*")) == []


def test_heal_leaves_a_live_runs_temporaries_alone(tmp_path):
    live = tmp_path / f".adorf.{os.getppid()}-abcd.tmp"  # our parent runs: not a leftover
    dead = tmp_path / ".adorf.999999999-abcd.tmp"
    live.mkdir()
    dead.mkdir()
    heal(tmp_path)
    assert live.exists() and not dead.exists()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _gone(pids: set[int], within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = {
            p
            for p in pids
            if Path(f"/proc/{p}").exists()
            and "Z" not in (Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[:1])
        }
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_export_takes_its_pdf_workers_along(store, cache_dir, tmp_path, sig):
    out = tmp_path / "treffen"
    env = {**os.environ, "DWK_CACHE_DIR": str(cache_dir)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from dwk.cli import console; console()",
            "export",
            "meeting",
            "--out",
            str(out),
            "--zip",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline, workers = time.monotonic() + 300, set()
    while time.monotonic() < deadline and proc.poll() is None and not workers:
        workers = _children(proc.pid)  # the PDF step has started its workers
        time.sleep(0.1)
    assert workers, "the export ended before its PDF step"
    time.sleep(1)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert _gone(workers), "PDF workers outlived the export"
    if sig == signal.SIGTERM:  # cleaned up like Ctrl-C: no temporaries, no traceback
        assert [p.name for p in tmp_path.iterdir()] == []
        assert b"Traceback" not in proc.stderr.read()
    heal_bundle(out)
    assert [p.name for p in tmp_path.iterdir()] == []
