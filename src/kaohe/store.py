"""The ledger store (台账库): an append-only database of records that keeps their history.

One table of kaohe's own, ``kaohe_entries``, holds every entry ever made:
a record entered (录入), corrected (更正) or withdrawn (撤销), with who
(``recorded_by``), when (``recorded_at``, UTC) and why (``reason``). A
correction or withdrawal is a new entry whose ``replaces`` names the entry
it supersedes; nothing is updated or deleted (triggers refuse it, in SQLite
and PostgreSQL alike). A record's values are kept as JSON text cells under
the contract's column names (``payload``).

The state of the ledger at a time is, per record, its latest entry up to
that time unless that entry is a withdrawal (:func:`state_sql`). Views named
like the tables show the current state to other tools; kaohe itself reads
the state through :func:`state_sql` so that ``#at=TIME`` at the end of a
store's URL (``sqlite:///kaohe.db#at=2020-01-15T10:00:00``) reads the state
as it was then, and a past run is scored again exactly.

Every write goes through ADBC (``adbc_ingest`` for the entries) in one
transaction: an import or correction is stored whole or not at all, and
only after the store's whole new state passed the checks scoring makes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

from .errors import KaoheError
from .i18n import N_, _
from .table_spec import TableSpec
from .tables import installed_tables
from .values import Value

if TYPE_CHECKING:
    pass

ENTRIES = "kaohe_entries"

#: Entry kinds: a record entered, corrected, withdrawn.
ENTERED, CORRECTED, WITHDRAWN = "录入", "更正", "撤销"
#: The kinds as messages, translated where shown (:func:`kind_name`).
KIND_NAMES = {ENTERED: N_("entered"), CORRECTED: N_("corrected"), WITHDRAWN: N_("withdrawn")}

#: The stamp format of ``recorded_at`` (text that sorts like time).
STAMP = "%Y-%m-%dT%H:%M:%S.%f"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


#: The clock entries are stamped with (UTC); tests replace it.
clock: Callable[[], dt.datetime] = _utc_now


class StoreError(KaoheError):
    """A ledger store that cannot be opened, or an entry that cannot be made."""


@attrs.frozen(repr=False, eq=False)
class Entry(Value):
    """One entry of the ledger store."""

    seq: int
    table: str
    record_id: str
    kind: str
    replaces: int | None
    recorded_at: str
    recorded_by: str
    reason: str
    values: Mapping[str, str]


def stamp(moment: dt.datetime) -> str:
    """``moment`` as ``recorded_at`` text."""
    return moment.strftime(STAMP)


def cutoff(text: str) -> str:
    """The last ``recorded_at`` included by an ``at`` of the command line: a date means
    its whole day, a time (``2020-01-15T10:00``) that moment."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return stamp(dt.datetime.combine(day, dt.time.max))
        return stamp(dt.datetime.fromisoformat(text))
    except ValueError:
        raise StoreError(
            _("{text!r}: not a date or time; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS").format(
                text=text
            )
        ) from None


def split_at(location: str) -> tuple[str, str | None]:
    """A store location and the ``#at=`` point of its state (None: the current state)."""
    base, sep, fragment = location.partition("#at=")
    return (base, fragment) if sep else (location, None)


def is_store(location: str) -> bool:
    """Whether ``location`` (without ``#at=``) is a ledger store kaohe can open."""
    from .data.locations import is_database

    if not is_database(location):
        return False
    try:
        with connect(location) as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {ENTRIES} LIMIT 1")
            cursor.fetchall()
    except Exception:  # not a store, or not readable: the data layer says what is wrong
        return False
    return True


