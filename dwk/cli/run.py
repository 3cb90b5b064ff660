"""`main`: runs the command line and maps `DwkError` (and OS errors the user can fix) to one
German line on stderr with exit code 2; anything else is a bug and keeps its traceback.
`console`: the `dwk` script, `main` without the interpreter's teardown after it."""

from __future__ import annotations

import os
import sys

import typer

from dwk.cli.commands import _DEBUG, app
from dwk.core.errors import DwkError, translated


def main() -> None:
    from dwk.core.lifeline import terminate_like_interrupt

    terminate_like_interrupt()  # SIGTERM cleans up like Ctrl-C: temporaries go, workers stop
    try:
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except DwkError as exc:
        if _DEBUG["on"]:
            raise
        typer.echo(f"Fehler: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:  # read-only, no permission, disk full: the user's to fix
        if _DEBUG["on"]:
            raise
        from dwk.core.oserror import os_error

        typer.echo(f"Fehler: {os_error(exc)}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        # Usage errors of click, which newer typer releases vendor instead of depending on it:
        # recognised by their interface, not their module.
        if callable(getattr(exc, "format_message", None)) and isinstance(
            getattr(exc, "exit_code", None), int
        ):
            ctx = getattr(exc, "ctx", None)
            path = " ".join(["dwk", *ctx.command_path.split()[1:]]) if ctx is not None else ""
            where = f" (Hilfe: {path} --help)" if ctx is not None else ""
            message = _german(exc.format_message())
            if message:  # none after a group called bare: its help is shown, as asked for
                typer.echo(f"Fehler: {message}{where}", err=True)
            sys.exit(2)
        raise


def console() -> None:
    """`main`, then leave without the interpreter's teardown once the command has ended.

    Teardown destroys native thread pools (Arrow's, which pandas' string operations and Parquet
    reads start) while a worker may still be alive, and the process can then abort after its
    work is done: "terminate called without an active exception", exit −6 instead of 0 or 2
    (apache/arrow#34314; seen once in CI, after `data status` had printed its error). Output
    is flushed first; files are written and closed and worker pools joined inside the
    commands. A bug's traceback and Ctrl-C still go through the normal exit."""
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that stopped reading (`| head`), or closed
            pass
    os._exit(code)


_USAGE = (
    (r"No such option: (\S+).*", r"unbekannte Option \1"),
    (r"Missing option '([^']+)'\.?", r"Option \1 fehlt"),
    (r"Missing argument '([^']+)'\.?", r"Argument \1 fehlt"),
    (r"No such command '([^']+)'\.?", r"unbekannter Befehl \1"),
    (r"Option '([^']+)' requires an argument\.?", r"Option \1 braucht einen Wert"),
    (r"Got unexpected extra argument.*\((.*)\)\.?", r"überzählige Angabe \1"),
    (
        r"Invalid value for '([^']+)': .*\b(?:integer|int)\b.*",
        r"Wert für \1 muss eine ganze Zahl sein",
    ),
    (r"Invalid value for '([^']+)': .*\b(?:number|float)\b.*", r"Wert für \1 muss eine Zahl sein"),
    (
        r"Invalid value for '([^']+)': (\S+) is not in the range x?(.+?)\.?$",
        r"Wert für \1 muss \3 sein, nicht \2",
    ),
    (r"Invalid value for '([^']+)': (.*)", r"ungültiger Wert für \1: \2"),
)


def _german(message: str) -> str:
    """Click's usage messages in the CLI's language, on one line."""
    return translated(" ".join(message.split()), _USAGE)
