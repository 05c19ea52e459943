"""R14 exam component (考试测评), end to end on tiny data.

handbook/rules.md R14: ``E`` (0-100) is a weighted part of the cadre score:
head and leader V 0.5, U 0.4, E 0.1; middle and staff V 0.8, E 0.2. A
missing component's weight is dropped and the rest rescaled; a scheme that
does not use exams drops E for everyone. ``S = round2(...)``. V = 100 for
ten 优秀 votes, 80 for ten 称职 votes.
"""

from __future__ import annotations

from typing import Any

import pytest

import kaohe
from kaohe import Results
from kaohe.testing import (
    as_plain,
    assert_catalog_complete,
    data,
    engine,
    exam,
    registry,
    scheme,
    v80,
    v100,
)

CADRES = [
    ("h1", "u1", "head"),
    ("l1", "u1", "leader"),
    ("m1", "u1", "middle"),
    ("s1", "u1", "staff"),
]
VOTES = [v100("h1"), v100("l1"), v80("m1"), v80("s1")]


def parts(results: Results, rule: str) -> list[tuple[Any, ...]]:
    """(cadre_id, source_table, source_id, points, effect, note) of ``rule``'s score parts."""
    ids = results.data.cadre_ids
    return sorted(
        (
            str(ids[b.index[j]]),
            str(b.column("source_table")[j]),
            str(b.column("source_id")[j]),
            round(float(b.points[0, j]), 9),
            str(b.column("effect")[j]),
            str(b.column("note")[j]),
        )
        for b in results.adjustments
        if b.rule == rule and b.kind == "component"
        for j in range(len(b))
    )


def scores(results: Results) -> dict[str, float | None]:
    return {c: v["score"] for c, v in as_plain(results)["cadres"].items()}


def test_exam_weight_by_role_and_rescaling_when_missing() -> None:
    results = engine(
        scheme(cadre_score={}, exams={}),
        data(
            [("u1", "乡镇", 85.5)], CADRES, votes=VOTES, exams=[exam("h1", 60.0), exam("m1", 90.0)]
        ),
    )
    assert scores(results) == {
        "h1": 90.2,  # 0.5*100 + 0.4*85.5 + 0.1*60 = 50 + 34.2 + 6
        "l1": 93.56,  # no exam: (50 + 34.2) / 0.9 = 93.555...
        "m1": 82.0,  # 0.8*80 + 0.2*90 = 64 + 18
        "s1": 80.0,  # no exam: 0.8*80 / 0.8
    }
    # one score part per cadre with an exam: its weighted points
    assert parts(results, "exams") == [
        ("h1", "exams", "h1", 6.0, "得分", "考试测评"),
        ("m1", "exams", "m1", 18.0, "得分", "考试测评"),
    ]


def test_without_the_rule_exams_are_dropped_for_everyone() -> None:
    results = engine(
        scheme(cadre_score={}),
        data(
            [("u1", "乡镇", 85.5)], CADRES, votes=VOTES, exams=[exam("h1", 60.0), exam("m1", 0.0)]
        ),
    )
    # h1: (50 + 34.2) / 0.9 = 93.56; m1: 80 (its exam 0 is not counted)
    assert scores(results) == {"h1": 93.56, "l1": 93.56, "m1": 80.0, "s1": 80.0}
    assert parts(results, "exams") == []


def test_an_exam_of_zero_counts() -> None:
    results = engine(
        scheme(cadre_score={}, exams={}),
        data(
            [("u1", "乡镇", 90)],
            [("s1", "u1", "staff")],
            votes=[v80("s1")],
            exams=[exam("s1", 0.0)],
        ),
    )
    # 0.8*80 + 0.2*0 = 64 (not rescaled to 80)
    assert scores(results) == {"s1": 64.0}


def test_weight_parameter() -> None:
    results = engine(
        scheme(cadre_score={}, exams={"weight": {"staff": 0.5, "head": 0.0}}),
        data(
            [("u1", "乡镇", 85.5)],
            CADRES,
            votes=VOTES,
            exams=[exam("h1", 0.0), exam("m1", 90.0), exam("s1", 90.0)],
        ),
    )
    got = scores(results)
    # staff: (0.8*80 + 0.5*90) / 1.3 = 109 / 1.3 = 83.846... -> 83.85
    assert got["s1"] == 83.85
    # middle keeps 0.2: 82
    assert got["m1"] == 82.0
    # head weight 0: the exam is dropped: (50 + 34.2) / 0.9 = 93.56
    assert got["h1"] == 93.56
    assert [p[0] for p in parts(results, "exams")] == ["m1", "s1"]


def test_no_votes_no_score_even_with_an_exam() -> None:
    results = engine(
        scheme(cadre_score={}, exams={}),
        data(
            [("u1", "乡镇", 90)],
            [("s1", "u1", "staff"), ("s2", "u1", "staff")],
            votes=[v80("s2")],
            exams=[exam("s1", 100.0)],
        ),
    )
    assert scores(results) == {"s1": None, "s2": 80.0}
    assert parts(results, "exams") == []


def test_bad_exam_rows_are_errors() -> None:
    units, cadres = [("u1", "乡镇", 90)], [("s1", "u1", "staff")]
    with pytest.raises(kaohe.DataError, match="outside 0-100"):
        engine(
            scheme(cadre_score={}, exams={}),
            data(units, cadres, votes=[v80("s1")], exams=[exam("s1", 100.5)]),
        )
    with pytest.raises(kaohe.DataError, match="duplicate cadre_id 's1'"):
        engine(
            scheme(cadre_score={}, exams={}),
            data(units, cadres, votes=[v80("s1")], exams=[exam("s1", 50.0), exam("s1", 60.0)]),
        )


def test_exams_need_cadre_scoring() -> None:
    with pytest.raises(kaohe.RuleGraphError, match="needs rule 'cadre_score'"):
        engine(scheme(exams={}), data([("u1", "乡镇", 90)]))


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_exams")


@pytest.mark.parametrize(
    ("language", "said"),
    [("kaohe_english", "weight of E per role"), ("kaohe_chinese", "各职务类别的考试成绩 E 权重")],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("exams")
    assert rule.text(rule.params["weight"].doc) == said
