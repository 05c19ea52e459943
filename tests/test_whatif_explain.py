"""What-if that explains itself: old -> new, the parameters that differ, did-you-mean,
grade changes without score change, uncertain units and cadres named, lists that say they
are cut, kaohe params, --on without data, and results for people (xlsx, html)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.cli import whatif as cli_whatif


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["whatif", str(COUNTY), *args])
    return result.exit_code, result.output


@pytest.mark.usefixtures("chinese")
def test_an_override_shows_the_value_it_replaces(tmp_path: Path) -> None:
    code, output = run("--set", "satisfaction.weight.乡镇=0.25", "--out", str(tmp_path / "o"))
    assert code == 0, output
    assert "参数变化 (1 项):\n  satisfaction.weight.乡镇: 0.15 -> 0.25\n" in output
    code, output = run("--off", "criticism", "--out", str(tmp_path / "o"))
    assert "  criticism.enabled: true -> false\n" in output


@pytest.mark.usefixtures("chinese")
def test_against_lists_every_parameter_that_differs(tmp_path: Path) -> None:
    text = COUNTY.read_text("utf-8")
    assert "cap = 10.0" in text
    other = tmp_path / "other.toml"
    other.write_text(
        text.replace("cap = 10.0", "cap = 8.0", 1).replace(
            '"乡镇" = 0.15, "县级部门" = 0.20', '"乡镇" = 0.25, "县级部门" = 0.20', 1
        ),
        "utf-8",
    )
    code, output = run("--against", str(other), "--out", str(tmp_path / "o"))
    assert code == 0, output
    assert "参数变化 (2 项):" in output
    assert "  satisfaction.weight.乡镇: 0.15 -> 0.25" in output
    assert "  supervision.cap: 10 -> 8" in output


@pytest.mark.parametrize(
    ("path", "meant"),
    [
        ("supervision.cpa", "supervision.cap"),
        ("supervison.cap", "supervision.cap"),
        ("satisfaction.weight.乡", "satisfaction.weight.乡镇"),
    ],
)
def test_a_mistyped_path_gets_a_did_you_mean(tmp_path: Path, path: str, meant: str) -> None:
    code, output = run("--set", f"{path}=6", "--out", str(tmp_path / "o"))
    assert code == 1
    assert f"(did you mean '{meant}'?)" in output
    assert "kaohe params SCHEME lists every path" in output
    assert not (tmp_path / "o").exists()


def test_grade_changes_without_score_changes_are_explained(tmp_path: Path) -> None:
    code, output = run("--off", "criticism", "--out", str(tmp_path / "o"))
    assert code == 0, output
    # BM07's score rises into the 30% 优秀 quota of the 8 县级部门 (2 places): BM02 leaves it
    assert (
        "单位 BM02 县财政局: 优秀 -> 良好 (得分 92.84 -> 92.84): "
        "优秀比例限额被 BM07 县行政审批局 占用"
    ) in output
    # a cadre limited to 基本称职 by criticisms is free of the limit
    assert "干部 XZ05-08 吕亮利: 基本称职 -> 优秀 (得分 96.54 -> 96.54): 等次限制解除" in output
    # BM02 is no longer 优秀: its cadres' quota falls from 25% to 20%
    assert (
        "干部 BM02-01 肖永斌: 优秀 -> 称职 (得分 91.99 -> 91.99): 所在单位等次 优秀 -> 良好"
        in output
    )
    code, output = run("--off", "veto", "--out", str(tmp_path / "o"))
    assert "单位 BM03 县教育局: 较差 -> 良好 (得分 94.05 -> 94.05): 等次限制解除" in output
    assert "-一票否决" in output
    code, output = run("--set", "unit_grading.thresholds.良好=85", "--out", str(tmp_path / "o"))
    assert "单位 XZ07 新场镇: 良好 -> 一般 (得分 82.90 -> 82.90): 良好 分数线 80 -> 85" in output
    units = list(csv.DictReader(io.StringIO((tmp_path / "o" / "units.csv").read_text("utf-8-sig"))))
    assert next(u for u in units if u["id"] == "XZ07")["reason"] == "良好 分数线 80 -> 85"


def test_on_a_rule_whose_table_is_absent_is_an_error(tmp_path: Path) -> None:
    code, output = run("--on", "attendance", "--out", str(tmp_path / "o"))
    assert code == 1
    assert "--on attendance: the data has no attendance table" in output
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("chinese")
def test_monte_carlo_names_the_uncertain_with_probabilities(tmp_path: Path) -> None:
    out = tmp_path / "mc"
    code, output = run(
        "--monte-carlo", "200", "--vary", "satisfaction.weight.乡镇=uniform(0.1,0.4)",
        "--seed", "7", "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert "draw " not in output
    units = {
        u["unit_id"]: u
        for u in csv.DictReader(io.StringIO((out / "units.csv").read_text("utf-8-sig")))
    }
    xz08 = units["XZ08"]
    low, high = float(xz08["p_较差"]), float(xz08["p_一般"])
    assert 0 < low < 1
    assert low + high == pytest.approx(1.0)
    # 河坝乡 reaches 一般 at a weight between 0.25 and 0.35 (README): about half the draws
    first, second = sorted([("较差", low), ("一般", high)], key=lambda pair: -pair[1])
    line = f"  XZ08 河坝乡 {first[0]} {100 * first[1]:.1f}%, {second[0]} {100 * second[1]:.1f}%"
    assert line.replace(".0%", "%") in output
    assert "等次随情景变化的单位: 1 个" in output
    assert "等次随情景变化的干部:" in output
    for name in ("cadres.csv", "grade_probability.svg", "results.xlsx", "report.html"):
        assert (out / name).is_file(), name
    page = (out / "report.html").read_text("utf-8")
    assert "河坝乡" in page
    assert "等次随情景变化的单位" in page


@pytest.mark.usefixtures("chinese")
def test_a_cut_list_says_how_much_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_whatif, "SHOWN_CHANGES", 2)
    code, output = run(
        "--sweep", "satisfaction.weight.乡镇=0:0.5:0.1", "--out", str(tmp_path / "s")
    )
    assert code == 0, output
    assert "  (显示 2 个情景, 共 6 个; 全部见 scenarios.csv)" in output
    code, output = run("--off", "criticism", "--out", str(tmp_path / "o"))
    assert "  (显示 2 个等次变化, 共 11 个; 全部见 units.csv / cadres.csv)" in output


def test_results_for_people_have_chinese_headers(tmp_path: Path) -> None:
    code, output = run("--off", "criticism", "--out", str(tmp_path / "o"))
    assert code == 0, output
    book = load_workbook(tmp_path / "o" / "results.xlsx")
    assert book.sheetnames == ["参数变化", "单位", "干部"]
    header = [c.value for c in book["单位"][1]]
    assert header[:5] == ["编码", "名称", "考核类别", "原得分", "新得分"]
    assert "等次变化原因" in header
    assert [c.value for c in book["参数变化"][2]] == ["criticism.enabled", "true", "false"]
    page = (tmp_path / "o" / "report.html").read_text("utf-8")
    assert "<th>原等次</th>" in page or ">原等次<" in page
    assert "优秀比例限额被 BM07 县行政审批局 占用" in page


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "study",
    [
        ["--set", "satisfaction.weight.乡镇=0.35", "--set", "supervision.cap=8"],
        ["--sweep", "supervision.cap=6:12:3"],
        ["--monte-carlo", "5", "--vary", "supervision.cap=uniform(6,12)"],
    ],
)
def test_every_header_of_the_xlsx_and_html_is_chinese(tmp_path: Path, study: list[str]) -> None:
    """In English too: the files are for people; the CSV keeps its machine-readable names."""
    code, output = run(*study, "--out", str(tmp_path / "o"))
    assert code == 0, output
    book = load_workbook(tmp_path / "o" / "results.xlsx")
    headers = {
        sheet.title: [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]
        for sheet in book.worksheets
    }
    assert len(headers) >= 3
    assert {name: [h for h in row if not CJK.search(str(h))] for name, row in headers.items()} == {
        name: [] for name in headers
    }
    cells = re.findall(
        r"<th[^>]*>([^<]*)</th>", (tmp_path / "o" / "report.html").read_text("utf-8")
    )
    assert len(cells) >= 5
    assert [cell for cell in cells if cell and not CJK.search(cell)] == []
    units = (tmp_path / "o" / "units.csv").read_text("utf-8-sig").splitlines()[0].split(",")
    assert units[:3] == ["id" if study[0] == "--set" else "unit_id", "name", "category"]


@pytest.mark.usefixtures("chinese")
def test_params_lists_every_path_with_value_kind_range_and_basis() -> None:
    result = CliRunner().invoke(main, ["params", str(COUNTY)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    weight = next(line for line in lines if line.strip().startswith("satisfaction.weight.乡镇"))
    assert weight.split() == ["satisfaction.weight.乡镇", "0.15", "数值", "0", "–", "1"]
    cap = next(line for line in lines if line.strip().startswith("supervision.cap"))
    assert cap.split() == ["supervision.cap", "10", "数值", "≥", "0"]
    assert "[supervision] 督查督办扣分" in result.output
    assert "  依据: 种子001" in result.output
    assert any(line.split()[:2] == ["criticism.enabled", "true"] for line in lines)
    count = int(lines[-1].split()[1])
    assert count == sum(1 for line in lines if line.startswith("  ") and "." in line.split()[0])
    # each parameter described once, above its entries, in the plugin's catalog's Chinese
    at = lines.index("  # 每个督查问题按严重程度的扣分(一般、较重、严重)")
    assert [line.split()[0] for line in lines[at + 1 : at + 4]] == [
        f"supervision.severity_points.{severity}" for severity in ("一般", "较重", "严重")
    ]
    assert "  # 每个单位督查督办扣分的上限(D_sup)" in lines
    assert "  # 各等次的最低综合得分 F" in lines  # a built-in rule's, in kaohe's catalog


def test_params_describes_each_parameter_in_english_with_lang_en() -> None:
    lines = CliRunner().invoke(main, ["params", str(COUNTY)]).output.splitlines()
    at = lines.index("  # points per finding of each severity")
    assert lines[at + 1].split()[:2] == ["supervision.severity_points.一般", "0.5"]
    assert "  # most points deducted per unit (D_sup)" in lines
