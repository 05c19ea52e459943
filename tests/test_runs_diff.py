"""Recorded runs kept when a result is replaced; kaohe diff on result folders."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.errors import KaoheError

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
    inode = (out / "cadres.csv").stat().st_ino
    again = run("score", str(COUNTY), "--out", str(out), "--as-of", "2019-11-30")
    assert f"replaces {out} (scored from {FOLDER}, as of 2019-12-31)" in again.output
    kept = sorted((tmp_path / "out.runs").iterdir())
    assert len(kept) == 1
    assert kept[0].name.startswith("001-")
    assert (kept[0] / "manifest.json").read_bytes() == earlier
    assert (kept[0] / "cadres.csv").stat().st_ino == inode  # moved there, not copied
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
    shown = run(
        "--lang",
        "zh",
        "diff",
        str(tmp_path / "a"),
        str(tmp_path / "b"),
        "--out",
        str(tmp_path / "d"),
    )
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
    shown = run("--lang", "zh", "diff", str(tmp_path / "a"), str(tmp_path / "a")).output
    assert shown.splitlines()[1:] == ["输入与设置: 无变化", "结果: 无变化"]


def test_diff_needs_result_folders(tmp_path: Path) -> None:
    run("score", str(COUNTY), "--out", str(tmp_path / "a"))
    result = run("diff", str(tmp_path / "a"), str(tmp_path), code=1)
    assert f"{tmp_path}: not a result folder (no manifest.json)" in result.output
    taken = run("--lang", "zh", "diff", str(tmp_path / "a"), str(tmp_path / "a"),
                "--out", str(tmp_path / "a"), code=1)  # fmt: skip
    assert "已存在;请为 --out 另取一个文件夹名" in taken.output


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


def test_diff_attributes_a_scheme_parameter_and_a_corrected_record(tmp_path: Path) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "a"))
    run("ledger", "correct", db, "督查问题", "SV012", "--set", "整改完成日期=2019-06-10",
        "--by", "督查室", "--reason", "申诉")  # fmt: skip
    capped = tmp_path / "capped.toml"
    text = COUNTY.read_text(encoding="utf-8")
    assert text.count("\ncap = 10.0\n") == 1  # supervision's cap
    capped.write_text(text.replace("\ncap = 10.0\n", "\ncap = 3.0\n"), encoding="utf-8")
    run("score", str(capped), "--data", db, "--out", str(tmp_path / "b"))
    manifest = tmp_path / "b" / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    installed = recorded["plugins"][0]["version"]
    recorded["plugins"][0]["version"] = "0.0.1"  # as if run B had another plugin version
    manifest.write_text(json.dumps(recorded), encoding="utf-8")
    plugin = recorded["plugins"][0]["distribution"]
    # the installed version is not B's: the code's effect cannot be had, and is left in
    # the remainder (it has none: the code is the same)
    unscored = f"无法单独重算:已安装 {plugin} {installed},第二次运行用的是 0.0.1;其影响计入余项"
    shown = run(
        "--lang",
        "zh",
        "diff",
        str(tmp_path / "a"),
        str(tmp_path / "b"),
        "--out",
        str(tmp_path / "d"),
    )
    record = "更正 督查问题 SV012(第 825 条,督查室:申诉)"
    cap = "方案参数 supervision.cap: 10 → 3"
    assert f"  {record}\n  {cap}\n  插件 {plugin}: " in shown.output
    assert f"    ({unscored})\n" in shown.output
    with (tmp_path / "d" / "diff.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = {
            (r["编码"], r["项目"]): (r["原值"], r["新值"], r["原因"]) for r in csv.DictReader(file)
        }
    # XZ08's supervision deductions are 11.75, capped at 10. The correction alone makes them
    # 9.75 (+0.25); the cap of 3 alone leaves 3 (+7.00); both together 3 as well (+7.00),
    # so the two parts overlap by 0.25. BM05's 4.50 are capped at 3 only by the new cap
    # (+1.50), and its cadres gain the unit's weight 0.4 of it.
    assert rows[("XZ08", "得分")] == (
        "58.69",
        "65.69",
        f"{record} +0.25;{cap} +7.00;交互/余项 -0.25",
    )
    assert rows[("XZ08", "等次")] == ("较差", "一般", cap)
    assert rows[("BM05", "得分")] == ("75.95", "77.45", f"{cap} +1.50")
    assert rows[("BM05-01", "得分")] == ("80.16", "80.76", f"{cap} +0.60")
    assert rows[("XZ08-01", "得分")] == (
        "75.84", "78.95", f"{record} +0.11;{cap} +3.11;交互/余项 -0.11"
    )  # fmt: skip
    assert len(rows) == 11
    page = (tmp_path / "d" / "diff.html").read_text(encoding="utf-8")
    assert f"{record} +0.25;{cap} +7.00;交互/余项 -0.25" in page
    assert f"<small>{unscored}</small>" in page
    book = load_workbook(tmp_path / "d" / "diff.xlsx")
    causes = [tuple(row) for row in book["变化原因"].iter_rows(values_only=True)]
    assert causes[:3] == [
        ("输入与设置的变化", "单独重算"),
        (record, "已单独重算"),
        (cap, "已单独重算"),
    ]
    assert causes[3][1] == unscored
    english = run("diff", str(tmp_path / "a"), str(tmp_path / "b")).output
    assert "  scheme parameter supervision.cap: 10 → 3\n" in english
    assert (
        "  unit XZ08 河坝乡: score 58.69 → 65.69  because: "
        "corrected 督查问题 SV012 (entry 825, 督查室: 申诉) +0.25;"
        "scheme parameter supervision.cap: 10 → 3 +7.00;interaction / remainder -0.25\n"
    ) in english
    assert "  unit XZ08 河坝乡: grade 较差 → 一般  because: scheme parameter" in english
    assert (
        "  单位 XZ08 河坝乡: 得分 58.69 → 65.69  原因: "
        f"{record} +0.25;{cap} +7.00;交互/余项 -0.25\n"
    ) in shown.output


def test_diff_of_two_data_folders_attributes_each_table(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        for path in FOLDER.glob("*.csv"):
            (tmp_path / name / path.name).write_bytes(path.read_bytes())
    vetoes = (tmp_path / "b" / "vetoes.csv").read_text(encoding="utf-8-sig").splitlines()
    (tmp_path / "b" / "vetoes.csv").write_text("\n".join(vetoes[:1] + vetoes[2:]) + "\n",
                                               encoding="utf-8")  # fmt: skip
    run("score", str(COUNTY), "--data", str(tmp_path / "a"), "--out", str(tmp_path / "ra"))
    run("score", str(COUNTY), "--data", str(tmp_path / "b"), "--out", str(tmp_path / "rb"))
    shown = run("--lang", "zh", "diff", str(tmp_path / "ra"), str(tmp_path / "rb")).output
    cause = "输入表 vetoes 已改变(2 → 1 行)"
    assert f"  {cause}\n结果变化" in shown  # scored alone: no note under it
    assert f"  单位 BM03 县教育局: 等次 较差 → 优秀  原因: {cause}\n" in shown
    assert f"  单位 BM02 县财政局: 等次 优秀 → 良好  原因: {cause}\n" in shown


def test_a_cause_that_cannot_be_scored_alone_says_why_and_alone_explains_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaohe.diff import causes

    def refused(path: str, value: object) -> object:
        def apply(scheme: object, data: object) -> object:
            raise KaoheError(f"{path}={value} refused alone")

        return apply

    monkeypatch.setattr(causes, "_override", refused)
    capped = tmp_path / "capped.toml"
    text = COUNTY.read_text(encoding="utf-8")
    capped.write_text(text.replace("\ncap = 10.0\n", "\ncap = 3.0\n"), encoding="utf-8")
    run("score", str(COUNTY), "--data", str(FOLDER), "--out", str(tmp_path / "a"))
    run("score", str(capped), "--data", str(FOLDER), "--out", str(tmp_path / "b"))
    shown = run("diff", str(tmp_path / "a"), str(tmp_path / "b")).output
    cause = "scheme parameter supervision.cap: 10 → 3"
    assert f"  {cause}\n    (cannot be scored alone: supervision.cap=3.0 refused alone)\n" in shown
    assert f"  unit BM05 县交通运输局: score 75.95 → 77.45  because: {cause}\n" in shown


def test_diff_scores_a_plugin_version_change_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaohe_supervision

    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "a"))
    run("ledger", "correct", db, "督查问题", "SV012", "--set", "整改完成日期=2019-06-10",
        "--by", "督查室", "--reason", "申诉")  # fmt: skip
    capped = kaohe_supervision.capped

    def one_more(ctx: object, blocks: object, cap: float, n: int, label: str) -> object:
        return capped(ctx, blocks, cap + 1.0, n, label)  # the new version: a cap one higher

    monkeypatch.setattr(kaohe_supervision, "capped", one_more)
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "b"))
    manifest = tmp_path / "a" / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    [entry] = [p for p in recorded["plugins"] if p["distribution"] == "kaohe-supervision"]
    version = entry["version"]
    entry["version"] = "0.0.1"  # run A was scored with the old code
    manifest.write_text(json.dumps(recorded), encoding="utf-8")
    shown = run("--lang", "zh", "diff", str(tmp_path / "a"), str(tmp_path / "b"),
                "--out", str(tmp_path / "d")).output  # fmt: skip
    record = "更正 督查问题 SV012(第 825 条,督查室:申诉)"
    plugin = f"插件 kaohe-supervision: 0.0.1 → {version}"
    assert f"  {record}\n  {plugin}\n结果变化" in shown  # both scored alone: no note
    with (tmp_path / "d" / "diff.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = {
            (r["编码"], r["项目"]): (r["原值"], r["新值"], r["原因"]) for r in csv.DictReader(file)
        }
    # XZ08's supervision deductions are 11.75, capped at 10 by the old code. The new code
    # caps them at 11: A's records under it cost 1.00 more (-1.00). Under the new code the
    # correction alone makes them 9.75, below any cap: 1.25 less than 11 (+1.25). Together
    # -1.00 + 1.25 = +0.25, all of the change: no remainder. A leader with an exam has the
    # unit score at weight 0.4: XZ08-02 74.08 (41.6667 votes + 0.4 x 58.69 + 8.94 exam)
    # is 73.68 under the new code (-0.40) and 74.18 with the correction (+0.50). The head
    # has no exam, so the unit weighs 0.4 / 0.9: XZ08-01 49.7585 + 58.69 x 4/9 = 75.84,
    # 49.7585 + 57.69 x 4/9 = 75.40 under the new code (-0.44), 75.95 corrected (+0.55).
    assert rows[("XZ08", "得分")] == ("58.69", "58.94", f"{plugin} -1.00;{record} +1.25")
    assert rows[("XZ08-01", "得分")] == ("75.84", "75.95", f"{plugin} -0.44;{record} +0.55")
    assert rows[("XZ08-02", "得分")] == ("74.08", "74.18", f"{plugin} -0.40;{record} +0.50")
    assert len(rows) == 5  # no other unit's deductions reach 10
    causes = load_workbook(tmp_path / "d" / "diff.xlsx")["变化原因"]
    assert [tuple(row) for row in causes.iter_rows(values_only=True)][1:] == [
        (record, "已单独重算"),
        (plugin, "已单独重算"),
    ]
    # the code alone: A and B from one store state, B with the new code
    run("score", str(COUNTY), "--data", recorded["data"], "--out", str(tmp_path / "c"))
    alone = run("--lang", "zh", "diff", str(tmp_path / "a"), str(tmp_path / "c")).output
    assert f"  单位 XZ08 河坝乡: 得分 58.69 → 57.69  原因: {plugin} -1.00\n" in alone


def test_a_scheme_edited_in_place_is_rebuilt_from_the_text_its_run_kept(tmp_path: Path) -> None:
    scheme = tmp_path / COUNTY.name
    scheme.write_bytes(COUNTY.read_bytes())
    run("score", str(scheme), "--data", str(FOLDER), "--out", str(tmp_path / "a"))
    text = scheme.read_text(encoding="utf-8")
    assert text.count("\ncap = 10.0\n") == 1  # supervision's cap
    scheme.write_text(text.replace("\ncap = 10.0\n", "\ncap = 3.0\n"), encoding="utf-8")
    run("score", str(scheme), "--data", str(FOLDER), "--out", str(tmp_path / "b"))
    note = f"注意:方案:{scheme} 在运行后已改变或已不存在;使用 manifest.json 中保存的方案文本"
    shown = run("--lang", "zh", "diff", str(tmp_path / "a"), str(tmp_path / "b"),
                "--out", str(tmp_path / "d")).output  # fmt: skip
    cap = "方案参数 supervision.cap: 10 → 3"
    assert shown.splitlines()[1:4] == [note, "输入与设置的变化:", f"  {cap}"]
    with (tmp_path / "d" / "diff.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = {
            (r["编码"], r["项目"]): (r["原值"], r["新值"], r["原因"]) for r in csv.DictReader(file)
        }
    # the cap of 3 alone: XZ08's 11.75 capped at 3 instead of 10 (+7.00), BM05's 4.50
    # (+1.50); the only cause, so all of each change
    assert rows[("XZ08", "得分")] == ("58.69", "65.69", f"{cap} +7.00")
    assert rows[("BM05", "得分")] == ("75.95", "77.45", f"{cap} +1.50")
    assert {reason.partition(" +")[0].partition(" -")[0] for *_, reason in rows.values()} == {cap}
    checked = run("verify", str(tmp_path / "a")).output
    assert f"note: scheme: {scheme} has changed since the run or is gone" in checked
    assert "ok: the inputs scored again give every value of every file" in checked
    published = run("explain", "--run", str(tmp_path / "a"), "XZ08").output
    assert "    封顶返还 +1.7500  督查督办扣分封顶,上限 10 分\n" in published  # as published
    assert "公布得分 = round2(max(0, 合计)) = 58.69  ✓ 与公布得分一致" in published
    assert "note: scheme: " in published
    manifest = tmp_path / "a" / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    recorded["scheme"]["text"] = recorded["scheme"]["text"].replace("cap = 10.0", "cap = 9.0")
    manifest.write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")
    tampered = run("verify", str(tmp_path / "a"), code=1).output
    assert "scheme: the text manifest.json keeps is not the scheme the run was scored with" in (
        tampered
    )
    refused = run("explain", "--run", str(tmp_path / "a"), "XZ08", code=1).output
    assert "changed since or is gone, and the manifest keeps no text of it as it was" in refused
