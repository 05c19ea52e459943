"""Hand-worked cases of R15 (cadre grading); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    att,
    case,
    d,
    data,
    exam,
    sanction,
    scheme,
    v80,
    v100,
    vote,
)

case(
    "r15_quota_when_unit_excellent",
    scheme(unit_grading=NO_UNIT_QUOTA, cadre_score={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 95), ("u2", "乡镇", 85)],
        [(f"p{i}", "u1", "staff") for i in range(1, 5)]
        + [(f"q{i}", "u2", "staff") for i in range(1, 5)],
        votes=[
            v100("p1"),
            vote("p2", excellent=3, competent=1),
            vote("p3", excellent=3, competent=2),
            vote("p4", excellent=1, competent=1),
            v100("q1"),
            vote("q2", excellent=3, competent=1),
            vote("q3", excellent=3, competent=2),
            vote("q4", excellent=1, competent=1),
        ],
    ),
    {
        "units": {"u1": {"grade": "优秀"}, "u2": {"grade": "良好"}},
        "cadres": {
            # u1 is 优秀: quota(0.25, 4) = 1. S = 100, 95, 92, 90
            "p1": {"score": 100.0, "rank_in_unit": 1, "grade": "优秀"},
            "p2": {"score": 95.0, "rank_in_unit": 2, "grade": "称职"},
            "p3": {"score": 92.0, "rank_in_unit": 3, "grade": "称职"},
            "p4": {"score": 90.0, "rank_in_unit": 4, "grade": "称职"},
            # u2 is not: quota(0.20, 4) = floor(0.8) = 0
            "q1": {"score": 100.0, "grade": "称职"},
            "q2": {"grade": "称职"},
        },
    },
)

case(
    "r15_forbidden_cadre_takes_no_place",
    scheme(accountability={}, cadre_score={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"f{i}", "u1", "staff") for i in range(1, 6)],
        votes=[
            v100("f1"),
            vote("f2", excellent=3, competent=1),
            vote("f3", excellent=3, competent=2),
            vote("f4", excellent=1, competent=1),
            v80("f5"),
        ],
        sanctions=[sanction("z1", d(5, 1), "f1", "诫勉")],
    ),
    {
        # no unit grading: quota(0.20, 5) = 1
        "cadres": {
            # first in order but not 优秀 (诫勉): takes no place
            "f1": {"score": 100.0, "rank_in_unit": 1, "grade": "称职"},
            # the place goes to the next eligible cadre
            "f2": {"score": 95.0, "grade": "优秀"},
            "f3": {"grade": "称职"},
            "f4": {"grade": "称职"},
            "f5": {"grade": "称职"},
        }
    },
)

case(
    "r15_undetermined_excluded_from_n",
    scheme(accountability={}, cadre_score={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"g{i}", "u1", "staff") for i in range(1, 6)],
        votes=[
            v100("g1"),
            vote("g2", excellent=3, competent=1),
            vote("g3", excellent=3, competent=2),
            vote("g4", excellent=1, competent=1),
            v100("g5"),
        ],
        sanctions=[sanction("z5", d(5, 1), "g5", "记过")],
    ),
    {
        # g5 is 不定等次: n = 4, quota(0.20, 4) = 0 (with g5 it would be 1)
        "cadres": {
            "g1": {"rank_in_unit": 1, "grade": "称职"},
            "g5": {"score": 100.0, "rank_in_unit": 1, "grade": "不定等次"},
            "g2": {"rank_in_unit": 3, "grade": "称职"},
            "g4": {"rank_in_unit": 5, "grade": "称职"},
        }
    },
)

case(
    "r15_vote_rules_exact_fractions",
    scheme(cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
    data(
        [("u1", "乡镇", 90)],
        [(f"v{i}", "u1", "staff") for i in range(1, 8)],
        votes=[
            vote("v1", excellent=6, incompetent=3),
            vote("v2", excellent=5, incompetent=4),
            vote("v3", excellent=5, basic=3, incompetent=2),
            vote("v4", excellent=6, basic=2, incompetent=2),
            vote("v5", excellent=5, basic=5),
            vote("v6", basic=10),
            vote("v7", basic=4, incompetent=1),
        ],
    ),
    {
        "cadres": {
            # 3 of 9 不称职 is exactly one third, not over: V = 720/9 = 80
            "v1": {"score": 80.0, "grade": "称职"},
            # 4 of 9 is over one third: 不称职; V = 660/9 = 73.33
            "v2": {"score": 73.33, "grade": "不称职"},
            # 3 + 2 = 5 of 10 is at least half: at most 基本称职; V = 76
            "v3": {"score": 76.0, "grade": "基本称职"},
            # 4 of 10 is less than half; V = 80
            "v4": {"score": 80.0, "grade": "称职"},
            # 5 基本称职 of 10: at most 基本称职; V = 80
            "v5": {"score": 80.0, "grade": "基本称职"},
            # V = 60 >= 60
            "v6": {"score": 60.0, "grade": "基本称职"},
            # 1 of 5 not over a third; 5 of 5 >= half; V = 280/5 = 56 < 60
            "v7": {"score": 56.0, "grade": "不称职"},
        }
    },
)

case(
    "r15_order_by_score_then_appraisal",
    scheme(cadre_score={}, attendance={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"x{i}", "u1", "staff") for i in range(1, 6)],
        votes=[vote("x1", excellent=3, competent=1), v100("x2"), v80("x3"), v80("x4"), v80("x5")],
        attendance=[att("x2", 0, 5)],
    ),
    {
        # quota(0.20, 5) = 1. x1: V = 95, S = 95; x2: V = 100, A = 5, S = 95.
        # Equal S: V desc puts x2 first (before the id order).
        "cadres": {
            "x1": {"score": 95.0, "rank_in_unit": 1, "grade": "称职"},
            "x2": {"score": 95.0, "rank_in_unit": 1, "grade": "优秀"},
            "x3": {"score": 80.0, "rank_in_unit": 3, "grade": "称职"},
        }
    },
)

case(
    "r15_grade_thresholds",
    scheme(cadre_score={}, exams={}, attendance={}, cadre_grading=NO_CADRE_QUOTA),
    data(
        [("u1", "乡镇", 90)],
        [(f"y{i}", "u1", "staff") for i in range(1, 7)],
        votes=[
            v100("y1"),
            v100("y2"),
            v80("y3"),
            v80("y4"),
            vote("y5", competent=3, basic=1),
            vote("y6", competent=3, basic=1),
        ],
        exams=[
            exam("y1", 50.0),
            exam("y2", 49.95),
            exam("y3", 30.0),
            exam("y4", 29.95),
            exam("y5", 0.0),
            exam("y6", 0.0),
        ],
        attendance=[att("y6", 1, 0)],
    ),
    {
        "cadres": {
            "y1": {"score": 90.0, "grade": "优秀"},  # 80 + 10
            "y2": {"score": 89.99, "grade": "称职"},  # 80 + 9.99
            "y3": {"score": 70.0, "grade": "称职"},  # 64 + 6
            "y4": {"score": 69.99, "grade": "基本称职"},  # 64 + 5.99
            # V = (240 + 60)/4 = 75: 0.8*75 + 0 = 60
            "y5": {"score": 60.0, "grade": "基本称职"},
            # 60 - 0.2 = 59.8
            "y6": {"score": 59.8, "grade": "不称职"},
        }
    },
)
