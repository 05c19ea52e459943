"""``load``: a data set from where an office or another system keeps it.

- a folder of table files: ``<table>.csv`` (UTF-8, UTF-8 with BOM or
  GBK/GB18030, detected), ``<table>.parquet``, ``<table>.arrow`` /
  ``.feather``; file names in English or Chinese (``督查问题.csv``);
- a spreadsheet (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``) with
  one sheet per table;
- a database: ``sqlite:///ledger.db`` (or a ``.db`` / ``.sqlite`` file) or
  ``postgresql://...``, tables or views named like the tables.

Each reader is imported only when its kind of source is read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kaohe.data.dataset import Dataset
from kaohe.data.problems import Problems
from kaohe.errors import DataError
from kaohe.i18n import _
from kaohe.tables import TABLES, TableSpec, find_table

if TYPE_CHECKING:
    from kaohe.data.raw import RawTable

#: Folder file endings read as tables (CSV first, the columnar formats after).
FOLDER_FILES = (".csv", ".parquet", ".arrow", ".feather", ".ipc")


def load(
    path: str | os.PathLike[str],
    *,
    require: Sequence[str] = (),
    tables: Mapping[str, TableSpec] = TABLES,
) -> Dataset:
    """Read and validate the input tables at ``path`` (see the module docstring).

    ``units``, ``cadres`` and ``targets`` must be given, and the tables named
    in ``require`` (e.g. ``("votes",)`` when the scheme scores cadres); other
    tables may be absent. Raises :class:`~kaohe.errors.DataError` listing
    every problem found, each naming its file, row and column.
    """
    from kaohe.data.build import assemble, require_tables
    from kaohe.data.database import is_database, read_database, shown
    from kaohe.data.spreadsheet import SPREADSHEETS, read_spreadsheet

    problems = Problems()
    location = os.fspath(path)
    if is_database(location) and not Path(location).is_dir():
        raws = read_database(location, tables, problems)
        origin = shown(location)
        hint = lambda name: _("a table or view named '{name}'").format(name=name)  # noqa: E731
        absent = lambda name: f"{origin}[{name}]"  # noqa: E731
    else:
        folder = Path(location)
        origin = str(folder)
        if folder.is_dir():
            raws = _read_folder(folder, tables, problems)
            hint = lambda name: _("a file {file}").format(file=folder / f"{name}.csv")  # noqa: E731
            absent = lambda name: str(folder / f"{name}.csv")  # noqa: E731
        elif folder.suffix.lower() in SPREADSHEETS:
            if not folder.is_file():
                raise DataError(origin, _("no such spreadsheet; expected a spreadsheet file"))
            raws = read_spreadsheet(folder, tables, problems)
            hint = lambda name: _("a sheet named '{name}'").format(name=name)  # noqa: E731
            absent = lambda name: f"{folder}[{name}]"  # noqa: E731
        else:
            raise DataError(
                origin,
                _(
                    "expected a folder of <table>.csv files or an .xlsx workbook (or .xls, "
                    ".xlsb, .ods, a folder of .parquet files, sqlite:///FILE.db or "
                    "postgresql://...)"
                ),
            )
    if not problems.found:
        require_tables(raws.keys(), require, origin, hint, problems, tables)
    return assemble(raws, problems, absent_source=absent, tables=tables)


def _read_folder(
    folder: Path, tables: Mapping[str, TableSpec], problems: Problems
) -> dict[str, RawTable]:
    """Every table file of a folder, by table; unknown files are reported or ignored."""
    from kaohe.data.columnar import read_columnar
    from kaohe.data.csvfile import read_csv
    from kaohe.data.spreadsheet import misspelt_table

    files: dict[str, Path] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() not in FOLDER_FILES or not file.is_file():
            continue
        name = find_table(file.stem, tables)
        if name is None:
            close = misspelt_table(file.stem, tables)
            if close is not None:
                problems.add_error(
                    str(file),
                    _(
                        "unknown table file '{file}' (did you mean '{close}'?); "
                        "expected tables: {tables}"
                    ).format(file=file.name, close=close + file.suffix, tables=", ".join(tables)),
                )
            else:
                problems.warn(_("{file}: not named after a table; ignored").format(file=file))
            continue
        if name in files:
            problems.add_error(
                str(file),
                _("a second file for table '{table}' ({other}); expected one").format(
                    table=name, other=files[name].name
                ),
            )
            continue
        files[name] = file
    found: dict[str, RawTable] = {}
    for name, file in files.items():
        reader = read_csv if file.suffix.lower() == ".csv" else read_columnar
        raw = reader(file, tables[name], problems)
        if raw is None:
            problems.failed.add(name)
        else:
            found[name] = raw
    return found
