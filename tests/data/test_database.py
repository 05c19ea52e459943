"""Databases as a source: SQLite and PostgreSQL give the CSV folder's results, byte for byte."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import adbc_driver_postgresql.dbapi
import adbc_driver_sqlite.dbapi
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.data import load
from kaohe.errors import DataError
from kaohe.plugins import installed_tables

FOLDER = COUNTY.with_suffix("")
#: the human-facing files as well as the CSV files
FORMATS = ["--format", "xlsx", "--format", "html"]


def csv_tables(*, typed: bool) -> dict[str, pa.Table]:
    """The bundled county data, table by table: all text, or with Arrow's inferred types."""
    tables = {}
    for path in sorted(FOLDER.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file))
        text = {name: pa.string() for name in header}
        options = pacsv.ConvertOptions(
            strings_can_be_null=False, column_types={} if typed else text
        )
        tables[path.stem] = pacsv.read_csv(path, convert_options=options)
    return tables


def fill(connection: object, tables: dict[str, pa.Table]) -> None:
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        for name, table in tables.items():
            cursor.adbc_ingest(name, table, mode="replace")
    connection.commit()  # type: ignore[attr-defined]


def score(tmp_path: Path, data: str, name: str) -> dict[str, bytes]:
    out = tmp_path / name
    result = CliRunner().invoke(
        main, ["score", str(COUNTY), "--data", data, "--out", str(out), *FORMATS]
    )
    assert result.exit_code == 0, result.output
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def same_results(found: dict[str, bytes], expected: dict[str, bytes]) -> None:
    assert sorted(found) == sorted(expected)
    for name in expected:
        if name != "manifest.json":
            assert found[name] == expected[name], name
    then, now = json.loads(expected["manifest.json"]), json.loads(found["manifest.json"])
    assert {n: t["rows"] for n, t in now["tables"].items()} == {
        n: t["rows"] for n, t in then["tables"].items()
    }


@pytest.fixture(scope="module")
def from_csv(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return score(tmp_path_factory.mktemp("csv"), str(FOLDER), "csv")


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    with adbc_driver_sqlite.dbapi.connect(str(path)) as connection:
        fill(connection, csv_tables(typed=False))
    return path


def test_sqlite_gives_the_csv_folders_results(
    sqlite_file: Path, from_csv: dict[str, bytes], tmp_path: Path
) -> None:
    same_results(score(tmp_path, f"sqlite:///{sqlite_file}", "url"), from_csv)
    same_results(score(tmp_path, str(sqlite_file), "file"), from_csv)


def test_a_result_from_sqlite_verifies_by_scoring_it_again(
    sqlite_file: Path, tmp_path: Path
) -> None:
    score(tmp_path, f"sqlite:///{sqlite_file}", "out")
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "scored again" in result.output
    with adbc_driver_sqlite.dbapi.connect(str(sqlite_file)) as connection:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM interviews WHERE id = 'IV002'")
        connection.commit()
    changed = CliRunner().invoke(main, ["verify", str(tmp_path / "out")])
    assert changed.exit_code == 1
    assert "interviews" in changed.output


def test_sqlite_views_named_like_tables_are_read(sqlite_file: Path, tmp_path: Path) -> None:
    with adbc_driver_sqlite.dbapi.connect(str(sqlite_file)) as connection:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE units RENAME TO unit_register")
            cursor.execute('CREATE VIEW "单位" AS SELECT * FROM unit_register')
        connection.commit()
    data = load(f"sqlite:///{sqlite_file}")
    assert len(data.unit_ids) == len(load(FOLDER).unit_ids)
    assert data.tables["units"].source == f"sqlite:///{sqlite_file}[单位]"


def test_a_sqlite_cell_that_is_not_a_number_is_named(sqlite_file: Path) -> None:
    with adbc_driver_sqlite.dbapi.connect(str(sqlite_file)) as connection:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE votes SET excellent = 'many' WHERE rowid = 2")
        connection.commit()
    with pytest.raises(DataError) as error:
        load(f"sqlite:///{sqlite_file}")
    assert str(error.value) == (
        f"sqlite:///{sqlite_file}[votes], row 2, column 'excellent': 'many' is not a number; "
        "expected a whole number from 0 to 10,000,000 (a count)"
    )


@pytest.mark.parametrize(
    ("table", "column", "kind"),
    [
        ("votes", "excellent", "a whole number from 0 to 10,000,000 (a count)"),
        ("units", "name", "text"),
        ("supervision", "severity", "one of: "),
    ],
)
def test_a_sqlite_cell_that_is_not_utf8_text_is_named_once(
    sqlite_file: Path, table: str, column: str, kind: str
) -> None:
    # SQLite keeps whatever bytes it is given (a BLOB); its reader passes them on as text
    with adbc_driver_sqlite.dbapi.connect(str(sqlite_file)) as connection:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = x'e4b8ff' WHERE rowid = 2")
        connection.commit()
    with pytest.raises(DataError) as error:
        load(f"sqlite:///{sqlite_file}")
    assert str(error.value).startswith(  # once: not also as the empty cell it is read as
        f"sqlite:///{sqlite_file}[{table}], row 2, column '{column}': the cell is not UTF-8 "
        f"text (binary data, or a damaged file); expected {kind}"
    )
    assert len(error.value.problems) == 1


def test_a_missing_sqlite_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"sqlite:///.*nothing\.db: cannot open the database"):
        load(f"sqlite:///{tmp_path / 'nothing.db'}")
    result = CliRunner().invoke(
        main, ["validate", str(COUNTY), "--data", str(tmp_path / "nothing.db")]
    )
    assert result.exit_code == 2
    assert "does not exist (expected a folder, a file or a database URL)" in result.output


def test_postgresql_gives_the_csv_folders_results(
    postgresql_url: str, from_csv: dict[str, bytes], tmp_path: Path
) -> None:
    tables = csv_tables(typed=True)
    assert pa.types.is_date(tables["supervision"].schema.field("date").type)
    assert pa.types.is_integer(tables["votes"].schema.field("excellent").type)
    with adbc_driver_postgresql.dbapi.connect(postgresql_url) as connection:
        fill(connection, tables)
    same_results(score(tmp_path, postgresql_url, "pg"), from_csv)
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "pg")])
    assert result.exit_code == 0, result.output


def test_an_unreachable_postgresql_server_is_named() -> None:
    url = "postgresql://nobody:secret@127.0.0.1:1/none"
    with pytest.raises(DataError) as error:
        load(url)
    message = str(error.value)
    assert "postgresql://nobody:***@127.0.0.1:1/none: cannot open the database" in message
    assert "secret" not in message


def test_every_contract_table_can_be_a_database_table() -> None:
    assert set(csv_tables(typed=False)) <= set(installed_tables())
