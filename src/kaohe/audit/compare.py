"""Differences between a file of a result folder and the same file made again.

:func:`differences` compares two versions of one result file the way its
format is read: CSV files cell by cell (file, row, column, both values),
workbooks cell by cell per sheet, Parquet files value by value, other
text line by line; :func:`manifest_differences` compares two manifests
key by key (what a run records about itself that re-scoring must give
again). At most :data:`SHOWN_DIFFERENCES` differences are listed per
file, and a line says when there are more.
"""

from __future__ import annotations

import csv
import io
import itertools
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import shown
from ..i18n import _
from ..manifest import MANIFEST

#: Differences listed per file; the rest are counted.
SHOWN_DIFFERENCES = 20


def limited(name: str, found: Iterator[str]) -> list[str]:
    """The first :data:`SHOWN_DIFFERENCES` of ``found``, and a line saying if there are more."""
    listed = list(itertools.islice(found, SHOWN_DIFFERENCES + 1))
    if len(listed) <= SHOWN_DIFFERENCES:
        return listed
    return [*listed[:SHOWN_DIFFERENCES], _("{file}: more differences, not shown").format(file=name)]


def differences(name: str, found: bytes, expected: bytes) -> list[str]:
    """How the folder's ``name`` differs from what scoring again makes ([] if not at all).

    Bytes that differ where every value is the same still differ: a file
    is either exactly what scoring again makes, or reported.
    """
    if found == expected:
        return []
    if name.endswith(".csv"):
        listed = limited(name, _csv_differences(name, found, expected))
    elif name.endswith(".xlsx"):
        listed = limited(name, _workbook_differences(name, found, expected))
    elif name.endswith(".parquet"):
        listed = limited(name, _parquet_differences(name, found, expected))
    elif name.endswith(".pdf"):  # a printed page: no values to name, its bytes differ
        listed = [
            _("{file}: not the PDF that printing the scored report again makes").format(file=name)
        ]
    else:
        listed = limited(name, _line_differences(name, found, expected))
    return listed or [
        _("{file}: not the file scoring again makes (the values are the same)").format(file=name)
    ]


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    try:
        rows = _csv_rows(found)
    except (UnicodeDecodeError, csv.Error) as error:
        yield f"{name}: not a readable CSV file ({error})"
        return
    wanted = _csv_rows(expected)
    header, wanted_header = (rows[0] if rows else []), wanted[0]
    if header != wanted_header:
        yield f"{name}: columns {', '.join(header)}; scoring again gives {', '.join(wanted_header)}"
        if sorted(header) != sorted(wanted_header):
            return
    order = [header.index(column) for column in wanted_header]
    body = [[row[i] if i < len(row) else "" for i in order] for row in rows[1:]]
    yield from _row_differences(name, wanted_header, body, wanted[1:])


def _both(found: object, again: object) -> str:
    return f"{shown(found)} in the file, {shown(again)} scoring again"


def _row_label(name: str, header: Sequence[str], number: int, row: Sequence[str]) -> str:
    ident = f" ({header[0]} {row[0]})" if row and row[0] else ""
    return f"{name} row {number}{ident}"


def _row_differences(
    name: str, header: Sequence[str], body: list[list[str]], wanted: list[list[str]]
) -> Iterator[str]:
    """Cell differences; a run of deleted or added rows is named as such."""
    first = next(
        (i for i, (a, b) in enumerate(zip(body, wanted, strict=False)) if a != b),
        min(len(body), len(wanted)),
    )
    missing = len(wanted) - len(body)
    if missing > 0 and body[first:] == wanted[first + missing :]:
        for i in range(first, first + missing):
            yield (
                f"{_row_label(name, header, i + 1, wanted[i])}: missing from the file; scoring "
                f"again gives {shown(','.join(wanted[i]))}"
            )
        return
    if missing < 0 and body[first - missing :] == wanted[first:]:
        for i in range(first, first - missing):
            yield (
                f"{_row_label(name, header, i + 1, body[i])}: in the file, but scoring again "
                f"gives no such row ({shown(','.join(body[i]))})"
            )
        return
    if missing:
        yield f"{name}: {len(body)} rows; scoring again gives {len(wanted)}"
    for i, (row, want) in enumerate(zip(body, wanted, strict=False)):
        for column, cell, wanted_cell in zip(header, row, want, strict=True):
            if cell != wanted_cell:
                label = _row_label(name, header, i + 1, want)
                yield f"{label}, column '{column}': {_both(cell, wanted_cell)}"


