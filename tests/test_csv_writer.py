"""The Arrow CSV writer gives exactly the bytes of the numpy writer it replaced.

``reference_csv_bytes`` (in ``benchmarks/csv_reference.py``) is the writer
of the result CSVs before they were built through Arrow, kept verbatim as the oracle: the reference
schemes' files and generated cells (quotes, commas, line breaks, cells a
spreadsheet would take for a formula) must come out byte for byte the same.
"""

from __future__ import annotations

from pathlib import Path
from random import Random

import numpy as np
import pytest
from benchmarks.csv_reference import reference_csv_bytes
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.bridge import registry

import kaohe
from kaohe import arrowtext as at
from kaohe import output
from kaohe.output import csv_bytes
from kaohe.tables_out import (
    adjustment_rows,
    cadre_rows,
    finding_rows,
    freeze_rows,
    text,
    unit_rows,
)
from kaohe.testing import REFERENCE_SCHEMES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", REFERENCE_SCHEMES)
def test_the_reference_schemes_files_are_byte_identical(name: str) -> None:
    path = ROOT / "schemes" / f"{name}.toml"
    scheme = kaohe.load_scheme(path, registry())
    results = kaohe.evaluate(scheme, kaohe.load_data(path.with_suffix(""), scheme))
    for rows in (unit_rows, cadre_rows, adjustment_rows, freeze_rows, finding_rows):
        header, columns = rows(results)
        assert columns[0].shape[0] > 0 or rows in (freeze_rows, finding_rows)
        assert csv_bytes(header, columns) == reference_csv_bytes(header, columns)


#: Cells with everything quoting and formula neutralisation look at, and CJK text.
CELL = st.text(
    alphabet=st.sampled_from(list("ab ,\"\n\r\t=+-@'(九十)0.;")) | st.characters(codec="utf-8"),
    max_size=10,
)


@settings(deadline=None)
@given(
    st.integers(min_value=0, max_value=4).flatmap(
        lambda width: st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12)
    ),
    st.lists(CELL, min_size=4, max_size=4),
)
def test_generated_cells_are_byte_identical(rows: list[list[str]], names: list[str]) -> None:
    width = len(rows[0]) if rows else 3
    header = names[:width] + [""] * (width - len(names))
    columns = [text(np.asarray([row[i] for row in rows], dtype=str)) for i in range(width)]
    assert csv_bytes(header, columns) == reference_csv_bytes(header, columns)


def test_neutralised_and_quoted_cells_are_written_as_before() -> None:
    cells = text(np.asarray(["=1+1", "+a", "-2", "@x", "\tt", "\rr", 'a"b', "x,y", "九"]))
    assert csv_bytes(["c"], [cells]).decode("utf-8") == (
        '\ufeffc\n\'=1+1\n\'+a\n\'-2\n\'@x\n\'\tt\n"\'\rr"\n"a""b"\n"x,y"\n九\n'
    )


@settings(deadline=None)
@given(
    st.lists(st.tuples(CELL, CELL, st.integers(-(10**6), 10**6)), max_size=30),
    st.integers(min_value=1, max_value=7),
    st.randoms(use_true_random=False),
    st.sampled_from([1, 2, 3]),
)
def test_a_file_made_a_few_rows_at_a_time_is_the_same_file(
    rows: list[tuple[str, str, int]], chunk: int, random: Random, threads: int
) -> None:
    """Lookups, plain text and numbers in a row order, written ``chunk`` rows at a time,
    the slices made on ``threads`` threads."""
    n = len(rows)
    labels = sorted({row[0] for row in rows}) or [""]
    codes = np.asarray([labels.index(row[0]) for row in rows], dtype=np.int64)
    plain = text(np.asarray([row[1] for row in rows], dtype=str))
    points = np.asarray([row[2] / 100 for row in rows], dtype=np.float64)
    order = np.asarray(random.sample(range(n), n), dtype=np.int64)
    expected_columns = [
        text(np.asarray(labels, dtype=str))[codes][order],
        plain[order],
        np.asarray([format(v, ".4f") for v in np.round(points, 4) + 0.0], dtype=str)[order],
    ]
    columns = [
        at.Taken(at.from_numpy(text(np.asarray(labels, dtype=str))), codes[order]),
        plain[order],
        at.Numbers(points[order], 4),
    ]
    header = ["label", "cell", "points"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output, "CHUNK_ROWS", chunk)
        patch.setattr(output, "WRITE_THREADS", threads)
        made = csv_bytes(header, columns)
    assert made == reference_csv_bytes(header, expected_columns)


@settings(deadline=None)
@given(
    st.lists(st.tuples(CELL, CELL, CELL), max_size=30),
    st.sampled_from([0, 4, 1 << 12]),
    st.randoms(use_true_random=False),
)
def test_lookup_columns_written_together_make_the_same_file(
    rows: list[tuple[str, str, str]], limit: int, random: Random
) -> None:
    """Adjacent lookups (few cells, or the same rows) merged into one column, or not."""
    n = len(rows)
    cells = [sorted({row[i] for row in rows}) or [""] for i in range(3)]
    codes = [np.asarray([cells[i].index(row[i]) for row in rows], dtype=np.int64) for i in range(3)]
    order = np.asarray(random.sample(range(n), n), dtype=np.int64)
    per_row = [text(np.asarray([row[0] for row in rows], dtype=str))[order]]  # same rows as ids
    columns = [
        at.Taken(at.from_numpy(per_row[0]), np.arange(n)),
        at.Taken(
            at.from_numpy(text(np.asarray([f"id{i}" for i in order], dtype=str))), np.arange(n)
        ),
        *(
            at.Taken(at.from_numpy(text(np.asarray(cells[i], dtype=str))), codes[i][order])
            for i in (1, 2)
        ),
    ]
    expected = [
        per_row[0],
        text(np.asarray([f"id{i}" for i in order], dtype=str)),
        *(text(np.asarray(cells[i], dtype=str))[codes[i]][order] for i in (1, 2)),
    ]
    header = ["kind", "id", "rule", "note"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output, "MERGED_LIMIT", limit)
        assert csv_bytes(header, columns) == reference_csv_bytes(header, expected)


@pytest.mark.parametrize("name", REFERENCE_SCHEMES)
def test_the_streamed_files_are_the_files(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``kaohe score`` writes while making it is what the files in memory hold,
    also when each file comes in many slices (a few rows at a time)."""
    path = ROOT / "schemes" / f"{name}.toml"
    scheme = kaohe.load_scheme(path, registry())
    results = kaohe.evaluate(scheme, kaohe.load_data(path.with_suffix(""), scheme))
    whole = output.result_files(results, {"kind": "test"})
    monkeypatch.setattr(output, "CHUNK_ROWS", 3)
    streamed = output.streamed_result_files(results, {"kind": "test"})
    assert list(streamed) == list(whole)
    for file_name, content in streamed.items():
        if isinstance(content, bytes):
            assert content == whole[file_name]
            continue
        chunks = list(content.chunks())
        assert len(chunks) > 2 or file_name in ("findings.csv", "freezes.csv")
        assert b"".join(chunks) == whole[file_name], file_name
