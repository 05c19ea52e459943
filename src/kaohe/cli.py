"""The ``kaohe`` command: a thin click layer over the library.

Exit codes: 0 success, 1 bad input (scheme, data, plugins or output: the
message names the file, row or key), 2 usage errors. No Python traceback
reaches the user: an unexpected exception (a bug) is a short message and
exit code 1 too; ``KAOHE_DEBUG=1`` shows its traceback instead.

Help, messages and errors are in Chinese unless ``--lang en`` (anywhere on
the command line) or the environment (``LANG=en...``, see
:mod:`kaohe.i18n`) asks for English; click's own words (``Usage:``,
``Error:``) too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api, i18n
from .errors import KaoheError, bug_message
from .i18n import N_, _
from .plugins import Registry, get_plugin_manager

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


def _registry(plugin_dir: Path | None) -> Registry:
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
        "--out", type=click.Path(file_okay=False), callback=_folder_name, help=help_text
    )


scheme_argument = click.argument(
    "scheme", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


def _one_source(value: str) -> Path | str:
    from .data.locations import SCHEMES

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
    from .data.locations import SOURCES

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
    type=click.Path(exists=True, file_okay=False, path_type=Path),
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
    from .store import StoreError, cutoff

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
    from .store import StoreError, at_point

    if data is None:
        raise click.UsageError(_("--ledger-as-of needs --data naming a ledger store"))
    try:
        return at_point(str(data), when)
    except StoreError as error:
        raise click.UsageError(str(error)) from None


def _load(
    scheme_path: Path, data_path: Path | str | None, as_of: dt.date | None, plugin_dir: Path | None
) -> tuple[Any, Any, Path | str, list[str]]:
    from . import publish
    from .progress import progress

    registry = _registry(plugin_dir)
    with progress(len(registry.tables), "loading") as bar:
        inputs = publish.load(scheme_path, data_path, registry, as_of=as_of, progress=bar.update)
    return inputs.scheme, inputs.data, inputs.data_path, list(inputs.warnings)


def _choose_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        i18n.use(value.lower())
    return value


LANG = "--lang"


def _lang_first(args: list[str]) -> list[str]:
    """``args`` with ``--lang X`` moved to the front, where the group reads it, from
    wherever it is before ``--``: ``kaohe score S --lang en`` is ``kaohe --lang en score S``."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    for i, arg in enumerate(args[:end]):
        if arg == LANG and i + 1 < end:
            return [LANG, args[i + 1], *args[:i], *args[i + 2 :]]
        if arg.startswith(LANG + "="):
            return [arg, *args[:i], *args[i + 1 :]]
    return args


