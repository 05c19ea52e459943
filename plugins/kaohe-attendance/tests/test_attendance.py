"""R14 attendance (考勤), end to end on tiny data.

handbook/rules.md R14: ``A = min(5, 0.2*late + 1.0*absent_days)`` (rows of
one cadre added), ``S = round2(min(100, max(0, weighted mean - A)))``, in
the schemes that count attendance; 0 elsewhere. Staff with ten 称职 votes:
V = 80, so S = 80 - A.
"""

from __future__ import annotations

from typing import Any

import pytest

import kaohe
from kaohe import Results
from kaohe.testing import (
    NO_CADRE_QUOTA,
    as_plain,
    assert_catalog_complete,
    att,
    data,
    engine,
    registry,
    scheme,
    v80,
    v100,
    vote,
)

STAFF = [(f"t{i}", "u1", "staff") for i in range(1, 5)]
VOTES = [v80(f"t{i}") for i in range(1, 5)]
ROWS = [att("t1", 2, 0), att("t1", 1, 1), att("t2", 10, 4), att("t3", 0, 5)]


def rows(results: Results, rule: str = "attendance") -> list[tuple[Any, ...]]:
    """(cadre_id, source_table, source_id, points, effect) of ``rule``'s cadre rows;
    cap rows that do not bite are left out."""
    ids = results.data.cadre_ids
    found = []
    for block in results.adjustments:
        if block.rule != rule or block.entity != "cadre":
            continue
        for j in range(len(block)):
            points = round(float(block.points[0, j]), 9)
            if block.drop_if_zero and points == 0:
                continue
            found.append(
                (
                    str(ids[block.index[j]]),
                    str(block.column("source_table")[j]),
                    str(block.column("source_id")[j]),
                    points,
                    str(block.column("effect")[j]),
                )
            )
    return sorted(found)


def scores(results: Results) -> dict[str, float | None]:
    return {c: v["score"] for c, v in as_plain(results)["cadres"].items()}


def test_deduction_rows_and_cap() -> None:
    results = engine(
        scheme(cadre_score={}, attendance={}),
        data([("u1", "乡镇", 90)], STAFF, votes=VOTES, attendance=ROWS),
    )
    assert rows(results) == [
        ("t1", "attendance", "t1", -1.6, "扣分"),  # rows added: 0.2*3 + 1*1 = 1.6
        ("t2", "", "", 1.0, "cap"),  # 0.2*10 + 4 = 6 -> cap 5 gives back 1
        ("t2", "attendance", "t2", -6.0, "扣分"),
        ("t3", "attendance", "t3", -5.0, "扣分"),  # exactly 5: no cap row
    ]
    # t4 has no attendance rows: no row, A = 0
    assert scores(results) == {"t1": 78.4, "t2": 75.0, "t3": 75.0, "t4": 80.0}
    note = next(
        str(b.column("note")[j])
        for b in results.adjustments
        if b.rule == "attendance"
        for j in range(len(b))
        if b.column("source_id")[j] == "t1"
    )
    assert note == "迟到早退3次, 旷工1天"


def test_without_the_rule_attendance_is_not_counted() -> None:
    results = engine(
        scheme(cadre_score={}), data([("u1", "乡镇", 90)], STAFF, votes=VOTES, attendance=ROWS)
    )
    assert scores(results) == {f"t{i}": 80.0 for i in range(1, 5)}
    assert rows(results) == []


def test_doubled_parameters_of_bureau_2016() -> None:
    results = engine(
        scheme(
            cadre_score={}, attendance={"late_points": 0.4, "absent_day_points": 2.0, "cap": 10.0}
        ),
        data([("u1", "乡镇", 90)], STAFF, votes=VOTES, attendance=ROWS),
    )
    # t1: 0.4*3 + 2*1 = 3.2; t2: 0.4*10 + 2*4 = 12 -> 10; t3: 2*5 = 10
    assert scores(results) == {"t1": 76.8, "t2": 70.0, "t3": 70.0, "t4": 80.0}
    assert ("t2", "", "", 2.0, "cap") in rows(results)


def test_score_is_clamped_at_zero() -> None:
    results = engine(
        scheme(cadre_score={}, attendance={"late_points": 50.0, "cap": 100.0}),
        data(
            [("u1", "乡镇", 90)],
            [("s1", "u1", "staff")],
            votes=[vote("s1", incompetent=10)],
            attendance=[att("s1", 1, 0)],
        ),
    )
    # V = 40; 40 - min(100, 50) = -10 -> max(0, .) = 0
    assert scores(results) == {"s1": 0.0}


def test_attendance_decides_the_grade_threshold() -> None:
    results = engine(
        scheme(cadre_score={}, attendance={}, cadre_grading=NO_CADRE_QUOTA),
        data(
            [("u1", "乡镇", 90)],
            [("a1", "u1", "staff"), ("a2", "u1", "staff"), ("a3", "u1", "staff")],
            votes=[
                vote("a1", excellent=1, competent=1),
                v100("a2"),
                vote("a3", excellent=1, competent=1),
            ],
            attendance=[att("a1", 1, 0), att("a2", 0, 0)],
        ),
    )
    got = as_plain(results)["cadres"]
    # a1: V = 90, S = 90 - 0.2 = 89.8 < 90: 称职; a3: the same votes, no
    # records: 90, 优秀; a2: a row of zeros deducts nothing
    assert (got["a1"]["score"], got["a1"]["grade"]) == (89.8, "称职")
    assert (got["a3"]["score"], got["a3"]["grade"]) == (90.0, "优秀")
    assert (got["a2"]["score"], got["a2"]["grade"]) == (100.0, "优秀")
    assert ("a2", "attendance", "a2", 0.0, "扣分") in rows(results)


def test_attendance_needs_cadre_scoring() -> None:
    with pytest.raises(kaohe.RuleGraphError, match="needs rule 'cadre_score'"):
        engine(scheme(attendance={}), data([("u1", "乡镇", 90)]))


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_attendance")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kaohe_english", "points per late arrival or early leave"),
        ("kaohe_chinese", "每次迟到早退的扣分"),
    ],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("attendance")
    assert rule.text(rule.params["late_points"].doc) == said
