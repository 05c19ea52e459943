"""kaohe.arrowcompute: Arrow's compute functions by name, as pyarrow.compute gives them,
and a kaohe score run that never imports pyarrow.compute."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pyarrow_compute
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import COUNTY

from kaohe import arrowcompute, sdk

TEXT = pa.array(["b", None, "=a", "", "b", "甲 ", ":x"], pa.string())
NUMBERS = pa.array([1.5, None, -2.0, 3.0], pa.float64())
DATES = pa.array([0, 18000, None], pa.date32())
FLAGS = pa.array([True, False, None, True])

#: (function, data and option arguments, option keywords): a call of each kind kaohe makes.
CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("all", (FLAGS,), {}),
    ("and_", (FLAGS, FLAGS), {}),
    ("and_kleene", (FLAGS, pa.array([False, True, True, None])), {}),
    ("any", (FLAGS,), {"skip_nulls": False}),
    ("binary_join_element_wise", (TEXT, TEXT, "|"), {}),
    ("binary_join_element_wise", (TEXT, TEXT, "|"), {"null_handling": "replace"}),
    ("dictionary_encode", (TEXT,), {}),
    ("equal", (TEXT, "b"), {}),
    ("extract_regex", (TEXT, r"(?P<x>[a-z])"), {}),
    ("filter", (TEXT, pa.array([True, False, True, None, True, False, True])), {}),
    ("floor_temporal", (pa.array([1_700_000_000], pa.timestamp("s")),), {"unit": "day"}),
    ("greater", (NUMBERS, 0.0), {}),
    ("if_else", (FLAGS, pa.array([1, 2, 3, 4]), 0), {}),
    ("index_in", (TEXT,), {"value_set": pa.array(["b", ""])}),
    ("invert", (FLAGS,), {}),
    ("is_in", (TEXT,), {"value_set": pa.array(["b", ""])}),
    ("is_null", (NUMBERS,), {}),
    ("is_valid", (TEXT,), {}),
    ("less_equal", (NUMBERS, 1.5), {}),
    ("match_substring", (TEXT, ":"), {}),
    ("match_substring_regex", (TEXT, r"^[=+\-@\t\r]"), {}),
    ("max", (NUMBERS,), {}),
    ("min_element_wise", (NUMBERS, pa.array([0.0, 1.0, None, 9.0])), {}),
    ("not_equal", (TEXT, ""), {}),
    ("or_kleene", (FLAGS, FLAGS), {}),
    ("replace_substring", (TEXT, "b", "bb"), {}),
    (
        "replace_with_mask",
        (NUMBERS, pa.array([True, False, True, False]), pa.array([9.0, 8.0])),
        {},
    ),
    ("sort_indices", (pa.table({"k": [3, 1, 2]}),), {"sort_keys": [("k", "ascending")]}),
    ("strftime", (pa.array([0], pa.timestamp("s")),), {"format": "%Y-%m-%d"}),
    ("strptime", (pa.array(["2019-03-12"]), "%Y-%m-%d", "s"), {}),
    ("struct_field", (pa.array([{"a": 1, "b": "x"}]), "b"), {}),
    ("sum", (NUMBERS,), {}),
    ("unique", (TEXT,), {}),
    ("utf8_length", (TEXT,), {}),
    ("utf8_lower", (pa.array(["AbC"]),), {}),
    ("utf8_rpad", (TEXT,), {"width": 3, "padding": "\x00"}),
    ("utf8_trim_whitespace", (TEXT,), {}),
]


@pytest.mark.parametrize(("name", "args", "keywords"), CALLS, ids=[c[0] for c in CALLS])
def test_each_function_gives_what_pyarrow_compute_gives(
    name: str, args: tuple[Any, ...], keywords: dict[str, Any]
) -> None:
    ours = getattr(arrowcompute, name)(*args, **keywords)
    theirs = getattr(pyarrow_compute, name)(*args, **keywords)
    assert type(ours) is type(theirs)
    assert ours.equals(theirs)


def test_the_options_of_each_function_are_arrows_own() -> None:
    registry = pyarrow_compute.function_registry()
    for name, options in arrowcompute.OPTIONS.items():
        assert registry.get_function(name)._doc.options_class == options, name


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda: arrowcompute.cast(NUMBERS, pa.string()), lambda: NUMBERS.cast(pa.string())),
        (lambda: arrowcompute.cast(DATES, pa.string()), lambda: DATES.cast(pa.string())),
        (
            lambda: arrowcompute.cast(pa.array([1.7]), pa.int64(), safe=False),
            lambda: pa.array([1.7]).cast(pa.int64(), safe=False),
        ),
        (lambda: arrowcompute.fill_null(TEXT, ""), lambda: TEXT.fill_null("")),
        (lambda: arrowcompute.fill_null(FLAGS, False), lambda: FLAGS.fill_null(False)),
        (
            lambda: arrowcompute.fill_null(pa.array([1, None], pa.int32()), pa.scalar(-1)),
            lambda: pa.array([1, None], pa.int32()).fill_null(-1),
        ),
        (lambda: arrowcompute.take(TEXT, np.array([6, 0, 0])), lambda: TEXT.take([6, 0, 0])),
        (
            lambda: arrowcompute.take(pa.table({"t": TEXT}), [1]),
            lambda: pa.table({"t": TEXT}).take([1]),
        ),
    ],
)
def test_the_functions_pyarrow_compute_writes_by_hand(ours: Any, theirs: Any) -> None:
    assert ours().equals(theirs())


def test_a_lossy_cast_is_refused_unless_unsafe() -> None:
    with pytest.raises(pa.ArrowInvalid, match="truncated"):
        arrowcompute.cast(pa.array([1.7]), pa.int64())
    with pytest.raises(IndexError):
        arrowcompute.take(TEXT, [7])


def test_a_function_arrow_lacks_and_options_one_cannot_take_are_refused() -> None:
    with pytest.raises(AttributeError, match="Arrow has no compute function 'no_such_thing'"):
        arrowcompute.no_such_thing  # noqa: B018
    with pytest.raises(TypeError, match="Arrow's utf8_length takes no options"):
        arrowcompute.utf8_length(TEXT, 3)


def test_the_plugin_api_gives_the_same_module() -> None:
    assert sdk.arrow_compute is arrowcompute
    assert "arrow_compute" in sdk.__all__


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=4)), max_size=30),
    st.lists(st.integers(0, 29), max_size=30),
)
def test_fill_take_and_encode_agree_with_pyarrow_compute(
    cells: list[str | None], picks: list[int]
) -> None:
    values = pa.array(cells, pa.string())
    picks = [p for p in picks if p < len(cells)]
    assert arrowcompute.fill_null(values, "").equals(pyarrow_compute.fill_null(values, ""))
    assert arrowcompute.take(values, np.array(picks, np.int64)).equals(
        pyarrow_compute.take(values, pa.array(picks, pa.int64()))
    )
    assert arrowcompute.dictionary_encode(values).equals(pyarrow_compute.dictionary_encode(values))


#: ``kaohe score`` of every reference scheme on its bundled data, ``--format parquet``
#: on the county's, and ``kaohe validate``, in one process: prints every attempt to
#: import pandas (refused, as where it is not installed: pyarrow imports it, about
#: 0.24 s, the first time it converts a value), then whether pyarrow.compute and
#: numpy.ma were imported (together about 45 ms of a county's run of 400).
_SCORE = """
import sys, traceback

