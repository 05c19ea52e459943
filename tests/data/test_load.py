"""Loading: every source and spelling of the same tables gives the same Dataset."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from data_samples import (
    Tables,
    columns_of,
    excel_serial,
    sample,
    traditional,
    write_csv,
    write_xlsx,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe import vocab
from kaohe.data import Dataset, Table, load
from kaohe.tables import installed_tables

pytestmark = pytest.mark.filterwarnings("error")

DTYPES = {
    "id": "U",
    "text": "U",
    "date": "M",
    "count": "i",
    "score": "f",
    "bool": "b",
    "vocab": "i",
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load(write_csv(tmp_path_factory.mktemp("base") / "data", sample()))


def test_columns_types_and_index_columns(baseline: Dataset) -> None:
    for name, spec in installed_tables().items():
        table = baseline.tables[name]
        if name not in sample():  # a table of a bureau's plugin (kaohe-hotline)
            assert not table.present
            continue
        assert table.present
        assert len(table) == len(sample()[name])
        for column in spec.columns:
            values = table[column.name]
            assert values.dtype.kind == DTYPES[column.kind], (name, column.name)
            assert values.shape == (len(table),)
            if column.kind == "date":
                assert values.dtype == np.dtype("datetime64[D]")
            if column.kind == "vocab":
                assert values.dtype == np.int8
        for id_column, index, ids in (
            ("unit_id", "unit", baseline.unit_ids),
            ("cadre_id", "cadre", baseline.cadre_ids),
        ):
            if id_column in spec.names:
                resolved = table[index]
                assert resolved.dtype == np.int64
                given_ = table[id_column] != ""
                assert (resolved[~given_] == -1).all()
                assert (ids[resolved[given_]] == table[id_column][given_]).all()
    assert baseline.unit_ids.tolist() == ["U01", "U02", "U03"]
    assert baseline.cadre_ids.tolist() == ["C001", "C002", "C003", "C004", "C005"]


def test_values(baseline: Dataset) -> None:
    supervision = baseline.tables["supervision"]
    assert supervision["id"].tolist() == ["S1", "S2", "S3"]
    assert supervision["date"][0] == np.datetime64("2019-03-05")
    assert np.isnat(supervision["deadline"][1])
    assert supervision["severity"].tolist() == [0, 2, 1]
    assert supervision["category"].tolist() == ["作风建设", "安全生产", ""]
    cadres = baseline.tables["cadres"]
    assert [vocab.ROLE.values[c] for c in cadres["role"]] == [
        "head",
        "leader",
        "head",
        "middle",
        "staff",
    ]
    assert baseline.tables["targets"]["score"].tolist() == [28.0, 36.5, 30.25, 25.0]
    criticisms = baseline.tables["criticisms"]
    assert criticisms["level"].tolist() == [1, 0]  # 县, 街道 = 乡镇
    notices = baseline.tables["notices"]
    assert notices["level"].tolist() == [1, 0]  # empty level: the default 乡镇
    sanctions = baseline.tables["sanctions"]
    assert sanctions["issuer"].tolist() == [0, 1]  # empty issuer: the default self
    assert sanctions["type"].tolist() == [1, 16]


def test_canonical_order_and_lines(tmp_path: Path) -> None:
    tables = sample()
    order = {"supervision": [2, 0, 1], "votes": [4, 3, 2, 1, 0], "targets": [3, 2, 1, 0]}
    ds = load(write_csv(tmp_path / "data", tables, order=order))
    supervision = ds.tables["supervision"]
    assert supervision["id"].tolist() == ["S1", "S2", "S3"]
    assert supervision.lines.tolist() == [3, 4, 2]
    votes = ds.tables["votes"]
    assert votes["cadre_id"].tolist() == ["C001", "C002", "C002", "C003", "C005"]
    assert votes["excellent"].tolist() == [20, 1, 10, 15, 3]  # ties by every value
    targets = ds.tables["targets"]
    assert list(zip(targets["unit_id"], targets["indicator"], strict=True)) == [
        ("U01", "党的建设"),
        ("U01", "经济发展"),
        ("U02", "经济发展"),
        ("U03", "党的建设"),
    ]


def test_provenance(tmp_path: Path, baseline: Dataset) -> None:
    folder = write_csv(tmp_path / "data", sample())
    ds = load(folder)
    table = ds.tables["supervision"]
    assert table.source == str(folder / "supervision.csv")
    assert table.sha256 == hashlib.sha256((folder / "supervision.csv").read_bytes()).hexdigest()
    assert table.lines.dtype == np.int64
    assert table.lines.tolist() == [2, 3, 4]
    assert ds == baseline


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_load_equal(tmp_path: Path, baseline: Dataset, encoding: str) -> None:
    assert load(write_csv(tmp_path / "data", sample(), encoding=encoding)) == baseline


@pytest.mark.parametrize("style", ["zh", "hant"])
def test_chinese_headers_load_equal(tmp_path: Path, baseline: Dataset, style: str) -> None:
    assert load(write_csv(tmp_path / "data", sample(), style=style)) == baseline


def test_traditional_values_load_equal(tmp_path: Path, baseline: Dataset) -> None:
    tables = traditional(sample())
    assert tables["units"][0]["category"] == "鄉鎮"
    assert load(write_csv(tmp_path / "data", tables, style="hant", encoding="gb18030")) == baseline


def test_chinese_labels_of_coded_values_load_equal(tmp_path: Path, baseline: Dataset) -> None:
    tables = sample()
    for row, table in zip(tables["tolerances"], ["督查问题", "處分"], strict=True):
        row["ref_table"] = table
    for row in tables["cadres"]:
        row["role"] = vocab.ROLE.label(str(row["role"]))
    assert load(write_csv(tmp_path / "data", tables)) == baseline


def test_slash_dates_load_equal(tmp_path: Path, baseline: Dataset) -> None:
    assert load(write_csv(tmp_path / "data", sample(), date_style="slash")) == baseline


def test_workbook_loads_equal(tmp_path: Path, baseline: Dataset) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", sample(), serial_columns=["deadline"])
    ds = load(path)
    assert ds == baseline
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert {table.sha256 for table in ds.tables.values() if table.present} == {digest}
    assert ds.tables["supervision"].source == f"{path}[supervision]"
    assert ds.tables["supervision"].lines.tolist() == [2, 3, 4]
    assert ds.tables["exposures"].lines.tolist() == [2]


def test_workbook_traditional_chinese_headers(tmp_path: Path, baseline: Dataset) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", traditional(sample()), style="hant")
    assert load(path) == baseline


def test_workbook_text_cells_and_empty_sheets(tmp_path: Path, baseline: Dataset) -> None:
    import openpyxl

    tables = sample()
    for row in tables["supervision"]:
        row["date"] = row["date"].isoformat()  # dates typed as text
    tables["votes"][0]["excellent"] = 20.0  # an integer-valued float is a count
    path = write_xlsx(tmp_path / "book.xlsx", tables)
    book = openpyxl.load_workbook(path)
    book.create_sheet("Sheet1")  # an empty extra sheet is ignored
    book["units"].insert_rows(2)  # a blank row is skipped
    book.save(path)
    ds = load(path)
    assert ds == baseline
    assert ds.tables["units"].lines.tolist() == [3, 4, 5]


def test_memory_loads_equal(baseline: Dataset) -> None:
    ds = Dataset.from_columns(columns_of(sample()))
    assert ds == baseline
    assert ds.tables["supervision"].source == "<memory>:supervision"
    assert ds.tables["supervision"].lines.tolist() == [1, 2, 3]
    assert ds.tables["supervision"].sha256 is None


def _numpy_columns(tables: Tables) -> dict[str, dict[str, Any]]:
    """The sample as typed numpy arrays (the fast paths)."""
    result: dict[str, dict[str, Any]] = {}
    for name, given_ in columns_of(tables).items():
        spec = installed_tables()[name]
        columns: dict[str, Any] = {}
        for column_name, values in given_.items():
            column = spec.column(column_name)
            if column.kind == "date":
                columns[column_name] = np.array(
                    [np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values],
                    dtype="datetime64[D]",
                )
            elif column.kind == "vocab":
                assert column.vocab is not None
                columns[column_name] = np.array(
                    [-1 if v is None else column.vocab.code(v) for v in values], dtype=np.int8
                )
            elif column.kind == "count":
                columns[column_name] = np.array(values, dtype=np.int32)
            elif column.kind == "score":
                columns[column_name] = np.array(values, dtype=np.float32)
            else:
                columns[column_name] = np.array(["" if v is None else v for v in values])
        result[name] = columns
    return result


def test_memory_numpy_loads_equal(baseline: Dataset) -> None:
    assert Dataset.from_columns(_numpy_columns(sample())) == baseline


def test_memory_mixed_inputs(baseline: Dataset) -> None:
    given_ = columns_of(sample())
    given_["supervision"]["date"] = ["2019-03-05", dt.datetime(2019, 6, 10), "2018/12/30"]
    given_["supervision"]["rectified_on"] = [np.datetime64("2019-04-01"), None, float("nan")]
    given_["votes"]["excellent"] = ["20", 10.0, 1, "15", " 3 "]
    given_["cadres"]["unit_id"] = np.array([" U01", "U01 ", "U02", "U02", "U03"])
    assert Dataset.from_columns(given_) == baseline


def test_absent_tables(tmp_path: Path) -> None:
    required = ("units", "cadres", "targets")
    tables = {name: rows for name, rows in sample().items() if name in required}
    folder = write_csv(tmp_path / "data", tables)
    ds = load(folder)
    assert ds.absent == tuple(name for name in installed_tables() if name not in tables)
    supervision = ds.tables["supervision"]
    assert not supervision.present
    assert len(supervision) == 0
    assert supervision.source == str(folder / "supervision.csv")
    assert supervision.sha256 is None
    assert supervision["date"].dtype == np.dtype("datetime64[D]")
    assert supervision["severity"].dtype == np.int8
    assert supervision["unit"].dtype == np.int64
    assert ds.tables["criticisms"]["cadre"].shape == (0,)
    assert ds.out_of_period(dt.date(2019, 1, 1), dt.date(2019, 12, 31))["supervision"] == 0


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    tables = sample()
    for row in tables["notices"]:
        del row["level"], row["rectified_on"]
    ds = load(write_csv(tmp_path / "data", tables))
    notices = ds.tables["notices"]
    assert notices["level"].tolist() == [0, 0]  # default 乡镇
    assert np.isnat(notices["rectified_on"]).all()


def test_out_of_period(baseline: Dataset) -> None:
    counts = baseline.out_of_period(dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert set(counts) - {"hotline"} == {  # hotline: the bureau plugin kaohe-hotline
        "supervision",
        "exposures",
        "criticisms",
        "interviews",
        "notices",
        "awards",
        "vetoes",
    }
    assert counts["supervision"] == 1
    assert sum(counts.values()) == 1
    late = baseline.out_of_period(dt.date(2019, 1, 1), dt.date(2019, 11, 30))
    assert late["awards"] == 0
    assert late["vetoes"] == 1
    assert late["supervision"] == 1


def test_arrays_are_read_only(baseline: Dataset) -> None:
    for table in baseline.tables.values():
        assert not table.lines.flags.writeable
        for values in table.columns.values():
            assert not values.flags.writeable
    assert not baseline.unit_ids.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        baseline.tables["units"]["name"][0] = "x"
    with pytest.raises(TypeError):
        baseline.tables["units"].columns["x"] = np.zeros(3)  # type: ignore[index]


def test_memory_inputs_are_not_modified() -> None:
    given_ = _numpy_columns(sample())
    names = given_["units"]["name"]
    Dataset.from_columns(given_)
    assert names.flags.writeable


def test_equality_is_about_data(baseline: Dataset) -> None:
    tables = sample()
    tables["targets"][0]["score"] = 36.25
    assert Dataset.from_columns(columns_of(tables)) != baseline
    table = baseline.tables["units"]
    assert table == Table("units", table.columns, "elsewhere", table.lines[::-1], spec=table.spec)
    assert table != baseline.tables["cadres"]


def test_csv_details(tmp_path: Path, baseline: Dataset) -> None:
    folder = write_csv(tmp_path / "data", sample())
    (folder / "interviews.csv").write_text(
        "\n id , 日期 ,unit_id,note\n\n I1 ,2019-10-01, U03 ,\n,,,\n", encoding="utf-8"
    )
    (folder / "supervision.csv").write_text(
        "id,date,unit_id,severity,deadline,rectified_on,category,note\n"
        'S1,2019-3-5,U01,一般,2019-04-05,2019/4/1,作风建设,"台账不全"\n'
        'S3,2018-12-30,U01,較重,2019-01-30,,,"multi\nline"\n'
        "S2,2019-06-10,U02,嚴重,,,安全生產,\n",
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text("not a table", encoding="utf-8")
    ds = load(folder)
    assert ds.tables["interviews"]["id"].tolist() == ["I1"]
    assert ds.tables["interviews"].lines.tolist() == [4]
    supervision = ds.tables["supervision"]
    assert supervision.lines.tolist() == [2, 5, 3]
    assert supervision["note"].tolist() == ["台账不全", "", "multi\nline"]


def test_id_order_is_code_point_order() -> None:
    ids = ["中", "b", "B", "a10", "a9", "Z", "é"]
    units = {"unit_id": ids, "name": ids, "category": ["乡镇"] * len(ids)}
    ds = Dataset.from_columns(
        {
            "units": units,
            "cadres": {"cadre_id": [], "name": [], "unit_id": [], "role": []},
            "targets": {"unit_id": [], "indicator": [], "score": []},
        }
    )
    assert ds.unit_ids.tolist() == sorted(ids)
    assert ds.tables["cadres"].present
    assert len(ds.tables["cadres"]) == 0


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_shuffled_rows_give_identical_arrays(data: st.DataObject) -> None:
    tables = sample()
    for name in ("votes", "attendance", "surveys", "supervision", "cadres", "targets"):
        tables[name] = data.draw(st.permutations(tables[name]), label=name)
    ds = Dataset.from_columns(columns_of(tables))
    expected = Dataset.from_columns(columns_of(sample()))
    assert ds == expected
    for name, table in ds.tables.items():
        for column, values in table.columns.items():
            other = expected.tables[name][column]
            assert values.dtype == other.dtype
            if values.dtype.kind == "M":
                values, other = values.view(np.int64), other.view(np.int64)
            assert values.tolist() == other.tolist()


def test_shuffled_csv_rows(tmp_path: Path, baseline: Dataset) -> None:
    order = {name: list(range(len(rows)))[::-1] for name, rows in sample().items()}
    assert load(write_csv(tmp_path / "data", sample(), order=order)) == baseline


def test_excel_serials_in_date_columns(tmp_path: Path) -> None:
    tables = sample()
    path = write_xlsx(tmp_path / "book.xlsx", tables, serial_columns=["date", "issued"])
    ds = load(path)
    assert ds.tables["supervision"]["date"][0] == np.datetime64("2019-03-05")
    assert excel_serial(dt.date(2019, 3, 5)) == 43529


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )
    return result.stdout.strip()


def test_csv_path_imports_neither_openpyxl_nor_opencc(folder: Path) -> None:
    code = (
        "import sys; from kaohe.data import load; "
        f"load({str(folder)!r}); "
        "print('openpyxl' in sys.modules, 'opencc' in sys.modules)"
    )
    assert _run(code) == "False False"


def test_traditional_values_import_opencc(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "data", traditional(sample()))
    code = (
        "import sys; from kaohe.data import load; "
        f"load({str(folder)!r}); print('opencc' in sys.modules)"
    )
    assert _run(code) == "True"


def test_spaces_are_stripped_on_both_csv_paths(tmp_path: Path, baseline: Dataset) -> None:
    folder = write_csv(tmp_path / "data", sample())
    units = (
        " unit_id ,name,category\n U01 ,城关镇,乡镇\u3000\nU02\t,财政局,县级部门\n"
        "U03,税务局, 条管单位\n"
    )
    (folder / "units.csv").write_text(units, encoding="utf-8")
    assert load(folder) == baseline
    (folder / "units.csv").write_text(units.replace("U02", '"U02"'), encoding="utf-8")
    assert load(folder) == baseline
