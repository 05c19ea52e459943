"""Month arithmetic with clamping, and the in-period test."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.dates import add_months, in_period, year_of


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2024-02-29", 12, "2025-02-28"),
        ("2019-01-31", 1, "2019-02-28"),
        ("2020-01-31", 1, "2020-02-29"),
        ("2019-03-15", 6, "2019-09-15"),
        ("2019-08-31", 6, "2020-02-29"),
        ("2019-12-31", 18, "2021-06-30"),
        ("2018-06-01", 0, "2018-06-01"),
    ],
)
def test_add_months_keeps_the_day_clamped_to_the_month_end(
    start: str, months: int, end: str
) -> None:
    result = add_months(np.array([start], dtype="datetime64[D]"), months)
    assert str(result[0]) == end


def test_add_months_vectorised_with_per_row_months_and_nat() -> None:
    dates = np.array(["2019-01-31", "NaT", "2019-05-10"], dtype="datetime64[D]")
    result = add_months(dates, np.array([1, 3, 24]))
    assert [str(d) for d in result] == ["2019-02-28", "NaT", "2021-05-10"]


def test_in_period_is_inclusive_and_never_true_for_missing_dates() -> None:
    dates = np.array(
        ["2018-12-31", "2019-01-01", "2019-12-31", "2020-01-01", "NaT"], dtype="datetime64[D]"
    )
    mask = in_period(dates, np.datetime64("2019-01-01"), np.datetime64("2019-12-31"))
    assert mask.tolist() == [False, True, True, False, False]


@pytest.mark.parametrize("months", [0, 1, 12, 18, -3])
def test_add_months_of_many_dates_by_table_equals_date_by_date(months: int) -> None:
    rng = np.random.default_rng(months + 5)
    days = rng.integers(17_800, 18_900, 6_000)  # 2018-2021, leap days included
    dates = days.astype("datetime64[D]")
    dates[rng.random(6_000) < 0.05] = np.datetime64("NaT")
    by_table = add_months(dates, months)
    one_by_one = add_months(dates, np.full(6_000, months))  # months per row: date by date
    assert np.array_equal(by_table, one_by_one, equal_nan=True)
    assert str(add_months(np.array(["2024-02-29"] * 5_000, dtype="datetime64[D]"), 12)[0]) == (
        "2025-02-28"
    )


def test_add_months_per_row_and_years_of_many_dates_by_table() -> None:
    rng = np.random.default_rng(3)
    dates = rng.integers(17_800, 18_900, 8_000).astype("datetime64[D]")
    dates[::17] = np.datetime64("NaT")
    months = rng.choice(np.array([6, 12, 24, 36]), 8_000)
    expected = [
        "NaT" if np.isnat(d) else str(add_months(np.array([d]), int(m))[0])
        for d, m in zip(dates[:300], months[:300], strict=True)
    ]
    assert [str(d) for d in add_months(dates, months)[:300]] == expected
    known = ~np.isnat(dates)
    assert (year_of(dates)[known] == [d.astype(object).year for d in dates[known]]).all()
