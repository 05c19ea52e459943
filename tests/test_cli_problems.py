"""``kaohe validate`` and ``kaohe score`` list every problem of the data in one pass.

Grouped by file (the file on a line of its own, its problems under it in
row order), each with its row, the column header as the file wrote it
(Chinese here), the value and what was expected; past 200 problems, how many
more there are. Both commands print the same text, in Chinese by default.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.tables import installed_tables

DATES_ZH = "应为日期,如 2019-03-12、2019/3/12、2019.3.12 或 2019年3月12日"
DATES_EN = "expected a date such as 2019-03-12, 2019/3/12, 2019.3.12 or 2019年3月12日"


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)


def chinese_headers(rows: list[list[str]], table: str) -> list[list[str]]:
    """``rows`` with the header in Chinese (each column's first alias)."""
    spec = installed_tables()[table]
    return [[spec.column(name).aliases[0] for name in rows[0]], *rows[1:]]


@pytest.fixture
def two_bad_files(tmp_path: Path) -> Path:
    """The county-2019 data with a bad count in votes.csv and a bad severity and
    date in supervision.csv (written with Chinese headers)."""
    folder = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), folder)
    supervision = chinese_headers(rows_of(folder / "supervision.csv"), "supervision")
    supervision[1][3] = "很严重"
    supervision[2][4] = "2019-02-30"
    write(folder / "supervision.csv", supervision)
    votes = rows_of(folder / "votes.csv")
    votes[1][3] = "x"
    write(folder / "votes.csv", votes)
    return folder


def run(command: str, folder: Path, *more: str) -> str:
    args = [command, str(COUNTY), "--data", str(folder), *more]
    if command == "score":
        args += ["--out", str(folder.parent / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert not (folder.parent / "out").exists()
    return result.output


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize("command", ["validate", "score"])
def test_problems_of_two_files_grouped_by_file_in_chinese(
    two_bad_files: Path, command: str
) -> None:
    assert run(command, two_bad_files) == (
        "错误:数据中有 3 个问题,按文件列出:\n"
        f"{two_bad_files / 'votes.csv'}\n"
        "  第 2 行,列 'basic': 'x' 不是数;应为0 至 10,000,000 之间的整数(计数)\n"
        f"{two_bad_files / 'supervision.csv'}\n"
        "  第 2 行,列 '严重程度': 未知的问题严重程度 '很严重';应为以下之一:一般, 较重, 严重\n"
        f"  第 3 行,列 '整改期限': '2019-02-30' 不是日期;{DATES_ZH}\n"
    )


@pytest.mark.parametrize("command", ["validate", "score"])
def test_problems_of_two_files_grouped_by_file_in_english(
    two_bad_files: Path, command: str
) -> None:
    assert run(command, two_bad_files) == (
        "Error: 3 problems in the data, by file:\n"
        f"{two_bad_files / 'votes.csv'}\n"
        "  row 2, column 'basic': 'x' is not a number; "
        "expected a whole number from 0 to 10,000,000 (a count)\n"
        f"{two_bad_files / 'supervision.csv'}\n"
        "  row 2, column '严重程度': unknown severity '很严重'; expected one of: 一般, 较重, 严重\n"
        f"  row 3, column '整改期限': '2019-02-30' is not a date; {DATES_EN}\n"
    )


@pytest.fixture
def bad_dates(tmp_path: Path) -> Path:
    """The county-2019 data with 250 supervision rows, each dated 'bad' (日期)."""
    folder = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), folder)
    header, first, *_rest = chinese_headers(rows_of(folder / "supervision.csv"), "supervision")
    rows = [[f"X{i:03d}", "bad", *first[2:]] for i in range(250)]
    write(folder / "supervision.csv", [header, *rows])
    return folder


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize("command", ["validate", "score"])
def test_two_hundred_problems_listed_then_counted(bad_dates: Path, command: str) -> None:
    listed = [f"  第 {row} 行,列 '日期': 'bad' 不是日期;{DATES_ZH}" for row in range(2, 202)]
    expected = [
        "错误:数据中有 250 个问题,按文件列出:",
        str(bad_dates / "supervision.csv"),
        *listed,
        "……还有 50 个问题未列出",
    ]
    assert run(command, bad_dates).splitlines() == expected


def test_two_hundred_problems_in_english(bad_dates: Path) -> None:
    lines = run("validate", bad_dates).splitlines()
    assert lines[0] == "Error: 250 problems in the data, by file:"
    assert lines[2] == f"  row 2, column '日期': 'bad' is not a date; {DATES_EN}"
    assert len(lines) == 203
    assert lines[-1] == "... and 50 more problems not listed"


@pytest.mark.usefixtures("chinese")
def test_a_category_the_scheme_lacks_is_listed_with_the_other_problems(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), folder)
    units = chinese_headers(rows_of(folder / "units.csv"), "units")
    units[2][2] = "外星"
    write(folder / "units.csv", units)
    supervision = rows_of(folder / "supervision.csv")
    supervision[1][2] = "NOPE"
    write(folder / "supervision.csv", supervision)
    assert run("validate", folder) == (
        "错误:数据中有 2 个问题,按文件列出:\n"
        f"{folder / 'units.csv'}\n"
        "  第 3 行,列 '考核类别': 考核类别 '外星' 不在方案所列的类别中"
        "(乡镇, 县级部门, 条管单位)\n"
        f"{folder / 'supervision.csv'}\n"
        "  第 2 行,列 'unit_id': 未知的 unit_id 'NOPE';"
        f"应为 table 'units' ({folder / 'units.csv'}) 中列出的 unit_id\n"
    )
