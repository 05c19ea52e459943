"""R4 public criticism (通报批评) and interviews (约谈), end to end on tiny data.

Reference values (handbook/rules.md R4): unit criticism 乡镇 0.5, 县 1, 市 2,
省 3; interview 0.5; mitigated x 0.5; D_crit = min(5, sum p). A unit with a
criticism cannot be 优秀; a cadre with one cannot be 优秀, with three or
more is at most 基本称职. Year 2019, as_of 2019-12-31.
"""

from __future__ import annotations

from typing import Any

import pytest

from kaohe import Results
from kaohe.testing import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    as_plain,
    assert_catalog_complete,
    crit,
    d,
    data,
    engine,
    notice,
    registry,
    rule_rows,
    scheme,
    talk,
    tol,
    v100,
)


def rows(results: Results, rule: str, entity: str = "unit") -> list[tuple[Any, ...]]:
    """This rule's adjustment rows (see ``kaohe.testing.rule_rows``)."""
    return rule_rows(results, rule, entity)


def effects(results: Results, rule: str, entity: str) -> list[tuple[str, int, str]]:
    """(entity_id, level, source_id) of ``rule``'s grade effects, sorted."""
    ids = results.data.unit_ids if entity == "unit" else results.data.cadre_ids
    return sorted(
        (str(ids[block.index[j]]), int(block.level[j]), str(block.column("source_id")[j]))
        for block in results.effects
        if block.rule == rule and block.entity == entity
        for j in range(len(block))
    )


def test_points_per_level_interviews_and_cap() -> None:
    results = engine(
        scheme(criticism={}),
        data(
            [(f"u{i}", "乡镇", 95) for i in range(1, 5)],
            criticisms=[
                crit("k1", d(2, 1), "乡镇", unit="u1"),
                crit("k2", d(2, 1), "县", unit="u1"),
                crit("k3", d(2, 1), "市", unit="u1"),
                crit("k4", d(2, 1), "省", unit="u2"),
                crit("k5", d(2, 1), "市", unit="u2"),
            ],
            interviews=[
                talk("i1", d(3, 1), "u1"),
                talk("i2", d(3, 1), "u2"),
                talk("i3a", d(3, 1), "u3"),
                talk("i3b", d(4, 1), "u3"),
            ],
        ),
    )
    assert rows(results, "criticism") == [
        ("u1", "criticisms", "k1", -0.5, "扣分"),  # 乡镇
        ("u1", "criticisms", "k2", -1.0, "扣分"),  # 县
        ("u1", "criticisms", "k3", -2.0, "扣分"),  # 市
        ("u1", "interviews", "i1", -0.5, "扣分"),  # 约谈
        # u2: 3 + 2 + 0.5 = 5.5 -> cap 5 gives back 0.5
        ("u2", "", "", 0.5, "cap"),
        ("u2", "criticisms", "k4", -3.0, "扣分"),  # 省
        ("u2", "criticisms", "k5", -2.0, "扣分"),
        ("u2", "interviews", "i2", -0.5, "扣分"),
        ("u3", "interviews", "i3a", -0.5, "扣分"),
        ("u3", "interviews", "i3b", -0.5, "扣分"),
    ]
    got = as_plain(results)["units"]
    # u1: 0.5 + 1 + 2 + 0.5 = 4; u2: min(5, 5.5) = 5; u3: 2 x 0.5 = 1; u4: none
    assert [got[f"u{i}"]["deductions"] for i in range(1, 5)] == [4.0, 5.0, 1.0, 0.0]
    assert [got[f"u{i}"]["score"] for i in range(1, 5)] == [91.0, 90.0, 94.0, 95.0]


def test_cadre_criticisms_and_rows_outside_the_period_cost_the_unit_nothing() -> None:
    results = engine(
        scheme(criticism={}),
        data(
            [("u1", "乡镇", 95)],
            [("c1", "u1", "staff")],
            criticisms=[
                crit("k1", d(2, 1), "省", cadre="c1"),
                crit("k2", d(12, 31, 2018), "省", unit="u1"),
                crit("k3", d(1, 1, 2020), "省", unit="u1"),
            ],
            interviews=[talk("i1", d(12, 31, 2018), "u1"), talk("i2", d(1, 1, 2020), "u1")],
        ),
    )
    assert rows(results, "criticism") == []
    assert as_plain(results)["units"]["u1"]["score"] == 95.0
    # the cadre's criticism is a cadre effect (不得评优 = 1), no unit effect
    assert effects(results, "criticism", "unit") == []
    assert effects(results, "criticism", "cadre") == [("c1", 1, "k1")]


def test_unit_with_a_criticism_is_not_excellent() -> None:
    results = engine(
        scheme(criticism={}, unit_grading=NO_UNIT_QUOTA),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 92)],
            criticisms=[crit("k1", d(2, 1), "乡镇", unit="u1")],
            interviews=[talk("i3", d(2, 1), "u3")],
        ),
    )
    got = as_plain(results)["units"]
    # F = 95 - 0.5 = 94.5 >= 90, but criticised: 良好
    assert (got["u1"]["score"], got["u1"]["grade"]) == (94.5, "良好")
    assert got["u2"]["grade"] == "优秀"
    # an interview is not a criticism: 92 - 0.5 = 91.5 stays 优秀
    assert (got["u3"]["score"], got["u3"]["grade"]) == (91.5, "优秀")
    assert effects(results, "criticism", "unit") == [("u1", 1, "k1")]


