"""The error cells of an .xlsx or .xlsm workbook (``#DIV/0!``, ``#REF!``, ``#N/A`` ...).

python-calamine reads a cell holding a formula's error as an empty cell, so
a failed formula in an optional column (a rectification date, a count)
would be read as "no value" and scored so. The workbook itself says which
cells hold errors: a cell element of type ``e`` in its sheet's XML. The
sheets are searched for that mark while they are decompressed, a slice at
a time; only a sheet that has one is parsed (with the standard library's
XML parser) for the cells, their references and their errors.

The other spreadsheet formats (.xls, .xlsb, .ods) are not searched: their
error cells are read as empty, as calamine reads them.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree

#: Workbooks whose sheets are searched (Office Open XML).
SEARCHED = (".xlsx", ".xlsm")

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MARK = re.compile(rb"""\st\s*=\s*["']e["']""")
_SLICE = 1 << 20
_OVERLAP = 16  # longer than the mark, so that a mark across two slices is found
_REFERENCE = re.compile(r"([A-Z]+)([0-9]+)")


def error_cells(book: IO[bytes]) -> dict[str, list[tuple[int, int, str]]]:
    """Per sheet name, its error cells as ``(row, column, error)``, 0-based from A1;
    empty for a workbook without any (or not a readable Office Open XML file:
    calamine reports that)."""
    try:
        archive = zipfile.ZipFile(book)
    except (zipfile.BadZipFile, OSError):
        return {}
    found: dict[str, list[tuple[int, int, str]]] = {}
    with archive:
        try:
            sheets = _sheet_parts(archive)
        except (KeyError, ElementTree.ParseError):
            return {}
        for name, part in sheets.items():
            if part in archive.NameToInfo and _marked(archive, part):
                cells = list(_errors(archive, part))
                if cells:
                    found[name] = cells
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the archive member holding its cells."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {link.get("Id"): link.get("Target", "") for link in links}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP))
        if target:
            where = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[sheet.get("name", "")] = posixpath.normpath(where)
    return parts


def _marked(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a sheet's XML holds a cell of type ``e``, read a slice at a time."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_SLICE):
            if _MARK.search(tail + chunk):
                return True
            tail = chunk[-_OVERLAP:]
    return False


def _errors(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[int, int, str]]:
    """The error cells of one sheet: ``(row, column, error)``."""
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag != f"{_MAIN}c":
                continue
            if element.get("t") == "e":
                where = _REFERENCE.fullmatch(element.get("r", ""))
                value = element.find(f"{_MAIN}v")
                if where is not None:
                    yield (
                        int(where.group(2)) - 1,
                        _column_number(where.group(1)),
                        (value.text or "") if value is not None else "",
                    )
            element.clear()


def _column_number(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1
