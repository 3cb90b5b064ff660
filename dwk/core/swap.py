"""Output that a kill cannot leave half old, half new, and leftovers the next run removes.

Every temporary name dwk writes beside its output is `.<stem>.<pid>-<token>.<kind>`: the pid
says whether its writer still runs, so a later run removes (or finishes) only a dead writer's
leftovers and never touches a concurrent run's. Kinds:

* `tmp`   a file or folder being written; incomplete, removed by `heal`.
* `ready` an area's finished files (`commit_files`): the rename from `tmp` to `ready` is the
  commit, so `heal` moves a dead writer's `ready` files into place (all-new) and removes a
  `tmp` folder (all-old).
* `old`   a previous bundle on its way out; removed.
* `zip`   a finished zip waiting to replace `<stem>.zip`.
* `journal` a bundle swap in progress (`swap_bundle`): holds the new build id.

A bundle (folder plus optional zip) is swapped in `swap_bundle`; see there.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from dwk.core.atomic import dir_mode, file_mode, make_dirs, write_bytes
from dwk.core.errors import DwkError
from dwk.core.oserror import output_error

BUILD_ID = "build-id.txt"
_NAME = re.compile(
    r"^\.(?P<stem>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+\.(?P<kind>tmp|ready|old|zip|journal)$"
)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _pause(step: str) -> None:
    """Test hook: with `DWK_TEST_PAUSE_AT=<step>` the run says so on stderr and waits to be
    killed there (tests/export/test_kills.py). Unset, as in every real run, it does nothing."""
    if os.environ.get("DWK_TEST_PAUSE_AT") == step:
        import sys
        import time

        print(f"pause {step}", file=sys.stderr, flush=True)
        time.sleep(600)


def temp_path(parent: Path, stem: str, kind: str) -> Path:
    return parent / f".{stem}.{os.getpid()}-{secrets.token_hex(4)}.{kind}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers(parent: Path, stem: str | None = None) -> list[tuple[Path, str, str]]:
    """A dead writer's temporary entries in `parent`: (path, stem, kind), sorted by name."""
    found = []
    try:
        names = sorted(os.listdir(parent))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for name in names:
        m = _NAME.match(name)
        if m and (stem is None or m["stem"] == stem) and not _alive(int(m["pid"])):
            found.append((parent / name, m["stem"], m["kind"]))
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def heal(folder: Path) -> None:
    """Finish or undo what killed runs left in `folder`: an area's committed files are moved
    in, everything incomplete is removed; a bundle's swap in progress is `heal_bundle`'s."""
    try:
        found = leftovers(folder)
        swapping = {stem for _, stem, kind in found if kind == "journal"}
        for path, stem, kind in found:
            if stem in swapping:
                continue
            if kind == "ready":
                _move_in(path, folder)
            else:
                _remove(path)
    except OSError as exc:
        raise output_error(exc, folder) from None


def _move_in(ready: Path, folder: Path) -> None:
    for n, item in enumerate(sorted(ready.iterdir())):
        target = folder / item.name
        if item.is_dir() and target.is_dir():  # a folder of the area (its charts' data): swap
            old = temp_path(folder, item.name, "old")
            os.rename(target, old)
            os.rename(item, target)
            _remove(old)
        else:
            os.replace(item, target)
        if n == 0:
            _pause("area:half-moved")
    ready.rmdir()


