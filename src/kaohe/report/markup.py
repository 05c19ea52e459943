"""Small pieces of HTML that the report, its charts and the what-if page share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape

import numpy as np
from numpy.typing import NDArray

from .labels import GRADE_TONES

#: A result table as columns of text, by column name.
Table = dict[str, NDArray[np.str_]]


def e(value: object) -> str:
    """Escaped text for HTML content and attribute values."""
    return escape(str(value), quote=True)


def table_of(rows: tuple[tuple[str, ...], list[NDArray[np.str_]]]) -> Table:
    names, columns = rows
    return dict(zip(names, columns, strict=True))


def floats(values: NDArray[np.str_]) -> NDArray[np.float64]:
    """Numbers from number text; empty is NaN."""
    values = np.asarray(values, dtype=str)
    return np.where(values == "", "nan", values).astype(np.float64)


def tone(grade: str) -> str | None:
    return GRADE_TONES.get(grade)


def grade_badge(grade: str) -> str:
    shade = tone(grade)
    if not grade:
        return '<span class="code">—</span>'
    return f'<span class="grade g-{shade}">{e(grade)}</span>' if shade else e(grade)


def thead(titles: Iterable[str], numeric: Iterable[int] = ()) -> str:
    right = set(numeric)
    cells = "".join(
        f'<th class="num">{e(t)}</th>' if i in right else f"<th>{e(t)}</th>"
        for i, t in enumerate(titles)
    )
    return f"<thead><tr>{cells}</tr></thead>"


def long_date(day: dt.date) -> str:
    """A date as an official document writes it: 2020年1月15日."""
    return f"{day.year}年{day.month}月{day.day}日"
