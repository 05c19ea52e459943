"""Reading the tables of a database through ADBC, straight into Arrow.

``sqlite:///path/ledger.db`` (or a path ending in ``.db``, ``.sqlite``,
``.sqlite3``) is opened read-only with ``adbc-driver-sqlite``;
``postgresql://user@host/db`` with ``adbc-driver-postgresql``. Tables and
views named like the tables of the contract (English or Chinese names) are
read whole; others are ignored. SQLite stores any value in any column, so
its columns are read as text and parsed like CSV cells; PostgreSQL columns
keep their types (dates, integers, text).

A database table has no file to hash: its ``sha256`` is that of its
content, rows in a canonical order, so that the same records give the same
digest whatever order the database returns them in.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from kaohe.data.locations import shown, sqlite_path
from kaohe.data.problems import Problems
from kaohe.data.raw import RawTable, from_arrow
from kaohe.i18n import _
from kaohe.table_spec import TableSpec
from kaohe.tables import find_table


def _connect(location: str) -> Any:
    if location.startswith(("postgresql://", "postgres://")):
        import adbc_driver_postgresql.dbapi

        return adbc_driver_postgresql.dbapi.connect(location)
    import adbc_driver_sqlite.dbapi

    path = sqlite_path(location)
    if not path.is_file():
        raise FileNotFoundError(f"no such database file {path}")
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    return adbc_driver_sqlite.dbapi.connect(uri)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _names(cursor: Any, sqlite: bool) -> list[str]:
    if sqlite:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    return [str(name) for name in cursor.fetch_arrow_table().column(0).to_pylist()]


def _read_table(cursor: Any, name: str, sqlite: bool) -> pa.Table:
    if not sqlite:
        cursor.execute(f"SELECT * FROM {_quoted(name)}")
        return cursor.fetch_arrow_table()
    cursor.execute(f"SELECT * FROM {_quoted(name)} LIMIT 0")
    columns = cursor.fetch_arrow_table().column_names
    listed = ", ".join(f"CAST({_quoted(c)} AS TEXT) AS {_quoted(c)}" for c in columns)
    cursor.execute(f"SELECT {listed} FROM {_quoted(name)}")
    return cursor.fetch_arrow_table()


def content_sha256(table: pa.Table) -> str:
    """The sha256 of a table's content: its schema and rows in a canonical order."""
    keys = [(name, "ascending") for name in table.column_names]
    ordered = table.sort_by(keys) if keys and table.num_rows else table
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, ordered.schema) as writer:
        writer.write_table(ordered.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def read_database(
    location: str, tables: Mapping[str, TableSpec], problems: Problems
) -> dict[str, RawTable]:
    """The contract's tables found in a database, by name; problems are reported."""
    from kaohe.store import ENTRIES, split_at

    where = shown(location)
    location, at = split_at(location)
    sqlite = not location.startswith(("postgresql://", "postgres://"))
    try:
        connection = _connect(location)
    except Exception as error:  # drivers raise their own errors for every connection failure
        problems.add_error(
            where, _("cannot open the database ({error})").format(error=_first_line(error))
        )
        return {}
    found: dict[str, RawTable] = {}
    try:
        cursor = connection.cursor()
        try:
            names = _names(cursor, sqlite)
            if ENTRIES in names:  # a ledger store: its state (as it was at ``at``)
                return _read_store(cursor, where, at, not sqlite, tables, problems)
            if at is not None:
                problems.add_error(where, _("#at= reads a ledger store's past state; not a store"))
                return {}
            for name in sorted(names):
                table_name = find_table(name, tables)
                if table_name is None:
                    continue
                source = f"{where}[{name}]"
                if table_name in found:
                    problems.add_error(
                        source,
                        _("a second table for '{table}'; expected one").format(table=table_name),
                    )
                    continue
                table = _read_table(cursor, name, sqlite)
                raw = from_arrow(
                    tables[table_name], table, source, problems, sha256=content_sha256(table)
                )
                if raw is None:
                    problems.failed.add(table_name)
                else:
                    found[table_name] = raw
        finally:
            cursor.close()
    except Exception as error:  # a driver error while reading: name the database
        problems.add_error(
            where, _("cannot read the database ({error})").format(error=_first_line(error))
        )
    finally:
        connection.close()
    return found


def _read_store(
    cursor: Any,
    where: str,
    at: str | None,
    postgres: bool,
    tables: Mapping[str, TableSpec],
    problems: Problems,
) -> dict[str, RawTable]:
    """The tables of a ledger store's state (:mod:`kaohe.store`), those with entries."""
    from kaohe.store import cutoff, state_sql, tables_sql

    limit = None if at is None else cutoff(at)
    cursor.execute(tables_sql(limit))
    present = {str(n) for n in cursor.fetch_arrow_table().column(0).to_pylist()}
    found: dict[str, RawTable] = {}
    for name, spec in tables.items():
        if name not in present:
            continue
        cursor.execute(state_sql(spec, postgres, limit))
        table = cursor.fetch_arrow_table()
        table = table.cast(pa.schema([(n, pa.string()) for n in table.column_names]))
        source = f"{where}[{name}]"
        raw = from_arrow(spec, table, source, problems, sha256=content_sha256(table))
        if raw is None:
            problems.failed.add(name)
        else:
            found[name] = raw
    return found


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
