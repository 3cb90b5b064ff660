"""dwk installed as a user installs it: the wheel built from this tree, `pip install`ed into a
fresh virtual environment, run from a folder outside the repository with an empty cache.

Choice of environment: a real one. The venv is created empty (no `--system-site-packages`, no
`.pth` into the test venv) and `pip install WHEEL` pulls the dependencies from the package index
as a user's install does. Measured on the 2-core dev machine: wheel 5 s, venv 4 s, install
35–40 s, so the install costs about 45 s, under the 90 s at which borrowing the test venv's
site-packages through a `.pth` (without the editable dwk) would be worth its complexity; the first
`dwk profile build vrees` with an empty cache adds 28–58 s (load), whatever the venv: the module
takes 55–105 s. So nothing of the repository or of the test venv is importable there, and
`test_the_installed_package_is_the_wheels` checks that dwk, its data and its templates come from
the new venv: the run proves the wheel's own package data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 900


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None):
    r = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert r.returncode == 0, f"{args}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, REPO], dist)
    [built] = dist.glob("dwk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """(bin folder of the new venv, clean environment for it, a work folder outside the repo)."""
    root = tmp_path_factory.mktemp("user")
    venv = root / "venv"
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    run([base, "-m", "venv", venv], root)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DWK_CACHE_DIR")
    }
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], root, env)
    work = root / "work"
    work.mkdir()
    env["DWK_CACHE_DIR"] = str(root / "cache")
    return bin_dir, env, work


@pytest.fixture(scope="module")
def built(installed):
    bin_dir, env, work = installed
    run([bin_dir / "dwk", "profile", "build", "vrees", "--out", work / "out"], work, env)
    return work / "out"


def test_wheel_carries_package_data_and_no_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "dwk/data/raw/SOURCES.md",
        "dwk/templates/profile.html.j2",
        "dwk/data/surveys/buergerbefragung.toml",
        "dwk/cli/commands.py",
        "dwk/core/paths.py",
    ):
        assert name in names, name
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith("/") or ".." in n.split("/")]


def test_wheel_carries_every_tracked_data_and_template_file(wheel):
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("no git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "data", "templates"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(tracked) > 40
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [f for f in tracked if (REPO / f).exists() and f"dwk/{f}" not in names] == []


def test_the_installed_package_is_the_wheels(installed):
    bin_dir, env, work = installed
    code = "import dwk, dwk.core.paths as p; print(dwk.__file__, p.data_dir(), p.templates_dir())"
    where = run([bin_dir / "python", "-c", code], work, env).stdout.split()
    venv = bin_dir.parent.resolve()
    for path in where:
        assert Path(path).resolve().is_relative_to(venv), path
        assert not Path(path).resolve().is_relative_to(REPO), path


def test_help_works(installed):
    bin_dir, env, work = installed
    r = run([bin_dir / "dwk", "--help"], work, env)
    assert "profile" in r.stdout and "swot" in r.stdout


def test_profile_build_from_the_installed_wheel(built):
    # 12411-01-01-5_00.csv: "03454409055;        Vrees;1767;983;784;..." (31.12.2015)
    html = (built / "vrees.html").read_text("utf-8")
    md = (built / "vrees.md").read_text("utf-8")
    assert "Vrees" in html and "<strong>1.916</strong>" in html  # GV 31.12.2023, row 2514
    assert "Vrees" in md and "1.916" in md
    assert (built / "vrees.json").exists()
