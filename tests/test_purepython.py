"""The pure-Python reference implementation against hand-worked cases.

``tests/cases`` holds the cases as data (so that the vectorised engine can be
checked against them too); this module runs every case through
``tests.reference.purepython`` and tests its small helpers by hand.
"""

from __future__ import annotations

import ast
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# ``benchmarks`` and ``tests.cases`` are imported from the repository root,
# which pytest's importlib mode does not put on sys.path by itself.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.cases import CASES, Case, d, data, mismatches, sanction, scheme, v100  # noqa: E402
from tests.reference import purepython  # noqa: E402
from tests.reference.purepython import (  # noqa: E402
    DEFAULTS,
    add_months,
    freeze_sort_key,
    quota,
    rate9,
    round2,
    score,
)


def test_cases_are_many_and_named_uniquely() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 30
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case(case: Case) -> None:
    result = score(case.scheme, case.tables)
    assert mismatches(result, case.expected) == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(case: Case, seed: int) -> None:
    """Shuffled input rows give the same result (within 1e-9 for the
    unrounded sums, exactly for everything published rounded)."""
    rng = random.Random(seed)
    shuffled = {name: rng.sample(rows, len(rows)) for name, rows in case.tables.items()}
    base = score(case.scheme, case.tables)
    again = score(case.scheme, shuffled)
    assert again["freezes"] == base["freezes"]
    for section in ("units", "cadres"):
        assert again[section].keys() == base[section].keys()
        for entity, fields in base[section].items():
            for name, value in fields.items():
                other = again[section][entity][name]
                if isinstance(value, float) and name != "score":
                    assert other == pytest.approx(value, abs=1e-9)
                else:
                    assert other == value, (section, entity, name)


# ---------------------------------------------------------------------------
# Helpers, by hand
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (89.995, 90.0),  # 8999.5 + 0.5 -> 9000
        (89.994, 89.99),
        (2.675, 2.68),  # the binary value is 2.67499999...: half up by hand
        (0.125, 0.13),
        (0.0, 0.0),
        (100.0, 100.0),
        (74.07555555555557, 74.08),
        (74.074, 74.07),
    ],
)
def test_round2_half_up(x: float, expected: float) -> None:
    assert round2(x) == expected


@pytest.mark.parametrize(
    ("share", "n", "expected"),
    [
        (0.30, 3, 0),  # 0.9
        (0.30, 4, 1),  # 1.2
        (0.30, 10, 3),  # 3.0000000000000004 or 2.9999999999999996: the 1e-9
        (0.20, 4, 0),
        (0.20, 5, 1),  # 1.0
        (0.25, 4, 1),
        (0.20, 0, 0),
        (0.1, 30, 3),  # 3.0000000000000004
        (0.7, 10, 7),  # 6.999999999999999 -> 7 thanks to the 1e-9
    ],
)
def test_quota(share: float, n: int, expected: int) -> None:
    assert quota(share, n) == expected


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2019, 8, 31), 6, dt.date(2020, 2, 29)),
        (dt.date(2019, 1, 31), 1, dt.date(2019, 2, 28)),
        (dt.date(2019, 12, 31), 18, dt.date(2021, 6, 30)),
        (dt.date(2019, 3, 15), 0, dt.date(2019, 3, 15)),
        (dt.date(2017, 3, 1), 36, dt.date(2020, 3, 1)),
        (dt.date(2019, 10, 31), 1, dt.date(2019, 11, 30)),
        (dt.date(2019, 12, 15), 1, dt.date(2020, 1, 15)),
    ],
)
def test_add_months_clamps(start: dt.date, months: int, end: dt.date) -> None:
    assert add_months(start, months) == end


def test_rate9_equalises_summation_noise() -> None:
    assert 0.7500000000000001 != 0.75
    assert rate9(0.7500000000000001) == rate9(0.75)
    assert rate9(0.8) != rate9(0.800000002)


def test_indefinite_sorts_after_every_date() -> None:
    windows: list[Any] = [
        ("c", dt.date(2019, 1, 1), "indefinite", "accountability", "sanctions", "a"),
        ("c", dt.date(2019, 1, 1), dt.date(9999, 12, 31), "accountability", "sanctions", "b"),
        ("b", dt.date(2019, 6, 1), dt.date(2020, 1, 1), "serious_units", "vetoes", "v"),
    ]
    ordered = sorted(windows, key=freeze_sort_key)
    assert [w[5] for w in ordered] == ["v", "b", "a"]


def test_defaults_are_the_reference_values() -> None:
    assert DEFAULTS["supervision"]["cap"] == 10.0
    assert DEFAULTS["criticism"]["cap"] == 5.0
    assert DEFAULTS["awards"]["cap"] == 3.0
    assert DEFAULTS["unit_grading"]["excellent_quota"] == 0.30
    assert DEFAULTS["cadre_grading"]["excellent_quota_excellent_unit"] == 0.25
    assert len(DEFAULTS["accountability"]["types"]) == 17
    assert DEFAULTS["accountability"]["types"]["开除党籍"]["freeze_months"] == "indefinite"
    assert sum(DEFAULTS["satisfaction"]["group_weights"].values()) == pytest.approx(1.0)


