"""Reading one ``<table>.csv`` file through :mod:`pyarrow.csv`, strictly.

The header is the first row that names a column of the table (rows above
it are title rows, skipped with a warning); every cell below it is read as
text by Arrow's parser (date columns as dates when each of their cells is
``YYYY-MM-DD`` or empty, so that their text is never made; vocabularies in
dictionary form). A file is read whole or refused: an unterminated quote, a
row with more or fewer cells than the header, a stray NUL or a byte that is
not UTF-8 or GBK text is a problem naming the file, line and cell, and the
number of rows read always equals the number of records in the file (rows
whose cells are all empty are skipped with a warning).

Arrow cannot say on which line a record began. In the usual file (every
record on one line) the lines follow from the count of line breaks; when
some cell spans lines, or a row is malformed, the file is read a second
time with :mod:`csv`, which gives each record's line, and the two readings
must agree on the number of records.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from kaohe.data import encoding
from kaohe.data.problems import Problems
from kaohe.data.raw import (
    RawTable,
    drop_empty_rows,
    find_header,
    resolve_headers,
    sha256_later,
    title_warning,
)
from kaohe.i18n import _
from kaohe.table_spec import TableSpec, header_text

from .. import arrowcompute as pc

#: How much of the file's start is searched for the header (bytes).
HEAD_BYTES = 1 << 16
#: Any byte that is not a line break (a body without one holds no records).
_FILLED = re.compile(rb"[^\r\n]")
#: How far past a record's start an unterminated quote is looked for (characters).
QUOTE_SEARCH = 1 << 20
#: A body longer than this is parsed on Arrow's threads. Arrow reads a body a block
#: (1 MiB by default) at a time, so a shorter one is a single block with nothing to
#: share among threads: parsed on this thread, without handing it to Arrow's pool.
THREADED_BYTES = 1 << 20


class _Lines:
    """Iterates a text's physical lines for :mod:`csv`, counting the characters read."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.read += len(line)
        return line


def _head(
    data: bytes, spec: TableSpec, start: int = 0
) -> tuple[list[str], int, int, list[tuple[int, list[str]]]] | None:
    """The header cells, the byte offset of the first data row, the header's last
    line, and the title rows above the header; None when there is no header. The
    text begins at byte ``start`` (after a byte-order mark)."""
    cut = data[start : start + HEAD_BYTES]
    if len(data) - start > HEAD_BYTES:
        cut = cut[: max(cut.rfind(b"\n") + 1, 1)]
    text = cut.decode("utf-8")
    lines = _Lines(text)
    reader = csv.reader(lines)
    rows: list[tuple[int, list[str], int, int]] = []  # (first line, cells, last line, chars)
    first = 1
    try:
        for row in reader:
            rows.append((first, row, reader.line_num, lines.read))
            first = reader.line_num + 1
            if len(rows) > 4 * 10:
                break
    except csv.Error:
        pass  # the body's reader reports it, with its line
    index = find_header(spec, [cells for _line, cells, _end, _chars in rows])
    if index is None:
        return None
    _first, header, last_line, chars = rows[index]
    titles = [
        (line, cells) for line, cells, _end, _chars in rows[:index] if any(c.strip() for c in cells)
    ]
    return header, start + len(text[:chars].encode("utf-8")), last_line, titles


def read_csv(file: Path, spec: TableSpec, problems: Problems) -> RawTable | None:
    """Read one table file; bad content is reported to ``problems`` (then None)."""
    source = str(file)
    original = file.read_bytes()
    sha256 = sha256_later(original)
    text = encoding.utf8(original, source, problems)
    if text is None:
        return None
    try:
        return _read(text.data, source, spec, problems, sha256, text.line_feeds, text.start)
    except (UnicodeDecodeError, _NotUtf8):
        pass
    transcoded = encoding.from_gb18030(original, source, problems)
    if transcoded is None:
        return None
    return _read(transcoded, source, spec, problems, sha256)


class _NotUtf8(Exception):
    """Arrow found a cell that is not UTF-8."""


