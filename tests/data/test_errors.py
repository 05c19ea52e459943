"""Every bad input of the data contract gives a DataError naming file, row, column, expectation."""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from data_samples import Tables, columns_of, write_csv, write_xlsx
from tests.conftest import COUNTY

import kaohe
from kaohe.data import Dataset, load
from kaohe.errors import DataError

pytestmark = pytest.mark.filterwarnings("error")


def csv_error(tmp_path: Path, tables: Tables, **options: Any) -> DataError:
    folder = write_csv(tmp_path / "data", tables)
    with pytest.raises(DataError) as info:
        load(folder, **options)
    return info.value


def memory_error(tables: Tables | dict[str, Any], **options: Any) -> DataError:
    given = columns_of(tables) if all(isinstance(v, list) for v in tables.values()) else tables
    with pytest.raises(DataError) as info:
        Dataset.from_columns(given, **options)
    return info.value


def assert_names(error: DataError, source: str, row: int | None, column: str | None) -> str:
    """The first problem of ``error`` names ``source``, ``row`` and ``column``; the
    message: one line for one problem, else every problem under a heading of its file."""
    message = str(error)
    first = str(error.problems[0])
    assert error.source.endswith(source), message
    assert first.startswith(error.source)
    assert error.row == row, message
    assert error.column == column, message
    if row is not None:
        assert f"row {row}" in first
    if column is not None:
        assert f"column '{column}'" in first
    if len(error.problems) == 1 and not error.more:
        assert message == first
    else:
        lines = message.splitlines()
        assert lines[0].endswith("in the data, by file:")
        assert lines[1] == error.source
        assert lines[2] == f"  {error.problems[0].place}: {error.problems[0].reason}".replace(
            "  : ", "  "
        )
    return message


# --- tables and files -------------------------------------------------------------


@pytest.mark.parametrize("name", ["units", "cadres", "targets"])
def test_missing_required_table(tmp_path: Path, tables: Tables, name: str) -> None:
    del tables[name]
    folder = tmp_path / "data"
    # the only problem: the rows naming its ids are not reported as naming unknown ids
    assert str(csv_error(tmp_path, tables)) == (
        f"{folder}: missing required table '{name}'; expected a file {folder / name}.csv"
    )


@pytest.mark.parametrize(
    ("kind", "make", "what"),
    [
        ("folder", lambda path: path.mkdir(), "a folder"),
        ("broken link", lambda path: path.symlink_to(path.parent / "gone.csv"), "a link to"),
        ("link loop", lambda path: path.symlink_to(path), "a link to nothing readable"),
        ("pipe", lambda path: os.mkfifo(path), "not a regular file"),
    ],
)
def test_a_table_file_that_is_not_a_file_is_refused_never_taken_as_absent(
    tmp_path: Path, tables: Tables, kind: str, make: Any, what: str
) -> None:
    # an optional table: skipped, it would be scored as "no records this year"
    folder = write_csv(tmp_path / "data", tables)
    awards = folder / "awards.csv"
    awards.unlink()
    make(awards)
    message = assert_names(csv_error_at(folder), str(awards), None, None)
    assert message.startswith(f"{awards}: {what}")
    assert message.endswith(", named after table 'awards'; expected the table's file")


