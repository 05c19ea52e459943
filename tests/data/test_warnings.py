"""What is read differently from how it was written is said, never silent.

A title row above the header ("2019年度督查问题台账" in A1, the header on
row 2), extra columns (责任人, 备注) and extra sheets (说明) in CSV files and
spreadsheets: the data is read as without them, and a warning names the
file, the rows or columns skipped and the row taken as the header.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from data_samples import Tables, sample, write_csv, write_xlsx

from kaohe.cli import main
from kaohe.data import Dataset, load

pytestmark = pytest.mark.filterwarnings("error")

TITLE = "2019年度督查问题台账"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load(write_csv(tmp_path_factory.mktemp("base") / "data", sample()))


def with_title_row(path: Path) -> None:
    """A title line above the header of the CSV file ``path``."""
    path.write_text(f"{TITLE},,\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_csv_title_row_is_skipped_and_said(tmp_path: Path, baseline: Dataset) -> None:
    folder = write_csv(tmp_path / "data", sample())
    with_title_row(folder / "supervision.csv")
    data = load(folder)
    assert data == baseline
    assert data.warnings == (
        f"{folder / 'supervision.csv'}: title row above the header skipped: "
        f"row 1 '{TITLE}'; the header is row 2",
    )
    assert data.tables["supervision"].lines.tolist() == [3, 4, 5]


def test_a_csv_title_row_and_a_blank_row_name_the_header_line(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "data", sample())
    path = folder / "supervision.csv"
    path.write_text(f"{TITLE}\n制表单位:县督查室\n\n" + path.read_text("utf-8"), "utf-8")
    (warning,) = load(folder).warnings
    assert warning == (
        f"{path}: title rows above the header skipped: row 1 '{TITLE}'; "
        "row 2 '制表单位:县督查室'; the header is row 4"
    )


def test_a_sheet_title_row_is_skipped_and_said(tmp_path: Path, baseline: Dataset) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", sample(), style="zh")
    book = openpyxl.load_workbook(path)
    (sheet,) = [book[name] for name in book.sheetnames if name == "supervision"]
    sheet.insert_rows(1)
    sheet["A1"] = TITLE
    book.save(path)
    data = load(path)
    assert data == baseline
    assert data.warnings == (
        f"{path}[supervision]: title row above the header skipped: "
        f"row 1 '{TITLE}'; the header is row 2",
    )
    assert data.tables["supervision"].lines.tolist() == [3, 4, 5]


def extra_columns(tables: Tables) -> Tables:
    for row in tables["units"]:
        row["责任人"] = "张三"
        row["备注"] = "乡镇合并后新设"
    return tables


def test_extra_columns_of_a_csv_file_are_named(tmp_path: Path, baseline: Dataset) -> None:
    folder = write_csv(tmp_path / "data", extra_columns(sample()))
    data = load(folder)
    assert data == baseline
    assert data.warnings == (
        f"{folder / 'units.csv'}: columns '责任人', '备注' not part of table 'units'; ignored",
    )


def test_extra_columns_of_a_sheet_are_named(tmp_path: Path, baseline: Dataset) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", extra_columns(sample()))
    data = load(path)
    assert data == baseline
    assert data.warnings == (
        f"{path}[units]: columns '责任人', '备注' not part of table 'units'; ignored",
    )


def test_a_note_column_is_read_where_the_table_has_one(tmp_path: Path) -> None:
    tables = sample()
    for row in tables["supervision"]:
        row["备注"] = row.pop("note")
    data = load(write_csv(tmp_path / "data", tables))
    assert data.warnings == ()
    notes = [r["备注"] or "" for r in tables["supervision"]]
    assert data.tables["supervision"]["note"].tolist() == notes


def test_an_offices_own_instructions_sheet_is_named(tmp_path: Path, baseline: Dataset) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", sample())
    book = openpyxl.load_workbook(path)
    book.create_sheet("说明")["A1"] = "本表由县督查室填报"
    book.save(path)
    data = load(path)
    assert data == baseline
    assert data.warnings == (f"{path}[说明]: sheet '说明' is not a table; ignored",)


def test_a_templates_instructions_sheet_is_skipped_quietly(
    tmp_path: Path, baseline: Dataset
) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", sample())
    book = openpyxl.load_workbook(path)
    book.create_sheet("说明")["A1"] = "2019年度县政府系统综合目标考核 数据填报模板"
    book.save(path)
    data = load(path)
    assert data == baseline
    assert data.warnings == ()


@pytest.mark.usefixtures("chinese")
def test_validate_says_each_warning_in_chinese(tmp_path: Path) -> None:
    scheme = Path(__file__).resolve().parents[2] / "schemes" / "county-2019.toml"
    folder = tmp_path / "data"
    folder.mkdir()
    for source in scheme.with_suffix("").glob("*.csv"):
        (folder / source.name).write_bytes(source.read_bytes())
    with_title_row(folder / "supervision.csv")
    path = folder / "units.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([[*rows[0], "责任人"], *([*r, "张三"] for r in rows[1:])])
    result = CliRunner().invoke(main, ["validate", str(scheme), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    warnings = result.stderr.splitlines()
    assert warnings[:2] == [
        f"警告:{folder / 'supervision.csv'}:已跳过表头上方的标题行:"
        f"第 1 行 '{TITLE}';以第 2 行为表头",
        f"警告:{folder / 'units.csv'}:列 '责任人' 不属于表 'units';已忽略",
    ]
    assert len(warnings) == 3  # and the problem category outside the taxonomy
