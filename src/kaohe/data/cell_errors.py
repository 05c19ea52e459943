"""The error cells of an .xlsx or .xlsm workbook (``#DIV/0!``, ``#REF!``, ``#N/A`` ...).

python-calamine reads a cell holding a formula's error as an empty cell, so
a failed formula in an optional column (a rectification date, a count)
would be read as "no value" and scored so. The workbook itself says which
cells hold errors: a cell element of type ``e`` in its sheet's XML, with
its reference (``C7``) and its error as value. Each sheet is searched for
such cells while it is decompressed, a slice at a time, by a regular
expression: a large sheet is neither held whole nor parsed element by
element in Python. The sheets' names and parts come from the workbook's
own XML (read with the standard library's parser).

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
_SLICE = 1 << 20
#: A cell element of type ``e``: its attributes, and its content (none when empty).
_ERROR_CELL = re.compile(rb"""<c\b(?=[^>]*\st\s*=\s*["']e["'])([^>]*?)(?:/>|>(.*?)</c>)""", re.S)
_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Z]+)([0-9]+)["']""")
_VALUE = re.compile(rb"<v>([^<]*)</v>")


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
            cells = list(_errors(archive, part)) if part in archive.NameToInfo else []
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


def _errors(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[int, int, str]]:
    """The error cells of one sheet, ``(row, column, error)``: its XML searched for
    them a slice at a time as it is decompressed: a slice holding the value ``"e"``
    by a regular expression, whose matches (the error cells) alone reach Python."""
    carry = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_SLICE):
            text = carry + chunk
            end = 0
            # the value "e" is rare in other attributes: a slice without it has no error
            marked = b'"e"' in text or b"'e'" in text
            for cell in _ERROR_CELL.finditer(text) if marked else ():
                end = cell.end()
                where = _REFERENCE.search(cell.group(1))
                if where is not None:
                    value = _VALUE.search(cell.group(2) or b"")
                    yield (
                        int(where.group(2)) - 1,
                        _column_number(where.group(1).decode("ascii")),
                        value.group(1).decode("utf-8", "replace") if value else "",
                    )
            # a cell cut by the slice's end is searched again with the next slice
            cut = text.rfind(b"<c", end)
            carry = text[cut:] if cut >= 0 else text[-1:]


def _column_number(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1
