"""Hand-worked cases of R16 (promotion freeze); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import INDEF, acc, case, d, data, sanction, scheme

_R16_TABLES = data(
    [("u1", "乡镇", 90)],
    [("w1", "u1", "staff"), ("w2", "u1", "staff")],
    sanctions=[
        sanction("k1", d(3, 1), "w1", "诫勉"),
        sanction("k2", d(6, 1), "w1", "记过"),
        sanction("k3", d(2, 1), "w1", "严重警告"),
        sanction("k4", d(5, 1), "w2", "开除党籍"),
        sanction("k5", d(6, 1), "w2", "记过"),
    ],
)
_R16_FREEZES = [
    acc("w1", d(2, 1), d(8, 1, 2020), "k3"),
    acc("w1", d(3, 1), d(9, 1), "k1"),
    acc("w1", d(6, 1), d(6, 1, 2020), "k2"),
    acc("w2", d(5, 1), INDEF, "k4"),
    acc("w2", d(6, 1), d(6, 1, 2020), "k5"),
]

case(
    "r16_latest_end_governs",
    scheme(accountability={}, promotion_freeze={}),
    _R16_TABLES,
    {
        "cadres": {
            # running at as_of: to 2020-06-01 and 2020-08-01 (18 months)
            "w1": {"frozen_until": d(8, 1, 2020)},
            # indefinite beats any date
            "w2": {"frozen_until": "indefinite"},
        },
        "freezes": _R16_FREEZES,
    },
)

case(
    "r16_disabled_still_lists_windows",
    scheme(accountability={}),
    _R16_TABLES,
    {
        "cadres": {"w1": {"frozen_until": None}, "w2": {"frozen_until": None}},
        "freezes": _R16_FREEZES,
    },
)
