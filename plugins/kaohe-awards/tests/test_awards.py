"""R6 awards (表彰 / 业务能手), end to end on tiny data.

handbook/rules.md R6: unit awards in period give ``points[level]`` (县 0.5,
市 1, 省 2, 国家 3), ``B = min(3, sum)``; a cadre award in period flags the
cadre ``优先提拔`` when the cadre ends graded 优秀 or 称职 and is not frozen
at ``as_of``. Year 2019, as_of 2019-12-31.
"""

from __future__ import annotations

from typing import Any

import pytest

from kaohe import Results
from kaohe.testing import (
    NO_CADRE_QUOTA,
    as_plain,
    assert_catalog_complete,
    award,
    d,
    data,
    engine,
    registry,
    rule_rows,
    sanction,
    scheme,
    v80,
    v100,
    vote,
)


def rows(results: Results, rule: str, entity: str = "unit") -> list[tuple[Any, ...]]:
    """This rule's adjustment rows (see ``kaohe.testing.rule_rows``)."""
    return rule_rows(results, rule, entity)


def test_bonus_per_level_is_one_positive_row_each() -> None:
    results = engine(
        scheme(awards={}),
        data(
            [(f"u{i}", "乡镇", 80) for i in range(1, 5)],
            awards=[
                award("a1", d(5, 1), "县", unit="u1"),
                award("a2", d(5, 1), "市", unit="u2"),
                award("a3", d(5, 1), "省", unit="u3"),
                award("a4", d(5, 1), "国家", unit="u4"),
            ],
        ),
    )
    assert rows(results, "awards") == [
        ("u1", "awards", "a1", 0.5, "加分"),
        ("u2", "awards", "a2", 1.0, "加分"),
        ("u3", "awards", "a3", 2.0, "加分"),
        ("u4", "awards", "a4", 3.0, "加分"),  # exactly the cap: no cap row
    ]
    got = as_plain(results)["units"]
    assert [got[f"u{i}"]["bonus"] for i in range(1, 5)] == [0.5, 1.0, 2.0, 3.0]
    assert [got[f"u{i}"]["score"] for i in range(1, 5)] == [80.5, 81.0, 82.0, 83.0]


def test_cap_row_takes_back_the_excess_and_f_may_pass_100() -> None:
    results = engine(
        scheme(awards={}),
        data(
            [("u1", "乡镇", 99), ("u2", "乡镇", 80)],
            awards=[
                award("a1", d(5, 1), "国家", unit="u1"),
                award("a2", d(6, 1), "省", unit="u1"),
                award("a3", d(5, 1), "县", unit="u2"),
                award("a4", d(6, 1), "县", unit="u2"),
            ],
        ),
    )
    assert rows(results, "awards") == [
        ("u1", "", "", -2.0, "cap"),  # 3 + 2 = 5 -> B = 3: the cap row is -2
        ("u1", "awards", "a1", 3.0, "加分"),
        ("u1", "awards", "a2", 2.0, "加分"),
        ("u2", "awards", "a3", 0.5, "加分"),
        ("u2", "awards", "a4", 0.5, "加分"),
    ]
    got = as_plain(results)["units"]
    # F = round2(max(0, 99 + 3)) = 102: no upper bound in the unit formula
    assert (got["u1"]["bonus"], got["u1"]["score"]) == (3.0, 102.0)
    assert (got["u2"]["bonus"], got["u2"]["score"]) == (1.0, 81.0)


def test_awards_outside_the_period_and_cadre_awards_give_no_bonus() -> None:
    results = engine(
        scheme(awards={}),
        data(
            [("u1", "乡镇", 80)],
            [("c1", "u1", "staff")],
            awards=[
                award("a1", d(12, 31, 2018), "国家", unit="u1"),
                award("a2", d(1, 1, 2020), "国家", unit="u1"),
                award("a3", d(5, 1), "国家", cadre="c1"),
            ],
        ),
    )
    assert rows(results, "awards") == []
    assert as_plain(results)["units"]["u1"]["score"] == 80.0


def test_parameters_replace_the_reference_values() -> None:
    results = engine(
        scheme(awards={"points": {"县": 1.0}, "cap": 1.5}),
        data(
            [("u1", "乡镇", 80), ("u2", "乡镇", 80)],
            awards=[
                award("a1", d(5, 1), "县", unit="u1"),  # 1
                award("a2", d(5, 1), "县", unit="u1"),  # 1 -> 2, cap 1.5
                award("a3", d(5, 1), "市", unit="u2"),  # 市 keeps 1
            ],
        ),
    )
    got = as_plain(results)["units"]
    assert [got[u]["bonus"] for u in ("u1", "u2")] == [1.5, 1.0]
    assert ("u1", "", "", -0.5, "cap") in rows(results, "awards")


def test_priority_promotion_flag() -> None:
    results = engine(
        scheme(
            awards={},
            accountability={},
            cadre_score={},
            cadre_grading=NO_CADRE_QUOTA,
            promotion_freeze={},
        ),
        data(
            [("u1", "乡镇", 90)],
            [(f"c{i}", "u1", "staff") for i in range(1, 8)],
            votes=[
                v100("c1"),
                v80("c2"),
                vote("c3", basic=10),
                v100("c4"),
                v100("c5"),
                v100("c6"),
                v100("c7"),
            ],
            sanctions=[
                sanction("s4", d(9, 1), "c4", "诫勉"),  # frozen to 2020-03-01
                sanction("s6", d(3, 1), "c6", "诫勉"),  # window ended 09-01
            ],
            awards=[
                award("a1", d(5, 1), "县", cadre="c1"),
                award("a2", d(5, 1), "县", cadre="c2"),
                award("a3", d(5, 1), "县", cadre="c3"),
                award("a4", d(5, 1), "县", cadre="c4"),
                award("a5", d(6, 1, 2018), "县", cadre="c5"),
                award("a6", d(5, 1), "县", cadre="c6"),
            ],
        ),
    )
    got = as_plain(results)["cadres"]
    flagged = {cadre for cadre, fields in got.items() if "优先提拔" in fields["flags"]}
    # c1 优秀, c2 称职 (V 80), c6 称职 (诫勉) and not frozen at as_of;
    # c3 基本称职 (V 60), c4 frozen, c5 awarded in 2018, c7 not awarded
    assert flagged == {"c1", "c2", "c6"}
    assert [got[c]["grade"] for c in ("c1", "c2", "c3", "c4", "c6")] == [
        "优秀",
        "称职",
        "基本称职",
        "称职",
        "称职",
    ]
    assert got["c4"]["frozen_until"] == d(3, 1, 2020)


def test_no_flag_without_cadre_grades() -> None:
    results = engine(
        scheme(awards={}),
        data(
            [("u1", "乡镇", 90)],
            [("c1", "u1", "staff")],
            awards=[award("a1", d(5, 1), "省", cadre="c1")],
        ),
    )
    assert as_plain(results)["cadres"]["c1"]["flags"] == []


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_awards")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kaohe_english", "most bonus points per unit (B)"),
        ("kaohe_chinese", "每个单位加分的上限(B)"),
    ],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("awards")
    assert rule.text(rule.params["cap"].doc) == said
