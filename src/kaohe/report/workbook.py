"""``results.xlsx``: the result files as one Excel workbook for people to read and filter.

:func:`workbook_bytes` writes, for scenario 0, the sheets 单位, 干部,
加减分明细, 影响期, 问题类别, 等次统计 (per category, unit grade counts
and the grade counts of the cadres of its units) and 说明 (what the
workbook is). Every sheet has Chinese headers, a frozen header row, an
auto filter and column widths fitted to its text (a CJK character counts
as two). Every text cell, from the data and from the scheme alike (its
title, category names, rule titles...), is neutralised against formula
injection (:func:`kaohe.tables_out.text`), and the workbook does not ask
Excel to recalculate when it is opened; number columns
are written as numbers (published scores with the format ``0.00``, other
numbers ``0.0000``, ranks and counts as integers), dates as dates, grades
with a fill by tone (优秀 green, 较差 and 不称职 red). A sheet holds at
most :data:`MAX_ROWS` rows (Excel's limit); a longer table continues on
further sheets, ``加减分明细(续1)``, ``加减分明细(续2)``..., which the sheet
说明 lists.

openpyxl (imported only when a workbook is written) lays out the workbook:
styles, headers, frozen panes, filters, widths, print setup. The data rows
of the five table sheets, which are most of the cells, are written as
sheet XML built column-wise with numpy, :data:`CHUNK_ROWS` rows at a time,
and streamed into openpyxl's sheets as the archive is written: building a
Python cell object per value would be some fifty times slower on a
county's year of records, and the XML of a province's detail rows, built
whole, would take gigabytes.

The bytes are deterministic: the workbook's created and modified
properties and every zip entry's time are the scheme's ``as_of`` at
midnight.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..results import Results
from ..tables_out import (
    adjustment_rows,
    cadre_rows,
    finding_rows,
    freeze_rows,
    text,
    unit_rows,
)
from ..values import Value
from ..vocab import CADRE_GRADES
from .labels import (
    GRADE_TONES,
    cadre_grade_counts,
    display,
    header,
    kept_labels,
    unit_grade_counts,
)
from .xlsx import (
    CELL_MARKUP,
    FORMATS,
    SHARE_FORMAT,
    StyleIds,
    Styles,
    cell_value,
    finish,
    fit_widths,
    rows_xml,
    saved,
    text_width,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Excel's last row is 1,048,576; one row is the header. A longer table continues on
#: further sheets (``名称(续1)``, ...).
MAX_ROWS = 1_048_575
#: Rows of a table sheet turned into XML at a time: a sheet is written chunk by chunk.
CHUNK_ROWS = 50_000


# ------------------------------------------------------------ sheet XML of the data rows


def shown_column(results: Results, name: str, values: NDArray[np.str_]) -> NDArray[np.str_]:
    """A data column as the sheet shows it: labels for codes, text neutralised."""
    shown = display(results, name, values)
    return shown if name in FORMATS else text(shown)


# ------------------------------------------------------------ openpyxl layout


@attrs.frozen(repr=False, eq=False)
class _Table(Value):
    """One table sheet: its title, the kind of rows (units, cadres ...), columns and panes."""

    title: str
    kind: str
    names: Sequence[str]
    columns: Sequence[NDArray[np.str_]]
    freeze: str = "A2"


@attrs.frozen(repr=False, eq=False)
class _Part(Value):
    """The rows ``start:stop`` of a table, shown on the sheet ``title``."""

    title: str
    table: _Table
    start: int
    stop: int

    @property
    def size(self) -> int:
        """How many data rows the sheet holds."""
        return self.stop - self.start


def sheet_titles(title: str, n_rows: int) -> list[str]:
    """The sheets of a table of ``n_rows`` rows: ``title``, then ``title(续1)``, ``title(续2)``...

    Each holds at most :data:`MAX_ROWS` rows (read when called, so that a test may lower it).
    """
    n_sheets = max(1, -(-n_rows // MAX_ROWS))
    return [title, *(f"{title}(续{i})" for i in range(1, n_sheets))]


def _parts(table: _Table) -> list[_Part]:
    n = int(table.columns[0].shape[0]) if table.columns else 0
    return [
        _Part(title, table, i * MAX_ROWS, min(n, (i + 1) * MAX_ROWS))
        for i, title in enumerate(sheet_titles(table.title, n))
    ]


def _shown_chunks(results: Results, part: _Part) -> Iterator[tuple[int, list[NDArray[np.str_]]]]:
    """The part's columns as the sheet shows them, :data:`CHUNK_ROWS` rows at a time, with
    the first row's offset in the part: the text of a whole detail table is never held."""
    for lo in range(part.start, max(part.stop, part.start + 1), CHUNK_ROWS):
        hi = min(part.stop, lo + CHUNK_ROWS)
        columns = zip(part.table.names, part.table.columns, strict=True)
        yield lo - part.start, [shown_column(results, name, c[lo:hi]) for name, c in columns]


