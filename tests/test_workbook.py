"""results.xlsx: sheets, Chinese headers, numbers as numbers, neutralised text, determinism."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import attrs
import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from tests.conftest import COUNTY

import kaohe
from kaohe import manifest
from kaohe.output import result_files
from kaohe.report import workbook
from kaohe.report.labels import extra_files
from kaohe.report.workbook import workbook_bytes
from kaohe.report.xlsx import text_width
from kaohe.results import Results

SHEETS = ["单位", "干部", "加减分明细", "影响期", "问题类别", "等次统计", "说明"]
UNIT_HEADERS = [
    "单位编码", "单位名称", "考核类别", "目标得分", "满意度", "综合得分",
    "扣分", "加分", "得分", "排名", "等次", "标记",
]  # fmt: skip
EVIL_UNIT = '=HYPERLINK("x")'
EVIL_CADRE = "@SUM(A1)"
EVIL_CATEGORY = "+不认真"


def evil_data(folder: Path) -> Path:
    """county-2019's data with text that a spreadsheet would run as a formula."""
    data = folder / "data"
    shutil.copytree(COUNTY.with_suffix(""), data)
    edits = {
        "units.csv": ("XZ01,城关镇,", f'XZ01,"{EVIL_UNIT.replace(chr(34), 2 * chr(34))}",'),
        "cadres.csv": ("XZ01-01,邱云永,", f"XZ01-01,{EVIL_CADRE},"),
        "supervision.csv": (",不认真,按期整改", f",{EVIL_CATEGORY},按期整改"),
    }
    for name, (old, new) in edits.items():
        text = (data / name).read_text(encoding="utf-8-sig")
        assert old in text
        (data / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def results(county_scheme: kaohe.Scheme, county_data: kaohe.Dataset) -> Results:
    return kaohe.evaluate(county_scheme, county_data)


@pytest.fixture(scope="module")
def book(results: Results) -> Workbook:
    return load_workbook(io.BytesIO(workbook_bytes(results)))


@pytest.fixture(scope="module")
def evil_book(county_scheme: kaohe.Scheme, tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    data = kaohe.load_data(evil_data(tmp_path_factory.mktemp("evil")), county_scheme)
    return load_workbook(io.BytesIO(workbook_bytes(kaohe.evaluate(county_scheme, data))))


def rows(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def csv_rows(results: Results, name: str) -> list[dict[str, str]]:
    info = manifest.build(results, data_path=str(COUNTY.with_suffix("")))
    text = result_files(results, info)[name].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_sheets_and_their_chinese_headers(book: Workbook) -> None:
    assert book.sheetnames == SHEETS
    assert rows(book["单位"])[0] == UNIT_HEADERS
    assert rows(book["干部"])[0] == [
        "干部编码", "姓名", "所在单位编码", "所在单位", "职务类别", "得分",
        "单位内排名", "等次", "定等依据", "影响期至", "标记",
    ]  # fmt: skip
    assert rows(book["加减分明细"])[0] == [
        "对象类型", "对象编码", "对象名称", "规则", "来源表", "来源编号", "分值", "类型", "说明",
    ]  # fmt: skip
    assert rows(book["影响期"])[0] == [
        "干部编码", "姓名", "开始日期", "结束日期", "规则", "来源表", "来源编号", "原因",
    ]  # fmt: skip
    assert rows(book["问题类别"])[0] == ["问题类别", "问题数", "扣分(封顶前)"]


def test_every_row_of_the_csv_files_is_in_the_workbook(book: Workbook, results: Results) -> None:
    assert len(rows(book["单位"])) == 1 + len(csv_rows(results, "units.csv"))
    assert len(rows(book["干部"])) == 1 + len(csv_rows(results, "cadres.csv"))
    assert len(rows(book["加减分明细"])) == 1 + len(csv_rows(results, "adjustments.csv"))
    assert len(rows(book["影响期"])) == 1 + len(csv_rows(results, "freezes.csv"))
    assert len(rows(book["问题类别"])) == 1 + len(csv_rows(results, "findings.csv"))


def test_numbers_are_number_cells_with_the_published_values(
    book: Workbook, results: Results
) -> None:
    ws = book["单位"]
    published = {row["unit_id"]: row for row in csv_rows(results, "units.csv")}
    for row in ws.iter_rows(min_row=2):
        unit = published[str(row[0].value)]
        score, composite, rank, grade = row[8], row[5], row[9], row[10]
        assert score.data_type == "n"
        assert score.number_format == "0.00"
        assert f"{score.value:.2f}" == unit["score"]
        assert composite.number_format == "0.0000"
        assert f"{composite.value:.4f}" == unit["composite"]
        assert isinstance(rank.value, int)
        assert str(rank.value) == unit["rank"]
        assert grade.value == unit["grade"]
    points = [row[6] for row in book["加减分明细"].iter_rows(min_row=2)]
    assert all(cell.data_type == "n" and cell.number_format == "0.0000" for cell in points)
    assert any(isinstance(cell.value, float) and cell.value < 0 for cell in points)
    starts = [row[2].value for row in book["影响期"].iter_rows(min_row=2)]
    assert all(isinstance(value, dt.datetime) for value in starts)


def test_units_are_listed_by_category_then_rank(book: Workbook, results: Results) -> None:
    listed = rows(book["单位"])[1:]
    order = list(results.scheme.categories)
    keys = [(order.index(str(row[2])), int(str(row[9]))) for row in listed]
    assert keys == sorted(keys)


def test_grades_are_filled_by_tone(book: Workbook) -> None:
    fills = {}
    for sheet, column in (("单位", 10), ("干部", 7)):
        for row in book[sheet].iter_rows(min_row=2):
            fills[row[column].value] = row[column].fill.fgColor.rgb
    assert str(fills["优秀"]).endswith("C6EFCE")
    assert str(fills["较差"]).endswith("FFC7CE")
    assert str(fills["不称职"]).endswith("FFC7CE")


def test_every_sheet_has_a_frozen_header_and_a_filter(book: Workbook) -> None:
    for ws in book.worksheets:
        assert ws.freeze_panes in ("A2", "C2"), ws.title
        assert ws.auto_filter.ref is not None
        assert ws.auto_filter.ref.startswith("A1:"), ws.title
    assert book["单位"].auto_filter.ref == "A1:L21"


def test_column_widths_fit_the_text_counting_cjk_as_two(book: Workbook) -> None:
    assert text_width(np.asarray(["县人力资源和社会保障局", "ab"])) == 22
    ws = book["单位"]
    names = [str(row[1]) for row in ws.iter_rows(values_only=True)]
    assert ws.column_dimensions["B"].width >= max(2 * len(name) for name in names)
    assert ws.column_dimensions["A"].width < ws.column_dimensions["B"].width


def test_grade_counts_per_category(book: Workbook) -> None:
    table = rows(book["等次统计"])
    assert table[0][:6] == ["考核类别", "优秀", "良好", "一般", "较差", "单位合计"]
    assert table[1][:6] == ["乡镇", 2, 4, 1, 1, 8]
    assert table[4][:6] == ["合计", 5, 10, 3, 2, 20]
    cadre_header = next(i for i, row in enumerate(table) if row[0] == "考核类别" and i > 0)
    assert table[cadre_header][1:6] == ["优秀", "称职", "基本称职", "不称职", "不定等次"]
    cadre_rows = table[cadre_header + 1 : cadre_header + 4]
    # 干部等次: 优秀 24, 称职 162, 基本称职 3, 不称职 3, 不定等次 8 (the command's summary)
    assert [sum(int(row[i]) for row in cadre_rows) for i in range(1, 6)] == [24, 162, 3, 3, 8]


def test_formula_text_stays_neutralised_text(evil_book: Workbook) -> None:
    names = {row[0]: row[1] for row in rows(evil_book["单位"])}
    assert names["XZ01"] == "'" + EVIL_UNIT
    cadres = {row[0]: row[1] for row in rows(evil_book["干部"])}
    assert cadres["XZ01-01"] == "'" + EVIL_CADRE
    assert "'" + EVIL_CATEGORY in [row[0] for row in rows(evil_book["问题类别"])]
    for ws in evil_book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value


def test_the_bytes_are_deterministic(results: Results) -> None:
    first = workbook_bytes(results)
    assert workbook_bytes(results) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2019, 12, 31, 0, 0, 0)}
    book = load_workbook(io.BytesIO(first))
    assert book.properties.created == dt.datetime(2019, 12, 31)
    assert book.properties.modified == dt.datetime(2019, 12, 31)
    assert book.properties.title == "2019年度县政府系统综合目标考核"


def test_a_table_over_the_row_limit_continues_on_further_sheets(
    results: Results, book: Workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "MAX_ROWS", 80)
    notices: list[str] = []
    cut = load_workbook(io.BytesIO(workbook_bytes(results, notices)))
    sizes = {ws.title: ws.max_row - 1 for ws in cut.worksheets}
    assert sizes == {
        "单位": 20,
        "干部": 80, "干部(续1)": 80, "干部(续2)": 40,
        "加减分明细": 80, **{f"加减分明细(续{i})": 80 for i in range(1, 6)}, "加减分明细(续6)": 70,
        "影响期": 80, "影响期(续1)": 6,
        "问题类别": 12, "等次统计": 10, "说明": 10,
    }  # fmt: skip
    for title in ("干部", "加减分明细", "影响期"):
        parts = [ws for ws in cut.worksheets if ws.title.startswith(title)]
        assert all(rows(ws)[0] == rows(book[title])[0] for ws in parts)  # the header on each
        assert [r for ws in parts for r in rows(ws)[1:]] == rows(book[title])[1:]
        assert all(ws.freeze_panes == book[title].freeze_panes for ws in parts)
    notes = dict(rows(cut["说明"])[1:])
    assert notes["影响期(续表)"] == "超过 Excel 每表 80 行的上限,续于:影响期(续1)。"
    assert notices[2] == (
        "results.xlsx: 影响期 has 86 rows, more than Excel's 80 per sheet; "
        "it continues on 影响期(续1)"
    )
    assert len(notices) == 3


def test_rows_written_chunk_by_chunk_give_the_same_bytes(
    results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = workbook_bytes(results)
    monkeypatch.setattr(workbook, "CHUNK_ROWS", 7)
    assert workbook_bytes(results) == whole


def test_extra_files_hold_the_workbook_beside_the_csv_files(results: Results) -> None:
    files = extra_files(results, ("xlsx", "html"))
    assert set(files) == {"results.xlsx", "report.html"}
    assert files["results.xlsx"] == workbook_bytes(results)
    assert load_workbook(io.BytesIO(files["results.xlsx"])).sheetnames == SHEETS


def test_text_from_the_scheme_and_plugins_is_neutralised_too(
    tmp_path: Path, county_data: kaohe.Dataset
) -> None:
    """A scheme title, a category and a rule's title beginning with = are text, never formulas."""
    from tests.bridge import registry

    evil_title = '=HYPERLINK("http://x","点此")'
    evil_category = "=cmd|' /C calc'!A0"
    text = COUNTY.read_text(encoding="utf-8")
    text = text.replace('title = "', f"title = '{evil_title}'\n# title = \"", 1)
    text = text.replace('"条管单位"', f'"{evil_category.replace(chr(34), "")}"')
    scheme_path = tmp_path / "evil.toml"
    scheme_path.write_text(text, encoding="utf-8")
    scheme = kaohe.load_scheme(scheme_path, registry())
    assert scheme.title == evil_title
    data = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), data)
    units = (
        (data / "units.csv")
        .read_text(encoding="utf-8-sig")
        .replace(",条管单位", f',"{evil_category}"')
    )
    (data / "units.csv").write_text(units, encoding="utf-8")
    results = kaohe.evaluate(scheme, kaohe.load_data(data, scheme))
    book = load_workbook(io.BytesIO(workbook_bytes(results)))
    about = dict(rows(book["说明"])[1:])
    assert about["考核方案"] == "'" + evil_title
    grades = [row[0] for row in rows(book["等次统计"])]
    assert "'" + evil_category in grades
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value


