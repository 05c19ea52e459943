"""``Dataset.from_columns``: tables a program holds in memory, through the same checks as files.

A table is a mapping of column name to values (numpy arrays, Arrow arrays
or sequences) or any object with the Arrow PyCapsule interface (a
:class:`pyarrow.Table`, a pandas or polars data frame), taken as Arrow
without copying its text cell by cell. Numpy text goes through a byte
matrix (:func:`kaohe.arrowcompute.array`); numbers and dates cross
as they are. ``None`` is an empty cell, and so is a float NaN outside
number columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from kaohe import arrowcompute
from kaohe.data.arrays import python_cells
from kaohe.data.build import assemble, require_tables
from kaohe.data.dataset import Dataset
from kaohe.data.problems import Problems
from kaohe.data.raw import RawTable, from_arrow
from kaohe.errors import DataError
from kaohe.i18n import _
from kaohe.table_spec import TableSpec
from kaohe.tables import installed_tables

_NUMBER_KINDS = ("count", "score")
#: The time units of numpy datetimes that Arrow takes as they are.
_ARROW_TIME = ("D", "s", "ms", "us", "ns")


def is_arrow(value: object) -> bool:
    """Whether ``value`` speaks the Arrow PyCapsule interface (or is a pandas frame)."""
    return (
        hasattr(value, "__arrow_c_stream__")
        or hasattr(value, "__arrow_c_array__")
        or type(value).__module__.startswith("pandas")
    )


def to_arrow(values: Any, number_column: bool) -> pa.Array | pa.ChunkedArray:
    """One in-memory column as Arrow; NaN stays a number only in ``number_column``."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError("is not one-dimensional")
        if values.dtype.kind == "U":
            return arrowcompute.array(values)
        if values.dtype.kind == "M" and np.datetime_data(values.dtype)[0] not in _ARROW_TIME:
            values = values.astype("datetime64[s]")  # hours, weeks...: Arrow has seconds
        if values.dtype.kind in "biufM":
            return pa.array(values, from_pandas=not number_column)
        values = values.tolist()
    if hasattr(values, "__arrow_c_array__"):
        return pa.array(values)
    return python_cells(list(values), number_column=number_column)


def _table(spec: TableSpec, given: Any, source: str, problems: Problems) -> RawTable | None:
    if is_arrow(given):
        try:
            table = pa.table(given)
        except (pa.ArrowException, TypeError, ValueError) as error:
            problems.add_error(
                source, _("cannot be read as an Arrow table ({error})").format(error=error)
            )
            return None
        return from_arrow(spec, table, source, problems)
    if not isinstance(given, Mapping):
        problems.add_error(
            source,
            _(
                "a {kind}; expected a mapping of column name to values, or an Arrow table or "
                "data frame"
            ).format(kind=type(given).__name__),
        )
        return None
    headers = [str(header) for header in given]
    kinds = {
        header: spec.column(name).kind
        for header in headers
        if (name := spec.canonical(header)) is not None
    }
    arrays: dict[str, pa.Array | pa.ChunkedArray] = {}
    for header, values in zip(headers, given.values(), strict=True):
        try:
            arrays[header] = to_arrow(values, kinds.get(header) in _NUMBER_KINDS)
        except (ValueError, TypeError) as error:
            problems.add_error(source, f"column '{header}' {error}", column=header)
            return None
    lengths = {header: len(values) for header, values in arrays.items()}
    n = max(lengths.values(), default=0)
    for header, length in lengths.items():
        if length != n:
            longest = max(lengths, key=lambda key: lengths[key])
            problems.add_error(
                source,
                _(
                    "column '{column}' has {length} values, column '{longest}' has {n}; "
                    "expected one value per row in every column"
                ).format(column=header, length=length, longest=longest, n=n),
                column=header,
            )
            return None
    return from_arrow(spec, pa.table(arrays) if arrays else pa.table({}), source, problems)


def from_columns(
    tables: Mapping[str, Any],
    *,
    source: str,
    require: Sequence[str],
    contract: Mapping[str, TableSpec] | None = None,
) -> Dataset:
    """See :meth:`kaohe.data.Dataset.from_columns`."""
    contract = installed_tables() if contract is None else contract
    problems = Problems()
    for name in tables:
        if name not in contract:
            raise DataError(
                source,
                _("unknown table '{table}'; expected tables: {tables}").format(
                    table=name, tables=", ".join(contract)
                ),
            )
    require_tables(
        tables.keys(),
        require,
        source,
        lambda name: _("an entry '{name}'").format(name=name),
        problems,
        contract,
    )
    raws = {}
    for name, given in tables.items():
        raw = _table(contract[name], given, f"{source}:{name}", problems)
        if raw is None:
            problems.failed.add(name)
        else:
            raws[name] = raw
    return assemble(raws, problems, absent_source=lambda name: f"{source}:{name}", tables=contract)
