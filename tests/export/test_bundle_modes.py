"""The bundle gets the modes a normal tool gives: folders 0777 and files 0666 less the umask, so
a web server user can serve it (a temporary folder starts 0700, and that mode used to stay)."""

from __future__ import annotations

import os
import stat

import pytest

pytestmark = pytest.mark.slow  # renders PDFs or whole meeting bundles


@pytest.mark.parametrize("umask, folders, files", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_bundle_modes_follow_the_umask(tmp_path, monkeypatch, umask, folders, files):
    from dwk.app import meeting

    def fake_build(store, registry, work, review_dir, *rest):
        (work / "profile").mkdir()
        (work / "profile" / "adorf.html").write_text("Adorf")
        (work / "index.html").write_text("Index")
        return []

    monkeypatch.setattr(meeting, "_build", fake_build)
    old = os.umask(umask)
    try:
        meeting.export_meeting(None, None, tmp_path / "treffen", as_zip=True)
    finally:
        os.umask(old)
    out = tmp_path / "treffen"
    modes = {
        p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in [out, *out.rglob("*"), out.with_suffix(".zip")]
    }
    assert modes == {
        "treffen": folders,
        "treffen/profile": folders,
        "treffen/profile/adorf.html": files,
        "treffen/index.html": files,
        "treffen/build-id.txt": files,
        "treffen.zip": files,
    }


def test_report_files_follow_the_umask(tmp_path):
    from dwk.core.atomic import write_text
    from dwk.core.swap import commit_files

    old = os.umask(0o077)
    try:
        write_text(tmp_path / "index.html", "Index")
        commit_files(tmp_path, "adorf", {"adorf.md": b"Adorf"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "index.html").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "adorf.md").stat().st_mode) == 0o600
