"""What every ``kaohe`` command shares: help in the user's language, clean errors, options.

:class:`KaoheCommand` is the class of every command: its help is shown in
the current language and any :class:`~kaohe.errors.KaoheError` becomes a
clean message and exit code 1 (a bug, too, never a traceback). The options
that several commands take (``SCHEME``, ``--data``, ``--as-of``,
``--plugins``, ``--out``) and loading a scheme with its data (:func:`load`)
are defined once here.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import KaoheError, bug_message
from ..i18n import N_, _
from ..plugins import Registry

FC = TypeVar("FC", bound=Callable[..., Any])


#: The longest message an unexpected error gets (its text may be anything).
LONGEST_MESSAGE = 500


@contextmanager
def _translated(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """``command``'s help and its options' help in the current language, while formatting.

    The English text in the source is the message id (marked with ``N_``);
    it is put back afterwards, so that the next language chosen finds it.
    """
    parts: list[Any] = [command, *command.get_params(ctx)]
    saved = [(part, part.help) for part in parts if isinstance(getattr(part, "help", None), str)]
    try:
        for part, text in saved:
            part.help = _(text)
        yield
    finally:
        for part, text in saved:
            part.help = text


class LocalPath(click.Path):
    """``click.Path`` that names its kind (file, directory, path) in its messages in
    the language of the run: click names it once, when the option is made (at
    import), in the language of that moment."""

    @property
    def name(self) -> str:
        if self.file_okay and not self.dir_okay:
            return _("file")
        if self.dir_okay and not self.file_okay:
            return _("directory")
        return _("path")

    @name.setter
    def name(self, kind: str) -> None:
        """What click names the kind at import is not kept: it is named when shown."""


class TranslatedHelp(click.Command):
    """A command whose help is shown in the current language (see :func:`_translated`)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, ctx):
            super().format_help(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's ``--help``, its help in the current language: click makes the option
        once per command, in the language of that moment, and keeps it."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        saved = self.help, self.short_help
        self.help = _(self.help) if self.help else self.help
        self.short_help = _(self.short_help) if self.short_help else self.short_help
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help, self.short_help = saved


class TranslatedGroup(click.Group, TranslatedHelp):
    """A group of commands whose help is shown in the current language."""


#: The exit status of a command whose reader closed the pipe (as a shell reports SIGPIPE).
BROKEN_PIPE = 141


class KaoheCommand(TranslatedHelp):
    """Turns :class:`~kaohe.errors.KaoheError` into a clean message and exit code 1.

    Anything else that escapes a command (a bug in kaohe or a plugin, memory
    running out) is the last resort: a short message, exit code 1.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KaoheError as error:
            raise click.ClickException(str(error)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (kaohe plugins | head): stop quietly, as a shell tool does
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(BROKEN_PIPE) from None
        except MemoryError:
            raise click.ClickException(
                _("out of memory; give kaohe smaller inputs or a machine with more memory")
            ) from None
        except Exception as error:
            if os.environ.get("KAOHE_DEBUG"):
                raise
            text = f"{type(error).__name__}: {error}"
            if len(text) > LONGEST_MESSAGE:
                text = text[:LONGEST_MESSAGE] + "..."
            raise click.ClickException(bug_message(text)) from None


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("expected a date YYYY-MM-DD, got {value!r}").format(value=value)
        ) from None


def installed_registry(plugin_dir: Path | None) -> Registry:
    return Registry.installed(plugin_dir)


def _folder_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    """``--out``: a folder name; an empty one is a usage error (it means the current folder)."""
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter(_("an empty folder name; give the result folder a name"))
    return Path(value)


def out_option(help_text: str) -> Callable[[FC], FC]:
    """The ``--out`` option of the commands that write a result folder."""
    return click.option(
        "--out", type=LocalPath(file_okay=False), callback=_folder_name, help=help_text
    )


scheme_argument = click.argument(
    "scheme", type=LocalPath(exists=True, dir_okay=False, path_type=Path)
)


def _one_source(value: str) -> Path | str:
    from ..data.locations import SCHEMES

    if value.startswith(SCHEMES):
        return value
    if "#at=" in value and Path(value.partition("#at=")[0]).is_file():
        return value  # a ledger store's state at a time (kaohe.store)
    if not Path(value).exists():
        raise click.BadParameter(
            _("{value!r} does not exist (expected a folder, a file or a database URL)").format(
                value=value
            )
        )
    return Path(value)


def _data_source(
    _ctx: click.Context, _param: click.Parameter, values: Sequence[str]
) -> Path | str | None:
    """``--data`` (once or more): existing folders or files, or database URLs (kept as
    text); several are joined by `` + `` (:data:`kaohe.data.locations.SOURCES`)."""
    from ..data.locations import SOURCES

    found = [_one_source(value) for value in values]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return SOURCES.join(str(source) for source in found)


data_option = click.option(
    "--data",
    metavar="PATH|URL",
    multiple=True,
    callback=_data_source,
    help=N_(
        "A folder of CSV, Parquet or Arrow files; a spreadsheet (.xlsx, .xls, .xlsb, .ods); "
        "a SQLite file or sqlite:///PATH; or postgresql://USER@HOST/DB "
        "(default: the scheme's example data). Give it several times to read the tables from "
        "several sources (each table from one)."
    ),
)


plugins_option = click.option(
    "--plugins",
    "plugin_dir",
    type=LocalPath(exists=True, file_okay=False, path_type=Path),
    help=N_("Also load plugin files (*.py) from this folder."),
)


as_of_option = click.option(
    "--as-of",
    callback=_date,
    help=N_("Assess as of this date (YYYY-MM-DD) instead of the scheme's."),
)


def _ledger_point(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from ..store import StoreError, cutoff

    try:
        cutoff(value)
    except StoreError as error:
        raise click.BadParameter(str(error)) from None
    return value


ledger_as_of_option = click.option(
    "--ledger-as-of",
    metavar="DATE|TIME",
    callback=_ledger_point,
    help=N_(
        "Read the ledger store given by --data as it stood then: a date (YYYY-MM-DD, up to "
        "the end of that day) or a time (YYYY-MM-DDTHH:MM:SS, UTC). The run records it, so "
        "kaohe verify reads the same state. Not the assessment's date: that is --as-of."
    ),
)


def at_ledger_point(data: Path | str | None, when: str | None) -> Path | str | None:
    """``--data`` read at ``--ledger-as-of`` (``#at=WHEN`` on its ledger stores), or as given
    without it; a usage error when no ``--data`` is a ledger store."""
    if when is None:
        return data
    from ..store import StoreError, at_point

    if data is None:
        raise click.UsageError(_("--ledger-as-of needs --data naming a ledger store"))
    try:
        return at_point(str(data), when)
    except StoreError as error:
        raise click.UsageError(str(error)) from None


def load_inputs(
    scheme_path: Path, data_path: Path | str | None, as_of: dt.date | None, plugin_dir: Path | None
) -> tuple[Any, Any, Path | str, list[str]]:
    from .. import publish
    from ..progress import progress

    registry = installed_registry(plugin_dir)
    with progress(len(registry.tables), "loading") as bar:
        inputs = publish.load(scheme_path, data_path, registry, as_of=as_of, progress=bar.update)
    return inputs.scheme, inputs.data, inputs.data_path, list(inputs.warnings)


def warn(warnings: Sequence[str]) -> None:
    """Print each warning of a load, in yellow, on stderr."""
    for warning in warnings:
        click.secho(_("warning: {warning}").format(warning=warning), fg="yellow", err=True)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def padded_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    first = cells[0] + " " * (widths[0] - display_width(cells[0]))
    rest = (" " * (w - display_width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True))
    return "  ".join([first, *rest])
