"""``kaohe explain``: one unit's or cadre's result, every number and why.

``kaohe explain SCHEME ID`` scores SCHEME's data as it is today;
``kaohe explain --run OUT ID`` explains a published run from the inputs its
manifest recorded (a ledger store's state at the run's point), refusing
inputs that changed since. ID may be an id or a name. Below the derivation
come the records it cites, with their fields and, from a store, their
corrections (:mod:`kaohe.audit.records`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import KaoheError
from ..i18n import N_, _
from .shared import (
    KaoheCommand,
    LocalPath,
    as_of_option,
    at_ledger_point,
    data_option,
    installed_registry,
    ledger_as_of_option,
    load_inputs,
    plugins_option,
    warn,
)


def _run_inputs(out: Path, plugin_dir: Path | None) -> tuple[object, object, str]:
    """The scheme and data a result folder recorded, checked to be as they were."""
    from .. import publish
    from ..audit.verify import _data_source
    from ..manifest import recorded_scheme

    path = out / "manifest.json"
    if not path.is_file():
        raise KaoheError(
            _("{folder}: not a result folder (no manifest.json); expected kaohe's").format(
                folder=out
            )
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    scheme_file = Path(manifest["scheme"]["file"])
    kept = recorded_scheme(manifest["scheme"], scheme_file)
    if not kept.found and manifest["scheme"].get("sha256"):
        raise KaoheError(
            _(
                "{folder}: the scheme of the run, {file}, changed since or is gone, and the "
                "manifest keeps no text of it as it was; explain --run needs it as recorded"
            ).format(folder=out, file=scheme_file)
        )
    if kept.note:
        click.echo(_("note: {note}").format(note=kept.note), err=True)
    inputs = publish.load(
        scheme_file,
        _data_source(manifest["data"]),
        installed_registry(plugin_dir),
        as_of=dt.date.fromisoformat(manifest["as_of"]),
        overrides=manifest.get("overrides") or None,
        scheme_text=kept.text,
    )
    changed = [
        name
        for name, table in inputs.data.tables.items()
        if table.sha256 != manifest["tables"].get(name, {}).get("sha256")
        and (table.present or manifest["tables"].get(name, {}).get("present"))
    ]
    if changed:
        raise KaoheError(
            _(
                "{folder}: the inputs of the run changed since (tables {tables}); "
                "explain --run needs them as recorded (a run scored from a ledger store keeps them)"
            ).format(folder=out, tables=", ".join(changed))
        )
    return inputs.scheme, inputs.data, str(manifest["data"])


@click.command(
    cls=KaoheCommand,
    help=N_("Explain the result of unit or cadre ID (or name): every number and why."),
)
@click.argument("args", nargs=-1, required=True, metavar="[SCHEME] ID")
@click.option(
    "--run",
    type=LocalPath(exists=True, file_okay=False, path_type=Path),
    help=N_(
        "Explain this published result folder from the inputs it recorded (then give ID only)."
    ),
)
@data_option
@as_of_option
@ledger_as_of_option
@plugins_option
def explain(
    args: Sequence[str],
    run: Path | None,
    data: Path | str | None,
    as_of: dt.date | None,
    ledger_as_of: str | None,
    plugin_dir: Path | None,
) -> None:
    from .. import api
    from ..audit.explain import explain as derive
    from ..audit.records import cited, find_entity, record_lines
    from ..data.locations import is_database
    from ..store import split_at

    if run is not None:
        if len(args) != 1 or data is not None or as_of is not None or ledger_as_of is not None:
            raise click.UsageError(
                _("with --run give only ID (the run recorded its scheme and data)")
            )
        the_scheme, dataset, source = _run_inputs(run, plugin_dir)
        warnings: list[str] = []
    else:
        if len(args) != 2:
            raise click.UsageError(_("expected SCHEME ID (or --run OUT ID)"))
        scheme_path = Path(args[0])
        if not scheme_path.is_file():
            raise click.BadParameter(
                _("{file!r}: no such scheme file").format(file=args[0]), param_hint="SCHEME"
            )
        read = at_ledger_point(data, ledger_as_of)
        the_scheme, dataset, data_path, warnings = load_inputs(scheme_path, read, as_of, plugin_dir)
        source = str(data_path)
    results = api.evaluate(the_scheme, dataset)  # type: ignore[arg-type]
    warn(warnings)
    entity_id = find_entity(results, dataset, args[-1])
    click.echo(derive(results, entity_id).render(), nl=False)
    base = split_at(source)[0]
    store = base if is_database(base) and "kaohe_entries" in _tables(base) else None
    for line in record_lines(results, dataset, entity_id, cited(results, entity_id), store):
        click.echo(line)


def _tables(location: str) -> set[str]:
    """The table names of a database (empty if it cannot be read)."""
    from ..store import connect

    try:
        with connect(location) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM kaohe_entries LIMIT 1")
            cursor.fetchall()
            return {"kaohe_entries"}
    except Exception:  # not a store
        return set()
