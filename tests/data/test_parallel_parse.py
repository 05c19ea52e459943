"""Columns parsed on several threads report their bad cells as one thread would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from data_samples import Tables, write_csv

from kaohe.data import build, load
from kaohe.data.problems import LIMIT
from kaohe.errors import DataError


def _error(folder: Path) -> str:
    with pytest.raises(DataError) as info:
        load(folder)
    return str(info.value)


@pytest.mark.parametrize("limit", [LIMIT, 3])
def test_threads_report_in_the_order_of_one_thread(
    tmp_path: Path, tables: Tables, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for row in tables["supervision"]:
        row["date"] = "2019-13-01"
        row["severity"] = "很重"
        row["unit_id"] = "U:9"
    tables["supervision"][0]["deadline"] = dt.date(1800, 1, 1)
    tables["cadres"][1]["unit_id"] = ""
    tables["cadres"][2]["role"] = "boss"
    folder = write_csv(tmp_path / "data", tables)
    monkeypatch.setattr("kaohe.data.problems.LIMIT", limit)
    monkeypatch.setattr(build.Problems.__init__, "__defaults__", (limit,))
    alone = _error(folder)
    monkeypatch.setattr(build, "PARALLEL_ROWS", 0)
    assert _error(folder) == alone
    assert ("很重" in alone) == (limit == LIMIT)


def test_csv_bodies_read_on_arrow_threads_or_not_give_the_same_data(
    tmp_path: Path, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaohe.data import csvfile

    tables["supervision"][0]["category"] = 'two\nlines, "quoted"'
    folder = write_csv(tmp_path / "data", tables)
    broken = write_csv(tmp_path / "broken", tables)
    with (broken / "awards.csv").open("ab") as file:
        file.write(b"A9,2019-01-01\n")  # too few cells
    alone, alone_error = load(folder), _error(broken)
    monkeypatch.setattr(csvfile, "THREADED_BYTES", 0)
    threaded, threaded_error = load(folder), _error(broken)
    assert threaded_error == alone_error
    assert "awards.csv" in alone_error
    for name, table in alone.tables.items():
        other = threaded.tables[name]
        assert list(table.columns) == list(other.columns)
        assert table.lines.tolist() == other.lines.tolist()
        for column in table.columns:
            assert table.columns[column].tolist() == other.columns[column].tolist(), (name, column)
