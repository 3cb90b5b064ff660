"""The help in German, like dwk's messages: typer draws it with rich, and the words around
dwk's own texts (panel titles, the usage line, defaults, the help option's line) come from
typer and click in English (gettext, for which they ship no German catalogue).

The command classes put them in German when help is shown, so that the start of every other
command pays nothing for it."""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

__all__ = ["GermanCommand", "GermanGroup"]

HELP_OPTION = "Diese Hilfe zeigen und beenden."
USAGE = "Aufruf: "
_USAGE_WORDS = (("[OPTIONS]", "[OPTIONEN]"), ("COMMAND [ARGS]...", "BEFEHL [ARGUMENTE]..."))
# typer.rich_utils' module constants (read when help is drawn; typer is held below 0.29)
_RICH_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "Argumente",
    "OPTIONS_PANEL_TITLE": "Optionen",
    "COMMANDS_PANEL_TITLE": "Befehle",
    "DEFAULT_STRING": "[Standard: {}]",
    "REQUIRED_LONG_STRING": "[Pflicht]",
    "ENVVAR_STRING": "[Umgebungsvariable: {}]",
    "DEPRECATED_STRING": "(veraltet) ",
}


def _german_words() -> None:
    from typer import rich_utils

    for name, word in _RICH_WORDS.items():
        setattr(rich_utils, name, word)


class _German:
    # ctx, formatter, option: click's, which typer vendors (typer._click) and dwk does not import
    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        for english, german in _USAGE_WORDS:
            pieces = pieces.replace(english, german)
        formatter.write_usage(ctx.command_path, pieces, prefix=USAGE)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _german_words()
        return super().format_help(ctx, formatter)  # type: ignore[misc]


class GermanCommand(_German, TyperCommand):
    """A command whose help is German throughout."""


class GermanGroup(_German, TyperGroup):
    """A group (`dwk`, `dwk data` …) whose help is German throughout."""
