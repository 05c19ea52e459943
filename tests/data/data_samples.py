"""Small sample tables and writers that turn them into CSV folders and workbooks.

Rows are dicts of canonical column name -> value (str, int, float or
``datetime.date``; ``None`` = empty). Writers take the same rows, so that
one sample loads from every source.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kaohe.tables import installed_tables

Row = dict[str, Any]
Tables = dict[str, list[Row]]

D = dt.date


def sample() -> Tables:
    """A small valid data set touching every table and column."""
    return {
        "units": [
            {"unit_id": "U01", "name": "城关镇", "category": "乡镇"},
            {"unit_id": "U02", "name": "财政局", "category": "县级部门"},
            {"unit_id": "U03", "name": "税务局", "category": "条管单位"},
        ],
        "cadres": [
            {"cadre_id": "C001", "name": "张三", "unit_id": "U01", "role": "head"},
            {"cadre_id": "C002", "name": "李四", "unit_id": "U01", "role": "班子成员"},
            {"cadre_id": "C003", "name": "王五", "unit_id": "U02", "role": "一把手"},
            {"cadre_id": "C004", "name": "赵六", "unit_id": "U02", "role": "middle"},
            {"cadre_id": "C005", "name": "钱七", "unit_id": "U03", "role": "一般干部"},
        ],
        "targets": [
            {"unit_id": "U01", "indicator": "经济发展", "score": 36.5},
            {"unit_id": "U01", "indicator": "党的建设", "score": 28},
            {"unit_id": "U02", "indicator": "经济发展", "score": 30.25},
            {"unit_id": "U03", "indicator": "党的建设", "score": 25},
        ],
        "surveys": [
            {"unit_id": "U01", "group": "服务对象", "satisfied": 80, "basic": 15, "unsatisfied": 5},
            {"unit_id": "U01", "group": "企业", "satisfied": 40, "basic": 8, "unsatisfied": 2},
            {
                "unit_id": "U02",
                "group": "服务对象",
                "satisfied": 60,
                "basic": 30,
                "unsatisfied": 10,
            },
        ],
        "votes": [
            {"cadre_id": "C001", "excellent": 20, "competent": 5, "basic": 1, "incompetent": 0},
            {"cadre_id": "C002", "excellent": 10, "competent": 10, "basic": 2, "incompetent": 1},
            {"cadre_id": "C002", "excellent": 1, "competent": 0, "basic": 0, "incompetent": 0},
            {"cadre_id": "C003", "excellent": 15, "competent": 8, "basic": 0, "incompetent": 0},
            {"cadre_id": "C005", "excellent": 3, "competent": 20, "basic": 3, "incompetent": 0},
        ],
        "exams": [
            {"cadre_id": "C001", "score": 88},
            {"cadre_id": "C003", "score": 92.5},
        ],
        "attendance": [
            {"cadre_id": "C002", "late": 3, "absent_days": 0},
            {"cadre_id": "C002", "late": 1, "absent_days": 1},
            {"cadre_id": "C005", "late": 0, "absent_days": 2},
        ],
        "supervision": [
            {
                "id": "S1",
                "date": D(2019, 3, 5),
                "unit_id": "U01",
                "severity": "一般",
                "deadline": D(2019, 4, 5),
                "rectified_on": D(2019, 4, 1),
                "category": "作风建设",
                "note": "台账不全",
            },
            {
                "id": "S2",
                "date": D(2019, 6, 10),
                "unit_id": "U02",
                "severity": "严重",
                "deadline": None,
                "rectified_on": None,
                "category": "安全生产",
                "note": None,
            },
            {
                "id": "S3",
                "date": D(2018, 12, 30),
                "unit_id": "U01",
                "severity": "较重",
                "deadline": D(2019, 1, 30),
                "rectified_on": None,
                "category": None,
                "note": None,
            },
        ],
        "exposures": [
            {
                "id": "E1",
                "date": D(2019, 7, 1),
                "unit_id": "U02",
                "level": "市",
                "cadre_id": "C003",
                "note": None,
            },
        ],
        "criticisms": [
            {
                "id": "P1",
                "date": D(2019, 8, 1),
                "level": "县",
                "unit_id": "U01",
                "cadre_id": None,
                "doc_no": "县委〔2019〕1号",
            },
            {
                "id": "P2",
                "date": D(2019, 9, 1),
                "level": "街道",
                "unit_id": None,
                "cadre_id": "C004",
                "doc_no": None,
            },
        ],
        "interviews": [{"id": "I1", "date": D(2019, 10, 1), "unit_id": "U03", "note": None}],
        "notices": [
            {
                "id": "N1",
                "issued": D(2019, 2, 1),
                "deadline": D(2019, 3, 1),
                "rectified_on": None,
                "level": "县",
                "unit_id": "U02",
                "cadre_id": None,
            },
            {
                "id": "N2",
                "issued": D(2019, 5, 1),
                "deadline": D(2019, 6, 1),
                "rectified_on": D(2019, 5, 20),
                "level": None,
                "unit_id": None,
                "cadre_id": "C005",
            },
        ],
        "sanctions": [
            {
                "id": "X1",
                "date": D(2019, 4, 1),
                "cadre_id": "C004",
                "type": "诫勉",
                "case_id": None,
                "issuer": None,
                "closed_on": None,
            },
            {
                "id": "X2",
                "date": D(2017, 5, 1),
                "cadre_id": "C002",
                "type": "立案审查",
                "case_id": "CASE-1",
                "issuer": "superior",
                "closed_on": D(2019, 11, 1),
            },
        ],
        "tolerances": [
            {
                "id": "T1",
                "date": D(2019, 12, 1),
                "ref_table": "supervision",
                "ref_id": "S1",
                "decision": "从轻",
                "doc_no": "容错〔2019〕1号",
            },
            {
                "id": "T2",
                "date": D(2019, 12, 1),
                "ref_table": "sanctions",
                "ref_id": "X1",
                "decision": "免责",
                "doc_no": None,
            },
        ],
        "awards": [
            {
                "id": "A1",
                "date": D(2019, 11, 11),
                "level": "省",
                "unit_id": "U03",
                "cadre_id": None,
                "title": "先进集体",
            },
            {
                "id": "A2",
                "date": D(2019, 11, 12),
                "level": "县",
                "unit_id": None,
                "cadre_id": "C001",
                "title": "业务能手",
            },
        ],
        "vetoes": [{"id": "V1", "date": D(2019, 12, 15), "unit_id": "U03", "item": "安全生产事故"}],
    }


#: Traditional spellings of the controlled and scheme-defined values in :func:`sample`.
TRADITIONAL = {
    "乡镇": "鄉鎮",
    "县级部门": "縣級部門",
    "条管单位": "條管單位",
    "班子成员": "班子成員",
    "一般干部": "一般幹部",
    "经济发展": "經濟發展",
    "党的建设": "黨的建設",
    "服务对象": "服務對象",
    "企业": "企業",
    "严重": "嚴重",
    "较重": "較重",
    "作风建设": "作風建設",
    "安全生产": "安全生產",
    "县": "縣",
    "诫勉": "誡勉",
    "立案审查": "立案審查",
    "从轻": "從輕",
    "免责": "免責",
    "国家": "國家",
}
_TRADITIONAL_COLUMNS = {
    "category",
    "role",
    "indicator",
    "group",
    "severity",
    "level",
    "type",
    "decision",
}


def traditional(tables: Tables) -> Tables:
    """``tables`` with controlled and scheme-defined values in traditional characters."""
    return {
        name: [
            {
                key: TRADITIONAL.get(value, value)
                if key in _TRADITIONAL_COLUMNS and isinstance(value, str)
                else value
                for key, value in row.items()
            }
            for row in rows
        ]
        for name, rows in tables.items()
    }


def header(table: str, column: str, style: str) -> str:
    """A column's header: ``en`` canonical, ``zh`` first alias, ``hant`` last alias."""
    if column not in installed_tables()[table].names:
        return column
    spec = installed_tables()[table].column(column)
    if style == "en" or not spec.aliases:
        return column
    return spec.aliases[0] if style == "zh" else spec.aliases[-1]


