"""Cell parsing: a column of stripped text cells to its typed array.

Every function takes the cells of one column as a numpy ``str`` array in
file order (surrounding spaces already removed, ``""`` = empty) and either
returns the typed array of :mod:`kaohe.tables` or raises a
:class:`~kaohe.errors.DataError` for the first bad cell. Whole columns are
parsed with numpy; only cells that the fast path rejects are looked at one
by one, each distinct value once.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kaohe.data import keys
from kaohe.data.simplify import simplify
from kaohe.data.where import Where
from kaohe.tables import ColumnSpec
from kaohe.vocab import Vocabulary

StrArray = NDArray[np.str_]
NAT = np.datetime64("NaT", "D")
_DATE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})", re.ASCII)
_TRUE = ("true", "1", "是")
_FALSE = ("false", "0", "否")

DATE_FORM = "a date YYYY-MM-DD (or YYYY/M/D)"
COUNT_FORM = "a non-negative integer (a count)"
SCORE_FORM = "a finite number"
BOOL_FORM = "true/false/1/0/是/否"


_SPACE_LIMIT = 0x3001


@functools.cache
def _spaces() -> NDArray[np.bool_]:
    """``table[cp]``: code point ``cp`` is whitespace; every code point above U+3000 maps to
    the last entry, which is False (no whitespace lies above U+3000)."""
    table = np.array([chr(point).isspace() for point in range(_SPACE_LIMIT)], dtype=np.bool_)
    return np.concatenate((table, [False]))


def spaces_at(points: NDArray[np.uint32]) -> NDArray[np.bool_]:
    """Which code points are whitespace (vectorised)."""
    result: NDArray[np.bool_] = _spaces()[np.minimum(points, _SPACE_LIMIT)]
    return result


def strip(values: StrArray) -> StrArray:
    """``values`` without surrounding whitespace; returned as is when none has any.

    Looks at each string's first and last character only (vectorised), so
    that clean arrays of millions of strings cost little.
    """
    values = np.ascontiguousarray(values)
    width = values.dtype.itemsize // 4
    if values.shape[0] == 0 or width == 0:
        return values
    points = values.view(np.uint32).reshape(values.shape[0], width)
    found = bool(spaces_at(points[:, 0]).any())
    if not found and width > 1:
        last = np.maximum(np.strings.str_len(values) - 1, 0)
        last += np.arange(0, values.shape[0] * width, width)  # flat index of the last character
        found = bool(spaces_at(np.take(points, last)).any())
    if found:
        stripped: StrArray = np.strings.strip(values)
        return stripped
    return values


def expected(spec: ColumnSpec) -> str:
    """What a cell of ``spec`` must hold, for error messages."""
    if spec.vocab is not None:
        return "one of: " + ", ".join(spec.vocab.values)
    forms = {
        "id": "an id (text without ':')",
        "text": "text",
        "date": DATE_FORM,
        "count": COUNT_FORM,
        "score": SCORE_FORM,
        "bool": BOOL_FORM,
    }
    return forms[spec.kind]


def parse_column(spec: ColumnSpec, cells: StrArray, where: Where) -> NDArray[Any]:
    """The typed array of one column, validated (see :mod:`kaohe.tables` for kinds)."""
    if spec.required:
        where.check(
            cells == "",
            lambda row: f"required cell is empty; expected {expected(spec)}",
            spec.name,
        )
    if spec.kind == "id":
        return check_ids(cells, where, spec.name)
    if spec.kind == "text":
        return simplify(cells) if spec.simplified else cells
    if spec.kind == "date":
        return parse_dates(cells, where, spec.name)
    if spec.kind == "count":
        return parse_counts(cells, where, spec.name)
    if spec.kind == "score":
        return parse_scores(cells, where, spec.name)
    if spec.kind == "bool":
        return parse_bools(cells, where, spec.name)
    assert spec.vocab is not None
    return parse_vocab(cells, spec.vocab, where, spec.name, spec.default)


def check_ids(cells: StrArray, where: Where, column: str) -> StrArray:
    """``cells`` unchanged; an error if one contains ``:`` (reserved for derived ids)."""
    width = cells.dtype.itemsize // 4
    if cells.shape[0] and width:
        flat = np.ascontiguousarray(cells).view(np.uint32)
        if not (flat == ord(":")).any():  # one flat pass: the usual case has none
            return cells
        colon = (flat.reshape(cells.shape[0], width) == ord(":")).any(axis=1)
        where.check(
            colon,
            lambda row: (
                f"id '{cells[row]}' contains ':', which is reserved for "
                "derived records; expected an id without ':'"
            ),
            column,
        )
    return cells


def _date(text: str) -> np.datetime64:
    match = _DATE.fullmatch(text)
    if match is None:
        return NAT
    try:
        day = dt.date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return NAT
    return np.datetime64(day, "D")


def _iso_days(cells: StrArray) -> tuple[NDArray[np.datetime64], NDArray[np.bool_]]:
    """The days of the cells spelled exactly ``YYYY-MM-DD``, and which cells those are.

    Vectorised on code points: digits, dashes, month 1-12, day within the month.
    """
    days = np.full(cells.shape[0], NAT)
    parsed = np.zeros(cells.shape[0], np.bool_)
    if cells.dtype.itemsize < 40:
        return days, parsed
    rows = np.flatnonzero(np.strings.str_len(cells) == 10)
    if rows.shape[0] == 0:
        return days, parsed
    points = cells[rows].astype("U10").view(np.uint32).reshape(-1, 10).astype(np.int64) - 48
    digits = points[:, [0, 1, 2, 3, 5, 6, 8, 9]]
    dash = ord("-") - 48
    ok = ((digits >= 0) & (digits <= 9)).all(axis=1) & (points[:, 4] == dash)
    ok &= points[:, 7] == dash
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    ok &= (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0)
    start = months.astype("datetime64[M]").astype("datetime64[D]")
    end = (months + 1).astype("datetime64[M]").astype("datetime64[D]")
    ok &= day <= (end - start).astype(np.int64)
    days[rows[ok]] = start[ok] + (day[ok] - 1)
    parsed[rows[ok]] = True
    return days, parsed


def parse_dates(cells: StrArray, where: Where, column: str) -> NDArray[np.datetime64]:
    """Dates ``YYYY-MM-DD``, ``YYYY-M-D`` or ``YYYY/M/D``; empty cells are ``NaT``."""
    days, parsed = _iso_days(cells)
    rows = np.flatnonzero(~parsed & (cells != ""))
    if rows.shape[0]:
        distinct, inverse = np.unique(cells[rows], return_inverse=True)
        parsed = np.array([_date(str(text)) for text in distinct], dtype="datetime64[D]")
        bad = np.isnat(parsed)[inverse]
        if bad.any():
            where.fail(
                rows[bad], lambda row: f"'{cells[row]}' is not a date; expected {DATE_FORM}", column
            )
        days[rows] = parsed[inverse]
    return days


def _number(text: str, integer: bool) -> tuple[float | int | None, str]:
    """A cell's number, or None and why it is not an acceptable one."""
    shown = f"'{text}'"
    if integer:
        try:
            value = int(text)
        except ValueError:
            pass
        else:
            if value > np.iinfo(np.int64).max:
                return None, f"{shown} is too large; expected {COUNT_FORM}"
            return value, ""
    try:
        number = float(text)
    except ValueError:
        return None, f"{shown} is not a number; expected {COUNT_FORM if integer else SCORE_FORM}"
    if not math.isfinite(number):
        return None, f"{shown} is not a finite number; NaN and infinity are not accepted"
    if integer:
        if not number.is_integer():
            return None, f"{shown} is not a whole number; expected {COUNT_FORM}"
        if abs(number) > 2.0**63 - 1024:
            return None, f"{shown} is too large; expected {COUNT_FORM}"
        return int(number), ""
    return number, ""


