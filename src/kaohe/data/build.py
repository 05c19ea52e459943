"""From the tables a reader found to a validated :class:`~kaohe.data.Dataset`.

Every reader (CSV folder, spreadsheet, Parquet or Arrow files, database,
memory) produces one :class:`~kaohe.data.raw.RawTable` per table it found;
:func:`assemble` parses their cells, runs the row and cross-table checks,
puts rows in canonical order, resolves ``unit_id`` and ``cadre_id`` into
index columns and freezes the arrays. Every problem is reported to the
load's :class:`~kaohe.data.problems.Problems`; if any was found, one
:class:`~kaohe.errors.DataError` lists them all at the end.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from kaohe.data import checks
from kaohe.data.arrays import Column, plain, to_numpy_text
from kaohe.data.dataset import Columns, Dataset, Table, frozen
from kaohe.data.parse import parse_words
from kaohe.data.problems import Problems, Where
from kaohe.data.raw import RawTable
from kaohe.i18n import _
from kaohe.table_spec import ColumnSpec, TableSpec
from kaohe.tables import required_tables

from .. import arrowcompute as pc
from ..values import Holder

_EMPTY_DTYPES = {
    "date": np.dtype("datetime64[D]"),
    "count": np.dtype(np.int64),
    "score": np.dtype(np.float64),
    "bool": np.dtype(np.bool_),
}


@attrs.frozen(repr=False, eq=False)
class Parsed(Holder):
    """One table after cell parsing: typed columns (numpy, or Arrow for text) in source order.

    A text column read in dictionary form stays a dictionary array
    (:func:`~kaohe.data.parse.parse_words`): the checks read it as its cells,
    the lookups word by word, and the dataset's columns decode it when read."""

    name: str
    columns: Mapping[str, Column]
    where: Where
    sha256: str | None = None
    present: bool = True


def empty_column(column: ColumnSpec, n: int) -> Column:
    """A column that was not given: ``n`` empty cells (a vocabulary's default if it has one)."""
    if column.kind in ("id", "text"):
        return pc.array([""] * n, pa.string())
    if column.kind == "date":
        return np.full(n, np.datetime64("NaT", "D"))
    if column.kind == "vocab":
        assert column.vocab is not None
        code = -1 if column.default is None else column.vocab.code(column.default)
        return np.full(n, code, dtype=np.int8)
    return np.zeros(n, dtype=_EMPTY_DTYPES[column.kind])


def absent(spec: TableSpec, source: str, problems: Problems) -> Parsed:
    """An absent optional table: no rows, every column typed."""
    columns = {column.name: empty_column(column, 0) for column in spec.columns}
    where = Where(source, np.zeros(0, np.int64), problems)
    return Parsed(spec.name, columns, where, None, present=False)


@attrs.frozen(repr=False, eq=False)
class _Deferred(Where):
    """A :class:`Where` that keeps the rows to report (each :meth:`fail`) until
    :meth:`report` passes them on in the order they were found, so that a column
    parsed on another thread reports as it would have in turn.

    The messages are made at once (of the rows that may be listed: the first
    ``problems.limit`` by line), from the values as they are when the rows are found.
    """

    kept: list[tuple[NDArray[Any], Callable[[int], str], str | None]] = attrs.field(factory=list)

    def fail(
        self,
        bad: NDArray[np.bool_] | NDArray[np.intp],
        explain: Callable[[int], str],
        column: str | None = None,
    ) -> None:
        rows = self.in_line_order(bad)
        said = {row: explain(row) for row in rows[: self.problems.limit].tolist()}
        self.kept.append((rows, said.__getitem__, column))

    def report(self, where: Where) -> None:
        """Report the kept rows to ``where``."""
        for bad, explain, column in self.kept:
            where.fail(bad, explain, column)


#: Tables of fewer rows are parsed column after column on the calling thread.
PARALLEL_ROWS = 100_000


def workers() -> int:
    """How many threads parse columns (Arrow and numpy let go of the GIL)."""
    return max(1, min(4, os.cpu_count() or 1))


class Parsing:
    """A table being parsed (:func:`parse_raw`): :meth:`table` waits for its columns,
    :meth:`report` then reports their bad cells in column order; called, both."""

    def __init__(self, columns: Callable[[], Parsed], report: Callable[[], None]) -> None:
        self._columns = columns
        self._report = report
        self._table: Parsed | None = None

    def table(self) -> Parsed:
        """The parsed table, its bad cells not yet reported (each column parsed once)."""
        if self._table is None:
            self._table = self._columns()
        return self._table

    def report(self) -> None:
        """Report the bad cells of the table's columns, in column order (once)."""
        self._report()

    def __call__(self) -> Parsed:
        table = self.table()
        self.report()
        return table


