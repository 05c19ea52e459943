"""Every reader reads every row that is there, or refuses the file: never anything in between.

The failures that once lost data silently (an unterminated quote, a stale
sheet dimension, an overflowing count) and every source format: CSV in each
date style, .xlsx, .xls, .ods, Parquet, Arrow IPC, Arrow PyCapsule objects
(pyarrow, pandas, polars). Property tests: a CSV file of N rows is read as
N rows or refused, whatever bytes it holds.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
from data_samples import DATE_STYLES, Tables, sample, write_csv, write_ods, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.data import Dataset, load
from kaohe.errors import DataError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sheets"
HEADER = "id,date,unit_id,note\n"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load(write_csv(tmp_path_factory.mktemp("base") / "data", sample()))


def refused(source: Path | str) -> str:
    with pytest.raises(DataError) as error:
        load(source)
    return str(error.value)


# --- the failures that once lost data -------------------------------------------------


def test_an_unterminated_quote_is_refused_not_swallowing_the_rows_after_it(folder: Path) -> None:
    (folder / "interviews.csv").write_text(
        HEADER + 'I1,2019-10-01,U03,"县政府约谈\nI2,2019-10-02,U03,x\nI3,2019-10-03,U03,y\n',
        encoding="utf-8",
    )
    assert refused(folder) == (
        f"{folder / 'interviews.csv'}, row 2, column 'note': a quoted cell (cell 4) is never "
        'closed: the quote takes in every line after it; expected a closing quote (") at the '
        "end of the cell"
    )


def test_quoted_cells_with_commas_quotes_and_line_breaks_are_one_cell(folder: Path) -> None:
    (folder / "interviews.csv").write_text(
        HEADER + 'I1,2019-10-01,U03,"约谈, ""限期"" 整改"\nI2,2019-10-02,U03,"两行\n说明"\n'
        "I3,2019-10-03,U01,\n",
        encoding="utf-8",
    )
    interviews = load(folder).tables["interviews"]
    assert interviews["id"].tolist() == ["I1", "I2", "I3"]
    assert interviews.lines.tolist() == [2, 3, 5]  # I2's cell spans lines 3 and 4
    assert interviews["unit"].tolist() == [2, 2, 0]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "I1,2019-10-01,U03,a,extra\n",
            "row 2: the row has 5 cells but the header has 4 columns; expected 4 cells in every "
            "row (unexpected 'extra')",
        ),
        (
            "I0,2019-10-01,U01,a\nI1,2019-10-01\n",
            "row 3, column 'unit_id': the row has 2 cells but the header has 4 columns; "
            "expected 4 cells in every row",
        ),
    ],
)
def test_rows_with_other_cell_counts_are_refused(folder: Path, rows: str, expected: str) -> None:
    (folder / "interviews.csv").write_text(HEADER + rows, encoding="utf-8")
    assert refused(folder) == f"{folder / 'interviews.csv'}, {expected}"


def _with_dimension(path: Path, ref: str) -> None:
    """Rewrite every sheet's declared ``<dimension ref=...>`` (what a stale export carries)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            parts[name], count = re.subn(
                rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data
            )
            assert count == 1
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_stale_sheet_dimension_does_not_hide_rows(tmp_path: Path, baseline: Dataset) -> None:
    book = write_xlsx(tmp_path / "data.xlsx", sample())
    _with_dimension(book, "A1:D2")
    found = load(book)
    assert len(found.tables["cadres"]) == 5
    assert found == baseline


@pytest.mark.parametrize("huge", ["9223372036854775807", "18446744073709551616", "10000001"])
def test_counts_too_large_are_refused_never_overflowing(
    tmp_path: Path, tables: Tables, huge: str
) -> None:
    tables["votes"][0]["incompetent"] = huge
    folder = write_csv(tmp_path / "data", tables)
    assert refused(folder) == (
        f"{folder / 'votes.csv'}, row 2, column 'incompetent': '{huge}' is too large; "
        "expected a whole number from 0 to 10,000,000 (a count)"
    )


