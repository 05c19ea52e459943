"""The cadre score's parts weighed per profile equal those weighed per cadre."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from kaohe.blocks import Component
from kaohe.builtin.cadre_score import _merged, _missing, _parts_at, _summed
from kaohe.builtin.score_profiles import parts_by_profile


def _components(
    rng: np.random.Generator, k: int, n: int, count: int
) -> tuple[list[Component], NDArray[np.bool_]]:
    """``count`` parts with weights per role, some 0 and some scenarios' rows, and
    values per scenario or one row; NaN gaps the same in every scenario."""
    components = []
    for index in range(count):
        weights = rng.choice([0.0, 0.1, 0.25, 0.5, 0.8, 1.0], (k if rng.random() < 0.6 else 1, 4))
        values = rng.uniform(-20.0, 100.0, (k if rng.random() < 0.4 else 1, n)).round(2)
        values[:, rng.random(n) < 0.2] = np.nan
        components.append(Component("r", f"part{index}", values, weights, "cadres"))
    return components, rng.random(n) < 0.85


@given(
    st.integers(1, 4),
    st.integers(1, 30),
    st.integers(1, 3),
    st.integers(0, 2**16),
)
def test_parts_by_profile_equal_parts_per_cadre(k: int, n: int, count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    components, has_votes = _components(rng, k, n, count)
    gaps = [_missing(component.values) for component in components]
    role = rng.integers(0, 4, n)
    moving = rng.random(n) < 0.7
    columns, still = np.flatnonzero(moving), np.flatnonzero(~moving)
    still_parts, _ = _parts_at(components, gaps, role, has_votes, still, first=True)
    moving_parts, expected_usable = _parts_at(
        components, gaps, role, has_votes, columns, first=False
    )
    found = parts_by_profile(components, gaps, role, has_votes, columns, still_parts)
    assert found is not None
    assert np.array_equal(found.usable, expected_usable)
    for (rows, points), (rows_s, points_s), (rows_m, points_m) in zip(
        found.parts, still_parts, moving_parts, strict=True
    ):
        expected_rows, expected_points = _merged(rows_s, points_s, rows_m, points_m)
        assert rows.tolist() == expected_rows.tolist()
        assert points.shape == expected_points.shape
        assert np.array_equal(points, expected_points)
        assert np.array_equal(np.signbit(points), np.signbit(expected_points))
    # the sums differ at most in the sign of a zero (0 + x against x)
    summed = np.broadcast_to(found.summed, (k, columns.shape[0]))
    assert np.array_equal(summed, np.broadcast_to(_summed(columns, moving_parts), summed.shape))
    # without the parts: the same usable and sums, no part's points
    bare = parts_by_profile(components, gaps, role, has_votes, columns, still_parts, False)
    assert bare is not None
    assert bare.parts == []
    assert np.array_equal(bare.usable, found.usable)
    assert np.array_equal(bare.summed, found.summed)
    assert np.array_equal(np.signbit(bare.summed), np.signbit(found.summed))


def test_parts_by_profile_decline_gaps_that_differ_between_scenarios() -> None:
    values = np.array([[1.0, np.nan], [1.0, 2.0]])
    component = Component("r", "part", values, np.ones((1, 4)), "cadres")
    gap = _missing(values)
    assert gap is not None
    assert gap.shape[0] == 2
    columns = np.arange(2)
    role, has_votes = np.zeros(2, np.int64), np.ones(2, bool)
    assert parts_by_profile([component], [gap], role, has_votes, columns, []) is None
