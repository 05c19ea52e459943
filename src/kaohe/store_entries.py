"""What people do to the ledger store: import files, correct and withdraw records, read history.

Every change is checked as scoring checks data: the store's whole new
state (:func:`state_tables`, made a :class:`~kaohe.data.Dataset` by
:func:`dataset`) must pass before the new entries are appended
(:func:`kaohe.store.append`, one transaction). :func:`history` and
:func:`describe` show a record's entries as people read them
(``kaohe ledger log``, ``kaohe explain``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import store
from .i18n import CHINESE, LANGUAGES, N_, _, translator
from .store import (
    CORRECTED,
    ENTERED,
    KIND_NAMES,
    WITHDRAWN,
    Entry,
    StoreError,
    append,
    current,
    entries,
    record_key,
    stamp,
)
from .table_spec import TableSpec
from .tables import find_table, installed_tables

if TYPE_CHECKING:
    from .data import Dataset


def read_files(
    paths: Sequence[Path], tables: Mapping[str, TableSpec] | None = None
) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """The rows of every table in ``paths`` (workbooks, CSV folders) as text cells, each
    with its source; raises :class:`DataError` listing the problems of every file, and
    an id given by two files (naming both)."""
    tables = installed_tables() if tables is None else tables
    from .data.arrays import text
    from .data.load import _read_folder
    from .data.problems import Problems
    from .data.spreadsheet import read_spreadsheet

    problems = Problems()
    found: dict[str, list[tuple[str, dict[str, str]]]] = {}
    where: dict[tuple[str, str], str] = {}
    for path in paths:
        raws = (
            read_spreadsheet(path, tables, problems)
            if path.is_file()
            else (_read_folder(path, tables, problems))
        )
        for name, raw in raws.items():
            spec = tables[name]
            columns = {c: text(raw.columns.column(c)).to_pylist() for c in raw.columns.column_names}
            for index in range(raw.columns.num_rows):
                values = {c: str(cells[index]) for c, cells in columns.items() if cells[index]}
                source = _("{file}, row {row}").format(file=raw.source, row=int(raw.lines[index]))
                if spec.unique:
                    key = record_key(spec, values)
                    first = where.setdefault((name, key), source)
                    if first != source and not first.startswith(raw.source + ","):
                        problems.add_error(
                            source,
                            _("{table} '{key}' is also given by {first}; expected it once").format(
                                table=name, key=key, first=first
                            ),
                        )
                        continue
                found.setdefault(name, []).append((source, values))
    problems.raise_any()
    return found


def _validate(state: Mapping[str, list[dict[str, str]]], origin: str) -> None:
    """Check a whole state as scoring would (cells, references, unique keys)."""
    dataset(state, origin)


def dataset(state: Mapping[str, list[dict[str, str]]], origin: str) -> Dataset:
    """A state (rows of text cells per table) read and checked as scoring reads a store."""
    import numpy as np
    import pyarrow as pa

    from .data.build import assemble
    from .data.problems import Problems
    from .data.raw import RawTable

    problems = Problems()
    tables = installed_tables()
    raws = {}
    for name, rows in state.items():
        spec = tables[name]
        columns = {
            c.name: pa.array([r.get(c.name, "") for r in rows], pa.string()) for c in spec.columns
        }
        lines = np.arange(1, len(rows) + 1, dtype=np.int64)
        raws[name] = RawTable(
            name, f"{origin}[{name}]", pa.table(columns), {c: c for c in columns}, lines
        )
    return assemble(raws, problems, absent_source=lambda name: f"{origin}[{name}]", tables=tables)


def state_tables(latest: Mapping[tuple[str, str], Entry]) -> dict[str, list[dict[str, str]]]:
    state: dict[str, list[dict[str, str]]] = {}
    tables = installed_tables()
    for (table, _id), entry in sorted(latest.items(), key=lambda item: item[1].seq):
        if entry.kind != WITHDRAWN and table in tables:  # appeals are not input tables
            state.setdefault(table, []).append(dict(entry.values))
    return state


def _who(by: str, reason: str) -> None:
    if not by.strip():
        raise StoreError(_("--by: empty; expected who makes the entry"))
    if not reason.strip():
        raise StoreError(_("--reason: empty; expected why the entry is made"))


def import_files(location: str, paths: Sequence[Path], *, by: str, reason: str) -> dict[str, int]:
    """Enter the records of ``paths``; returns the count of new records per table.

    A record already in the store with the same values is left as it is; with
    other values it is an error (make a correction). Rows of tables without a
    unique key (surveys, votes, attendance) are matched by their values: as
    many rows as the store has alike are already there. The store's new state is
    checked whole before anything is written.
    """
    from .data.locations import shown

    _who(by, reason)
    rows = read_files(paths)
    existing = entries(location)
    latest = current(existing)
    seq = existing[-1].seq if existing else 0
    now = stamp(store.clock())
    new: list[Entry] = []
    errors: list[str] = []
    tables = installed_tables()
    alike = Counter(  # rows of tables without a unique key, matched by their values
        (table, json.dumps(dict(e.values), sort_keys=True))
        for (table, _), e in latest.items()
        # appeals are entries of the store, not of an input table
        if e.kind != WITHDRAWN and table in tables and not tables[table].unique
    )
    for table, listed in rows.items():
        spec = tables[table]
        for source, values in listed:
            key = record_key(spec, values)
            if not spec.unique:
                same = (table, json.dumps(values, sort_keys=True))
                if alike[same]:  # the store has this row already
                    alike[same] -= 1
                    continue
                key = f"{key}#{seq + len(new) + 1}"
            before = latest.get((table, key))
            if before is not None and before.kind != WITHDRAWN:
                if dict(before.values) != values:
                    errors.append(
                        _(
                            "{source}: {table} '{key}' is already in the store with other "
                            "values; expected a correction (kaohe ledger correct)"
                        ).format(source=source, table=table, key=key)
                    )
                continue
            new.append(
                Entry(seq + len(new) + 1, table, key, ENTERED, None, now, by, reason, values)
            )
    if errors:
        raise StoreError("\n".join(errors))
    state = current([*existing, *new])
    _validate(state_tables(state), shown(location))
    if new:
        append(location, new)
    counts: dict[str, int] = {}
    for entry in new:
        counts[entry.table] = counts.get(entry.table, 0) + 1
    return counts


def _live(location: str, table: str, record_id: str) -> tuple[list[Entry], Entry, TableSpec]:
    name = find_table(table)
    if name is None:
        raise StoreError(
            _("unknown table '{table}'; expected one of {tables}").format(
                table=table, tables=", ".join(installed_tables())
            )
        )
    existing = entries(location)
    before = current(existing).get((name, record_id))
    if before is None:
        raise StoreError(
            _("{table}: no record '{id}' in the store").format(table=name, id=record_id)
        )
    if before.kind == WITHDRAWN:
        raise StoreError(
            _("{table} '{id}' was withdrawn (entry {seq})").format(
                table=name, id=record_id, seq=before.seq
            )
        )
    return existing, before, installed_tables()[name]


def correct(
    location: str, table: str, record_id: str, sets: Mapping[str, str], *, by: str, reason: str
) -> Entry:
    """Correct a record (更正): a new entry with ``sets`` applied (columns by name or Chinese
    header; an empty value clears a cell); the store's new state is checked first."""
    from .data.locations import shown

    _who(by, reason)
    existing, before, spec = _live(location, table, record_id)
    values = dict(before.values)
    for header, value in sets.items():
        column = spec.canonical(header)
        if column is None:
            raise StoreError(
                _("{table}: no column '{column}'; expected one of {columns}").format(
                    table=spec.name, column=header, columns=", ".join(spec.names)
                )
            )
        if spec.id_column == column and value != record_id:
            raise StoreError(
                _("{table}: the id of a record is not corrected; withdraw it").format(
                    table=spec.name
                )
            )
        if value:
            values[column] = value
        else:
            values.pop(column, None)
    if values == dict(before.values):
        raise StoreError(
            _("{table} '{id}': the correction changes nothing").format(
                table=spec.name, id=record_id
            )
        )
    entry = Entry(
        existing[-1].seq + 1, spec.name, record_id, CORRECTED, before.seq,
        stamp(store.clock()), by, reason, values,
    )  # fmt: skip
    _validate(state_tables(current([*existing, entry])), shown(location))
    append(location, [entry])
    return entry