def test_rule_titles_in_the_rows_are_neutralised(results: Results) -> None:
    rule = next(iter(results.scheme.registry.rules.values()))
    evil = attrs.evolve(rule, title="=1+1")
    registry = attrs.evolve(
        results.scheme.registry, rules={**results.scheme.registry.rules, rule.name: evil}
    )
    scheme = attrs.evolve(results.scheme, registry=registry)
    shown = workbook.shown_column(
        attrs.evolve(results, schemes=(scheme,)), "rule", np.asarray([rule.name, "-x"])
    )
    assert shown.tolist() == ["'=1+1", "'-x"]


def test_the_workbook_does_not_force_a_recalculation(book: Workbook, results: Results) -> None:
    archive = zipfile.ZipFile(io.BytesIO(workbook_bytes(results)))
    workbook_xml = archive.read("xl/workbook.xml").decode("utf-8")
    assert 'fullCalcOnLoad="1"' not in workbook_xml
    assert book.calculation.fullCalcOnLoad is False


def test_the_terminal_says_which_tables_continue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from kaohe.cli import main

    monkeypatch.setattr(workbook, "MAX_ROWS", 80)
    args = ["score", str(COUNTY), "--out", str(tmp_path / "out"), "--format", "xlsx"]
    result = CliRunner().invoke(main, [*args, "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "results.xlsx:影响期 共 86 行,超过 Excel 每表 80 行的上限,续于 影响期(续1)\n" in (
        result.output
    )
    english = CliRunner().invoke(main, [*args, "--lang", "en"]).output
    assert (
        "results.xlsx: 干部 has 200 rows, more than Excel's 80 per sheet; "
        "it continues on 干部(续1), 干部(续2)\n"
    ) in english
    assert load_workbook(tmp_path / "out" / "results.xlsx").sheetnames[:4] == [
        "单位", "干部", "干部(续1)", "干部(续2)"
    ]  # fmt: skip


def local_extras(content: bytes) -> list[int]:
    """The length of each zip entry's local extra field (ZIP64 sizes live there)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    return [int.from_bytes(content[at + 28 : at + 30], "little") for at in offsets]


def test_sheets_written_with_zip64_sizes_read_the_same(
    results: Results, book: Workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(local_extras(workbook_bytes(results))) == {0}  # a county needs no ZIP64
    monkeypatch.setattr(workbook, "_may_pass_zip64_limit", lambda part: True)
    content = workbook_bytes(results)
    assert sum(1 for extra in local_extras(content) if extra) == 5  # the five table sheets
    large = load_workbook(io.BytesIO(content))
    assert large.sheetnames == book.sheetnames
    assert all(rows(large[title]) == rows(book[title]) for title in book.sheetnames)


def test_names_beside_ids_are_those_of_the_units_and_cadres(
    book: Workbook, results: Results
) -> None:
    units = {row["unit_id"]: row["name"] for row in csv_rows(results, "units.csv")}
    cadres = {row["cadre_id"]: row["name"] for row in csv_rows(results, "cadres.csv")}
    named = {"单位": units, "干部": cadres}
    details = rows(book["加减分明细"])[1:]
    assert {row[0] for row in details} == {"单位", "干部"}
    for kind, entity_id, name, *_ in details:
        assert name == named[kind][entity_id]
    for cadre_id, name, unit_id, unit_name, *_ in rows(book["干部"])[1:]:
        assert (name, unit_name) == (cadres[cadre_id], units[unit_id])
    for cadre_id, name, *_ in rows(book["影响期"])[1:]:
        assert name == cadres[cadre_id]
