"""The ledger store: append-only entries, corrections, withdrawals, state as of a time."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import adbc_driver_postgresql.dbapi
import adbc_driver_sqlite.dbapi
import pytest
from click.testing import CliRunner, Result
from tests.conftest import COUNTY

from kaohe import store
from kaohe.cli import main

FOLDER = COUNTY.with_suffix("")


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """A clock the test sets: entries are stamped with ``moments[0]``."""
    moments = [dt.datetime(2020, 1, 10, 9, 0)]
    monkeypatch.setattr(store, "clock", lambda: moments[0])
    return moments


def test_a_store_scores_like_the_csv_folder_and_keeps_its_past(
    tmp_path: Path, ticking: list[dt.datetime]
) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    output = run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "年度录入")
    assert "supervision 27" in output.output
    run("score", str(COUNTY), "--out", str(tmp_path / "csv"))
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "first"))
    assert files(tmp_path / "first") == files(tmp_path / "csv")
    ticking[0] = dt.datetime(2020, 2, 1, 10, 0)
    run(
        "ledger", "correct", db, "督查问题", "SV012", "--set", "整改完成日期=2019-06-10",
        "--by", "督查室", "--reason", "申诉:已按期整改",
    )  # fmt: skip
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "second"))
    second = (tmp_path / "second" / "units.csv").read_text(encoding="utf-8-sig")
    # SV012 on time: 严重 2.0 x 0.5 = 1.0 instead of 2.0 + 1.0 逾期 = 3.0; XZ08's supervision
    # points 3+3+2+1+0.25+1.5+1 = 11.75 were capped at 10, now 9.75: D 15.00 -> 14.75
    assert "XZ08,河坝乡,乡镇,72.3000,0.8159,73.6931,14.7500,0.0000,58.94,8" in second
    past = f"sqlite:///{db}#at=2020-01-31"
    run("score", str(COUNTY), "--data", past, "--out", str(tmp_path / "again"))
    assert files(tmp_path / "again") == files(tmp_path / "first")
    first = json.loads((tmp_path / "first" / "manifest.json").read_text(encoding="utf-8"))
    assert first["data"] == f"{db}#at=2020-01-10T09:00:00.000000"  # the state it scored
    run("verify", str(tmp_path / "first"))
    run("verify", str(tmp_path / "again"))
    log = run("--lang", "zh", "ledger", "log", db, "SV012").output.splitlines()
    assert log[0].startswith("[supervision] 第 ")
    assert log[0].endswith("录入  经办: 考核办  事由: 年度录入")
    assert "    整改期限: 2019-06-15" in log
    corrected = next(line for line in log if "更正" in line)
    assert re.fullmatch(
        r"\[supervision\] 第 \d+ 条  2020-02-01 10:00:00  更正\(替代第 \d+ 条\)  "
        r"经办: 督查室  事由: 申诉:已按期整改",
        corrected,
    ), corrected
    assert "    整改完成日期: 2019-07-01 → 2019-06-10" in log
    english = run("ledger", "log", db, "SV012").output.splitlines()
    assert english[0].startswith("[supervision] entry ")
    assert english[0].endswith("entered  by: 考核办  reason: 年度录入")
    assert "    deadline: 2019-06-15" in english
    corrected = next(line for line in english if "corrected" in line)
    assert re.fullmatch(
        r"\[supervision\] entry \d+  2020-02-01 10:00:00  corrected \(replaces entry \d+\)  "
        r"by: 督查室  reason: 申诉:已按期整改",
        corrected,
    ), corrected
    assert "    rectified_on: 2019-07-01 → 2019-06-10" in english


def test_entries_are_never_updated_or_deleted(tmp_path: Path) -> None:
    db = tmp_path / "kaohe.db"
    run("ledger", "init", str(db))
    run("ledger", "import", str(db), str(FOLDER), "--by", "考核办", "--reason", "录入")
    with adbc_driver_sqlite.dbapi.connect(str(db)) as connection, connection.cursor() as cursor:
        for statement in ("UPDATE kaohe_entries SET reason = 'x'", "DELETE FROM kaohe_entries"):
            with pytest.raises(Exception, match="append-only"):
                cursor.execute(statement)


def test_a_withdrawn_record_no_longer_counts(tmp_path: Path) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("ledger", "withdraw", db, "interviews", "IV002", "--by", "督查室", "--reason", "误录")
    log = run("ledger", "log", db, "IV002").output
    assert "withdrawn (replaces entry " in log
    assert "by: 督查室  reason: 误录" in log
    log = run("--lang", "zh", "ledger", "log", db, "IV002").output
    assert "撤销(替代第" in log
    assert "经办: 督查室  事由: 误录" in log
    result = run("ledger", "correct", db, "interviews", "IV002", "--set", "备注=x",
                 "--by", "a", "--reason", "b", code=1)  # fmt: skip
    assert "interviews 'IV002' was withdrawn" in result.output


def test_bad_entries_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    before = len(store.entries(db))
    bad = run("ledger", "correct", db, "supervision", "SV012", "--set", "单位编码=NOPE",
              "--by", "a", "--reason", "b", code=1)  # fmt: skip
    assert "'NOPE'" in bad.output
    unknown = run("ledger", "correct", db, "supervision", "SV012", "--set", "责任人=x",
                  "--by", "a", "--reason", "b", code=1)  # fmt: skip
    assert "supervision: no column '责任人'" in unknown.output
    missing = run("ledger", "correct", db, "supervision", "SV999", "--set", "备注=x",
                  "--by", "a", "--reason", "b", code=1)  # fmt: skip
    assert "no record 'SV999'" in missing.output
    empty = run("ledger", "withdraw", db, "supervision", "SV012", "--by", " ", "--reason", "b",
                code=1)  # fmt: skip
    assert "--by: empty" in empty.output
    assert len(store.entries(db)) == before
    again = run("ledger", "init", db, code=1)
    assert "already exists" in again.output


def test_an_import_with_changed_values_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    same = run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "再录")
    assert "entered 0 records: no new records" in same.output
    again = run(
        "--lang", "zh", "ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "再录"
    )
    assert "录入 0 条: 无新记录" in again.output
    changed = tmp_path / "changed"
    changed.mkdir()
    text = (FOLDER / "interviews.csv").read_text(encoding="utf-8-sig")
    (changed / "interviews.csv").write_text(text.replace(",XZ", ",TG", 1), encoding="utf-8")
    result = run("ledger", "import", db, str(changed), "--by", "a", "--reason", "b", code=1)
    assert "already in the store with other values" in result.output


def test_two_files_giving_one_id_are_both_named(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "units.csv").write_text(
            "unit_id,name,category\nXZ01,甲镇,乡镇\n", encoding="utf-8"
        )
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    result = run("ledger", "import", db, str(tmp_path / "a"), str(tmp_path / "b"),
                 "--by", "a", "--reason", "b", code=1)  # fmt: skip
    assert f"{tmp_path / 'b' / 'units.csv'}" in result.output
    assert f"is also given by {tmp_path / 'a' / 'units.csv'}, row 2" in result.output


def test_the_store_on_postgresql(
    postgresql_url: str, tmp_path: Path, ticking: list[dt.datetime]
) -> None:
    with adbc_driver_postgresql.dbapi.connect(postgresql_url) as connection:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS store_test CASCADE")
            cursor.execute("CREATE SCHEMA store_test")
        connection.commit()
    joiner = "&" if "?" in postgresql_url else "?"
    url = f"{postgresql_url}{joiner}options=-csearch_path%3Dstore_test"
    run("ledger", "init", url)
    run("ledger", "import", url, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("score", str(COUNTY), "--out", str(tmp_path / "csv"))
    run("score", str(COUNTY), "--data", url, "--out", str(tmp_path / "pg"))
    assert files(tmp_path / "pg") == files(tmp_path / "csv")
    with (
        adbc_driver_postgresql.dbapi.connect(url) as connection,
        connection.cursor() as cursor,
        pytest.raises(Exception, match="append-only"),
    ):
        cursor.execute("DELETE FROM kaohe_entries")


def test_importing_again_after_an_appeal_adds_only_what_is_new(tmp_path: Path) -> None:
    """Appeals are entries of the store, not records of an input table: an import
    after one matches the stored records as before (it crashed on the appeal)."""
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("appeal", "file", db, "--against", "SV012", "--by", "河坝乡", "--grounds", "已整改")
    again = run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "再次录入")
    assert again.output == "entered 0 records: no new records\n"
    assert "AP001" in run("appeal", "list", db).output


def test_appeal_decisions_are_checked(tmp_path: Path) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("appeal", "file", db, "--against", "XZ08 等次", "--by", "河坝乡", "--grounds", "排名有误")
    needs = run("appeal", "decide", db, "AP001", "--outcome", "更正", "--by", "a",
                "--reason", "b", code=1)  # fmt: skip
    assert "outcome 更正 needs the entry number of the correction" in needs.output
    upheld = run("appeal", "decide", db, "AP001", "--outcome", "维持", "--correction", "3",
                 "--by", "a", "--reason", "b", code=1)  # fmt: skip
    assert "an appeal upheld (维持) corrects nothing" in upheld.output
    run(
        "appeal",
        "decide",
        db,
        "AP001",
        "--outcome",
        "维持",
        "--by",
        "考核委员会",
        "--reason",
        "无误",
    )
    twice = run("appeal", "decide", db, "AP001", "--outcome", "维持", "--by", "a",
                "--reason", "b", code=1)  # fmt: skip
    assert "appeal AP001 was decided already" in twice.output
    unknown = run("appeal", "decide", db, "AP009", "--outcome", "维持", "--by", "a",
                  "--reason", "b", code=1)  # fmt: skip
    assert "no appeal 'AP009'" in unknown.output
    assert "outcome: 维持" in run("appeal", "list", db).output
    assert "结果: 维持" in run("--lang", "zh", "appeal", "list", db).output
    assert "    against: XZ08 等次" in run("ledger", "log", db, "AP001").output


def test_the_report_and_workbook_list_the_appeals_of_the_run(
    tmp_path: Path, ticking: list[dt.datetime]
) -> None:
    from openpyxl import load_workbook

    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "none"), "--format", "xlsx",
        "--format", "html")  # fmt: skip
    none = tmp_path / "none"
    assert "申诉" not in load_workbook(none / "results.xlsx").sheetnames
    assert 'id="appeals"' not in (none / "report.html").read_text(encoding="utf-8")
    ticking[0] = dt.datetime(2020, 1, 20, 15, 30)
    run("appeal", "file", db, "--against", "SV012", "--by", "河坝乡", "--grounds", "6月10日已整改")
    ticking[0] = dt.datetime(2020, 1, 21, 8, 5)
    run(
        "appeal", "file", db, "--against", "BM03 等次", "--by", "县教育局", "--grounds", "=否决有误"
    )
    ticking[0] = dt.datetime(2020, 2, 1, 10, 0)
    corrected = run(
        "ledger",
        "correct",
        db,
        "督查问题",
        "SV012",
        "--set",
        "整改完成日期=2019-06-10",
        "--by",
        "督查室",
        "--reason",
        "申诉属实",
    ).output
    seq = corrected.split("entry ")[1].split(",")[0]
    run("appeal", "decide", db, "AP001", "--outcome", "更正", "--correction", seq,
        "--by", "考核委员会", "--reason", "整改报告属实")  # fmt: skip
    ticking[0] = dt.datetime(2020, 2, 2, 9, 0)
    run("appeal", "decide", db, "AP002", "--outcome", "维持", "--by", "考核委员会",
        "--reason", "否决依据充分")  # fmt: skip
    out = tmp_path / "out"
    run("score", str(COUNTY), "--data", db, "--out", str(out), "--format", "xlsx",
        "--format", "html")  # fmt: skip
    sheet = load_workbook(out / "results.xlsx")["申诉"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["编号", "申诉对象", "申诉人", "申诉时间", "申诉理由", "结果", "所引起的更正", "决定人",
         "决定时间", "决定理由"],
        ["AP001", "SV012", "河坝乡", "2020-01-20 15:30", "6月10日已整改", "更正",
         f"supervision SV012 第 {seq} 条", "考核委员会", "2020-02-01 10:00", "整改报告属实"],
        ["AP002", "BM03 等次", "县教育局", "2020-01-21 08:05", "'=否决有误", "维持", None,
         "考核委员会", "2020-02-02 09:00", "否决依据充分"],
    ]  # fmt: skip
    page = (out / "report.html").read_text(encoding="utf-8")
    assert (
        "<tr><td>AP001</td><td>SV012</td><td>河坝乡</td><td>2020-01-20 15:30</td>"
        "<td>6月10日已整改</td><td>更正</td>"
        f"<td>supervision SV012 第 {seq} 条</td><td>考核委员会</td><td>2020-02-01 10:00</td>"
        "<td>整改报告属实</td></tr>"
        "<tr><td>AP002</td><td>BM03 等次</td><td>县教育局</td><td>2020-01-21 08:05</td>"
        "<td>=否决有误</td><td>维持</td><td></td><td>考核委员会</td><td>2020-02-02 09:00</td>"
        "<td>否决依据充分</td></tr>"
    ) in page
    run("verify", str(out))  # the appeals are part of what the run reproduces


def test_explain_shows_a_records_corrections_from_a_store_and_from_a_run(
    tmp_path: Path, ticking: list[dt.datetime]
) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "录入")
    ticking[0] = dt.datetime(2020, 2, 1, 10, 0)
    corrected = run(
        "ledger",
        "correct",
        db,
        "督查问题",
        "SV012",
        "--set",
        "整改完成日期=2019-06-10",
        "--by",
        "督查室",
        "--reason",
        "申诉属实",
    ).output
    seq, replaced = corrected.split("entry ")[1].split(",")[0], corrected.split("entry ")[2].strip()
    history = (
        f"    第 {seq} 条  2020-02-01 10:00:00  更正(替代第 {replaced} 条)  经办: 督查室  "
        "事由: 申诉属实\n        整改完成日期: 2019-07-01 → 2019-06-10\n"
    )
    today = run("explain", str(COUNTY), "--data", db, "XZ08").output
    assert history in today
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "out"))
    assert history in run("explain", "--run", str(tmp_path / "out"), "河坝乡").output
    plain = run("explain", str(COUNTY), "XZ08").output  # a CSV folder has no history
    assert "整改完成日期: 2019-07-01 →" not in plain


def test_ledger_as_of_reads_the_store_as_it_stood_and_reproduces_the_run(
    tmp_path: Path, ticking: list[dt.datetime]
) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "年度录入")
    run("score", str(COUNTY), "--data", db, "--out", str(tmp_path / "a"))
    ticking[0] = dt.datetime(2020, 2, 1, 10, 0)
    run("ledger", "correct", db, "督查问题", "SV012", "--set", "整改完成日期=2019-06-10",
        "--by", "督查室", "--reason", "申诉")  # fmt: skip
    for when, out in (("2020-01-31", "by-date"), ("2020-02-01T09:59:59", "by-time")):
        run("score", str(COUNTY), "--data", db, "--ledger-as-of", when,
            "--out", str(tmp_path / out))  # fmt: skip
        for name in ("units.csv", "cadres.csv", "adjustments.csv", "freezes.csv"):
            assert (tmp_path / out / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
        recorded = json.loads((tmp_path / out / "manifest.json").read_text(encoding="utf-8"))
        assert recorded["data"] == f"{db}#at={when}"
        assert recorded["as_of"] == "2019-12-31"  # the assessment's date is --as-of's
        assert "scored again" in run("verify", str(tmp_path / out)).output
    # a date is its whole day: the correction, made on 2020-02-01, is in that day's state
    run("score", str(COUNTY), "--data", db, "--ledger-as-of", "2020-02-01",
        "--out", str(tmp_path / "after"))  # fmt: skip
    units = (tmp_path / "after" / "units.csv").read_text(encoding="utf-8-sig")
    assert ",14.7500,0.0000,58.94,8" in units  # XZ08 with SV012 on time (see the test above)
    checked = run("validate", str(COUNTY), "--data", db, "--ledger-as-of", "2020-01-31").output
    assert f"{db}#at=2020-01-31: ok (" in checked
    explained = run("explain", str(COUNTY), "XZ08", "--data", db, "--ledger-as-of", "2020-01-31")
    assert "整改完成日期 2019-07-01" in explained.output


def test_ledger_as_of_is_refused_without_a_store(tmp_path: Path) -> None:
    db = str(tmp_path / "kaohe.db")
    run("ledger", "init", db)
    run("ledger", "import", db, str(FOLDER), "--by", "考核办", "--reason", "年度录入")
    plain = run("score", str(COUNTY), "--data", str(FOLDER), "--ledger-as-of", "2020-01-31",
                "--out", str(tmp_path / "x"), code=2)  # fmt: skip
    assert "--ledger-as-of reads a ledger store as it stood at a time, and no --data" in (
        plain.output
    )
    assert not (tmp_path / "x").exists()
    missing = run("score", str(COUNTY), "--ledger-as-of", "2020-01-31", code=2).output
    assert "--ledger-as-of needs --data naming a ledger store" in missing
    bad = run("validate", str(COUNTY), "--data", db, "--ledger-as-of", "31.01.2020", code=2)
    assert "'31.01.2020': not a date or time; expected YYYY-MM-DD" in bad.output
    twice = run("validate", str(COUNTY), "--data", f"{db}#at=2020-01-31",
                "--ledger-as-of", "2020-01-31", code=2)  # fmt: skip
    assert "already gives the store's point (#at=); give it once" in twice.output
    chinese = run("--lang", "zh", "validate", str(COUNTY), "--data", str(FOLDER),
                  "--ledger-as-of", "2020-01-31", code=2)  # fmt: skip
    assert f"--ledger-as-of 读取台账库在某一时点的状态,而 --data 给出的都不是台账库({FOLDER})" in (
        chinese.output
    )