def csv_error_at(folder: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load(folder)
    return info.value


def test_votes_required_only_when_asked(tmp_path: Path, tables: Tables) -> None:
    del tables["votes"]
    folder = write_csv(tmp_path / "data", tables)
    assert "votes" in load(folder).absent
    with pytest.raises(DataError, match="missing required table 'votes'"):
        load(folder, require=("votes",))
    with pytest.raises(DataError, match="<memory>: missing required table 'votes'"):
        Dataset.from_columns(columns_of(tables), require=("votes",))


def test_require_names_a_table(folder: Path) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        load(folder, require=("vote",))


def test_unknown_table_file(tmp_path: Path, tables: Tables) -> None:
    folder = write_csv(tmp_path / "data", tables)
    (folder / "supervison.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load(folder)
    error = info.value
    assert "supervison.csv" in str(error)
    assert "expected tables: units, cadres" in str(error)


def test_missing_required_column(tmp_path: Path, tables: Tables) -> None:
    for row in tables["supervision"]:
        del row["severity"]
    message = assert_names(csv_error(tmp_path, tables), "data/supervision.csv", None, None)
    assert "missing required column 'severity'" in message
    assert "expected columns: id* (编号), date* (日期)" in message


def test_extra_columns_are_ignored_with_a_warning(tmp_path: Path, tables: Tables) -> None:
    for row in tables["units"]:
        row["colour"] = "red"
        row["责任人"] = "张三"
    for row in tables["supervision"]:
        row["categry"] = "x"
    data = load(write_csv(tmp_path / "data", tables))
    assert data.tables["units"].columns.keys() >= {"unit_id", "name", "category"}
    assert "colour" not in data.tables["units"].columns
    warnings = [w for w in data.warnings if "units.csv" in w]
    assert warnings == [
        f"{tmp_path / 'data' / 'units.csv'}: columns 'colour', '责任人' not part of table "
        "'units'; ignored"
    ]
    (supervision,) = [w for w in data.warnings if "supervision.csv" in w]
    assert "'categry' (did you mean 'category'?)" in supervision


def test_misspelt_required_column_suggests_the_name(tmp_path: Path, tables: Tables) -> None:
    for row in tables["units"]:
        row["categroy"] = row.pop("category")
    message = assert_names(csv_error(tmp_path, tables), "data/units.csv", None, None)
    assert "missing required column 'category' in table 'units' (did you mean" in message
    expected = "expected columns: unit_id* (单位编码), name* (单位名称), category* (考核类别)"
    assert expected in message


def test_duplicate_column(folder: Path) -> None:
    (folder / "units.csv").write_text(
        "unit_id,name,category,单位编码\nU01,城关镇,乡镇,U01\nU02,a,b,U02\nU03,c,d,U03\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load(folder)
    message = assert_names(info.value, "data/units.csv", None, None)
    assert "duplicate column 'unit_id'" in message
    assert "'单位编码'" in message


def test_empty_file(folder: Path) -> None:
    (folder / "interviews.csv").write_bytes(b"")
    with pytest.raises(DataError) as info:
        load(folder)
    message = assert_names(info.value, "data/interviews.csv", None, None)
    assert "the file is empty" in message


def test_file_without_header(folder: Path) -> None:
    (folder / "interviews.csv").write_bytes(b"\r\n , ,\r\n")
    with pytest.raises(DataError) as info:
        load(folder)
    assert "interviews.csv: the file has no header line" in str(info.value)


@pytest.mark.parametrize(
    ("data", "row", "detail"),
    [
        ("id,date,unit_id\nI1,2019-10-01,U03\n".encode("utf-16"), None, "looks like UTF-16"),
        ("id,date,unit_id\nI1,2019-10-01,U03\n".encode("utf-16-le"), None, "looks like UTF-16"),
        (codecs.BOM_UTF8 + "id,日期\n".encode("gbk"), 1, "the byte 0xc8 in cell 2"),
        (bytes(range(256)) * 4, 1, "a NUL character in cell 1; expected text"),
        (b"id,date,unit_id\nI1,\x80\xff,U03\n", 2, "the byte 0x80 in cell 2"),
        (b"id,date,unit_id\nI1,2019-10-01,U\x0003\n", 2, "a NUL character in cell 3; expected"),
        (b"id,date,unit_id\nI1,2019-10-01,U03\x1b\n", 2, "a control character 0x1b in cell 3"),
    ],
    ids=["utf16-bom", "utf16le", "bom-but-gbk", "binary", "bad-bytes", "stray-nul", "escape"],
)
def test_bad_encoding(folder: Path, data: bytes, row: int | None, detail: str) -> None:
    (folder / "interviews.csv").write_bytes(data)
    with pytest.raises(DataError) as info:
        load(folder)
    message = assert_names(info.value, "data/interviews.csv", row, None)
    assert detail in message


def test_rows_with_too_many_or_too_few_cells(folder: Path) -> None:
    (folder / "interviews.csv").write_text(
        "id,date,unit_id,note\nI1,2019-10-01,U03,,\nI2,2019-10-02,U03,a,oops\n"
        "I3,2019-10-03\nI4,2019-10-04,U03,fine\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load(folder)
    error = info.value
    message = assert_names(error, "data/interviews.csv", 2, None)
    assert [(p.row, p.column) for p in error.problems] == [(2, None), (3, None), (4, "unit_id")]
    lines = message.splitlines()[2:]
    assert lines[0].startswith("  row 2: the row has 5 cells but the header has 4 columns; ")
    assert "(unexpected 'oops')" in lines[1]
    assert lines[2].startswith("  row 4, column 'unit_id': the row has 2 cells but the header")


@pytest.mark.parametrize(
    "text",
    [
        "id,date,unit_id,note\nI1,2019-10-01,U03,,\nI2,2019-10-02\n",  # cells too many, too few
        'id,date,unit_id,note\nI1,2019-10-01,U03,"open\nI2,2019-10-02,U03,x\n',  # quote left open
        "面谈记录\n\nid,date,unit_id\nI1,2019-13-01,U03\nI2,2019-10-02,U99\n",  # title row
        "id,date,unit_id\r\nI1,2019-10-01,U03\r\n\r\nI2,2019-10-02,U03,\x00\r\n",  # NUL
    ],
    ids=["cells", "open-quote", "title", "nul"],
)
def test_a_byte_order_mark_changes_no_message(folder: Path, text: str) -> None:
    messages = []
    for mark in (b"", codecs.BOM_UTF8):
        (folder / "interviews.csv").write_bytes(mark + text.encode())
        with pytest.raises(DataError) as info:
            load(folder)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_a_byte_order_mark_is_skipped_not_cut_off() -> None:
    from kaohe.data import encoding
    from kaohe.data.problems import Problems

    data = codecs.BOM_UTF8 + b"id,date\nI1,2019-10-01\n"
    text = encoding.utf8(data, "x.csv", Problems())
    assert text is not None
    assert text.data is data  # a large file is not copied
    assert (text.start, text.line_feeds) == (3, 2)


def test_not_a_table_source(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(DataError, match=r"expected a folder of <table>\.csv files or an \.xlsx"):
        load(tmp_path / "x.txt")


# --- ids and references -----------------------------------------------------------


def test_duplicate_ids_name_both_lines(tmp_path: Path, tables: Tables) -> None:
    tables["supervision"].append(dict(tables["supervision"][0]))  # line 5 repeats line 2
    message = assert_names(csv_error(tmp_path, tables), "data/supervision.csv", 5, "id")
    assert "duplicate id 'S1' (also on row 2)" in message
    assert "every id is unique within its table" in message


def test_duplicate_unit_ids(tmp_path: Path, tables: Tables) -> None:
    tables["units"].insert(0, {"unit_id": "U03", "name": "x", "category": "乡镇"})
    message = assert_names(csv_error(tmp_path, tables), "data/units.csv", 5, "unit_id")
    assert "duplicate unit_id 'U03' (also on row 2)" in message


def test_duplicate_target(tmp_path: Path, tables: Tables) -> None:
    tables["targets"].append({"unit_id": "U01", "indicator": "经济发展", "score": 1})
    message = assert_names(csv_error(tmp_path, tables), "data/targets.csv", 6, "unit_id")
    assert "duplicate unit_id 'U01', indicator '经济发展' (also on row 2)" in message
    assert "one row per unit and indicator" in message


def test_more_than_one_exam_per_cadre(tmp_path: Path, tables: Tables) -> None:
    tables["exams"].append({"cadre_id": "C001", "score": 70})
    tables["exams"].append({"cadre_id": "C003", "score": 70})
    message = assert_names(csv_error(tmp_path, tables), "data/exams.csv", 4, "cadre_id")
    assert "duplicate cadre_id 'C001' (also on row 2)" in message
    assert "at most one exams row per cadre" in message
    assert "row 5, column 'cadre_id': duplicate cadre_id 'C003' (also on row 3)" in message


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "target"),
    [
        ("supervision", 1, "unit_id", "U99", "units"),
        ("cadres", 2, "unit_id", "U99", "units"),
        ("votes", 0, "cadre_id", "C999", "cadres"),
        ("exposures", 0, "cadre_id", "C999", "cadres"),
        ("awards", 1, "cadre_id", "C999", "cadres"),
    ],
)
def test_unknown_reference(
    tmp_path: Path, tables: Tables, table: str, index: int, column: str, value: str, target: str
) -> None:
    tables[table][index][column] = value
    if table == "cadres":
        tables["votes"] = [r for r in tables["votes"] if r["cadre_id"] != "C003"]
    error = csv_error(tmp_path, tables)
    message = assert_names(error, f"data/{table}.csv", index + 2, column)
    assert f"unknown {column} '{value}'; expected a {column} listed in table '{target}'" in message
    assert f"data/{target}.csv" in message


def test_unit_with_two_heads(tmp_path: Path, tables: Tables) -> None:
    tables["cadres"][1]["role"] = "主要負責人"  # C002 in U01, whose head is C001
    message = assert_names(csv_error(tmp_path, tables), "data/cadres.csv", 3, "role")
    assert "unit 'U01' has two heads: cadres 'C001' (row 2) and 'C002' (row 3)" in message
    assert "at most one head" in message


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("supervision", "id", "S:1"), ("units", "unit_id", "U:1"), ("cadres", "cadre_id", "C:1")],
)
def test_colon_in_id(tmp_path: Path, tables: Tables, table: str, column: str, value: str) -> None:
    tables[table][1][column] = value
    message = assert_names(csv_error(tmp_path, tables), f"data/{table}.csv", 3, column)
    assert f"id '{value}' contains ':'" in message
    assert "reserved for derived records" in message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("U0\u200b2", "U0\\u200b2"),  # a zero-width space pasted in
        ("\ufeffU02", "\\ufeffU02"),  # a byte order mark
        ("U\t02", "U\\t02"),  # a tab inside a quoted cell
        ("乡\u200e02", "乡\\u200e02"),  # a direction mark in non-ASCII text
    ],
)
def test_an_id_with_a_character_that_cannot_be_seen_is_refused_where_it_is(
    tmp_path: Path, tables: Tables, value: str, shown: str
) -> None:
    # else the unit's cadres and ledger rows would name an unknown 'U02' that is listed
    tables["units"][1]["unit_id"] = value
    message = assert_names(csv_error(tmp_path, tables), "data/units.csv", 3, "unit_id")
    assert message.endswith(
        f"id '{shown}' contains a character that cannot be seen (written here as its code, "
        "\\u...); expected an id of visible characters"
    )
    in_memory = assert_names(memory_error(tables), "<memory>:units", 2, "unit_id")
    assert in_memory.split(": ", 1)[1] == message.split(": ", 1)[1]


