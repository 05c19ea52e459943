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
