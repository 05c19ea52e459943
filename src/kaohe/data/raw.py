"""What a reader hands over: one table's cells as Arrow columns, before parsing.

Every reader (CSV, spreadsheet, Parquet and Arrow files, databases, memory)
makes a :class:`RawTable`: the table's columns under their canonical names
(any Arrow type: text from CSV, typed values from other sources), the
header each was found under, and the source line of each row. Parsing and
validation are the same for every reader (:mod:`kaohe.data.build`).

This module also holds what readers share about headers: which headers
name which columns (:func:`resolve_headers`; unknown ones are ignored with
a warning, a misspelt required one is an error), which row of a sheet or
file is the header (:func:`find_header`; rows above it are title rows), and
which rows are empty (:func:`drop_empty_rows`).
"""

from __future__ import annotations

import difflib
import hashlib
import threading
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from kaohe import arrowcompute as pc
from kaohe.data.arrays import filled
from kaohe.data.problems import Problems, visible
from kaohe.i18n import _, ngettext
from kaohe.table_spec import TableSpec, header_text

from ..values import Holder

#: How many rows from the top of a sheet or file are searched for the header.
HEADER_SEARCH = 10


@attrs.frozen(repr=False, eq=False)
class RawTable(Holder):
    """One table as read, before parsing.

    ``columns`` holds the given columns under canonical names (a
    :class:`pyarrow.Table`); ``headers`` maps each to the header the user
    wrote; ``lines`` are the rows' line numbers in the file (header = line 1
    of a file without title rows), their rows in the sheet, or their 1-based
    positions. ``sha256`` identifies the source's bytes (None in memory).
    ``unchecked_text``: the reader did not check that its text is UTF-8 (an
    Arrow table's: Parquet, Arrow files, databases).
    """

    name: str
    source: str
    columns: pa.Table
    headers: Mapping[str, str]
    lines: NDArray[np.int64]
    sha256: str | None = None
    unchecked_text: bool = False


#: Files larger than this are hashed on a thread of their own (bytes).
HASH_APART = 1 << 20


def sha256_later(data: bytes) -> Callable[[], str]:
    """The SHA-256 of ``data`` in hex, for :attr:`RawTable.sha256`: a large file is
    hashed on a thread of its own while the reader parses it (hashlib lets other
    threads run while it hashes); calling the result waits for the hash."""
    sha = hashlib.sha256()
    if len(data) <= HASH_APART:
        sha.update(data)
        return sha.hexdigest
    thread = threading.Thread(target=sha.update, args=(data,), daemon=True)
    thread.start()

    def hexdigest() -> str:
        thread.join()
        return sha.hexdigest()

    return hexdigest


def expected_columns(spec: TableSpec) -> str:
    """The columns of ``spec`` for an error message: required ones starred, aliases in brackets."""
    parts = []
    for column in spec.columns:
        star = "*" if column.required else ""
        alias = f" ({column.aliases[0]})" if column.aliases else ""
        parts.append(f"{column.name}{star}{alias}")
    return ", ".join(parts)


def _suggestion(header: str, spec: TableSpec) -> str:
    known = [h for column in spec.columns for h in column.headers]
    close = difflib.get_close_matches(header, known, n=1, cutoff=0.75)
    return _(" (did you mean '{key}'?)").format(key=close[0]) if close else ""


def resolve_headers(
    spec: TableSpec, headers: Sequence[str], source: str, problems: Problems
) -> dict[int, str] | None:
    """The canonical column of each known header, by position.

    A header that names no column is ignored with a warning naming it (an
    extra column such as 责任人). Two headers of one column, or a missing
    required column, are problems; then None is returned.
    """
    found: dict[int, str] = {}
    seen: dict[str, str] = {}
    extra: list[str] = []
    ok = True
    for position, header in enumerate(headers):
        written = header_text(header)
        if not written:
            continue
        name = spec.canonical(written)
        if name is None:
            extra.append(written)
            continue
        if name in seen:
            problems.add_error(
                source,
                _(
                    "duplicate column '{column}': headers '{first}' and '{second}' "
                    "name the same column; expected each column once"
                ).format(column=name, first=seen[name], second=written),
            )
            ok = False
            continue
        seen[name] = written
        found[position] = name
    missing = [c.name for c in spec.columns if c.required and c.name not in seen]
    if missing:
        hints = "".join(_suggestion(header, spec) for header in extra[:1])
        problems.add_error(
            source,
            ngettext(
                "missing required column {columns} in table '{table}'{hints}; "
                "expected columns: {expected}",
                "missing required columns {columns} in table '{table}'{hints}; "
                "expected columns: {expected}",
                len(missing),
            ).format(
                columns=", ".join(repr(name) for name in missing),
                table=spec.name,
                hints=hints,
                expected=expected_columns(spec),
            ),
        )
        return None
    if extra:
        listed = ", ".join(f"'{visible(h)}'{_suggestion(h, spec)}" for h in extra)
        problems.warn(
            ngettext(
                "{source}: column {columns} not part of table '{table}'; ignored",
                "{source}: columns {columns} not part of table '{table}'; ignored",
                len(extra),
            ).format(source=source, columns=listed, table=spec.name)
        )
    return found if ok else None


