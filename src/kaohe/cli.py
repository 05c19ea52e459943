"""The ``kaohe`` command: a thin click layer over the library.

Exit codes: 0 success, 1 bad input (scheme, data, plugins or output: the
message names the file, row or key), 2 usage errors.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from . import api
from .errors import KaoheError
from .plugins import Registry, get_plugin_manager


class KaoheCommand(click.Command):
    """Turns :class:`~kaohe.errors.KaoheError` into a clean message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KaoheError as error:
            raise click.ClickException(str(error)) from None


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _registry(plugin_dir: Path | None) -> Registry:
    return Registry.from_plugin_manager(get_plugin_manager(plugin_dir=plugin_dir))


def default_data(scheme_path: Path) -> Path:
    """The example data bundled with a scheme: the folder named like the scheme file."""
    return scheme_path.with_suffix("")


scheme_argument = click.argument(
    "scheme", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
data_option = click.option(
    "--data",
    type=click.Path(exists=True, path_type=Path),
    help="A folder of CSV files or an .xlsx workbook (default: the scheme's example data).",
)
plugins_option = click.option(
    "--plugins",
    "plugin_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also load plugin files (*.py) from this folder.",
)
as_of_option = click.option(
    "--as-of", callback=_date, help="Assess as of this date (YYYY-MM-DD) instead of the scheme's."
)


def _load(
    scheme_path: Path, data_path: Path | None, as_of: dt.date | None, plugin_dir: Path | None
) -> tuple[Any, Any, Path, list[str]]:
    registry = _registry(plugin_dir)
    scheme = api.load_scheme(scheme_path, registry)
    if as_of is not None:
        scheme = scheme.with_as_of(as_of)
    data_path = data_path or default_data(scheme_path)
    if not data_path.exists():
        raise KaoheError(f"{data_path}: no example data next to the scheme; give --data")
    data = api.load_data(data_path, scheme)
    warnings = [
        warning
        for found in registry.manager.hook.kaohe_check_inputs(scheme=scheme, data=data)
        for warning in found
    ]
    return scheme, data, data_path, warnings


@click.group()
@click.version_option(package_name="kaohe")
def main() -> None:
    """kaohe (考核): score a year of records under an assessment scheme."""


@main.command(cls=KaoheCommand)
@scheme_argument
@data_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The result folder (default: out/<scheme name>).",
)
@as_of_option
@plugins_option
def score(
    scheme: Path,
    data: Path | None,
    out: Path | None,
    as_of: dt.date | None,
    plugin_dir: Path | None,
) -> None:
    """Score the data under SCHEME and write the result folder."""
    from . import manifest
    from .output import result_files, write_folder

    the_scheme, dataset, data_path, warnings = _load(scheme, data, as_of, plugin_dir)
    results = api.evaluate(the_scheme, dataset)
    the_scheme.registry.manager.hook.kaohe_run_finished(results=results)
    out = out or Path("out") / the_scheme.name
    info = manifest.build(results, data_path=str(data_path), warnings=warnings)
    write_folder(out, result_files(results, info))
    for warning in warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    _summary(results)
    click.echo(f"wrote {out}")


@main.command(cls=KaoheCommand)
@scheme_argument
@data_option
@as_of_option
@plugins_option
def validate(
    scheme: Path, data: Path | None, as_of: dt.date | None, plugin_dir: Path | None
) -> None:
    """Check SCHEME and its data without writing anything."""
    the_scheme, dataset, data_path, warnings = _load(scheme, data, as_of, plugin_dir)
    api.evaluate(the_scheme, dataset)
    for warning in warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(f"{scheme}: ok ({len(the_scheme.enabled)} rules enabled)")
    click.echo(f"{data_path}: ok ({len(dataset.unit_ids)} units, {len(dataset.cadre_ids)} cadres)")
    if dataset.absent:
        click.echo("absent tables (no records): " + ", ".join(dataset.absent))


@main.command(cls=KaoheCommand)
@plugins_option
def plugins(plugin_dir: Path | None) -> None:
    """List installed plugins, their versions, hooks and rules."""
    manager = get_plugin_manager(plugin_dir=plugin_dir)
    registry = Registry.from_plugin_manager(manager)
    rules_of: dict[str, list[str]] = {}
    for name in registry.names():
        rules_of.setdefault(registry.provider(name).plugin, []).append(name)
    for name, plugin in sorted(manager.list_name_plugin()):
        hooks = sorted(h.name for h in manager.get_hookcallers(plugin) or ())
        provider = next((registry.provider(r) for r in rules_of.get(name, [])), None)
        where = f"{provider.distribution} {provider.version}" if provider else name
        click.echo(f"{name}  [{where}]")
        click.echo(f"    hooks: {', '.join(hooks)}")
        for rule in rules_of.get(name, []):
            click.echo(
                f"    rule {rule}: {registry.rule(rule).title} ({registry.rule(rule).reference})"
            )


def _summary(results: Any) -> None:
    from .vocab import UNIT_GRADES

    units = results.units
    categories = results.scheme.categories
    header = f"{'考核类别':<10}" + "".join(f"{g:>6}" for g in UNIT_GRADES) + f"{'合计':>6}"
    click.echo(header)
    for category in categories:
        mine = units.categories == category
        counts = [int(((units.grade[0] == code) & mine).sum()) for code in range(len(UNIT_GRADES))]
        click.echo(f"{category:<10}" + "".join(f"{c:>8}" for c in counts) + f"{int(mine.sum()):>8}")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code (for ``python -m kaohe``)."""
    try:
        main.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
