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

import datetime as dt
import io
import re
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
    replace,
    text,
    unit_rows,
)
from ..vocab import CADRE_GRADES
from .labels import (
    GRADE_TONES,
    cadre_grade_counts,
    display,
    header,
    kept_labels,
    unit_grade_counts,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

#: Excel's last row is 1,048,576; one row is the header. A longer table continues on
#: further sheets (``名称(续1)``, ...).
MAX_ROWS = 1_048_575
#: Rows of a table sheet turned into XML at a time: a sheet is written chunk by chunk.
CHUNK_ROWS = 50_000
#: Bytes of sheet XML around a cell's text, at most (``<c r="AB1048576" s="12" t=...>``).
CELL_MARKUP = 100
MAX_WIDTH = 60
#: zlib level of the archive: fast; the sheets are plain XML and still shrink about tenfold.
COMPRESSION = 1

SCORE_FORMAT = "0.00"
NUMBER_FORMAT = "0.0000"
INTEGER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
SHARE_FORMAT = "0.0%"

#: Number format of each number column of :mod:`kaohe.tables_out`.
FORMATS: Mapping[str, str] = {
    "score": SCORE_FORMAT,
    **dict.fromkeys(
        ("target_score", "satisfaction", "composite", "deductions", "bonus", "points"),
        NUMBER_FORMAT,
    ),
    **dict.fromkeys(("rank", "rank_in_unit", "findings"), INTEGER_FORMAT),
}
DATES = frozenset({"start", "end", "frozen_until"})
GRADES = frozenset({"grade"})

HEADER_FILL, HEADER_FONT = "305496", "FFFFFF"
#: Grade tone -> (fill, font colour), as Excel's "good / neutral / bad" cell styles.
TONE_COLOURS: Mapping[str, tuple[str, str]] = {
    "good": ("C6EFCE", "006100"),
    "fine": ("DDEBF7", "1F4E78"),
    "fair": ("FFEB9C", "9C5700"),
    "bad": ("FFC7CE", "9C0006"),
    "open": ("EDEDED", "404040"),
}
#: Day 0 of Excel's date serial numbers (1900 date system, for dates after 1900-03-01).
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text_width(values: NDArray[np.str_]) -> int:
    """The widest cell of ``values`` in character columns, CJK and full-width characters as 2."""
    values = np.asarray(values, dtype=str)
    if not values.shape[0] or values.dtype.itemsize == 0:
        return 0
    codes = values.view(np.uint32).reshape(values.shape[0], -1)
    wide = (
        ((codes >= 0x1100) & (codes <= 0x115F))
        | ((codes >= 0x2E80) & (codes <= 0xA4CF))
        | ((codes >= 0xAC00) & (codes <= 0xD7A3))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
        | ((codes >= 0xFE30) & (codes <= 0xFE4F))
        | ((codes >= 0xFF00) & (codes <= 0xFF60))
        | ((codes >= 0xFFE0) & (codes <= 0xFFE6))
        | (codes >= 0x20000)
    )
    return int(((codes != 0).astype(np.int64) + wide).sum(axis=1).max())


# ------------------------------------------------------------ sheet XML of the data rows


def xml_text(values: NDArray[np.str_]) -> NDArray[np.str_]:
    """Text for XML character data: ``& < >`` escaped, characters XML forbids dropped."""
    values = np.asarray(values, dtype=str)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = replace(values, char, entity)
    if values.shape[0] and values.dtype.itemsize:
        codes = values.view(np.uint32).reshape(values.shape[0], -1)
        bad = (((codes < 0x20) & (codes != 0)) & ~np.isin(codes, [9, 10, 13])).any(axis=1)
        bad |= np.isin(codes, [0xFFFE, 0xFFFF]).any(axis=1)
        if bad.any():
            values = values.astype(object)
            values[bad] = [_CONTROL.sub("", v) for v in values[bad].tolist()]
            values = values.astype(str)
    return values


def cell_value(value: Any) -> Any:
    """A value for an openpyxl cell: text neutralised (never a formula), numbers as they are."""
    return str(text(np.asarray([value]))[0]) if isinstance(value, str) else value


def shown_column(results: Results, name: str, values: NDArray[np.str_]) -> NDArray[np.str_]:
    """A data column as the sheet shows it: labels for codes, text neutralised."""
    shown = display(results, name, values)
    return shown if name in FORMATS else text(shown)


def _text_cells(
    letter: str, rows: Sequence[int], values: NDArray[np.str_], styles: Sequence[str] | None = None
) -> list[str]:
    text = xml_text(values).tolist()
    head = f'<c r="{letter}'
    tail = '" t="inlineStr"><is><t xml:space="preserve">'
    if styles is None:
        return [
            f"{head}{r}{tail}{v}</t></is></c>" if v else "" for r, v in zip(rows, text, strict=True)
        ]
    return [
        f'{head}{r}"{s} t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>' if v else ""
        for r, v, s in zip(rows, text, styles, strict=True)
    ]


def _number_cells(letter: str, rows: Sequence[int], values: Sequence[str], xf: int) -> list[str]:
    head, tail = f'<c r="{letter}', f'" s="{xf}"><v>'
    return [f"{head}{r}{tail}{v}</v></c>" if v else "" for r, v in zip(rows, values, strict=True)]


def column_cells(
    name: str, letter: str, rows: Sequence[int], values: NDArray[np.str_], styles: StyleIds
) -> list[str]:
    """The ``<c>`` elements of one column (rows numbered ``rows``); "" for an empty cell.

    Number columns (:data:`FORMATS`) become numbers from their exact text,
    dates date serials, grades text in their grade's style, the rest text.
    """
    values = np.asarray(values, dtype=str)
    if name in FORMATS:
        return _number_cells(letter, rows, values.tolist(), styles.formats[FORMATS[name]])
    if name in DATES:
        is_date = (np.strings.str_len(values) == 10) & (np.strings.count(values, "-") == 2)
        serial = np.where(is_date, values, "NaT").astype("datetime64[D]") - EXCEL_EPOCH
        serials = np.where(is_date, serial.astype(np.int64).astype(str), "").tolist()
        dates = _number_cells(letter, rows, serials, styles.formats["date"])
        texts = _text_cells(letter, rows, np.where(is_date, "", values))
        return [d or t for d, t in zip(dates, texts, strict=True)]
    if name in GRADES:
        xf = [styles.grades.get(v) for v in values.tolist()]
        return _text_cells(letter, rows, values, ["" if x is None else f' s="{x}"' for x in xf])
    return _text_cells(letter, rows, values)


def rows_xml(
    names: Sequence[str], columns: Sequence[NDArray[np.str_]], styles: StyleIds, first: int = 2
) -> bytes:
    """The ``<row>`` elements of data rows numbered from ``first`` (2: under the header), as
    UTF-8 sheet XML."""
    from openpyxl.utils import get_column_letter

    n = int(columns[0].shape[0]) if columns else 0
    rows = range(first, n + first)
    cells = [
        column_cells(name, get_column_letter(col), rows, values, styles)
        for col, (name, values) in enumerate(zip(names, columns, strict=True), start=1)
    ]
    lines = [
        f'<row r="{r}">{"".join(row)}</row>'
        for r, row in zip(rows, zip(*cells, strict=True), strict=True)
    ]
    return "".join(lines).encode("utf-8")


@attrs.frozen
class StyleIds:
    """Cell style (``xf``) ids of the workbook: number formats, and grades by label."""

    formats: Mapping[str, int]
    grades: Mapping[str, int]


# ------------------------------------------------------------ openpyxl layout


class _Styles:
    """The cell styles of the workbook, built once (openpyxl is imported lazily)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.header_font = Font(bold=True, color=HEADER_FONT)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.header_border = Border(bottom=Side(style="thin", color="1F3864"))
        self.bold = Font(bold=True)
        self.centre = Alignment(horizontal="center")
        self.tones = {
            tone: (PatternFill("solid", fgColor=fill), Font(color=font))
            for tone, (fill, font) in TONE_COLOURS.items()
        }

    def register(self, wb: Workbook) -> StyleIds:
        """Add the data cells' styles to ``wb`` and return their ids.

        Styles are registered through a scratch sheet that is removed
        again: the workbook keeps every style it has seen.
        """
        scratch = wb.create_sheet("scratch")
        formats = {}
        for col, number_format in enumerate((*sorted(set(FORMATS.values())), DATE_FORMAT), 1):
            cell = scratch.cell(row=1, column=col)
            cell.number_format = number_format
            formats["date" if number_format == DATE_FORMAT else number_format] = cell.style_id
        grades = {}
        for col, grade in enumerate(GRADE_TONES, start=1):
            cell = scratch.cell(row=2, column=col)
            self.grade(cell, grade)
            grades[grade] = cell.style_id
        wb.remove(scratch)
        return StyleIds(formats=formats, grades=grades)

    def grade(self, cell: Cell | MergedCell, grade: str) -> None:
        """Fill ``cell`` in the colours of ``grade`` (nothing for an unknown grade)."""
        tone = GRADE_TONES.get(grade)
        if tone is not None:
            cell.fill, cell.font = self.tones[tone]
            cell.alignment = self.centre

    def header_row(self, ws: Worksheet, row: int, titles: Sequence[str]) -> None:
        """Header cells at ``row``: white bold on blue, centred."""
        for col, title in enumerate(titles, start=1):
            cell = ws.cell(row=row, column=col, value=cell_value(title))
            cell.font = self.header_font
            cell.fill = self.header_fill
            cell.alignment = self.header_align
            cell.border = self.header_border


def _fit_widths(ws: Worksheet, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 4) + 2, MAX_WIDTH)


def _finish(ws: Worksheet, n_cols: int, n_rows: int, freeze: str = "A2") -> None:
    """Frozen header, auto filter over the table, landscape print with the header repeated."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(max(n_cols, 1))}{n_rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


@attrs.frozen
class _Table:
    """One table sheet: its title, the kind of rows (units, cadres ...), columns and panes."""

    title: str
    kind: str
    names: Sequence[str]
    columns: Sequence[NDArray[np.str_]]
    freeze: str = "A2"


@attrs.frozen
class _Part:
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
    ws: Worksheet, results: Results, part: _Part, styles: _Styles, ids: StyleIds
) -> Callable[[], Iterator[bytes]]:
    """Lay out a table sheet (header, widths, panes, filter); return its rows' XML, chunk by
    chunk, as a generator function (the archive calls it when it writes the sheet)."""
    table = part.table
    titles = [header(table.kind, name) for name in table.names]
    styles.header_row(ws, 1, titles)
    widths = [text_width(np.asarray([title])) for title in titles]
    for _, shown in _shown_chunks(results, part):
        widths = [max(w, text_width(column)) for w, column in zip(widths, shown, strict=True)]
    _fit_widths(ws, widths)
    _finish(ws, len(titles), part.size, table.freeze)

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


