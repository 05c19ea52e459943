"""Cell parsing and encodings, one column at a time, from text and from typed Arrow columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from kaohe.data import parse
from kaohe.data.problems import Problems, Where
from kaohe.errors import DataError
from kaohe.table_spec import ColumnSpec
from kaohe.tables import installed_tables

pytestmark = pytest.mark.filterwarnings("error")


def column(table: str, name: str) -> ColumnSpec:
    return installed_tables()[table].column(name)


def parsed(spec: ColumnSpec, values: Any) -> Any:
    """The parsed column; raises the DataError listing its problems, if any."""
    array = values if isinstance(values, pa.Array) else pa.array(values)
    problems = Problems()
    where = Where("t.csv", np.arange(2, len(array) + 2, dtype=np.int64), problems)
    result = parse.parse_column(spec, array, where)
    problems.raise_any()
    return result


def problems_of(spec: ColumnSpec, values: Any) -> list[str]:
    with pytest.raises(DataError) as info:
        parsed(spec, values)
    return [str(problem) for problem in info.value.problems]


DATE = column("supervision", "deadline")
COUNT = column("votes", "excellent")
SCORE = column("targets", "score")

# --- dates ------------------------------------------------------------------------


def test_dates_in_every_style_officials_type() -> None:
    got = parsed(
        DATE,
        [
            "2019-03-05",
            "2019-3-5",
            "2019/3/5",
            "2019.03.05",
            "2019年3月5日",
            "2019 年 3 月 5 日",
            "",
            "2020-02-29",
            "43529",
            "2019-03-05 00:00:00",
        ],
    )
    assert got.dtype == np.dtype("datetime64[D]")
    assert got.astype(str).tolist() == [
        *["2019-03-05"] * 6,
        "NaT",
        "2020-02-29",
        "2019-03-05",
        "2019-03-05",
    ]


def test_typed_dates_and_excel_serials() -> None:
    got = parsed(DATE, pa.array([dt.date(2019, 3, 5), None]))
    assert got.astype(str).tolist() == ["2019-03-05", "NaT"]
    got = parsed(DATE, pa.array([dt.datetime(2019, 3, 5), None]))
    assert got.astype(str).tolist() == ["2019-03-05", "NaT"]
    # Excel serials from a spreadsheet, in the 1900 date system (59 = 1900-02-28, 61 = 03-01)
    got = parsed(DATE, pa.array([43529.0, 1.0, 59.0, 61.0, None]))
    assert got.astype(str).tolist() == [
        "2019-03-05",
        "1900-01-01",
        "1900-02-28",
        "1900-03-01",
        "NaT",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "2019-13-05",
        "2019-02-29",
        "2019-03",
        "19-03-05",
        "２０１９-03-05",
        "2019-03-05 08:00",
        "2019",
    ],
)
def test_dates_rejected(bad: str) -> None:
    assert problems_of(DATE, ["2019-01-01", bad]) == [
        f"t.csv, row 3, column 'deadline': '{bad}' is not a date; expected a date such as "
        "2019-03-12, 2019/3/12, 2019.3.12 or 2019年3月12日"
    ]


@pytest.mark.parametrize("bad", ["1899-12-31", "2101-01-01", "9999-12-31", "0019-03-05"])
def test_dates_outside_1900_2100_are_refused(bad: str) -> None:
    assert problems_of(DATE, [bad]) == [
        f"t.csv, row 2, column 'deadline': '{bad}' is outside 1900-2100; expected a date from "
        "1900-01-01 to 2100-12-31"
    ]


@pytest.mark.parametrize("serial", [-5.0, 0.0, 60.0, 73416.0, 43529.5])
def test_bad_excel_serials_are_refused(serial: float) -> None:
    (message,) = problems_of(DATE, pa.array([serial]))
    assert message.startswith(f"t.csv, row 2, column 'deadline': {serial:g} is not an Excel date")


def test_timestamps_must_be_whole_days() -> None:
    (message,) = problems_of(DATE, pa.array([dt.datetime(2019, 3, 5, 8, 30)]))
    assert "2019-03-05 08:30:00 is not a whole day" in message


# --- numbers and booleans ---------------------------------------------------------


def test_counts() -> None:
    got = parsed(COUNT, ["3", "+3", "3.0", "0", "10000000"])
    assert got.dtype == np.int64
    assert got.tolist() == [3, 3, 3, 0, 10_000_000]
    assert parsed(COUNT, pa.array([1, 2], pa.uint8())).tolist() == [1, 2]
    assert parsed(COUNT, pa.array([1.0, 2.0])).tolist() == [1, 2]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["10000001"], "'10000001' is too large"),
        (["9223372036854775807"], "'9223372036854775807' is too large"),
        (["99999999999999999999999"], "'99999999999999999999999' is too large"),
        (pa.array([2**63 + 5], pa.uint64()), "is too large"),
        (pa.array([10_000_001]), "10000001 is too large"),
        (["-1"], "'-1' is negative"),
        (["1.5"], "'1.5' is not a whole number"),
        (["nan"], "'nan' is not a finite number; NaN and infinity are not accepted"),
        (["三"], "'三' is not a number"),
        (["٣"], "'٣' is not a number"),
        ([""], "required cell is empty"),
        (pa.array([True]), "True is a boolean"),
    ],
)
def test_bad_counts(values: Any, message: str) -> None:
    (found,) = problems_of(COUNT, values)
    assert message in found
    assert found.startswith("t.csv, row 2, column 'excellent': ")


def test_scores() -> None:
    got = parsed(SCORE, ["1", "2.5", "-3e1", " 4 ", ".5"])
    assert got.dtype == np.float64
    assert got.tolist() == [1.0, 2.5, -30.0, 4.0, 0.5]
    for bad in ("inf", "-Infinity", "NaN", "1e400", "0x10", "1,5"):
        (message,) = problems_of(SCORE, [bad])
        assert f"'{bad}' is not a" in message


def test_bools() -> None:
    spec = ColumnSpec("flag", "bool", required=True)
    got = parsed(spec, ["true", "FALSE", "1", "0", "是", "否"])
    assert got.tolist() == [True, False, True, False, True, False]
    assert parsed(spec, pa.array([True, False])).tolist() == [True, False]
    assert problems_of(spec, ["yes"]) == [
        "t.csv, row 2, column 'flag': 'yes' is not a boolean; expected true/false/1/0/是/否"
    ]


# --- vocabularies, ids, text ------------------------------------------------------


def test_vocab_aliases() -> None:
    level = column("criticisms", "level")
    got = parsed(level, ["乡镇", "街道", "区", "縣", "鄉鎮", "省"])
    assert got.dtype == np.int8
    assert got.tolist() == [0, 0, 1, 1, 0, 3]
    assert parsed(column("notices", "level"), ["", "市"]).tolist() == [0, 2]
    assert parsed(column("notices", "level"), pa.array([-1, 2])).tolist() == [0, 2]
    assert problems_of(level, ["镇"]) == [
        "t.csv, row 2, column 'level': unknown level '镇'; expected one of: 乡镇, 县, 市, 省"
    ]
    assert "code 7 is not a level code" in problems_of(level, pa.array([7]))[0]


def test_every_vocabulary_spelling_parses() -> None:
    for spec in installed_tables().values():
        for col in spec.columns:
            if col.vocab is None:
                continue
            lookup = col.vocab.lookup()
            spellings = sorted(lookup)
            assert parsed(col, spellings).tolist() == [lookup[s] for s in spellings]


def _outcome(spec: ColumnSpec, values: pa.Array) -> tuple[list[int] | None, list[str]]:
    try:
        return parsed(spec, values).tolist(), []
    except DataError as error:
        return None, [str(problem) for problem in error.problems]


@pytest.mark.parametrize(("table", "name"), [("criticisms", "level"), ("notices", "level")])
def test_dictionary_vocabulary_columns_parse_as_their_text(table: str, name: str) -> None:
    """A vocabulary read in dictionary form (Parquet) gives the codes and problems of its text."""
    spec = column(table, name)
    for cells in (
        ["县", " 市 ", None, "", "鄉鎮", "县"],
        ["镇", "县", None, " ", "镇", "\u3000城\u3000"],
        [None, None],
        [],
    ):
        plain = pa.array(cells, pa.string())
        encoded = plain.dictionary_encode()
        assert _outcome(spec, encoded) == _outcome(spec, plain)
        chunked = pa.chunked_array([encoded.slice(0, 2), encoded.slice(2)])
        assert _outcome(spec, chunked.combine_chunks()) == _outcome(spec, plain)


def test_ids_and_text() -> None:
    ids = column("units", "unit_id")
    assert parsed(ids, pa.array([101, 102])).to_pylist() == ["101", "102"]
    assert parsed(ids, pa.array([101.0, 7.5])).to_pylist() == ["101", "7.5"]
    assert parsed(ids, [" U1\u3000", "\tU2"]).to_pylist() == ["U1", "U2"]
    assert "id 'a:b' contains ':'" in problems_of(ids, ["a:b"])[0]
    category = column("units", "category")
    assert parsed(category, ["鄉鎮", "乡镇", "縣級部門"]).to_pylist() == [
        "乡镇",
        "乡镇",
        "县级部门",
    ]
