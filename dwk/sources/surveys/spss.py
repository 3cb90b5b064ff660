"""Reader for SPSS `.sav` files (any survey tool's SPSS download) through pyreadstat.

User-missing codes are read as they are and declared in `missing`: a plain read turns them into
NaN silently, and the codebook must know *why* an answer is missing. Numbers become canonical
text (`1.0` → "1") so that codes compare equal to the labels' keys and to the text formats'.
"""

from __future__ import annotations

import importlib.util
import math
import pickle
import subprocess
import sys
from datetime import date, time
from pathlib import Path

from dwk.core.errors import DwkError, InputError
from dwk.core.limits import check_size
from dwk.core.oserror import reason
from dwk.sources.surveys.raw import SOSCI_IDENTIFYING, RawSurvey, is_identifying, looks_like_sosci

MISSING = "fehlend (SPSS)"
_MAGIC = (b"$FL2", b"$FL3")
# SPSS date formats pyreadstat leaves as seconds since 1582 unless told
_EXTRA_DATES = ["QYR", "MOYR", "WKYR"]


def read_spss(path: Path) -> RawSurvey:
    """One .sav file; every value as text, system-missing as None.

    The C library under pyreadstat can crash the whole process on a damaged file, so the file
    is read in a child process (`python -m dwk.sources.surveys.spss FILE`, which answers with a pickle):
    a crash there is a clear error here, not a lost session.
    """
    _check_magic(path)
    if importlib.util.find_spec("pyreadstat") is None:
        raise DwkError(
            "SPSS-Dateien lesen braucht das Extra spss: pip install 'dwk[spss]'", file=path
        )
    child = subprocess.run(
        [sys.executable, "-m", "dwk.sources.surveys.spss", str(path)],
        capture_output=True,
        check=False,
    )
    if child.returncode != 0:
        raise InputError("SPSS-Datei beschädigt: der SPSS-Leser ist abgestürzt", file=path)
    result = pickle.loads(child.stdout)  # our own child's answer, never a file's content
    if isinstance(result, str):
        raise InputError(result, file=path)
    return result


def _read_checked(path: Path) -> RawSurvey | str:
    try:
        return _read(path)
    except InputError as exc:
        return exc.message


def _read(path: Path) -> RawSurvey:
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(
            path, user_missing=True, output_format="dict", extra_date_formats=_EXTRA_DATES
        )
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OverflowError, ValueError) as exc:
        raise InputError(f"SPSS-Datei beschädigt oder unvollständig ({exc})", file=path) from None
    names = list(meta.column_names)
    sosci = looks_like_sosci(names)
    drop = {n for n in names if is_identifying(n) or (sosci and n in SOSCI_IDENTIFYING)}
    kept = [n for n in names if n not in drop]
    labels = {
        n: {text(k): v for k, v in meta.variable_value_labels[n].items()}
        for n in kept
        if n in meta.variable_value_labels
    }
    missing = {
        n: _missing(ranges, data[n], meta.variable_value_labels.get(n, {}))
        for n, ranges in meta.missing_ranges.items()
        if n not in drop
    }
    return RawSurvey(
        path=path,
        format="spss",
        columns={n: [text(v) for v in data[n]] for n in kept},
        lines=list(range(2, len(data[names[0]]) + 2)),
        positions={n: j for j, n in enumerate(names, 1) if n not in drop},
        complete=_finished(data) if sosci else None,
        missing={n: codes for n, codes in missing.items() if codes},
        labels=labels,
        dropped=tuple(n for n in names if n in drop),
    )


def _finished(data: dict) -> list[bool] | None:
    """SoSci's FINISHED (1/0) in its SPSS download, as in its text download."""
    if "FINISHED" not in data:
        return None
    return [text(v) == "1" for v in data["FINISHED"]]


def text(value: str | float | date | time | None) -> str | None:
    """Canonical text of a cell: `1.0` → "1", `2.5` → "2.5", NaN → None, dates as ISO 8601."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, date | time):
        return value.isoformat()
    number = float(value)
    if math.isnan(number):
        return None
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _check_magic(path: Path) -> None:
    """pyreadstat's message for a non-.sav is "Unable to read from file"; say what it is."""
    check_size(path, "survey")
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise InputError(f"Datei nicht lesbar: {reason(exc)}", file=path) from None
    if not head:
        raise InputError("Datei ist leer", file=path)
    if head not in _MAGIC:
        raise InputError("keine SPSS-Datei (.sav): Kennung $FL2 fehlt", file=path)


def _missing(ranges: list[dict], values: list, value_labels: dict) -> dict[str, str]:
    """Discrete codes as declared; a range as the codes in it that occur or carry a label."""
    out: dict[str, str] = {}
    candidates = sorted({v for v in [*values, *value_labels] if isinstance(v, float)})
    for declared in ranges:
        lo, hi = declared["lo"], declared["hi"]
        codes = [lo] if lo == hi else [v for v in candidates if lo <= v <= hi]
        for code in codes:
            out[text(code)] = value_labels.get(code, MISSING)
    return out


if __name__ == "__main__":
    sys.stdout.buffer.write(pickle.dumps(_read_checked(Path(sys.argv[1]))))
