"""Reading a spreadsheet (.xlsx, .xlsm, .xls, .xlsb, .ods) through python-calamine.

One sheet per table, named like the table in English or Chinese (单位,
督查问题 ...). Calamine reads the cells that are there, whatever size the
sheet declares, and keeps their types: date cells arrive as dates, numbers
as numbers (a number in a date column is an Excel serial date). The header
is the first row that names a column of the table; rows above it are title
rows, skipped with a warning naming them and the header row. The
instructions sheet of a kaohe template (说明, its title ending in
:data:`GUIDE_TITLE`) is skipped quietly; any other sheet named after no
table (a 说明 of the office's own too) is ignored with a warning naming it,
unless its name is close to a table's (a misspelling, which would silently
leave the table out).
"""

from __future__ import annotations

import difflib
import hashlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from kaohe.data.arrays import python_cells
from kaohe.data.problems import Problems
from kaohe.data.raw import RawTable, drop_empty_rows, find_header, resolve_headers, title_warning
from kaohe.i18n import _
from kaohe.table_spec import TableSpec, header_text
from kaohe.tables import find_table

#: File name endings of the spreadsheets calamine reads.
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

#: Names of the instructions sheet ``kaohe template`` writes.
INSTRUCTION_SHEETS = ("说明", "說明")
#: How the title (cell A1) of a template's instructions sheet ends: such a sheet is
#: skipped without a warning.
GUIDE_TITLE = "数据填报模板"


def misspelt_table(name: str, tables: Mapping[str, TableSpec]) -> str | None:
    """The table whose name ``name`` is close to (a likely misspelling), or None."""
    names = [n for spec in tables.values() for n in (spec.name, *spec.aliases)]
    close = difflib.get_close_matches(name.strip(), names, n=1, cutoff=0.8)
    return close[0] if close else None


def read_spreadsheet(
    path: Path, tables: Mapping[str, TableSpec], problems: Problems
) -> dict[str, RawTable]:
    """The tables of a spreadsheet file, by name; problems are reported."""
    import python_calamine

    data = path.read_bytes()
    if not data:
        problems.add_error(str(path), _("the file is empty; expected a spreadsheet"))
        return {}
    digest = hashlib.sha256(data).hexdigest()
    errors = _error_cells(path, data)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own and builtin errors for bad files
        problems.add_error(
            str(path),
            _("not a readable spreadsheet ({error}); expected {kinds}").format(
                error=error, kinds=", ".join(SPREADSHEETS)
            ),
        )
        return {}
    found: dict[str, RawTable] = {}
    seen: dict[str, str] = {}
    for sheet_name in book.sheet_names:
        source = f"{path}[{sheet_name}]"
        try:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as error:  # a damaged sheet
            problems.add_error(source, _("the sheet cannot be read ({error})").format(error=error))
            continue
        name = find_table(sheet_name, tables)
        if name is None and _template_guide(sheet_name, rows):
            continue
        filled = any(str(cell).strip() for row in rows for cell in row)
        if name is None:
            close = misspelt_table(sheet_name, tables)
            if close is not None and filled:
                problems.add_error(
                    source,
                    _(
                        "unknown sheet '{sheet}' (did you mean '{close}'?); expected sheets "
                        "named like the tables: {tables}"
                    ).format(sheet=sheet_name, close=close, tables=", ".join(tables)),
                )
            elif filled:
                problems.warn(
                    _("{source}: sheet '{sheet}' is not a table; ignored").format(
                        source=source, sheet=sheet_name
                    )
                )
            continue
        if name in seen:
            problems.add_error(
                source,
                _("a second sheet for table '{table}' (also '{other}'); expected one").format(
                    table=name, other=seen[name]
                ),
            )
            continue
        seen[name] = sheet_name
        if not filled:
            problems.add_error(source, _("the sheet is empty; expected a header row and rows"))
            continue
        table = _sheet(tables[name], rows, source, problems, digest, errors.get(sheet_name, ()))
        if table is None:
            problems.failed.add(name)
        else:
            found[name] = table
    return found


def _template_guide(sheet_name: str, rows: Sequence[Sequence[object]]) -> bool:
    """Whether a sheet is the instructions sheet of a kaohe template."""
    title = str(rows[0][0]).strip() if rows and rows[0] else ""
    return sheet_name.strip() in INSTRUCTION_SHEETS and title.endswith(GUIDE_TITLE)


def _error_cells(path: Path, data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """The cells holding a formula's error, per sheet, where the format tells them
    (:mod:`kaohe.data.cell_errors`); calamine reads them as empty."""
    from kaohe.data.cell_errors import SEARCHED, error_cells

    return error_cells(io.BytesIO(data)) if path.suffix.lower() in SEARCHED else {}


def _failed_formulas(
    errors: Sequence[tuple[int, int, str]],
    index: int,
    header: Sequence[str],
    positions: Mapping[int, str],
    source: str,
    problems: Problems,
) -> bool:
    """Report the cells below the header ``index`` of a table's columns (``positions``)
    that hold a formula's error; whether there were any."""
    failed = [(row, column, error) for row, column, error in errors if row > index]
    failed = [cell for cell in failed if cell[1] in positions]
    for row, column, error in failed:
        problems.add_error(
            source,
            _(
                "the cell holds the error {error} of a formula, not a value; expected a "
                "value (correct the formula, or paste the values)"
            ).format(error=error),
            row=row + 1,
            column=header[column],
        )
    return bool(failed)


def _sheet(
    spec: TableSpec,
    rows: Sequence[Sequence[object]],
    source: str,
    problems: Problems,
    digest: str,
    errors: Sequence[tuple[int, int, str]] = (),
) -> RawTable | None:
    index = find_header(spec, [[str(cell) for cell in row] for row in rows[:50]])
    assert index is not None  # the sheet has a filled cell
    header = [header_text(str(cell)) for cell in rows[index]]
    titles = [
        (i + 1, [str(c) for c in row])
        for i, row in enumerate(rows[:index])
        if any(str(c).strip() for c in row)
    ]
    if titles:
        problems.warn(title_warning(source, titles, index + 1))
    positions = resolve_headers(spec, header, source, problems)
    body = rows[index + 1 :]
    lines = np.arange(index + 2, index + 2 + len(body), dtype=np.int64)
    columns = list(zip(*body, strict=True)) if body else [() for _cell in header]
    for position, cell in enumerate(header):
        if cell or position >= len(columns):
            continue
        stray = [i for i, value in enumerate(columns[position]) if str(value).strip()]
        if stray:
            problems.add_error(
                source,
                _("column {n} has values but no header; expected a header naming it").format(
                    n=position + 1
                ),
                row=int(lines[stray[0]]),
            )
            return None
    if positions is None or _failed_formulas(errors, index, header, positions, source, problems):
        return None
    table = pa.table({name: python_cells(list(columns[i])) for i, name in positions.items()})
    table, lines = drop_empty_rows(table, lines, source, problems, trailing_quietly=True)
    headers = {name: header[i] for i, name in positions.items()}
    return RawTable(spec.name, source, table, headers, lines, digest)