def test_counts_too_large_in_a_workbook_are_refused(tmp_path: Path, tables: Tables) -> None:
    tables["votes"][0]["incompetent"] = 2**63 - 1  # a numeric cell: a float in the file
    book = write_xlsx(tmp_path / "data.xlsx", tables)
    message = refused(book)
    assert message.startswith(f"{book}[votes], row 2, column 'incompetent': ")
    assert "is too large; expected a whole number from 0 to 10,000,000 (a count)" in message


# --- every source format, every date style --------------------------------------------


@pytest.mark.parametrize("style", sorted(DATE_STYLES))
def test_every_date_style_loads_equal(tmp_path: Path, baseline: Dataset, style: str) -> None:
    assert load(write_csv(tmp_path / "data", sample(), date_style=style)) == baseline


def test_an_ods_spreadsheet_loads_equal(tmp_path: Path, baseline: Dataset) -> None:
    found = load(write_ods(tmp_path / "data.ods", sample(), style="zh"))
    assert found == baseline
    assert found.tables["units"].source == f"{tmp_path / 'data.ods'}[units]"


def test_a_legacy_xls_workbook_loads_equal(baseline: Dataset) -> None:
    assert load(FIXTURES / "sample.xls") == baseline


def _arrow_tables(folder: Path) -> dict[str, pa.Table]:
    """The sample's CSV files as Arrow tables with inferred types (dates, numbers, text)."""
    return {
        path.stem: pacsv.read_csv(
            path, convert_options=pacsv.ConvertOptions(strings_can_be_null=False)
        )
        for path in sorted(folder.glob("*.csv"))
    }


@pytest.mark.parametrize("form", ["plain", "dictionary"])
def test_parquet_text_that_is_not_utf8_is_refused(tmp_path: Path, form: str) -> None:
    # Parquet's reader does not check that text is UTF-8: a damaged writer's file
    folder = tmp_path / "parquet"
    folder.mkdir()
    for file in sorted(write_csv(tmp_path / "csv", sample()).glob("*.csv")):
        table = pacsv.read_csv(file)
        if file.stem == "units":
            names = table.column("name").combine_chunks()
            offsets = np.frombuffer(names.buffers()[1], np.int32, count=len(names) + 1)
            data = bytearray(names.buffers()[2].to_pybytes())
            data[int(offsets[2])] = 0xFF  # the first byte of the third unit's name
            damaged = pa.Array.from_buffers(
                pa.string(), len(names), [None, names.buffers()[1], pa.py_buffer(bytes(data))]
            )
            if form == "dictionary":
                damaged = pa.DictionaryArray.from_arrays(
                    pa.array(np.arange(len(names), dtype=np.int32)), damaged
                )
            table = table.set_column(table.schema.get_field_index("name"), "name", damaged)
        pq.write_table(table, folder / f"{file.stem}.parquet")
    message = refused(folder)
    assert message == (
        f"{folder / 'units.parquet'}, row 3, column 'name': the cell is not UTF-8 text "
        "(binary data, or a damaged file); expected text"
    )


def test_parquet_and_arrow_ipc_folders_load_equal(
    tmp_path: Path, folder: Path, baseline: Dataset
) -> None:
    parquet, ipc = tmp_path / "parquet", tmp_path / "ipc"
    parquet.mkdir()
    ipc.mkdir()
    for name, table in _arrow_tables(folder).items():
        pq.write_table(table, parquet / f"{name}.parquet")
        feather.write_feather(table, ipc / f"{name}.arrow")
    assert pa.types.is_date(pq.read_schema(parquet / "supervision.parquet").field("date").type)
    from_parquet = load(parquet)
    assert from_parquet == baseline
    assert from_parquet.tables["units"].source == str(parquet / "units.parquet")
    assert load(ipc) == baseline


