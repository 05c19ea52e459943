"""Hand-worked cases of R8 (serious units); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    SU,
    case,
    crit,
    d,
    data,
    expo,
    notice,
    scheme,
    tol,
    v100,
    veto,
)

case(
    "r8_second_criticism_triggers",
    scheme(serious_units={}, promotion_freeze={}),
    data(
        [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90), ("u4", "乡镇", 90)],
        [
            ("h1", "u1", "head"),
            ("l1", "u1", "leader"),
            ("m1", "u1", "middle"),
            ("s1", "u1", "staff"),
        ],
        criticisms=[
            crit("a", d(3, 1), "乡镇", unit="u1"),
            crit("b", d(4, 1), "县", unit="u1"),
            crit("c", d(5, 10), "市", unit="u1"),
            crit("d", d(4, 1), "县", unit="u3"),
            crit("e", d(5, 1), "乡镇", unit="u3"),
            crit("f", d(12, 20, 2018), "县", unit="u4"),
            crit("g", d(1, 10), "县", unit="u4"),
        ],
        exposures=[expo("e1", d(6, 1), "u2", "县")],
    ),
    {
        # R8 reads criticisms and exposures itself: R3 and R4 are off.
        "units": {
            # 乡镇 is below 县; the second 县-or-above criticism is c on 05-10
            "u1": {"flags": ["作风问题严重"], "deductions": 0.0},
            # one exposure suffices
            "u2": {"flags": ["作风问题严重"]},
            # one 县 criticism and one 乡镇: not serious
            "u3": {"flags": []},
            # one of the two is in 2018: not serious
            "u4": {"flags": []},
        },
        "cadres": {
            "h1": {"frozen_until": d(5, 10, 2020)},
            "s1": {"frozen_until": d(5, 10, 2020)},
        },
        # head and leader: two windows each (不提拔 and 部门不新提拔); middle and
        # staff: one. 12 months from 2019-05-10.
        "freezes": [
            ("h1", d(5, 10), d(5, 10, 2020), SU, "criticisms", "c"),
            ("h1", d(5, 10), d(5, 10, 2020), SU, "criticisms", "c"),
            ("l1", d(5, 10), d(5, 10, 2020), SU, "criticisms", "c"),
            ("l1", d(5, 10), d(5, 10, 2020), SU, "criticisms", "c"),
            ("m1", d(5, 10), d(5, 10, 2020), SU, "criticisms", "c"),
            ("s1", d(5, 10), d(5, 10, 2020), SU, "criticisms", "c"),
        ],
    },
)

case(
    "r8_same_day_ordering",
    scheme(serious_units={}),
    data(
        [(f"u{i}", "乡镇", 90) for i in range(1, 6)],
        [(f"h{i}", f"u{i}", "head") for i in range(1, 6)],
        criticisms=[
            crit("c1", d(3, 1), "县", unit="u1"),
            crit("c2", d(4, 1), "县", unit="u1"),
            crit("b", d(4, 1), "县", unit="u2"),
            crit("a", d(4, 1), "县", unit="u2"),
            crit("c9", d(5, 1), "县", unit="u3"),
            crit("c10", d(5, 1), "县", unit="u3"),
            crit("x1", d(3, 1), "县", unit="u4"),
        ],
        exposures=[expo("e1", d(4, 1), "u1", "县"), expo("e5", d(3, 6), "u5", "县")],
        vetoes=[veto("v1", d(4, 1), "u1"), veto("v4", d(3, 1), "u4"), veto("v5", d(3, 5), "u5")],
    ),
    {
        # u1: on 04-01 an exposure, a second criticism and a veto: exposures
        #     come first on one day -> e1.
        # u2: two criticisms the same day, ordered by id: a, b -> b is second.
        # u3: ids compared as strings: "c10" < "c9" -> c9 is second.
        # u4: one criticism and a veto the same day: the veto (03-01).
        # u5: the veto on 03-05 is before the exposure on 03-06.
        # The veto rule is off: R8 reads vetoes itself. 12 months each.
        "freezes": [
            ("h1", d(4, 1), d(4, 1, 2020), SU, "exposures", "e1"),
            ("h1", d(4, 1), d(4, 1, 2020), SU, "exposures", "e1"),
            ("h2", d(4, 1), d(4, 1, 2020), SU, "criticisms", "b"),
            ("h2", d(4, 1), d(4, 1, 2020), SU, "criticisms", "b"),
            ("h3", d(5, 1), d(5, 1, 2020), SU, "criticisms", "c9"),
            ("h3", d(5, 1), d(5, 1, 2020), SU, "criticisms", "c9"),
            ("h4", d(3, 1), d(3, 1, 2020), SU, "vetoes", "v4"),
            ("h4", d(3, 1), d(3, 1, 2020), SU, "vetoes", "v4"),
            ("h5", d(3, 5), d(3, 5, 2020), SU, "vetoes", "v5"),
            ("h5", d(3, 5), d(3, 5, 2020), SU, "vetoes", "v5"),
        ],
        # frozen_until needs [promotion_freeze]: off here
        "cadres": {"h1": {"frozen_until": None, "grade": None, "score": None}},
        "units": {"u4": {"flags": ["作风问题严重"]}},
    },
)

case(
    "r8_exempt_mitigated_and_derived",
    scheme(serious_units={}, tolerance={}, rectification={}),
    data(
        [(f"u{i}", "乡镇", 90) for i in range(1, 6)],
        [(f"h{i}", f"u{i}", "head") for i in range(1, 6)],
        exposures=[expo("e1", d(3, 1), "u1", "省"), expo("e3", d(5, 5), "u3", "县")],
        criticisms=[
            crit("k1", d(2, 1), "县", unit="u1"),
            crit("k2", d(2, 1), "县", unit="u2"),
            crit("k4a", d(2, 1), "县", unit="u4"),
            crit("k4b", d(3, 1), "市", unit="u4"),
            crit("k5", d(2, 1), "县", unit="u5"),
        ],
        notices=[
            notice("n2", d(1, 10), d(3, 31), level="县", unit="u2"),
            notice("n5", d(2, 1), d(12, 31), level="市", unit="u5"),
        ],
        tolerances=[
            tol("t1", d(6, 1), "exposures", "e1", "免责"),
            tol("t3", d(6, 1), "exposures", "e3", "从轻"),
            tol("t4", d(6, 1), "criticisms", "k4b", "免责"),
        ],
    ),
    {
        "units": {
            # exempt exposure does not count; one criticism is not enough
            "u1": {"flags": []},
            # k2 (02-01) and the notice overdue since 03-31, derived criticism
            # notice:n2 at 县 dated 04-01: the second one
            "u2": {"flags": ["作风问题严重"]},
            # a mitigated exposure keeps its other effects
            "u3": {"flags": ["作风问题严重"]},
            # k4b exempt: one criticism left
            "u4": {"flags": []},
            # deadline = as_of: no derived criticism; one criticism
            "u5": {"flags": []},
        },
        "freezes": [
            ("h2", d(4, 1), d(4, 1, 2020), SU, "criticisms", "notice:n2"),
            ("h2", d(4, 1), d(4, 1, 2020), SU, "criticisms", "notice:n2"),
            ("h3", d(5, 5), d(5, 5, 2020), SU, "exposures", "e3"),
            ("h3", d(5, 5), d(5, 5, 2020), SU, "exposures", "e3"),
        ],
    },
)

case(
    "r8_unit_and_leaders_not_excellent",
    scheme(
        serious_units={},
        unit_grading=NO_UNIT_QUOTA,
        cadre_score={},
        cadre_grading=NO_CADRE_QUOTA,
        promotion_freeze={},
    ),
    data(
        [("u1", "乡镇", 100), ("u2", "乡镇", 100)],
        [
            ("h1", "u1", "head"),
            ("l1", "u1", "leader"),
            ("m1", "u1", "middle"),
            ("s1", "u1", "staff"),
        ],
        exposures=[expo("e1", d(3, 15), "u1", "县")],
        votes=[v100("h1"), v100("l1"), v100("m1"), v100("s1")],
    ),
    {
        "units": {
            # no R3: the exposure costs nothing; serious: not 优秀 -> 良好
            "u1": {"score": 100.0, "grade": "良好", "flags": ["作风问题严重"]},
            "u2": {"grade": "优秀", "flags": ["通报表扬"]},
        },
        "cadres": {
            # head: (0.5*100 + 0.4*100)/0.9 = 100; 领导班子成员当年不评优
            "h1": {"score": 100.0, "grade": "称职", "frozen_until": d(3, 15, 2020)},
            "l1": {"grade": "称职", "frozen_until": d(3, 15, 2020)},
            # other cadres may be 优秀, but are frozen
            "m1": {"grade": "优秀", "frozen_until": d(3, 15, 2020)},
            "s1": {"grade": "优秀", "frozen_until": d(3, 15, 2020)},
        },
    },
)
