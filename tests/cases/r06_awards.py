"""Hand-worked cases of R6 (awards); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import (
    NO_CADRE_QUOTA,
    acc,
    award,
    case,
    d,
    data,
    sanction,
    scheme,
    v80,
    v100,
    vote,
)

case(
    "r6_award_bonus_cap",
    scheme(awards={}),
    data(
        [
            ("u1", "乡镇", 80),
            ("u2", "乡镇", 80),
            ("u3", "乡镇", 80),
            ("u4", "乡镇", 80),
            ("u5", "乡镇", 99),
        ],
        [("c4", "u4", "staff")],
        awards=[
            award("a1", d(5, 1), "国家", unit="u1"),
            award("a2", d(5, 1), "省", unit="u1"),
            award("a3", d(5, 1), "县", unit="u2"),
            award("a4", d(5, 1), "市", unit="u2"),
            award("a5", d(12, 31, 2018), "国家", unit="u3"),
            award("a6", d(5, 1), "省", cadre="c4"),
            award("a7", d(5, 1), "国家", unit="u5"),
        ],
    ),
    {
        "units": {
            "u1": {"bonus": 3.0, "score": 83.0},  # 3 + 2 = 5 -> cap 3
            "u2": {"bonus": 1.5, "score": 81.5},  # 0.5 + 1
            "u3": {"bonus": 0.0, "score": 80.0},  # out of period
            "u4": {"bonus": 0.0, "score": 80.0},  # a cadre's award
            # F = round2(max(0, 99 + 3)) = 102: no upper bound in the formula
            "u5": {"bonus": 3.0, "score": 102.0},
        }
    },
)

_R6_CADRES = [(f"c{i}", "u1", "staff") for i in range(1, 7)]
_R6_TABLES = data(
    [("u1", "乡镇", 90)],
    _R6_CADRES,
    votes=[v100("c1"), v80("c2"), vote("c3", basic=10), v100("c4"), v100("c5"), v100("c6")],
    sanctions=[sanction("s4", d(9, 1), "c4", "诫勉"), sanction("s6", d(3, 1), "c6", "诫勉")],
    awards=[
        award("a1", d(5, 1), "县", cadre="c1"),
        award("a2", d(5, 1), "县", cadre="c2"),
        award("a3", d(5, 1), "县", cadre="c3"),
        award("a4", d(5, 1), "县", cadre="c4"),
        award("a5", d(6, 1, 2018), "县", cadre="c5"),
        award("a6", d(5, 1), "县", cadre="c6"),
    ],
)

case(
    "r6_priority_promotion",
    scheme(
        awards={},
        accountability={},
        cadre_score={},
        cadre_grading=NO_CADRE_QUOTA,
        promotion_freeze={},
    ),
    _R6_TABLES,
    {
        "cadres": {
            # 优秀 and not frozen
            "c1": {"grade": "优秀", "flags": ["优先提拔"]},
            # 称职 (V = 80) and not frozen
            "c2": {"score": 80.0, "grade": "称职", "flags": ["优先提拔"]},
            # all 基本称职 votes: 10 of 10 >= half -> at most 基本称职; S = 60
            "c3": {"score": 60.0, "grade": "基本称职", "flags": []},
            # 诫勉 09-01: 称职, frozen to 2020-03-01 at as_of: no flag
            "c4": {"grade": "称职", "frozen_until": d(3, 1, 2020), "flags": []},
            # award in 2018 does not count
            "c5": {"grade": "优秀", "flags": []},
            # 诫勉 03-01: window ended 09-01, not frozen at as_of
            "c6": {"grade": "称职", "frozen_until": None, "flags": ["优先提拔"]},
        }
    },
)

case(
    "r6_priority_promotion_without_freeze_rule",
    scheme(awards={}, accountability={}, cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
    _R6_TABLES,
    {
        # READING: without [promotion_freeze] nobody is frozen (frozen_until is
        # empty), so c4 gets the flag; the window is still listed.
        "cadres": {"c4": {"grade": "称职", "frozen_until": None, "flags": ["优先提拔"]}},
        "freezes": [acc("c4", d(9, 1), d(3, 1, 2020), "s4"), acc("c6", d(3, 1), d(9, 1), "s6")],
    },
)
