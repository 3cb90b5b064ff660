"""The meeting bundle replaces its folder as a whole: it must not replace what is the user's.
Before, `dwk export meeting --out meinordner` swapped an existing folder of the user's away
with everything in it, `--out afile` did the same to a file, and an export without `--zip`
deleted any `meinordner.zip` beside it as a stale bundle zip."""

from __future__ import annotations

import os
import zipfile

import pytest

from dwk.core.errors import DwkError
from dwk.core.swap import BUILD_ID, check_target, swap_bundle


def _bundle(folder, label: str) -> None:
    folder.mkdir()
    (folder / "index.html").write_text(label)


def test_nothing_an_empty_folder_or_an_earlier_bundle_may_be_replaced(tmp_path):
    check_target(tmp_path / "neu", make_zip=True)
    (tmp_path / "leer").mkdir()
    check_target(tmp_path / "leer", make_zip=True)
    _bundle(tmp_path / "treffen", "alt")
    (tmp_path / "treffen" / BUILD_ID).write_text("abc\n")
    with zipfile.ZipFile(tmp_path / "treffen.zip", "w") as z:
        z.writestr(f"treffen/{BUILD_ID}", "abc\n")
    check_target(tmp_path / "treffen", make_zip=True)


def test_a_folder_of_the_users_a_file_and_a_foreign_zip_are_refused(tmp_path):
    own = tmp_path / "meinordner"
    own.mkdir()
    (own / "notizen.txt").write_text("wichtig")
    with pytest.raises(DwkError) as err:
        check_target(own, make_zip=False)
    assert str(err.value) == (
        f"{own}: enthält schon Dateien und ist kein früheres Paket von dwk (keine "
        "build-id.txt); das Paket ersetzt den ganzen Ordner: bitte einen neuen oder leeren "
        "Ordner angeben"
    )
    (tmp_path / "afile").write_text("x")
    with pytest.raises(DwkError, match="afile: ist kein Ordner"):
        check_target(tmp_path / "afile", make_zip=False)
    (tmp_path / "paket.zip").write_text("eigenes")
    with pytest.raises(DwkError, match=r"paket.zip: ist kein früheres Paket .*paket/build-id"):
        check_target(tmp_path / "paket", make_zip=True)
    check_target(tmp_path / "paket", make_zip=False)  # left alone without --zip (below)
    assert (own / "notizen.txt").read_text() == "wichtig"


def test_an_export_without_zip_leaves_a_zip_of_the_users(tmp_path):
    out = tmp_path / "treffen"
    out.with_suffix(".zip").write_text("eigenes")
    work = tmp_path / f".treffen.{os.getpid()}-0.tmp"
    _bundle(work, "neu")
    swap_bundle(work, out, None)
    assert (out / "index.html").read_text() == "neu"
    assert out.with_suffix(".zip").read_text() == "eigenes"


def test_the_export_refuses_before_building(store, cache_dir, tmp_path):
    from tests.cli.test_cli import dwk

    own = tmp_path / "meinordner"
    own.mkdir()
    (own / "notizen.txt").write_text("wichtig")
    r = dwk("export", "meeting", "--out", str(own), env_cache=cache_dir)
    assert r.returncode == 2 and r.stderr.startswith(f"Fehler: {own}: enthält schon Dateien")
    assert [p.name for p in tmp_path.iterdir()] == ["meinordner"]  # nothing built beside it
    assert [p.name for p in own.iterdir()] == ["notizen.txt"]