class NoPandas:  # records who asks for pandas, and refuses it
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            print("pandas asked for", traceback.extract_stack()[-3:-1])
            raise ModuleNotFoundError(name)

sys.meta_path.insert(0, NoPandas())
from kaohe.cli import main
out, *schemes = sys.argv[1:]
runs = [["score", s, "--out", f"{out}/{i}"] for i, s in enumerate(schemes)]
runs += [["score", schemes[0], "--out", f"{out}/pq", "--format", "parquet"]]
runs += [["validate", schemes[0]]]
for args in runs:
    try:
        main(args)
    except SystemExit as stop:
        assert not stop.code, (args, stop.code)
print("pyarrow.compute" in sys.modules, "numpy.ma" in sys.modules)
"""


def test_kaohe_score_imports_neither_pandas_nor_pyarrow_compute_nor_numpy_ma(
    tmp_path: Any,
) -> None:
    schemes = sorted(str(s) for s in COUNTY.parent.glob("*.toml"))
    schemes.remove(str(COUNTY))
    done = subprocess.run(
        [sys.executable, "-c", _SCORE, str(tmp_path), str(COUNTY), *schemes],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pandas asked for" not in done.stdout, done.stdout
    assert done.stdout.splitlines()[-1] == "False False", done.stderr
    assert len(schemes) == 4
    for run in ("0", "4", "pq"):
        assert any((tmp_path / run).iterdir())


def test_values_cross_between_python_numpy_and_arrow_as_pyarrow_gives_them() -> None:
    assert arrowcompute.array(["a", None, "九"]).equals(pa.array(["a", None, "九"]))
    assert arrowcompute.array(("x",), pa.large_string()).equals(pa.array(["x"], pa.large_string()))
    text = ["é", "", "b\x00c", "九十", "😀x", "a"]  # 2, 3 and 4 bytes a character
    assert arrowcompute.array(np.array(text)).equals(pa.array(text))
    dates = np.array(["2019-03-12", "NaT"], "datetime64[D]")
    assert arrowcompute.array(dates).equals(pa.array([date(2019, 3, 12), None], pa.date32()))
    assert arrowcompute.array(np.arange(3), pa.int8()).equals(pa.array([0, 1, 2], pa.int8()))
    for value, kind in [
        ("a", None),
        (3, None),
        (2.5, None),
        (True, None),
        (None, None),
        (np.int32(4), None),
        (5, pa.int8()),
        (None, pa.string()),
        ("九", pa.large_string()),
        (0.5, pa.float32()),
    ]:
        made, expected = arrowcompute.scalar(value, kind), pa.scalar(value, kind)
        assert made.equals(expected), (value, kind)
        assert made.type == expected.type, (value, kind)
    flags = pa.array([True, False, None, True, False])
    assert arrowcompute.numpy(flags.slice(3), null=False).tolist() == [True, False]
    assert arrowcompute.numpy(flags, null=True).tolist() == [True, False, True, True, False]
    numbers = pa.chunked_array([[1, 2], [3]], pa.int16())
    assert arrowcompute.numpy(numbers).dtype == np.int16
    assert arrowcompute.numpy(numbers).tolist() == [1, 2, 3]
    assert arrowcompute.numpy(pa.chunked_array([], pa.float64())).shape == (0,)
    days = pa.array([0, 17967], pa.date32()).slice(1)
    assert arrowcompute.numpy(days).tolist() == days.to_numpy(zero_copy_only=False).tolist()
    assert arrowcompute.numpy(days).dtype == np.dtype("datetime64[D]")


def test_nulls_and_text_are_refused_where_numpy_has_no_place_for_them() -> None:
    with pytest.raises(ValueError, match="1 nulls in an array made numpy"):
        arrowcompute.numpy(pa.array([1, None]))
    with pytest.raises(TypeError, match="Arrow string made numpy"):
        arrowcompute.numpy(pa.array(["a"]))
    with pytest.raises(TypeError, match="Arrow null made numpy"):
        arrowcompute.numpy(pa.array([]))
    # a number its type cannot hold is pyarrow's to take: as pyarrow takes it
    assert arrowcompute.scalar(1.5, pa.int64()).equals(pa.scalar(1.5, pa.int64()))
    with pytest.raises(pa.ArrowInvalid, match="too large"):
        arrowcompute.scalar(2**40, pa.int32())


@given(
    st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=20),
    st.integers(0, 20),
)
def test_arrow_numbers_become_the_numpy_numbers_pyarrow_gives(
    cells: list[int | None], start: int
) -> None:
    values = pa.array(cells, pa.int64()).slice(min(start, len(cells)))
    assert arrowcompute.numpy(values, null=-1).tolist() == values.fill_null(-1).to_numpy().tolist()
    flags = pa.array([c is None or c % 2 == 0 for c in cells], pa.bool_()).slice(
        min(start, len(cells))
    )
    assert arrowcompute.numpy(flags).tolist() == flags.to_pylist()
    back = arrowcompute.array(arrowcompute.numpy(values, null=0))
    assert back.equals(values.fill_null(0))
