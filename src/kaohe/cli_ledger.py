"""``kaohe ledger``: the append-only ledger store (see :mod:`kaohe.store`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from .cli import KaoheCommand
from .errors import KaoheError

store_argument = click.argument("store", metavar="STORE")
by_option = click.option("--by", required=True, help="Who makes the entry (经办人 or office).")
reason_option = click.option("--reason", required=True, help="Why the entry is made (事由).")


def _location(store: str) -> str:
    """A store argument: a SQLite file, sqlite:///PATH or postgresql://..."""
    from .data.locations import SCHEMES

    if store.startswith(SCHEMES) or store.lower().endswith((".db", ".sqlite", ".sqlite3")):
        return store
    raise KaoheError(f"{store}: expected a store: FILE.db, sqlite:///FILE.db or postgresql://...")


@click.group()
def ledger() -> None:
    """The ledger store (台账库): records with their history, never changed in place."""


@ledger.command(cls=KaoheCommand)
@store_argument
def init(store: str) -> None:
    """Make an empty ledger store (SQLite file by default, PostgreSQL by URL)."""
    from . import store as ledger_store

    ledger_store.init(_location(store))
    click.echo(f"made ledger store {store}")


@ledger.command("import", cls=KaoheCommand)
@store_argument
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@by_option
@reason_option
def import_(store: str, files: Sequence[Path], by: str, reason: str) -> None:
    """Enter the records of FILES (filled templates, CSV folders): all of them or none."""
    from . import store as ledger_store

    counts = ledger_store.import_files(_location(store), files, by=by, reason=reason)
    listed = ", ".join(f"{name} {n}" for name, n in counts.items()) or "无新记录"
    click.echo(f"录入 {sum(counts.values())} 条: {listed}")


def _pair(_ctx: click.Context, _param: click.Parameter, values: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        column, sep, text = value.partition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"{value!r}: expected COLUMN=VALUE")
        pairs[column.strip()] = text.strip()
    return pairs


@ledger.command(cls=KaoheCommand)
@store_argument
@click.argument("table")
@click.argument("record_id", metavar="ID")
@click.option(
    "--set", "sets", multiple=True, required=True, callback=_pair, metavar="COLUMN=VALUE",
    help="A corrected value (column by name or Chinese header; empty clears it).",
)  # fmt: skip
@by_option
@reason_option
def correct(
    store: str, table: str, record_id: str, sets: dict[str, str], by: str, reason: str
) -> None:
    """Correct a record (更正): a new entry that replaces the record's last one."""
    from . import store as ledger_store

    entry = ledger_store.correct(_location(store), table, record_id, sets, by=by, reason=reason)
    click.echo(f"更正 {entry.table} {record_id}: 第 {entry.seq} 条,替代第 {entry.replaces} 条")


@ledger.command(cls=KaoheCommand)
@store_argument
@click.argument("table")
@click.argument("record_id", metavar="ID")
@by_option
@reason_option
def withdraw(store: str, table: str, record_id: str, by: str, reason: str) -> None:
    """Withdraw a record (撤销): a new entry; the record no longer counts."""
    from . import store as ledger_store

    entry = ledger_store.withdraw(_location(store), table, record_id, by=by, reason=reason)
    click.echo(f"撤销 {entry.table} {record_id}: 第 {entry.seq} 条,替代第 {entry.replaces} 条")


@ledger.command(cls=KaoheCommand)
@store_argument
@click.argument("record_id", metavar="ID")
@click.option("--table", help="Only the record of this table (ids of two tables may agree).")
def log(store: str, record_id: str, table: str | None) -> None:
    """A record's history (录入, 更正, 撤销), in Chinese."""
    from . import store as ledger_store

    found = ledger_store.history(_location(store), record_id, table)
    before: dict[str, ledger_store.Entry] = {}
    for entry in found:
        click.echo(
            f"[{entry.table}] " + "\n".join(ledger_store.describe(entry, before.get(entry.table)))
        )
        before[entry.table] = entry
