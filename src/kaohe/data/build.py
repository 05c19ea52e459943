"""From parsed tables to a validated :class:`~kaohe.data.Dataset`.

Every front end (CSV folder, workbook, in-memory columns) produces one
:class:`Parsed` per given table; :func:`assemble` then runs the row and
cross-table checks, puts rows in canonical order, resolves ``unit_id`` and
``cadre_id`` into index columns and freezes the arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.data import checks, keys
from kaohe.data.dataset import Dataset, Table
from kaohe.data.parse import parse_column
from kaohe.data.raw import RawTable
from kaohe.data.where import Where
from kaohe.errors import DataError
from kaohe.tables import REQUIRED_TABLES, TABLES, ColumnSpec, TableSpec

_EMPTY_DTYPES = {
    "id": np.dtype("U1"),
    "text": np.dtype("U1"),
    "date": np.dtype("datetime64[D]"),
    "count": np.dtype(np.int64),
    "score": np.dtype(np.float64),
    "bool": np.dtype(np.bool_),
    "vocab": np.dtype(np.int8),
}


@attrs.frozen(eq=False)
class Parsed:
    """One table after cell parsing: typed columns in source order."""

    name: str
    columns: Mapping[str, NDArray[Any]]
    where: Where
    sha256: str | None = None
    present: bool = True


def empty_column(column: ColumnSpec, n: int) -> NDArray[Any]:
    """A column that was not given: ``n`` empty cells (a vocabulary's default if it has one)."""
    if column.kind in ("id", "text"):
        return np.full(n, "", dtype=_EMPTY_DTYPES[column.kind])
    if column.kind == "date":
        return np.full(n, np.datetime64("NaT", "D"))
    if column.kind == "vocab":
        assert column.vocab is not None
        code = -1 if column.default is None else column.vocab.code(column.default)
        return np.full(n, code, dtype=np.int8)
    return np.zeros(n, dtype=_EMPTY_DTYPES[column.kind])


def absent(spec: TableSpec, source: str) -> Parsed:
    """An absent optional table: no rows, every column typed."""
    columns = {column.name: empty_column(column, 0) for column in spec.columns}
    return Parsed(spec.name, columns, Where(source, np.zeros(0, np.int64)), None, present=False)


def parse_raw(raw: RawTable) -> Parsed:
    """Parse every cell of a file's table; columns not given are empty."""
    spec = TABLES[raw.name]
    where = Where(raw.source, raw.lines)
    n = raw.lines.shape[0]
    columns = {
        column.name: (
            parse_column(column, raw.cells[column.name], where)
            if column.name in raw.cells
            else empty_column(column, n)
        )
        for column in spec.columns
    }
    return Parsed(spec.name, columns, where, raw.sha256)


def require_tables(
    found: Collection[str], require: Sequence[str], origin: str, hint: Callable[[str], str]
) -> None:
    """Raise :class:`DataError` if a required table is not among ``found``.

    ``units``, ``cadres`` and ``targets`` are always required, the tables of
    ``require`` in addition; ``hint(name)`` says where the table was looked for.
    """
    for name in require:
        if name not in TABLES:
            raise ValueError(f"require names an unknown table: {name!r}")
    for name in (*REQUIRED_TABLES, *require):
        if name not in found:
            raise DataError(origin, f"missing required table '{name}'; expected {hint(name)}")


def _ordered(spec: TableSpec, parsed: Parsed) -> Parsed:
    """``parsed`` in canonical row order (key, then every column when the key is not unique)."""
    names = list(spec.key)
    if not spec.unique:
        names += [name for name in spec.names if name not in spec.key]
    # a unique key needs no stable sort: only duplicates (an error) tie
    order = keys.order(*(parsed.columns[name] for name in names), stable=not spec.unique)
    if order is None:
        return parsed
    columns = {name: values[order] for name, values in parsed.columns.items()}
    where = Where(parsed.where.source, parsed.where.lines[order])
    return attrs.evolve(parsed, columns=columns, where=where)


def _frozen(values: NDArray[Any]) -> NDArray[Any]:
    view: NDArray[Any] = values.view()
    view.flags.writeable = False
    return view


def assemble(parsed: Mapping[str, Parsed]) -> Dataset:
    """Check, order, resolve and freeze: ``parsed`` has every table of :data:`TABLES`."""
    tables: dict[str, Parsed] = {}
    for name, spec in TABLES.items():
        table = parsed[name]
        checks.rows(spec, table.columns, table.where)
        table = _ordered(spec, table)
        checks.unique(spec, table.columns, table.where)
        tables[name] = table
    unit_ids = tables["units"].columns["unit_id"]
    cadre_ids = tables["cadres"].columns["cadre_id"]
    # one lookup structure per id list, shared by every table that refers to it
    unit_locator, cadre_locator = keys.Locator(unit_ids), keys.Locator(cadre_ids)
    resolved: dict[str, dict[str, NDArray[Any]]] = {}
    for name, table in tables.items():
        columns = dict(table.columns)
        n = table.where.lines.shape[0]
        for column, index, ids, target in (
            ("unit_id", "unit", unit_locator, "units"),
            ("cadre_id", "cadre", cadre_locator, "cadres"),
        ):
            if column not in columns:
                continue
            if name == target:
                columns[index] = np.arange(n, dtype=np.int64)
            else:
                listed = f"table '{target}' ({tables[target].where.source})"
                columns[index] = checks.references(columns, table.where, column, ids, listed)
        resolved[name] = columns
    checks.one_head(resolved["cadres"], tables["cadres"].where)
    targets = {
        name: (resolved[name]["id"], tables[name].where.source)
        for name in TABLES
        if TABLES[name].id_column == "id"
    }
    resolved["tolerances"]["ref_row"] = checks.tolerance_targets(
        resolved["tolerances"], tables["tolerances"].where, targets
    )
    return Dataset(
        tables=MappingProxyType(
            {
                name: Table(
                    name=name,
                    columns=MappingProxyType(
                        {column: _frozen(values) for column, values in resolved[name].items()}
                    ),
                    source=table.where.source,
                    lines=_frozen(table.where.lines),
                    present=table.present,
                    sha256=table.sha256,
                )
                for name, table in tables.items()
            }
        ),
        unit_ids=_frozen(unit_ids),
        cadre_ids=_frozen(cadre_ids),
    )
