"""A cadre's grade with one level per cadre equals the grade with a level per scenario."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kaohe.builtin.cadre_grading import _grade


@given(st.integers(1, 4), st.integers(1, 40), st.integers(0, 2**16))
def test_grade_with_a_level_per_cadre_equals_the_level_per_scenario(
    k: int, n: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    score = rng.choice([np.nan, 55.0, 60.0, 65.0, 70.0, 85.0, 90.0, 95.0], (k, n))
    lowest = [np.full((1, n), value) for value in (90.0, 70.0, 60.0)]
    excellent = rng.random((k, n)) < 0.3
    level = rng.integers(0, 5, n)  # no effect, 不得评优, 最高基本称职, 不定等次, 不称职
    per_cadre = _grade(score, *lowest, excellent, level)
    per_scenario = _grade(score, *lowest, excellent, np.tile(level, (k, 1)))
    for fast, plain in zip(per_cadre, per_scenario, strict=True):
        assert fast.dtype == plain.dtype
        assert np.array_equal(fast, plain)