def test_an_id_with_a_wide_space_inside_is_an_id(tmp_path: Path, tables: Tables) -> None:
    for row in tables["awards"]:
        row["id"] = f"表彰\u3000{row['id']}"  # seen, as a space is (trimmed at either end)
    data = load(write_csv(tmp_path / "data", tables))
    assert data.tables["awards"]["id"][0] == tables["awards"][0]["id"] == "表彰\u3000A1"


def test_an_unknown_id_is_shown_with_the_characters_that_cannot_be_seen(
    tmp_path: Path, tables: Tables
) -> None:
    tables["supervision"][0]["unit_id"] = "U01\u2060"
    message = assert_names(csv_error(tmp_path, tables), "data/supervision.csv", 2, "unit_id")
    assert "unknown unit_id 'U01\\u2060'" in message


# --- cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["2019-13-01", "2019-02-30", "01/02/2019", "2019", "today", "NaT"]
)
def test_unparseable_date(tmp_path: Path, tables: Tables, value: str) -> None:
    tables["supervision"][1]["date"] = value
    message = assert_names(csv_error(tmp_path, tables), "data/supervision.csv", 3, "date")
    assert f"'{value}' is not a date; expected a date such as 2019-03-12, 2019/3/12" in message


def test_every_bad_row_is_reported(tmp_path: Path, tables: Tables) -> None:
    for row, day in zip(tables["supervision"], ["2019-01-01", "bad", "worse"], strict=True):
        row["deadline"] = day
    tables["votes"][0]["basic"] = "x"
    error = csv_error(tmp_path, tables)
    assert_names(error, "data/votes.csv", 2, "basic")
    assert [(p.source.rsplit("/", 1)[-1], p.row, p.column) for p in error.problems] == [
        ("votes.csv", 2, "basic"),  # files in the order of the data contract
        ("supervision.csv", 3, "deadline"),
        ("supervision.csv", 4, "deadline"),
    ]
    folder = tmp_path / "data"
    dates = "expected a date such as 2019-03-12, 2019/3/12, 2019.3.12 or 2019年3月12日"
    assert str(error) == (
        "3 problems in the data, by file:\n"
        f"{folder / 'votes.csv'}\n"
        "  row 2, column 'basic': 'x' is not a number; "
        "expected a whole number from 0 to 10,000,000 (a count)\n"
        f"{folder / 'supervision.csv'}\n"
        f"  row 3, column 'deadline': 'bad' is not a date; {dates}\n"
        f"  row 4, column 'deadline': 'worse' is not a date; {dates}"
    )


