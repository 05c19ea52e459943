"""Hand-worked small cases of the reference rules (handbook/rules.md).

Each :class:`Case` is data that any implementation can be checked against:

- ``scheme``: a scheme as :func:`tomllib.load` returns it (ARCHITECTURE.md,
  "Scheme files (TOML)"); parameters not stated take the reference values;
- ``tables``: table name -> rows keyed by the English column names of
  data.md, values already typed and canonical (``None`` for an empty cell);
- ``expected``: a PARTIAL result, only the values worked out by hand, each
  with its arithmetic in a comment, in the format of
  ``tests.reference.purepython.score``::

      {"units": {unit_id: {field: value}}, "cadres": {cadre_id: {field: value}},
       "freezes": [(cadre_id, start, end, rule, source_table, source_id), ...]}

  ``freezes``, when given, is the whole sorted list of the case.

The cases of each rule are in a module of their own (``r03_supervision``,
...), listed in :data:`RULE_MODULES`. :func:`mismatches` compares a result
with an expected value. Unless a case
says otherwise: year 2019, ``as_of`` 2019-12-31, one indicator 目标 with
maximum 100, so that a unit's target score ``T`` is its 目标 score.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

# the builders, shared with the tests of plugins (re-exported for the tests here)
from kaohe.testing import NO_CADRE_QUOTA as NO_CADRE_QUOTA
from kaohe.testing import NO_UNIT_QUOTA as NO_UNIT_QUOTA
from kaohe.testing import YEAR as YEAR
from kaohe.testing import att as att
from kaohe.testing import award as award
from kaohe.testing import crit as crit
from kaohe.testing import d as d
from kaohe.testing import data as data
from kaohe.testing import exam as exam
from kaohe.testing import expo as expo
from kaohe.testing import notice as notice
from kaohe.testing import sanction as sanction
from kaohe.testing import scheme as scheme
from kaohe.testing import sup as sup
from kaohe.testing import survey as survey
from kaohe.testing import talk as talk
from kaohe.testing import tol as tol
from kaohe.testing import v80 as v80
from kaohe.testing import v100 as v100
from kaohe.testing import veto as veto
from kaohe.testing import vote as vote

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


#: The modules of the cases, one per rule, in the order of the handbook; each adds its
#: cases to CASES when imported (after CASES and case, which they use).
RULE_MODULES = (
    "r01_targets",
    "r02_satisfaction",
    "r03_supervision",
    "r12_tolerance_on_points",
    "r04_criticism",
    "r05_rectification",
    "r06_awards",
    "r07_veto_and_r13",
    "r08_serious_units",
    "r09_accountability",
    "r10_dual_investigation",
    "r11_zero_accountability",
    "r12_tolerance_on_criticisms_and_interviews",
    "r14_cadre_score",
    "r15_cadre_grading",
    "r16_promotion_freeze",
)
for _module in RULE_MODULES:
    importlib.import_module(f"{__name__}.{_module}")