def _slow_numbers(cells: StrArray, where: Where, column: str, integer: bool) -> NDArray[Any]:
    distinct, inverse = np.unique(cells, return_inverse=True)
    results = [_number(str(text), integer) for text in distinct]
    reasons = np.array([reason for _, reason in results], dtype=str)
    bad = reasons[inverse] != ""
    if bad.any():
        where.fail(bad, lambda row: str(reasons[inverse[row]]), column)
    dtype = np.int64 if integer else np.float64
    values = np.array([value for value, _ in results], dtype=dtype)
    result: NDArray[Any] = values[inverse]
    return result


def _plain_integers(cells: StrArray) -> NDArray[np.int64] | None:
    """The values of cells that are all plain ASCII digits (at most 18), else None."""
    width = cells.dtype.itemsize // 4
    if cells.shape[0] == 0 or not 0 < width <= 18:
        return None
    points = np.ascontiguousarray(cells).view(np.uint32).reshape(cells.shape[0], width)
    present = points != 0
    digits = points.astype(np.int64) - 48
    if not (present[:, 0].all() and (((digits >= 0) & (digits <= 9)) | ~present).all()):
        return None
    values = np.zeros(cells.shape[0], np.int64)
    for column in range(width):
        values = np.where(present[:, column], values * 10 + digits[:, column], values)
    return values


