"""The files of a result folder: the CSV files and manifest of the data contract.

Same inputs give byte-identical files. :func:`write_folder` (from
:mod:`kaohe.folders`) writes them all-or-nothing and replaces only a result
folder kaohe wrote itself.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import numpy as np

from . import arrowtext as at
from .arrowtext import TextColumn
from .folders import Streamed, write_folder
from .results import Results
from .tables_out import RESULT_ROWS, RESULT_TABLES

__all__ = [
    "csv_bytes",
    "csv_chunks",
    "quote",
    "result_files",
    "streamed_result_files",
    "write_folder",
]

T = TypeVar("T")


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
    from . import arrowcompute as pc

    if not _may_need_quotes(cells):
        return cells
    special = pc.match_substring_regex(cells, NEEDS_QUOTES)
    if not pc.any(special).as_py():
        return cells
    mark, none = pc.scalar('"', cells.type), pc.scalar("", cells.type)
    quoted = pc.binary_join_element_wise(mark, pc.replace_substring(cells, '"', '""'), mark, none)
    return pc.if_else(special, quoted, cells)


def _text(cells: Any) -> memoryview:
    """The UTF-8 text of the cells of an Arrow string array, one after the other (no copy)."""
    import pyarrow as pa

    buffers = cells.buffers()
    if not len(cells) or buffers[2] is None:
        return memoryview(b"")
    wide = pa.types.is_large_string(cells.type) or pa.types.is_large_binary(cells.type)
    offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
    first, last = int(offsets[cells.offset]), int(offsets[cells.offset + len(cells)])
    return memoryview(buffers[2])[first:last]


def _large() -> Any:
    import pyarrow as pa

    return pa.large_string()


#: Bytes of text searched at a time for characters that need quoting.
SEARCH_BYTES = 1 << 22


def _may_need_quotes(cells: Any) -> bool:
    """Whether the text of an Arrow string array holds a character of :data:`NEEDS_QUOTES`.

    Those are ASCII, so a byte search of the UTF-8 text finds exactly them,
    a few MB at a time. False means no cell needs quoting; True means some
    cell may.
    """
    text = _text(cells)
    for start in range(0, len(text), SEARCH_BYTES):
        piece = bytes(text[start : start + SEARCH_BYTES])
        if any(special in piece for special in (b",", b'"', b"\n", b"\r")):
            return True
    return False


#: Rows of a CSV file made at a time: the text of a few MB is made, written
#: and let go, so that a table of millions of rows never holds its lines
#: twice (and its memory is reused, rather than asked of the system anew).
CHUNK_ROWS = 1 << 16


def csv_bytes(
    header: Sequence[str], columns: Sequence[TextColumn], *, consume: bool = False
) -> bytes:
    """The UTF-8 CSV file of :func:`csv_chunks` as bytes."""
    return _collected(csv_chunks(header, columns, consume=consume))


def _collected(chunks: Iterable[bytes | memoryview]) -> bytes:
    file = io.BytesIO()
    for chunk in chunks:
        file.write(chunk)
    return file.getvalue()  # the stream's own bytes: not copied again


def csv_chunks(
    header: Sequence[str], columns: Sequence[TextColumn], *, consume: bool = False
) -> Iterator[bytes | memoryview]:
    """A UTF-8 CSV file (with BOM, so that Excel opens it as UTF-8), in order, a slice at a time.

    ``columns`` are numpy text columns, Arrow string arrays or the text
    columns of :mod:`kaohe.arrowtext` (:class:`~kaohe.arrowtext.Taken`,
    :class:`~kaohe.arrowtext.Numbers`: the cells made for the rows being
    written), their rows in the file's order. Built column-wise through Apache
    Arrow (imported only here), :data:`CHUNK_ROWS` rows at a time: each
    column's cells of those rows quoted (:func:`quote`), the cells of a row
    joined with ``,``, each line ended with ``\n``; the first chunk is the
    BOM and the header line, each further one the text of a slice of rows,
    without a Python string per row or cell. With ``consume``, ``columns``
    (a list) is emptied once its columns are taken over (when the first
    chunk is asked for), so that the caller holds no other reference to them.
    """
    names = np.asarray(header, dtype=str)
    heading = _lines([quote(at.from_numpy(names[i : i + 1])) for i in range(len(names))])
    cells = _merged([_quoted_once(_column(column)) for column in columns])
    if consume and isinstance(columns, list):
        columns.clear()
    yield BOM + (bytes(heading) or b"\n")
    n = len(cells[0]) if cells else 0
    ended = bool(cells) and isinstance(cells[-1], at.Taken)
    if ended:  # each distinct last cell ends its line once, not every row
        last = cells[-1]
        cells[-1] = at.Taken(_joined(last.values, "\n"), last.index)

    def lines(start: int) -> memoryview:
        stop = min(n, start + CHUNK_ROWS)
        return _lines([_quoted_rows(column, start, stop) for column in cells], ended=ended)

    yield from _in_order(lines, range(0, n, CHUNK_ROWS))


#: Threads that make a long file's slices of lines at once (Arrow's kernels let
#: the interpreter's lock go); slices are still written in order.
WRITE_THREADS = 2
#: Slices made ahead of the one being written, per thread: memory stays a few slices.
AHEAD = 2


def _in_order(make: Callable[[int], T], starts: range) -> Iterator[T]:
    """``make(start)`` for each of ``starts``, in order; on :data:`WRITE_THREADS`
    threads when there are several slices, at most a few made ahead."""
    if WRITE_THREADS < 2 or len(starts) < 2:
        yield from map(make, starts)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="kaohe-csv") as pool:
        pending: deque[Any] = deque()
        for start in starts:
            pending.append(pool.submit(make, start))
            if len(pending) > WRITE_THREADS * AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


#: The most combinations of two adjacent lookup columns' cells spelled out as one column.
MERGED_LIMIT = 1 << 12


def _merged(cells: list[TextColumn]) -> list[TextColumn]:
    """Adjacent lookup columns (:class:`~kaohe.arrowtext.Taken`, quoted) made one column
    of their cells joined with ``,`` where that is cheap: columns of few distinct cells
    (at most :data:`MERGED_LIMIT` combinations, spelled once each), or two columns that
    look up the same rows (the entity kind and its id). A file's rows are then taken
    and joined from fewer columns; its bytes are the same."""
    merged: list[TextColumn] = []
    for cell in cells:
        before = merged[-1] if merged else None
        if isinstance(cell, at.Taken) and isinstance(before, at.Taken):
            both = _both(before, cell)
            if both is not None:
                merged[-1] = both
                continue
        merged.append(cell)
    return merged


def _both(left: at.Taken, right: at.Taken) -> at.Taken | None:
    """``left`` and ``right`` as one lookup column (:func:`_merged`), or None."""
    from . import arrowcompute as pc

    many = len(right.values)
    if len(left.values) * max(many, 1) <= MERGED_LIMIT:
        lefts = np.repeat(np.arange(len(left.values)), many)
        rights = np.tile(np.arange(many), len(left.values))
        values = _joined(pc.take(left.values, lefts), ",", pc.take(right.values, rights))
        index = left.index.astype(np.int64) * many + right.index
        return at.Taken(values, index)
    if len(left.values) == many and np.array_equal(left.index, right.index):
        return at.Taken(_joined(left.values, ",", right.values), left.index)
    return None


def _joined(*parts: Any) -> Any:
    """Arrow string arrays and strings joined row by row (no separator)."""
    from . import arrowcompute as pc

    large = _large()
    pieces = [pc.scalar(p, large) if isinstance(p, str) else pc.cast(p, large) for p in parts]
    return pc.binary_join_element_wise(*pieces, pc.scalar("", large))


def _column(cells: TextColumn) -> TextColumn:
    """A text column as an Arrow ``large_string`` array or a :mod:`kaohe.arrowtext` column."""
    if isinstance(cells, np.ndarray):
        return at.from_numpy(cells)
    from . import arrowcompute as pc

    if isinstance(cells, at.Taken | at.Numbers):
        return cells
    return pc.cast(cells, _large())


def _quoted_once(cells: TextColumn) -> TextColumn:
    """A lookup column with its values quoted (:func:`quote`), once for all its rows."""
    from . import arrowcompute as pc

    if isinstance(cells, at.Taken):
        return at.Taken(quote(pc.cast(cells.values, _large())), cells.index)
    return cells


def _quoted_rows(cells: TextColumn, start: int, stop: int) -> Any:
    """Rows ``start``..``stop - 1`` of a column of :func:`_quoted_once`, quoted."""
    if isinstance(cells, at.Taken | at.Numbers):  # quoted once; numbers never need it
        return at.rows(cells, start, stop)
    return quote(at.rows(cells, start, stop))


def _lines(columns: list[Any], *, ended: bool = False) -> memoryview:
    """The CSV lines of quoted Arrow string columns of one length, as UTF-8 bytes (no copy);
    ``ended``: the last column's cells already end their lines."""
    from . import arrowcompute as pc

    if not columns or not len(columns[0]):
        return memoryview(b"")
    cells = [pc.cast(c, _large()) for c in columns]
    if not ended:
        cells[-1] = _joined(cells[-1], "\n")  # the line's end
    if len(cells) == 1:
        return _text(cells[0])
    return _text(pc.binary_join_element_wise(*cells, pc.scalar(",", _large())))


