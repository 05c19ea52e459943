"""Hand-worked small cases of the reference rules (handbook/rules.md).

Each :class:`Case` is data that any implementation can be checked against:

- ``scheme``: a scheme as :func:`tomllib.load` returns it (ARCHITECTURE.md,
  "Scheme files (TOML)"); parameters not stated take the reference values;
- ``tables``: table name -> rows keyed by the English column names of
  data.md, values already typed and canonical (``None`` for an empty cell);
- ``expected``: a PARTIAL result, only the values worked out by hand, each
  with its arithmetic in a comment, in the format of
  ``benchmarks.purepython.score``::

      {"units": {unit_id: {field: value}}, "cadres": {cadre_id: {field: value}},
       "freezes": [(cadre_id, start, end, rule, source_table, source_id), ...]}

  ``freezes``, when given, is the whole sorted list of the case.

:func:`mismatches` compares a result with an expected value. Unless a case
says otherwise: year 2019, ``as_of`` 2019-12-31, one indicator 目标 with
maximum 100, so that a unit's target score ``T`` is its 目标 score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from kaohe.testing import (  # the builders, shared with the tests of plugins
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    att,
    award,
    crit,
    d,
    data,
    exam,
    expo,
    notice,
    sanction,
    scheme,
    sup,
    survey,
    talk,
    tol,
    v80,
    v100,
    veto,
    vote,
)
from kaohe.testing import (
    YEAR as YEAR,
)

Row = dict[str, Any]

#: Output fields that are published rounded (round2): compared with ``==``.
ROUNDED_FIELDS = frozenset({"score"})


@dataclass(frozen=True)
class Case:
    """One hand-worked case: a scheme, tables and a partial expected result."""

    name: str
    scheme: dict[str, Any]
    tables: dict[str, list[Row]]
    expected: dict[str, Any] = field(default_factory=dict)


def mismatches(result: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """Every difference between ``result`` and the partial ``expected``.

    Floats of :data:`ROUNDED_FIELDS` compare exactly; other floats within
    1e-9; everything else with ``==``.
    """
    found: list[str] = []
    for section in ("units", "cadres"):
        for entity, fields in expected.get(section, {}).items():
            if entity not in result[section]:
                found.append(f"{section}[{entity!r}] missing")
                continue
            for name, want in fields.items():
                got = result[section][entity][name]
                if isinstance(want, float) and name not in ROUNDED_FIELDS:
                    ok = isinstance(got, float) and got == pytest.approx(want, abs=1e-9)
                else:
                    ok = got == want and type(got) is type(want)
                if not ok:
                    found.append(f"{section}[{entity!r}][{name!r}]: got {got!r}, expected {want!r}")
    if "freezes" in expected and list(result["freezes"]) != list(expected["freezes"]):
        found.append(f"freezes: got {result['freezes']!r}, expected {expected['freezes']!r}")
    return found


SA = ("accountability", "sanctions")
SU = "serious_units"
INDEF = "indefinite"


def acc(cadre: str, start: dt.date, end: dt.date | str, source_id: str) -> tuple[Any, ...]:
    """A freeze window of R9."""
    return (cadre, start, end, "accountability", "sanctions", source_id)


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

CASES: list[Case] = []


def case(
    name: str, scheme_doc: dict[str, Any], tables: dict[str, list[Row]], expected: dict[str, Any]
) -> None:
    CASES.append(Case(name, scheme_doc, tables, expected))


# --- R1 targets -------------------------------------------------------------

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

# --- R2 satisfaction --------------------------------------------------------

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

# --- R3 supervision ---------------------------------------------------------

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

# --- R12 tolerance on points ------------------------------------------------

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

# --- R4 criticism -----------------------------------------------------------

case(
    "r4_points_interviews_cap",
    scheme(criticism={}),
    data(
        [(f"u{i}", "乡镇", 95) for i in range(1, 6)],
        [("c3", "u3", "staff")],
        criticisms=[
            crit("k1", d(2, 1), "乡镇", unit="u1"),
            crit("k2", d(2, 1), "县", unit="u1"),
            crit("k3", d(2, 1), "市", unit="u1"),
            crit("k4", d(2, 1), "省", unit="u2"),
            crit("k5", d(2, 1), "市", unit="u2"),
            crit("k6", d(2, 1), "省", cadre="c3"),
            crit("k7", d(12, 31, 2018), "县", unit="u4"),
        ],
        interviews=[
            talk("i1", d(3, 1), "u1"),
            talk("i2", d(3, 1), "u2"),
            talk("i4", d(1, 1, 2020), "u4"),
            talk("i5a", d(3, 1), "u5"),
            talk("i5b", d(4, 1), "u5"),
        ],
    ),
    {
        "units": {
            # 0.5 + 1 + 2 + 0.5 (约谈) = 4.0
            "u1": {"deductions": 4.0, "score": 91.0},
            # 3 + 2 + 0.5 = 5.5 -> cap 5
            "u2": {"deductions": 5.0, "score": 90.0},
            # a cadre-targeted criticism costs the unit nothing
            "u3": {"deductions": 0.0, "score": 95.0},
            # criticism and interview out of period
            "u4": {"deductions": 0.0, "score": 95.0},
            # two interviews: 0.5 + 0.5
            "u5": {"deductions": 1.0, "score": 94.0},
        }
    },
)

case(
    "r4_unit_criticism_blocks_excellent",
    scheme(criticism={}, unit_grading=NO_UNIT_QUOTA),
    data(
        [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 92), ("u4", "乡镇", 50)],
        criticisms=[crit("k1", d(2, 1), "乡镇", unit="u1")],
        interviews=[talk("i3", d(2, 1), "u3")],
    ),
    {
        "units": {
            # F = 95 - 0.5 = 94.5 >= 90 but criticized: falls to 良好
            "u1": {"score": 94.5, "rank": 2, "grade": "良好", "flags": []},
            "u2": {"score": 95.0, "rank": 1, "grade": "优秀", "flags": ["通报表扬"]},
            # an interview is not a criticism: F = 92 - 0.5 = 91.5, 优秀
            "u3": {"score": 91.5, "rank": 3, "grade": "优秀", "flags": ["通报表扬"]},
            # last rank 4 > 1 in a category of 4 >= 3: 约谈 (and 较差)
            "u4": {"score": 50.0, "rank": 4, "grade": "较差", "flags": ["约谈"]},
        }
    },
)

case(
    "r4_r5_cadre_criticisms_1_2_3",
    scheme(criticism={}, rectification={}, cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
    data(
        [("u1", "乡镇", 90)],
        [(f"c{i}", "u1", "staff") for i in range(1, 7)],
        criticisms=[
            crit("k1", d(2, 1), "乡镇", cadre="c1"),
            crit("k2a", d(2, 1), "县", cadre="c2"),
            crit("k2b", d(3, 1), "县", cadre="c2"),
            crit("k2c", d(4, 1), "乡镇", cadre="c2"),
            crit("k3a", d(2, 1), "县", cadre="c3"),
            crit("k3b", d(3, 1), "县", cadre="c3"),
            crit("k6a", d(2, 1), "县", cadre="c6"),
            crit("k6b", d(3, 1), "县", cadre="c6"),
            crit("k6c", d(12, 1, 2018), "县", cadre="c6"),
        ],
        notices=[notice("n5", d(2, 1), d(3, 1), cadre="c5")],
        votes=[v100(f"c{i}") for i in range(1, 7)],
    ),
    {
        # every cadre: staff, V = 100 (0.8 weight alone) -> S = 100
        "units": {"u1": {"deductions": 0.0, "score": 90.0}},
        "cadres": {
            "c1": {"score": 100.0, "grade": "称职"},  # 1 criticism: not 优秀
            "c2": {"score": 100.0, "grade": "基本称职"},  # 3: at most 基本称职
            "c3": {"grade": "称职"},  # 2
            "c4": {"grade": "优秀", "rank_in_unit": 1},  # none
            "c5": {"grade": "称职"},  # overdue notice -> derived criticism
            "c6": {"grade": "称职"},  # 3 rows, one in 2018: 2 count
        },
    },
)

# --- R5 rectification -------------------------------------------------------

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

# --- R6 awards --------------------------------------------------------------

case(
    "r6_award_bonus_cap",
    scheme(awards={}),
    data(
        [
            ("u1", "乡镇", 80),
            ("u2", "乡镇", 80),
            ("u3", "乡镇", 80),
            ("u4", "乡镇", 80),
            ("u5", "乡镇", 99),
        ],
        [("c4", "u4", "staff")],
        awards=[
            award("a1", d(5, 1), "国家", unit="u1"),
            award("a2", d(5, 1), "省", unit="u1"),
            award("a3", d(5, 1), "县", unit="u2"),
            award("a4", d(5, 1), "市", unit="u2"),
            award("a5", d(12, 31, 2018), "国家", unit="u3"),
            award("a6", d(5, 1), "省", cadre="c4"),
            award("a7", d(5, 1), "国家", unit="u5"),
        ],
    ),
    {
        "units": {
            "u1": {"bonus": 3.0, "score": 83.0},  # 3 + 2 = 5 -> cap 3
            "u2": {"bonus": 1.5, "score": 81.5},  # 0.5 + 1
            "u3": {"bonus": 0.0, "score": 80.0},  # out of period
            "u4": {"bonus": 0.0, "score": 80.0},  # a cadre's award
            # F = round2(max(0, 99 + 3)) = 102: no upper bound in the formula
            "u5": {"bonus": 3.0, "score": 102.0},
        }
    },
)

_R6_CADRES = [(f"c{i}", "u1", "staff") for i in range(1, 7)]
_R6_TABLES = data(
    [("u1", "乡镇", 90)],
    _R6_CADRES,
    votes=[v100("c1"), v80("c2"), vote("c3", basic=10), v100("c4"), v100("c5"), v100("c6")],
    sanctions=[sanction("s4", d(9, 1), "c4", "诫勉"), sanction("s6", d(3, 1), "c6", "诫勉")],
    awards=[
        award("a1", d(5, 1), "县", cadre="c1"),
        award("a2", d(5, 1), "县", cadre="c2"),
        award("a3", d(5, 1), "县", cadre="c3"),
        award("a4", d(5, 1), "县", cadre="c4"),
        award("a5", d(6, 1, 2018), "县", cadre="c5"),
        award("a6", d(5, 1), "县", cadre="c6"),
    ],
)

case(
    "r6_priority_promotion",
    scheme(
        awards={},
        accountability={},
        cadre_score={},
        cadre_grading=NO_CADRE_QUOTA,
        promotion_freeze={},
    ),
    _R6_TABLES,
    {
        "cadres": {
            # 优秀 and not frozen
            "c1": {"grade": "优秀", "flags": ["优先提拔"]},
            # 称职 (V = 80) and not frozen
            "c2": {"score": 80.0, "grade": "称职", "flags": ["优先提拔"]},
            # all 基本称职 votes: 10 of 10 >= half -> at most 基本称职; S = 60
            "c3": {"score": 60.0, "grade": "基本称职", "flags": []},
            # 诫勉 09-01: 称职, frozen to 2020-03-01 at as_of: no flag
            "c4": {"grade": "称职", "frozen_until": d(3, 1, 2020), "flags": []},
            # award in 2018 does not count
            "c5": {"grade": "优秀", "flags": []},
            # 诫勉 03-01: window ended 09-01, not frozen at as_of
            "c6": {"grade": "称职", "frozen_until": None, "flags": ["优先提拔"]},
        }
    },
)

case(
    "r6_priority_promotion_without_freeze_rule",
    scheme(awards={}, accountability={}, cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
    _R6_TABLES,
    {
        # READING: without [promotion_freeze] nobody is frozen (frozen_until is
        # empty), so c4 gets the flag; the window is still listed.
        "cadres": {"c4": {"grade": "称职", "frozen_until": None, "flags": ["优先提拔"]}},
        "freezes": [acc("c4", d(9, 1), d(3, 1, 2020), "s4"), acc("c6", d(3, 1), d(9, 1), "s6")],
    },
)

# --- R7 veto and R13 --------------------------------------------------------

case(
    "r7_veto_forces_lowest_grade",
    scheme(veto={}, unit_grading={}),
    data(
        [
            ("u1", "乡镇", 95),
            ("u2", "乡镇", 93),
            ("u3", "乡镇", 92),
            ("u4", "乡镇", 70),
            ("u5", "县级部门", 95),
        ],
        vetoes=[veto("v1", d(6, 1), "u1"), veto("v5", d(12, 31, 2018), "u5")],
    ),
    {
        "units": {
            # vetoed: score as usual, 较差, flags 一票否决 and 约谈 (较差)
            "u1": {"score": 95.0, "rank": 1, "grade": "较差", "flags": ["一票否决", "约谈"]},
            # quota(0.30, 4) = floor(1.2) = 1: the vetoed unit counts in n and
            # takes no place, so u2 gets it
            "u2": {"rank": 2, "grade": "优秀", "flags": ["通报表扬"]},
            # quota full: falls to 良好
            "u3": {"rank": 3, "grade": "良好", "flags": []},
            # last rank 4 > 1 in a category of 4: 约谈
            "u4": {"rank": 4, "grade": "一般", "flags": ["约谈"]},
            # veto of 2018 does not count; n = 1: quota(0.3, 1) = 0 -> 良好
            "u5": {"rank": 1, "grade": "良好", "flags": []},
        }
    },
)

case(
    "r13_quota_zero_for_three_units",
    scheme(unit_grading={}),
    data(
        [
            ("u1", "乡镇", 95),
            ("u2", "乡镇", 95),
            ("u3", "乡镇", 95),
            ("v1", "县级部门", 95),
            ("v2", "县级部门", 94),
            ("v3", "县级部门", 93),
            ("v4", "县级部门", 60),
        ],
    ),
    {
        "units": {
            # quota(0.30, 3) = floor(0.9) = 0; equal scores share rank 1; the
            # last rank is 1: no 约谈
            "u1": {"rank": 1, "grade": "良好", "flags": []},
            "u2": {"rank": 1, "grade": "良好", "flags": []},
            "u3": {"rank": 1, "grade": "良好", "flags": []},
            # quota(0.30, 4) = 1
            "v1": {"rank": 1, "grade": "优秀", "flags": ["通报表扬"]},
            "v2": {"rank": 2, "grade": "良好"},
            "v3": {"rank": 3, "grade": "良好"},
            # 60 >= 60: 一般; last rank 4: 约谈
            "v4": {"rank": 4, "grade": "一般", "flags": ["约谈"]},
        }
    },
)

case(
    "r13_tie_break_order",
    scheme(
        supervision={},
        satisfaction={"weight": {"乡镇": 0.0, "县级部门": 0.0}},
        unit_grading={"excellent_quota": 0.4},
    ),
    data(
        [
            ("u1", "乡镇", 92),
            ("u2", "乡镇", 92),
            ("u3", "乡镇", 92.5),
            ("u4", "乡镇", 92),
            ("u5", "乡镇", 93),
            ("u6", "乡镇", 50),
            ("w1", "县级部门", 92.5),
            ("w2", "县级部门", 92),
            ("w3", "县级部门", 50),
            ("w4", "县级部门", 50),
        ],
        supervision=[sup("s3", d(3, 1), "u3", "一般"), sup("sw1", d(3, 1), "w1", "一般")],
        surveys=[
            survey("u2", "企业", 3, 0, 1),
            survey("u4", "服务对象", 3, 0, 1),
            survey("u3", "服务对象", 1, 0, 0),
            survey("w1", "服务对象", 1, 0, 0),
        ],
    ),
    {
        # weight 0: C = T, but s is still the tie-break.
        # 乡镇: F = 93 (u5), 92 (u1, u2, u4, and u3 = 92.5 - 0.5), 50 (u6);
        # quota(0.4, 6) = floor(2.4) = 2. Order: u5; then F 92 with deductions
        # 0 before u3's 0.5; among those s desc, empty last: u2 (企业 only)
        # s = 0.3*0.75/0.3 = 0.75 and u4 (服务对象 only) s = 0.4*0.75/0.4 =
        # 0.7500000000000001 in floating point: equal after rounding to 9
        # decimals, so id asc: u2 before u4 (unrounded, u4 would come first);
        # then u1 (no survey); then u3. 优秀: u5, u2.
        "units": {
            "u5": {"rank": 1, "grade": "优秀"},
            "u2": {"satisfaction": 0.75, "rank": 2, "grade": "优秀", "flags": ["通报表扬"]},
            "u4": {"satisfaction": 0.75, "rank": 2, "grade": "良好", "flags": []},
            "u1": {"satisfaction": None, "rank": 2, "grade": "良好", "flags": []},
            "u3": {
                "satisfaction": 1.0,
                "deductions": 0.5,
                "score": 92.0,
                "rank": 2,
                "grade": "良好",
            },
            "u6": {"rank": 6, "grade": "较差", "flags": ["约谈"]},
            # 县级部门: quota(0.4, 4) = 1; w1 and w2 both 92: w2 (deductions 0)
            # before w1 (0.5), although w1 has the better s (1.0 vs empty).
            "w2": {"rank": 1, "grade": "优秀"},
            "w1": {"rank": 1, "grade": "良好"},
            # ranks 3, 3: last rank 3 > 1: both 约谈
            "w3": {"rank": 3, "grade": "较差", "flags": ["约谈"]},
            "w4": {"rank": 3, "grade": "较差", "flags": ["约谈"]},
        }
    },
)

case(
    "r13_interview_last_rank",
    scheme(unit_grading={}),
    data(
        [
            ("u1", "乡镇", 85),
            ("u2", "乡镇", 70),
            ("u3", "乡镇", 70),
            ("v1", "县级部门", 85),
            ("v2", "县级部门", 70),
        ]
    ),
    {
        "units": {
            "u1": {"rank": 1, "grade": "良好", "flags": []},
            # ranks 2, 2: both share the last rank 2 > 1 in a category of 3
            "u2": {"rank": 2, "grade": "一般", "flags": ["约谈"]},
            "u3": {"rank": 2, "grade": "一般", "flags": ["约谈"]},
            # a category of 2 < 3: no last-rank 约谈
            "v1": {"rank": 1, "grade": "良好", "flags": []},
            "v2": {"rank": 2, "grade": "一般", "flags": []},
        }
    },
)

case(
    "rounding_half_up_at_xx5",
    scheme(
        supervision={},
        unit_grading=NO_UNIT_QUOTA,
        cadre_score={},
        exams={},
        cadre_grading=NO_CADRE_QUOTA,
    ),
    data(
        [
            ("u1", "乡镇", 89.995),
            ("u2", "乡镇", 89.994),
            ("u3", "乡镇", 90.495),
            ("u4", "乡镇", 50),
            ("u5", "乡镇", 89.125),
            ("u6", "乡镇", 89.085),
        ],
        [("y1", "u4", "staff")],
        supervision=[sup("s3", d(3, 1), "u3", "一般")],
        votes=[vote("y1", excellent=1, competent=1)],
        exams=[exam("y1", 89.975)],
    ),
    {
        "units": {
            # round2(89.995) = 90.0 (half up, with the 1e-9): 优秀
            "u1": {"score": 90.0, "rank": 1, "grade": "优秀"},
            "u2": {"score": 89.99, "rank": 3, "grade": "良好"},
            # 90.495 - 0.5 = 89.995 -> 90.0
            "u3": {"score": 90.0, "rank": 1, "grade": "优秀"},
            # half up, not half even: 89.125 (exact in binary) -> 89.13
            "u5": {"score": 89.13, "rank": 4},
            # 89.085 is 89.08499999... in binary; by hand it rounds up: 89.09
            "u6": {"score": 89.09, "rank": 5},
            "u4": {"score": 50.0, "rank": 6, "grade": "较差"},
        },
        # V = (100 + 80)/2 = 90; S = 0.8*90 + 0.2*89.975 = 72 + 17.995 = 89.995
        # -> 90.0: 优秀
        "cadres": {"y1": {"score": 90.0, "grade": "优秀"}},
    },
)

# --- R8 serious units -------------------------------------------------------

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

# --- R9 accountability ------------------------------------------------------

_R9_GRADING: dict[str, Any] = {
    "accountability": {},
    "cadre_score": {},
    "cadre_grading": NO_CADRE_QUOTA,
    "promotion_freeze": {},
}

case(
    "r9_grade_effect_classes",
    scheme(**_R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"a{i}", "u1", "staff") for i in range(1, 10)],
        votes=[v100(f"a{i}") for i in range(1, 10)],
        sanctions=[
            sanction("s1", d(3, 1), "a1", "批评教育"),
            sanction("s2", d(8, 31), "a2", "诫勉"),
            sanction("s3", d(6, 30), "a3", "政务警告"),
            sanction("s4", d(1, 31), "a4", "记过"),
            sanction("s5", d(5, 15), "a5", "撤销党内职务"),
            sanction("s6", d(10, 31), "a6", "调离岗位"),
            sanction("s7", d(4, 30), "a7", "党内警告"),
            sanction("s8", d(7, 31), "a8", "严重警告"),
            sanction("s9", d(2, 28), "a9", "留党察看"),
        ],
    ),
    {
        # every cadre S = 100, rank 1
        "cadres": {
            "a1": {"grade": "优秀", "frozen_until": None},  # none, no window
            # not 优秀; 2019-08-31 + 6 months = 2020-02-29 (clamped, leap year)
            "a2": {"grade": "称职", "frozen_until": d(2, 29, 2020)},
            # not 优秀; window ends 2019-12-30, before as_of
            "a3": {"grade": "称职", "frozen_until": None},
            # 不定等次 keeps its score and rank
            "a4": {
                "score": 100.0,
                "rank_in_unit": 1,
                "grade": "不定等次",
                "frozen_until": d(1, 31, 2020),
            },
            "a5": {"grade": "不称职", "frozen_until": d(5, 15, 2021)},
            "a6": {"grade": "称职", "frozen_until": d(10, 31, 2020)},
            "a7": {"grade": "称职", "frozen_until": d(4, 30, 2020)},
            "a8": {"grade": "不定等次", "frozen_until": d(1, 31, 2021)},
            "a9": {"grade": "不称职", "frozen_until": d(2, 28, 2022)},
        },
        "freezes": [
            acc("a2", d(8, 31), d(2, 29, 2020), "s2"),
            acc("a3", d(6, 30), d(12, 30), "s3"),
            acc("a4", d(1, 31), d(1, 31, 2020), "s4"),
            acc("a5", d(5, 15), d(5, 15, 2021), "s5"),
            acc("a6", d(10, 31), d(10, 31, 2020), "s6"),
            acc("a7", d(4, 30), d(4, 30, 2020), "s7"),
            acc("a8", d(7, 31), d(1, 31, 2021), "s8"),
            acc("a9", d(2, 28), d(2, 28, 2022), "s9"),
        ],
    },
)

case(
    "r9_prior_year_sanctions",
    scheme(**_R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"b{i}", "u1", "staff") for i in range(1, 8)],
        votes=[v100(f"b{i}") for i in range(1, 8)],
        sanctions=[
            sanction("t1", d(5, 1, 2018), "b1", "记大过"),
            sanction("t2", d(3, 1, 2017), "b2", "开除党籍"),
            sanction("t3", d(6, 1, 2017), "b3", "留党察看"),
            sanction("t4", d(12, 31, 2018), "b4", "记过"),
            sanction("t5", d(6, 15, 2018), "b5", "政务警告"),
            sanction("t6", d(1, 1, 2018), "b6", "降级"),
            sanction("t7", d(1, 10, 2020), "b7", "撤职"),
        ],
    ),
    {
        "cadres": {
            # 记大过 in 2018, later years 1: 不定等次; 18 months to 2019-11-01
            "b1": {"grade": "不定等次", "frozen_until": None},
            # 开除党籍 in 2017, later years 2: 不定等次 (not 不称职); indefinite
            "b2": {"grade": "不定等次", "frozen_until": "indefinite"},
            # 留党察看 in 2017, later years 1: no grade effect now; 36 months
            "b3": {"grade": "优秀", "frozen_until": d(6, 1, 2020)},
            # 记过 on 2018-12-31: no later years; window ends 2019-12-31 = as_of,
            # which it excludes
            "b4": {"grade": "优秀", "frozen_until": None},
            "b5": {"grade": "优秀", "frozen_until": None},
            "b6": {"grade": "不定等次", "frozen_until": d(1, 1, 2020)},
            # dated after the period: no grade effect; not started at as_of
            "b7": {"grade": "优秀", "frozen_until": None},
        },
        # listed: windows ending after 2019-01-01 or never (b5's ended 2018-12-15)
        "freezes": [
            acc("b1", d(5, 1, 2018), d(11, 1), "t1"),
            acc("b2", d(3, 1, 2017), INDEF, "t2"),
            acc("b3", d(6, 1, 2017), d(6, 1, 2020), "t3"),
            acc("b4", d(12, 31, 2018), d(12, 31), "t4"),
            acc("b6", d(1, 1, 2018), d(1, 1, 2020), "t6"),
            acc("b7", d(1, 10, 2020), d(1, 10, 2022), "t7"),
        ],
    },
)

case(
    "r9_case_review_open_and_closed",
    scheme(**_R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"r{i}", "u1", "staff") for i in range(1, 6)],
        votes=[v100(f"r{i}") for i in range(1, 6)],
        sanctions=[
            sanction("q1", d(10, 1, 2018), "r1", "立案审查"),
            sanction("q2", d(3, 1), "r2", "立案审查", closed_on=d(12, 31)),
            sanction("q3", d(5, 1), "r3", "立案审查", closed_on=d(1, 10, 2020)),
            sanction("q4", d(1, 1, 2017), "r4", "立案审查", closed_on=d(6, 1)),
            sanction("q5", d(5, 1, 2016), "r5", "立案审查", closed_on=d(12, 31, 2018)),
        ],
    ),
    {
        "cadres": {
            # opened in 2018, still open: 不定等次 whatever year; indefinite
            "r1": {"grade": "不定等次", "frozen_until": "indefinite"},
            # closed on as_of: no grade effect (补定等次); window [03-01, 12-31)
            "r2": {"grade": "优秀", "frozen_until": None},
            # closed after as_of: open at as_of
            "r3": {"grade": "不定等次", "frozen_until": d(1, 10, 2020)},
            "r4": {"grade": "优秀", "frozen_until": None},
            "r5": {"grade": "优秀", "frozen_until": None},
        },
        "freezes": [
            acc("r1", d(10, 1, 2018), INDEF, "q1"),
            acc("r2", d(3, 1), d(12, 31), "q2"),
            acc("r3", d(5, 1), d(1, 10, 2020), "q3"),
            acc("r4", d(1, 1, 2017), d(6, 1), "q4"),
        ],
    },
)

case(
    "r9_month_clamp_2024_02_29",
    scheme(year=2025, as_of=dt.date(2025, 2, 27), accountability={}, promotion_freeze={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"p{i}", "u1", "staff") for i in range(1, 6)],
        sanctions=[
            sanction("w1", dt.date(2024, 2, 29), "p1", "党内警告"),
            sanction("w2", dt.date(2024, 8, 31), "p2", "诫勉"),
            sanction("w3", dt.date(2024, 2, 28), "p3", "记过"),
            sanction("w4", dt.date(2024, 8, 27), "p4", "政务警告"),
            sanction("w5", dt.date(2024, 6, 30), "p5", "政务警告"),
        ],
    ),
    {
        "cadres": {
            # 2024-02-29 + 12 months = 2025-02-28
            "p1": {"frozen_until": dt.date(2025, 2, 28), "score": None, "grade": None},
            # 2024-08-31 + 6 months = 2025-02-28
            "p2": {"frozen_until": dt.date(2025, 2, 28)},
            "p3": {"frozen_until": dt.date(2025, 2, 28)},
            # ends 2025-02-27 = as_of: [start, end) excludes as_of
            "p4": {"frozen_until": None},
            "p5": {"frozen_until": None},
        },
        # p5's window ended 2024-12-30, before the period: not listed
        "freezes": [
            acc("p1", dt.date(2024, 2, 29), dt.date(2025, 2, 28), "w1"),
            acc("p2", dt.date(2024, 8, 31), dt.date(2025, 2, 28), "w2"),
            acc("p3", dt.date(2024, 2, 28), dt.date(2025, 2, 28), "w3"),
            acc("p4", dt.date(2024, 8, 27), dt.date(2025, 2, 27), "w4"),
        ],
    },
)

case(
    "r9_heaviest_effect_governs",
    scheme(criticism={}, **_R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"h{i}", "u1", "staff") for i in range(1, 7)],
        votes=[v100("h1"), v100("h2"), v100("h3"), vote("h4", excellent=5, incompetent=4)],
        sanctions=[
            sanction("k1a", d(3, 1), "h1", "诫勉"),
            sanction("k1b", d(4, 1), "h1", "记过"),
            sanction("k1c", d(5, 1), "h1", "撤销党内职务"),
            sanction("k2", d(3, 1), "h2", "诫勉"),
            sanction("k3a", d(6, 1), "h3", "记过"),
            sanction("k3b", d(6, 2), "h3", "批评教育"),
            sanction("k4", d(6, 1), "h4", "记过"),
            sanction("k5", d(7, 1), "h5", "撤销党内职务"),
            sanction("k6", d(8, 1), "h6", "诫勉"),
        ],
        criticisms=[crit(f"c{i}", d(2, i), "县", cadre="h2") for i in range(1, 4)],
    ),
    {
        "cadres": {
            # not 优秀 < 不定等次 < 不称职: 不称职; latest running window
            # 2019-05-01 + 24 months (诫勉's ended 09-01, 记过's ends 2020-04-01)
            "h1": {"grade": "不称职", "frozen_until": d(5, 1, 2021)},
            # 3 criticisms (at most 基本称职) over 诫勉 (not 优秀): S = 100
            "h2": {"score": 100.0, "grade": "基本称职"},
            "h3": {"grade": "不定等次"},
            # 4 不称职 of 9 votes: 12 > 9, over one third -> 不称职, heavier
            # than 记过; S = (500 + 160)/9 = 73.33
            "h4": {"score": 73.33, "grade": "不称职"},
            # no votes (不定等次) but 撤销党内职务 (不称职) governs; no score
            "h5": {"score": None, "rank_in_unit": None, "grade": "不称职"},
            "h6": {"score": None, "grade": "不定等次"},
        }
    },
)

case(
    "r9_types_override",
    scheme(
        accountability={
            "types": {
                "诫勉": {"grade": "不定等次"},
                "批评教育": {"freeze_months": 3},
                "记过": {"freeze_months": "indefinite"},
            }
        },
        cadre_score={},
        cadre_grading=NO_CADRE_QUOTA,
        promotion_freeze={},
    ),
    data(
        [("u1", "乡镇", 90)],
        [("o1", "u1", "staff"), ("o2", "u1", "staff"), ("o3", "u1", "staff")],
        votes=[v100("o1"), v100("o2"), v100("o3")],
        sanctions=[
            sanction("q1", d(9, 1), "o1", "诫勉"),
            sanction("q2", d(11, 15), "o2", "批评教育"),
            sanction("q3", d(1, 1), "o3", "记过"),
        ],
    ),
    {
        "cadres": {
            # grade overridden to 不定等次; freeze stays the handbook's 6
            "o1": {"grade": "不定等次", "frozen_until": d(3, 1, 2020)},
            # grade stays 无; freeze 3 months
            "o2": {"grade": "优秀", "frozen_until": d(2, 15, 2020)},
            "o3": {"grade": "不定等次", "frozen_until": "indefinite"},
        },
        "freezes": [
            acc("o1", d(9, 1), d(3, 1, 2020), "q1"),
            acc("o2", d(11, 15), d(2, 15, 2020), "q2"),
            acc("o3", d(1, 1), INDEF, "q3"),
        ],
    },
)

case(
    "r9_early_as_of",
    scheme(as_of=d(6, 30), **_R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [("e1", "u1", "staff"), ("e2", "u1", "staff"), ("e3", "u1", "staff")],
        votes=[v100("e1"), v100("e2"), v100("e3")],
        sanctions=[
            sanction("z1", d(9, 1), "e1", "记过"),
            sanction("z2", d(9, 1), "e2", "立案审查"),
            sanction("z3", d(1, 15), "e3", "诫勉"),
        ],
    ),
    {
        "cadres": {
            # dated after as_of but in period: counts for the year; its window
            # has not started at as_of
            "e1": {"grade": "不定等次", "frozen_until": None},
            # READING: a case opened after as_of is not open at as_of
            "e2": {"grade": "优秀", "frozen_until": None},
            # 2019-01-15 + 6 months = 2019-07-15 > as_of 06-30: running
            "e3": {"grade": "称职", "frozen_until": d(7, 15)},
        },
        "freezes": [
            acc("e1", d(9, 1), d(9, 1, 2020), "z1"),
            acc("e2", d(9, 1), INDEF, "z2"),
            acc("e3", d(1, 15), d(7, 15), "z3"),
        ],
    },
)

# --- R10 一案双查 -------------------------------------------------------------

case(
    "r10_dual_investigation_grouping",
    scheme(dual_investigation={}, **_R9_GRADING),
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
    scheme(dual_investigation={}, tolerance={}, **_R9_GRADING),
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

# --- R11 零问责 ---------------------------------------------------------------

case(
    "r11_zero_accountability",
    scheme(zero_accountability={}, tolerance={}, **_R9_GRADING),
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

# --- R12 tolerance on criticisms and interviews -------------------------------

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

# --- R14 cadre score --------------------------------------------------------

case(
    "r14_components_and_rescaling",
    scheme(cadre_score={}, exams={}),
    data(
        [("u1", "乡镇", 85.5), ("u2", "乡镇", 200 / 3)],
        [
            ("h1", "u1", "head"),
            ("l1", "u1", "leader"),
            ("m1", "u1", "middle"),
            ("s1", "u1", "staff"),
            ("l2", "u2", "leader"),
        ],
        votes=[v100("h1"), v100("l1"), v80("m1"), v80("s1"), vote("l2", competent=1)],
        exams=[exam("h1", 60.0), exam("m1", 90.0)],
    ),
    {
        "cadres": {
            # 0.5*100 + 0.4*85.5 + 0.1*60 = 50 + 34.2 + 6 = 90.2
            "h1": {"score": 90.2, "grade": None, "rank_in_unit": None},
            # no exam: (50 + 34.2) / 0.9 = 93.555... -> 93.56
            "l1": {"score": 93.56},
            # 0.8*80 + 0.2*90 = 64 + 18 = 82
            "m1": {"score": 82.0},
            # no exam, no unit link: 0.8*80 / 0.8 = 80
            "s1": {"score": 80.0},
            # U is the published F = round2(66.666...) = 66.67:
            # (0.5*80 + 0.4*66.67)/0.9 = 66.668/0.9 = 74.0755... -> 74.08
            # (with the unrounded T it would be 74.07)
            "l2": {"score": 74.08},
        },
        "units": {"u2": {"score": 66.67}},
    },
)

case(
    "r14_exams_and_attendance_off",
    scheme(cadre_score={}),
    data(
        [("u1", "乡镇", 85.5)],
        [("h1", "u1", "head"), ("s1", "u1", "staff")],
        votes=[v100("h1"), v80("s1")],
        exams=[exam("h1", 60.0), exam("s1", 0.0)],
        attendance=[att("s1", 10, 3)],
    ),
    {
        "cadres": {
            # without [exams] E is dropped for everyone: (50 + 34.2)/0.9
            "h1": {"score": 93.56},
            # without [attendance] A = 0
            "s1": {"score": 80.0},
        }
    },
)

case(
    "r14_attendance_cap",
    scheme(cadre_score={}, attendance={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"t{i}", "u1", "staff") for i in range(1, 5)],
        votes=[v80("t1"), v80("t2"), vote("t3", incompetent=10), v80("t4")],
        attendance=[att("t1", 2, 0), att("t1", 1, 1), att("t2", 10, 4), att("t3", 0, 10)],
    ),
    {
        "cadres": {
            # rows added: late 3, absent 1: A = 0.2*3 + 1 = 1.6; 80 - 1.6
            "t1": {"score": 78.4},
            # 0.2*10 + 4 = 6 -> cap 5
            "t2": {"score": 75.0},
            # V = 40, A = min(5, 10) = 5
            "t3": {"score": 35.0},
            "t4": {"score": 80.0},
        }
    },
)

case(
    "r14_clamped_to_0_and_100",
    scheme(awards={}, cadre_score={}, attendance={"late_points": 50.0, "cap": 100.0}),
    data(
        [("u1", "乡镇", 99)],
        [("h1", "u1", "head"), ("s1", "u1", "staff")],
        awards=[award("a1", d(5, 1), "国家", unit="u1")],
        votes=[v100("h1"), vote("s1", incompetent=10)],
        attendance=[att("s1", 1, 0)],
    ),
    {
        "units": {"u1": {"score": 102.0}},
        "cadres": {
            # (50 + 0.4*102)/0.9 = 100.89 -> min(100, .) = 100
            "h1": {"score": 100.0},
            # 40 - min(100, 50) = -10 -> max(0, .) = 0
            "s1": {"score": 0.0},
        },
    },
)

case(
    "r14_no_votes",
    scheme(**_R9_GRADING),
    data(
        [("u1", "乡镇", 90)],
        [(f"n{i}", "u1", "staff") for i in range(1, 5)],
        votes=[vote("n2"), v100("n4")],
        sanctions=[sanction("z3", d(5, 1), "n3", "撤销党内职务")],
    ),
    {
        "cadres": {
            # no vote row: no score, 不定等次 (无民主测评)
            "n1": {"score": None, "rank_in_unit": None, "grade": "不定等次"},
            # a row of zeros is no votes too
            "n2": {"score": None, "rank_in_unit": None, "grade": "不定等次"},
            # 不称职 is heavier than the no-votes 不定等次
            "n3": {"score": None, "grade": "不称职"},
            # n = 2 graded (n3, n4): quota(1.0 * 2) = 2 -> 优秀
            "n4": {"score": 100.0, "rank_in_unit": 1, "grade": "优秀"},
        }
    },
)

# --- R15 cadre grading ------------------------------------------------------

case(
    "r15_quota_when_unit_excellent",
    scheme(unit_grading=NO_UNIT_QUOTA, cadre_score={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 95), ("u2", "乡镇", 85)],
        [(f"p{i}", "u1", "staff") for i in range(1, 5)]
        + [(f"q{i}", "u2", "staff") for i in range(1, 5)],
        votes=[
            v100("p1"),
            vote("p2", excellent=3, competent=1),
            vote("p3", excellent=3, competent=2),
            vote("p4", excellent=1, competent=1),
            v100("q1"),
            vote("q2", excellent=3, competent=1),
            vote("q3", excellent=3, competent=2),
            vote("q4", excellent=1, competent=1),
        ],
    ),
    {
        "units": {"u1": {"grade": "优秀"}, "u2": {"grade": "良好"}},
        "cadres": {
            # u1 is 优秀: quota(0.25, 4) = 1. S = 100, 95, 92, 90
            "p1": {"score": 100.0, "rank_in_unit": 1, "grade": "优秀"},
            "p2": {"score": 95.0, "rank_in_unit": 2, "grade": "称职"},
            "p3": {"score": 92.0, "rank_in_unit": 3, "grade": "称职"},
            "p4": {"score": 90.0, "rank_in_unit": 4, "grade": "称职"},
            # u2 is not: quota(0.20, 4) = floor(0.8) = 0
            "q1": {"score": 100.0, "grade": "称职"},
            "q2": {"grade": "称职"},
        },
    },
)

case(
    "r15_forbidden_cadre_takes_no_place",
    scheme(accountability={}, cadre_score={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"f{i}", "u1", "staff") for i in range(1, 6)],
        votes=[
            v100("f1"),
            vote("f2", excellent=3, competent=1),
            vote("f3", excellent=3, competent=2),
            vote("f4", excellent=1, competent=1),
            v80("f5"),
        ],
        sanctions=[sanction("z1", d(5, 1), "f1", "诫勉")],
    ),
    {
        # no unit grading: quota(0.20, 5) = 1
        "cadres": {
            # first in order but not 优秀 (诫勉): takes no place
            "f1": {"score": 100.0, "rank_in_unit": 1, "grade": "称职"},
            # the place goes to the next eligible cadre
            "f2": {"score": 95.0, "grade": "优秀"},
            "f3": {"grade": "称职"},
            "f4": {"grade": "称职"},
            "f5": {"grade": "称职"},
        }
    },
)

case(
    "r15_undetermined_excluded_from_n",
    scheme(accountability={}, cadre_score={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"g{i}", "u1", "staff") for i in range(1, 6)],
        votes=[
            v100("g1"),
            vote("g2", excellent=3, competent=1),
            vote("g3", excellent=3, competent=2),
            vote("g4", excellent=1, competent=1),
            v100("g5"),
        ],
        sanctions=[sanction("z5", d(5, 1), "g5", "记过")],
    ),
    {
        # g5 is 不定等次: n = 4, quota(0.20, 4) = 0 (with g5 it would be 1)
        "cadres": {
            "g1": {"rank_in_unit": 1, "grade": "称职"},
            "g5": {"score": 100.0, "rank_in_unit": 1, "grade": "不定等次"},
            "g2": {"rank_in_unit": 3, "grade": "称职"},
            "g4": {"rank_in_unit": 5, "grade": "称职"},
        }
    },
)

case(
    "r15_vote_rules_exact_fractions",
    scheme(cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
    data(
        [("u1", "乡镇", 90)],
        [(f"v{i}", "u1", "staff") for i in range(1, 8)],
        votes=[
            vote("v1", excellent=6, incompetent=3),
            vote("v2", excellent=5, incompetent=4),
            vote("v3", excellent=5, basic=3, incompetent=2),
            vote("v4", excellent=6, basic=2, incompetent=2),
            vote("v5", excellent=5, basic=5),
            vote("v6", basic=10),
            vote("v7", basic=4, incompetent=1),
        ],
    ),
    {
        "cadres": {
            # 3 of 9 不称职 is exactly one third, not over: V = 720/9 = 80
            "v1": {"score": 80.0, "grade": "称职"},
            # 4 of 9 is over one third: 不称职; V = 660/9 = 73.33
            "v2": {"score": 73.33, "grade": "不称职"},
            # 3 + 2 = 5 of 10 is at least half: at most 基本称职; V = 76
            "v3": {"score": 76.0, "grade": "基本称职"},
            # 4 of 10 is less than half; V = 80
            "v4": {"score": 80.0, "grade": "称职"},
            # 5 基本称职 of 10: at most 基本称职; V = 80
            "v5": {"score": 80.0, "grade": "基本称职"},
            # V = 60 >= 60
            "v6": {"score": 60.0, "grade": "基本称职"},
            # 1 of 5 not over a third; 5 of 5 >= half; V = 280/5 = 56 < 60
            "v7": {"score": 56.0, "grade": "不称职"},
        }
    },
)

case(
    "r15_order_by_score_then_appraisal",
    scheme(cadre_score={}, attendance={}, cadre_grading={}),
    data(
        [("u1", "乡镇", 90)],
        [(f"x{i}", "u1", "staff") for i in range(1, 6)],
        votes=[vote("x1", excellent=3, competent=1), v100("x2"), v80("x3"), v80("x4"), v80("x5")],
        attendance=[att("x2", 0, 5)],
    ),
    {
        # quota(0.20, 5) = 1. x1: V = 95, S = 95; x2: V = 100, A = 5, S = 95.
        # Equal S: V desc puts x2 first (before the id order).
        "cadres": {
            "x1": {"score": 95.0, "rank_in_unit": 1, "grade": "称职"},
            "x2": {"score": 95.0, "rank_in_unit": 1, "grade": "优秀"},
            "x3": {"score": 80.0, "rank_in_unit": 3, "grade": "称职"},
        }
    },
)

case(
    "r15_grade_thresholds",
    scheme(cadre_score={}, exams={}, attendance={}, cadre_grading=NO_CADRE_QUOTA),
    data(
        [("u1", "乡镇", 90)],
        [(f"y{i}", "u1", "staff") for i in range(1, 7)],
        votes=[
            v100("y1"),
            v100("y2"),
            v80("y3"),
            v80("y4"),
            vote("y5", competent=3, basic=1),
            vote("y6", competent=3, basic=1),
        ],
        exams=[
            exam("y1", 50.0),
            exam("y2", 49.95),
            exam("y3", 30.0),
            exam("y4", 29.95),
            exam("y5", 0.0),
            exam("y6", 0.0),
        ],
        attendance=[att("y6", 1, 0)],
    ),
    {
        "cadres": {
            "y1": {"score": 90.0, "grade": "优秀"},  # 80 + 10
            "y2": {"score": 89.99, "grade": "称职"},  # 80 + 9.99
            "y3": {"score": 70.0, "grade": "称职"},  # 64 + 6
            "y4": {"score": 69.99, "grade": "基本称职"},  # 64 + 5.99
            # V = (240 + 60)/4 = 75: 0.8*75 + 0 = 60
            "y5": {"score": 60.0, "grade": "基本称职"},
            # 60 - 0.2 = 59.8
            "y6": {"score": 59.8, "grade": "不称职"},
        }
    },
)

# --- R16 promotion freeze ---------------------------------------------------

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