def _lookup(keys: NDArray[np.str_], table: Mapping[str, str]) -> NDArray[np.str_]:
    return np.asarray([table.get(key, "") for key in keys.tolist()], dtype=str)


def _tables(results: Results) -> list[_Table]:
    """The five table sheets, with the names of units and cadres beside their ids."""
    unit_names, units = unit_rows(results)
    cadre_names, cadres = cadre_rows(results)
    adjustment_names, adjustments = adjustment_rows(results)
    freeze_names, freezes = freeze_rows(results)
    finding_names, findings = finding_rows(results)
    unit_of = dict(zip(units[0].tolist(), units[1].tolist(), strict=True))
    cadre_of = dict(zip(cadres[0].tolist(), cadres[1].tolist(), strict=True))
    entity_names = np.where(
        adjustments[0] == "unit",
        _lookup(adjustments[1], unit_of),
        _lookup(adjustments[1], cadre_of),
    )
    order = _unit_order(results)
    return [
        _Table("单位", "units", unit_names, [c[order] for c in units], freeze="C2"),
        _Table(
            "干部",
            "cadres",
            *_with_names(cadre_names, cadres, "unit_id", "所在单位", _lookup(cadres[2], unit_of)),
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
            *_with_names(freeze_names, freezes, "cadre_id", "姓名", _lookup(freezes[0], cadre_of)),
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


def _grades_sheet(ws: Worksheet, results: Results, styles: _Styles) -> None:
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
    _fit_widths(ws, widths)
    _finish(ws, len(titles), len(table))


def _count_block(
    ws: Worksheet, row: int, titles: Sequence[str], table: Sequence[Sequence[Any]], styles: _Styles
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
    ws: Worksheet, results: Results, continued: Mapping[str, Sequence[str]], styles: _Styles
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
    _fit_widths(ws, [text_width(keys), text_width(values)])
    _finish(ws, 2, len(rows))


# ------------------------------------------------------------ the archive


class _Archive(zipfile.ZipFile):
    """The workbook's zip: every entry at one fixed time; data rows streamed into their sheets.

    ``rows`` maps a sheet's entry name (``xl/worksheets/sheet1.xml``) to a
    generator function of the XML of its data rows, written chunk by chunk
    after the header row openpyxl wrote; the sheet's ``dimension`` is set to
    ``A1:<last cell>`` from ``dimensions``; entries in ``large`` get ZIP64
    sizes.
    """

    stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)
    rows: Mapping[str, Callable[[], Iterator[bytes]]] = {}
    dimensions: Mapping[str, str] = {}
    large: frozenset[str] = frozenset()

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o600 << 16
        return info

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write ``data`` as an entry with the archive's fixed time."""
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
            else zinfo_or_arcname
        )
        if name in self.rows:
            self._write_sheet(name, data.encode("utf-8") if isinstance(data, str) else data)
            return
        super().writestr(self._info(name), data, compresslevel=COMPRESSION)

    def _write_sheet(self, name: str, sheet: bytes) -> None:
        """The sheet openpyxl wrote, with its data rows streamed in before ``</sheetData>``."""
        end = sheet.index(b"</sheetData>")
        head = re.sub(rb'<dimension ref="[^"]*"\s*/>',
                      f'<dimension ref="{self.dimensions[name]}"/>'.encode(),
                      sheet[:end], count=1)  # fmt: skip
        info = self._info(name)
        info._compresslevel = COMPRESSION  # type: ignore[attr-defined]
        with self.open(info, "w", force_zip64=name in self.large) as entry:
            entry.write(head)
            for chunk in self.rows[name]():
                entry.write(chunk)
            entry.write(sheet[end:])

    def write(  # type: ignore[override]
        self,
        filename: str | Path,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write the file ``filename`` as entry ``arcname`` with the archive's fixed time."""
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


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

    styles = _Styles()
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
    return _saved(
        wb,
        results.scheme.title,
        results.scheme.as_of,
        rows={entries[title]: xml for title, xml in rows.items()},
        dimensions={entries[title]: ref for title, ref in dimensions.items()},
        large=frozenset(entries[title] for title in large),
    )


def _saved(
    wb: Workbook,
    title: str,
    day: dt.date,
    rows: Mapping[str, Callable[[], Iterator[bytes]]] | None = None,
    dimensions: Mapping[str, str] | None = None,
    large: frozenset[str] = frozenset(),
) -> bytes:
    """``wb`` as bytes, titled ``title``, made by kaohe on ``day`` (every time in it is
    that day's, so the same workbook gives the same bytes); ``rows``, ``dimensions`` and
    ``large`` as :class:`_Archive` takes them."""
    from openpyxl.writer.excel import ExcelWriter

    when = dt.datetime(day.year, day.month, day.day)
    wb.properties.title = title
    wb.properties.creator = "kaohe"
    wb.properties.lastModifiedBy = "kaohe"
    wb.properties.created = when
    wb.properties.modified = when
    # openpyxl asks Excel to recalculate every formula on opening; there are none
    wb.calculation.fullCalcOnLoad = False
    buffer = io.BytesIO()
    archive = _Archive(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = (day.year, day.month, day.day, 0, 0, 0)
    archive.rows = rows or {}
    archive.dimensions = dimensions or {}
    archive.large = large
    ExcelWriter(wb, archive).save()
    return buffer.getvalue()


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


@attrs.frozen
class Sheet:
    """A plain table sheet of :func:`tables_workbook`: Chinese ``titles`` over ``columns``.

    A column of floats is written as numbers in ``formats[i]`` (default
    ``0.00``), integers as integers, anything else as neutralised text;
    columns whose title is a grade column (``grades``) are filled by tone.
    """

    title: str
    titles: Sequence[str]
    columns: Sequence[NDArray[Any]]
    formats: Mapping[int, str] = attrs.field(factory=dict)
    grades: frozenset[int] = frozenset()


def tables_workbook(sheets: Sequence[Sheet], title: str, stamp: dt.date) -> bytes:
    """A workbook of plain table sheets (what-if results), laid out as ``results.xlsx`` is:
    header row, widths, frozen panes, filter, print setup; deterministic (times are ``stamp``).

    For tables of units and cadres (thousands of rows, not a year of records).
    """
    from openpyxl import Workbook

    styles = _Styles()
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        styles.header_row(ws, 1, sheet.titles)
        n = int(sheet.columns[0].shape[0]) if sheet.columns else 0
        widths = []
        for col, (heading, values) in enumerate(zip(sheet.titles, sheet.columns, strict=True), 1):
            kind = values.dtype.kind
            cells: list[Any]
            if kind == "f":
                cells = [None if v != v else v for v in values.tolist()]
            elif kind in "iu":
                cells = values.tolist()
            else:
                cells = text(np.asarray(values, dtype=str)).tolist()
            number_format = sheet.formats.get(col - 1, SCORE_FORMAT if kind == "f" else None)
            for row, value in enumerate(cells, start=2):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=row, column=col, value=value)
                if number_format is not None and kind in "fiu":
                    cell.number_format = number_format
                if col - 1 in sheet.grades:
                    styles.grade(cell, str(value))
            shown = np.asarray([str(v) for v in cells[:1000]] or [""], dtype=str)
            widths.append(max(text_width(np.asarray([heading])), text_width(shown)))
        _fit_widths(ws, widths)
        _finish(ws, len(sheet.titles), n)
    return _saved(wb, title, stamp)
