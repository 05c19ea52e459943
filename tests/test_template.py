"""``kaohe template``: data-entry workbooks that the readers accept as filled in."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY
from tests.workflow_fill import fill

from kaohe.cli import main
from kaohe.template import by_office, owner, shown_values
from kaohe.vocab import ROLE, SEVERITY

FOLDER = COUNTY.with_suffix("")


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}


def test_the_template_has_chinese_sheets_headers_and_dropdowns(tmp_path: Path) -> None:
    out = tmp_path / "2020台账.xlsx"
    run("template", str(COUNTY), "--out", str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "说明"
    assert "督查问题" in book.sheetnames
    sheet = book["督查问题"]
    assert [c.value for c in sheet[1]] == [
        "编号", "日期", "单位编码", "严重程度", "整改期限", "整改完成日期", "问题类别", "备注",
    ]  # fmt: skip
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["D2:D1001"] == '"一般,较重,严重"'
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    roles = {str(v.sqref): v.formula1 for v in book["干部"].data_validations.dataValidation}
    assert roles["D2:D1001"] == '"主要负责人,班子成员,中层干部,一般干部"'
    guide = [row for row in book["说明"].iter_rows(values_only=True) if row[0] == "督查问题"]
    assert guide[3][:3] == ("督查问题", "严重程度", "问题严重程度")


def test_shown_values_put_chinese_before_codes() -> None:
    assert shown_values(SEVERITY) == ("一般", "较重", "严重")
    assert shown_values(ROLE) == ("主要负责人", "班子成员", "中层干部", "一般干部")


def test_each_table_is_kept_by_the_office_its_spec_names() -> None:
    assert [owner(t) for t in ("units", "supervision", "sanctions", "votes", "exams")] == [
        "考核办", "督查室", "纪委监委", "组织部", "组织部",
    ]  # fmt: skip
    assert owner("targets") == "考核办"  # a plugin's table naming no office
    assert owner("hotline") == "12345热线办"  # a bureau's plugin naming its own
    grouped = by_office(["hotline", "supervision", "units", "votes"])
    assert grouped == {
        "考核办": ("units",),
        "督查室": ("supervision",),
        "组织部": ("votes",),
        "12345热线办": ("hotline",),
    }


@pytest.mark.usefixtures("chinese")
def test_by_bureau_gives_one_workbook_per_office(tmp_path: Path) -> None:
    out = tmp_path / "2020台账.xlsx"
    output = run("template", str(COUNTY), "--out", str(out), "--by-bureau")
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(f"2020台账-{o}.xlsx" for o in ("考核办", "督查室", "纪委监委", "组织部"))
    assert "2020台账-督查室.xlsx (4 张表: supervision, exposures, interviews, notices)" in output
    assert openpyxl.load_workbook(tmp_path / "2020台账-纪委监委.xlsx").sheetnames == [
        "说明", "通报批评", "处分", "容错纠错",
    ]  # fmt: skip


def test_a_filled_template_scores_like_the_csv_folder(tmp_path: Path) -> None:
    blank, filled = tmp_path / "blank.xlsx", tmp_path / "filled.xlsx"
    run("template", str(COUNTY), "--out", str(blank))
    fill(blank, FOLDER, filled)
    result = CliRunner().invoke(main, ["validate", str(COUNTY), "--data", str(filled)])
    assert result.exit_code == 0, result.output
    assert "说明" not in result.output  # the instructions sheet is no noise
    run("score", str(COUNTY), "--data", str(filled), "--out", str(tmp_path / "xlsx"))
    run("score", str(COUNTY), "--out", str(tmp_path / "csv"))
    assert files(tmp_path / "xlsx") == files(tmp_path / "csv")


@pytest.mark.parametrize("name", ["t.csv", "t"])
def test_a_template_is_an_xlsx_file(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(main, ["template", str(COUNTY), "--out", str(tmp_path / name)])
    assert result.exit_code == 1
    assert "a template is an .xlsx workbook" in result.output


def test_a_template_never_replaces_a_workbook(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"mine")
    result = CliRunner().invoke(main, ["template", str(COUNTY), "--out", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert out.read_bytes() == b"mine"


def test_the_offices_workbooks_score_together_like_the_csv_folder(tmp_path: Path) -> None:
    run("template", str(COUNTY), "--out", str(tmp_path / "t.xlsx"), "--by-bureau")
    given = []
    for office in ("考核办", "督查室", "纪委监委", "组织部"):
        filled = tmp_path / f"{office}.xlsx"
        fill(tmp_path / f"t-{office}.xlsx", FOLDER, filled)
        given += ["--data", str(filled)]
    run("score", str(COUNTY), *given, "--out", str(tmp_path / "xlsx"))
    run("score", str(COUNTY), "--out", str(tmp_path / "csv"))
    assert files(tmp_path / "xlsx") == files(tmp_path / "csv")
    assert "scored again" in run("verify", str(tmp_path / "xlsx"))
    twice = CliRunner().invoke(main, ["validate", str(COUNTY), *given, "--data", str(FOLDER)])
    assert twice.exit_code == 1
    assert (
        f"{FOLDER / 'supervision.csv'}\n  table 'supervision' is also given by "
        f"{tmp_path / '督查室.xlsx'}[督查问题]; expected each table from one source"
    ) in twice.output
