"""The result tables as Parquet files (``kaohe score --format parquet``), with typed columns.

Beside the CSV files (which stay: ``kaohe verify`` and people read those),
``units.parquet``, ``cadres.parquet``, ``adjustments.parquet``,
``freezes.parquet`` and ``findings.parquet`` hold the same rows, in the
same order, with the same column names, for programs that read a large run
faster and typed:

- numbers (scores, points, shares) are ``float64``: the value of the CSV
  cell's text (``83.50`` is 83.5); an empty cell is null;
- ranks and counts are ``int64``, empty (unranked) is null;
- dates are ``date32``; an empty cell is null, and an indefinite end
  (``indefinite`` in the CSV) is 9999-12-31, the engine's own far end;
- everything else (ids, names, labels, notes) is ``string``, exactly the
  CSV's cell, formula neutralisation included, so that a cell pasted from
  either file into a spreadsheet behaves the same.

The bytes are deterministic for one version of pyarrow. pyarrow is
imported only when these files are written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

from .results import Results
from .tables_out import RESULT_TABLES

__all__ = ["DATES", "FLOATS", "INTEGERS", "parquet_bytes", "parquet_files"]

FLOATS = frozenset(
    {"target_score", "satisfaction", "composite", "deductions", "bonus", "score", "points"}
)
INTEGERS = frozenset({"rank", "rank_in_unit", "findings"})
DATES = frozenset({"start", "end", "frozen_until"})
#: The CSV's word for a window that never ends, and the date it is in Parquet.
INDEFINITE, FAR_END = "indefinite", "9999-12-31"


def _typed(name: str, cells: Any) -> Any:
    """A text column of :mod:`kaohe.tables_out` as a typed Arrow array (see the module doc).

    ``cells`` is an Arrow string array or a numpy text column.
    """
    import pyarrow as pa

    from . import arrowcompute as pc

    if isinstance(cells, np.ndarray):
        column = pc.array(np.asarray(cells, dtype=str), pa.string())
    else:
        column = pc.cast(cells, pa.string())
    if name not in FLOATS | INTEGERS | DATES:
        return column
    if name in DATES:
        column = pc.replace_substring(column, INDEFINITE, FAR_END)
    present = pc.not_equal(column, "")
    column = pc.if_else(present, column, pc.scalar(None, pa.string()))
    if name in FLOATS:
        return pc.cast(column, pa.float64())
    if name in INTEGERS:
        return pc.cast(column, pa.int64())
    return pc.cast(pc.strptime(column, "%Y-%m-%d", "s"), pa.date32())


def parquet_bytes(header: Sequence[str], columns: Sequence[Any]) -> bytes:
    """One result table as a Parquet file (zstd), columns typed by name."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {name: _typed(name, cells) for name, cells in zip(header, columns, strict=True)}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def parquet_files(results: Results) -> dict[str, bytes]:
    """``TABLE.parquet`` for every result table of scenario 0 of ``results``."""
    return {
        f"{name}.parquet": parquet_bytes(made.names, made.ordered())
        for name, made in ((name, table(results)) for name, table in RESULT_TABLES.items())
    }
