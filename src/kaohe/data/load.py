"""``load``: a folder of ``<table>.csv`` files or an ``.xlsx`` workbook to a ``Dataset``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from kaohe.data.build import absent, assemble, parse_raw, require_tables
from kaohe.data.csvdir import read_csv, table_files
from kaohe.data.dataset import Dataset
from kaohe.errors import DataError
from kaohe.tables import TABLES


def load(path: str | os.PathLike[str], *, require: Sequence[str] = ()) -> Dataset:
    """Read and validate the input tables at ``path``.

    ``path`` is a folder of ``<table>.csv`` files (UTF-8, UTF-8 with BOM or
    GBK/GB18030, detected) or an ``.xlsx`` workbook with one sheet per table.
    ``units``, ``cadres`` and ``targets`` must be given, and the tables named
    in ``require`` (e.g. ``("votes",)`` when the scheme scores cadres); other
    tables may be absent. Raises :class:`~kaohe.errors.DataError` naming the
    file, row and column of the first problem found.
    """
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, require)
    if path.suffix.lower() == ".xlsx":
        if not path.is_file():
            raise DataError(str(path), "no such workbook; expected an .xlsx file")
        return _load_workbook(path, require)
    raise DataError(str(path), "expected a folder of <table>.csv files or an .xlsx workbook")


def _load_folder(folder: Path, require: Sequence[str]) -> Dataset:
    files = table_files(folder)
    require_tables(files, require, str(folder), lambda name: f"a file {folder / (name + '.csv')}")
    return assemble(
        {
            name: (
                parse_raw(read_csv(files[name], spec))
                if name in files
                else absent(spec, str(folder / f"{name}.csv"))
            )
            for name, spec in TABLES.items()
        }
    )


def _load_workbook(path: Path, require: Sequence[str]) -> Dataset:
    from kaohe.data.xlsx import read_workbook

    raw, _ = read_workbook(path)
    require_tables(raw, require, str(path), lambda name: f"a sheet named '{name}'")
    return assemble(
        {
            name: parse_raw(raw[name]) if name in raw else absent(spec, f"{path}[{name}]")
            for name, spec in TABLES.items()
        }
    )
