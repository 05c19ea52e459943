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
    ``months`` is one number or one per date.
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    months = np.asarray(months, dtype=np.int64)
    fewest, most = int(months.min(initial=0)), int(months.max(initial=0))
    table = _day_table(dates, most - fewest + 1)
    if table is None:
        return _add_months(dates, months)
    days, place, missing = table
    grid = np.arange(fewest, most + 1, dtype=np.int64)[:, None]
    ends = _add_months(days[None, :], grid)  # every (months, day) pair once
    result: DateArray = ends[months - fewest, place]
    result[missing] = NAT
    return result


#: From this many dates on, :func:`add_months` and :func:`year_of` work through a
#: table of the days the dates span (ledger dates span a year or two).
TABLE_FROM = 4096


def _day_table(
    dates: DateArray, variants: int
) -> tuple[DateArray, NDArray[np.int64], NDArray[np.bool_]] | None:
    """For many dates over a short span: every day of the span, each date's place
    among them (0 where missing) and which dates are missing; None when a table
    of ``variants`` rows per day would not be smaller than the dates."""
    if dates.shape[0] <= TABLE_FROM:
        return None
    missing = np.isnat(dates)
    known = dates.view(np.int64)[~missing]
    if not known.shape[0]:
        return None
    low, high = int(known.min()), int(known.max())
    if (high - low + 1) * variants > dates.shape[0]:
        return None
    days = np.arange(low, high + 1, dtype=np.int64).view("datetime64[D]")
    return days, np.where(missing, 0, dates.view(np.int64) - low), missing


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
    table = _day_table(dates, 1)
    if table is None:
        return _years(dates)
    days, place, _ = table
    found: NDArray[np.int64] = _years(days)[place]
    return found


def _years(dates: DateArray) -> NDArray[np.int64]:
    """:func:`year_of` computed date by date."""
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970