def _workbook_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    if len(found) > 4 * len(expected) + (1 << 20):  # do not unpack what may be a zip bomb
        yield f"{name}: {len(found)} bytes; scoring again gives a workbook of {len(expected)}"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(found), read_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            yield f"{name}: not a readable workbook ({type(error).__name__}: {shown(str(error))})"
            return
        wanted = load_workbook(io.BytesIO(expected), read_only=True)
        if book.sheetnames != wanted.sheetnames:
            yield f"{name}: sheets {', '.join(book.sheetnames)}; scoring again gives " + ", ".join(
                wanted.sheetnames
            )
            return
        same = True
        for title in wanted.sheetnames:
            rows = book[title].iter_rows(values_only=True)
            for r, (row, want) in enumerate(
                itertools.zip_longest(rows, wanted[title].iter_rows(values_only=True)), 1
            ):
                for c, (cell, wanted_cell) in enumerate(
                    itertools.zip_longest(row or (), want or ()), 1
                ):
                    if cell != wanted_cell:
                        same = False
                        where = f"{name} sheet {title}, cell {_cell_name(r, c)}"
                        yield f"{where}: {_both(cell, wanted_cell)}"
        if same:
            yield f"{name}: the cell values are the same, but the styles or layout are not"


def _parquet_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    """Value by value: the cells of the folder's Parquet file that scoring again does not make."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .. import arrowcompute as pc

    try:
        table = pq.read_table(pa.BufferReader(found))
    except Exception as error:  # pyarrow raises several kinds for damaged bytes
        yield f"{name}: not a readable Parquet file ({type(error).__name__}: {shown(str(error))})"
        return
    wanted = pq.read_table(pa.BufferReader(expected))
    if table.schema.remove_metadata() != wanted.schema.remove_metadata():
        yield f"{name}: columns {_both(str(table.schema), str(wanted.schema))}"
        return
    if table.num_rows != wanted.num_rows:
        yield f"{name}: {table.num_rows} rows; scoring again gives {wanted.num_rows}"
        return
    for column in wanted.column_names:
        found_cells, wanted_cells = table[column], wanted[column]
        same = pc.or_kleene(
            pc.equal(found_cells, wanted_cells),
            pc.and_(pc.is_null(found_cells), pc.is_null(wanted_cells)),
        )
        for row in np.flatnonzero(~pc.numpy(same, null=False)):
            cell, want = found_cells[int(row)].as_py(), wanted_cells[int(row)].as_py()
            yield f"{name} row {int(row) + 1}, column {column}: {_both(cell, want)}"


def _cell_name(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _line_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    lines = found.decode("utf-8", errors="replace").splitlines()
    wanted = expected.decode("utf-8", errors="replace").splitlines()
    if len(lines) != len(wanted):
        yield f"{name}: {len(lines)} lines; scoring again gives {len(wanted)}"
    for number, (line, want) in enumerate(itertools.zip_longest(lines, wanted), 1):
        if line != want:
            yield f"{name} line {number}: {_both(line, want)}"


#: Manifest keys compared on their own: the output files one by one, versions by :func:`_versions`.
_NOT_COMPARED = frozenset({"files", "kaohe_version", "plugins"})


def manifest_differences(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for key in sorted((recorded.keys() | now.keys()) - _NOT_COMPARED):
        found += _value_differences(key, recorded.get(key), now.get(key))
    return limited(MANIFEST, iter(found))


def _value_differences(key: str, value: Any, want: Any) -> list[str]:
    if isinstance(value, dict) and isinstance(want, dict):
        return [
            problem
            for name in sorted(value.keys() | want.keys())
            for problem in _value_differences(f"{key}.{name}", value.get(name), want.get(name))
        ]
    if isinstance(value, list) and isinstance(want, list) and len(value) == len(want):
        return [
            problem
            for i, (item, wanted) in enumerate(zip(value, want, strict=True))
            for problem in _value_differences(f"{key}[{i}]", item, wanted)
        ]
    if (value == want and type(value) is type(want)) or key.endswith("].version"):
        return []
    return [f"{MANIFEST} key '{key}': {_both(value, want)}"]
