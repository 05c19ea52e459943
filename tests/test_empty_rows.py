"""Rows whose cells are all empty or white space are skipped, with a warning naming their lines."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kaohe.data.problems import Problems
from kaohe.data.raw import drop_empty_rows


def test_rows_of_blank_cells_are_skipped_and_named() -> None:
    # line 2: filled; 3: spaces, ideographic and no-break spaces; 4: filled after a
    # leading space; 5: empty; 6: a tab and an em space before text; 7: nulls
    table = pa.table(
        {
            "id": pa.array(["U1", " ", " U3", "", "\t\u2003x", None]),
            "name": pa.array(["一", "\u3000", "", "", "", None]),
            "n": pa.array([1, None, None, None, None, None], pa.int64()),
        }
    )
    problems = Problems()
    kept, lines = drop_empty_rows(table, np.arange(2, 8), "units.csv", problems)
    assert kept.column("id").to_pylist() == ["U1", " U3", "\t\u2003x"]
    assert lines.tolist() == [2, 4, 6]
    assert problems.warnings == ["units.csv: empty rows skipped (row 3, 5, 7)"]


def test_a_no_break_space_alone_is_blank_and_a_cjk_character_is_not() -> None:
    table = pa.table({"id": pa.array(["\u00a0", "九", "\u3000\u3000", "\u00a0a"])})
    problems = Problems()
    kept, lines = drop_empty_rows(table, np.arange(2, 6), "units.csv", problems)
    assert kept.column("id").to_pylist() == ["九", "\u00a0a"]
    assert lines.tolist() == [3, 5]
