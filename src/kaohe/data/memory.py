"""``Dataset.from_columns``: in-memory columns through the same validation as files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kaohe.data.build import Parsed, absent, assemble, empty_column, require_tables
from kaohe.data.columns import to_column
from kaohe.data.dataset import Dataset
from kaohe.data.raw import resolve_headers
from kaohe.data.where import Where
from kaohe.errors import DataError
from kaohe.tables import TABLES, TableSpec


def _parsed(spec: TableSpec, given: Mapping[str, Any], source: str) -> Parsed:
    headers = [str(header) for header in given]
    names = resolve_headers(spec, headers, source)
    lengths = {name: len(given[header]) for name, header in zip(names, given, strict=True)}
    n = max(lengths.values(), default=0)
    for name, length in lengths.items():
        if length != n:
            longest = max(lengths, key=lambda key: lengths[key])
            raise DataError(
                source,
                f"column '{name}' has {length} values, column '{longest}' has {n}; "
                "expected one value per row in every column",
                column=name,
            )
    where = Where(source, np.arange(1, n + 1, dtype=np.int64))
    values = {name: given[header] for name, header in zip(names, given, strict=True)}
    columns = {
        column.name: (
            to_column(column, values[column.name], where)
            if column.name in values
            else empty_column(column, n)
        )
        for column in spec.columns
    }
    return Parsed(spec.name, columns, where)


def from_columns(
    tables: Mapping[str, Mapping[str, Any]], *, source: str, require: Sequence[str]
) -> Dataset:
    """See :meth:`kaohe.data.Dataset.from_columns`."""
    for name in tables:
        if name not in TABLES:
            raise DataError(source, f"unknown table '{name}'; expected tables: {', '.join(TABLES)}")
    require_tables(tables.keys(), require, source, lambda name: f"an entry '{name}'")
    return assemble(
        {
            name: (
                _parsed(spec, tables[name], f"{source}:{name}")
                if name in tables
                else absent(spec, f"{source}:{name}")
            )
            for name, spec in TABLES.items()
        }
    )
