"""A Dataset pickles: it is sent to Dask workers and other processes.

Unpickled, it has the same tables (data and provenance), is read-only as
the original, and scores to the same results, here and in another process.
"""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from data_samples import sample, write_csv

import kaohe
from kaohe.data import Dataset, load
from kaohe.testing import REFERENCE_SCHEMES, as_plain

ROOT = Path(__file__).resolve().parents[2]


def round_trip(data: Dataset) -> Dataset:
    copy = pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(copy, Dataset)
    return copy


def assert_same_provenance(copy: Dataset, data: Dataset) -> None:
    assert copy.warnings == data.warnings
    assert list(copy.tables) == list(data.tables)
    for name, table in data.tables.items():
        other = copy.tables[name]
        assert (other.source, other.sha256, other.present) == (
            table.source,
            table.sha256,
            table.present,
        )
        assert other.spec == table.spec
        headers = [h for column in table.spec.columns for h in column.headers]
        assert [other.spec.canonical(h) for h in headers] == [
            table.spec.canonical(h) for h in headers
        ]
        assert other.lines.tolist() == table.lines.tolist()
        assert not other.lines.flags.writeable
        for column in table.columns:
            assert not other[column].flags.writeable


def test_a_loaded_dataset_round_trips(tmp_path: Path) -> None:
    data = load(write_csv(tmp_path / "data", sample()))
    copy = round_trip(data)
    assert copy == data
    assert_same_provenance(copy, data)
    with pytest.raises(TypeError):
        copy.tables["units"] = data.tables["units"]  # type: ignore[index]


def test_text_columns_not_yet_read_travel_as_arrow() -> None:
    names = pa.array(["甲乡", "乙局"])
    units = {"unit_id": ["U1", "U2"], "name": names, "category": ["乡镇", "县级部门"]}
    cadres = {"cadre_id": [], "name": [], "unit_id": [], "role": []}
    targets = {"unit_id": ["U1"], "indicator": ["经济发展"], "max": [40], "score": [38.5]}
    data = Dataset.from_columns({"units": units, "cadres": cadres, "targets": targets})
    copy = round_trip(data)
    assert copy.tables["units"]["name"].tolist() == ["甲乡", "乙局"]
    assert copy == data


def test_text_columns_travel_in_their_order_as_numpy_once_read() -> None:
    from kaohe.data.dataset import Columns

    ids, note = pa.array(["SV1", "SV2"]), pa.array(["a", "b"])
    columns = Columns({"points": np.array([1.0, 2.0])}, {"id": ids, "note": note})
    assert columns["id"].tolist() == ["SV1", "SV2"]  # read as numpy text
    assert columns.text("id") is ids  # the Arrow as read, kept for the writers
    # sent once, as numpy: the same bytes as the columns given as numpy
    numpy_only = Columns(
        {"points": columns["points"], "id": columns["id"]}, {"note": note}, ("points", "id", "note")
    )
    assert pickle.dumps(columns) == pickle.dumps(numpy_only)
    copy = pickle.loads(pickle.dumps(columns))
    assert list(copy) == list(columns) == ["points", "id", "note"]
    assert copy["id"].tolist() == ["SV1", "SV2"]
    assert not copy["id"].flags.writeable
    assert copy.text("note").equals(pa.array(["a", "b"]))


def score(scheme_path: Path, data: Dataset) -> dict[str, Any]:
    return as_plain(kaohe.evaluate(kaohe.load_scheme(scheme_path), data))


@pytest.mark.parametrize("name", REFERENCE_SCHEMES)
def test_an_unpickled_dataset_scores_the_same(name: str) -> None:
    scheme_path = ROOT / "schemes" / f"{name}.toml"
    data = kaohe.load_data(ROOT / "schemes" / name, kaohe.load_scheme(scheme_path))
    copy = round_trip(data)
    assert copy == data
    assert_same_provenance(copy, data)
    assert score(scheme_path, copy) == score(scheme_path, data)


def test_another_process_scores_the_dataset_it_was_sent() -> None:
    scheme_path = ROOT / "schemes" / "county-2019.toml"
    data = kaohe.load_data(ROOT / "schemes" / "county-2019", kaohe.load_scheme(scheme_path))
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        there = pool.submit(score, scheme_path, data).result()
    assert there == score(scheme_path, data)
