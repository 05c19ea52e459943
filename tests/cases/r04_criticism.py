"""Hand-worked cases of R4 (criticism); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    case,
    crit,
    d,
    data,
    notice,
    scheme,
    talk,
    v100,
)

case(
    "r4_points_interviews_cap",
    scheme(criticism={}),
    data(
        [(f"u{i}", "乡镇", 95) for i in range(1, 6)],
        [("c3", "u3", "staff")],
        criticisms=[
            crit("k1", d(2, 1), "乡镇", unit="u1"),
            crit("k2", d(2, 1), "县", unit="u1"),
            crit("k3", d(2, 1), "市", unit="u1"),
            crit("k4", d(2, 1), "省", unit="u2"),
            crit("k5", d(2, 1), "市", unit="u2"),
            crit("k6", d(2, 1), "省", cadre="c3"),
            crit("k7", d(12, 31, 2018), "县", unit="u4"),
        ],
        interviews=[
            talk("i1", d(3, 1), "u1"),
            talk("i2", d(3, 1), "u2"),
            talk("i4", d(1, 1, 2020), "u4"),
            talk("i5a", d(3, 1), "u5"),
            talk("i5b", d(4, 1), "u5"),
        ],
    ),
    {
        "units": {
            # 0.5 + 1 + 2 + 0.5 (约谈) = 4.0
            "u1": {"deductions": 4.0, "score": 91.0},
            # 3 + 2 + 0.5 = 5.5 -> cap 5
            "u2": {"deductions": 5.0, "score": 90.0},
            # a cadre-targeted criticism costs the unit nothing
            "u3": {"deductions": 0.0, "score": 95.0},
            # criticism and interview out of period
            "u4": {"deductions": 0.0, "score": 95.0},
            # two interviews: 0.5 + 0.5
            "u5": {"deductions": 1.0, "score": 94.0},
        }
    },
)

case(
    "r4_unit_criticism_blocks_excellent",
    scheme(criticism={}, unit_grading=NO_UNIT_QUOTA),
    data(
        [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 92), ("u4", "乡镇", 50)],
        criticisms=[crit("k1", d(2, 1), "乡镇", unit="u1")],
        interviews=[talk("i3", d(2, 1), "u3")],
    ),
    {
        "units": {
            # F = 95 - 0.5 = 94.5 >= 90 but criticized: falls to 良好
            "u1": {"score": 94.5, "rank": 2, "grade": "良好", "flags": []},
            "u2": {"score": 95.0, "rank": 1, "grade": "优秀", "flags": ["通报表扬"]},
            # an interview is not a criticism: F = 92 - 0.5 = 91.5, 优秀
            "u3": {"score": 91.5, "rank": 3, "grade": "优秀", "flags": ["通报表扬"]},
            # last rank 4 > 1 in a category of 4 >= 3: 约谈 (and 较差)
            "u4": {"score": 50.0, "rank": 4, "grade": "较差", "flags": ["约谈"]},
        }
    },
)

case(
    "r4_r5_cadre_criticisms_1_2_3",
    scheme(criticism={}, rectification={}, cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
    data(
        [("u1", "乡镇", 90)],
        [(f"c{i}", "u1", "staff") for i in range(1, 7)],
        criticisms=[
            crit("k1", d(2, 1), "乡镇", cadre="c1"),
            crit("k2a", d(2, 1), "县", cadre="c2"),
            crit("k2b", d(3, 1), "县", cadre="c2"),
            crit("k2c", d(4, 1), "乡镇", cadre="c2"),
            crit("k3a", d(2, 1), "县", cadre="c3"),
            crit("k3b", d(3, 1), "县", cadre="c3"),
            crit("k6a", d(2, 1), "县", cadre="c6"),
            crit("k6b", d(3, 1), "县", cadre="c6"),
            crit("k6c", d(12, 1, 2018), "县", cadre="c6"),
        ],
        notices=[notice("n5", d(2, 1), d(3, 1), cadre="c5")],
        votes=[v100(f"c{i}") for i in range(1, 7)],
    ),
    {
        # every cadre: staff, V = 100 (0.8 weight alone) -> S = 100
        "units": {"u1": {"deductions": 0.0, "score": 90.0}},
        "cadres": {
            "c1": {"score": 100.0, "grade": "称职"},  # 1 criticism: not 优秀
            "c2": {"score": 100.0, "grade": "基本称职"},  # 3: at most 基本称职
            "c3": {"grade": "称职"},  # 2
            "c4": {"grade": "优秀", "rank_in_unit": 1},  # none
            "c5": {"grade": "称职"},  # overdue notice -> derived criticism
            "c6": {"grade": "称职"},  # 3 rows, one in 2018: 2 count
        },
    },
)
