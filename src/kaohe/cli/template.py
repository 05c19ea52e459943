"""``kaohe template``: the data-entry workbooks of a scheme (see :mod:`kaohe.template`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import KaoheError
from ..i18n import N_, _, ngettext
from .shared import KaoheCommand, LocalPath, plugins_option, scheme_argument


@click.command(
    cls=KaoheCommand,
    help=N_("Write the data-entry workbook (台账模板) of SCHEME: a sheet per table it reads."),
)
@scheme_argument
@click.option(
    "--out",
    type=LocalPath(dir_okay=False, path_type=Path),
    required=True,
    help=N_(
        "The workbook to write (.xlsx); with --by-bureau, each office's workbook is named "
        "after it beside this one (2020台账-督查室.xlsx)."
    ),
)
@click.option(
    "--by-bureau", is_flag=True, help=N_("One workbook per office that keeps the tables.")
)
@plugins_option
def template(scheme: Path, out: Path, by_bureau: bool, plugin_dir: Path | None) -> None:
    from .. import api
    from ..template import by_office, template_tables, workbook
    from .shared import installed_registry

    if out.suffix.lower() != ".xlsx":
        raise KaoheError(
            _("{file}: a template is an .xlsx workbook; expected a name ending in .xlsx").format(
                file=out
            )
        )
    the_scheme = api.load_scheme(scheme, installed_registry(plugin_dir))
    contract = the_scheme.registry.tables  # the core's, the plugins' and --plugins files'
    names = template_tables(the_scheme, contract)
    books = (
        {
            out.with_name(f"{out.stem}-{office}{out.suffix}"): tables
            for office, tables in by_office(names, contract).items()
        }
        if by_bureau
        else {out: names}
    )
    for path in books:
        if path.exists():
            raise KaoheError(
                _("{file}: already exists; a template never replaces a workbook").format(file=path)
            )
    for path, tables in books.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook(the_scheme, tables, contract).save(path)
        click.echo(
            ngettext(
                "wrote {file} ({n} table: {tables})",
                "wrote {file} ({n} tables: {tables})",
                len(tables),
            ).format(file=path, n=len(tables), tables=", ".join(tables))
        )
