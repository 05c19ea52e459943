"""Reading a folder of ``<table>.csv`` files.

Each file is decoded (:mod:`kaohe.data.encoding`) and split into one ``str``
array per column. A file without quotes whose lines all have the same
number of cells (what most programs write) is split in one pass with
``str.split`` and numpy; any other file goes through the :mod:`csv` module.
Both give the same cells. Rows whose cells are all empty are skipped; a row
shorter than the header is padded with empty cells; a longer row is an
error unless its extra cells are empty.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kaohe.data.encoding import decode
from kaohe.data.parse import spaces_at, strip
from kaohe.data.raw import RawTable, resolve_headers
from kaohe.errors import DataError
from kaohe.tables import TABLES, TableSpec

StrArray = NDArray[np.str_]
#: A split file: the header cells, the body columns (stripped) and the rows' lines.
Split = tuple[list[str], list[StrArray], NDArray[np.int64]]


def table_files(folder: Path) -> dict[str, Path]:
    """The ``.csv`` file of each table found in ``folder``.

    A ``.csv`` file that is named after no table is an error (a misspelt
    name would otherwise make a table silently absent). Other files are
    ignored.
    """
    found: dict[str, Path] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() != ".csv" or not file.is_file():
            continue
        if file.stem not in TABLES:
            raise DataError(
                str(file),
                f"unknown table file '{file.name}'; expected tables: {', '.join(TABLES)}",
            )
        found[file.stem] = file
    return found


def read_csv(file: Path, spec: TableSpec) -> RawTable:
    """Read one table file; raises :class:`DataError` naming ``file`` when it does not fit."""
    source = str(file)
    data = file.read_bytes()
    text = decode(data, source)
    header, columns, lines = _split_grid(text) or _split_csv(text, source)
    if lines.shape[0]:
        filled = np.zeros(lines.shape[0], np.bool_)
        for column in columns:
            filled |= column != ""
        if not filled.all():
            columns = [column[filled] for column in columns]
            lines = lines[filled]
    named = [i for i, cell in enumerate(header) if cell.strip()]
    for index in range(len(header)):
        stray = np.flatnonzero(columns[index] != "")
        if index not in named and stray.shape[0]:
            raise DataError(
                source,
                f"column {index + 1} has values but no header; expected a header naming it",
                row=int(lines[stray[0]]),
            )
    names = resolve_headers(spec, [header[i] for i in named], source)
    cells = {name: columns[i] for name, i in zip(names, named, strict=True)}
    return RawTable(spec.name, source, cells, lines, hashlib.sha256(data).hexdigest())


#: The most code points a column of the fast path may spread to (rows x widest cell).
_GRID_LIMIT = 50_000_000
_COMMA, _NEWLINE = ord(","), ord("\n")


def _split_grid(text: str) -> Split | None:
    """The fast path: a file without quotes, every line with as many cells as the header.

    Works on the text's code points with numpy: the separators give each
    cell's start and length, and each column is gathered into a fixed-width
    ``str`` array without creating a Python string per cell. None when the
    file does not qualify (the :mod:`csv` path then reads it).
    """
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    text = text.rstrip("\n")
    if not text:
        return None
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    separators = np.flatnonzero((points == _COMMA) | (points == _NEWLINE))
    newlines = np.flatnonzero(points[separators] == _NEWLINE)
    n_lines = newlines.shape[0] + 1
    width = (separators.shape[0] + 1) // n_lines
    if width * n_lines != separators.shape[0] + 1 or not np.array_equal(
        newlines, np.arange(1, n_lines) * width - 1
    ):
        return None
    bounds = np.empty(separators.shape[0] + 2, np.int64)
    bounds[0], bounds[1:-1], bounds[-1] = -1, separators, points.shape[0]
    # per column (rows of these): where each cell starts and how long it is
    starts = (bounds[:-1] + 1).reshape(n_lines, width).T.copy()
    lengths = (bounds[1:] - bounds[:-1] - 1).reshape(n_lines, width).T.copy()
    longest = np.maximum(lengths.max(axis=1), 1)
    if int(longest.max()) * n_lines > _GRID_LIMIT:
        return None
    padded = np.concatenate((points, np.zeros(int(longest.max()), np.uint32)))
    # every window of the widest cell's length, as a view: a column's cells are
    # copied row by row from it, without an index per character
    windows = np.lib.stride_tricks.sliding_window_view(padded, int(longest.max()))
    columns = []
    for column in range(width):
        offsets = np.arange(longest[column])
        cells = windows[starts[column], : longest[column]]
        cells *= offsets < lengths[column][:, None]
        strings = cells.view(f"U{longest[column]}")[:, 0]
        last = padded[np.maximum(starts[column] + lengths[column] - 1, 0)]
        last *= lengths[column] > 0
        if spaces_at(cells[:, 0]).any() or spaces_at(last).any():
            strings = np.strings.strip(strings)
        columns.append(strings)
    header = [str(column[0]) for column in columns]
    if not any(cell.strip() for cell in header):
        return None
    body = [column[1:] for column in columns]
    return header, body, np.arange(2, n_lines + 1, dtype=np.int64)


def _split_csv(text: str, source: str) -> Split:
    """Any CSV text, through the :mod:`csv` module; the header is the first non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise DataError(source, f"not a readable CSV file ({error})", row=reader.line_num) from None
    lines = _line_numbers(text, rows, reader.line_num)
    first = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if first is None:
        raise DataError(source, "the file has no header line; expected a header line and rows")
    header = rows[first]
    body = _fit_rows(rows[first + 1 :], header, lines[first + 1 :], source)
    if body:
        columns = [strip(np.array(cells, dtype=str)) for cells in zip(*body, strict=True)]
    else:
        columns = [np.zeros(0, dtype="U1") for _ in header]
    return header, columns, lines[first + 1 :]


def _line_numbers(text: str, rows: list[list[str]], last_line: int) -> NDArray[np.int64]:
    """The first physical line of each row (1-based)."""
    if last_line == len(rows):
        return np.arange(1, len(rows) + 1, dtype=np.int64)
    # Some quoted cell spans lines: read again, noting where each row starts.
    reader = csv.reader(io.StringIO(text, newline=""))
    starts = []
    previous = 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return np.array(starts, dtype=np.int64)


def _fit_rows(
    body: list[list[str]], header: list[str], lines: NDArray[np.int64], source: str
) -> list[list[str]]:
    """Rows cut or padded to the header's length; extra non-empty cells are an error."""
    width = len(header)
    lengths = np.fromiter(map(len, body), np.int64, count=len(body))
    for index in np.flatnonzero(lengths != width).tolist():
        row = body[index]
        if len(row) > width:
            extra = [cell for cell in row[width:] if cell.strip()]
            if extra:
                named = sum(1 for cell in header if cell.strip())
                raise DataError(
                    source,
                    f"the row has {len(row)} values but the header names {named} columns; "
                    f"expected at most {width} values (unexpected '{extra[0].strip()}')",
                    row=int(lines[index]),
                )
            body[index] = row[:width]
        else:
            body[index] = row + [""] * (width - len(row))
    return body
