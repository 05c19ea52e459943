"""Blank cells: rows of them are skipped (with a warning naming their lines), cells are trimmed."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaohe.data.arrays import (
    MAY_END_BLANK,
    MAY_END_BLANK_BEFORE,
    MAY_START_BLANK,
    filled,
    text,
    trimmed,
)
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


def test_every_character_arrow_trims_is_seen_at_the_edges_of_a_cell() -> None:
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells = pa.array([chr(c) for c in points])
    blank = np.flatnonzero(np.asarray(pc.equal(pc.utf8_trim_whitespace(cells), "")))
    assert len(blank) == 29  # U+0009-000D, U+001C-0020, U+0085, U+00A0, U+1680, U+2000-200A, ...
    for row in blank.tolist():
        encoded = chr(points[row]).encode("utf-8")
        assert MAY_START_BLANK[encoded[0]], hex(points[row])
        assert MAY_END_BLANK[encoded[-1]], hex(points[row])
        assert len(encoded) == 1 or MAY_END_BLANK_BEFORE[encoded[-2]], hex(points[row])


def test_cells_are_trimmed_and_others_kept_as_they_are() -> None:
    cells = pa.array([" a ", "b", None, "\u3000九\u3000", "c\u00a0", "", "d\te"])
    assert trimmed(cells).to_pylist() == ["a", "b", "", "九", "c", "", "d\te"]
    assert filled(cells).tolist() == [True, True, False, True, True, False, True]
    assert text(pa.array(["x", "y"])).to_pylist() == ["x", "y"]


def test_dictionary_and_date_cells_are_filled_as_their_text() -> None:
    cells = pa.array([" a ", None, "\u3000", "", "九", " a "])
    assert filled(cells.dictionary_encode()).tolist() == filled(cells).tolist()
    days = pa.array([None, 0, 17000], pa.date32())
    assert filled(days).tolist() == filled(pc.cast(days, pa.string())).tolist()