def commit_files(folder: Path, stem: str, files: dict[str, bytes]) -> list[Path]:
    """Write one area's files so that they change together: all into a `tmp` folder, renamed
    to `ready` (the commit), then each moved in. A kill before the commit leaves all old files,
    after it the next `heal` moves the rest in: never new Markdown beside old HTML."""
    make_dirs(folder)
    work = temp_path(folder, stem, "tmp")
    try:
        work.mkdir()
        for name, data in files.items():  # a name may lie in a subfolder ("x-daten/a.csv")
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(data)
            os.chmod(work / name, file_mode())
        _pause("area:written")
        ready = work.with_suffix(".ready")
        os.rename(work, ready)
        _move_in(ready, folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            _remove(work)
        raise output_error(exc, folder / next(iter(files), "")) from None
    except BaseException:
        _remove(work)
        raise
    return [folder / name for name in files]


def build_id(folder: Path) -> str:
    """A bundle's identity from its content (names and bytes), so the same build gets the same
    id on every run and machine; written into the folder and thereby into its zip."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != BUILD_ID:
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_build_id(folder: Path) -> str | None:
    try:
        return (folder / BUILD_ID).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def normal_modes(folder: Path) -> None:
    """Folders 0777 and files 0666 less the umask, as `mkdir`/`cp` would give them: the bundle's
    temporary folder starts 0700, and a web server user must be able to read the bundle."""
    folder.chmod(dir_mode())
    for path in folder.rglob("*"):
        path.chmod(dir_mode() if path.is_dir() else file_mode())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def _put_folder(new: Path, out: Path) -> None:
    """`new` becomes `out`; the previous `out` ends up at `new`'s name (or is gone). With
    RENAME_EXCHANGE `out` exists at every instant; elsewhere the old folder is renamed away
    first, and a kill in that gap is healed by `heal_bundle` from the journal."""
    if out.exists():
        if _exchange(new, out):
            return
        old = temp_path(out.parent, out.name, "old")
        os.rename(out, old)
        _pause("bundle:renamed-away")
        os.rename(new, out)
        os.rename(old, new)
    else:
        os.rename(new, out)


def swap_bundle(
    work: Path, out: Path, make_zip: Callable[[Path, str], bytes] | None = None
) -> None:
    """Put the finished bundle `work` at `out` and its zip at `out.zip`, changing both together.

    Steps: the zip (`make_zip(folder, root name)`) is written to `.<name>.<pid>-x.zip`; a journal naming the new build id is
    written (the commit); the folders are exchanged; the zip is renamed over `out.zip`; the
    journal and the old folder are removed. A kill before the journal leaves the old bundle
    (and `heal_bundle` removes the temporaries); after it, `heal_bundle` finishes the swap. The
    folder's `build-id.txt` is also in its zip, so a reader can check that both belong together.
    Without `--zip`, a zip from an earlier build is removed rather than left beside a new folder.
    """
    new_id = build_id(work)
    write_bytes(work / BUILD_ID, (new_id + "\n").encode("ascii"))
    normal_modes(work)
    zip_tmp, journal = _companions(work, out)
    try:
        if make_zip is not None:
            write_bytes(zip_tmp, make_zip(work, out.name))
        _pause("bundle:built")
        write_bytes(journal, (new_id + "\n").encode("ascii"))
        _pause("bundle:journal")
        _finish(work, out, zip_tmp, journal, new_id)
    except OSError as exc:
        raise output_error(exc, out) from None


def _zip_id(archive: Path, root: str) -> str | None:
    import zipfile

    try:
        with zipfile.ZipFile(archive) as zf:
            return zf.read(f"{root}/{BUILD_ID}").decode("ascii").strip()
    except (OSError, KeyError, UnicodeDecodeError, zipfile.BadZipFile):
        return None


def _finish(work: Path, out: Path, zip_tmp: Path, journal: Path, new_id: str) -> None:
    """The swap from the journal on; every step can be repeated after a kill."""
    if read_build_id(work) == new_id:
        _put_folder(work, out)
    _pause("bundle:folder")
    archive = out.with_suffix(".zip")
    if read_build_id(out) != new_id:  # not ours to finish: keep the bundle that is there
        _remove(zip_tmp)
    elif zip_tmp.exists():
        os.replace(zip_tmp, archive)
    elif archive.exists() and _zip_id(archive, out.name) not in (None, new_id):
        archive.unlink()  # an earlier build's zip must not stay beside the new folder
    journal.unlink(missing_ok=True)
    _remove(work)


def _companions(work: Path, out: Path) -> tuple[Path, Path]:
    stem = work.name[: -len(".tmp")]
    return out.parent / f"{stem}.zip", out.parent / f"{stem}.journal"


def abandon(work: Path, out: Path) -> None:
    """After an error or Ctrl-C/SIGTERM in the export: before the commit the new build is
    dropped, after it the swap is finished (renames only), so `out` is never left without."""
    zip_tmp, journal = _companions(work, out)
    try:
        if journal.exists():
            _finish(work, out, zip_tmp, journal, journal.read_text("ascii").strip())
        else:
            _remove(zip_tmp)
            _remove(work)
    except OSError:
        pass  # the error being raised says more; the next run's heal_bundle tries again


def check_target(out: Path, make_zip: bool) -> None:
    """A bundle replaces `out` as a whole, and `out.zip` with `make_zip`: refuse a file, a
    folder that is neither empty nor an earlier bundle (with its `build-id.txt`), and a zip
    that is not an earlier bundle's, so that nothing of the user's is removed."""
    if out.exists():  # `out` is resolved (`export_meeting`): no link to look behind
        if not out.is_dir():
            raise DwkError(
                "ist kein Ordner; bitte einen neuen oder leeren Ordner angeben", file=out
            )
        if read_build_id(out) is None and any(out.iterdir()):
            raise DwkError(
                "enthält schon Dateien und ist kein früheres Paket von dwk (keine "
                f"{BUILD_ID}); das Paket ersetzt den ganzen Ordner: bitte einen neuen oder "
                "leeren Ordner angeben",
                file=out,
            )
    archive = out.with_suffix(".zip")
    if make_zip and archive.exists() and _zip_id(archive, out.name) is None:
        raise DwkError(
            f"ist kein früheres Paket von dwk (kein {out.name}/{BUILD_ID} darin) und würde "
            "ersetzt: bitte einen anderen Ordnernamen angeben",
            file=archive,
        )


def heal_bundle(out: Path) -> None:
    """Finish a killed run's swap from its journal, then remove every dead run's temporaries."""
    try:
        for journal, _, _ in (x for x in leftovers(out.parent, out.name) if x[2] == "journal"):
            new_id = journal.read_text("ascii").strip()
            stem = journal.name[: -len(".journal")]
            _finish(
                journal.with_name(stem + ".tmp"),
                out,
                journal.with_name(stem + ".zip"),
                journal,
                new_id,
            )
        for path, _, _ in leftovers(out.parent, out.name):
            _remove(path)
    except OSError as exc:
        raise output_error(exc, out) from None
