"""Every hand-worked case of tests/cases, scored by the vectorised engine."""

from __future__ import annotations

import pytest
from tests.bridge import as_plain, engine
from tests.cases import CASES, Case, mismatches


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_engine_gives_the_hand_worked_numbers(case: Case) -> None:
    result = as_plain(engine(case.scheme, case.tables))
    assert mismatches(result, case.expected) == []
