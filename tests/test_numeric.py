"""round2, quota and group sums exactly as rules.md fixes them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.numeric import column_wise, group_sum, quota, round2, varying_columns


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (89.995, 90.0),  # half up, not banker's rounding and not binary-float down
        (89.994999, 89.99),
        (0.005, 0.01),
        (1.005, 1.01),  # 1.005 is 1.00499999... in binary: the 1e-9 nudge rounds it up
        (2.675, 2.68),
        (72.125, 72.13),
        (0.0, 0.0),
        (100.0, 100.0),
    ],
)
def test_round2_rounds_half_up_as_people_do(value: float, expected: float) -> None:
    assert float(round2(value)) == expected


@pytest.mark.parametrize(
    ("share", "n", "expected"),
    [
        (0.30, 3, 0),
        (0.30, 4, 1),
        (0.30, 10, 3),
        (0.20, 4, 0),
        (0.20, 5, 1),
        (0.25, 8, 2),
        (0.2, 15, 3),
    ],
)
def test_quota_floors_with_a_small_tolerance(share: float, n: int, expected: int) -> None:
    assert int(quota(share, n)) == expected


def test_quota_of_a_share_just_below_in_binary_still_floors_to_the_whole() -> None:
    share = 0.1 * 3  # 0.30000000000000004; and 0.7 * 10 = 7.000000000000001
    assert int(quota(share, 10)) == 3
    assert int(quota(0.29, 100)) == 29  # 0.29 * 100 = 28.999999999999996


def test_group_sum_keeps_the_scenario_axis_and_ignores_negative_groups() -> None:
    values = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]])
    groups = np.array([0, 2, 0, -1])
    np.testing.assert_array_equal(
        group_sum(values, groups, 3), [[4.0, 0.0, 2.0], [40.0, 0.0, 20.0]]
    )


@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_round2_is_within_half_a_cent(value: float) -> None:
    rounded = float(round2(value))
    assert abs(rounded - value) <= 0.005 + 1e-8
    assert math.isclose(rounded * 100, round(rounded * 100), abs_tol=1e-6)


def test_varying_columns_of_several_arrays_with_nan_equal_to_nan() -> None:
    nan = np.nan
    scores = np.array([[1.0, nan, nan, 4.0, 5.0], [1.0, nan, 3.0, 4.0, 6.0]])
    flags = np.array([[True, False, False, False, False], [False, False, False, False, False]])
    one_row = np.array([[9.0, 9.0, 9.0, 9.0, 9.0]])
    assert varying_columns(scores, one_row, np.zeros(5)).tolist() == [2, 4]
    assert varying_columns(scores, flags).tolist() == [0, 2, 4]
    assert varying_columns(one_row).tolist() == []


def test_column_wise_computes_once_what_no_scenario_changes() -> None:
    seen: list[tuple[int, ...]] = []

    def formula(
        values: np.ndarray, weight: np.ndarray, offset: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        seen.append(np.broadcast_shapes(values.shape, weight.shape, offset.shape))
        return values * weight + offset, (values > 1).astype(np.int8)

    values = np.tile(np.arange(8.0), (3, 1))
    values[:, 2] = [1.0, 2.0, 3.0]  # only column 2 moves
    weight, offset = np.full((1, 8), 2.0), np.arange(8.0)
    got = column_wise(formula, values, weight, offset)
    expected = formula(values, weight, offset)
    assert [a.tolist() for a in got] == [np.broadcast_to(e, (3, 8)).tolist() for e in expected]
    assert seen[:2] == [(1, 8), (3, 1)]  # one row for all columns, then column 2 per scenario
    assert column_wise(formula, values[:1], weight, offset)[0].shape == (1, 8)
