"""The kaohe command, driven through click's CliRunner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.cli import main

FILES = (
    "units.csv",
    "cadres.csv",
    "adjustments.csv",
    "freezes.csv",
    "findings.csv",
    "manifest.json",
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def score(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, ["score", str(COUNTY), *args])
    return result.exit_code, result.output


def test_score_writes_every_result_file_and_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    code, output = score(runner, "--out", str(tmp_path / "out"))
    assert code == 0, output
    for name in FILES:
        assert (tmp_path / "out" / name).is_file()
    assert "cadre grades: 优秀 24, 称职 162, 基本称职 3, 不称职 3, 不定等次 8" in output
    assert "category  优秀  良好  一般  较差  total" in output
    assert "乡镇         2     4     1     1      8" in output
    assert "absent tables (no records this year): attendance, hotline, notices" in output
    assert "rows dated outside 2019, not scored: awards 2, criticisms 2," in output
    lines = (tmp_path / "out" / "units.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "unit_id,name,category,target_score,satisfaction,composite,deductions,bonus,"
        "score,rank,grade,flags"
    )
    assert len(lines) == 21


def test_findings_are_counted_per_problem_category(runner: CliRunner, tmp_path: Path) -> None:
    assert score(runner, "--out", str(tmp_path / "o"))[0] == 0
    lines = (tmp_path / "o" / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "category,findings,points"
    rows = {line.split(",")[0]: line.split(",")[1:] for line in lines[1:]}
    assert sum(int(count) for count, _ in rows.values()) == 25  # supervision rows dated 2019
    assert rows["不作为"] == ["1", "1.5000"]  # the category outside the taxonomy, still counted


def test_a_scheme_without_unit_grades_prints_only_cadre_grades(
    runner: CliRunner, tmp_path: Path
) -> None:
    bureau = COUNTY.parent / "bureau-2016.toml"
    result = runner.invoke(main, ["score", str(bureau), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "cadre grades:" in result.output
    assert "category" not in result.output


def test_the_same_inputs_give_byte_identical_files(runner: CliRunner, tmp_path: Path) -> None:
    assert score(runner, "--out", str(tmp_path / "a"))[0] == 0
    assert score(runner, "--out", str(tmp_path / "b"))[0] == 0
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_manifest_records_inputs_versions_and_rules(runner: CliRunner, tmp_path: Path) -> None:
    assert score(runner, "--out", str(tmp_path / "o"))[0] == 0
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2019-12-31"
    assert len(manifest["scheme"]["sha256"]) == 64
    assert manifest["tables"]["units"]["rows"] == 20
    assert len(manifest["tables"]["units"]["sha256"]) == 64
    rules = {rule["rule"]: rule for rule in manifest["rules"]}
    assert rules["supervision"]["distribution"] == "kaohe-supervision"
    assert rules["unit_grading"]["distribution"] == "kaohe"
    assert "notices" in manifest["absent_tables"]
    assert sum(manifest["out_of_period"].values()) > 0


def test_as_of_changes_what_is_overdue(runner: CliRunner, tmp_path: Path) -> None:
    assert score(runner, "--out", str(tmp_path / "o"), "--as-of", "2019-06-30")[0] == 0
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2019-06-30"


def test_a_bad_as_of_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    code, output = score(runner, "--out", str(tmp_path / "o"), "--as-of", "2019-13-01")
    assert code == 2
    assert "expected a date YYYY-MM-DD" in output


def test_validate_checks_without_writing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(COUNTY)])
    assert result.exit_code == 0, result.output
    assert "ok (" in result.output
    assert "20 units" in result.output


def test_plugins_lists_distributions_hooks_and_rules(runner: CliRunner) -> None:
    result = runner.invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert "kaohe-supervision 1.0.0" in result.output
    assert "hooks: kaohe_check_inputs, kaohe_register_rules" in result.output
    assert "rule supervision: 督查督办扣分 (R3)" in result.output
    hotline = result.output.split("hotline  [kaohe-hotline ")[1].split("\n")
    assert hotline[1:4] == [
        "    plugin API: 1.2",
        "    hooks: kaohe_register_rules, kaohe_register_tables",
        "    tables: hotline",
    ]
    assert "not stated" not in result.output  # neither a reference plugin nor kaohe's own


def broken_copy(tmp_path: Path, table: str, text: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), data)
    (data / f"{table}.csv").write_text(text, encoding="utf-8")
    return data


def test_bad_data_exits_1_names_the_file_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = broken_copy(tmp_path, "units", "unit_id,name,category\nU1,甲,乡镇\nU1,乙,乡镇\n")
    code, output = score(runner, "--data", str(data), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "Error: " in output
    assert "units.csv, row 3, column 'unit_id': duplicate unit_id 'U1' (also on row 2)" in output
    assert not (tmp_path / "o").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_a_failed_run_keeps_the_earlier_result(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert score(runner, "--out", str(out))[0] == 0
    before = {name: (out / name).read_bytes() for name in FILES}
    data = broken_copy(tmp_path, "targets", "unit_id,indicator,score\n")
    code, _ = score(runner, "--data", str(data), "--out", str(out))
    assert code == 1
    assert {name: (out / name).read_bytes() for name in FILES} == before


def test_a_folder_that_is_not_a_result_is_never_replaced(runner: CliRunner, tmp_path: Path) -> None:
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "report.docx").write_text("keep me")
    code, output = score(runner, "--out", str(precious))
    assert code == 1
    assert "is not a result folder that kaohe wrote (it holds files and no manifest.json)" in output
    assert (precious / "report.docx").read_text() == "keep me"


def test_a_bad_scheme_exits_1_naming_file_and_key(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "county-2019.toml"
    bad.write_text(COUNTY.read_text(encoding="utf-8").replace("cap = 10.0", "cap = -1.0"), "utf-8")
    shutil.copytree(COUNTY.with_suffix(""), tmp_path / "county-2019")
    result = runner.invoke(main, ["score", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert (
        "county-2019.toml: key 'supervision.cap': expected a number >= 0, got -1.0" in result.output
    )


def test_a_missing_scheme_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["score", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2


def test_local_plugin_files_load_only_from_the_folder_given(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "bonus.py").write_text(
        "import kaohe\n\n"
        'KAOHE_API = "1.1"\n\n'
        "@kaohe.hookimpl\n"
        "def kaohe_register_rules():\n"
        "    return [kaohe.Rule(name='local_bonus', title='本地加分', reference='X1', steps=())]\n",
        encoding="utf-8",
    )
    listed = runner.invoke(main, ["plugins"])
    assert "local_bonus" not in listed.output
    listed = runner.invoke(main, ["plugins", "--plugins", str(folder)])
    assert "rule local_bonus: 本地加分 (X1)" in listed.output
    assert "[local:bonus.py unregistered]" in listed.output
    assert "[local:bonus.py unregistered]\n    plugin API: 1.1\n" in listed.output


def test_text_that_looks_like_a_formula_is_neutralised_numbers_stay_numbers(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), data)
    units = (data / "units.csv").read_text(encoding="utf-8-sig")
    first = units.splitlines()[1].split(",")
    evil = units.replace(f"{first[0]},{first[1]},", f'{first[0]},"=HYPERLINK(""x"")",', 1)
    (data / "units.csv").write_text(evil, encoding="utf-8")
    code, output = score(runner, "--data", str(data), "--out", str(tmp_path / "o"))
    assert code == 0, output
    written = (tmp_path / "o" / "units.csv").read_text(encoding="utf-8-sig").splitlines()
    assert f"""{first[0]},"'=HYPERLINK(""x"")",{first[2]},""" in "\n".join(written)
    adjustments = (tmp_path / "o" / "adjustments.csv").read_text(encoding="utf-8-sig")
    assert ",-0.5000," in adjustments  # a negative number is not prefixed
    assert ",'-" not in adjustments


def test_the_workbook_and_report_come_on_request(runner: CliRunner, tmp_path: Path) -> None:
    assert score(runner, "--out", str(tmp_path / "plain"))[0] == 0
    assert not (tmp_path / "plain" / "results.xlsx").exists()
    code, output = score(runner, "--out", str(tmp_path / "all"), "--format", "all")
    assert code == 0, output
    assert (tmp_path / "all" / "results.xlsx").read_bytes()[:2] == b"PK"
    assert "<html" in (tmp_path / "all" / "report.html").read_text("utf-8")
    code, _ = score(runner, "--out", str(tmp_path / "html"), "--format", "html")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "html").iterdir() if p.suffix != ".csv") == [
        "manifest.json",
        "report.html",
    ]


@pytest.mark.parametrize(("setting", "advised"), [(None, "False"), ("1", "True"), ("0", "False")])
def test_the_command_line_asks_for_no_huge_pages_unless_told(
    setting: str | None, advised: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if setting is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = setting
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import kaohe.cli.app, numpy; print(numpy._core.multiarray._get_madvise_hugepage())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == advised
