"""The files of a result folder: the CSV files and manifest of the data contract.

Same inputs give byte-identical files. :func:`write_folder` (from
:mod:`kaohe.folders`) writes them all-or-nothing and replaces only a result
folder kaohe wrote itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .folders import write_folder
from .results import Results
from .tables_out import RESULT_TABLES

__all__ = ["csv_bytes", "quote", "result_files", "write_folder"]


#: The characters that make a cell need quoting (RFC 4180).
NEEDS_QUOTES = r'[,"\n\r]'
#: UTF-8's byte order mark: Excel opens the file as UTF-8.
BOM = "\ufeff".encode()


def quote(cells: Any) -> Any:
    """CSV quoting (RFC 4180) of an Arrow string column: cells with a comma, quote or line break.

    Such cells are enclosed in double quotes, their quotes doubled; others
    are kept as they are. A column whose text has none of these characters
    at all (most columns: one look at its bytes) is returned as it is.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _may_need_quotes(cells):
        return cells
    special = pc.match_substring_regex(cells, NEEDS_QUOTES)
    if not pc.any(special).as_py():
        return cells
    mark, none = pa.scalar('"', cells.type), pa.scalar("", cells.type)
    quoted = pc.binary_join_element_wise(mark, pc.replace_substring(cells, '"', '""'), mark, none)
    return pc.if_else(special, quoted, cells)


def _may_need_quotes(cells: Any) -> bool:
    """Whether the text buffer of an Arrow string array holds a character of :data:`NEEDS_QUOTES`.

    Those are ASCII, so a byte search of the UTF-8 text finds exactly them.
    False means no cell needs quoting; True may come from bytes outside the
    array's slice, and the cells are then looked at one by one.
    """
    buffers = cells.buffers()
    if len(buffers) < 3 or buffers[2] is None:
        return False
    data = buffers[2].to_pybytes()
    return any(special in data for special in (b",", b'"', b"\n", b"\r"))


def csv_bytes(
    header: Sequence[str], columns: Sequence[Any], order: Any = None, *, consume: bool = False
) -> bytes:
    """A UTF-8 CSV file (with BOM, so that Excel opens it as UTF-8) as bytes.

    ``columns`` are numpy text columns or Arrow string arrays (those of
    :mod:`kaohe.tables_out`); ``order`` (Arrow or numpy integer indices)
    puts their rows in the file's order, None when they are. Built
    column-wise through Apache Arrow (imported only here): each column
    quoted (:func:`quote`), the cells of a row joined with ``,``, each line
    ended with ``\n``, the lines put in order, and their text taken as one
    buffer, without a Python string per row or cell. With ``consume``,
    ``columns`` (a list) is emptied once the lines are made, so that a
    large table's columns are freed before its lines are reordered.
    """
    names = np.asarray(header, dtype=str)
    head = _lines([_arrow(names[i : i + 1]) for i in range(len(names))]) if len(names) else b"\n"
    cells = [_arrow(column) for column in columns]
    if consume and isinstance(columns, list):
        columns.clear()
    body = _lines(cells, order)
    return b"".join((BOM, head, body))


def _arrow(cells: Any) -> Any:
    """A text column as an Arrow ``large_string`` array (no 2 GiB limit on a file)."""
    from .arrowtext import from_numpy

    if isinstance(cells, np.ndarray):
        return from_numpy(cells)
    import pyarrow as pa

    return cells.cast(pa.large_string())


def _lines(columns: list[Any], order: Any = None) -> memoryview:
    """The CSV lines of Arrow string columns of one length, as UTF-8 bytes, in ``order``.

    ``columns`` is emptied once the lines are joined (the caller's own list).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not columns or not len(columns[0]):
        return memoryview(b"")
    comma, newline, none = (pa.scalar(s, pa.large_string()) for s in (",", "\n", ""))
    cells = [quote(c) for c in columns]
    columns.clear()
    cells[-1] = pc.binary_join_element_wise(cells[-1], newline, none)  # the line's end
    lines = pc.binary_join_element_wise(*cells, comma)
    del cells  # the quoted columns: freed before the lines are reordered
    if order is not None:
        lines = lines.take(order)
        if not len(lines):
            return memoryview(b"")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return memoryview(lines.buffers()[2])[first:last]


def result_files(results: Results, manifest: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of the data contract for scenario 0 of ``results``.

    One table at a time: the text columns of a table are freed once its
    bytes are made.
    """
    files = {}
    for name, table in RESULT_TABLES.items():
        made = table(results)
        header, columns, order = made.names, list(made.columns), made.order
        del made  # the columns are freed as the CSV lines are made
        files[f"{name}.csv"] = csv_bytes(header, columns, order, consume=True)
    files["manifest.json"] = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    return files
