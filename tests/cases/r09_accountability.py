"""Hand-worked cases of R9 (accountability); see :mod:`tests.cases`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.cases import (
    INDEF,
    NO_CADRE_QUOTA,
    acc,
    case,
    crit,
    d,
    data,
    sanction,
    scheme,
    v100,
    vote,
)

R9_GRADING: dict[str, Any] = {
    "accountability": {},
    "cadre_score": {},
    "cadre_grading": NO_CADRE_QUOTA,
    "promotion_freeze": {},
}

case(
    "r9_grade_effect_classes",
    scheme(**R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"a{i}", "u1", "staff") for i in range(1, 10)],
        votes=[v100(f"a{i}") for i in range(1, 10)],
        sanctions=[
            sanction("s1", d(3, 1), "a1", "批评教育"),
            sanction("s2", d(8, 31), "a2", "诫勉"),
            sanction("s3", d(6, 30), "a3", "政务警告"),
            sanction("s4", d(1, 31), "a4", "记过"),
            sanction("s5", d(5, 15), "a5", "撤销党内职务"),
            sanction("s6", d(10, 31), "a6", "调离岗位"),
            sanction("s7", d(4, 30), "a7", "党内警告"),
            sanction("s8", d(7, 31), "a8", "严重警告"),
            sanction("s9", d(2, 28), "a9", "留党察看"),
        ],
    ),
    {
        # every cadre S = 100, rank 1
        "cadres": {
            "a1": {"grade": "优秀", "frozen_until": None},  # none, no window
            # not 优秀; 2019-08-31 + 6 months = 2020-02-29 (clamped, leap year)
            "a2": {"grade": "称职", "frozen_until": d(2, 29, 2020)},
            # not 优秀; window ends 2019-12-30, before as_of
            "a3": {"grade": "称职", "frozen_until": None},
            # 不定等次 keeps its score and rank
            "a4": {
                "score": 100.0,
                "rank_in_unit": 1,
                "grade": "不定等次",
                "frozen_until": d(1, 31, 2020),
            },
            "a5": {"grade": "不称职", "frozen_until": d(5, 15, 2021)},
            "a6": {"grade": "称职", "frozen_until": d(10, 31, 2020)},
            "a7": {"grade": "称职", "frozen_until": d(4, 30, 2020)},
            "a8": {"grade": "不定等次", "frozen_until": d(1, 31, 2021)},
            "a9": {"grade": "不称职", "frozen_until": d(2, 28, 2022)},
        },
        "freezes": [
            acc("a2", d(8, 31), d(2, 29, 2020), "s2"),
            acc("a3", d(6, 30), d(12, 30), "s3"),
            acc("a4", d(1, 31), d(1, 31, 2020), "s4"),
            acc("a5", d(5, 15), d(5, 15, 2021), "s5"),
            acc("a6", d(10, 31), d(10, 31, 2020), "s6"),
            acc("a7", d(4, 30), d(4, 30, 2020), "s7"),
            acc("a8", d(7, 31), d(1, 31, 2021), "s8"),
            acc("a9", d(2, 28), d(2, 28, 2022), "s9"),
        ],
    },
)

case(
    "r9_prior_year_sanctions",
    scheme(**R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"b{i}", "u1", "staff") for i in range(1, 8)],
        votes=[v100(f"b{i}") for i in range(1, 8)],
        sanctions=[
            sanction("t1", d(5, 1, 2018), "b1", "记大过"),
            sanction("t2", d(3, 1, 2017), "b2", "开除党籍"),
            sanction("t3", d(6, 1, 2017), "b3", "留党察看"),
            sanction("t4", d(12, 31, 2018), "b4", "记过"),
            sanction("t5", d(6, 15, 2018), "b5", "政务警告"),
            sanction("t6", d(1, 1, 2018), "b6", "降级"),
            sanction("t7", d(1, 10, 2020), "b7", "撤职"),
        ],
    ),
    {
        "cadres": {
            # 记大过 in 2018, later years 1: 不定等次; 18 months to 2019-11-01
            "b1": {"grade": "不定等次", "frozen_until": None},
            # 开除党籍 in 2017, later years 2: 不定等次 (not 不称职); indefinite
            "b2": {"grade": "不定等次", "frozen_until": "indefinite"},
            # 留党察看 in 2017, later years 1: no grade effect now; 36 months
            "b3": {"grade": "优秀", "frozen_until": d(6, 1, 2020)},
            # 记过 on 2018-12-31: no later years; window ends 2019-12-31 = as_of,
            # which it excludes
            "b4": {"grade": "优秀", "frozen_until": None},
            "b5": {"grade": "优秀", "frozen_until": None},
            "b6": {"grade": "不定等次", "frozen_until": d(1, 1, 2020)},
            # dated after the period: no grade effect; not started at as_of
            "b7": {"grade": "优秀", "frozen_until": None},
        },
        # listed: windows ending after 2019-01-01 or never (b5's ended 2018-12-15)
        "freezes": [
            acc("b1", d(5, 1, 2018), d(11, 1), "t1"),
            acc("b2", d(3, 1, 2017), INDEF, "t2"),
            acc("b3", d(6, 1, 2017), d(6, 1, 2020), "t3"),
            acc("b4", d(12, 31, 2018), d(12, 31), "t4"),
            acc("b6", d(1, 1, 2018), d(1, 1, 2020), "t6"),
            acc("b7", d(1, 10, 2020), d(1, 10, 2022), "t7"),
        ],
    },
)

case(
    "r9_case_review_open_and_closed",
    scheme(**R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"r{i}", "u1", "staff") for i in range(1, 6)],
        votes=[v100(f"r{i}") for i in range(1, 6)],
        sanctions=[
            sanction("q1", d(10, 1, 2018), "r1", "立案审查"),
            sanction("q2", d(3, 1), "r2", "立案审查", closed_on=d(12, 31)),
            sanction("q3", d(5, 1), "r3", "立案审查", closed_on=d(1, 10, 2020)),
            sanction("q4", d(1, 1, 2017), "r4", "立案审查", closed_on=d(6, 1)),
            sanction("q5", d(5, 1, 2016), "r5", "立案审查", closed_on=d(12, 31, 2018)),
        ],
    ),
    {
        "cadres": {
            # opened in 2018, still open: 不定等次 whatever year; indefinite
            "r1": {"grade": "不定等次", "frozen_until": "indefinite"},
            # closed on as_of: no grade effect (补定等次); window [03-01, 12-31)
            "r2": {"grade": "优秀", "frozen_until": None},
            # closed after as_of: open at as_of
            "r3": {"grade": "不定等次", "frozen_until": d(1, 10, 2020)},
            "r4": {"grade": "优秀", "frozen_until": None},
            "r5": {"grade": "优秀", "frozen_until": None},
        },
        "freezes": [
            acc("r1", d(10, 1, 2018), INDEF, "q1"),
            acc("r2", d(3, 1), d(12, 31), "q2"),
            acc("r3", d(5, 1), d(1, 10, 2020), "q3"),
            acc("r4", d(1, 1, 2017), d(6, 1), "q4"),
        ],
    },
)

case(
    "r9_month_clamp_2024_02_29",
    scheme(year=2025, as_of=dt.date(2025, 2, 27), accountability={}, promotion_freeze={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"p{i}", "u1", "staff") for i in range(1, 6)],
        sanctions=[
            sanction("w1", dt.date(2024, 2, 29), "p1", "党内警告"),
            sanction("w2", dt.date(2024, 8, 31), "p2", "诫勉"),
            sanction("w3", dt.date(2024, 2, 28), "p3", "记过"),
            sanction("w4", dt.date(2024, 8, 27), "p4", "政务警告"),
            sanction("w5", dt.date(2024, 6, 30), "p5", "政务警告"),
        ],
    ),
    {
        "cadres": {
            # 2024-02-29 + 12 months = 2025-02-28
            "p1": {"frozen_until": dt.date(2025, 2, 28), "score": None, "grade": None},
            # 2024-08-31 + 6 months = 2025-02-28
            "p2": {"frozen_until": dt.date(2025, 2, 28)},
            "p3": {"frozen_until": dt.date(2025, 2, 28)},
            # ends 2025-02-27 = as_of: [start, end) excludes as_of
            "p4": {"frozen_until": None},
            "p5": {"frozen_until": None},
        },
        # p5's window ended 2024-12-30, before the period: not listed
        "freezes": [
            acc("p1", dt.date(2024, 2, 29), dt.date(2025, 2, 28), "w1"),
            acc("p2", dt.date(2024, 8, 31), dt.date(2025, 2, 28), "w2"),
            acc("p3", dt.date(2024, 2, 28), dt.date(2025, 2, 28), "w3"),
            acc("p4", dt.date(2024, 8, 27), dt.date(2025, 2, 27), "w4"),
        ],
    },
)

case(
    "r9_heaviest_effect_governs",
    scheme(criticism={}, **R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"h{i}", "u1", "staff") for i in range(1, 7)],
        votes=[v100("h1"), v100("h2"), v100("h3"), vote("h4", excellent=5, incompetent=4)],
        sanctions=[
            sanction("k1a", d(3, 1), "h1", "诫勉"),
            sanction("k1b", d(4, 1), "h1", "记过"),
            sanction("k1c", d(5, 1), "h1", "撤销党内职务"),
            sanction("k2", d(3, 1), "h2", "诫勉"),
            sanction("k3a", d(6, 1), "h3", "记过"),
            sanction("k3b", d(6, 2), "h3", "批评教育"),
            sanction("k4", d(6, 1), "h4", "记过"),
            sanction("k5", d(7, 1), "h5", "撤销党内职务"),
            sanction("k6", d(8, 1), "h6", "诫勉"),
        ],
        criticisms=[crit(f"c{i}", d(2, i), "县", cadre="h2") for i in range(1, 4)],
    ),
    {
        "cadres": {
            # not 优秀 < 不定等次 < 不称职: 不称职; latest running window
            # 2019-05-01 + 24 months (诫勉's ended 09-01, 记过's ends 2020-04-01)
            "h1": {"grade": "不称职", "frozen_until": d(5, 1, 2021)},
            # 3 criticisms (at most 基本称职) over 诫勉 (not 优秀): S = 100
            "h2": {"score": 100.0, "grade": "基本称职"},
            "h3": {"grade": "不定等次"},
            # 4 不称职 of 9 votes: 12 > 9, over one third -> 不称职, heavier
            # than 记过; S = (500 + 160)/9 = 73.33
            "h4": {"score": 73.33, "grade": "不称职"},
            # no votes (不定等次) but 撤销党内职务 (不称职) governs; no score
            "h5": {"score": None, "rank_in_unit": None, "grade": "不称职"},
            "h6": {"score": None, "grade": "不定等次"},
        }
    },
)

case(
    "r9_types_override",
    scheme(
        accountability={
            "types": {
                "诫勉": {"grade": "不定等次"},
                "批评教育": {"freeze_months": 3},
                "记过": {"freeze_months": "indefinite"},
            }
        },
        cadre_score={},
        cadre_grading=NO_CADRE_QUOTA,
        promotion_freeze={},
    ),
    data(
        [("u1", "乡镇", 90)],
        [("o1", "u1", "staff"), ("o2", "u1", "staff"), ("o3", "u1", "staff")],
        votes=[v100("o1"), v100("o2"), v100("o3")],
        sanctions=[
            sanction("q1", d(9, 1), "o1", "诫勉"),
            sanction("q2", d(11, 15), "o2", "批评教育"),
            sanction("q3", d(1, 1), "o3", "记过"),
        ],
    ),
    {
        "cadres": {
            # grade overridden to 不定等次; freeze stays the handbook's 6
            "o1": {"grade": "不定等次", "frozen_until": d(3, 1, 2020)},
            # grade stays 无; freeze 3 months
            "o2": {"grade": "优秀", "frozen_until": d(2, 15, 2020)},
            "o3": {"grade": "不定等次", "frozen_until": "indefinite"},
        },
        "freezes": [
            acc("o1", d(9, 1), d(3, 1, 2020), "q1"),
            acc("o2", d(11, 15), d(2, 15, 2020), "q2"),
            acc("o3", d(1, 1), INDEF, "q3"),
        ],
    },
)

case(
    "r9_early_as_of",
    scheme(as_of=d(6, 30), **R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [("e1", "u1", "staff"), ("e2", "u1", "staff"), ("e3", "u1", "staff")],
        votes=[v100("e1"), v100("e2"), v100("e3")],
        sanctions=[
            sanction("z1", d(9, 1), "e1", "记过"),
            sanction("z2", d(9, 1), "e2", "立案审查"),
            sanction("z3", d(1, 15), "e3", "诫勉"),
        ],
    ),
    {
        "cadres": {
            # dated after as_of but in period: counts for the year; its window
            # has not started at as_of
            "e1": {"grade": "不定等次", "frozen_until": None},
            # READING: a case opened after as_of is not open at as_of
            "e2": {"grade": "优秀", "frozen_until": None},
            # 2019-01-15 + 6 months = 2019-07-15 > as_of 06-30: running
            "e3": {"grade": "称职", "frozen_until": d(7, 15)},
        },
        "freezes": [
            acc("e1", d(9, 1), d(9, 1, 2020), "z1"),
            acc("e2", d(9, 1), INDEF, "z2"),
            acc("e3", d(1, 15), d(7, 15), "z3"),
        ],
    },
)