def test_problems_beyond_the_limit_are_counted(tmp_path: Path, tables: Tables) -> None:
    rows = tables["supervision"]
    tables["supervision"] = [dict(rows[0], id=f"X{i}", date="bad") for i in range(250)]
    error = csv_error(tmp_path, tables)
    assert len(error.problems) == 200
    assert error.more == 50
    assert str(error).endswith("... and 50 more problems not listed")


def test_negative_count(tmp_path: Path, tables: Tables) -> None:
    tables["votes"][2]["basic"] = -3
    message = assert_names(csv_error(tmp_path, tables), "data/votes.csv", 4, "basic")
    assert "'-3' is negative; expected a whole number from 0 to 10,000,000 (a count)" in message


@pytest.mark.parametrize("value", ["3.5", "1e-3"])
def test_non_integer_count(tmp_path: Path, tables: Tables, value: str) -> None:
    tables["attendance"][1]["late"] = value
    message = assert_names(csv_error(tmp_path, tables), "data/attendance.csv", 3, "late")
    assert f"'{value}' is not a whole number; expected a whole number from 0" in message


def test_count_not_a_number(tmp_path: Path, tables: Tables) -> None:
    tables["surveys"][0]["satisfied"] = "many"
    message = assert_names(csv_error(tmp_path, tables), "data/surveys.csv", 2, "satisfied")
    assert "'many' is not a number; expected a whole number from 0 to 10,000,000" in message