def at_point(location: str, when: str) -> str:
    """``location`` read as it stood at ``when`` (``--ledger-as-of``: a date means the end
    of that day, a time that moment, UTC): ``#at=WHEN`` added to every ledger store among
    its sources (``--data`` given several times), so that the run records it as it records
    any ``#at=``. A StoreError when ``when`` is not a date or time, when a source already
    gives ``#at=``, or when no source is a ledger store."""
    from .data.locations import SOURCES, shown, sources

    cutoff(when)  # refuse a bad date or time before opening anything
    parts = sources(location)
    pinned_already = [part for part in parts if "#at=" in part]
    if pinned_already:
        raise StoreError(
            _(
                "{data}: already gives the store's point (#at=); give it once, "
                "there or with --ledger-as-of"
            ).format(data=shown(pinned_already[0]))
        )
    stores = [is_store(part) for part in parts]
    if not any(stores):
        raise StoreError(
            _(
                "--ledger-as-of reads a ledger store as it stood at a time, and no --data "
                "is a ledger store ({data}); --as-of sets the assessment's reference date"
            ).format(data=SOURCES.join(shown(part) for part in parts))
        )
    return SOURCES.join(
        f"{part}#at={when}" if is_one else part for part, is_one in zip(parts, stores, strict=True)
    )


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


@contextmanager
def connect(location: str, *, create: bool = False) -> Iterator[Any]:
    """A writable ADBC connection to the store at ``location`` (closed afterwards)."""
    from .data.locations import shown, sqlite_path

    try:
        if is_postgres(location):
            import adbc_driver_postgresql.dbapi

            connection = adbc_driver_postgresql.dbapi.connect(location)
        else:
            import adbc_driver_sqlite.dbapi

            path = sqlite_path(location)
            if not create and not path.is_file():
                raise StoreError(
                    _("{store}: no such ledger store; make one with kaohe ledger init").format(
                        store=path
                    )
                )
            connection = adbc_driver_sqlite.dbapi.connect(str(path))
    except StoreError:
        raise
    except Exception as error:  # drivers raise their own errors for connection failures
        raise StoreError(
            _("{store}: cannot open the ledger store ({reason})").format(
                store=shown(location), reason=error
            )
        ) from None
    try:
        yield connection
    finally:
        connection.close()


def pinned(location: str) -> str:
    """``location`` with the ``#at=`` point of its latest entry when it is a ledger store
    (so that a run records, and ``kaohe verify`` and ``kaohe diff`` find, the exact state
    it scored); any other location, or one already pinned, as it is."""
    if "#at=" in location:
        return location
    try:
        with connect(location) as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT max(recorded_at) FROM {ENTRIES}")
            latest = cursor.fetchone()[0]
    except Exception:  # not a store (or not readable): the data layer says what is wrong
        return location
    return location if latest is None else f"{location}#at={latest}"


def _json_field(column: str, postgres: bool) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if postgres:
        return f"(e.payload::json ->> '{column}') AS {quoted}"
    return f"json_extract(e.payload, '$.\"{column}\"') AS {quoted}"


def state_sql(spec: TableSpec, postgres: bool, at: str | None = None) -> str:
    """The query of ``spec``'s rows in the store's state (at ``at``, a ``recorded_at``
    cutoff, or now): each record's latest entry, unless it is a withdrawal."""
    fields = ", ".join(_json_field(column.name, postgres) for column in spec.columns)
    when = "" if at is None else f" AND later.recorded_at <= '{at}'"
    mine = "" if at is None else f" AND e.recorded_at <= '{at}'"
    return (
        f"SELECT {fields} FROM {ENTRIES} e WHERE e.table_name = '{spec.name}'"
        f" AND e.kind <> '{WITHDRAWN}'{mine} AND NOT EXISTS (SELECT 1 FROM {ENTRIES} later"
        " WHERE later.table_name = e.table_name AND later.record_id = e.record_id"
        f" AND later.seq > e.seq{when}) ORDER BY e.seq"
    )


def tables_sql(at: str | None) -> str:
    """The query of the tables that have entries (up to ``at``)."""
    where = "" if at is None else f" WHERE recorded_at <= '{at}'"
    return f"SELECT DISTINCT table_name FROM {ENTRIES}{where}"


_DDL = (
    f"CREATE TABLE {ENTRIES} (seq BIGINT PRIMARY KEY, table_name TEXT NOT NULL, "
    "record_id TEXT NOT NULL, kind TEXT NOT NULL, replaces BIGINT, recorded_at TEXT NOT NULL, "
    "recorded_by TEXT NOT NULL, reason TEXT NOT NULL, payload TEXT NOT NULL)"
)

