"""Hand-worked cases of R11 (零问责); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import acc, case, d, data, expo, sanction, scheme, tol, v100
from tests.cases.r09_accountability import R9_GRADING

case(
    "r11_zero_accountability",
    scheme(zero_accountability={}, tolerance={}, **R9_GRADING),
    data(
        [(f"u{i}", "乡镇", 90) for i in range(1, 9)],
        [
            ("h1", "u1", "head"),
            ("s1", "u1", "staff"),
            ("s2", "u2", "staff"),
            ("h3", "u3", "head"),
            ("s3", "u3", "staff"),
            ("h4", "u4", "head"),
            ("s4", "u4", "staff"),
            ("h5", "u5", "head"),
            ("s5", "u5", "staff"),
            ("h6", "u6", "head"),
            ("h7", "u7", "head"),
            ("h8", "u8", "head"),
        ],
        votes=[v100(h) for h in ("h1", "h3", "h4", "h5", "h6", "h7", "h8")],
        exposures=[
            expo("x1", d(4, 1), "u1", "县"),
            expo("x2", d(2, 1), "u1", "市"),
            expo("x3", d(3, 1), "u2", "县"),
            expo("x4", d(3, 1), "u3", "县"),
            expo("x5", d(6, 10), "u4", "县"),
            expo("x6", d(7, 20), "u5", "县"),
            expo("x7", d(3, 1), "u6", "县"),
            expo("x8", d(3, 1), "u8", "县"),
        ],
        sanctions=[
            sanction("y1", d(5, 1), "s1", "记过", issuer="superior"),
            sanction("y2", d(5, 1), "s2", "批评教育", issuer="self"),
            sanction("y3", d(5, 1), "s3", "批评教育"),
            sanction("y4", d(5, 1), "s4", "立案审查", issuer="self"),
            sanction("y5", d(12, 1, 2018), "s5", "记过", issuer="self"),
            sanction("y8", d(5, 1), "h8", "批评教育", issuer="self"),
        ],
        tolerances=[
            tol("t2", d(6, 1), "sanctions", "y2", "免责"),
            tol("t7", d(6, 1), "exposures", "x7", "免责"),
        ],
    ),
    {
        "units": {
            # exposed, only a superior's sanction: 零问责
            "u1": {"flags": ["零问责"]},
            # its own sanction is exempt: does not count; no head
            "u2": {"flags": ["零问责"]},
            # own sanction in period (issuer empty = self): fine
            "u3": {"flags": []},
            # 立案审查 does not count
            "u4": {"flags": ["零问责"]},
            # own sanction of 2018 does not count
            "u5": {"flags": ["零问责"]},
            # the only exposure is exempt
            "u6": {"flags": []},
            # no exposure
            "u7": {"flags": []},
            # the head is one of its cadres
            "u8": {"flags": []},
        },
        "cadres": {
            # derived 调离岗位 zero:u1 dated at the first exposure 02-01: not
            # 优秀; 12 months
            "h1": {"score": 95.56, "grade": "称职", "frozen_until": d(2, 1, 2020)},
            "h3": {"grade": "优秀", "frozen_until": None},
            "h4": {"grade": "称职", "frozen_until": d(6, 10, 2020)},
            "h5": {"grade": "称职", "frozen_until": d(7, 20, 2020)},
            "h6": {"grade": "优秀", "frozen_until": None},
            "h8": {"grade": "优秀"},
        },
    },
)

case(
    "r11_r10_derived_windows_listed",
    scheme(zero_accountability={}, dual_investigation={}, accountability={}),
    data(
        [("u1", "乡镇", 90)],
        [("h1", "u1", "head"), ("s1", "u1", "staff")],
        exposures=[expo("x1", d(3, 1), "u1", "县")],
        sanctions=[sanction("y1", d(5, 1), "s1", "记过", issuer="superior")],
    ),
    {
        # zero:u1 (调离岗位, 12 months from the exposure) and dual:y1 (诫勉, 6
        # months): derived sanctions derive nothing further
        "freezes": [
            acc("h1", d(3, 1), d(3, 1, 2020), "zero:u1"),
            acc("h1", d(5, 1), d(11, 1), "dual:y1"),
            acc("s1", d(5, 1), d(5, 1, 2020), "y1"),
        ],
        "units": {"u1": {"flags": ["零问责"]}},
    },
)