def _may_pass_zip64_limit(part: _Part) -> bool:
    """Whether the part's sheet XML may be too large for a zip entry without ZIP64 sizes.

    A bound, not a guess: a character is at most 8 bytes of XML (``&`` is
    ``&amp;``), 2 per byte of numpy's UTF-32; the zip module wants ZIP64
    announced before an entry is written, and refuses a larger entry without.
    """
    per_row = sum(2 * column.dtype.itemsize + CELL_MARKUP for column in part.table.columns)
    return part.size * per_row * 1.05 > zipfile.ZIP64_LIMIT


def _table_sheet(
    ws: Worksheet, results: Results, part: _Part, styles: Styles, ids: StyleIds
) -> Callable[[], Iterator[bytes]]:
    """Lay out a table sheet (header, widths, panes, filter); return its rows' XML, chunk by
    chunk, as a generator function (the archive calls it when it writes the sheet)."""
    table = part.table
    titles = [header(table.kind, name) for name in table.names]
    styles.header_row(ws, 1, titles)
    widths = [text_width(np.asarray([title])) for title in titles]
    for _, shown in _shown_chunks(results, part):
        widths = [max(w, text_width(column)) for w, column in zip(widths, shown, strict=True)]
    fit_widths(ws, widths)
    finish(ws, len(titles), part.size, table.freeze)

    def chunks() -> Iterator[bytes]:
        for offset, shown in _shown_chunks(results, part):
            yield rows_xml(table.names, shown, ids, first=offset + 2)

    return chunks


def _with_names(
    names: Sequence[str],
    columns: Sequence[NDArray[np.str_]],
    after: str,
    label: str,
    values: NDArray[np.str_],
) -> tuple[list[str], list[NDArray[np.str_]]]:
    """Insert column ``label`` (a name looked up for the reader) after column ``after``."""
    at = list(names).index(after) + 1
    return [*names[:at], label, *names[at:]], [*columns[:at], values, *columns[at:]]


def _lookup(
    keys: NDArray[np.str_], ids: NDArray[np.str_], names: NDArray[np.str_]
) -> NDArray[np.str_]:
    """The name of each key among ``ids`` (``names`` beside them), empty where it is none."""
    if not ids.shape[0]:
        return np.full(keys.shape[0], "")
    order = np.argsort(ids, kind="stable")
    at = np.minimum(np.searchsorted(ids[order], keys), ids.shape[0] - 1)
    found = ids[order][at] == keys
    return np.where(found, names[order][at], "")


def _tables(results: Results) -> list[_Table]:
    """The five table sheets, with the names of units and cadres beside their ids."""
    unit_names, units = unit_rows(results)
    cadre_names, cadres = cadre_rows(results)
    adjustment_names, adjustments = adjustment_rows(results)
    freeze_names, freezes = freeze_rows(results)
    finding_names, findings = finding_rows(results)
    unit_of, cadre_of = (units[0], units[1]), (cadres[0], cadres[1])
    entity_names = np.where(
        adjustments[0] == "unit",
        _lookup(adjustments[1], *unit_of),
        _lookup(adjustments[1], *cadre_of),
    )
    order = _unit_order(results)
    return [
        _Table("单位", "units", unit_names, [c[order] for c in units], freeze="C2"),
        _Table(
            "干部",
            "cadres",
            *_with_names(cadre_names, cadres, "unit_id", "所在单位", _lookup(cadres[2], *unit_of)),
            freeze="C2",
        ),
        _Table(
            "加减分明细",
            "adjustments",
            *_with_names(adjustment_names, adjustments, "entity_id", "对象名称", entity_names),
        ),
        _Table(
            "影响期",
            "freezes",
            *_with_names(freeze_names, freezes, "cadre_id", "姓名", _lookup(freezes[0], *cadre_of)),
        ),
        _Table("问题类别", "findings", finding_names, findings),
    ]


