"""``kaohe ledger``: the append-only ledger store (see :mod:`kaohe.store`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import KaoheError
from ..i18n import N_, _, ngettext
from .shared import KaoheCommand, LocalPath, TranslatedGroup

store_argument = click.argument("store", metavar="STORE")
by_option = click.option("--by", required=True, help=N_("Who makes the entry (经办人 or office)."))
reason_option = click.option("--reason", required=True, help=N_("Why the entry is made (事由)."))


def _location(store: str) -> str:
    """A store argument: a SQLite file, sqlite:///PATH or postgresql://..."""
    from ..data.locations import SCHEMES

    if store.startswith(SCHEMES) or store.lower().endswith((".db", ".sqlite", ".sqlite3")):
        return store
    raise KaoheError(
        _("{store}: expected a store: FILE.db, sqlite:///FILE.db or postgresql://...").format(
            store=store
        )
    )


@click.group(
    cls=TranslatedGroup,
    help=N_("The ledger store (台账库): records with their history, never changed in place."),
)
def ledger() -> None:
    pass


@ledger.command(
    cls=KaoheCommand,
    help=N_("Make an empty ledger store (SQLite file by default, PostgreSQL by URL)."),
)
@store_argument
def init(store: str) -> None:
    from .. import store as ledger_store

    ledger_store.init(_location(store))
    click.echo(_("made ledger store {store}").format(store=store))


@ledger.command(
    "import",
    cls=KaoheCommand,
    help=N_("Enter the records of FILES (filled templates, CSV folders): all of them or none."),
)
@store_argument
@click.argument("files", nargs=-1, required=True, type=LocalPath(exists=True, path_type=Path))
@by_option
@reason_option
def import_(store: str, files: Sequence[Path], by: str, reason: str) -> None:
    from .. import store_entries as ledger_store

    counts = ledger_store.import_files(_location(store), files, by=by, reason=reason)
    listed = ", ".join(f"{name} {n}" for name, n in counts.items()) or _("no new records")
    total = sum(counts.values())
    click.echo(
        ngettext("entered {n} record: {tables}", "entered {n} records: {tables}", total).format(
            n=total, tables=listed
        )
    )


def _pair(_ctx: click.Context, _param: click.Parameter, values: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        column, sep, text = value.partition("=")
        if not sep or not column.strip():
            raise click.BadParameter(_("{value!r}: expected COLUMN=VALUE").format(value=value))
        pairs[column.strip()] = text.strip()
    return pairs


@ledger.command(
    cls=KaoheCommand,
    help=N_("Correct a record (更正): a new entry that replaces the record's last one."),
)
@store_argument
@click.argument("table")
@click.argument("record_id", metavar="ID")
@click.option(
    "--set", "sets", multiple=True, required=True, callback=_pair, metavar="COLUMN=VALUE",
    help=N_("A corrected value (column by name or Chinese header; empty clears it)."),
)  # fmt: skip
@by_option
@reason_option
def correct(
    store: str, table: str, record_id: str, sets: dict[str, str], by: str, reason: str
) -> None:
    from .. import store_entries as ledger_store

    entry = ledger_store.correct(_location(store), table, record_id, sets, by=by, reason=reason)
    click.echo(
        _("corrected {table} {id}: entry {seq}, replacing entry {replaces}").format(
            table=entry.table, id=record_id, seq=entry.seq, replaces=entry.replaces
        )
    )


@ledger.command(
    cls=KaoheCommand, help=N_("Withdraw a record (撤销): a new entry; the record no longer counts.")
)
@store_argument
@click.argument("table")
@click.argument("record_id", metavar="ID")
@by_option
@reason_option
def withdraw(store: str, table: str, record_id: str, by: str, reason: str) -> None:
    from .. import store_entries as ledger_store

    entry = ledger_store.withdraw(_location(store), table, record_id, by=by, reason=reason)
    click.echo(
        _("withdrew {table} {id}: entry {seq}, replacing entry {replaces}").format(
            table=entry.table, id=record_id, seq=entry.seq, replaces=entry.replaces
        )
    )


@ledger.command(cls=KaoheCommand, help=N_("A record's history: entered, corrected, withdrawn."))
@store_argument
@click.argument("record_id", metavar="ID")
@click.option("--table", help=N_("Only the record of this table (ids of two tables may agree)."))
def log(store: str, record_id: str, table: str | None) -> None:
    from .. import store_entries as ledger_store
    from ..i18n import language
    from ..store import Entry

    found = ledger_store.history(_location(store), record_id, table)
    before: dict[str, Entry] = {}
    for entry in found:
        said = ledger_store.describe(entry, before.get(entry.table), language())
        click.echo(f"[{entry.table}] " + "\n".join(said))
        before[entry.table] = entry
