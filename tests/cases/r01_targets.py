"""Hand-worked cases of R1 (targets); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import case, data, scheme

case(
    "r1_targets_two_indicators_missing_zero",
    scheme(indicators={"经济发展": 40.0, "党的建设": 30.0}, missing="zero"),
    data(
        [("u1", "乡镇", 0), ("u2", "乡镇", 0)],
        targets=[
            {"unit_id": "u1", "indicator": "经济发展", "score": 35.0},
            {"unit_id": "u1", "indicator": "党的建设", "score": 28.0},
            {"unit_id": "u2", "indicator": "经济发展", "score": 14.0},
        ],
    ),
    {
        "units": {
            # T = 100 * (35 + 28) / (40 + 30) = 90; no other rule: C = F = T
            "u1": {
                "target_score": 90.0,
                "composite": 90.0,
                "score": 90.0,
                "rank": None,
                "grade": None,
            },
            # 党的建设 missing counts 0 (missing = zero): 100 * 14 / 70 = 20
            "u2": {"target_score": 20.0, "score": 20.0, "satisfaction": None, "flags": []},
        }
    },
)
