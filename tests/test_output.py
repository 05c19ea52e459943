"""CSV text of result files: RFC 4180 quoting that any CSV reader reads back."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import COUNTY

from kaohe.output import csv_bytes, quote
from kaohe.report.xlsx import xml_text
from kaohe.tables_out import replace

CELL = st.text(alphabet=st.sampled_from(list('ab ,"\n\r-=(九十)0.')), max_size=8)


@settings(deadline=None)  # the first example imports pyarrow.compute
@given(st.lists(st.tuples(CELL, CELL, CELL), max_size=12))
def test_a_reader_reads_back_every_cell(rows: list[tuple[str, str, str]]) -> None:
    columns = [np.asarray([row[i] for row in rows], dtype=str) for i in range(3)]
    data = csv_bytes(("a", "b,c", 'd"e'), columns)
    assert data.startswith("\ufeff".encode())
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read == [["a", "b,c", 'd"e'], *[list(row) for row in rows]]


def test_only_cells_with_a_comma_quote_or_line_break_are_quoted() -> None:
    cells = pa.array(["plain", "a,b", 'say "hi"', "two\nlines", "cr\r", "(九) -1.5", ""])
    assert quote(cells).to_pylist() == [
        "plain",
        '"a,b"',
        '"say ""hi"""',
        '"two\nlines"',
        '"cr\r"',
        "(九) -1.5",
        "",
    ]


def test_replace_makes_room_for_a_longer_text() -> None:
    # numpy.strings.replace alone gives ["&", "a&l"]: the new text is cut to the cells' width
    assert replace(np.asarray(["<", "a<"]), "<", "&lt;").tolist() == ["&lt;", "a&lt;"]
    assert replace(np.asarray(['"', "x"]), '"', '""').tolist() == ['""', "x"]
    assert replace(np.asarray(["abc"]), "b", "").tolist() == ["ac"]
    assert replace(np.zeros(0, dtype=str), "a", "bb").tolist() == []


def test_workbook_text_escapes_one_character_cells() -> None:
    assert xml_text(np.asarray(["<", "&", "a>b"])).tolist() == ["&lt;", "&amp;", "a&gt;b"]


@given(st.lists(st.text(alphabet=st.sampled_from(list('a&<>"九 \t\n\x01\x1f')), max_size=6)))
def test_workbook_text_parses_back_as_xml(texts: list[str]) -> None:
    escaped = xml_text(np.asarray(texts, dtype=str)).tolist()
    for text, cell in zip(texts, escaped, strict=True):
        parsed = ElementTree.fromstring(f"<t>{cell}</t>").text or ""
        assert parsed == text.replace("\x01", "").replace("\x1f", "")


def test_the_ids_of_every_source_are_their_tables_id_columns_as_read(tmp_path: Path) -> None:
    """The result tables take the units' and cadres' ids (and names) from the Arrow
    text of their tables as read: the same cells as the dataset's sorted ids."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import kaohe

    scheme = kaohe.load_scheme(COUNTY)
    folder = COUNTY.with_suffix("")
    (tmp_path / "parquet").mkdir()
    for table in ("units", "cadres"):
        read = pacsv.read_csv(folder / f"{table}.csv")
        pq.write_table(
            read.take(list(range(read.num_rows))[::-1]), tmp_path / "parquet" / f"{table}.parquet"
        )
    for other in folder.glob("*.csv"):
        if other.stem not in ("units", "cadres"):
            pq.write_table(pacsv.read_csv(other), tmp_path / "parquet" / f"{other.stem}.parquet")
    columns = {
        name: {c: table[c].to_numpy(zero_copy_only=False) for c in table.column_names}
        for name, table in ((f.stem, pacsv.read_csv(f)) for f in folder.glob("*.csv"))
    }
    for data in (
        kaohe.load_data(folder, scheme),
        kaohe.load_data(tmp_path / "parquet", scheme),  # rows in reverse order
        kaohe.data_from_columns(columns, scheme),
    ):
        for table, ids in (("units", data.unit_ids), ("cadres", data.cadre_ids)):
            assert data.tables[table].text(f"{table[:-1]}_id").to_pylist() == ids.tolist()
