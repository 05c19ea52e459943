"""The human-facing reports: the Excel workbook and the HTML report, and what they share.

:func:`extra_files` gives the files that come beside the CSV files of the
data contract (``results.xlsx`` and ``report.html``, for scenario 0). The
rest of this module is shared by both formats: Chinese column headers for
the columns of :mod:`kaohe.tables_out`, Chinese display labels of the
codes in those columns, and grade counts.

Reports read results only through the stable text rows of
:mod:`kaohe.tables_out` and the per-entity arrays of
:class:`~kaohe.results.Results`; they never read rule blocks directly.
Display labels are constants that never begin with ``= + - @``, so text
neutralised by :mod:`kaohe.tables_out` stays neutralised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from ..results import Results
from ..tables_out import replace
from ..vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES

#: Chinese header of every column of the result files (data.md) and of the findings.
HEADERS: Mapping[str, str] = {
    "unit_id": "单位编码",
    "name": "名称",
    "category": "考核类别",
    "target_score": "目标得分",
    "satisfaction": "满意度",
    "composite": "综合得分",
    "deductions": "扣分",
    "bonus": "加分",
    "score": "得分",
    "rank": "排名",
    "grade": "等次",
    "flags": "标记",
    "cadre_id": "干部编码",
    "role": "职务类别",
    "rank_in_unit": "单位内排名",
    "grade_reason": "定等依据",
    "frozen_until": "影响期至",
    "entity": "对象类型",
    "entity_id": "对象编码",
    "rule": "规则",
    "source_table": "来源表",
    "source_id": "来源编号",
    "points": "分值",
    "effect": "类型",
    "note": "说明",
    "start": "开始日期",
    "end": "结束日期",
    "reason": "原因",
    "findings": "问题数",
}

#: Headers that differ by table (the same English name means different things).
TABLE_HEADERS: Mapping[tuple[str, str], str] = {
    ("units", "name"): "单位名称",
    ("cadres", "name"): "姓名",
    ("cadres", "unit_id"): "所在单位编码",
    ("findings", "category"): "问题类别",
    ("findings", "points"): "扣分(封顶前)",
}

ENTITY_LABELS: Mapping[str, str] = {"unit": "单位", "cadre": "干部"}
ROLE_LABELS: Mapping[str, str] = {
    "head": "主要负责人",
    "leader": "班子成员",
    "middle": "中层干部",
    "staff": "一般干部",
}
REASON_LABELS: Mapping[str, str] = {"score": "按得分", "quota": "比例限额"}
EFFECT_LABELS: Mapping[str, str] = {"cap": "封顶"}
#: How a report names the reference tables (a name of what was done, 督查督办, rather
#: than of the sheet, 督查问题); any other table (a plugin's) by its first Chinese name.
#: ``frozen_until`` and a window's ``end`` when the freeze has no end.
INDEFINITE = "长期"

#: Grade label -> tone: ``good`` (优秀), ``fine``, ``fair``, ``bad``, ``open`` (不定等次).
GRADE_TONES: Mapping[str, str] = {
    "优秀": "good",
    "良好": "fine",
    "称职": "fine",
    "一般": "fair",
    "基本称职": "fair",
    "较差": "bad",
    "不称职": "bad",
    NO_GRADE: "open",
}

#: Flags that praise; every other flag asks for attention.
POSITIVE_FLAGS = frozenset({"通报表扬", "优先提拔"})

UNGRADED = "未定等"


def header(table: str, column: str) -> str:
    """The Chinese header of ``column`` of ``table`` (units, cadres, ...); the name if unknown."""
    return TABLE_HEADERS.get((table, column), HEADERS.get(column, column))


def rule_title(results: Results, rule: str) -> str:
    """The Chinese title of an enabled rule (e.g. 督查督办扣分); its name if it has none."""
    try:
        return str(results.scheme.registry.rule(rule).title)
    except KeyError:  # a rule the registry does not know: show its name
        return rule


def relabel(values: NDArray[np.str_], labels: Mapping[str, str]) -> NDArray[np.str_]:
    """``values`` with every cell found in ``labels`` replaced by its label."""
    values = np.asarray(values, dtype=str)
    if not values.shape[0]:
        return values
    keys = np.asarray(list(labels), dtype=str)
    found = np.isin(values, keys)
    if not found.any():
        return values
    mapped = np.asarray([labels.get(v, v) for v in values[found].tolist()], dtype=str)
    out = values.astype(object)
    out[found] = mapped
    return out.astype(str)


def table_labels(results: Results) -> dict[str, str]:
    """Every table of the run's contract -> its name in reports (its spec's ``label``, else its
    first Chinese name, else its name)."""
    return {name: spec.shown_name for name, spec in results.scheme.registry.tables.items()}


def _name_tables(results: Results, values: NDArray[np.str_]) -> NDArray[np.str_]:
    """Source tables named in Chinese where a reason cites its row: ``(vetoes VT001)``."""
    for table, label in table_labels(results).items():
        values = replace(values, f"({table} ", f"({label} ")
    return values


def display(results: Results, column: str, values: NDArray[np.str_]) -> NDArray[np.str_]:
    """A column of :mod:`kaohe.tables_out` as a person reads it: codes become Chinese labels."""
    if column == "entity":
        return relabel(values, ENTITY_LABELS)
    if column == "role":
        return relabel(values, ROLE_LABELS)
    if column == "grade_reason":
        return _name_tables(results, relabel(values, REASON_LABELS))
    if column == "effect":
        return relabel(values, EFFECT_LABELS)
    if column == "source_table":
        return relabel(values, table_labels(results))
    if column in ("frozen_until", "end"):
        return relabel(values, {"indefinite": INDEFINITE})
    if column == "rule":
        names = np.unique(np.asarray(values, dtype=str)).tolist()
        return relabel(values, {name: rule_title(results, name) for name in names})
    return np.asarray(values, dtype=str)


def unit_grade_counts(results: Results) -> tuple[tuple[str, ...], list[tuple[str, list[int]]]]:
    """Units per category and grade: the labels (with 未定等 last) and one row per category.

    Each row is ``(category, counts)``, ``counts`` one per label then the
    total; categories in the scheme's order.
    """
    units = results.units
    grade = units.grade[0]
    labels = (*UNIT_GRADES, UNGRADED)
    codes = np.where(grade < 0, len(UNIT_GRADES), grade)
    rows = []
    for category in results.scheme.categories:
        mine = units.categories == category
        counts = np.bincount(codes[mine], minlength=len(labels)).tolist()
        rows.append((category, [*counts, int(mine.sum())]))
    return labels, rows


def cadre_grade_counts(results: Results) -> tuple[tuple[str, ...], list[tuple[str, list[int]]]]:
    """Cadres per category of their unit and grade: labels (不定等次, 未定等 last) and rows.

    Each row is ``(unit category, counts)``, ``counts`` one per label then
    the total; categories in the scheme's order.
    """
    cadres = results.cadres
    grade = cadres.grade[0]
    labels = (*CADRE_GRADES, NO_GRADE, UNGRADED)
    codes = np.where(grade < 0, len(labels) - 1, grade)
    category = results.units.categories[cadres.unit]
    rows = []
    for name in results.scheme.categories:
        mine = category == name
        counts = np.bincount(codes[mine], minlength=len(labels)).tolist()
        rows.append((name, [*counts, int(mine.sum())]))
    return labels, rows


def kept_labels(labels: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]) -> list[int]:
    """Which count columns to show: every grade, and 未定等 (the last) only if it counts anyone."""
    last = len(labels) - 1
    return [i for i in range(len(labels)) if i < last or any(counts[i] for _, counts in rows)]


#: Formats written beside the CSV files, and the file each makes (parquet: the first of
#: its files, one per result table, :mod:`kaohe.parquetout`).
FORMATS = {
    "xlsx": "results.xlsx",
    "html": "report.html",
    "pdf": "report.pdf",
    "parquet": "units.parquet",
}


def extra_files(
    results: Results,
    formats: Sequence[str] = tuple(FORMATS),
    notices: list[str] | None = None,
    appeals: Sequence[Sequence[str]] = (),
) -> dict[str, bytes]:
    """The files for scenario 0 in ``formats``: ``results.xlsx``, ``report.html``,
    ``report.pdf`` (report.html printed to A4 by a headless Chromium, :mod:`kaohe.report.pdf`), the
    result tables as Parquet (``units.parquet``, ...: :mod:`kaohe.parquetout`).
    ``appeals`` (rows of :data:`kaohe.appeals.COLUMNS`) are listed in the workbook and the
    report when there are any.

    Deterministic: the same results give the same bytes. What a user should
    know about them (a table continued on further sheets) is added to ``notices``.
    """
    files: dict[str, bytes] = {}
    if "xlsx" in formats:
        from .workbook import workbook_bytes

        files[FORMATS["xlsx"]] = workbook_bytes(results, notices, appeals)
    if "html" in formats or "pdf" in formats:
        from .html import report

        pieces = report(results, appeals)
        page = pieces.html() if "html" in formats else None
        if page is not None:
            files[FORMATS["html"]] = page.encode("utf-8")
        if "pdf" in formats:
            from .pdf import report_pdf

            files[FORMATS["pdf"]] = report_pdf(pieces, results.scheme.as_of, page)
    if "parquet" in formats:
        from ..parquetout import parquet_files

        files.update(parquet_files(results))
    return files