def _unit_order(results: Results) -> NDArray[np.intp]:
    """Units by category (the scheme's order), then rank (unranked last), then id."""
    categories = list(results.scheme.categories)
    category = np.asarray(
        [
            categories.index(c) if c in categories else len(categories)
            for c in results.units.categories.tolist()
        ]
    )
    rank = results.units.rank[0]
    rank = np.where(rank < 0, np.iinfo(np.int64).max, rank)
    return np.lexsort((np.arange(rank.shape[0]), rank, category))


def _grades_sheet(ws: Worksheet, results: Results, styles: Styles) -> None:
    """等次统计: units per category and grade; below, cadres per category of their unit."""
    unit_labels, unit_counts = unit_grade_counts(results)
    keep = kept_labels(unit_labels, unit_counts)
    titles = ["考核类别", *(unit_labels[i] for i in keep), "单位合计"]
    table: list[list[Any]] = [[c, *(n[i] for i in keep), n[-1]] for c, n in unit_counts]
    totals = [sum(n[i] for _, n in unit_counts) for i in range(len(unit_labels) + 1)]
    table.append(["合计", *(totals[i] for i in keep), totals[-1]])
    _count_block(ws, 1, titles, table, styles)
    for cell in ws[ws.max_row]:
        cell.font = styles.bold

    cadre_labels, cadre_counts = cadre_grade_counts(results)
    keep = kept_labels(cadre_labels, cadre_counts)
    ctitles = ["考核类别", *(cadre_labels[i] for i in keep), "干部合计", "优秀占比", "优秀比例上限"]
    quota = _excellent_quota(results)
    ctable: list[list[Any]] = []
    for category, counts in cadre_counts:
        graded = sum(counts[: len(CADRE_GRADES)])
        share = counts[0] / graded if graded else None
        ctable.append([category, *(counts[i] for i in keep), counts[-1], share, quota])
    title_row = ws.max_row + 2
    ws.cell(row=title_row, column=1, value="干部等次(按所在单位的考核类别)").font = styles.bold
    _count_block(ws, title_row + 1, ctitles, ctable, styles)
    for row in ws.iter_rows(min_row=title_row + 2, min_col=len(ctitles) - 1):
        for cell in row:
            cell.number_format = SHARE_FORMAT

    widths = [
        max(text_width(np.asarray([str(v) for v in column if v is not None] or [""])), 6)
        for column in zip_longest(titles, *table, ctitles, *ctable)
    ]
    fit_widths(ws, widths)
    finish(ws, len(titles), len(table))


def _count_block(
    ws: Worksheet, row: int, titles: Sequence[str], table: Sequence[Sequence[Any]], styles: Styles
) -> None:
    """A header row at ``row`` (grade titles in their grade's colours), then the rows."""
    styles.header_row(ws, row, titles)
    for col, title in enumerate(titles, start=1):
        if title in GRADE_TONES:
            styles.grade(ws.cell(row=row, column=col), title)
            ws.cell(row=row, column=col).font = styles.bold
    for offset, values in enumerate(table, start=1):
        for col, value in enumerate(values, start=1):
            ws.cell(row=row + offset, column=col, value=cell_value(value))


def _excellent_quota(results: Results) -> float | None:
    if "cadre_grading" not in results.scheme.enabled:
        return None
    return float(results.scheme.param("cadre_grading", "excellent_quota"))


