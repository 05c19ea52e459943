"""The loaders' fast paths give what the general paths give: the same cells, the same
problems with the same messages, the same rows found.

Parquet text columns read in dictionary form (chosen from the file's metadata),
``date32`` columns checked on their stored integers, tolerances found by binary
search, lookups split across threads, and text of printable ASCII not looked at
cell by cell for white space.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from data_samples import Tables, write_csv

from kaohe.data import arrays, build, checks, columnar, load, parse
from kaohe.data.problems import Problems, Where
from kaohe.errors import DataError
from kaohe.table_spec import ColumnSpec
from kaohe.tables import installed_tables

pytestmark = pytest.mark.filterwarnings("error")

TABLES = installed_tables()


def _parse(spec: ColumnSpec, values: pa.Array) -> tuple[Any, pa.Array | None, list[str]]:
    """The parsed column, its dictionary form and the problems' messages."""
    problems = Problems()
    where = Where("t.parquet", np.arange(1, len(values) + 1, dtype=np.int64), problems)
    result = parse.parse_words(spec, values, where)
    words = result if isinstance(result, pa.DictionaryArray) else None
    return arrays.plain(result), words, [str(problem) for problem in problems.found]


# --- Parquet columns in dictionary form ---------------------------------------------


def _write(path: Path, table: pa.Table) -> pq.ParquetFile:
    pq.write_table(table, path)
    return pq.ParquetFile(path)


def test_small_dictionaries_are_read_as_such_and_distinct_ids_are_not(tmp_path: Path) -> None:
    n = 20_000
    drawn = np.random.default_rng(7).integers(0, 7, n).tolist()
    table = pa.table(
        {
            "id": [f"SV{i:07d}" for i in range(n)],
            "unit_id": [f"U{i:02d}" for i in drawn],
            "severity": ["一般"] * n,
            "note": [["群众投诉核实", "", "不留痕"][i % 3] for i in drawn],
            "date": pa.array([dt.date(2019, 1, 1)] * n, pa.date32()),
            "extra": ["x"] * n,
        }
    )
    file = _write(tmp_path / "supervision.parquet", table)
    chosen = columnar._dictionary_columns(file, TABLES["supervision"])
    assert chosen == ["unit_id", "severity", "note"]
    plain = _write(tmp_path / "plain.parquet", table.select(["id", "unit_id"]))
    assert columnar._dictionary_columns(plain, TABLES["supervision"]) == ["unit_id"]
    unencoded = tmp_path / "unencoded.parquet"
    pq.write_table(table, unencoded, use_dictionary=False)
    assert columnar._dictionary_columns(pq.ParquetFile(unencoded), TABLES["supervision"]) == [
        "severity"  # a vocabulary's column always
    ]


@pytest.mark.parametrize(
    ("table", "name", "values"),
    [
        ("supervision", "unit_id", ["U01", " U02 ", None, "U01", "", "U\u300003"]),
        ("supervision", "id", ["S1", "S:2", "S3", " S:2", None]),
        ("supervision", "id", ["S1", "S\u200b2", None, "S\u200b2", "S:\ufeff3"]),  # unseen
        ("supervision", "note", ["  甲 ", None, "", "乙", "甲"]),
        ("supervision", "category", ["不深入", " 不留痕", None, "不深入"]),
        ("supervision", "category", ["不深入", " 不留痕", None, "無作為"]),  # made simple
        ("units", "unit_id", ["", "", ""]),
    ],
)
def test_a_dictionary_column_parses_as_its_plain_cells(
    table: str, name: str, values: list[str | None]
) -> None:
    spec = TABLES[table].column(name)
    plain = pa.array(values, pa.string())
    expected, none, problems = _parse(spec, plain)
    assert none is None
    got, words, found = _parse(spec, pc.dictionary_encode(plain))
    assert got.type == expected.type
    assert got.equals(expected)
    assert found == problems
    assert words is not None  # simplified characters too: made word by word, kept so
    assert words.dictionary_decode().equals(expected)
    assert words.indices.null_count == 0


def test_the_problems_of_a_dictionary_column_name_rows_and_cells() -> None:
    spec = TABLES["supervision"].column("id")
    _, _, found = _parse(spec, pc.dictionary_encode(pa.array(["S1", " S:2", None, "S:2"])))
    message = "contains ':', which is reserved for derived records; expected an id without ':'"
    assert found == [  # as reported: empty cells first
        "t.parquet, row 3, column 'id': required cell is empty; expected an id (text without ':')",
        f"t.parquet, row 2, column 'id': id 'S:2' {message}",
        f"t.parquet, row 4, column 'id': id 'S:2' {message}",
    ]


