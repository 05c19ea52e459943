"""Reading a folder of ``<table>.csv`` files.

Each file is decoded (:mod:`kaohe.data.encoding`), split by the :mod:`csv`
module, and transposed into one ``str`` array per column. Rows whose cells
are all empty are skipped; a row shorter than the header is padded with
empty cells; a longer row is an error unless its extra cells are empty.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kaohe.data.encoding import decode
from kaohe.data.raw import RawTable, resolve_headers
from kaohe.errors import DataError
from kaohe.tables import TABLES, TableSpec


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
    body = rows[first + 1 :]
    lines = lines[first + 1 :]
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    header = header[:width]
    body = _fit_rows(body, width, lines, source)
    columns = [
        np.strings.strip(np.array(cells, dtype=str))
        for cells in (zip(*body, strict=True) if body else [() for _ in header])
    ]
    if body:
        filled = np.zeros(len(body), np.bool_)
        for column in columns:
            filled |= column != ""
        if not filled.all():
            columns = [column[filled] for column in columns]
            lines = lines[filled]
    unnamed = [i for i, cell in enumerate(header) if not cell.strip()]
    for index in unnamed:
        if (columns[index] != "").any():
            row = int(np.flatnonzero(columns[index] != "")[0])
            raise DataError(
                source,
                f"column {index + 1} has values but no header; expected a header naming it",
                row=int(lines[row]),
            )
    named = [i for i in range(width) if i not in unnamed]
    names = resolve_headers(spec, [header[i] for i in named], source)
    cells = {name: columns[i] for name, i in zip(names, named, strict=True)}
    return RawTable(spec.name, source, cells, lines, hashlib.sha256(data).hexdigest())


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
    body: list[list[str]], width: int, lines: NDArray[np.int64], source: str
) -> list[list[str]]:
    """Rows cut or padded to ``width`` cells; extra non-empty cells are an error."""
    lengths = np.fromiter(map(len, body), np.int64, count=len(body))
    uneven = np.flatnonzero(lengths != width)
    for index in uneven.tolist():
        row = body[index]
        if len(row) > width:
            extra = [cell for cell in row[width:] if cell.strip()]
            if extra:
                raise DataError(
                    source,
                    f"the row has {len(row)} values but the header names {width} columns; "
                    f"expected at most {width} values (unexpected '{extra[0].strip()}')",
                    row=int(lines[index]),
                )
            body[index] = row[:width]
        else:
            body[index] = row + [""] * (width - len(row))
    return body
