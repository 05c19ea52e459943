"""How a warning names many lines: ranges, then how many more."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.data.raw import line_ranges


def test_lines_become_ranges_in_order() -> None:
    assert line_ranges(np.array([12, 3, 5, 6, 7, 8])) == "3, 5-8, 12"


def test_past_the_limit_the_rest_are_counted() -> None:
    assert line_ranges(np.array([3, 5, 6, 7, 8, 12, 13]), limit=2) == "3, 5-8 and 2 more"


@pytest.mark.usefixtures("chinese")
def test_the_count_is_said_in_chinese() -> None:
    assert line_ranges(np.array([3, 5, 9]), limit=1) == "3 等,另有 2 行"