def test_score_not_a_number(tmp_path: Path, tables: Tables) -> None:
    tables["targets"][2]["score"] = "三十"
    message = assert_names(csv_error(tmp_path, tables), "data/targets.csv", 4, "score")
    assert "'三十' is not a number; expected a finite number" in message


@pytest.mark.parametrize(
    ("table", "column"), [("targets", "score"), ("exams", "score"), ("votes", "excellent")]
)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "Infinity"])
def test_nan_or_infinity(
    tmp_path: Path, tables: Tables, table: str, column: str, value: str
) -> None:
    tables[table][1][column] = value
    message = assert_names(csv_error(tmp_path, tables), f"data/{table}.csv", 3, column)
    assert f"'{value}' is not a finite number; NaN and infinity are not accepted" in message


@pytest.mark.parametrize(
    ("table", "column", "value", "accepted"),
    [
        ("supervision", "severity", "很严重", "一般, 较重, 严重"),
        ("exposures", "level", "乡镇", "县, 市, 省"),
        (
            "cadres",
            "role",
            "boss",
            "主要负责人 (head), 班子成员 (leader), 中层干部 (middle), 一般干部 (staff)",
        ),
        ("sanctions", "type", "罚款", "批评教育, 诫勉, 调离岗位"),
        ("sanctions", "issuer", "县委", "本单位 (self), 上级 (superior)"),
        ("tolerances", "decision", "原谅", "免责, 从轻, 减轻"),
        ("tolerances", "ref_table", "units", "督查问题 (supervision), 曝光问题 (exposures)"),
        ("awards", "level", "乡镇", "县, 市, 省, 国家"),
    ],
)
def test_unknown_controlled_value(
    tmp_path: Path, tables: Tables, table: str, column: str, value: str, accepted: str
) -> None:
    tables[table][0][column] = value
    message = assert_names(csv_error(tmp_path, tables), f"data/{table}.csv", 2, column)
    assert f"'{value}'; expected one of: {accepted}" in message


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("units", "name"),
        ("supervision", "date"),
        ("supervision", "severity"),
        ("votes", "competent"),
        ("targets", "score"),
        ("vetoes", "item"),
        ("notices", "deadline"),
    ],
)
def test_required_cell_empty(tmp_path: Path, tables: Tables, table: str, column: str) -> None:
    tables[table][0][column] = "  "
    message = assert_names(csv_error(tmp_path, tables), f"data/{table}.csv", 2, column)
    assert "required cell is empty; expected" in message