def parse_raw(
    raw: RawTable,
    problems: Problems,
    tables: Mapping[str, TableSpec],
    pool: Executor | None = None,
) -> Parsing:
    """Parse every cell of a table (columns not given are empty); with a ``pool``
    and many rows, its columns on the pool's threads. See :class:`Parsing`."""
    spec = tables[raw.name]
    where = Where(raw.source, raw.lines, problems, raw.headers)
    n = raw.lines.shape[0]
    given = set(raw.columns.column_names)
    pending: dict[str, tuple[_Deferred, Callable[[], Column]]] = {}
    for column in spec.columns:
        kept = _Deferred(raw.source, raw.lines, problems, raw.headers)
        if column.name not in given:
            result: Callable[[], Column] = functools.partial(empty_column, column, n)
        else:
            parse = functools.partial(
                parse_words,
                column,
                raw.columns.column(column.name),
                kept,
                check_text=raw.unchecked_text,
            )
            if pool is None or n < PARALLEL_ROWS or column.simplified:  # OpenCC: one thread
                result = parse
            else:
                result = pool.submit(parse).result
        pending[column.name] = (kept, result)

    def parsed() -> Parsed:
        columns = {name: result() for name, (_kept, result) in pending.items()}
        return Parsed(spec.name, columns, where, raw.sha256)

    def report() -> None:
        for kept, _result in pending.values():
            kept.report(where)

    return Parsing(parsed, report)


def require_tables(
    found: Collection[str],
    require: Sequence[str],
    origin: str,
    hint: Callable[[str], str],
    problems: Problems,
    tables: Mapping[str, TableSpec],
) -> None:
    """Report each required table that is not among ``found`` (and mark it failed, so
    that the rows of other tables are not reported for naming ids it would list).

    The tables ``tables`` marks required are always required (``units``,
    ``cadres``, ``targets``), the tables of ``require`` in addition;
    ``hint(name)`` says where the table was looked for.
    """
    for name in require:
        if name not in tables:
            raise ValueError(f"require names an unknown table: {name!r}")
    for name in (*required_tables(tables), *require):
        if name not in found:
            problems.add_error(
                origin,
                _("missing required table '{table}'; expected {where}").format(
                    table=name, where=hint(name)
                ),
            )
            problems.failed.add(name)  # rows naming its ids are not checked against it


def _sort_key(values: Column) -> pa.Array:
    values = plain(values)
    if isinstance(values, np.ndarray):
        return pc.array(values.view(np.int64) if values.dtype.kind == "M" else values)
    return values


def _take(values: Column, order: NDArray[np.intp]) -> Column:
    if isinstance(values, np.ndarray):
        return values[order]
    return pc.take(values, order)


def _neighbours(values: Column) -> tuple[NDArray[np.bool_], NDArray[np.bool_]] | None:
    """For each row but the last: whether the next row's value is greater, and whether
    it is equal, as the sort orders them; None when that is unsure (nulls, NaN)."""
    values = plain(values)
    if isinstance(values, np.ndarray):
        key = values.view(np.int64) if values.dtype.kind == "M" else values
        if key.dtype.kind == "f" and np.isnan(key).any():
            return None
        return key[1:] > key[:-1], key[1:] == key[:-1]
    if values.null_count:
        return None
    later, earlier = values.slice(1), values.slice(0, len(values) - 1)
    return (
        pc.numpy(pc.greater(later, earlier), null=False),
        pc.numpy(pc.equal(later, earlier), null=False),
    )


def _increasing(values: Column) -> bool:
    """Whether each value is greater than the one before (no nulls, no NaN): a column
    of distinct ids as exported, in order whatever the other columns hold."""
    values = plain(values)
    if isinstance(values, np.ndarray):
        key = values.view(np.int64) if values.dtype.kind == "M" else values
        return bool((key[1:] > key[:-1]).all())
    if values.null_count:
        return False
    by_number = checks.increasing(values)
    if by_number is not None:
        return by_number
    later, earlier = values.slice(1), values.slice(0, len(values) - 1)
    return bool(pc.all(pc.greater(later, earlier)).as_py())


