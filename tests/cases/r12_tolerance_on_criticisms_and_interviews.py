"""Hand-worked cases of R12 (tolerance on criticisms and interviews); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import NO_UNIT_QUOTA, case, crit, d, data, scheme, talk, tol

case(
    "r12_exempt_criticism_lifts_block",
    scheme(criticism={}, tolerance={}, unit_grading=NO_UNIT_QUOTA),
    data(
        [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 95)],
        criticisms=[crit("k1", d(2, 1), "县", unit="u1"), crit("k2", d(2, 1), "县", unit="u2")],
        interviews=[talk("i3", d(2, 1), "u3")],
        tolerances=[
            tol("t1", d(3, 1), "criticisms", "k1", "免责"),
            tol("t2", d(3, 1), "criticisms", "k2", "从轻"),
            tol("t3", d(3, 1), "interviews", "i3", "减轻"),
        ],
    ),
    {
        "units": {
            # exempt: ignored by every rule, 优秀 allowed
            "u1": {
                "deductions": 0.0,
                "score": 95.0,
                "rank": 1,
                "grade": "优秀",
                "flags": ["通报表扬"],
            },
            # mitigated: 1 * 0.5, still a criticism: not 优秀; last rank 3: 约谈
            "u2": {"deductions": 0.5, "score": 94.5, "rank": 3, "grade": "良好", "flags": ["约谈"]},
            # mitigated interview: 0.5 * 0.5 = 0.25
            "u3": {"deductions": 0.25, "score": 94.75, "rank": 2, "grade": "优秀"},
        }
    },
)
