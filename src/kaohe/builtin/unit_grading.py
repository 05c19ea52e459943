"""R13 unit grading: ranks, grades, 通报表扬 and 约谈 within each category.

Units are ordered within their category by ``F`` desc, deductions asc,
satisfaction ``s`` desc (empty last), ``unit_id`` asc. Each unit, in that
order, gets the best grade whose threshold it meets, whose quota is not full
and that no effect forbids; a veto forces 较差. ``rank`` is one more than
the number of units of the category with a higher ``F``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..blocks import UNIT, EffectRows, Flags, RowText
from ..context import StepContext
from ..hookspecs import hookimpl
from ..i18n import N_
from ..numeric import quota, round9, width
from ..ordering import GroupOrder, cents, governing
from ..params import Integer, Number, NumberMap
from ..results import BY_EFFECT, BY_QUOTA, BY_SCORE
from ..rule import Rule, Step
from ..values import Value
from ..vocab import UNIT_GRADES

EXCELLENT, GOOD, FAIR, POOR = range(4)
#: Unit effect levels (``blocks.UNIT_EFFECT``).
NOT_EXCELLENT, VETO = 1, 2


@attrs.frozen(repr=False, eq=False)
class UnitGrade(Value):
    """``(K, n_units)`` rank and grade codes (into ``UNIT_GRADES``), and why each grade:
    ``reason`` codes (:data:`~kaohe.results.REASONS`) and, per unit, the
    governing effect's description (used where the code says ``effect``)."""

    rank: NDArray[np.int64]
    grade: NDArray[np.int64]
    reason: NDArray[np.int8]
    effect: RowText


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Rank and grade every unit in every scenario."""
    score = ctx.get("unit.score")
    n = ctx.n_units
    category, n_categories = ctx.unit_categories(), len(ctx.scheme.categories)
    sizes = np.bincount(category, minlength=n_categories)
    size = sizes[category]
    satisfaction = ctx.get("unit.satisfaction")
    if satisfaction is None:
        satisfaction = np.full((1, n), np.nan)
    effects = EffectRows.join(ctx.get("unit.effects"))
    level, source = governing(effects.level, effects.index, n)

    f = score.score
    thresholds = ctx.param_map("thresholds", UNIT_GRADES[:3])
    share = ctx.param("excellent_quota")
    k = width(f, score.deductions, satisfaction, thresholds, share)
    s_key = np.where(np.isnan(satisfaction), np.inf, -round9(np.nan_to_num(satisfaction)))
    order = GroupOrder.build(category, cents(f), k, [round9(score.deductions), s_key])
    eligible = (f >= thresholds[:, :1]) & (level == 0)[None, :]
    places = quota(share, sizes[None, :])
    excellent = order.take_places(np.broadcast_to(eligible, (k, n)), places)

    grade = np.where(f >= thresholds[:, 1:2], GOOD, np.where(f >= thresholds[:, 2:3], FAIR, POOR))
    grade = np.where(excellent, EXCELLENT, grade)
    vetoed = (level == VETO)[None, :]
    grade = np.where(vetoed, POOR, grade)

    held = (f >= thresholds[:, :1]) & ~excellent
    by_effect = (held | vetoed) & (level > 0)[None, :]
    reason = np.where(by_effect, BY_EFFECT, np.where(held, BY_QUOTA, BY_SCORE)).astype(np.int8)
    rank = order.rank()
    grade = np.broadcast_to(grade, (k, n))
    reason = np.broadcast_to(reason, (k, n))
    last = np.zeros((k, n_categories), dtype=np.int64)
    scenario = np.repeat(np.arange(k), n)
    np.maximum.at(last, (scenario, np.tile(category, k)), rank.ravel())
    at_last = (
        (rank == last[:, category])
        & (rank > 1)
        & (size >= ctx.param("interview_min_units"))[None, :]
    )
    flags = [
        Flags(UNIT, ctx.rule, "通报表扬", grade == EXCELLENT),
        Flags(UNIT, ctx.rule, "约谈", (grade == POOR) | at_last),
    ]
    return {
        "unit.grade": UnitGrade(rank, grade.astype(np.int64), reason, effects.described(source)),
        "unit.flags": flags,
    }


RULE = Rule(
    name="unit_grading",
    title="单位等次评定",
    reference="R13",
    params={
        "thresholds": NumberMap(
            {"优秀": 90.0, "良好": 80.0, "一般": 60.0},
            keys=UNIT_GRADES[:3],
            value=Number(0.0, high=100.0),
            descending=True,
            doc=N_("lowest F of each grade"),
        ),
        "excellent_quota": Number(0.30, "share of a category that may be 优秀", high=1.0),
        "interview_min_units": Integer(3, "last-rank 约谈 only in categories this large"),
    },
    steps=(
        Step(
            "grade",
            compute,
            reads={"unit.score", "table.units"},
            uses={"unit.effects", "unit.satisfaction"},
            writes={"unit.grade", "unit.flags"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R13."""
    return [RULE]
