"""Filling kaohe's data-entry templates as an office does: typed cells under Chinese headers."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

from kaohe.tables import find_table, installed_tables


def rows_of(folder: Path, table: str) -> list[dict[str, str]]:
    """The rows of ``folder/<table>.csv`` (an empty list when the file is absent)."""
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def cell(kind: str, value: str) -> object:
    """A cell as an office types it: dates as dates, numbers as numbers, the rest as text."""
    if value == "":
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "count":
        return int(value)
    if kind == "score":
        return float(value)
    return value


def fill(template: Path, folder: Path, filled: Path) -> None:
    """Copy the tables of the CSV ``folder`` into the sheets of ``template``; save ``filled``."""
    book = openpyxl.load_workbook(template)
    for sheet in book.worksheets:
        name = find_table(sheet.title)
        if name is None:
            continue
        spec = installed_tables()[name]
        headers = [str(c.value) for c in sheet[1]]
        columns = [spec.column(spec.canonical(h) or h) for h in headers]
        for row in rows_of(folder, name):
            sheet.append([cell(c.kind, row.get(c.name, "")) for c in columns])
    book.save(filled)
