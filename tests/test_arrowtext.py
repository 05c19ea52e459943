"""The Arrow text of the result files (kaohe.arrowtext): the cells the former numpy code made."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe import arrowcompute
from kaohe import arrowtext as at
from kaohe.output import csv_bytes
from kaohe.tables_out import Table


def _former_number(values: list[float], decimals: int) -> list[str]:
    """The per-value formatting the column-wise one replaced (the oracle)."""
    rounded = np.round(np.asarray(values, dtype=np.float64), decimals) + 0.0
    return ["" if v != v else format(v, f".{decimals}f") for v in rounded.tolist()]


def test_numbers_are_rounded_padded_and_signed_as_people_write_them() -> None:
    values = [1.23456, -0.00004, float("nan"), -2.5, 0.5, 1e12, float("inf"), -7.0]
    assert at.number(np.asarray(values), 4).to_pylist() == [
        "1.2346",
        "0.0000",  # rounds to -0: no minus sign
        "",
        "-2.5000",
        "0.5000",
        "1000000000000.0000",  # beyond the exact range: formatted one by one
        "inf",
        "-7.0000",
    ]
    assert at.number(np.asarray([12.5, 13.5, -0.4]), 0).to_pylist() == ["12", "14", "0"]
    assert at.number(np.asarray([83.505, -0.004, 99.999]), 2).to_pylist() == [
        "83.50",  # 83.505 is 83.50499999... in binary
        "0.00",
        "100.00",
    ]


@settings(deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e15, max_value=1e15)  # scores and points are far smaller
        | st.sampled_from([float("nan"), float("inf"), -float("inf"), -0.0])
        | st.floats(min_value=-1000, max_value=1000)
        | st.integers(-(10**9), 10**9).map(lambda n: n / 10**5),
        max_size=40,
    ),
    st.sampled_from([0, 2, 4]),
)
def test_numbers_are_the_text_the_former_formatting_gave(values: list[float], places: int) -> None:
    assert at.number(np.asarray(values, dtype=np.float64), places).to_pylist() == (
        _former_number(values, places)
    )


def test_integers_labels_and_days() -> None:
    assert at.integer(np.asarray([3, -1, 0, 120])).to_pylist() == ["3", "", "0", "120"]
    assert at.labels(np.asarray([1, -1, 0]), ("优秀", "良好")).to_pylist() == ["良好", "", "优秀"]
    dates = np.asarray(["2019-03-12", "NaT", "9999-12-31", "2020-02-29"], dtype="datetime64[D]")
    assert at.days(dates).to_pylist() == ["2019-03-12", "", "indefinite", "2020-02-29"]


def test_cells_a_spreadsheet_would_take_for_a_formula_are_neutralised() -> None:
    cells = at.from_numpy(np.asarray(["=1+1", "a", "-2", "", "@x", "\tt", "b=c", "九"]))
    assert at.neutralised(cells).to_pylist() == [
        "'=1+1",
        "a",
        "'-2",
        "",
        "'@x",
        "'\tt",
        "b=c",
        "九",
    ]


@given(
    st.lists(st.one_of(st.none(), st.text(alphabet="=+-@\t\r a九\n'", max_size=4)), max_size=20),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.integers(0, 3),
)
def test_formula_cells_found_by_their_first_byte_are_those_a_pattern_finds(
    cells: list[str | None], kind: pa.DataType, skip: int
) -> None:
    column = pa.array(cells, kind)[skip:]  # a slice: offsets that do not start at 0
    risky = pc.fill_null(pc.match_substring_regex(column, r"^[=+\-@\t\r]"), False)
    marked = pc.binary_join_element_wise(pa.scalar("'", kind), column, pa.scalar("", kind))
    assert at.neutralised(column).equals(pc.if_else(risky, marked, column))


@given(st.lists(st.text(alphabet="ab \x00\x7f九é", max_size=5), max_size=12), st.booleans())
def test_numpy_text_becomes_the_same_arrow_text_by_every_path(
    cells: list[str], sliced: bool
) -> None:
    array = np.asarray(cells, dtype=str)[:: 2 if sliced else 1]
    expected = [cell.rstrip("\x00") for cell in cells][:: 2 if sliced else 1]  # numpy keeps
    made = at.from_numpy(array)  # no NUL at a cell's end
    assert made.type == pa.large_string()
    assert made.to_pylist() == expected


def test_numpy_text_with_a_nul_character_keeps_every_character() -> None:
    cells = np.asarray(["a\x00b", "c", "九十"])
    assert at.from_numpy(cells).to_pylist() == ["a\x00b", "c", "九十"]
    assert at.to_numpy(at.from_numpy(cells)).tolist() == ["a\x00b", "c", "九十"]
    ascii_cells = np.asarray(["a\x00b", "c", ""])  # the loaders' in-memory path too
    assert arrowcompute.array(ascii_cells).to_pylist() == ["a\x00b", "c", ""]


def test_a_table_in_another_order_is_written_in_that_order() -> None:
    order = np.asarray([1, 0])  # the file leaves out row 2 of the blocks
    table = Table(
        ("id", "note", "points"),
        [
            at.Taken(pa.array(["b", "a", "c"], pa.large_string()), order),
            at.Taken(pa.array(["x,y", "", "z"]), order),
            at.Numbers(np.asarray([1.0, 0.25, -2.0])[order], 4),
        ],
    )
    assert [c.to_pylist() for c in table.ordered()] == [
        ["a", "b"],
        ["", "x,y"],
        ["0.2500", "1.0000"],
    ]
    assert csv_bytes(table.names, table.columns).decode("utf-8") == (
        '\ufeffid,note,points\na,,0.2500\nb,"x,y",1.0000\n'
    )


def test_lookup_columns_make_the_rows_asked_for() -> None:
    labels = pa.array(["unit", "cadre"], pa.large_string())
    taken = at.Taken(labels, np.asarray([1, 0, 0, 1]))
    assert len(taken) == 4
    assert at.rows(taken, 1, 3).to_pylist() == ["unit", "unit"]
    assert at.whole(taken).to_pylist() == ["cadre", "unit", "unit", "cadre"]
    numbers = at.Numbers(np.asarray([1.5, -0.00001, float("nan")]), 2)
    assert at.rows(numbers, 1, 3).to_pylist() == ["0.00", ""]
    ordered = at.Numbers(np.asarray([1.5, -0.00001, float("nan")]), 2, np.asarray([2, 0, 0, 1]))
    assert len(ordered) == 4
    assert at.rows(ordered, 1, 4).to_pylist() == ["1.50", "1.50", "0.00"]
    assert at.whole(ordered).to_pylist() == ["", "1.50", "1.50", "0.00"]
    plain = pa.array(["a", "b", "c"], pa.large_string())
    assert at.rows(plain, 2, 3).to_pylist() == ["c"]
    assert at.whole(plain) is plain


def test_repeated_cells_are_found_once_and_neutralised_unless_told() -> None:
    notes = pa.array(["=x", "a,b", "=x", "c"], pa.large_string())
    order = np.asarray([3, 0, 2, 1])
    assert at.whole(at.repeated([notes], order)).to_pylist() == ["c", "'=x", "'=x", "a,b"]
    assert at.whole(at.repeated([notes], order, safe=False)).to_pylist() == ["c", "=x", "=x", "a,b"]
    assert (
        len(at.repeated([notes[:2], at.distinct(notes[2:])], order).values) == 3
    )  # the distinct cells