def _read(
    data: bytes,
    source: str,
    spec: TableSpec,
    problems: Problems,
    sha256: Callable[[], str],
    line_feeds: int | None = None,
    start: int = 0,
) -> RawTable | None:
    """Read the text of a CSV file (``line_feeds``: how many it holds, if counted),
    which begins at byte ``start`` (after a byte-order mark)."""
    head = _head(data, spec, start)
    if head is None:
        problems.add_error(
            source, _("the file has no header line; expected a header line and rows")
        )
        return None
    header, offset, header_line, titles = head
    if titles:
        problems.warn(title_warning(source, titles, header_line))
    positions = resolve_headers(spec, header, source, problems)
    kinds = {i: spec.column(name).kind for i, name in (positions or {}).items()}
    types = {i: _TYPES[kind] for i, kind in kinds.items() if kind in _TYPES}
    table, invalid = _parse(data, offset, len(header), types)
    lines = None
    if not invalid and not _open_at_end(table):
        lines = _single_line_records(data, offset, table.num_rows, header_line, line_feeds)
    if lines is None:
        expected = table.num_rows + len(invalid)
        lines = _records(data[offset:], header, header_line, expected, source, problems)
        if lines is None:
            return None
        if invalid:
            return None  # each malformed row is reported with its line
    for index, cell in enumerate(header):
        if cell.strip() or index in (positions or {}):
            continue
        stray = np.flatnonzero(
            pc.numpy(pc.not_equal(pc.utf8_trim_whitespace(table.column(index)), ""), null=False)
        )
        if stray.shape[0]:
            problems.add_error(
                source,
                f"column {index + 1} has values but no header; expected a header naming it",
                row=int(lines[stray[0]]),
            )
            return None
    if positions is None:
        return None
    table, lines = drop_empty_rows(table, lines, source, problems)
    columns = pa.table({name: table.column(index) for index, name in positions.items()})
    headers = {name: header_text(header[index]) for index, name in positions.items()}
    return RawTable(spec.name, source, columns, headers, lines, sha256())


#: How the columns of a kind are read when every cell allows (else as text): dates as
#: ``date32``, a vocabulary's few distinct words in dictionary form.
_TYPES = {"date": pa.date32(), "vocab": pa.dictionary(pa.int32(), pa.string())}


