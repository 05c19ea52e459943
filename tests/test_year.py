"""A year played through: templates out, filled by the offices, imported into the ledger
store, scored and published, one record corrected after an appeal, scored again; the diff
names that record as the cause of exactly the changes it made, and the first run is still
reproduced from the store. On SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import adbc_driver_postgresql.dbapi
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY
from tests.workflow_fill import fill

from kaohe import store
from kaohe.cli import main

FOLDER = COUNTY.with_suffix("")
OFFICES = ("考核办", "督查室", "纪委监委", "组织部")
CAUSE = "更正 督查问题 SV012(第 826 条,督查室:申诉:6月10日已整改,见整改报告)"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def results(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}


def play(location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [dt.datetime(2020, 1, 6, 9, 0)]
    monkeypatch.setattr(store, "clock", lambda: clock[0])
    books = tmp_path / "books"
    run("template", str(COUNTY), "--out", str(books / "2019台账.xlsx"), "--by-bureau")
    run("ledger", "init", location)
    for office in OFFICES:  # each office fills in its workbook and hands it in
        blank = books / f"2019台账-{office}.xlsx"
        filled = tmp_path / f"{office}.xlsx"
        fill(blank, FOLDER, filled)
        run("ledger", "import", location, str(filled), "--by", office, "--reason", "2019年度台账")
    clock[0] = dt.datetime(2020, 1, 10, 9, 0)
    first, second = tmp_path / "first", tmp_path / "second"
    run("score", str(COUNTY), "--data", location, "--out", str(first), "--format", "all")
    run("score", str(COUNTY), "--out", str(tmp_path / "csv"), "--format", "all")
    assert results(first) == results(tmp_path / "csv")  # the store holds the year's records
    clock[0] = dt.datetime(2020, 1, 20, 15, 0)  # 河坝乡 appeals: SV012 was rectified in time
    filed = run("--lang", "zh", "appeal", "file", location, "--against", "SV012", "--by", "河坝乡",
                "--grounds", "6月10日已整改")  # fmt: skip
    assert filed == "申诉 AP001: 针对 SV012,第 825 条\n"
    clock[0] = dt.datetime(2020, 2, 1, 10, 0)
    corrected = run(
        "--lang", "zh", "ledger", "correct", location, "督查问题", "SV012",
        "--set", "整改完成日期=2019-06-10",
        "--by", "督查室", "--reason", "申诉:6月10日已整改,见整改报告",
    )  # fmt: skip
    assert corrected == "更正 supervision SV012: 第 826 条,替代第 382 条\n"
    run("appeal", "decide", location, "AP001", "--outcome", "更正", "--correction", "826",
        "--by", "考核委员会", "--reason", "整改报告属实")  # fmt: skip
    assert run("--lang", "zh", "appeal", "list", location) == (
        "AP001  2020-01-20  针对 SV012  申诉人: 河坝乡  理由: 6月10日已整改  "
        "结果: 更正(supervision SV012 第 826 条)\n"
    )
    clock[0] = dt.datetime(2020, 2, 3, 9, 0)
    run("score", str(COUNTY), "--data", location, "--out", str(second), "--format", "all")
    shown = run("--lang", "zh", "diff", str(first), str(second), "--out", str(tmp_path / "diff"))
    assert f"  {CAUSE}\n" in shown
    with (tmp_path / "diff" / "diff.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = [tuple(row.values()) for row in csv.DictReader(file)]
    # SV012 on time costs 1.0 instead of 3.0: XZ08's supervision points 11.75 (capped at 10)
    # become 9.75, so XZ08 gains 0.25 and its cadres the unit score's weight 0.4 of it
    # (0.10, rounded from their unrounded scores); no rank, grade or other unit moves.
    assert rows == [
        ("单位", "XZ08", "河坝乡", "得分", "58.69", "58.94", f"{CAUSE} +0.25"),
        ("干部", "XZ08-01", "冯平", "得分", "75.84", "75.95", f"{CAUSE} +0.11"),
        ("干部", "XZ08-02", "郭杰", "得分", "74.08", "74.18", f"{CAUSE} +0.10"),
        ("干部", "XZ08-03", "张燕鸿", "得分", "73.79", "73.89", f"{CAUSE} +0.10"),
        ("干部", "XZ08-04", "邵祥秀", "得分", "74.13", "74.23", f"{CAUSE} +0.10"),
    ]
    assert {p.name for p in (tmp_path / "diff").iterdir()} == {"diff.csv", "diff.xlsx", "diff.html"}
    recorded = json.loads((first / "manifest.json").read_text(encoding="utf-8"))["data"]
    assert recorded.endswith("#at=2020-01-06T09:00:00.000000")  # the last import
    run(
        "score",
        str(COUNTY),
        "--data",
        recorded,
        "--out",
        str(tmp_path / "again"),
        "--format",
        "all",
    )
    assert results(tmp_path / "again") == results(first)
    run("score", str(COUNTY), "--data", location, "--ledger-as-of", "2020-01-10",
        "--out", str(tmp_path / "as-of"), "--format", "all")  # fmt: skip
    assert results(tmp_path / "as-of") == results(first)  # the ledger as published from
    assert "scored again" in run("verify", str(first))
    published = run("explain", "--run", str(first), "河坝乡")  # what was published, by name
    assert "整改期限 2019-06-15, 整改完成日期 2019-07-01" in published
    assert "    扣分构成: 2.0 严重 + 1.0 逾期整改 = 3.00\n" in published
    assert "        整改完成日期: 2019-07-01 → 2019-06-10\n" in published  # its correction
    assert (
        "CR006: 编号 CR006, 日期 2019-03-28, 级别 市, 单位编码 XZ08, 文号 市政府办通〔2019〕6号"
        in (published)
    )
    assert "    扣分构成: 2.0 严重 × 0.5 按期整改 = 1.00\n" in run(
        "explain", "--run", str(second), "XZ08"
    )
    log = run("--lang", "zh", "ledger", "log", location, "SV012")
    assert "经办: 督查室  事由: 2019年度台账" in log
    assert "整改完成日期: 2019-07-01 → 2019-06-10" in log
    log = run("ledger", "log", location, "SV012")
    assert "by: 督查室  reason: 2019年度台账" in log
    assert "    rectified_on: 2019-07-01 → 2019-06-10\n" in log


def test_a_year_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    play(str(tmp_path / "kaohe.db"), tmp_path, monkeypatch)


def test_a_year_on_postgresql(
    postgresql_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with adbc_driver_postgresql.dbapi.connect(postgresql_url) as connection:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS year_test CASCADE")
            cursor.execute("CREATE SCHEMA year_test")
        connection.commit()
    joiner = "&" if "?" in postgresql_url else "?"
    play(f"{postgresql_url}{joiner}options=-csearch_path%3Dyear_test", tmp_path, monkeypatch)
