"""Date arithmetic on ``datetime64[D]`` arrays, as rules.md fixes it.

Dates are numpy ``datetime64[D]``; ``NaT`` is a missing date. A window
``[start, end)`` excludes its end day; an indefinite end is :data:`FOREVER`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

DateArray = NDArray[np.datetime64]

#: The end of a window that never ends (``indefinite``): later than any real date.
FOREVER = np.datetime64("9999-12-31", "D")
NAT = np.datetime64("NaT", "D")


def to_day(value: dt.date) -> np.datetime64:
    """A ``datetime.date`` as a numpy day."""
    return np.datetime64(value.isoformat(), "D")


def add_months(dates: DateArray, months: NDArray[np.int64] | int) -> DateArray:
    """Add whole months, keeping the day and clamping it to the month's end.

    ``2024-02-29 + 12 months = 2025-02-28``. ``NaT`` stays ``NaT``.
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    if np.ndim(months) == 0 and dates.shape[0] > TABLE_FROM:
        return _add_months_by_table(dates, int(months))
    return _add_months(dates, months)


#: From this many dates on, :func:`add_months` of one number of months works
#: through a table of the days the dates span (ledger dates span a year or two).
TABLE_FROM = 4096


def _add_months_by_table(dates: DateArray, months: int) -> DateArray:
    """:func:`add_months` for many dates: each distinct day in their span once, then
    a lookup; the same days as the direct computation."""
    missing = np.isnat(dates)
    days = dates.view(np.int64)
    known = days[~missing]
    if not known.shape[0] or int(known.max()) - int(known.min()) > dates.shape[0]:
        return _add_months(dates, months)
    low = int(known.min())
    span = np.arange(low, int(known.max()) + 1, dtype=np.int64).view("datetime64[D]")
    table = _add_months(span, months)
    result: DateArray = table[np.where(missing, 0, days - low)]
    result[missing] = NAT
    return result


def _add_months(dates: DateArray, months: NDArray[np.int64] | int) -> DateArray:
    """:func:`add_months` computed date by date."""
    month_start = dates.astype("datetime64[M]")
    day_offset = dates - month_start.astype("datetime64[D]")
    target_month = month_start + np.asarray(months, dtype=np.int64)
    last_day = (target_month + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    shifted = target_month.astype("datetime64[D]") + day_offset
    result: DateArray = np.minimum(shifted, last_day)
    return result


def in_period(dates: DateArray, start: np.datetime64, end: np.datetime64) -> NDArray[np.bool_]:
    """``start <= date <= end``; a missing date is never in period."""
    return (dates >= start) & (dates <= end)


def year_of(dates: DateArray) -> NDArray[np.int64]:
    """The calendar year of each date (``NaT`` gives a meaningless value: mask it)."""
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970
