"""Text between Arrow and numpy, any column as text, and traditional-to-simplified conversion."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe import arrowcompute
from kaohe.data import arrays, simplify

pytestmark = pytest.mark.filterwarnings("error")

ALPHABETS = [
    st.sampled_from("0123456789ABCabc:_- "),
    st.sampled_from("abc单位编码鄉鎮"),
    st.characters(min_codepoint=1, max_codepoint=0x2FFFF, exclude_categories=("Cs",)),
]
strings = st.one_of(*(st.text(alphabet, max_size=12) for alphabet in ALPHABETS))


@settings(deadline=None)
@given(st.lists(strings, max_size=40), st.integers(0, 3))
def test_text_round_trips_between_arrow_and_numpy(values: list[str], skip: int) -> None:
    array = pa.array(values, pa.string()).slice(min(skip, len(values)))
    expected = values[min(skip, len(values)) :]
    numpy_text = arrays.to_numpy_text(array)
    assert numpy_text.tolist() == [v.rstrip("\x00") for v in expected]
    back = arrowcompute.array(np.asarray(expected, dtype=str) if expected else np.zeros(0, "U1"))
    assert back.to_pylist() == [v.rstrip("\x00") for v in expected]


def test_nulls_become_empty_text() -> None:
    assert arrays.to_numpy_text(pa.array(["a", None, "中文"])).tolist() == ["a", "", "中文"]
    assert arrays.to_numpy_text(pa.array([None, None], pa.string())).tolist() == ["", ""]
    assert arrays.to_numpy_text(pa.chunked_array([["a"], ["bc"]])).tolist() == ["a", "bc"]


def test_any_column_as_text() -> None:
    assert arrays.text(pa.array([1.0, 2.5, None])).to_pylist() == ["1", "2.5", ""]
    assert arrays.text(pa.array([True, False])).to_pylist() == ["true", "false"]
    assert arrays.text(pa.array([dt.date(2019, 3, 5)])).to_pylist() == ["2019-03-05"]
    assert arrays.text(pa.array([dt.datetime(2019, 3, 5)])).to_pylist() == ["2019-03-05"]
    assert arrays.text(pa.array(["a", "b"]).dictionary_encode()).to_pylist() == ["a", "b"]
    assert arrays.text(pa.nulls(2)).to_pylist() == ["", ""]


def test_python_cells_of_mixed_types_become_text() -> None:
    cells = arrays.python_cells(["U1", 1001.0, 7, None, "", dt.date(2019, 3, 5), float("nan")])
    assert cells.to_pylist() == ["U1", "1001", "7", "", "", "2019-03-05", ""]
    numbers = arrays.python_cells(["3", float("nan")], number_column=True)
    assert numbers.to_pylist() == ["3", "nan"]
    assert arrays.python_cells([1.0, None]).type == pa.float64()


def test_simplified_values_need_no_conversion() -> None:
    values = np.array(["乡镇", "县级部门", "经济发展", "服务对象", "作风建设", "ABC", ""])
    assert not simplify.needs_conversion(values).any()
    cells = pa.array(values.tolist())
    assert simplify.simplify(cells) is cells


def test_traditional_values_are_simplified() -> None:
    values = np.array(["鄉鎮", "乡镇", "縣級部門", "經濟發展", "藉口", "ABC", ""])
    needs = [True, False, True, True, True, False, False]
    assert simplify.needs_conversion(values).tolist() == needs
    simplified = ["乡镇", "乡镇", "县级部门", "经济发展", "借口", "ABC", ""]
    assert simplify.simplify(pa.array(values.tolist())).to_pylist() == simplified


def test_ambiguous_set_covers_every_gb2312_character_opencc_changes() -> None:
    table = simplify._plain_table()
    plain = [chr(point) for point in range(0x80, 0x10000) if table[point]]
    converted = simplify.to_simplified("\n".join(plain)).split("\n")
    changed = [c for c, s in zip(plain, converted, strict=True) if c != s]
    assert changed == []


def test_to_simplified() -> None:
    assert simplify.to_simplified("经济发展") == "经济发展"
    assert simplify.to_simplified("經濟發展") == "经济发展"
    assert simplify.to_simplified("藉口") == "借口"
    assert simplify.to_simplified("cap") == "cap"


def test_holds_byte_looks_at_the_cells_of_a_slice_only() -> None:
    holds_byte = arrays.holds_byte
    cells = pa.array(["a:b", "中文", "c", "", "d:"])
    assert holds_byte(cells, ord(":"))
    assert not holds_byte(cells.slice(1, 3), ord(":"))
    assert holds_byte(cells.slice(4), ord(":"))
    assert not holds_byte(cells.slice(0, 0), ord(":"))
    assert not holds_byte(pa.array(["", ""]), ord(":"))
    assert not holds_byte(pa.array(["中文"], pa.large_string()), ord(":"))


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_empty_cells_become_null_as_a_python_none_made_them(kind: pa.DataType) -> None:
    import pyarrow.compute as pc

    values = pa.array(["2019-01-02", "", None, " ", "中文"], kind)
    made = arrays.empty_as_null(values)
    assert made.equals(pc.if_else(pc.equal(values, ""), None, values))
    assert made.type == kind
    assert made.to_pylist() == ["2019-01-02", None, None, " ", "中文"]
    assert pc.equal(values, arrays.EMPTY).to_pylist() == [False, True, None, False, False]