def test_cadres_with_one_two_and_three_criticisms() -> None:
    results = engine(
        scheme(criticism={}, rectification={}, cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
        data(
            [("u1", "乡镇", 90)],
            [(f"c{i}", "u1", "staff") for i in range(1, 6)],
            criticisms=[
                crit("a1", d(2, 1), "乡镇", cadre="c1"),
                crit("b1", d(2, 1), "县", cadre="c2"),
                crit("b2", d(3, 1), "县", cadre="c2"),
                crit("c1", d(2, 1), "县", cadre="c3"),
                crit("c2", d(3, 1), "县", cadre="c3"),
                crit("c3", d(4, 1), "乡镇", cadre="c3"),
                crit("d1", d(2, 1), "县", cadre="c4"),
                crit("d2", d(3, 1), "县", cadre="c4"),
            ],
            # c4's third: an overdue notice (deadline 03-01 < as_of) -> notice:n4
            notices=[notice("n4", d(2, 1), d(3, 1), cadre="c4")],
            votes=[v100(f"c{i}") for i in range(1, 6)],
        ),
    )
    got = as_plain(results)["cadres"]
    # every cadre: staff, V = 100 alone -> S = 100
    assert {c: got[c]["score"] for c in got} == {f"c{i}": 100.0 for i in range(1, 6)}
    assert got["c1"]["grade"] == "称职"  # 1: not 优秀
    assert got["c2"]["grade"] == "称职"  # 2: not 优秀
    assert got["c3"]["grade"] == "基本称职"  # 3: at most 基本称职
    assert got["c4"]["grade"] == "基本称职"  # 2 recorded + 1 derived
    assert got["c5"]["grade"] == "优秀"  # none
    levels = {(cadre, level) for cadre, level, _ in effects(results, "criticism", "cadre")}
    # 不得评优 = 1, 最高基本称职 = 2 (kaohe.vocab.EFFECT)
    assert levels == {("c1", 1), ("c2", 1), ("c3", 2), ("c4", 2)}


def test_tolerance_mitigates_and_exempts() -> None:
    results = engine(
        scheme(criticism={}, tolerance={}, unit_grading=NO_UNIT_QUOTA),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 95), ("u4", "乡镇", 95)],
            criticisms=[crit("k1", d(2, 1), "县", unit="u1"), crit("k2", d(2, 1), "省", unit="u2")],
            interviews=[talk("i3", d(2, 1), "u3")],
            tolerances=[
                tol("t1", d(3, 1), "criticisms", "k1", "免责"),
                tol("t2", d(3, 1), "criticisms", "k2", "从轻"),
                tol("t3", d(3, 1), "interviews", "i3", "减轻"),
            ],
        ),
    )
    assert rows(results, "criticism") == [
        ("u2", "criticisms", "k2", -1.5, "扣分"),  # 省 3 * 0.5
        ("u3", "interviews", "i3", -0.25, "扣分"),  # 0.5 * 0.5
    ]
    assert rows(results, "tolerance") == [("u1", "criticisms", "k1", 0.0, "容错免责")]
    got = as_plain(results)["units"]
    # exempt: no points, no block; mitigated: half the points, still blocks 优秀
    assert (got["u1"]["score"], got["u1"]["grade"]) == (95.0, "优秀")
    assert (got["u2"]["score"], got["u2"]["grade"]) == (93.5, "良好")
    assert (got["u3"]["score"], got["u3"]["grade"]) == (94.75, "优秀")


def test_parameters_replace_the_reference_values() -> None:
    results = engine(
        scheme(
            criticism={
                "points": {"县": 1.5},  # others keep 0.5, 2, 3
                "interview_points": 1.0,
                "cap": 2.0,
                "cadre_basic_from": 2,
            },
            cadre_score={},
            cadre_grading=NO_CADRE_QUOTA,
        ),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
            [("c1", "u1", "staff"), ("c2", "u1", "staff")],
            criticisms=[
                crit("k1", d(2, 1), "县", unit="u1"),  # 1.5
                crit("k2", d(2, 1), "乡镇", unit="u2"),  # 0.5
                crit("k3", d(2, 1), "县", cadre="c1"),
                crit("k4", d(3, 1), "县", cadre="c1"),
                crit("k5", d(3, 1), "县", cadre="c2"),
            ],
            interviews=[talk("i1", d(3, 1), "u1")],  # 1.0: u1 1.5 + 1 = 2.5 -> cap 2
            votes=[v100("c1"), v100("c2")],
        ),
    )
    got = as_plain(results)
    assert [got["units"][u]["deductions"] for u in ("u1", "u2")] == [2.0, 0.5]
    assert ("u1", "", "", 0.5, "cap") in rows(results, "criticism")
    # two criticisms reach cadre_basic_from = 2
    assert got["cadres"]["c1"]["grade"] == "基本称职"
    assert got["cadres"]["c2"]["grade"] == "称职"


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_criticism")


@pytest.mark.parametrize(
    ("language", "said"),
    [("kaohe_english", "points per interview (约谈)"), ("kaohe_chinese", "每次被约谈的扣分")],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("criticism")
    assert rule.text(rule.params["interview_points"].doc) == said