def parse_counts(cells: StrArray, where: Where, column: str) -> NDArray[np.int64]:
    """Non-negative integers (``3`` or ``3.0``; not ``3.5``, ``nan``, ``-1``)."""
    values = _plain_integers(cells)
    if values is None:
        try:
            values = cells.astype(np.int64)
        except (ValueError, OverflowError):
            values = _slow_numbers(cells, where, column, integer=True)
    return check_counts(values, where, column)


def check_counts(values: NDArray[np.int64], where: Where, column: str) -> NDArray[np.int64]:
    """``values`` unchanged; an error if one is negative."""
    where.check(
        values < 0,
        lambda row: f"{values[row]} is negative; expected {COUNT_FORM}",
        column,
    )
    return values


def parse_scores(cells: StrArray, where: Where, column: str) -> NDArray[np.float64]:
    """Finite numbers (no ``nan``, ``inf``, ``-inf``)."""
    try:
        values = cells.astype(np.float64)
    except ValueError:
        values = _slow_numbers(cells, where, column, integer=False)
    where.check(
        ~np.isfinite(values),
        lambda row: f"'{cells[row]}' is not a finite number; NaN and infinity are not accepted",
        column,
    )
    return values


def check_scores(values: NDArray[np.float64], where: Where, column: str) -> NDArray[np.float64]:
    """``values`` unchanged; an error if one is NaN or infinite."""
    where.check(
        ~np.isfinite(values),
        lambda row: f"{values[row]} is not a finite number; NaN and infinity are not accepted",
        column,
    )
    return values


def parse_bools(cells: StrArray, where: Where, column: str) -> NDArray[np.bool_]:
    """Booleans spelled ``true/false/1/0/是/否`` (any case)."""
    lowered = np.strings.lower(cells)
    truth = np.isin(lowered, _TRUE)
    where.check(
        ~(truth | np.isin(lowered, _FALSE)),
        lambda row: f"'{cells[row]}' is not a boolean; expected {BOOL_FORM}",
        column,
    )
    return truth


def parse_vocab(
    cells: StrArray, vocabulary: Vocabulary, where: Where, column: str, default: str | None = None
) -> NDArray[np.int8]:
    """``int8`` codes of ``vocabulary`` for values or aliases; empty = ``default`` or -1."""
    table = vocabulary.lookup()
    spellings = np.array(sorted(table), dtype=str)
    codes = np.array([table[str(spelling)] for spelling in spellings], dtype=np.int8)
    found = keys.locate(spellings, cells)
    empty = cells == ""
    where.check(
        (found < 0) & ~empty,
        lambda row: (
            f"unknown {vocabulary.name} '{cells[row]}'; expected one of: "
            + ", ".join(vocabulary.values)
        ),
        column,
    )
    result = np.where(found >= 0, codes[found], np.int8(-1)).astype(np.int8)
    if default is not None:
        result[empty] = vocabulary.code(default)
    return result


def check_codes(
    codes: NDArray[Any], vocabulary: Vocabulary, where: Where, column: str, default: str | None
) -> NDArray[np.int8]:
    """Integer vocabulary codes checked to be in range (-1 = empty)."""
    where.check(
        (codes < -1) | (codes >= len(vocabulary.values)),
        lambda row: (
            f"code {codes[row]} is not a {vocabulary.name} code; expected -1 .. "
            f"{len(vocabulary.values) - 1} ({', '.join(vocabulary.values)})"
        ),
        column,
    )
    result = codes.astype(np.int8)
    if default is not None:
        result[result < 0] = vocabulary.code(default)
    return result