class LazyGroup(TranslatedGroup):
    """A group whose heavier commands are imported only when they are run.

    ``lazy`` maps a command name to ``"module:attribute"``; ``kaohe score``
    then never pays for importing the what-if or audit code.

    Every run starts in the language of the environment, and with click's
    own messages translated (:func:`kaohe.i18n.translate_click`); ``--lang``
    anywhere on the command line chooses another.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if parent is None:
            i18n.use(None)
            i18n.translate_click()
            args = _lang_first(args)
        return super().make_context(info_name, args, parent, **extra)

    lazy: Mapping[str, str] = {
        "whatif": "kaohe.cli_whatif:whatif",
        "params": "kaohe.cli_whatif:params",
        "explain": "kaohe.cli_explain:explain",
        "verify": "kaohe.cli_audit:verify",
        "keygen": "kaohe.cli_audit:keygen",
        "template": "kaohe.cli_template:template",
        "ledger": "kaohe.cli_ledger:ledger",
        "diff": "kaohe.cli_diff:diff",
        "appeal": "kaohe.cli_appeal:appeal",
        "serve": "kaohe.cli_serve:serve",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _colon, attribute = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup, help=N_("kaohe (考核): score a year of records under an assessment scheme.")
)
@click.version_option(package_name="kaohe")
@click.option(
    LANG,
    type=click.Choice(["zh", "en"], case_sensitive=False),
    callback=_choose_language,
    expose_value=False,
    is_eager=True,
    help=N_("Language of help, messages and errors (default: zh, or en if LANG is en_*)."),
)
def main() -> None:
    pass


@main.command(cls=KaoheCommand, help=N_("Score the data under SCHEME and write the result folder."))
@scheme_argument
@data_option
@out_option(
    N_(
        "The result folder (default: out/<scheme name>). An existing folder is replaced only "
        "if it is a result kaohe wrote, unchanged."
    )
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["xlsx", "html", "pdf", "parquet", "all"]),
    help=N_(
        "Also write results.xlsx (Excel), report.html and/or report.pdf (A4, printed by a "
        "headless Chromium: pip install 'kaohe[pdf]' and a chromium browser) beside the CSV "
        "files; parquet: the result tables also as typed Parquet files (units.parquet, ...)."
    ),
)
@click.option(
    "--sign",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="KEY",
    help=N_("Sign the manifest with this private key (from kaohe keygen): manifest.sig."),
)
@as_of_option
@ledger_as_of_option
@plugins_option
def score(
    scheme: Path,
    data: Path | None,
    out: Path | None,
    formats: Sequence[str],
    sign: Path | None,
    as_of: dt.date | None,
    ledger_as_of: str | None,
    plugin_dir: Path | None,
) -> None:
    from . import publish
    from .folders import recover, write_folder
    from .kernel import plan
    from .plugins import call_hook
    from .progress import progress
    from .reports import FORMATS
    from .runs import archive

    source = at_ledger_point(data, ledger_as_of)
    signer = None
    if sign is not None:
        from .signing import load_signer

        signer = load_signer(sign)
    if out is not None:
        recover(out)  # a killed run's earlier result back in place, whatever happens next
    registry = _registry(plugin_dir)
    with progress(len(registry.tables), _("loading")) as bar:
        inputs = publish.load(scheme, source, registry, as_of=as_of, progress=bar.update)
    with progress(len(plan(inputs.scheme).steps), _("scoring")) as bar:
        results = publish.score(inputs, progress=bar.update)
    call_hook(inputs.scheme.registry.manager, "kaohe_run_finished", results=results)
    out = out or Path("out") / inputs.scheme.name
    chosen = tuple(FORMATS) if "all" in formats else tuple(formats)
    notices: list[str] = []
    info, files = publish.result_files(results, inputs, chosen, notices=notices)
    replaced = archive(out)  # the earlier run kept beside the folder, never silently lost
    with progress(len(files), _("writing")) as bar:
        write_folder(out, files, signer=signer, progress=bar.update)
    if replaced is not None:
        click.echo(replaced)
    warn(inputs.warnings)
    for notice in notices:
        click.echo(notice)
    _summary(results)
    _tables_summary(info)
    click.echo(_("wrote {folder}").format(folder=out))


def warn(warnings: Sequence[str]) -> None:
    """Print each warning of a load, in yellow, on stderr."""
    for warning in warnings:
        click.secho(_("warning: {warning}").format(warning=warning), fg="yellow", err=True)


@main.command(cls=KaoheCommand, help=N_("Check SCHEME and its data without writing anything."))
@scheme_argument
@data_option
@as_of_option
@ledger_as_of_option
@plugins_option
def validate(
    scheme: Path,
    data: Path | None,
    as_of: dt.date | None,
    ledger_as_of: str | None,
    plugin_dir: Path | None,
) -> None:
    source = at_ledger_point(data, ledger_as_of)
    the_scheme, dataset, data_path, warnings = _load(scheme, source, as_of, plugin_dir)
    api.evaluate(the_scheme, dataset)
    warn(warnings)
    click.echo(
        _("{scheme}: ok ({rules} rules enabled)").format(
            scheme=scheme, rules=len(the_scheme.enabled)
        )
    )
    click.echo(
        _("{data}: ok ({units} units, {cadres} cadres)").format(
            data=data_path, units=len(dataset.unit_ids), cadres=len(dataset.cadre_ids)
        )
    )
    if dataset.absent:
        click.echo(
            _("absent tables (no records): {tables}").format(tables=", ".join(dataset.absent))
        )


@main.command(
    cls=KaoheCommand,
    help=N_(
        "List installed plugins: their versions, the plugin API they state, hooks, tables "
        "and rules."
    ),
)
@plugins_option
def plugins(plugin_dir: Path | None) -> None:
    from .plugins import origins

    manager = get_plugin_manager(plugin_dir=plugin_dir)
    registry = Registry.from_plugin_manager(manager)
    known = origins(manager)
    rules_of: dict[str, list[str]] = {}
    for name in registry.names():
        rules_of.setdefault(registry.provider(name).plugin, []).append(name)
    for name, plugin in sorted(manager.list_name_plugin()):
        hooks = sorted(h.name for h in manager.get_hookcallers(plugin) or ())
        dist, version = known.get(name, (name, ""))
        click.echo(f"{name}  [{dist} {version}]" if version else f"{name}  [{dist}]")
        stated = getattr(plugin, "KAOHE_API", None)
        if stated is not None:
            click.echo("    " + _("plugin API: {version}").format(version=stated))
        elif dist != "kaohe":  # kaohe's own rules are its API's, whatever the version
            click.echo(
                "    " + _("plugin API: not stated (KAOHE_API); it may break with any kaohe")
            )
        click.echo("    " + _("hooks: {hooks}").format(hooks=", ".join(hooks)))
        if "kaohe_register_tables" in hooks:
            owned = [t for t, owner in registry.table_owners.items() if owner == dist]
            click.echo("    " + _("tables: {tables}").format(tables=", ".join(owned)))
        for rule in rules_of.get(name, []):
            click.echo(
                "    "
                + _("rule {rule}: {title} ({reference})").format(
                    rule=rule,
                    title=registry.rule(rule).title,
                    reference=registry.rule(rule).reference,
                )
            )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cells(cells: Sequence[str], widths: Sequence[int]) -> str:
    first = cells[0] + " " * (widths[0] - _width(cells[0]))
    rest = (" " * (w - _width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True))
    return "  ".join([first, *rest])


def _summary(results: Any) -> None:
    """Grade counts per unit category (when units are graded) and of cadres."""
    from .vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES

    if "cadre_grading" in results.plan.rules:
        grades = results.cadres.grade[0]
        labels = (*CADRE_GRADES, NO_GRADE)
        listed = ", ".join(f"{label} {int((grades == i).sum())}" for i, label in enumerate(labels))
        click.echo(_("cadre grades: {grades}").format(grades=listed))
    if "unit_grading" not in results.plan.rules:
        return
    units = results.units
    header = [_("category"), *UNIT_GRADES, _("total")]
    rows = []
    for category in results.scheme.categories:
        mine = units.categories == category
        counts = [int(((units.grade[0] == code) & mine).sum()) for code in range(len(UNIT_GRADES))]
        rows.append([category, *map(str, counts), str(int(mine.sum()))])
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(_cells(row, widths))


def _tables_summary(info: Mapping[str, Any]) -> None:
    """Absent tables, tables no rule reads, and ledger rows outside the period."""
    if info["absent_tables"]:
        click.echo(
            _("absent tables (no records this year): {tables}").format(
                tables=", ".join(info["absent_tables"])
            )
        )
    if info["unread_tables"]:
        click.echo(
            _("tables no enabled rule reads: {tables}").format(
                tables=", ".join(info["unread_tables"])
            )
        )
    outside = {name: count for name, count in info["out_of_period"].items() if count}
    if outside:
        listed = ", ".join(f"{name} {count}" for name, count in outside.items())
        click.echo(
            _("rows dated outside {year}, not scored: {rows}").format(
                year=info["scheme"]["period"][0][:4], rows=listed
            )
        )
