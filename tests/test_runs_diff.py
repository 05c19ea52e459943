"""Recorded runs kept when a result is replaced; kaohe diff on result folders."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner, Result
from tests.conftest import COUNTY

from kaohe.cli import main

FOLDER = COUNTY.with_suffix("")


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


def test_scoring_again_says_what_it_replaces_and_keeps_the_earlier_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("score", str(COUNTY), "--out", str(out))
    assert "replaces" not in first.output
    earlier = (out / "manifest.json").read_bytes()
    again = run("score", str(COUNTY), "--out", str(out), "--as-of", "2019-11-30")
    assert f"replaces {out} (scored from {FOLDER}, as of 2019-12-31)" in again.output
    kept = sorted((tmp_path / "out.runs").iterdir())
    assert len(kept) == 1
    assert kept[0].name.startswith("001-")
    assert (kept[0] / "manifest.json").read_bytes() == earlier
    run("verify", str(kept[0]))
    run("score", str(COUNTY), "--out", str(out))
    assert [p.name[:4] for p in sorted((tmp_path / "out.runs").iterdir())] == ["001-", "002-"]


def test_diff_of_two_folders_names_the_tables_and_settings_that_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in FOLDER.glob("*.csv"):
        (data / path.name).write_bytes(path.read_bytes())
    run("score", str(COUNTY), "--data", str(data), "--out", str(tmp_path / "a"))
    text = (data / "vetoes.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    (data / "vetoes.csv").write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    run("score", str(COUNTY), "--data", str(data), "--out", str(tmp_path / "b"))
    shown = run("diff", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "d"))
    assert "  输入表 vetoes 已改变(2 → 1 行)\n" in shown.output
    with (tmp_path / "d" / "diff.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    cause = "输入表 vetoes 已改变(2 → 1 行)"
    units = [tuple(row.values())[:6] for row in rows if row["对象"] == "单位"]
    # without VT001 BM03 is 优秀 and takes an 优秀 place of its category from BM02
    assert units == [
        ("单位", "BM02", "县财政局", "等次", "优秀", "良好"),
        ("单位", "BM02", "县财政局", "标记", "通报表扬", "(无)"),
        ("单位", "BM03", "县教育局", "等次", "较差", "优秀"),
        ("单位", "BM03", "县教育局", "标记", "一票否决;作风问题严重;约谈", "通报表扬"),
    ]
    assert len(rows) == 19
    assert {row["原因"] for row in rows} == {cause}


def test_diff_of_a_run_with_itself_finds_nothing(tmp_path: Path) -> None:
    run("score", str(COUNTY), "--out", str(tmp_path / "a"))
    shown = run("diff", str(tmp_path / "a"), str(tmp_path / "a")).output
    assert shown.splitlines()[1:] == ["输入与设置: 无变化", "结果: 无变化"]


def test_diff_needs_result_folders(tmp_path: Path) -> None:
    run("score", str(COUNTY), "--out", str(tmp_path / "a"))
    result = run("diff", str(tmp_path / "a"), str(tmp_path), code=1)
    assert f"{tmp_path}: not a result folder (no manifest.json)" in result.output
    taken = run("diff", str(tmp_path / "a"), str(tmp_path / "a"), "--out", str(tmp_path / "a"),
                code=1)  # fmt: skip
    assert "already exists; give --out a new folder name" in taken.output


def test_explain_run_refuses_inputs_changed_since_the_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in FOLDER.glob("*.csv"):
        (data / path.name).write_bytes(path.read_bytes())
    run("score", str(COUNTY), "--data", str(data), "--out", str(tmp_path / "a"))
    assert "所依据的记录:" in run("explain", "--run", str(tmp_path / "a"), "BM03").output
    (data / "vetoes.csv").write_text("id,date,unit_id,item\n", encoding="utf-8")
    result = run("explain", "--run", str(tmp_path / "a"), "BM03", code=1)
    assert "the inputs of the run changed since (tables vetoes)" in result.output
    usage = run("explain", "--run", str(tmp_path / "a"), str(COUNTY), "BM03", code=2)
    assert "with --run give only ID" in usage.output