def _in_order(columns: Sequence[Column]) -> bool:
    """Whether the rows are already in the order a stable sort by ``columns`` gives
    (each row at most the next, by the first column that differs)."""
    tied: NDArray[np.bool_] | None = None  # pairs equal in every column so far
    for values in columns:
        compared = _neighbours(values)
        if compared is None:
            return False
        greater, equal = compared
        smaller = ~(greater | equal)
        if (smaller if tied is None else smaller & tied).any():
            return False
        tied = equal if tied is None else tied & equal
        if not tied.any():
            return True
    return True


def _ordered(spec: TableSpec, parsed: Parsed) -> tuple[Parsed, bool]:
    """``parsed`` in canonical row order (key, then every column when the key is not
    unique), and whether the key's first column is increasing (then no two rows share
    a key, and :func:`checks.unique` has nothing to find).

    Rows already in that order (the usual export, sorted by its id) are left as
    they are without sorting."""
    n = parsed.where.lines.shape[0]
    if n < 2:
        return parsed, True
    names = list(spec.key)
    if not spec.unique:
        names += [name for name in spec.names if name not in spec.key]
    if _increasing(parsed.columns[names[0]]):  # one comparison, the usual case
        return parsed, True
    if _in_order([parsed.columns[name] for name in names]):
        return parsed, False
    keys = pa.table({name: _sort_key(parsed.columns[name]) for name in names})
    order = pc.numpy(pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in names]))
    if np.array_equal(order, np.arange(n)):
        return parsed, False
    columns = {name: _take(values, order) for name, values in parsed.columns.items()}
    where = attrs.evolve(parsed.where, lines=parsed.where.lines[order])
    return attrs.evolve(parsed, columns=columns, where=where), False


#: Tables whose parsing began as they were read: by name, the table read and its
#: parse (:func:`parse_raw`).
Started = Mapping[str, tuple[RawTable, Parsing]]


def assemble(
    raws: Mapping[str, RawTable],
    problems: Problems,
    *,
    absent_source: Callable[[str], str],
    tables: Mapping[str, TableSpec],
    categories: Sequence[str] | None = None,
    pool: Executor | None = None,
    started: Started | None = None,
) -> Dataset:
    """Parse, check, order, resolve and freeze the tables a reader found.

    With ``categories`` (a scheme's), a unit of another category is a problem
    reported with the others.

    ``pool``: threads to parse on (a few of its own by default); ``started``: the
    tables of ``raws`` whose parsing began on them as they were read.

    Tables not in ``raws`` are absent (``absent_source(name)`` says where
    they were looked for), unless a problem was reported for them already.
    Raises :class:`~kaohe.errors.DataError` listing every problem found,
    including those reported before.
    """
    parsed: dict[str, Parsed] = {}
    started = started or {}
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(ThreadPoolExecutor(workers()))
        pending = {
            name: (
                started[name][1]
                if name in started and started[name][0] is raw
                else parse_raw(raw, problems, tables, pool)
            )
            for name, raw in raws.items()
            if name in tables
        }
        ordering = {}  # each table put in order on the pool as soon as it is parsed
        for name, spec in tables.items():
            given = (
                absent(spec, absent_source(name), problems)
                if name not in pending
                else pending[name].table()
            )
            ordering[name] = (given, pool.submit(_ordered, spec, given))
        for name, spec in tables.items():  # problems reported table by table, as found
            given, ordered = ordering[name]
            if name in pending:
                pending[name].report()
            checks.rows(spec, given.columns, given.where)
            table, distinct = ordered.result()
            if not distinct:
                checks.unique(spec, table.columns, table.where)
            parsed[name] = table
        # the entities' ids as numpy text, on the pool while their references are resolved
        unit_ids = pool.submit(to_numpy_text, parsed["units"].columns["unit_id"])
        cadre_ids = pool.submit(to_numpy_text, parsed["cadres"].columns["cadre_id"])
        resolved = _resolve(parsed, problems, tables, pool)
    if categories is not None:  # after _resolve: the units' ids are sound all the same
        checks.categories(parsed["units"].columns, parsed["units"].where, categories)
    problems.arrange([table.where.source for table in parsed.values()])
    problems.raise_any()
    return Dataset(
        tables=MappingProxyType(
            {
                name: Table(
                    name=name,
                    columns=Columns(
                        {k: v for k, v in resolved[name].items() if isinstance(v, np.ndarray)},
                        {k: v for k, v in resolved[name].items() if not isinstance(v, np.ndarray)},
                    ),
                    source=table.where.source,
                    lines=frozen(table.where.lines),
                    present=table.present,
                    sha256=table.sha256,
                    spec=tables[name],
                )
                for name, table in parsed.items()
            }
        ),
        unit_ids=frozen(unit_ids.result()),
        cadre_ids=frozen(cadre_ids.result()),
        warnings=tuple(problems.warnings),
    )


