"""The unit score: ``F = round2(max(0, C - D_sup - D_crit + B))``.

Runs in every scheme. ``C`` is the composite of R2 when satisfaction is
enabled, else the target score ``T`` of R1; the deductions and bonuses are
the sums of every unit adjustment row, caps included, so that each unit's
score is its composite plus the sum of its rows in ``adjustments.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..blocks import sum_points
from ..context import StepContext
from ..hookspecs import hookimpl
from ..numeric import round2, width
from ..rule import ALWAYS, Rule, Step
from ..values import Value


@attrs.frozen(repr=False, eq=False)
class UnitScore(Value):
    """``(K or 1, n_units)`` arrays (one shared width): composite C, deductions, bonus, F."""

    composite: NDArray[np.float64]
    deductions: NDArray[np.float64]
    bonus: NDArray[np.float64]
    score: NDArray[np.float64]


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Add every unit adjustment to the composite and round."""
    composite = ctx.get("unit.composite")
    if composite is None:
        composite = ctx.get("unit.target").score
    adjustments = ctx.get("unit.adjustments")
    n = ctx.n_units
    deductions = -sum_points(adjustments, "deduction", n)
    bonus = sum_points(adjustments, "bonus", n)
    score = round2(np.maximum(0.0, composite - deductions + bonus))
    k = width(composite, deductions, bonus)
    composite, deductions, bonus = (
        np.broadcast_to(a, (k, n)) for a in (composite, deductions, bonus)
    )
    return {"unit.score": UnitScore(composite, deductions, bonus, score)}


RULE = Rule(
    name="unit_score",
    title="单位综合得分",
    reference="F",
    activation=ALWAYS,
    steps=(
        Step(
            "score",
            compute,
            reads={"unit.target"},
            uses={"unit.composite", "unit.adjustments"},
            writes={"unit.score"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """The unit score rule."""
    return [RULE]
