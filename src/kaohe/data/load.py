"""``load``: a data set from where an office or another system keeps it.

- a folder of table files: ``<table>.csv`` (UTF-8, UTF-8 with BOM or
  GBK/GB18030, detected), ``<table>.parquet``, ``<table>.arrow`` /
  ``.feather``; file names in English or Chinese (``督查问题.csv``);
- a spreadsheet (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``) with
  one sheet per table;
- a database: ``sqlite:///ledger.db`` (or a ``.db`` / ``.sqlite`` file) or
  ``postgresql://...``, tables or views named like the tables;
- several of these joined by ``" + "`` (``--data A --data B``): each table
  from one of them (a table given by two is an error naming both).

Each reader is imported only when its kind of source is read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from kaohe.data.dataset import Dataset
from kaohe.data.problems import Problems
from kaohe.errors import DataError
from kaohe.i18n import _
from kaohe.table_spec import TableSpec
from kaohe.tables import find_table, installed_tables

if TYPE_CHECKING:
    from kaohe.data.raw import RawTable

#: Folder file endings read as tables (CSV first, the columnar formats after).
FOLDER_FILES = (".csv", ".parquet", ".arrow", ".feather", ".ipc")


def load(
    path: str | os.PathLike[str],
    *,
    require: Sequence[str] = (),
    tables: Mapping[str, TableSpec] | None = None,
    progress: Callable[[int], None] | None = None,
    categories: Sequence[str] | None = None,
) -> Dataset:
    """Read and validate the input tables at ``path`` (see the module docstring).

    ``progress(k)`` reports tables done, ``len(tables)`` in all: a folder's
    one after each file read, the rest when the tables are checked.

    ``units``, ``cadres`` and ``targets`` must be given, and the tables named
    in ``require`` (e.g. ``("votes",)`` when the scheme scores cadres); other
    tables may be absent. Raises :class:`~kaohe.errors.DataError` listing
    every problem found, each naming its file, row and column. ``tables``
    is the contract (a registry's ``tables``), by default the core's and
    the installed plugins' tables. ``categories``: the unit categories a
    scheme declares (any, by default).
    """
    from kaohe.data.build import released, workers

    with ThreadPoolExecutor(workers()) as pool:
        dataset = _load(path, require, tables, progress, categories, pool)
    return released(dataset)


def _load(
    path: str | os.PathLike[str],
    require: Sequence[str],
    tables: Mapping[str, TableSpec] | None,
    progress: Callable[[int], None] | None,
    categories: Sequence[str] | None,
    pool: Executor,
) -> Dataset:
    """:func:`load`, parsing each table of a folder on ``pool`` as soon as it is read."""
    from kaohe.data.build import Parsing, assemble, parse_raw, require_tables
    from kaohe.data.locations import sources

    tables = installed_tables() if tables is None else tables
    problems = Problems()
    started: dict[str, tuple[RawTable, Parsing]] = {}

    def start(raw: RawTable) -> None:
        started[raw.name] = (raw, parse_raw(raw, problems, tables, pool))

    location = os.fspath(path)
    parts = sources(location)
    if len(parts) == 1:
        raws, origin, hint, absent = _read(location, tables, problems, progress, start)
    else:
        raws, origin = {}, location
        hint = lambda name: _("'{name}' in one of the sources").format(name=name)  # noqa: E731
        absent = lambda name: f"{origin}[{name}]"  # noqa: E731
        for part in parts:
            for name, raw in _read(part, tables, problems, progress, start)[0].items():
                if name in raws:
                    problems.add_error(
                        raw.source,
                        _(
                            "table '{name}' is also given by {other}; "
                            "expected each table from one source (or import both into a store)"
                        ).format(name=name, other=raws[name].source),
                    )
                else:
                    raws[name] = raw
    if not problems.found:
        require_tables(raws.keys(), require, origin, hint, problems, tables)
    dataset = assemble(
        raws,
        problems,
        absent_source=absent,
        tables=tables,
        categories=categories,
        pool=pool,
        started=started,
    )
    if progress is not None:
        progress(len(tables) - (len(raws) if Path(location).is_dir() else 0))
    return dataset


def _read(
    location: str,
    tables: Mapping[str, TableSpec],
    problems: Problems,
    progress: Callable[[int], None] | None = None,
    start: Callable[[RawTable], None] | None = None,
) -> tuple[dict[str, RawTable], str, Callable[[str], str], Callable[[str], str]]:
    """The tables at one location, where it is (for messages), how to say where a table
    was looked for, and where an absent table would be. ``start(raw)`` is called with
    each table of a folder as soon as it is read."""
    from kaohe.data.database import read_database
    from kaohe.data.locations import is_database, shown
    from kaohe.data.spreadsheet import SPREADSHEETS, read_spreadsheet

    if is_database(location) and not Path(location).is_dir():
        origin = shown(location)
        return (
            read_database(location, tables, problems),
            origin,
            lambda name: _("a table or view named '{table}'").format(table=name),
            lambda name: f"{origin}[{name}]",
        )
    folder = Path(location)
    if folder.is_dir():
        return (
            _read_folder(folder, tables, problems, progress, start),
            str(folder),
            lambda name: _("a file {path}").format(path=folder / f"{name}.csv"),
            lambda name: str(folder / f"{name}.csv"),
        )
    if folder.suffix.lower() in SPREADSHEETS:
        if not folder.is_file():
            raise DataError(str(folder), _("no such spreadsheet; expected a spreadsheet file"))
        return (
            read_spreadsheet(folder, tables, problems),
            str(folder),
            lambda name: _("a sheet named '{sheet}'").format(sheet=name),
            lambda name: f"{folder}[{name}]",
        )
    raise DataError(
        str(folder),
        _(
            "expected a folder of <table>.csv files or an .xlsx workbook (or .xls, .xlsb, "
            ".ods, a folder of .parquet files, sqlite:///FILE.db or postgresql://...)"
        ),
    )


def _read_folder(
    folder: Path,
    tables: Mapping[str, TableSpec],
    problems: Problems,
    progress: Callable[[int], None] | None = None,
    start: Callable[[RawTable], None] | None = None,
) -> dict[str, RawTable]:
    """Every table file of a folder, by table; unknown files are reported or ignored.
    ``start(raw)`` is called with each as soon as it is read."""
    from kaohe.data.columnar import read_columnar
    from kaohe.data.csvfile import read_csv
    from kaohe.data.spreadsheet import misspelt_table

    files: dict[str, Path] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() not in FOLDER_FILES:
            continue
        name = find_table(file.stem, tables)
        if not file.is_file():
            if name is not None:  # never taken for an absent table
                problems.add_error(str(file), _not_a_file(file, name))
                problems.failed.add(name)
            continue
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
            if start is not None:
                start(raw)
            if progress is not None:
                progress(1)
    return found


def _not_a_file(file: Path, table: str) -> str:
    """Why the folder entry ``file``, named after ``table``, cannot be read."""
    if file.is_dir():
        what = _("a folder")
    elif file.is_symlink():
        what = _("a link to nothing readable")
    elif file.exists():
        what = _("not a regular file")
    else:
        what = _("not readable")
    return _("{what}, named after table '{table}'; expected the table's file").format(
        what=what, table=table
    )