# --- row rules --------------------------------------------------------------------


@pytest.mark.parametrize("table", ["criticisms", "notices", "awards"])
def test_both_unit_and_cadre(tmp_path: Path, tables: Tables, table: str) -> None:
    tables[table][1]["unit_id"] = "U01"
    message = assert_names(csv_error(tmp_path, tables), f"data/{table}.csv", 3, None)
    assert "names both unit_id 'U01' and cadre_id" in message
    assert "expected exactly one of unit_id and cadre_id" in message


@pytest.mark.parametrize("table", ["criticisms", "notices", "awards"])
def test_neither_unit_nor_cadre(tmp_path: Path, tables: Tables, table: str) -> None:
    tables[table][0]["unit_id"] = None
    message = assert_names(csv_error(tmp_path, tables), f"data/{table}.csv", 2, None)
    assert "names neither a unit_id nor a cadre_id" in message


def test_closed_on_only_for_case_review(tmp_path: Path, tables: Tables) -> None:
    tables["sanctions"][0]["closed_on"] = "2019-06-01"
    message = assert_names(csv_error(tmp_path, tables), "data/sanctions.csv", 2, "closed_on")
    assert "closed_on is given for a sanctions row of type '诫勉'" in message
    assert "expected closed_on only for 立案审查" in message


@pytest.mark.parametrize(
    ("table", "row", "rectified", "dated"),
    [
        ("supervision", 0, "2019-03-01", "date 2019-03-05"),
        ("notices", 1, "2019-04-20", "issued 2019-05-01"),
    ],
)
def test_a_rectification_before_its_record(
    tmp_path: Path, tables: Tables, table: str, row: int, rectified: str, dated: str
) -> None:
    tables[table][row]["rectified_on"] = rectified
    message = assert_names(
        csv_error(tmp_path, tables), f"data/{table}.csv", row + 2, "rectified_on"
    )
    other = dated.split()[0]
    assert f"rectified_on {rectified} is before the record's {dated}" in message
    assert f"expected rectified_on on or after {other}" in message


@pytest.mark.parametrize("ref", [("supervision", "S99"), ("vetoes", "S1"), ("interviews", "I9")])
def test_tolerance_names_no_row(tmp_path: Path, tables: Tables, ref: tuple[str, str]) -> None:
    tables["tolerances"][1]["ref_table"], tables["tolerances"][1]["ref_id"] = ref
    message = assert_names(csv_error(tmp_path, tables), "data/tolerances.csv", 3, "ref_id")
    assert f"the tolerance names no row: table '{ref[0]}'" in message
    assert f"has no id '{ref[1]}'" in message


def test_tolerance_of_an_absent_table(tmp_path: Path, tables: Tables) -> None:
    del tables["vetoes"]
    tables["tolerances"][0]["ref_table"], tables["tolerances"][0]["ref_id"] = "vetoes", "V1"
    message = assert_names(csv_error(tmp_path, tables), "data/tolerances.csv", 2, "ref_id")
    assert "table 'vetoes' (" in message
    assert "vetoes.csv) has no id 'V1'" in message


@pytest.mark.parametrize("value", [-0.5, 100.5, 120])
def test_exam_score_out_of_range(tmp_path: Path, tables: Tables, value: float) -> None:
    tables["exams"][1]["score"] = value
    message = assert_names(csv_error(tmp_path, tables), "data/exams.csv", 3, "score")
    assert f"exams score {value:g} is outside 0-100; expected a value from 0 to 100" in message