def test_partial_mapping_keeps_other_reference_values() -> None:
    """READING: a scheme stating one key of a mapping keeps the others."""
    doc = scheme(supervision={"severity_points": {"一般": 1.5}})
    tables = data(
        [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
        supervision=[
            {"id": "a", "date": d(3, 1), "unit_id": "u1", "severity": "一般"},
            {"id": "b", "date": d(3, 1), "unit_id": "u2", "severity": "严重"},
        ],
    )
    result = score(doc, tables)
    assert result["units"]["u1"]["deductions"] == 1.5
    assert result["units"]["u2"]["deductions"] == 2.0


def test_defaults_are_not_mutated_by_a_run() -> None:
    doc = scheme(accountability={"types": {"诫勉": {"grade": "不称职"}}})
    score(doc, data([("u1", "乡镇", 90)]))
    assert DEFAULTS["accountability"]["types"]["诫勉"]["grade"] == "不得评优"


def test_output_shape() -> None:
    doc = scheme(unit_grading={}, cadre_score={}, cadre_grading={}, promotion_freeze={})
    tables = data([("u1", "乡镇", 90)], [("c1", "u1", "staff")], votes=[v100("c1")])
    result = score(doc, tables)
    assert set(result) == {"units", "cadres", "freezes"}
    assert set(result["units"]["u1"]) == {
        "target_score",
        "satisfaction",
        "composite",
        "deductions",
        "bonus",
        "score",
        "rank",
        "grade",
        "flags",
    }
    assert set(result["cadres"]["c1"]) == {
        "score",
        "rank_in_unit",
        "grade",
        "frozen_until",
        "flags",
    }
    assert result["freezes"] == []


def test_absent_tables_are_empty() -> None:
    doc = scheme(
        supervision={},
        criticism={},
        rectification={},
        awards={},
        veto={},
        serious_units={},
        accountability={},
        dual_investigation={},
        zero_accountability={},
        tolerance={},
        unit_grading={},
    )
    tables: dict[str, list[dict[str, Any]]] = {
        "units": [{"unit_id": "u1", "name": "x", "category": "乡镇"}],
        "cadres": [],
    }
    tables["targets"] = [{"unit_id": "u1", "indicator": "目标", "score": 70.0}]
    result = score(doc, tables)
    assert result["units"]["u1"]["score"] == 70.0
    assert result["units"]["u1"]["grade"] == "一般"


def test_scores_only_when_cadre_score_enabled() -> None:
    tables = data([("u1", "乡镇", 90)], [("c1", "u1", "staff")], votes=[v100("c1")])
    assert score(scheme(), tables)["cadres"]["c1"]["score"] is None
    assert score(scheme(cadre_score={}), tables)["cadres"]["c1"]["score"] == 100.0


@pytest.mark.parametrize(
    "rules",
    [
        {"dual_investigation": {}},
        {"zero_accountability": {}},
        {"cadre_grading": {}},
    ],
)
def test_rules_that_need_another_rule(rules: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="needs"):
        score(scheme(**rules), data([("u1", "乡镇", 90)]))


def test_missing_target_row_is_an_error() -> None:
    doc = scheme(indicators={"甲": 50.0, "乙": 50.0})
    tables = data(
        [("u1", "乡镇", 0)], targets=[{"unit_id": "u1", "indicator": "甲", "score": 40.0}]
    )
    with pytest.raises(ValueError, match="乙"):
        score(doc, tables)


def test_satisfaction_without_weight_is_an_error() -> None:
    doc = scheme(satisfaction={})
    tables = data(
        [("u1", "乡镇", 90)],
        surveys=[{"unit_id": "u1", "group": "企业", "satisfied": 1, "basic": 0, "unsatisfied": 0}],
    )
    with pytest.raises(ValueError, match="乡镇"):
        score(doc, tables)


def test_zero_month_freeze_is_no_window() -> None:
    """READING: 批评教育 (0 months) gives an empty window [d, d): not listed."""
    doc = scheme(accountability={}, promotion_freeze={})
    tables = data(
        [("u1", "乡镇", 90)],
        [("c1", "u1", "staff")],
        sanctions=[sanction("s", d(3, 1), "c1", "批评教育")],
    )
    result = score(doc, tables)
    assert result["freezes"] == []
    assert result["cadres"]["c1"]["frozen_until"] is None


def test_module_imports_no_numpy() -> None:
    tree = ast.parse(Path(purepython.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "numpy" not in imported
    assert "kaohe" not in imported
