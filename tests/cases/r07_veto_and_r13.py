"""Hand-worked cases of R7 (veto and R13); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    case,
    d,
    data,
    exam,
    scheme,
    sup,
    survey,
    veto,
    vote,
)

case(
    "r7_veto_forces_lowest_grade",
    scheme(veto={}, unit_grading={}),
    data(
        [
            ("u1", "乡镇", 95),
            ("u2", "乡镇", 93),
            ("u3", "乡镇", 92),
            ("u4", "乡镇", 70),
            ("u5", "县级部门", 95),
        ],
        vetoes=[veto("v1", d(6, 1), "u1"), veto("v5", d(12, 31, 2018), "u5")],
    ),
    {
        "units": {
            # vetoed: score as usual, 较差, flags 一票否决 and 约谈 (较差)
            "u1": {"score": 95.0, "rank": 1, "grade": "较差", "flags": ["一票否决", "约谈"]},
            # quota(0.30, 4) = floor(1.2) = 1: the vetoed unit counts in n and
            # takes no place, so u2 gets it
            "u2": {"rank": 2, "grade": "优秀", "flags": ["通报表扬"]},
            # quota full: falls to 良好
            "u3": {"rank": 3, "grade": "良好", "flags": []},
            # last rank 4 > 1 in a category of 4: 约谈
            "u4": {"rank": 4, "grade": "一般", "flags": ["约谈"]},
            # veto of 2018 does not count; n = 1: quota(0.3, 1) = 0 -> 良好
            "u5": {"rank": 1, "grade": "良好", "flags": []},
        }
    },
)

case(
    "r13_quota_zero_for_three_units",
    scheme(unit_grading={}),
    data(
        [
            ("u1", "乡镇", 95),
            ("u2", "乡镇", 95),
            ("u3", "乡镇", 95),
            ("v1", "县级部门", 95),
            ("v2", "县级部门", 94),
            ("v3", "县级部门", 93),
            ("v4", "县级部门", 60),
        ],
    ),
    {
        "units": {
            # quota(0.30, 3) = floor(0.9) = 0; equal scores share rank 1; the
            # last rank is 1: no 约谈
            "u1": {"rank": 1, "grade": "良好", "flags": []},
            "u2": {"rank": 1, "grade": "良好", "flags": []},
            "u3": {"rank": 1, "grade": "良好", "flags": []},
            # quota(0.30, 4) = 1
            "v1": {"rank": 1, "grade": "优秀", "flags": ["通报表扬"]},
            "v2": {"rank": 2, "grade": "良好"},
            "v3": {"rank": 3, "grade": "良好"},
            # 60 >= 60: 一般; last rank 4: 约谈
            "v4": {"rank": 4, "grade": "一般", "flags": ["约谈"]},
        }
    },
)

case(
    "r13_tie_break_order",
    scheme(
        supervision={},
        satisfaction={"weight": {"乡镇": 0.0, "县级部门": 0.0}},
        unit_grading={"excellent_quota": 0.4},
    ),
    data(
        [
            ("u1", "乡镇", 92),
            ("u2", "乡镇", 92),
            ("u3", "乡镇", 92.5),
            ("u4", "乡镇", 92),
            ("u5", "乡镇", 93),
            ("u6", "乡镇", 50),
            ("w1", "县级部门", 92.5),
            ("w2", "县级部门", 92),
            ("w3", "县级部门", 50),
            ("w4", "县级部门", 50),
        ],
        supervision=[sup("s3", d(3, 1), "u3", "一般"), sup("sw1", d(3, 1), "w1", "一般")],
        surveys=[
            survey("u2", "企业", 3, 0, 1),
            survey("u4", "服务对象", 3, 0, 1),
            survey("u3", "服务对象", 1, 0, 0),
            survey("w1", "服务对象", 1, 0, 0),
        ],
    ),
    {
        # weight 0: C = T, but s is still the tie-break.
        # 乡镇: F = 93 (u5), 92 (u1, u2, u4, and u3 = 92.5 - 0.5), 50 (u6);
        # quota(0.4, 6) = floor(2.4) = 2. Order: u5; then F 92 with deductions
        # 0 before u3's 0.5; among those s desc, empty last: u2 (企业 only)
        # s = 0.3*0.75/0.3 = 0.75 and u4 (服务对象 only) s = 0.4*0.75/0.4 =
        # 0.7500000000000001 in floating point: equal after rounding to 9
        # decimals, so id asc: u2 before u4 (unrounded, u4 would come first);
        # then u1 (no survey); then u3. 优秀: u5, u2.
        "units": {
            "u5": {"rank": 1, "grade": "优秀"},
            "u2": {"satisfaction": 0.75, "rank": 2, "grade": "优秀", "flags": ["通报表扬"]},
            "u4": {"satisfaction": 0.75, "rank": 2, "grade": "良好", "flags": []},
            "u1": {"satisfaction": None, "rank": 2, "grade": "良好", "flags": []},
            "u3": {
                "satisfaction": 1.0,
                "deductions": 0.5,
                "score": 92.0,
                "rank": 2,
                "grade": "良好",
            },
            "u6": {"rank": 6, "grade": "较差", "flags": ["约谈"]},
            # 县级部门: quota(0.4, 4) = 1; w1 and w2 both 92: w2 (deductions 0)
            # before w1 (0.5), although w1 has the better s (1.0 vs empty).
            "w2": {"rank": 1, "grade": "优秀"},
            "w1": {"rank": 1, "grade": "良好"},
            # ranks 3, 3: last rank 3 > 1: both 约谈
            "w3": {"rank": 3, "grade": "较差", "flags": ["约谈"]},
            "w4": {"rank": 3, "grade": "较差", "flags": ["约谈"]},
        }
    },
)

case(
    "r13_interview_last_rank",
    scheme(unit_grading={}),
    data(
        [
            ("u1", "乡镇", 85),
            ("u2", "乡镇", 70),
            ("u3", "乡镇", 70),
            ("v1", "县级部门", 85),
            ("v2", "县级部门", 70),
        ]
    ),
    {
        "units": {
            "u1": {"rank": 1, "grade": "良好", "flags": []},
            # ranks 2, 2: both share the last rank 2 > 1 in a category of 3
            "u2": {"rank": 2, "grade": "一般", "flags": ["约谈"]},
            "u3": {"rank": 2, "grade": "一般", "flags": ["约谈"]},
            # a category of 2 < 3: no last-rank 约谈
            "v1": {"rank": 1, "grade": "良好", "flags": []},
            "v2": {"rank": 2, "grade": "一般", "flags": []},
        }
    },
)

case(
    "rounding_half_up_at_xx5",
    scheme(
        supervision={},
        unit_grading=NO_UNIT_QUOTA,
        cadre_score={},
        exams={},
        cadre_grading=NO_CADRE_QUOTA,
    ),
    data(
        [
            ("u1", "乡镇", 89.995),
            ("u2", "乡镇", 89.994),
            ("u3", "乡镇", 90.495),
            ("u4", "乡镇", 50),
            ("u5", "乡镇", 89.125),
            ("u6", "乡镇", 89.085),
        ],
        [("y1", "u4", "staff")],
        supervision=[sup("s3", d(3, 1), "u3", "一般")],
        votes=[vote("y1", excellent=1, competent=1)],
        exams=[exam("y1", 89.975)],
    ),
    {
        "units": {
            # round2(89.995) = 90.0 (half up, with the 1e-9): 优秀
            "u1": {"score": 90.0, "rank": 1, "grade": "优秀"},
            "u2": {"score": 89.99, "rank": 3, "grade": "良好"},
            # 90.495 - 0.5 = 89.995 -> 90.0
            "u3": {"score": 90.0, "rank": 1, "grade": "优秀"},
            # half up, not half even: 89.125 (exact in binary) -> 89.13
            "u5": {"score": 89.13, "rank": 4},
            # 89.085 is 89.08499999... in binary; by hand it rounds up: 89.09
            "u6": {"score": 89.09, "rank": 5},
            "u4": {"score": 50.0, "rank": 6, "grade": "较差"},
        },
        # V = (100 + 80)/2 = 90; S = 0.8*90 + 0.2*89.975 = 72 + 17.995 = 89.995
        # -> 90.0: 优秀
        "cadres": {"y1": {"score": 90.0, "grade": "优秀"}},
    },
)