@pytest.fixture
def every_text_column_as_a_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every id and text column of a Parquet file read in dictionary form."""
    monkeypatch.setattr(columnar, "DICTIONARY_SHARE", 0)


def _parquet_folder(folder: Path, tables: Tables, into: Path) -> Path:
    import pyarrow.csv as pacsv

    write_csv(folder, tables)
    into.mkdir()
    for path in sorted(folder.glob("*.csv")):
        read = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
        pq.write_table(read, into / f"{path.stem}.parquet")
    return into


@pytest.mark.usefixtures("every_text_column_as_a_dictionary")
def test_a_parquet_folder_of_dictionaries_loads_as_its_csv_folder(
    tmp_path: Path, tables: Tables
) -> None:
    folder = _parquet_folder(tmp_path / "csv", tables, tmp_path / "parquet")
    assert load(folder) == load(tmp_path / "csv")
    assert pa.types.is_dictionary(
        pq.ParquetFile(folder / "supervision.parquet", read_dictionary=["unit_id"])
        .schema_arrow.field("unit_id")
        .type
    )


@pytest.mark.usefixtures("every_text_column_as_a_dictionary")
def test_unknown_ids_of_a_dictionary_column_are_reported_as_from_plain_text(
    tmp_path: Path, tables: Tables
) -> None:
    tables["supervision"][0]["unit_id"] = "U99"
    tables["supervision"][1]["unit_id"] = " U01 "
    tables["awards"][0]["cadre_id"] = "C999"
    folder = _parquet_folder(tmp_path / "csv", tables, tmp_path / "parquet")
    with pytest.raises(DataError) as from_parquet:
        load(folder)
    columnar.DICTIONARY_SHARE = 10**9  # none in dictionary form (the fixture puts it back)
    with pytest.raises(DataError) as plain:
        load(folder)
    assert str(from_parquet.value) == str(plain.value)
    assert "unknown unit_id 'U99'; expected a unit_id listed in table 'units'" in str(plain.value)


# --- dates stored as integers -------------------------------------------------------


def test_date32_cells_are_checked_on_their_integers_as_other_dates() -> None:
    spec = TABLES["supervision"].column("date")  # required
    days = [dt.date(1899, 12, 31), None, dt.date(2019, 3, 5), dt.date(2101, 1, 1)]
    days += [dt.date(1900, 1, 1), dt.date(2100, 12, 31)]
    got, words, found = _parse(spec, pa.array(days, pa.date32()))
    assert words is None
    assert got.dtype == np.dtype("datetime64[D]")
    assert [str(day) for day in got] == [
        "NaT", "NaT", "2019-03-05", "NaT", "1900-01-01", "2100-12-31"
    ]  # fmt: skip
    as_date64, _, general = _parse(spec, pa.array(days, pa.date64()))  # the general path
    assert np.array_equal(got, as_date64, equal_nan=True)
    assert found == general
    outside = "is outside 1900-2100; expected a date from 1900-01-01 to 2100-12-31"
    assert found == [  # as reported: empty cells first
        "t.parquet, row 2, column 'date': required cell is empty; expected a date such as "
        "2019-03-12, 2019/3/12, 2019.3.12 or 2019年3月12日",
        f"t.parquet, row 1, column 'date': '1899-12-31' {outside}",
        f"t.parquet, row 4, column 'date': '2101-01-01' {outside}",
    ]


def test_a_sliced_date32_column_and_one_without_values() -> None:
    spec = TABLES["supervision"].column("deadline")
    days = pa.array([dt.date(2019, 1, d) for d in range(1, 6)], pa.date32()).slice(2, 2)
    got, _, found = _parse(spec, days)
    assert [str(day) for day in got] == ["2019-01-03", "2019-01-04"]
    assert found == []
    got, _, found = _parse(spec, pa.array([None, None], pa.date32()))
    assert np.isnat(got).all()
    assert found == []


# --- lookups ------------------------------------------------------------------------


IDS = pa.array([f"SV{i:07d}" for i in range(1, 2001)])


@pytest.mark.parametrize(
    "values",
    [
        ["SV0000001", "SV0002000", "SV0002001", "SV0000000", "SV0000150"],
        ["", None, "SV", "SV00000011", "SV0000001 ", "XV0000001", "S\x00V000001", "sv0000001"],
        [],
    ],
)
def test_binary_search_finds_what_hashing_finds(values: list[str | None]) -> None:
    named = pa.array(values, pa.string())
    found = checks.locate_sorted(IDS, named)
    assert found is not None
    assert found.tolist() == checks.locate(IDS, named).tolist()


@pytest.mark.parametrize(
    "ids",
    [
        ["SV2", "SV1"],  # not in order
        ["SV1", "SV1"],  # not distinct
        ["SV1", "SV10"],  # not of one length
        ["A000000000", "B000000000"],  # more than 8 bytes differ
        ["S1", None],
        [],
    ],
)
def test_other_ids_are_left_to_hashing(ids: list[str | None]) -> None:
    assert checks.locate_sorted(pa.array(ids, pa.string()), pa.array(["SV1"])) is None


def test_one_id_and_ids_sharing_all_but_their_last_eight_bytes() -> None:
    assert checks.locate_sorted(pa.array(["X"]), pa.array(["X", "Y", ""])).tolist() == [0, -1, -1]
    ids = pa.array(["PREFIX-00000001", "PREFIX-99999999"])
    assert checks.locate_sorted(ids, pa.array(["PREFIX-99999999", "PREFIX-00000002"])).tolist() == [
        1,
        -1,
    ]


def test_columns_in_dictionary_form_are_located_word_by_word() -> None:
    ids = pa.array(["U01", "U02", "U03"])
    plain = pa.array(["U02", "U09", "U02", "", "U01"])
    with_null = pa.array(["U03", None, "U01"])
    columns = [plain, pc.dictionary_encode(plain), pc.dictionary_encode(with_null)]
    found = checks.locate_each(ids, columns)
    assert [values.tolist() for values in found] == [
        [1, -1, 1, -1, 0],
        [1, -1, 1, -1, 0],
        [2, -1, 0],
    ]


def test_lookups_are_shared_out_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "workers", lambda: 2)
    names = ["a", "b", "c", "d"]
    shares = build._shares(names, [300_000, 100_000, 250_000, 150_000])
    assert shares == [["a", "b"], ["c", "d"]]
    assert build._shares(names, [10, 10, 10, 10]) == [names]  # too few to share out
    assert build._shares([], []) == [[]]


# --- white space of ASCII text ------------------------------------------------------


def test_graphic_ascii_is_not_looked_at_cell_by_cell() -> None:
    ids = pa.array(["C001", "C002", "", "C004"])
    assert arrays.trimmed(ids) is ids
    assert arrays.filled(ids).tolist() == [True, True, False, True]


@pytest.mark.parametrize(
    "cells",
    [
        [" C001", "C002"],
        ["C001\t", "C002"],
        ["\x1fC001", "C002"],
        ["C001\x7f", "C002"],
        ["C 001", "C002"],
        ["\u3000C001", "C002"],
        [" ", "C002"],
    ],
)
def test_white_space_and_other_bytes_are_trimmed_as_arrow_trims(cells: list[str]) -> None:
    values = pa.array(cells)
    assert arrays.trimmed(values).equals(pc.utf8_trim_whitespace(values))
    expected = np.asarray(pc.not_equal(pc.utf8_trim_whitespace(values), ""), dtype=np.bool_)
    assert arrays.filled(values).tolist() == expected.tolist()


@pytest.mark.usefixtures("every_text_column_as_a_dictionary")
def test_a_dataset_decodes_a_dictionary_column_when_it_is_read(
    tmp_path: Path, tables: Tables
) -> None:
    folder = _parquet_folder(tmp_path / "csv", tables, tmp_path / "parquet")
    supervision = load(folder).tables["supervision"]
    kept = supervision.columns._texts["unit_id"]  # type: ignore[attr-defined]
    assert pa.types.is_dictionary(kept.type)
    text = supervision.text("unit_id")
    assert text.type == pa.string()
    assert supervision.text("unit_id") is text
    expected = load(tmp_path / "csv").tables["supervision"]
    assert text.equals(expected.text("unit_id"))
    assert supervision["note"].tolist() == expected["note"].tolist()
    assert supervision["note"].dtype == expected["note"].dtype


CADRES = pa.array([f"C{i:07d}" for i in range(1, 501)])
NAMED = [
    "C0000001",
    "C0000500",
    "C0000501",
    "C0000000",
    "",
    None,
    "C000001",
    "C00000011",
    "D0000001",
    "C00000a1",
    "C0000\u00e91",
    "C 000001",
    "c0000001",
]


@pytest.mark.parametrize(
    "ids",
    [
        CADRES,
        pa.array(["U1", "U3", "U2"]),  # not in order: a table by number all the same
        pa.array(["X"]),
        pa.array(["C001", "C002", "C001"]),  # not distinct
        pa.array(["C001", "C0A2"]),  # not digits
        pa.array(["C001", "C10"]),  # not of one length
        pa.array(["A0000001", "B9999999"]),  # no shared beginning: too many numbers
        pa.array(["C001", None]),
    ],
)
def test_ids_looked_up_by_number_are_found_as_by_hashing(ids: pa.Array) -> None:
    named = pa.array([*NAMED, ids[0].as_py(), ids[-1].as_py()], pa.string())
    columns = [
        named,
        pc.dictionary_encode(named),  # null indices: decoded
        pc.dictionary_encode(pc.fill_null(named, "")),  # word by word
        named.slice(3, 4),
        pa.array([], pa.string()),
    ]
    got = checks.locate_each(ids, columns)
    assert [found.tolist() for found in got] == [
        checks.locate(ids, arrays.plain(values)).tolist() for values in columns
    ]


def test_which_ids_are_numbered() -> None:
    numbered = checks._numbered(CADRES)
    assert numbered is not None
    assert bytes(numbered.first) == b"C0000"
    assert numbered.width == 8
    assert numbered.table.shape == (1000,)
    assert checks._numbered(pa.array(["U1", "U3", "U2"])) is not None
    for ids in (["C001", "C002", "C001"], ["C001", "C0A2"], ["C001", "C10"], ["X"]):
        assert checks._numbered(pa.array(ids)) is None
    assert checks._numbered(pa.array(["A0000001", "B9999999"])) is None


def test_a_table_by_number_is_made_as_large_as_the_lookups_allow() -> None:
    ids = pa.array([f"U{n:06d}" for n in range(0, 1_000_000, 50)])  # a table of a million
    assert checks._numbered(ids) is None  # 50 entries an id
    assert checks._numbered(ids, looked_up=229_999) is None
    numbered = checks._numbered(ids, looked_up=230_000)  # 4 entries an id or value
    assert numbered is not None
    assert numbered.table.shape == (1_000_000,)
    assert numbered.table[[0, 50, 999_950, 51]].tolist() == [0, 1, 19_999, -1]


@pytest.mark.parametrize(
    "cells",
    [
        ["SV0000001", "SV0000002", "SV0000010"],
        ["SV0000001", "SV0000001", "SV0000010"],  # not distinct
        ["SV0000002", "SV0000001"],
        ["SV\xe90000001", "SV\xe90000002"],  # bytes past ASCII compare unsigned
        ["SV0000001", "SV00000\xe9"],  # of one length in bytes
        ["A", "B", "C"],
        ["AAAAAAAAAA1", "AAAAAAAAAA2"],  # differ only in the last byte of many
    ],
)
def test_ids_compared_as_numbers_are_ordered_as_arrow_orders_text(cells: list[str]) -> None:
    values = pa.array(cells)
    arrow = pc.all(pc.greater(values.slice(1), values.slice(0, len(values) - 1))).as_py()
    assert checks.increasing(values) is arrow
    assert build._increasing(values) is arrow


@pytest.mark.parametrize(
    "cells", [["A1", "B22"], ["A000000000", "B000000000"], ["A", None], ["", "A"], []]
)
def test_other_text_is_compared_by_arrow(cells: list[str | None]) -> None:
    assert checks.increasing(pa.array(cells, pa.string())) is None


@pytest.mark.parametrize("name", ["unit_id", "note"])
def test_a_dictionary_column_of_cells_not_utf8_is_refused_as_plain_text(name: str) -> None:
    spec = TABLES["supervision"].column(name)
    cells = pa.array([b"U01", b"U\xff2", b"U01", None], pa.binary())
    coded = pc.dictionary_encode(cells)
    forms = [
        cells.view(pa.string()),
        pa.DictionaryArray.from_arrays(coded.indices, coded.dictionary.view(pa.string())),
    ]
    found = []
    for values in forms:
        problems = Problems()
        where = Where("t.parquet", np.arange(1, 5, dtype=np.int64), problems)
        parsed = parse.parse_column(spec, values, where, check_text=True)
        found.append((parsed.to_pylist(), [str(problem) for problem in problems.found]))
    assert found[0] == found[1]
    assert found[0][0] == ["U01", "", "U01", ""]
    assert "row 2, column '" + name + "': the cell is not UTF-8 text" in found[0][1][0]
