"""Data-entry workbooks (台账模板) made from a scheme: what the bureaus fill in.

:func:`template_tables` says which tables a scheme's enabled rules read
(plus ``units`` and ``cadres``, which every scheme needs); :func:`workbook`
lays them out with openpyxl: an instructions sheet (说明) first, with every
column's meaning and an example row, then one sheet per table, named and
headed in Chinese (the first alias of the table and of each column, so the
readers accept the filled workbook as it is), with a drop-down list on every
vocabulary column (the contract's vocabularies and the scheme's own:
unit categories, indicators, survey groups, problem categories), and date
and number formats on the columns that hold them.

Each table's spec says which office keeps it (``TableSpec.office``: the
core's and the plugins' tables alike); ``by_office`` groups a template's
tables so that ``--by-bureau`` makes one workbook per office. A table that
names no office belongs to the assessment office (考核办).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .data.spreadsheet import GUIDE_TITLE, INSTRUCTION_SHEETS
from .scheme import Scheme
from .table_spec import ColumnSpec, TableSpec
from .tables import installed_tables
from .vocab import Vocabulary

if TYPE_CHECKING:
    from openpyxl import Workbook

#: The name of the instructions sheet; the spreadsheet reader skips it quietly.
INSTRUCTIONS = INSTRUCTION_SHEETS[0]

#: The offices in the order their workbooks are listed (a bureau's own office after them);
#: the first keeps the registers of who is assessed and what no other office keeps.
OFFICES = ("考核办", "督查室", "纪委监委", "组织部")

#: Rows of each table sheet that carry the validations and formats.
ROWS = 1000

#: What a column holds, in Chinese (by column name; ``table.column`` where a table differs).
MEANINGS: Mapping[str, str] = {
    "unit_id": "单位编码,与“单位”表一致",
    "cadre_id": "干部编码,与“干部”表一致",
    "id": "记录编号,本表内唯一,更正时沿用",
    "date": "发生或认定日期",
    "note": "备注",
    "level": "级别",
    "doc_no": "文件文号",
    "units.name": "单位全称",
    "units.category": "考核类别(分类排名、定等)",
    "cadres.name": "干部姓名",
    "cadres.role": "职务类别",
    "targets.indicator": "目标任务指标名称(方案所列)",
    "targets.score": "该指标得分",
    "surveys.group": "测评群体",
    "surveys.satisfied": "满意票数",
    "surveys.basic": "基本满意票数",
    "surveys.unsatisfied": "不满意票数",
    "votes.excellent": "优秀票数",
    "votes.competent": "称职票数",
    "votes.basic": "基本称职票数",
    "votes.incompetent": "不称职票数",
    "exams.score": "考试成绩",
    "attendance.late": "迟到早退次数",
    "attendance.absent_days": "旷工天数",
    "supervision.severity": "问题严重程度",
    "supervision.deadline": "整改期限",
    "supervision.rectified_on": "实际整改完成日期(未整改留空)",
    "supervision.category": "问题类别(方案所列)",
    "exposures.level": "曝光或查处的层级",
    "exposures.cadre_id": "涉及干部的编码(可空)",
    "criticisms.level": "通报批评的发文层级",
    "criticisms.unit_id": "被通报单位(与干部编码二选一)",
    "criticisms.cadre_id": "被通报干部(与单位编码二选一)",
    "notices.issued": "整改通知下发日期",
    "notices.deadline": "整改期限",
    "notices.rectified_on": "实际整改完成日期(未整改留空)",
    "notices.level": "发文层级(空则为乡镇)",
    "notices.unit_id": "整改单位(与干部编码二选一)",
    "notices.cadre_id": "整改干部(与单位编码二选一)",
    "sanctions.type": "处分或问责类型",
    "sanctions.case_id": "案件编号(一案双查关联)",
    "sanctions.issuer": "处理机关:本单位或上级",
    "sanctions.closed_on": "立案审查的结案日期",
    "tolerances.ref_table": "容错所针对记录的表",
    "tolerances.ref_id": "容错所针对记录的编号",
    "tolerances.decision": "认定结果",
    "awards.level": "表彰层级",
    "awards.unit_id": "受表彰单位(与干部编码二选一)",
    "awards.cadre_id": "受表彰干部(与单位编码二选一)",
    "awards.title": "荣誉称号",
    "vetoes.item": "一票否决事项",
}

_KIND_TEXT = {
    "id": "编码(文字,不含冒号)",
    "text": "文字",
    "date": "日期(年-月-日)",
    "count": "非负整数",
    "score": "数值",
    "bool": "是/否",
    "vocab": "下拉选择",
}

_NUMBER_FORMATS = {"date": "yyyy-mm-dd", "count": "0", "score": "0.00", "id": "@", "text": "@"}


def template_tables(
    scheme: Scheme, tables: Mapping[str, TableSpec] | None = None
) -> tuple[str, ...]:
    """The tables a template for ``scheme`` holds, in contract order: those its enabled
    rules read, and ``units`` and ``cadres``."""
    tables = installed_tables() if tables is None else tables
    from .kernel import plan

    read = plan(scheme).tables_read | {"units", "cadres"}
    return tuple(name for name in tables if name in read)


def shown_values(vocabulary: Vocabulary) -> tuple[str, ...]:
    """A vocabulary's values as a Chinese drop-down lists them: an ASCII code
    (``head``) by its first Chinese alias (主要负责人), other values as they are."""
    shown = []
    for value in vocabulary.values:
        if value.isascii():
            value = next(
                (a for a, v in vocabulary.aliases.items() if v == value and not a.isascii()), value
            )
        shown.append(value)
    return tuple(shown)


def scheme_values(scheme: Scheme, table: str, column: str) -> tuple[str, ...]:
    """The values a scheme defines for a text column, or () when it defines none: the
    units' categories, else the parameter the column's ``choices`` name when its rule is
    enabled (indicators, survey groups, problem categories)."""
    if column == "category" and table == "units":
        return tuple(scheme.categories)
    spec = scheme.registry.tables.get(table)
    choices = spec.column(column).choices if spec is not None else None
    if choices is None:
        return ()
    rule, _, param = choices.partition(".")
    if rule not in scheme.enabled:
        return ()
    return tuple(str(value) for value in scheme.param(rule, param))


def choices(scheme: Scheme, spec: TableSpec, column: ColumnSpec) -> tuple[str, ...]:
    """The drop-down values of a column, or () for a free column."""
    if column.vocab is not None:
        return shown_values(column.vocab)
    return scheme_values(scheme, spec.name, column.name)


def header(column: ColumnSpec) -> str:
    """The Chinese header of a column (its first alias)."""
    return column.aliases[0] if column.aliases else column.name


def sheet_name(spec: TableSpec) -> str:
    """The Chinese sheet name of a table (its first alias)."""
    return spec.aliases[0] if spec.aliases else spec.name


def meaning(spec: TableSpec, column: ColumnSpec) -> str:
    """What a column holds, in Chinese."""
    return MEANINGS.get(f"{spec.name}.{column.name}") or MEANINGS.get(column.name, column.name)


def example(scheme: Scheme, spec: TableSpec, column: ColumnSpec) -> str:
    """An example cell of a column."""
    listed = choices(scheme, spec, column)
    if listed:
        return listed[0]
    day = dt.date(scheme.year, 3, 1)
    by_kind = {
        "date": (day + dt.timedelta(days=30 if "deadline" in column.name else 0)).isoformat(),
        "count": "0",
        "score": "90",
        "bool": "否",
    }
    by_name = {
        "unit_id": "XZ01",
        "cadre_id": "XZ01-01",
        "id": spec.name[:2].upper() + "001",
        "name": "张三" if spec.name == "cadres" else "示例镇",
        "doc_no": f"县委办发〔{scheme.year}〕1号",
        "case_id": "AJ001",
        "ref_id": "SV001",
        "note": "",
    }
    return by_name.get(column.name, by_kind.get(column.kind, "示例"))


def owner(table: str, tables: Mapping[str, TableSpec] | None = None) -> str:
    """The office that keeps ``table`` (its spec's ``office``; 考核办 when it names none)."""
    spec = (installed_tables() if tables is None else tables).get(table)
    return (spec.office if spec is not None else "") or OFFICES[0]


def by_office(
    names: Sequence[str], tables: Mapping[str, TableSpec] | None = None
) -> dict[str, tuple[str, ...]]:
    """``names`` grouped by the office that keeps them: :data:`OFFICES` first, in that
    order, then the offices the plugins' tables name, in the order they come."""
    offices = dict.fromkeys([*OFFICES, *(owner(name, tables) for name in names)])
    grouped = {office: tuple(n for n in names if owner(n, tables) == office) for office in offices}
    return {office: listed for office, listed in grouped.items() if listed}


def workbook(
    scheme: Scheme, names: Sequence[str], tables: Mapping[str, TableSpec] | None = None
) -> Workbook:
    """The data-entry workbook of the tables ``names``: 说明 first, then a sheet per table."""
    tables = installed_tables() if tables is None else tables
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = INSTRUCTIONS
    bold = Font(bold=True)
    guide.append([f"{scheme.title} {GUIDE_TITLE}"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(
        [
            "每张表一个工作表,第一行为表头,请勿改动表头与工作表名称;"
            "带下拉的列请从下拉中选择;日期填写为 年-月-日;一行一条记录,不要合并单元格。"
        ]
    )
    guide.append([])
    guide.append(["工作表", "列(表头)", "含义", "填写要求", "必填", "示例"])
    for cell in guide[guide.max_row]:
        cell.font = bold
    filled = PatternFill("solid", fgColor="FFF2CC")
    for name in names:
        spec = tables[name]
        sheet = book.create_sheet(sheet_name(spec))
        sheet.append([header(column) for column in spec.columns])
        for index, column in enumerate(spec.columns, start=1):
            _format_column(sheet, index, scheme, spec, column)
            head = sheet.cell(row=1, column=index)
            head.font = bold
            if column.required:
                head.fill = filled
            listed = choices(scheme, spec, column)
            rule = _KIND_TEXT[column.kind]
            if listed:
                rule = "从下拉选择:" + "、".join(listed)
                if column.kind != "vocab":
                    rule += "(方案所列)"
            guide.append(
                [
                    sheet_name(spec),
                    header(column),
                    meaning(spec, column),
                    rule,
                    "是" if column.required else "",
                    example(scheme, spec, column),
                ]
            )
        sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (14, 16, 34, 40, 6, 22), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=5):
        row[3].alignment = Alignment(wrap_text=True)
    return book


def _format_column(
    sheet: Any, index: int, scheme: Scheme, spec: TableSpec, column: ColumnSpec
) -> None:
    """Width, number format and data validation of one column of a table sheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(index)
    cells = f"{letter}2:{letter}{ROWS + 1}"
    sheet.column_dimensions[letter].width = max(12, 2 * len(header(column)) + 4)
    number_format = _NUMBER_FORMATS.get(column.kind)
    if number_format is not None:
        sheet.column_dimensions[letter].number_format = number_format
        for (cell,) in sheet.iter_rows(min_row=2, max_row=ROWS + 1, min_col=index, max_col=index):
            cell.number_format = number_format
    listed = choices(scheme, spec, column)
    check: DataValidation | None = None
    if listed:
        check = DataValidation(type="list", formula1='"' + ",".join(listed) + '"')
        if column.kind != "vocab":  # a scheme's list: other values are warned about, not refused
            check.errorStyle = "warning"
        check.error = f"请从下拉中选择{header(column)}"
    elif column.kind == "count":
        check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        check.error = "请填写非负整数"
    elif column.kind == "score":
        check = DataValidation(
            type="decimal", operator="between", formula1="-1000000", formula2="1000000"
        )
        check.error = "请填写数值"
    elif column.kind == "date":
        check = DataValidation(type="date", operator="greaterThan", formula1="1")
        check.error = "请填写日期(年-月-日)"
    if check is not None:
        check.allow_blank = not column.required
        check.showErrorMessage = True
        check.add(cells)
        sheet.add_data_validation(check)