def _parse(
    data: bytes, offset: int, width: int, types: Mapping[int, pa.DataType] | None = None
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """Every cell of the body (the records below the header, from byte ``offset`` of
    ``data``) as text, and the rows whose number of cells is not ``width`` (left out
    of the table). The body is read where it is, not copied.

    The columns at the positions of ``types`` are read as their types (dates: empty
    cells null) when every cell of them allows: a date column when each cell is
    ``YYYY-MM-DD`` or empty (Arrow's parser takes the spaces and tabs around them
    too, which trimming would take); else every column is read as text, as the
    parsers then need (the file is read twice)."""
    if types:
        try:
            return _parse_as(data, offset, width, types)
        except pa.ArrowInvalid:
            pass  # a date cell Arrow does not read (or any other trouble): all as text
    return _parse_as(data, offset, width, {})


def _parse_as(
    data: bytes, offset: int, width: int, types: Mapping[int, pa.DataType]
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """:func:`_parse`, the columns at the positions of ``types`` as those types."""
    names = [f"c{i}" for i in range(width)]
    invalid: list[pacsv.InvalidRow] = []

    def collect(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    if _FILLED.search(data, offset) is None:
        return pa.table({name: pc.array([], pa.string()) for name in names}), invalid
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(memoryview(data)[offset:])),
            read_options=pacsv.ReadOptions(
                column_names=names, use_threads=len(data) - offset > THREADED_BYTES
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=data.find(b'"', offset) >= 0, invalid_row_handler=collect
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: types.get(i, pa.string()) for i, name in enumerate(names)},
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error) or "utf8" in str(error).lower():
            raise _NotUtf8 from None
        raise
    return table, invalid


def _open_at_end(table: pa.Table) -> bool:
    """Whether a cell of the last record holds a line break: so it does when a quote
    is left open at the end of the file (it takes in the line ends after it), which
    counting lines cannot see."""
    if not table.num_rows:
        return False
    last = table.slice(table.num_rows - 1).to_pylist()[0].values()
    return any(isinstance(cell, str) and ("\n" in cell or "\r" in cell) for cell in last)


def _single_line_records(
    data: bytes, offset: int, rows: int, header_line: int, line_feeds: int | None = None
) -> NDArray[np.int64] | None:
    """The line of each record of the body (from byte ``offset`` of ``data``) when every
    record is one line; None if that is unsure. ``line_feeds``: how many ``data``
    holds, when they are counted already.

    Lines are counted by their breaks; blank lines (which the parser skips)
    are found when there are more lines than records. A record whose quoted
    cell spans lines fills at least two lines (the opening and the closing
    quote's), so ``rows`` records on ``rows`` filled lines are one line each;
    any other count returns None (the lines are then read with :mod:`csv`).
    """
    if data.find(b"\r", offset) >= 0 and data.count(b"\r", offset) != data.count(b"\r\n", offset):
        return None  # old Mac line ends: let the csv module count
    empty = offset >= len(data)
    body_feeds = (
        data.count(b"\n", offset)
        if line_feeds is None
        else line_feeds - data.count(b"\n", 0, offset)
    )
    physical = body_feeds + (0 if data.endswith(b"\n") or empty else 1)
    first = header_line + 1
    if physical == rows:
        return np.arange(first, first + rows, dtype=np.int64)
    raw = np.frombuffer(data, np.uint8, offset=min(offset, len(data)))
    ends = np.flatnonzero(raw == 0x0A)
    if not empty and not data.endswith(b"\n"):
        ends = np.append(ends, raw.shape[0])
    starts = np.concatenate(([0], ends[:-1] + 1))
    length = ends - starts
    length -= (length > 0) & (raw[np.maximum(ends - 1, 0)] == 0x0D)
    filled = np.flatnonzero(length > 0)
    if filled.shape[0] != rows:
        return None
    return (filled + first).astype(np.int64)


class _Refused(Exception):
    """The strict :mod:`csv` reader refused the text at line ``line`` (``reason``)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _scan(
    text: str, width: int, header_line: int, *, strict: bool
) -> tuple[list[int], int, list[tuple[list[str], int]]]:
    """Read ``text`` (the records below the header) with :mod:`csv`: the line of each
    record of ``width`` cells, how many records there are, and the others with their
    lines. Strict, a quote the reader refuses raises :class:`_Refused`."""
    lines: list[int] = []
    wrong: list[tuple[list[str], int]] = []
    found = 0
    start = header_line + 1
    reader = csv.reader(io.StringIO(text, newline=""), strict=strict)
    try:
        for row in reader:
            if row:
                found += 1
                if len(row) == width:
                    lines.append(start)
                else:
                    wrong.append((row, start))
            start = header_line + 1 + reader.line_num
    except csv.Error as error:
        raise _Refused(start, str(error)) from None
    return lines, found, wrong


def _records(
    body: bytes, header: list[str], header_line: int, expected: int, source: str, problems: Problems
) -> NDArray[np.int64] | None:
    """The line of each well-formed record, read with :mod:`csv`; malformed records,
    an unterminated quote, or a count that differs from Arrow's are reported.

    A quote inside an unquoted cell (``5" tv``), which Arrow's parser takes as it
    is, is read as the non-strict :mod:`csv` reader takes it too."""
    text = body.decode("utf-8")
    width = len(header)
    try:
        lines, found, wrong = _scan(text, width, header_line, strict=True)
    except _Refused as refused:
        if "unexpected end of data" not in str(refused):
            lines, found, wrong = _scan(text, width, header_line, strict=False)
        else:
            cell = _open_quote(text, refused.line - header_line - 1)
            named = cell <= width and header_text(header[cell - 1])
            problems.add_error(
                source,
                _(
                    "a quoted cell (cell {cell}) is never closed: the quote takes in every line "
                    'after it; expected a closing quote (") at the end of the cell'
                ).format(cell=cell),
                row=refused.line,
                column=named or None,
            )
            return None
    for row, line in wrong:
        _wrong_width(row, header, line, source, problems)
    if found != expected:
        problems.add_error(
            source,
            _(
                "the file was read as {expected} rows by one reading and {found} by another; "
                "expected one way to read it (check the quotes)"
            ).format(expected=expected, found=found),
        )
        return None
    return np.array(lines, dtype=np.int64)


def _wrong_width(
    row: list[str], header: list[str], line: int, source: str, problems: Problems
) -> None:
    width = len(header)
    if len(row) > width:
        extra = next((cell for cell in row[width:] if cell.strip()), "")
        shown = _(" (unexpected '{cell}')").format(cell=extra.strip()) if extra.strip() else ""
        problems.add_error(
            source,
            _(
                "the row has {cells} cells but the header has {width} columns; "
                "expected {width} cells in every row"
            ).format(cells=len(row), width=width)
            + shown,
            row=line,
        )
    else:
        missing = header_text(header[len(row)]) or None
        problems.add_error(
            source,
            _(
                "the row has {cells} cells but the header has {width} columns; "
                "expected {width} cells in every row"
            ).format(cells=len(row), width=width),
            row=line,
            column=missing,
        )


def _open_quote(text: str, skip_lines: int) -> int:
    """The cell (1-based) of the quoted cell that is never closed in the record that
    starts after ``skip_lines`` lines of ``text``."""
    at = 0
    for _line in range(skip_lines):
        at = text.find("\n", at) + 1
    cell, opened, quoted, cell_start = 1, 1, False, True
    index = at
    end = min(len(text), at + QUOTE_SEARCH)
    while index < end:
        char = text[index]
        if quoted:
            if char == '"':
                if text.startswith('"', index + 1):
                    index += 1
                else:
                    quoted = False
        elif char == '"' and cell_start:
            quoted, opened = True, cell
        elif char == ",":
            cell += 1
            cell_start = True
            index += 1
            continue
        cell_start = False
        index += 1
    return opened