class OnlyTheStreamInterface:
    """A table of some other library: nothing but ``__arrow_c_stream__``."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._table.__arrow_c_stream__(requested_schema)


@pytest.mark.parametrize("kind", ["pyarrow", "pandas", "polars", "capsule"])
def test_data_frames_and_arrow_objects_load_equal(
    folder: Path, baseline: Dataset, kind: str
) -> None:
    tables: dict[str, Any] = _arrow_tables(folder)
    if kind == "pandas":
        import pandas

        tables = {name: table.to_pandas() for name, table in tables.items()}
        assert isinstance(tables["units"], pandas.DataFrame)
    elif kind == "polars":
        import polars

        tables = {name: polars.from_arrow(table) for name, table in tables.items()}
    elif kind == "capsule":
        tables = {name: OnlyTheStreamInterface(table) for name, table in tables.items()}
    assert Dataset.from_columns(tables) == baseline


# --- properties: N rows read, or refused ----------------------------------------------

notes = st.text(alphabet=st.sampled_from(list("ab 约谈,\"\n\r\t'整改；，“”")), max_size=12)


def _interviews(notes_: list[str]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # lines end in CRLF: a bare CR or LF in a note is quoted
    writer.writerow(["id", "date", "unit_id", "note"])
    for number, note in enumerate(notes_):
        writer.writerow([f"I{number}", "2019-10-01", "U01", note])
    return buffer.getvalue().encode("utf-8")


def _load_interviews(folder: Path, data: bytes) -> Dataset:
    (folder / "interviews.csv").write_bytes(data)
    return load(folder)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(notes, max_size=8))
def test_a_file_of_n_rows_is_read_as_n_rows(folder: Path, notes_: list[str]) -> None:
    interviews = _load_interviews(folder, _interviews(notes_)).tables["interviews"]
    assert sorted(interviews["id"].tolist()) == sorted(f"I{n}" for n in range(len(notes_)))


def _rows_by_the_csv_module(data: bytes) -> int | None:
    """How many data rows Python's csv module finds, or None for an unterminated quote."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # what kaohe falls back to, as Excel saves CSV in China
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return None  # an unterminated quote
        # text after a closing quote ("abc"def): read as Excel and Arrow read it, abcdef
        rows = list(csv.reader(io.StringIO(text, newline="")))
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(notes, min_size=1, max_size=6), st.data())
def test_damaged_bytes_are_read_as_written_or_refused(
    folder: Path, notes_: list[str], data: st.DataObject
) -> None:
    raw = bytearray(_interviews(notes_))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(len(HEADER), len(raw) - 1))
        raw[at] = data.draw(st.sampled_from(b'",\n\r\x00a\xff '))
    damaged = bytes(raw)
    try:
        interviews = _load_interviews(folder, damaged).tables["interviews"]
    except DataError as error:
        refused = str(error)
    else:
        refused = ""
    if refused:
        assert "interviews.csv" in refused
        return
    assert len(interviews) == _rows_by_the_csv_module(damaged)
    assert np.all(interviews.lines >= 2)


@pytest.mark.parametrize(
    "dates",
    [
        [],  # the sample as written: ISO dates and empty cells
        [(0, "date", " 2019-03-05\t"), (1, "deadline", "1899-12-31")],
        [(0, "date", ""), (1, "rectified_on", "2101-01-01"), (1, "deadline", " ")],
        [(0, "date", "2019-02-30"), (1, "deadline", "2019/4/5")],
        [(0, "severity", " 严重\u3000"), (1, "severity", "")],
        [(0, "severity", "很重"), (1, "severity", " ")],
    ],
)
def test_csv_dates_read_as_dates_load_as_their_text(
    tmp_path: Path, tables: Any, monkeypatch: pytest.MonkeyPatch, dates: list[Any]
) -> None:
    """Date columns Arrow reads as dates (vocabularies in dictionary form) give the data and
    problems of reading them as text."""
    from kaohe.data import csvfile

    for row, column, cell in dates:
        tables["supervision"][row][column] = cell
    folder = write_csv(tmp_path / "data", tables)

    def outcome() -> Any:
        try:
            return load(folder)
        except DataError as error:
            return str(error)

    typed = outcome()
    read = csvfile._parse_as
    kinds: list[bool] = []

    def as_text(data: bytes, offset: int, width: int, columns: Any) -> Any:
        kinds.append(bool(columns))
        return read(data, offset, width, {})

    monkeypatch.setattr(csvfile, "_parse_as", as_text)
    assert outcome() == typed
    assert any(kinds)  # the dates were offered to Arrow's reader
