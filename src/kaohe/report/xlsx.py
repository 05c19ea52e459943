"""Excel workbooks as kaohe writes them: deterministic bytes, streamed sheet XML, one look.

What ``results.xlsx`` (:mod:`kaohe.report.workbook`) and the what-if and
diff workbooks (:func:`tables_workbook`) share: the cell styles (a blue
header row, grades filled by tone), widths fitted to the text (a CJK
character counts as two), frozen header, auto filter and print setup;
data rows written as sheet XML built column-wise with numpy
(:func:`rows_xml`) and streamed into the archive (:class:`Archive`) as it
is written; every text cell neutralised against formula injection
(:func:`kaohe.tables_out.text`); every time in the archive the stamp's day,
so the same workbook gives the same bytes (:func:`saved`).

openpyxl (imported only when a workbook is written) lays out the workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..tables_out import replace, text
from ..values import Value
from .labels import GRADE_TONES

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet


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


@attrs.frozen(repr=False, eq=False)
class StyleIds(Value):
    """Cell style (``xf``) ids of the workbook: number formats, and grades by label."""

    formats: Mapping[str, int]
    grades: Mapping[str, int]


class Styles:
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


def fit_widths(ws: Worksheet, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 4) + 2, MAX_WIDTH)


def finish(ws: Worksheet, n_cols: int, n_rows: int, freeze: str = "A2") -> None:
    """Frozen header, auto filter over the table, landscape print with the header repeated."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(max(n_cols, 1))}{n_rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


class Archive(zipfile.ZipFile):
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


def saved(
    wb: Workbook,
    title: str,
    day: dt.date,
    rows: Mapping[str, Callable[[], Iterator[bytes]]] | None = None,
    dimensions: Mapping[str, str] | None = None,
    large: frozenset[str] = frozenset(),
) -> bytes:
    """``wb`` as bytes, titled ``title``, made by kaohe on ``day`` (every time in it is
    that day's, so the same workbook gives the same bytes); ``rows``, ``dimensions`` and
    ``large`` as :class:`Archive` takes them."""
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
    archive = Archive(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = (day.year, day.month, day.day, 0, 0, 0)
    archive.rows = rows or {}
    archive.dimensions = dimensions or {}
    archive.large = large
    ExcelWriter(wb, archive).save()
    return buffer.getvalue()


@attrs.frozen(repr=False, eq=False)
class Sheet(Value):
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

    styles = Styles()
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
        fit_widths(ws, widths)
        finish(ws, len(sheet.titles), n)
    return saved(wb, title, stamp)