def find_header(spec: TableSpec, rows: Sequence[Sequence[str]]) -> int | None:
    """The index of the header among the first rows of a file or sheet, or None.

    The header is the first row with a cell that names a column of ``spec``;
    if no row of the first :data:`HEADER_SEARCH` does, the first row with
    any text (whose headers are then reported as unknown).
    """
    filled = [i for i, row in enumerate(rows) if any(str(cell).strip() for cell in row)]
    for index in filled[:HEADER_SEARCH]:
        if any(spec.canonical(str(cell)) is not None for cell in rows[index]):
            return index
    return filled[0] if filled else None


def title_warning(source: str, titles: Sequence[tuple[int, Sequence[str]]], header: int) -> str:
    """The warning for title rows found above the header (``(line, cells)`` each) and
    the row taken as the header."""
    shown = "; ".join(
        _("row {row} '{cells}'").format(
            row=line, cells=" ".join(str(c).strip() for c in cells if str(c).strip())
        )
        for line, cells in titles
    )
    return ngettext(
        "{source}: title row above the header skipped: {rows}; the header is row {header}",
        "{source}: title rows above the header skipped: {rows}; the header is row {header}",
        len(titles),
    ).format(source=source, rows=shown, header=header)


def line_ranges(lines: NDArray[np.int64], limit: int = 10) -> str:
    """Lines as ``3, 5-8, 12`` (at most ``limit`` ranges, then how many more lines)."""
    values = np.sort(lines).tolist()
    ranges: list[list[int]] = []
    for line in values:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges[:limit]]
    rest = sum(b - a + 1 for a, b in ranges[limit:])
    more = _(" and {n} more").format(n=rest) if rest else ""
    return ", ".join(shown) + more


def drop_empty_rows(
    table: pa.Table,
    lines: NDArray[np.int64],
    source: str,
    problems: Problems,
    *,
    trailing_quietly: bool = False,
) -> tuple[pa.Table, NDArray[np.int64]]:
    """``table`` without rows whose cells are all empty, with a warning naming them.

    Such rows hold no data (a spreadsheet's cleared row, ``,,,`` in a CSV
    file); the warning says which lines were skipped, so that nothing
    disappears without a word. With ``trailing_quietly`` the empty rows
    after the last filled one (a sheet's formatted but unused rows) go
    without a warning.
    """
    if table.num_rows == 0 or table.num_columns == 0:
        return table, lines
    keep = filled(table.column(0))
    for column in table.columns[1:]:  # a column at a time, on the rows not yet known filled
        unknown = np.flatnonzero(~keep)
        if not unknown.shape[0]:
            break
        keep[unknown] = filled(pc.take(column, unknown))
    if keep.all():
        return table, lines
    skipped = ~keep
    if trailing_quietly:
        last = np.flatnonzero(keep)
        skipped[last[-1] + 1 if last.shape[0] else 0 :] = False
    if skipped.any():
        problems.warn(
            _("{source}: empty rows skipped (row {rows})").format(
                source=source, rows=line_ranges(lines[skipped])
            )
        )
    return pc.filter(table, keep), lines[keep]


def from_arrow(
    spec: TableSpec,
    table: pa.Table,
    source: str,
    problems: Problems,
    *,
    lines: NDArray[np.int64] | None = None,
    sha256: str | None = None,
) -> RawTable | None:
    """A :class:`RawTable` of an Arrow table whose column names are its headers
    (Parquet and Arrow files, database tables, memory); None if its headers do not
    fit (reported). Rows are numbered from 1 unless ``lines`` says otherwise."""
    positions = resolve_headers(spec, [str(name) for name in table.column_names], source, problems)
    if positions is None:
        return None
    if lines is None:
        lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    columns = pa.table({name: table.column(index) for index, name in positions.items()})
    headers = {
        name: header_text(str(table.column_names[index])) for index, name in positions.items()
    }
    return RawTable(spec.name, source, columns, headers, lines, sha256, unchecked_text=True)