def released(dataset: Dataset) -> Dataset:
    """``dataset``, once Arrow's memory pool has given back the pages of the loading's
    temporaries (freed by then): mimalloc keeps them, and numpy's allocations while
    scoring cannot use them (a W2 scored from columns in memory peaked at 4.12 GiB,
    3.65 GiB so; about 3 ms)."""
    pa.default_memory_pool().release_unused()
    return dataset


def _lookups(table: Parsed, column: str) -> int:
    """How many values of ``column`` are looked up: its distinct words when it is in
    dictionary form, else its cells."""
    values = table.columns[column]
    return len(values.dictionary if isinstance(values, pa.DictionaryArray) else values)


def _shares(names: Sequence[str], sizes: Sequence[int]) -> list[list[str]]:
    """``names`` in at most :func:`workers` shares of about equal ``sizes`` (each of
    at least :data:`PARALLEL_ROWS`, else one share), for threads to work on at once:
    the largest first, each to the share with the least so far."""
    parts = max(1, min(workers(), sum(sizes) // max(PARALLEL_ROWS, 1)))
    shares: list[list[str]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for size, name in sorted(zip(sizes, names, strict=True), key=lambda pair: -pair[0]):
        least = loads.index(min(loads))
        shares[least].append(name)
        loads[least] += size
    return [share for share in shares if share] or [[]]


def _resolve(
    parsed: Mapping[str, Parsed],
    problems: Problems,
    tables: Mapping[str, TableSpec],
    pool: Executor,
) -> dict[str, dict[str, Column]]:
    """Every table's columns plus ``unit`` / ``cadre`` indices and the tolerances'
    ``ref_row``; references into a table that had problems are not checked. The
    units' and the cadres' ids are looked up on the ``pool``'s threads (on this
    thread when the tables are short: a hand-over would cost more), the rows the
    tolerances name meanwhile on this one."""
    sound = {
        name: name not in problems.failed and not problems.about(table.where.source)
        for name, table in parsed.items()
    }
    links = (("unit_id", "unit", "units"), ("cadre_id", "cadre", "cadres"))
    found: dict[tuple[str, str], NDArray[np.int64]] = {}
    looked_up = []
    for column, _index, target in links:  # each target's ids hashed once a share of tables
        every = [n for n, t in parsed.items() if n != target and column in t.columns]
        ids = plain(parsed[target].columns[column])
        for naming in _shares(every, [_lookups(parsed[n], column) for n in every]):
            values = [parsed[n].columns[column] for n in naming]
            located: Callable[[], list[NDArray[np.int64]]]
            if sum(_lookups(parsed[n], column) for n in naming) < PARALLEL_ROWS:
                located = functools.partial(checks.locate_each, ids, values)
            else:
                located = pool.submit(checks.locate_each, ids, values).result
            looked_up.append((column, naming, located))
    targets = {
        name: (plain(parsed[name].columns["id"]), parsed[name].where.source, sound[name])
        for name, spec in tables.items()
        if spec.id_column == "id"
    }
    tolerated = checks.tolerance_rows(parsed["tolerances"].columns, targets)  # meanwhile
    for column, naming, located in looked_up:
        found.update({(n, column): i for n, i in zip(naming, located(), strict=True)})
    resolved: dict[str, dict[str, Column]] = {}
    for name, table in parsed.items():
        columns = dict(table.columns)
        n = table.where.lines.shape[0]
        for column, index, target in links:
            if column not in columns:
                continue
            if name == target:
                columns[index] = np.arange(n, dtype=np.int64)
                continue
            ids = plain(parsed[target].columns[column])
            listed = f"table '{target}' ({parsed[target].where.source})"
            columns[index] = checks.references(
                columns,
                table.where,
                column,
                ids,
                listed,
                check=sound[target],
                index=found[name, column],
            )
        resolved[name] = columns
    checks.one_head(resolved["cadres"], parsed["cadres"].where)
    resolved["tolerances"]["ref_row"] = checks.tolerance_targets(
        resolved["tolerances"], parsed["tolerances"].where, targets, tolerated
    )
    return resolved
