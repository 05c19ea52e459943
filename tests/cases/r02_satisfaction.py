"""Hand-worked cases of R2 (satisfaction); see :mod:`tests.cases`."""

from __future__ import annotations

from tests.cases import case, data, scheme, survey

case(
    "r2_groups_summed_missing_and_empty",
    scheme(categories=("乡镇",), satisfaction={"weight": {"乡镇": 0.2}}),
    data(
        [
            ("u1", "乡镇", 80),
            ("u2", "乡镇", 90),
            ("u3", "乡镇", 70),
            ("u4", "乡镇", 70),
            ("u5", "乡镇", 50),
        ],
        surveys=[
            survey("u1", "服务对象", 8, 2, 0),
            survey("u1", "服务对象", 2, 3, 5),
            survey("u2", "服务对象", 10, 0, 0),
            survey("u2", "企业", 0, 10, 0),
            survey("u4", "企业", 0, 0, 0),
            survey("u5", "人大代表", 0, 0, 4),
        ],
    ),
    {
        "units": {
            # 服务对象 rows added: (10, 5, 5), r = (10 + 0.6*5) / 20 = 0.65; only
            # group present: s = 0.65; C = 0.8*80 + 0.2*100*0.65 = 64 + 13 = 77
            "u1": {"satisfaction": 0.65, "composite": 77.0, "score": 77.0},
            # s = (0.4*1.0 + 0.3*0.6) / (0.4 + 0.3) = 0.58/0.7 = 0.828571428571...
            # C = 0.8*90 + 20*0.8285714 = 72 + 16.5714286 = 88.5714286 -> F 88.57
            "u2": {"satisfaction": 0.58 / 0.7, "composite": 72 + 20 * 0.58 / 0.7, "score": 88.57},
            # no survey at all: satisfaction empty, C = T (target_only)
            "u3": {"satisfaction": None, "composite": 70.0, "score": 70.0},
            # the only group has 0 responses: absent, so no survey
            "u4": {"satisfaction": None, "composite": 70.0},
            # everyone unsatisfied: s = 0 (not empty); C = 0.8*50 + 0 = 40
            "u5": {"satisfaction": 0.0, "composite": 40.0, "score": 40.0},
        }
    },
)

case(
    "r2_weight_per_category_and_default",
    scheme(satisfaction={"weight": {"乡镇": 0.15}, "default_weight": 0.3}),
    data(
        [("u1", "乡镇", 80), ("u2", "县级部门", 60)],
        surveys=[survey("u1", "服务对象", 10, 0, 0), survey("u2", "企业", 5, 5, 0)],
    ),
    {
        "units": {
            # s = 1.0; C = 0.85*80 + 0.15*100 = 68 + 15 = 83
            "u1": {"satisfaction": 1.0, "composite": 83.0, "score": 83.0},
            # 县级部门 has no weight: default 0.3; s = (5 + 0.6*5)/10 = 0.8
            # C = 0.7*60 + 0.3*80 = 42 + 24 = 66
            "u2": {"satisfaction": 0.8, "composite": 66.0, "score": 66.0},
        }
    },
)