def result_files(results: Results, manifest: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of the data contract for scenario 0 of ``results``.

    One table at a time: the text columns of a table are freed once its
    bytes are made.
    """
    files = {name: _collected(_table_csv(results, table)) for name, table in _CSV.items()}
    return {**files, "manifest.json": _manifest_bytes(manifest)}


def streamed_result_files(
    results: Results, manifest: Mapping[str, Any]
) -> dict[str, bytes | Streamed]:
    """The files of :func:`result_files`, each CSV file made while it is written
    (:class:`~kaohe.folders.Streamed`): no table's text is held whole, and
    making it overlaps writing it."""
    files: dict[str, bytes | Streamed] = {
        name: Streamed(partial(_table_csv, results, table), RESULT_ROWS[table](results))
        for name, table in _CSV.items()
    }
    return {**files, "manifest.json": _manifest_bytes(manifest)}


#: The result tables by file name.
_CSV = {f"{name}.csv": name for name in RESULT_TABLES}


def _table_csv(results: Results, name: str) -> Iterator[bytes | memoryview]:
    """The CSV chunks of result table ``name`` (its text columns made when first asked for)."""
    made = RESULT_TABLES[name](results)
    header, columns = made.names, list(made.columns)
    del made  # the columns are freed once the file is made
    yield from csv_chunks(header, columns, consume=True)


def _manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