#: Every way of writing a date the readers accept, as officials type them.
DATE_STYLES = {
    "iso": dt.date.isoformat,
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dot": lambda d: f"{d.year}.{d.month}.{d.day}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "serial": lambda d: str((d - dt.date(1899, 12, 30)).days),
}


def text(value: Any, date_style: str = "iso") -> str:
    """A value as CSV text."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return DATE_STYLES[date_style](value)
    return str(value)


def write_csv(
    folder: Path,
    tables: Mapping[str, Sequence[Row]],
    *,
    encoding: str = "utf-8",
    style: str = "en",
    date_style: str = "iso",
    order: Mapping[str, Sequence[int]] | None = None,
) -> Path:
    """Write each table to ``folder/<table>.csv``; ``order`` permutes rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else [c.name for c in installed_tables()[name].columns]
        picked = [rows[i] for i in order[name]] if order and name in order else list(rows)
        with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([header(name, column, style) for column in columns])
            for row in picked:
                writer.writerow([text(row[column], date_style) for column in columns])
    return folder


def excel_serial(day: dt.date) -> int:
    """The 1900-system serial number of ``day``."""
    return (day - dt.date(1899, 12, 30)).days


def write_xlsx(
    path: Path,
    tables: Mapping[str, Sequence[Row]],
    *,
    style: str = "en",
    serial_columns: Iterable[str] = (),
) -> Path:
    """Write a workbook with one sheet per table and native cells.

    Dates are date cells, numbers numeric cells, ids stay text; a date in a
    column named in ``serial_columns`` is written as a bare serial number.
    """
    import openpyxl

    serial = set(serial_columns)
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        columns = list(rows[0]) if rows else [c.name for c in installed_tables()[name].columns]
        sheet.append([header(name, column, style) for column in columns])
        for row in rows:
            cells: list[Any] = []
            for column in columns:
                value = row[column]
                if isinstance(value, dt.date) and column in serial:
                    value = excel_serial(value)
                cells.append(value)
            sheet.append(cells)
    book.save(path)
    return path


def columns_of(tables: Mapping[str, Sequence[Row]]) -> dict[str, dict[str, list[Any]]]:
    """Rows to the ``from_columns`` form: table -> column -> list of values."""
    result: dict[str, dict[str, list[Any]]] = {}
    for name, rows in tables.items():
        names = list(rows[0]) if rows else [c.name for c in installed_tables()[name].columns]
        result[name] = {column: [row[column] for row in rows] for column in names}
    return result


def _ods_cell(value: Any) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        day = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{day}">'
            f"<text:p>{day}</text:p></table:table-cell>"
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value={quoteattr(str(value))}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def write_ods(path: Path, tables: Mapping[str, Sequence[Row]], *, style: str = "en") -> Path:
    """Write an OpenDocument spreadsheet (what WPS and LibreOffice save) with native cells.

    The format is a zip of XML files; this writes the few parts a reader needs.
    """
    import zipfile
    from xml.sax.saxutils import quoteattr

    sheets = []
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else [c.name for c in installed_tables()[name].columns]
        lines = [[header(name, column, style) for column in columns]]
        lines += [[row[column] for column in columns] for row in rows]
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in line) + "</table:table-row>"
            for line in lines
        )
        sheets.append(f"<table:table table:name={quoteattr(name)}>{body}</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(sheets)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path
