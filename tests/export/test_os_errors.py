"""Read-only output, missing permission, a full disk: one German line naming the path, exit
code 2 (1 for a batch where other areas were built), and the previous output intact.

The tests run as root, and root ignores file permissions, so a read-only folder is simulated
in-process: `read_only` makes every call that would create, rename, remove or write something
below the folder fail with the errno (EROFS, EACCES, …), as the kernel would; a full disk is a
write that fails with ENOSPC after the temporary file was created."""

from __future__ import annotations

import errno
import io
import os
import sys

import pytest

from dwk.core import atomic
from dwk.core.errors import DwkError


def read_only(monkeypatch, folder, code=errno.EROFS, when=lambda path: True):
    """Below `folder` (and where `when(path)`), nothing can be created, renamed or removed."""
    prefix = str(folder)

    def hit(path) -> bool:
        p = os.fsdecode(os.fspath(path)) if not isinstance(path, int) else ""
        return p.startswith(prefix) and when(p)

    def refuse(path):
        raise OSError(code, os.strerror(code), os.fspath(path))

    for name, writes in (
        ("mkdir", None),
        ("rename", 2),
        ("replace", 2),
        ("unlink", None),
        ("rmdir", None),
        ("open", "flags"),
    ):
        real = getattr(os, name)

        def guard(*args, _real=real, _writes=writes, _name=name, **kw):
            paths = args[:2] if _writes == 2 else args[:1]
            creating = _writes != "flags" or (args[1] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if (_name == "mkdir") == os.path.lexists(args[0]) and _writes != "flags":
                creating = False  # the kernel answers EEXIST / ENOENT first
            if creating and any(hit(p) for p in paths):
                refuse(paths[-1])
            return _real(*args, **kw)

        monkeypatch.setattr(os, name, guard)
    real_open = io.open

    def guarded_open(file, mode="r", *args, **kw):
        if any(c in mode for c in "wax+") and not isinstance(file, int) and hit(file):
            refuse(file)
        return real_open(file, mode, *args, **kw)

    monkeypatch.setattr(io, "open", guarded_open)


@pytest.mark.parametrize(
    "code, german",
    [
        (errno.EROFS, "schreibgeschützt"),
        (errno.EACCES, "keine Berechtigung"),
        (errno.EPERM, "nicht erlaubt"),
        (errno.EDQUOT, "Quota"),
        (errno.ENAMETOOLONG, "Dateiname zu lang"),
    ],
)
def test_an_unwritable_folder_is_one_line_and_keeps_the_old_file(
    tmp_path, monkeypatch, code, german
):
    target = tmp_path / "adorf.html"
    target.write_text("alter Bericht", "utf-8")
    read_only(monkeypatch, tmp_path, code)
    with pytest.raises(DwkError) as info:
        atomic.write_text(target, "neuer Bericht")
    message = str(info.value)
    assert message.startswith(f"{target}: kann nicht geschrieben werden: ")
    assert german in message and f"({errno.errorcode[code]})" in message
    assert "\n" not in message
    monkeypatch.undo()
    assert target.read_text("utf-8") == "alter Bericht"
    assert os.listdir(tmp_path) == ["adorf.html"]


def test_a_full_disk_is_one_line_and_leaves_no_half_file(tmp_path, monkeypatch):
    target = tmp_path / "indikatoren.csv"
    target.write_text("alt\n", "utf-8")
    real_fdopen = os.fdopen

    class Full:
        """The temporary file was created, then the disk is full at the first write."""

        def __init__(self, fd, mode):
            self.fh = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(DwkError) as info:
        atomic.write_bytes(target, b"neu\n" * 1000)
    monkeypatch.undo()
    assert str(info.value) == (
        f"{target}: kann nicht geschrieben werden: kein Platz mehr auf dem Datenträger "
        "(ENOSPC); die bisherige Ausgabe bleibt erhalten"
    )
    assert target.read_text("utf-8") == "alt\n"
    assert os.listdir(tmp_path) == ["indikatoren.csv"]


def _cli(monkeypatch, capsys, *args):
    from dwk.cli import main

    monkeypatch.setattr(sys, "argv", ["dwk", *args])
    with pytest.raises(SystemExit) as info:
        main()
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


def test_cli_read_only_output_exits_2_with_one_line(store, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "adorf.md").write_text("alt", "utf-8")
    read_only(monkeypatch, out, errno.EROFS)
    code, stdout, stderr = _cli(monkeypatch, capsys, "profile", "build", "adorf", "--out", str(out))
    monkeypatch.undo()
    assert code == 2
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"Fehler: {out}/adorf.md: kann nicht geschrieben werden: ")
    assert "(EROFS)" in lines[0] and "Traceback" not in stderr
    assert os.listdir(out) == ["adorf.md"] and (out / "adorf.md").read_text("utf-8") == "alt"


def test_cli_batch_with_a_full_disk_half_way_exits_1(store, tmp_path, monkeypatch, capsys):
    """Adorf is written, then the disk is full: Adorf stays built, Grabow is listed as failed."""
    out = tmp_path / "out"
    read_only(monkeypatch, out, errno.ENOSPC, when=lambda path: "grabow" in path)
    code, stdout, stderr = _cli(
        monkeypatch,
        capsys,
        "profile",
        "build",
        "adorf",
        "grabow",
        "--out",
        str(out),
        "--format",
        "md,html",
    )
    monkeypatch.undo()
    assert code == 1
    assert sorted(os.listdir(out)) == ["adorf-daten", "adorf.html", "adorf.md", "index.html"]
    failed = [line for line in stderr.splitlines() if line.startswith("fehlgeschlagen")]
    assert failed == [
        f"fehlgeschlagen: grabow: {out}/grabow.md: kann nicht geschrieben werden: "
        "kein Platz mehr auf dem Datenträger (ENOSPC); die bisherige Ausgabe bleibt erhalten"
    ]
    assert "Traceback" not in stderr


def test_export_into_a_read_only_folder_keeps_the_bundle(store, registry, tmp_path, monkeypatch):
    import zipfile

    from dwk.app.meeting import export_meeting

    out = tmp_path / "treffen"
    out.mkdir()
    (out / "index.html").write_text("voriges Paket", "utf-8")
    (out / "build-id.txt").write_text("voriges\n", "ascii")  # an earlier bundle, as exported
    with zipfile.ZipFile(out.with_suffix(".zip"), "w") as z:
        z.writestr("treffen/build-id.txt", "voriges\n")
    before = out.with_suffix(".zip").read_bytes()
    read_only(monkeypatch, tmp_path, errno.EACCES)
    with pytest.raises(DwkError) as info:
        export_meeting(store, registry, out, as_zip=True)
    monkeypatch.undo()
    assert str(info.value).startswith(f"{out}: kann nicht geschrieben werden: keine Berechtigung")
    assert sorted(os.listdir(tmp_path)) == ["treffen", "treffen.zip"]
    assert (out / "index.html").read_text("utf-8") == "voriges Paket"
    assert out.with_suffix(".zip").read_bytes() == before
