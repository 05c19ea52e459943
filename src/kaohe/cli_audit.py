"""``kaohe explain`` and ``kaohe verify``: the audit commands.

Both are plain click commands (:class:`~kaohe.cli.KaoheCommand`: a
:class:`~kaohe.errors.KaoheError` becomes a message and exit code 1); the
``kaohe`` group registers them with ``main.add_command``.

- ``kaohe explain SCHEME ID [--data PATH] [--as-of DATE] [--plugins DIR]``
  prints the derivation of one unit's or cadre's result (:mod:`kaohe.explanation`).
- ``kaohe verify OUT_DIR [--root DIR] [--plugins DIR]`` prints ``ok`` or the
  problems of a result folder (:mod:`kaohe.verify`) and exits 1 if any.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .cli import KaoheCommand, _load, as_of_option, data_option, plugins_option, scheme_argument
from .plugins import Registry, get_plugin_manager


@click.command(cls=KaoheCommand)
@scheme_argument
@click.argument("entity_id", metavar="ID")
@data_option
@as_of_option
@plugins_option
def explain(
    scheme: Path,
    entity_id: str,
    data: Path | None,
    as_of: dt.date | None,
    plugin_dir: Path | None,
) -> None:
    """Explain the result of unit or cadre ID under SCHEME: every number and why."""
    from . import api
    from .explanation import explain as derive

    the_scheme, dataset, _, warnings = _load(scheme, data, as_of, plugin_dir)
    results = api.evaluate(the_scheme, dataset)
    for warning in warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(derive(results, entity_id).render(), nl=False)


@click.command(cls=KaoheCommand)
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Resolve the manifest's relative input paths here (default: the current folder).",
)
@plugins_option
def verify(out_dir: Path, root: Path | None, plugin_dir: Path | None) -> None:
    """Check that OUT_DIR's inputs are unchanged and every score follows from its rows."""
    from .verify import verify as audit

    registry = Registry.from_plugin_manager(get_plugin_manager(plugin_dir=plugin_dir))
    problems = audit(out_dir, root=root, registry=registry)
    if not problems:
        click.echo("ok")
        return
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}", err=True)
    raise click.exceptions.Exit(1)
