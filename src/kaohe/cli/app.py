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

import atexit
import datetime as dt
import functools
import gc
import importlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from concurrent.futures import Future

from .. import api, i18n
from ..i18n import N_, _
from ..plugins import Registry, get_plugin_manager
from .shared import (
    KaoheCommand,
    LocalPath,
    TranslatedGroup,
    as_of_option,
    at_ledger_point,
    data_option,
    display_width,
    installed_registry,
    ledger_as_of_option,
    load_inputs,
    out_option,
    padded_row,
    plugins_option,
    scheme_argument,
    warn,
)

FC = TypeVar("FC", bound=Callable[..., Any])

#: When the process ends, every object still alive (the modules, the run's results) is
#: moved out of the cycle collector's reach, so that the interpreter's last collections
#: at exit do not search them all: the operating system takes the memory back anyway.
#: Files are flushed and closed by the commands themselves, never at exit.
atexit.register(gc.freeze)


def _no_huge_page_advice() -> None:
    """Have numpy stop asking Linux for huge pages for its large arrays, unless the
    user set ``NUMPY_MADVISE_HUGEPAGE`` (numpy's own switch) themselves.

    A run makes and frees many arrays of megabytes. Under Linux's usual setting
    for transparent huge pages (``defrag`` = ``madvise``), each first touch of
    such an array's memory makes the kernel compact memory to find a huge
    page: on the development machine that doubled the system time of a W2/4
    ``kaohe score`` (2.0 s against 1.0 s) and cost 10-15% of its wall time.
    """
    if "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        from numpy._core import multiarray

        multiarray._set_madvise_hugepage(False)  # type: ignore[attr-defined]  # as the variable at 0


_no_huge_page_advice()


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
        "whatif": "kaohe.cli.whatif:whatif",
        "params": "kaohe.cli.whatif:params",
        "explain": "kaohe.cli.explain:explain",
        "verify": "kaohe.cli.audit:verify",
        "keygen": "kaohe.cli.audit:keygen",
        "template": "kaohe.cli.template:template",
        "ledger": "kaohe.cli.ledger:ledger",
        "diff": "kaohe.cli.diff:diff",
        "appeal": "kaohe.cli.appeal:appeal",
        "serve": "kaohe.cli.serve:serve",
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
    type=LocalPath(exists=True, dir_okay=False, path_type=Path),
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
    from .. import publish
    from ..folders import Checked, checking, recover, write_folder
    from ..kernel import plan
    from ..plugins import call_hook
    from ..progress import progress
    from ..runs import keep

    loaded = threading.Event()

    def replacing(out: Path) -> Future[Checked]:
        # a killed run's earlier result back in place, whatever happens next; then
        # whether out may be replaced: at once, but for its files' digests, read on a
        # thread once the data is loaded (reading them while it loads slowed W2/4 by 7%)
        recover(out, functools.partial(keep, out=out))
        return checking(out, loaded)

    source = at_ledger_point(data, ledger_as_of)
    signer = None
    if sign is not None:
        from ..signing import load_signer

        signer = load_signer(sign)
    early = replacing(out) if out is not None else None
    registry = installed_registry(plugin_dir)
    try:
        with progress(len(registry.tables), _("loading")) as bar:
            inputs = publish.load(scheme, source, registry, as_of=as_of, progress=bar.update)
    finally:
        loaded.set()
    folder = out or Path("out") / inputs.scheme.name
    check = early or replacing(folder)
    with progress(len(plan(inputs.scheme).steps), _("scoring")) as bar:
        results = publish.score(inputs, progress=bar.update)
    call_hook(inputs.scheme.registry.manager, "kaohe_run_finished", results=results)
    chosen = tuple(formats)
    if "all" in formats:
        from ..report.labels import FORMATS

        chosen = tuple(FORMATS)
    notices: list[str] = []
    info, files = publish.streamed_result_files(results, inputs, chosen, notices=notices)
    replaced: list[str | None] = []  # the earlier run kept beside the folder, never lost
    with progress(len(files), _("writing")) as bar:
        write_folder(
            folder,
            files,
            signer=signer,
            progress=bar.update,
            checked=check.result(),
            keep=lambda old: replaced.append(keep(old, folder)),
        )
    for sentence in filter(None, replaced):
        click.echo(sentence)
    warn(inputs.warnings)
    for notice in notices:
        click.echo(notice)
    _summary(results)
    _tables_summary(info)
    click.echo(_("wrote {folder}").format(folder=folder))


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
    the_scheme, dataset, data_path, warnings = load_inputs(scheme, source, as_of, plugin_dir)
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
    from ..plugins import origins

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
        if stated is not None:  # every plugin states it; kaohe's own rules are its API's
            click.echo("    " + _("plugin API: {version}").format(version=stated))
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


def _summary(results: Any) -> None:
    """Grade counts per unit category (when units are graded) and of cadres."""
    from ..vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES

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
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(padded_row(row, widths))


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
