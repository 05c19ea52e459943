"""Cell parsing, encodings, in-memory conversion and workbook cells, one function at a time."""

from __future__ import annotations

import codecs
import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe import vocab
from kaohe.data import columns, encoding, parse
from kaohe.data.where import Where
from kaohe.data.xlsx import cell_text
from kaohe.errors import DataError
from kaohe.tables import TABLES

pytestmark = pytest.mark.filterwarnings("error")

EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)


def where(n: int) -> Where:
    return Where("t.csv", np.arange(2, n + 2, dtype=np.int64))


def cells(*values: str) -> np.ndarray:
    return np.array(values, dtype=str)


# --- encodings --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312"])
def test_decode_accepts(name: str) -> None:
    text = "单位编码,名称\nU01,城关镇·鄉鎮\n" if name != "gb2312" else "单位编码\nU01\n"
    assert encoding.decode(text.encode(name), "t.csv") == text


def test_decode_rejects() -> None:
    for data in (b"", codecs.BOM_UTF16_LE + "a".encode("utf-16-le"), b"a\x00b\x00", b"\x81"):
        with pytest.raises(DataError, match=r"^t.csv: "):
            encoding.decode(data, "t.csv")


# --- dates ------------------------------------------------------------------------


def test_dates_in_every_form() -> None:
    got = parse.parse_dates(
        cells("2019-03-05", "2019-3-5", "2019/3/5", "2019/03/05", "", "2020-02-29"),
        where(6),
        "date",
    )
    assert got.dtype == np.dtype("datetime64[D]")
    assert got.astype(str).tolist() == [
        "2019-03-05",
        "2019-03-05",
        "2019-03-05",
        "2019-03-05",
        "NaT",
        "2020-02-29",
    ]


@pytest.mark.parametrize(
    "bad", ["2019-3/5", "2019-03-05T00", "2019-03", "2019-02-29", "19-03-05", "２０１９-03-05"]
)
def test_dates_rejected(bad: str) -> None:
    with pytest.raises(DataError, match=r"t.csv, row 3, column 'date': '.*' is not a date"):
        parse.parse_dates(cells("2019-01-01", bad), where(2), "date")


# --- numbers and booleans ---------------------------------------------------------


def test_counts() -> None:
    got = parse.parse_counts(cells("3", "+3", "3.0", "0", "12345678901"), where(5), "n")
    assert got.dtype == np.int64
    assert got.tolist() == [3, 3, 3, 0, 12345678901]
    with pytest.raises(DataError, match="too large"):
        parse.parse_counts(cells("99999999999999999999"), where(1), "n")


def test_scores() -> None:
    got = parse.parse_scores(cells("1", "2.5", "-3e1", " 4 "), where(4), "s")
    assert got.dtype == np.float64
    assert got.tolist() == [1.0, 2.5, -30.0, 4.0]


def test_bools() -> None:
    got = parse.parse_bools(cells("true", "FALSE", "1", "0", "是", "否"), where(6), "b")
    assert got.tolist() == [True, False, True, False, True, False]
    with pytest.raises(DataError, match="'yes' is not a boolean; expected true/false/1/0/是/否"):
        parse.parse_bools(cells("yes"), where(1), "b")


def test_vocab_aliases() -> None:
    got = parse.parse_vocab(
        cells("乡镇", "街道", "区", "縣", "鄉鎮", "省", ""), vocab.ADMIN_LEVEL, where(7), "level"
    )
    assert got.dtype == np.int8
    assert got.tolist() == [0, 0, 1, 1, 0, 3, -1]
    got = parse.parse_vocab(cells("", "市"), vocab.ADMIN_LEVEL, where(2), "level", "乡镇")
    assert got.tolist() == [0, 2]


def test_every_vocabulary_spelling_parses() -> None:
    for spec in TABLES.values():
        for column in spec.columns:
            if column.vocab is None:
                continue
            lookup = column.vocab.lookup()
            spellings = sorted(lookup)
            got = parse.parse_vocab(cells(*spellings), column.vocab, where(len(spellings)), "v")
            assert got.tolist() == [lookup[s] for s in spellings]


# --- in-memory columns ------------------------------------------------------------


def test_strip_only_when_needed() -> None:
    plain = cells("a", "b c")
    assert parse.strip(plain) is plain or np.array_equal(parse.strip(plain), plain)
    assert parse.strip(cells(" a", "b\u3000", "\tc\n")).tolist() == ["a", "b", "c"]


def test_to_column_fast_paths() -> None:
    spec = TABLES["votes"].column("excellent")
    got = columns.to_column(spec, np.array([1, 2], dtype=np.uint8), where(2))
    assert got.dtype == np.int64
    assert got.tolist() == [1, 2]
    got = columns.to_column(spec, [1, 2.0], where(2))
    assert got.tolist() == [1, 2]
    with pytest.raises(DataError, match="'true' is not a number"):
        columns.to_column(spec, np.array([True, False]), where(2))
    date = TABLES["supervision"].column("deadline")
    got = columns.to_column(date, np.array(["2019-01-02T00:00", "NaT"], "M8[s]"), where(2))
    assert got.dtype == np.dtype("M8[D]")
    assert str(got[0]) == "2019-01-02"
    got = columns.to_column(date, [dt.date(2019, 1, 2), None, float("nan")], where(3))
    assert str(got[0]) == "2019-01-02"
    assert np.isnat(got[1:]).all()
    with pytest.raises(DataError, match="is not a date"):
        columns.to_column(date, [dt.datetime(2019, 1, 2, 10, 30)], where(1))
    level = TABLES["notices"].column("level")
    assert columns.to_column(level, np.array([-1, 2]), where(2)).tolist() == [0, 2]
    role = TABLES["cadres"].column("role")
    with pytest.raises(DataError, match="required cell is empty"):
        columns.to_column(role, np.array([0, -1]), where(2))
    ids = TABLES["units"].column("unit_id")
    assert columns.to_column(ids, np.array([101, 102]), where(2)).tolist() == ["101", "102"]
    with pytest.raises(DataError, match="not one-dimensional"):
        columns.to_column(ids, np.zeros((2, 2)), where(2))


# --- workbook cells ---------------------------------------------------------------


def test_cell_text() -> None:
    assert cell_text(None, "text", EPOCH_1900) == ""
    assert cell_text("  x ", "text", EPOCH_1900) == "x"
    assert cell_text(3.0, "count", EPOCH_1900) == "3"
    assert cell_text(3.5, "count", EPOCH_1900) == "3.5"
    assert cell_text(1001, "id", EPOCH_1900) == "1001"
    assert cell_text(True, "bool", EPOCH_1900) == "true"
    assert cell_text(dt.datetime(2019, 3, 5), "date", EPOCH_1900) == "2019-03-05"
    assert cell_text(dt.date(2019, 3, 5), "date", EPOCH_1900) == "2019-03-05"
    assert cell_text(43529, "date", EPOCH_1900) == "2019-03-05"
    assert cell_text(43529.0, "date", EPOCH_1900) == "2019-03-05"
    assert cell_text(43529 - 1462, "date", EPOCH_1904) == "2019-03-05"
    assert cell_text(43529.5, "date", EPOCH_1900) == "2019-03-05 12:00:00"  # rejected later
    assert cell_text(dt.datetime(2019, 3, 5, 8), "date", EPOCH_1900) == "2019-03-05 08:00:00"


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab 九\u3000\t")), max_size=5), max_size=12))
def test_strip_strips_like_python(texts: list[str]) -> None:
    values = np.asarray(texts, dtype=str)
    assert parse.strip(values).tolist() == [text.strip() for text in texts]
