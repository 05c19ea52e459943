"""Hand-worked cases of R12 (tolerance on points); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import award, case, crit, d, data, expo, scheme, sup, tol

case(
    "r12_tolerance_on_supervision_and_exposures",
    scheme(supervision={}, tolerance={}),
    data(
        [(f"u{i}", "乡镇", 90) for i in range(1, 9)],
        supervision=[
            sup("s1", d(3, 1), "u1", "严重", d(6, 30)),
            sup("s3", d(3, 1), "u3", "严重", d(6, 30)),
            sup("s4", d(3, 1), "u4", "严重"),
            sup("s5", d(3, 1), "u5", "严重"),
            sup("s6", d(3, 1), "u6", "严重"),
            sup("s7", d(3, 1), "u7", "严重"),
            sup("s8", d(3, 1), "u8", "较重", d(6, 30), d(6, 1)),
        ],
        exposures=[expo("x2", d(3, 1), "u2", "省")],
        tolerances=[
            tol("t1", d(7, 1), "supervision", "s1", "从轻"),
            tol("t2", d(7, 1), "exposures", "x2", "减轻"),
            tol("t3a", d(7, 1), "supervision", "s3", "从轻"),
            tol("t3b", d(8, 1), "supervision", "s3", "减轻"),
            tol("t4", d(7, 1), "supervision", "s4", "免责"),
            tol("t5a", d(7, 1), "supervision", "s5", "从轻"),
            tol("t5b", d(8, 1), "supervision", "s5", "免责"),
            tol("t6", d(1, 5, 2020), "supervision", "s6", "免责"),
            tol("t7", d(12, 31), "supervision", "s7", "从轻"),
            tol("t8", d(7, 1), "supervision", "s8", "从轻"),
        ],
    ),
    {
        "units": {
            # overdue 严重: (2 + 1) * 0.5, the factor on the whole p
            "u1": {"deductions": 1.5, "score": 88.5},
            # mitigated 省 exposure: 3 * 0.5
            "u2": {"deductions": 1.5, "score": 88.5},
            # 从轻 and 减轻 on one row: the factor applies once: 3 * 0.5
            "u3": {"deductions": 1.5, "score": 88.5},
            # 免责: ignored
            "u4": {"deductions": 0.0, "score": 90.0},
            # 从轻 and 免责: 免责 governs
            "u5": {"deductions": 0.0, "score": 90.0},
            # 免责 dated after as_of: does not apply, p = 2
            "u6": {"deductions": 2.0, "score": 88.0},
            # 从轻 dated on as_of applies: 2 * 0.5
            "u7": {"deductions": 1.0, "score": 89.0},
            # on time and mitigated: 1.0 * 0.5 * 0.5 = 0.25
            "u8": {"deductions": 0.25, "score": 89.75},
        }
    },
)

case(
    "r12_tolerance_rule_disabled",
    scheme(supervision={}),
    data(
        [("u1", "乡镇", 90)],
        supervision=[sup("s1", d(3, 1), "u1", "严重")],
        tolerances=[tol("t1", d(7, 1), "supervision", "s1", "免责")],
    ),
    # no [tolerance] table: the 免责 does nothing, p = 2
    {"units": {"u1": {"deductions": 2.0, "score": 88.0}}},
)

case(
    "disabled_rule_tables",
    scheme(
        supervision={"enabled": False},
        criticism={"enabled": False},
        unit_grading={"enabled": False},
        awards={"enabled": True},
    ),
    data(
        [("u1", "乡镇", 90)],
        supervision=[sup("s1", d(3, 1), "u1", "严重")],
        criticisms=[crit("k1", d(3, 1), "省", unit="u1")],
        awards=[award("a1", d(3, 1), "县", unit="u1")],
    ),
    # R3, R4 and R13 switched off: no deductions, no rank, no grade;
    # R6 on (enabled = true): bonus 0.5
    {
        "units": {
            "u1": {"deductions": 0.0, "bonus": 0.5, "score": 90.5, "rank": None, "grade": None}
        }
    },
)