_SQLITE_GUARDS = tuple(
    f"CREATE TRIGGER {ENTRIES}_no_{verb.lower()} BEFORE {verb} ON {ENTRIES} "
    f"BEGIN SELECT RAISE(ABORT, '{ENTRIES} is append-only: make a correction entry'); END"
    for verb in ("UPDATE", "DELETE")
)

_POSTGRES_GUARDS = (
    "CREATE FUNCTION kaohe_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
    f"'{ENTRIES} is append-only: make a correction entry'; END $$ LANGUAGE plpgsql",
    f"CREATE TRIGGER {ENTRIES}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {ENTRIES} "
    "FOR EACH STATEMENT EXECUTE FUNCTION kaohe_append_only()",
)


def init(location: str, tables: Mapping[str, TableSpec] | None = None) -> None:
    """Make an empty store: the entries table, its append-only guards, a state view per table."""
    tables = installed_tables() if tables is None else tables
    from .data.locations import shown, sqlite_path

    postgres = is_postgres(location)
    if not postgres and sqlite_path(location).exists():
        raise StoreError(
            _("{store}: already exists; a store is never replaced").format(
                store=sqlite_path(location)
            )
        )
    with connect(location, create=True) as connection, connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables "
                f"WHERE table_schema = current_schema() AND table_name = '{ENTRIES}'"
            )
            if cursor.fetchone()[0]:
                raise StoreError(_("{store}: already a ledger store").format(store=shown(location)))
        cursor.execute(_DDL)
        for statement in _POSTGRES_GUARDS if postgres else _SQLITE_GUARDS:
            cursor.execute(statement)
        for spec in tables.values():
            name = '"' + spec.name + '"'
            cursor.execute(f"CREATE VIEW {name} AS {state_sql(spec, postgres)}")
        connection.commit()


def _fetch(cursor: Any, query: str) -> list[dict[str, Any]]:
    cursor.execute(query)
    return list(cursor.fetch_arrow_table().to_pylist())


def entries(location: str) -> list[Entry]:
    """Every entry of the store, in order."""
    with connect(location) as connection, connection.cursor() as cursor:
        rows = _fetch(cursor, f"SELECT * FROM {ENTRIES} ORDER BY seq")
    return [
        Entry(
            int(row["seq"]),
            row["table_name"],
            row["record_id"],
            row["kind"],
            None if row["replaces"] is None else int(row["replaces"]),
            row["recorded_at"],
            row["recorded_by"],
            row["reason"],
            json.loads(row["payload"]),
        )
        for row in rows
    ]


def current(all_entries: Sequence[Entry], at: str | None = None) -> dict[tuple[str, str], Entry]:
    """Each record's latest entry (withdrawals included), by (table, record id)."""
    latest: dict[tuple[str, str], Entry] = {}
    for entry in all_entries:
        if at is None or entry.recorded_at <= at:
            latest[(entry.table, entry.record_id)] = entry
    return latest


def record_key(spec: TableSpec, values: Mapping[str, str]) -> str:
    """The id of a record: its id column, or its key columns joined by ``/``."""
    if spec.id_column is not None:
        return values.get(spec.id_column, "")
    return "/".join(values.get(name, "") for name in spec.key)


# ---------------------------------------------------------------- reading files


def append(location: str, new: Sequence[Entry]) -> None:
    import pyarrow as pa

    table = pa.table(
        {
            "seq": pa.array([e.seq for e in new], pa.int64()),
            "table_name": [e.table for e in new],
            "record_id": [e.record_id for e in new],
            "kind": [e.kind for e in new],
            "replaces": pa.array([e.replaces for e in new], pa.int64()),
            "recorded_at": [e.recorded_at for e in new],
            "recorded_by": [e.recorded_by for e in new],
            "reason": [e.reason for e in new],
            "payload": [
                json.dumps(dict(e.values), ensure_ascii=False, sort_keys=True) for e in new
            ],
        }
    )
    with connect(location) as connection, connection.cursor() as cursor:
        cursor.adbc_ingest(ENTRIES, table, mode="append")
        connection.commit()
