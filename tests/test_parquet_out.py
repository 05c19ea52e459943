"""``kaohe score --format parquet``: the result tables as typed Parquet files beside the CSVs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.audit.verify import verify
from kaohe.cli import main
from kaohe.manifest import MANIFEST
from kaohe.parquetout import DATES, FLOATS, INTEGERS, parquet_bytes

TABLES = ("units", "cadres", "adjustments", "freezes", "findings")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parquet")
    shutil.copy(COUNTY, root / COUNTY.name)
    shutil.copytree(COUNTY.with_suffix(""), root / COUNTY.stem)
    out = root / "out"
    result = CliRunner().invoke(
        main, ["score", str(root / COUNTY.name), "--out", str(out), "--format", "parquet"]
    )
    assert result.exit_code == 0, result.output
    return out


def csv_table(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def expected_value(column: str, cell: str) -> object:
    """What the Parquet file holds for a CSV cell, worked out by hand from the contract."""
    if cell == "" and column in FLOATS | INTEGERS | DATES:
        return None
    if column in FLOATS:
        return float(cell)
    if column in INTEGERS:
        return int(cell)
    if column in DATES:
        return dt.date(9999, 12, 31) if cell == "indefinite" else dt.date.fromisoformat(cell)
    return cell


@pytest.mark.parametrize("table", TABLES)
def test_every_cell_is_the_csv_cell_typed(scored: Path, table: str) -> None:
    read = pq.read_table(scored / f"{table}.parquet")
    rows = csv_table(scored / f"{table}.csv")
    assert read.num_rows == len(rows)
    assert read.column_names == list(rows[0])
    assert read.to_pylist() == [
        {column: expected_value(column, cell) for column, cell in row.items()} for row in rows
    ]


def test_columns_are_typed(scored: Path) -> None:
    units = pq.read_schema(scored / "units.parquet")
    assert units.field("unit_id").type == pa.string()
    assert units.field("score").type == pa.float64()
    assert units.field("rank").type == pa.int64()
    cadres = pq.read_schema(scored / "cadres.parquet")
    assert cadres.field("frozen_until").type == pa.date32()
    freezes = pq.read_table(scored / "freezes.parquet")
    assert freezes.schema.field("end").type == pa.date32()
    # county-2019 has windows that never end and 2019's first freeze starts on 2019-01-25
    assert dt.date(9999, 12, 31) in freezes["end"].to_pylist()


def test_known_values(scored: Path) -> None:
    units = pq.read_table(scored / "units.parquet").to_pylist()
    xz08 = next(u for u in units if u["unit_id"] == "XZ08")
    assert xz08["score"] == 58.69  # as in units.csv (tests/test_verify.py)


def test_the_parquet_files_are_listed_and_hashed_in_the_manifest(scored: Path) -> None:
    import json

    files = json.loads((scored / MANIFEST).read_text("utf-8"))["files"]
    assert {f"{t}.parquet" for t in TABLES} <= set(files)
    assert verify(scored) == []


def test_a_changed_parquet_value_is_named_by_row_and_column(scored: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(scored.parent, tmp_path, dirs_exist_ok=True)
    table = pq.read_table(out / "units.parquet")
    scores = table["score"].to_numpy().copy()
    scores[3] = 99.5
    edited = table.set_column(table.column_names.index("score"), "score", pa.array(scores))
    pq.write_table(edited, out / "units.parquet", compression="zstd")
    was = table["score"][3].as_py()
    assert verify(out) == [
        "units.parquet: changed since the run (its sha256 is not the recorded one)",
        f"units.parquet row 4, column score: 99.5 in the file, {was!r} scoring again",
    ]


def test_empty_cells_are_null_and_an_empty_table_has_its_columns() -> None:
    read = pq.read_table(
        pa.BufferReader(
            parquet_bytes(
                ("cadre_id", "score", "rank", "end"),
                [np.asarray(["'=x", "C2"]), np.asarray(["", "80.50"]), np.asarray(["1", ""]),
                 np.asarray(["indefinite", ""])],
            )
        )
    )  # fmt: skip
    assert read.to_pylist() == [
        {"cadre_id": "'=x", "score": None, "rank": 1, "end": dt.date(9999, 12, 31)},
        {"cadre_id": "C2", "score": 80.5, "rank": None, "end": None},
    ]
    empty = pq.read_table(pa.BufferReader(parquet_bytes(("score",), [np.zeros(0, dtype=str)])))
    assert empty.num_rows == 0
    assert empty.schema.field("score").type == pa.float64()