# --- workbooks and memory ---------------------------------------------------------


def test_workbook_errors_name_sheet_and_row(tmp_path: Path, tables: Tables) -> None:
    tables["supervision"][2]["severity"] = "很严重"
    path = write_xlsx(tmp_path / "book.xlsx", tables)
    with pytest.raises(DataError) as info:
        load(path)
    message = assert_names(info.value, "book.xlsx[supervision]", 4, "severity")
    assert "unknown severity '很严重'" in message


@pytest.mark.parametrize("error", ["#DIV/0!", "#REF!", "#N/A", "#VALUE!"])
def test_a_formula_error_in_a_workbook_is_refused_never_read_as_empty(
    tmp_path: Path, tables: Tables, error: str
) -> None:
    # calamine reads an error cell as empty: a failed rectification date would
    # score the problem as not rectified
    tables["supervision"][1]["rectified_on"] = error  # openpyxl writes it as an error cell
    message = assert_names(
        _workbook_error(tmp_path, tables), "book.xlsx[supervision]", 3, "rectified_on"
    )
    assert message.endswith(
        f"the cell holds the error {error} of a formula, not a value; expected a value "
        "(correct the formula, or paste the values)"
    )


def test_a_formula_error_outside_the_tables_columns_is_not_read(
    tmp_path: Path, tables: Tables
) -> None:
    import openpyxl

    path = write_xlsx(tmp_path / "book.xlsx", tables)
    book = openpyxl.load_workbook(path)
    book["supervision"]["A1"].offset(0, 20).value = "责任人"  # an extra column, ignored
    book["supervision"]["A2"].offset(0, 20).value = "#REF!"
    book["supervision"]["A1"].offset(0, 21).value = "#N/A"  # beside the header, no column
    book.create_sheet("说明")["A1"] = "#DIV/0!"  # not a table
    book.save(path)
    data = load(path)
    assert data == load(write_xlsx(tmp_path / "plain.xlsx", tables))
    assert any("责任人" in warning for warning in data.warnings)


@pytest.mark.parametrize("slice_size", [1 << 20, 5, 64])
def test_error_cells_are_found_by_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_size: int
) -> None:
    import openpyxl

    from kaohe.data import cell_errors
    from kaohe.data.cell_errors import error_cells

    monkeypatch.setattr(cell_errors, "_SLICE", slice_size)  # cells cut between slices

    book = openpyxl.Workbook()
    book.active.title = "单位"
    book.active["B2"] = "#REF!"
    book.active["AA10"] = "#N/A"
    book.create_sheet("空")["XFD1"] = "#NUM!"
    book.create_sheet("无")["A1"] = "#REF! is text here"
    book["无"]["B1"] = "e"  # text "e" is not an error
    book.save(tmp_path / "book.xlsx")
    with open(tmp_path / "book.xlsx", "rb") as stream:
        assert error_cells(stream) == {
            "单位": [(1, 1, "#REF!"), (9, 26, "#N/A")],
            "空": [(0, 16383, "#NUM!")],
        }
    (tmp_path / "not.xlsx").write_bytes(b"PK not a zip")
    with open(tmp_path / "not.xlsx", "rb") as stream:
        assert error_cells(stream) == {}


def _workbook_error(tmp_path: Path, tables: Tables) -> DataError:
    path = write_xlsx(tmp_path / "book.xlsx", tables)
    with pytest.raises(DataError) as info:
        load(path)
    return info.value


def test_workbook_missing_sheet_and_unknown_sheet(tmp_path: Path, tables: Tables) -> None:
    import openpyxl

    del tables["cadres"]
    path = write_xlsx(tmp_path / "book.xlsx", tables)
    missing = r"book\.xlsx: missing required table 'cadres'; expected a sheet"
    with pytest.raises(DataError, match=missing):
        load(path)
    book = openpyxl.load_workbook(path)
    book.create_sheet("notes")["A1"] = "hello"
    book.save(path)
    with pytest.raises(DataError, match=r"book.xlsx\[notes\]\n  unknown sheet 'notes'"):
        load(path)