def _about_sheet(
    ws: Worksheet, results: Results, continued: Mapping[str, Sequence[str]], styles: Styles
) -> None:
    """说明: what the workbook is, and which tables continue past Excel's row limit."""
    scheme = results.scheme
    rows: list[tuple[str, str]] = [
        ("考核方案", scheme.title),
        ("方案名称", scheme.name),
        ("考核年度", str(scheme.year)),
        ("考核截止日期", scheme.as_of.isoformat()),
        ("方案文件", Path(str(scheme.path)).name if scheme.path else ""),
        ("说明", "得分、排名、等次为公布结果。"),
        ("核算", "单位得分 = 综合得分 + 该单位加减分明细分值之和(不低于 0),四舍五入到分。"),
    ]
    rows.extend(
        (
            f"{titles[0]}(续表)",
            f"超过 Excel 每表 {MAX_ROWS} 行的上限,续于:{'、'.join(titles[1:])}。",
        )
        for titles in continued.values()
        if len(titles) > 1
    )
    styles.header_row(ws, 1, ["项目", "内容"])
    for key, value in rows:
        ws.append([cell_value(key), cell_value(value)])
    keys = np.asarray([key for key, _ in rows])
    values = np.asarray([value for _, value in rows])
    fit_widths(ws, [text_width(keys), text_width(values)])
    finish(ws, 2, len(rows))


# ------------------------------------------------------------ the archive


def appeals_sheet(ws: Worksheet, rows: Sequence[Sequence[str]]) -> None:
    """Write the sheet 申诉: a header of :data:`kaohe.appeals.COLUMNS` and one row per
    appeal, as text (rows appended in order, so it suits a write-only sheet too)."""
    from ..appeals import COLUMNS

    ws.append(list(COLUMNS))
    for row in rows:
        ws.append(text(np.asarray(list(row), dtype=str)).tolist())


def workbook_bytes(
    results: Results,
    notices: list[str] | None = None,
    appeals: Sequence[Sequence[str]] = (),
) -> bytes:
    """``results.xlsx`` for scenario 0 of ``results`` (see the module docstring).

    A table longer than :data:`MAX_ROWS` continues on further sheets; each
    such table adds a line to ``notices`` (for the terminal). With ``appeals``
    (rows of :data:`kaohe.appeals.COLUMNS`) a sheet 申诉 lists them.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    styles = Styles()
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    ids = styles.register(wb)

    rows: dict[str, Callable[[], Iterator[bytes]]] = {}
    dimensions: dict[str, str] = {}
    large: set[str] = set()
    continued: dict[str, list[str]] = {}
    for table in _tables(results):
        parts = _parts(table)
        continued[table.title] = [part.title for part in parts]
        for part in parts:
            ws = wb.create_sheet(part.title)
            rows[part.title] = _table_sheet(ws, results, part, styles, ids)
            dimensions[part.title] = f"A1:{get_column_letter(len(table.names))}{part.size + 1}"
            if _may_pass_zip64_limit(part):
                large.add(part.title)
        if len(parts) > 1 and notices is not None:
            notices.append(_continued_notice(table.title, parts))
    _grades_sheet(wb.create_sheet("等次统计"), results, styles)
    if appeals:
        appeals_sheet(wb.create_sheet("申诉"), appeals)
    _about_sheet(wb.create_sheet("说明"), results, continued, styles)

    # openpyxl names the sheets' entries by their position in the workbook
    entries = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(wb.worksheets, 1)}
    return saved(
        wb,
        results.scheme.title,
        results.scheme.as_of,
        rows={entries[title]: xml for title, xml in rows.items()},
        dimensions={entries[title]: ref for title, ref in dimensions.items()},
        large=frozenset(entries[title] for title in large),
    )


def _continued_notice(title: str, parts: Sequence[_Part]) -> str:
    from ..i18n import _

    return _(
        "results.xlsx: {table} has {rows} rows, more than Excel's {limit} per sheet; "
        "it continues on {sheets}"
    ).format(
        table=title,
        rows=sum(part.size for part in parts),
        limit=MAX_ROWS,
        sheets=", ".join(part.title for part in parts[1:]),
    )
