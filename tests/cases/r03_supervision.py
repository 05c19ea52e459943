"""Hand-worked cases of R3 (supervision); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import case, crit, d, data, expo, scheme, sup

case(
    "r3_one_row_per_unit",
    scheme(supervision={}),
    data(
        [(f"u{i}", "乡镇", 90) for i in range(1, 10)],
        supervision=[
            sup("s1", d(3, 1), "u1", "一般"),
            sup("s2", d(3, 1), "u2", "较重", d(6, 30), d(6, 30)),
            sup("s3", d(3, 1), "u3", "较重", d(6, 30), d(7, 1)),
            sup("s4", d(3, 1), "u4", "严重", d(12, 30)),
            sup("s5", d(3, 1), "u5", "严重", d(12, 31)),
            sup("s6", d(3, 1), "u6", "一般", d(3, 1, 2020)),
            sup("s7", d(12, 31, 2018), "u7", "严重"),
            sup("s8", d(1, 1, 2020), "u8", "严重"),
            sup("s9a", d(2, 1), "u9", "较重", d(3, 31), d(3, 15)),
            sup("s9b", d(2, 1), "u9", "一般"),
        ],
    ),
    {
        "units": {
            # 一般, no deadline: p = 0.5; F = 90 - 0.5
            "u1": {"deductions": 0.5, "score": 89.5},
            # rectified on the deadline day: on time, p = 1.0 * 0.5 = 0.5
            "u2": {"deductions": 0.5, "score": 89.5},
            # rectified a day late, deadline < as_of: p = 1.0 + 1.0 (overdue)
            "u3": {"deductions": 2.0, "score": 88.0},
            # not rectified, deadline 12-30 < as_of 12-31: p = 2 + 1
            "u4": {"deductions": 3.0, "score": 87.0},
            # deadline = as_of is not < as_of: not overdue, p = 2
            "u5": {"deductions": 2.0, "score": 88.0},
            # deadline after as_of: p = 0.5
            "u6": {"deductions": 0.5, "score": 89.5},
            # rows dated outside the period do not count
            "u7": {"deductions": 0.0, "score": 90.0},
            "u8": {"deductions": 0.0, "score": 90.0},
            # two rows add up: 1.0*0.5 (on time) + 0.5 = 1.0
            "u9": {"deductions": 1.0, "score": 89.0},
        }
    },
)

case(
    "r3_early_as_of",
    scheme(as_of=d(6, 30), supervision={}),
    data(
        [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90), ("u4", "乡镇", 90)],
        supervision=[
            sup("s1", d(3, 1), "u1", "严重", d(6, 29)),
            sup("s2", d(9, 1), "u2", "一般", d(10, 1)),
            sup("s3", d(2, 1), "u3", "较重", d(6, 30)),
            sup("s4", d(2, 1), "u4", "较重", d(5, 1), d(7, 15)),
        ],
    ),
    {
        "units": {
            # deadline 06-29 < as_of 06-30, unrectified: 2 + 1
            "u1": {"deductions": 3.0, "score": 87.0},
            # dated after as_of but in period: counts; deadline not < as_of
            "u2": {"deductions": 0.5, "score": 89.5},
            # deadline = as_of: not overdue
            "u3": {"deductions": 1.0, "score": 89.0},
            # rectified after the deadline (and after as_of): overdue, 1 + 1
            "u4": {"deductions": 2.0, "score": 88.0},
        }
    },
)

case(
    "r3_r4_caps_bite",
    scheme(supervision={}, criticism={}),
    data(
        [(f"u{i}", "乡镇", 95) for i in range(1, 6)],
        supervision=[sup(f"a{i}", d(3, 1), "u1", "严重") for i in range(6)]
        + [sup(f"b{i}", d(3, 1), "u2", "严重") for i in range(4)]
        + [sup(f"c{i}", d(3, 1), "u3", "严重") for i in range(3)]
        + [sup(f"d{i}", d(3, 1), "u4", "严重") for i in range(5)]
        + [sup(f"e{i}", d(3, 1), "u5", "严重") for i in range(6)],
        exposures=[
            expo("x1", d(4, 1), "u2", "省"),
            expo("x2", d(4, 1), "u3", "县"),
            expo("x3", d(4, 1), "u3", "市"),
        ],
        criticisms=[crit("k1", d(5, 1), "省", unit="u5"), crit("k2", d(5, 2), "省", unit="u5")],
    ),
    {
        "units": {
            # 6 x 2 = 12 -> D_sup = min(10, 12) = 10; F = 95 - 10
            "u1": {"deductions": 10.0, "score": 85.0},
            # 4 x 2 + 3 (省 exposure) = 11 -> 10
            "u2": {"deductions": 10.0, "score": 85.0},
            # 3 x 2 + 1 + 2 = 9: under the cap
            "u3": {"deductions": 9.0, "score": 86.0},
            # exactly 10
            "u4": {"deductions": 10.0, "score": 85.0},
            # D_sup = min(10, 12) = 10 and D_crit = min(5, 3 + 3) = 5: 95 - 15
            "u5": {"deductions": 15.0, "score": 80.0},
        }
    },
)

case(
    "r3_exposure_levels",
    scheme(supervision={}),
    data(
        [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90), ("u4", "乡镇", 90)],
        exposures=[
            expo("x1", d(2, 1), "u1", "县"),
            expo("x2", d(2, 1), "u2", "市", cadre=None),
            expo("x3", d(2, 1), "u3", "省"),
            expo("x4", d(12, 31, 2018), "u4", "省"),
        ],
    ),
    {
        "units": {
            "u1": {"deductions": 1.0, "score": 89.0},  # 县 1
            "u2": {"deductions": 2.0, "score": 88.0},  # 市 2
            "u3": {"deductions": 3.0, "score": 87.0},  # 省 3
            "u4": {"deductions": 0.0, "score": 90.0},  # out of period
        }
    },
)
