"""Hand-worked cases of R5 (rectification); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import NO_UNIT_QUOTA, case, d, data, notice, scheme, tol

case(
    "r5_notices",
    scheme(criticism={}, rectification={}, tolerance={}, unit_grading=NO_UNIT_QUOTA),
    data(
        [(f"u{i}", "乡镇", 90) for i in range(1, 8)] + [("u8", "乡镇", 100), ("u9", "乡镇", 100)],
        notices=[
            notice("n1", d(3, 1), d(6, 30), d(6, 30), level="县", unit="u1"),
            notice("n2", d(3, 1), d(6, 30), d(7, 1), level="县", unit="u2"),
            notice("n3", d(3, 1), d(12, 31), level="县", unit="u3"),
            notice("n3b", d(3, 1), d(1, 15, 2020), level="县", unit="u4"),
            notice("n5", d(1, 10), d(3, 1), unit="u5"),
            notice("n6", d(3, 1), d(6, 30), level="县", unit="u6"),
            notice("n7", d(3, 1), d(6, 30), level="市", unit="u7"),
            notice("n8", d(11, 1, 2018), d(2, 1), level="县", unit="u8"),
            notice("n9", d(3, 1), d(6, 30), level="乡镇", unit="u9"),
        ],
        tolerances=[
            tol("t6", d(7, 1), "notices", "n6", "免责"),
            tol("t7", d(7, 1), "notices", "n7", "从轻"),
        ],
    ),
    {
        "units": {
            # rectified on the deadline day: not overdue
            "u1": {"deductions": 0.0, "score": 90.0, "grade": "优秀"},
            # rectified a day late: criticism at 县 = 1
            "u2": {"deductions": 1.0, "score": 89.0},
            # deadline = as_of: not overdue
            "u3": {"deductions": 0.0, "grade": "优秀"},
            # deadline after as_of
            "u4": {"deductions": 0.0},
            # no level: 乡镇 = 0.5
            "u5": {"deductions": 0.5, "score": 89.5},
            # exempt notice gives nothing, so it does not block 优秀
            "u6": {"deductions": 0.0, "grade": "优秀"},
            # mitigated 市 notice: 2 * 0.5
            "u7": {"deductions": 1.0, "score": 89.0},
            # issued in 2018: not this year's, though its deadline is in 2019
            "u8": {"deductions": 0.0, "score": 100.0, "grade": "优秀"},
            # derived criticism 0.5 blocks 优秀: 99.5 -> 良好
            "u9": {"deductions": 0.5, "score": 99.5, "grade": "良好"},
        }
    },
)