def withdraw(location: str, table: str, record_id: str, *, by: str, reason: str) -> Entry:
    """Withdraw a record (撤销): a new entry; the store's new state is checked first."""
    from .data.locations import shown

    _who(by, reason)
    existing, before, spec = _live(location, table, record_id)
    entry = Entry(
        existing[-1].seq + 1, spec.name, record_id, WITHDRAWN, before.seq,
        stamp(store.clock()), by, reason, dict(before.values),
    )  # fmt: skip
    _validate(state_tables(current([*existing, entry])), shown(location))
    append(location, [entry])
    return entry


def history(location: str, record_id: str, table: str | None = None) -> list[Entry]:
    """Every entry of the record ``record_id`` (of ``table``, or of any table), in order."""
    name = None if table is None else find_table(table)
    found = [
        e for e in entries(location)
        if e.record_id == record_id and (name is None or e.table == name)
    ]  # fmt: skip
    if not found:
        raise StoreError(_("no record '{id}' in the store").format(id=record_id))
    return found


def kind_name(kind: str, language: str = CHINESE) -> str:
    """An entry's kind (stored as 录入, 更正, 撤销) in ``language``."""
    return translator(language)(KIND_NAMES.get(kind, kind))


def describe(entry: Entry, before: Entry | None, language: str = CHINESE) -> list[str]:
    """An entry in ``language`` (Chinese for the explanation, a document; ``kaohe ledger
    log`` in the reader's): when, what, who, why, and the values it set or changed (columns
    by their Chinese headers, or in English by name)."""
    from .template import header

    say = translator(language)
    spec = installed_tables().get(entry.table)
    when = entry.recorded_at[:19].replace("T", " ")
    what = kind_name(entry.kind, language)
    if entry.replaces is not None:
        what += say(N_(" (replaces entry {seq})")).format(seq=entry.replaces)
    lines = [
        say(N_("entry {seq}  {when}  {what}  by: {by}  reason: {reason}")).format(
            seq=entry.seq, when=when, what=what, by=entry.recorded_by, reason=entry.reason
        )
    ]
    if spec is None:  # an appeal (kaohe.appeals): its fields as they are
        lines += [f"    {name}: {value}" for name, value in entry.values.items()]
        return lines
    empty = say(N_("(empty)"))
    for column in spec.columns:
        new, old = entry.values.get(column.name, ""), None
        if before is not None:
            old = before.values.get(column.name, "")
        name = header(column) if LANGUAGES[language] == CHINESE else column.name
        if entry.kind == CORRECTED and old != new:
            lines.append(f"    {name}: {old or empty} → {new or empty}")
        elif entry.kind == ENTERED and new:
            lines.append(f"    {name}: {new}")
    return lines
