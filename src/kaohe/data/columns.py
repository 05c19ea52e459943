"""In-memory columns (sequences or numpy arrays) to typed, validated arrays.

Numpy arrays of a fitting dtype take vectorised paths (no Python loop over
elements): ``str`` arrays for ids and text, ``datetime64`` for dates,
integer arrays for counts and vocabulary codes, float arrays for scores,
``bool`` arrays for booleans. Other inputs (lists, object arrays, strings
for numbers) are converted element by element to text and parsed exactly
like CSV cells. ``None`` (and a float NaN outside number columns) is an
empty cell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kaohe.data import parse
from kaohe.data.where import Where
from kaohe.tables import ColumnSpec

StrArray = NDArray[np.str_]


def _day(value: dt.datetime) -> str:
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(sep=" ")


def _text(value: object, number_column: bool) -> str:
    """One in-memory value as a cell's text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _day(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else _day_of(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number) and not number_column:
            return ""
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def _day_of(value: np.datetime64) -> str:
    day = value.astype("datetime64[D]")
    if day != value:
        return str(value)  # not a whole day: the date parser rejects it
    return str(day)


def texts(values: Any, number_column: bool = False) -> StrArray:
    """Any sequence as stripped cell texts (``str`` arrays without a loop)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        return parse.strip(values)
    return parse.strip(np.array([_text(value, number_column) for value in values], dtype=str))


def _lossless_days(values: NDArray[np.datetime64], where: Where, column: str) -> NDArray[Any]:
    days = values.astype("datetime64[D]")
    where.check(
        ~np.isnat(values) & (days != values),
        lambda row: f"{values[row]} is not a whole day; expected {parse.DATE_FORM}",
        column,
    )
    return days


def _integers(values: NDArray[Any], where: Where, column: str) -> NDArray[np.int64]:
    """An integer or float array as int64, for counts."""
    if values.dtype.kind == "u":
        where.check(
            values > np.iinfo(np.int64).max,
            lambda row: f"{values[row]} is too large; expected {parse.COUNT_FORM}",
            column,
        )
        return values.astype(np.int64)
    if values.dtype.kind == "f":
        parse.check_scores(values.astype(np.float64), where, column)
        where.check(
            values != np.round(values),
            lambda row: f"{values[row]:g} is not a whole number; expected {parse.COUNT_FORM}",
            column,
        )
        return values.astype(np.int64)
    return values.astype(np.int64)


def _dates(spec: ColumnSpec, values: NDArray[Any], where: Where) -> NDArray[Any]:
    days = _lossless_days(values, where, spec.name)
    if spec.required:
        where.check(
            np.isnat(days),
            lambda row: f"required cell is empty; expected {parse.DATE_FORM}",
            spec.name,
        )
    return days


def _counts(spec: ColumnSpec, values: NDArray[Any], where: Where) -> NDArray[Any]:
    return parse.check_counts(_integers(values, where, spec.name), where, spec.name)


def _scores(spec: ColumnSpec, values: NDArray[Any], where: Where) -> NDArray[Any]:
    return parse.check_scores(values.astype(np.float64), where, spec.name)


def _bools(spec: ColumnSpec, values: NDArray[Any], where: Where) -> NDArray[Any]:
    where.check(
        (values != 0) & (values != 1),
        lambda row: f"{values[row]} is not a boolean; expected {parse.BOOL_FORM}",
        spec.name,
    )
    return values.astype(np.bool_)


def _codes(spec: ColumnSpec, values: NDArray[Any], where: Where) -> NDArray[Any]:
    assert spec.vocab is not None
    codes = parse.check_codes(values, spec.vocab, where, spec.name, spec.default)
    if spec.required:
        where.check(
            codes < 0,
            lambda row: f"required cell is empty; expected {parse.expected(spec)}",
            spec.name,
        )
    return codes


Converter = Callable[[ColumnSpec, NDArray[Any], Where], NDArray[Any]]

#: Vectorised conversions by (column kind, numpy dtype kind).
_FAST: dict[tuple[str, str], Converter] = {
    ("date", "M"): _dates,
    **{("count", kind): _counts for kind in "iuf"},
    **{("score", kind): _scores for kind in "iuf"},
    **{("bool", kind): _bools for kind in "biu"},
    **{("vocab", kind): _codes for kind in "iu"},
}


def to_column(spec: ColumnSpec, values: Any, where: Where) -> NDArray[Any]:
    """The typed array of column ``spec`` from in-memory ``values`` (validated).

    ``values`` must have one element per row of the table (the caller checks
    the length).
    """
    array = values if isinstance(values, np.ndarray) else None
    if array is None and spec.kind in ("count", "score", "bool"):
        guess = np.asarray(values)
        if guess.dtype.kind in "biuf":
            array = guess
    if array is not None:
        if array.ndim != 1:
            raise where.error(f"column '{spec.name}' is not one-dimensional")
        fast = _FAST.get((spec.kind, array.dtype.kind))
        if fast is not None:
            return fast(spec, array, where)
    number_column = spec.kind in ("count", "score")
    return parse.parse_column(spec, texts(values, number_column), where)
