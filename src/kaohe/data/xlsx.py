"""Reading an ``.xlsx`` workbook: one sheet per table, named like the table.

Cells keep the types Excel stores: date cells arrive as dates, numeric
cells as numbers. They are turned into the text the column's parser reads
(:func:`cell_text`), so validation is the same as for CSV. openpyxl is
imported only here, and only when a workbook is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kaohe.data.raw import RawTable, resolve_headers
from kaohe.errors import DataError
from kaohe.tables import TABLES, Kind


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _day_text(value: dt.datetime) -> str:
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(sep=" ")  # rejected by the date parser: not a whole day


def cell_text(value: object, kind: Kind, epoch: dt.datetime) -> str:
    """The text of one cell as the parser of a ``kind`` column reads it.

    Empty cells give ``""``; numbers in a date column are Excel serial dates
    of the workbook's date system (``epoch``); integer-valued numbers lose
    their ``.0``; dates give ``YYYY-MM-DD``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _day_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if kind == "date":
            from openpyxl.utils.datetime import from_excel

            try:
                day = from_excel(value, epoch)
            except (OverflowError, ValueError):
                return _number_text(value)
            if isinstance(day, dt.datetime):
                return _day_text(day)
            return _number_text(value)
        return _number_text(value)
    return str(value).strip()


def read_workbook(path: Path) -> tuple[dict[str, RawTable], str]:
    """The tables of a workbook, by name, and the workbook's sha256.

    A sheet named after no table is an error unless it is empty (e.g. a
    default ``Sheet1``); a table sheet must have a header row.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        raise DataError(str(path), "the file is empty; expected an .xlsx workbook")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise DataError(str(path), f"not a readable .xlsx workbook ({error})") from None
    tables: dict[str, RawTable] = {}
    try:
        for sheet in book.worksheets:
            name = sheet.title.strip()
            source = f"{path}[{sheet.title}]"
            rows = [
                (number, row)
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                if any(_filled(value) for value in row)
            ]
            if name not in TABLES:
                if rows:
                    raise DataError(
                        source,
                        f"unknown sheet '{sheet.title}'; expected sheets named like the "
                        f"tables: {', '.join(TABLES)}",
                    )
                continue
            if name in tables:
                raise DataError(source, f"a second sheet for table '{name}'; expected one")
            if not rows:
                raise DataError(source, "the sheet is empty; expected a header row and rows")
            tables[name] = _table(name, source, rows, book.epoch, digest)
    finally:
        book.close()
    return tables, digest


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _table(
    name: str,
    source: str,
    rows: Sequence[tuple[int, tuple[object, ...]]],
    epoch: dt.datetime,
    digest: str,
) -> RawTable:
    spec = TABLES[name]
    header = rows[0][1]
    width = len(header)
    while width and not _filled(header[width - 1]):
        width -= 1
    body = rows[1:]
    for line, row in body:
        extra = [value for value in row[width:] if _filled(value)]
        if extra:
            raise DataError(
                source,
                f"a value beyond the last named column ('{extra[0]}'); "
                "expected values only under a header",
                row=line,
            )
    positions = [i for i in range(width) if _filled(header[i])]
    for i in range(width):
        if i not in positions and any(_filled(row[i]) for _, row in body if i < len(row)):
            raise DataError(
                source, f"column {i + 1} has values but no header; expected a header naming it"
            )
    names = resolve_headers(spec, [str(header[i]) for i in positions], source)
    cells = {}
    for name_, i in zip(names, positions, strict=True):
        kind = spec.column(name_).kind
        values = [cell_text(row[i] if i < len(row) else None, kind, epoch) for _, row in body]
        cells[name_] = np.array(values, dtype=str)
    lines = np.array([line for line, _ in body], dtype=np.int64)
    return RawTable(name, source, cells, lines, digest)
