"""Hand-worked cases of R14 (cadre score); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import att, award, case, d, data, exam, sanction, scheme, v80, v100, vote
from tests.cases.r09_accountability import R9_GRADING

case(
    "r14_components_and_rescaling",
    scheme(cadre_score={}, exams={}),
    data(
        [("u1", "乡镇", 85.5), ("u2", "乡镇", 200 / 3)],
        [
            ("h1", "u1", "head"),
            ("l1", "u1", "leader"),
            ("m1", "u1", "middle"),
            ("s1", "u1", "staff"),
            ("l2", "u2", "leader"),
        ],
        votes=[v100("h1"), v100("l1"), v80("m1"), v80("s1"), vote("l2", competent=1)],
        exams=[exam("h1", 60.0), exam("m1", 90.0)],
    ),
    {
        "cadres": {
            # 0.5*100 + 0.4*85.5 + 0.1*60 = 50 + 34.2 + 6 = 90.2
            "h1": {"score": 90.2, "grade": None, "rank_in_unit": None},
            # no exam: (50 + 34.2) / 0.9 = 93.555... -> 93.56
            "l1": {"score": 93.56},
            # 0.8*80 + 0.2*90 = 64 + 18 = 82
            "m1": {"score": 82.0},
            # no exam, no unit link: 0.8*80 / 0.8 = 80
            "s1": {"score": 80.0},
            # U is the published F = round2(66.666...) = 66.67:
            # (0.5*80 + 0.4*66.67)/0.9 = 66.668/0.9 = 74.0755... -> 74.08
            # (with the unrounded T it would be 74.07)
            "l2": {"score": 74.08},
        },
        "units": {"u2": {"score": 66.67}},
    },
)

case(
    "r14_exams_and_attendance_off",
    scheme(cadre_score={}),
    data(
        [("u1", "乡镇", 85.5)],
        [("h1", "u1", "head"), ("s1", "u1", "staff")],
        votes=[v100("h1"), v80("s1")],
        exams=[exam("h1", 60.0), exam("s1", 0.0)],
        attendance=[att("s1", 10, 3)],
    ),
    {
        "cadres": {
            # without [exams] E is dropped for everyone: (50 + 34.2)/0.9
            "h1": {"score": 93.56},
            # without [attendance] A = 0
            "s1": {"score": 80.0},
        }
    },
)

case(
    "r14_attendance_cap",
    scheme(cadre_score={}, attendance={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"t{i}", "u1", "staff") for i in range(1, 5)],
        votes=[v80("t1"), v80("t2"), vote("t3", incompetent=10), v80("t4")],
        attendance=[att("t1", 2, 0), att("t1", 1, 1), att("t2", 10, 4), att("t3", 0, 10)],
    ),
    {
        "cadres": {
            # rows added: late 3, absent 1: A = 0.2*3 + 1 = 1.6; 80 - 1.6
            "t1": {"score": 78.4},
            # 0.2*10 + 4 = 6 -> cap 5
            "t2": {"score": 75.0},
            # V = 40, A = min(5, 10) = 5
            "t3": {"score": 35.0},
            "t4": {"score": 80.0},
        }
    },
)

case(
    "r14_clamped_to_0_and_100",
    scheme(awards={}, cadre_score={}, attendance={"late_points": 50.0, "cap": 100.0}),
    data(
        [("u1", "乡镇", 99)],
        [("h1", "u1", "head"), ("s1", "u1", "staff")],
        awards=[award("a1", d(5, 1), "国家", unit="u1")],
        votes=[v100("h1"), vote("s1", incompetent=10)],
        attendance=[att("s1", 1, 0)],
    ),
    {
        "units": {"u1": {"score": 102.0}},
        "cadres": {
            # (50 + 0.4*102)/0.9 = 100.89 -> min(100, .) = 100
            "h1": {"score": 100.0},
            # 40 - min(100, 50) = -10 -> max(0, .) = 0
            "s1": {"score": 0.0},
        },
    },
)

case(
    "r14_no_votes",
    scheme(**R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"n{i}", "u1", "staff") for i in range(1, 5)],
        votes=[vote("n2"), v100("n4")],
        sanctions=[sanction("z3", d(5, 1), "n3", "撤销党内职务")],
    ),
    {
        "cadres": {
            # no vote row: no score, 不定等次 (无民主测评)
            "n1": {"score": None, "rank_in_unit": None, "grade": "不定等次"},
            # a row of zeros is no votes too
            "n2": {"score": None, "rank_in_unit": None, "grade": "不定等次"},
            # 不称职 is heavier than the no-votes 不定等次
            "n3": {"score": None, "grade": "不称职"},
            # n = 2 graded (n3, n4): quota(1.0 * 2) = 2 -> 优秀
            "n4": {"score": 100.0, "rank_in_unit": 1, "grade": "优秀"},
        }
    },
)
