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
from numpy.typing import NDArray

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
    are kept as they are.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    special = pc.match_substring_regex(cells, NEEDS_QUOTES)
    if not pc.any(special).as_py():
        return cells
    mark, none = pa.scalar('"', cells.type), pa.scalar("", cells.type)
    quoted = pc.binary_join_element_wise(mark, pc.replace_substring(cells, '"', '""'), mark, none)
    return pc.if_else(special, quoted, cells)


def csv_bytes(header: Sequence[str], columns: Sequence[NDArray[np.str_]]) -> bytes:
    """A UTF-8 CSV file (with BOM, so that Excel opens it as UTF-8) as bytes.

    Built column-wise through Apache Arrow (imported only here): each column
    quoted (:func:`quote`), the cells of a row joined with ``,``, each line
    ended with ``\n``, and the lines' text taken as one buffer, without a
    Python string per row or cell.
    """
    names = np.asarray(header, dtype=str)
    head = _lines([_arrow(names[i : i + 1]) for i in range(len(names))]) if len(names) else b"\n"
    body = _lines([_arrow(column) for column in columns])
    return b"".join((BOM, head, body))


def _arrow(cells: NDArray[np.str_]) -> Any:
    """A numpy text column as an Arrow ``large_string`` array (no 2 GiB limit on a file).

    Arrow's conversion of numpy text ends a cell at a NUL character; a column
    that has one (its lengths do not add up) is converted cell by cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = np.asarray(cells, dtype=str)
    column = pa.array(cells, pa.large_string())
    length = pc.sum(pc.utf8_length(column)).as_py() or 0
    if length != int(np.strings.str_len(cells).sum()):
        column = pa.array(cells.tolist(), pa.large_string())
    return column


def _lines(columns: Sequence[Any]) -> memoryview:
    """The CSV lines of Arrow string columns of one length, as UTF-8 bytes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not columns or not len(columns[0]):
        return memoryview(b"")
    comma, newline, none = (pa.scalar(s, pa.large_string()) for s in (",", "\n", ""))
    rows = pc.binary_join_element_wise(*(quote(c) for c in columns), comma)
    lines = pc.binary_join_element_wise(rows, newline, none)
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return memoryview(lines.buffers()[2])[first:last]


def result_files(results: Results, manifest: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of the data contract for scenario 0 of ``results``.

    One table at a time: the text columns of a table are freed once its
    bytes are made.
    """
    files = {f"{name}.csv": csv_bytes(*rows(results)) for name, rows in RESULT_TABLES.items()}
    files["manifest.json"] = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    return files
