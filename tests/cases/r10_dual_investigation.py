"""Hand-worked cases of R10 (一案双查); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import acc, case, d, data, sanction, scheme, tol, v100
from tests.cases.r09_accountability import R9_GRADING

case(
    "r10_dual_investigation_grouping",
    scheme(dual_investigation={}, **R9_GRADING),
    data(
        [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90)],
        [
            ("h1", "u1", "head"),
            ("a", "u1", "staff"),
            ("b", "u1", "leader"),
            ("c", "u1", "middle"),
            ("d", "u2", "staff"),
            ("h3", "u3", "head"),
            ("e", "u3", "staff"),
        ],
        votes=[v100("h1"), v100("h3")],
        sanctions=[
            sanction("sa1", d(5, 1), "a", "记过", case_id="K1"),
            sanction("sb1", d(3, 1), "b", "政务警告", case_id="K1"),
            sanction("sc1", d(7, 1), "c", "免职"),
            sanction("sa2", d(2, 1), "a", "诫勉"),
            sanction("sh1", d(4, 1), "h1", "记过"),
            sanction("sb0", d(11, 1, 2018), "b", "记大过", case_id="K0"),
            sanction("sd1", d(5, 1), "d", "记过"),
            sanction("se1", d(6, 1), "e", "记过", case_id="K1"),
            sanction("se2", d(9, 1), "e", "记过"),
        ],
    ),
    {
        "cadres": {
            # own 记过: 不定等次 (derived 诫勉 are lighter). Running at as_of:
            # sh1 to 2020-04-01 and dual:sc1 to 2020-01-01 -> 2020-04-01
            "h1": {"grade": "不定等次", "frozen_until": d(4, 1, 2020)},
            # S = (0.5*100 + 0.4*90)/0.9 = 95.56; derived 诫勉: 称职
            "h3": {"score": 95.56, "grade": "称职", "frozen_until": d(3, 1, 2020)},
        },
        # u1: sa1 and sb1 share case K1 -> one 诫勉 dual:K1 at the earliest
        # date 03-01 (+6 months); sc1 has no case_id -> dual:sc1; sa2 (诫勉)
        # does not qualify; the head's own sh1 derives nothing; sb0 is of
        # 2018. u2 has no head: nothing. u3: se1 of case K1 -> dual:K1 for
        # h3 (unique together with its cadre); se2 -> dual:se2.
        "freezes": [
            acc("a", d(2, 1), d(8, 1), "sa2"),
            acc("a", d(5, 1), d(5, 1, 2020), "sa1"),
            acc("b", d(11, 1, 2018), d(5, 1, 2020), "sb0"),
            acc("b", d(3, 1), d(9, 1), "sb1"),
            acc("c", d(7, 1), d(7, 1, 2021), "sc1"),
            acc("d", d(5, 1), d(5, 1, 2020), "sd1"),
            acc("e", d(6, 1), d(6, 1, 2020), "se1"),
            acc("e", d(9, 1), d(9, 1, 2020), "se2"),
            acc("h1", d(3, 1), d(9, 1), "dual:K1"),
            acc("h1", d(4, 1), d(4, 1, 2020), "sh1"),
            acc("h1", d(7, 1), d(1, 1, 2020), "dual:sc1"),
            acc("h3", d(6, 1), d(12, 1), "dual:K1"),
            acc("h3", d(9, 1), d(3, 1, 2020), "dual:se2"),
        ],
    },
)

case(
    "r12_exempt_sanction_derives_nothing",
    scheme(dual_investigation={}, tolerance={}, **R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [("h1", "u1", "head"), ("s1", "u1", "staff"), ("s2", "u1", "staff"), ("s3", "u1", "staff")],
        votes=[v100("h1"), v100("s1"), v100("s2"), v100("s3")],
        sanctions=[
            sanction("z1", d(5, 1), "s1", "记过"),
            sanction("z2", d(6, 1), "s2", "记过"),
            sanction("z3", d(7, 1), "s3", "记过"),
        ],
        tolerances=[
            tol("t1", d(11, 1), "sanctions", "z1", "免责"),
            tol("t2", d(11, 1), "sanctions", "z2", "从轻"),
            tol("t3", d(1, 5, 2020), "sanctions", "z3", "免责"),
        ],
    ),
    {
        "cadres": {
            # z1 exempt: no grade effect, no window, no 一案双查
            "s1": {"grade": "优秀", "frozen_until": None},
            # z2 mitigated: unchanged
            "s2": {"grade": "不定等次", "frozen_until": d(6, 1, 2020)},
            # z3's 免责 is dated after as_of: ignored
            "s3": {"grade": "不定等次", "frozen_until": d(7, 1, 2020)},
            # S = 95.56; dual:z2 and dual:z3 (诫勉): 称职
            "h1": {"score": 95.56, "grade": "称职", "frozen_until": d(1, 1, 2020)},
        },
        "freezes": [
            acc("h1", d(6, 1), d(12, 1), "dual:z2"),
            acc("h1", d(7, 1), d(1, 1, 2020), "dual:z3"),
            acc("s2", d(6, 1), d(6, 1, 2020), "z2"),
            acc("s3", d(7, 1), d(7, 1, 2020), "z3"),
        ],
    },
)