def test_workbook_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "book.xlsx").write_bytes(b"PK not really")
    with pytest.raises(DataError, match=r"book\.xlsx: not a readable spreadsheet"):
        load(tmp_path / "book.xlsx")


def test_workbook_non_integer_count(tmp_path: Path, tables: Tables) -> None:
    tables["votes"][0]["excellent"] = 3.5
    path = write_xlsx(tmp_path / "book.xlsx", tables)
    with pytest.raises(DataError) as info:
        load(path)
    message = assert_names(info.value, "book.xlsx[votes]", 2, "excellent")
    assert "3.5 is not a whole number" in message


def test_memory_errors_name_table_and_row(tables: Tables) -> None:
    tables["supervision"][1]["date"] = "2019-02-30"
    message = assert_names(memory_error(tables), "<memory>:supervision", 2, "date")
    assert "'2019-02-30' is not a date" in message


def test_memory_numpy_errors(tables: Tables) -> None:
    given = columns_of(tables)
    given["targets"]["score"] = np.array([1.0, np.nan, 3.0, np.inf])
    message = assert_names(memory_error(given), "<memory>:targets", 2, "score")
    assert "nan is not a finite number" in message
    assert "\n  row 4, column 'score': inf is not a finite number" in message
    given = columns_of(tables)
    given["votes"]["basic"] = np.array([1, 2, -1, 0, 0])
    message = assert_names(memory_error(given), "<memory>:votes", 3, "basic")
    assert "-1 is negative" in message
    given = columns_of(tables)
    given["votes"]["basic"] = np.array([1, 2, 1.5, 0, 0])
    assert "1.5 is not a whole number" in str(memory_error(given))
    given = columns_of(tables)
    given["supervision"]["severity"] = np.array([0, 3, 1], dtype=np.int8)
    message = assert_names(memory_error(given), "<memory>:supervision", 2, "severity")
    assert "code 3 is not a severity code" in message
    given = columns_of(tables)
    given["supervision"]["date"] = np.array(["2019-01-01T12", "2019-01-02", "NaT"], "M8[h]")
    message = assert_names(memory_error(given), "<memory>:supervision", 1, "date")
    assert "is not a whole day" in message


def test_memory_column_lengths_and_tables(tables: Tables) -> None:
    given = columns_of(tables)
    given["units"]["name"] = given["units"]["name"][:2]
    message = str(memory_error(given))
    assert "<memory>:units" in message
    assert "column 'name' has 2 values" in message
    given = columns_of(tables)
    given["unit"] = given.pop("units")
    assert "unknown table 'unit'" in str(memory_error(given))


def test_duplicates_in_any_order_name_the_earliest_line(tables: Tables) -> None:
    rows = tables["supervision"]
    extra = [dict(rows[0], id=key) for key in ("S9", "S1", "S9", "S8", "S9")]
    tables["supervision"] = extra + rows  # S9 on rows 1, 3, 5; S1 on rows 2 and 6
    message = assert_names(memory_error(tables), "<memory>:supervision", 3, "id")
    assert [line.split(": ", 1)[1] for line in message.splitlines()[2:]] == [
        "duplicate id 'S9' (also on row 1); expected every id is unique within its table",
        "duplicate id 'S9' (also on row 1); expected every id is unique within its table",
        "duplicate id 'S1' (also on row 2); expected every id is unique within its table",
    ]


def test_a_stray_quote_after_a_bad_row_names_the_bad_row_once(tmp_path: Path) -> None:
    """A stray quote in a cell (read as the lenient reading takes it) after a row of
    the wrong width: that row is the one problem, said once."""
    data = tmp_path / "data"
    shutil.copytree(COUNTY.with_suffix(""), data)
    (data / "interviews.csv").write_text(
        "id,date,unit_id,note\n"
        "IV001,2019-04-02,XZ06,县政府约谈,多余\n"
        'IV002,2019-10-11,XZ06,"县政府"约谈\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        kaohe.load_data(data, kaohe.load_scheme(COUNTY))
    assert str(caught.value).endswith(
        "interviews.csv, row 2: the row has 5 cells but the header has 4 columns; "
        "expected 4 cells in every row (unexpected '多余')"
    )
    assert len(caught.value.problems) == 1
