"""R15 cadre grading: thresholds, vote rules, effects and the 优秀 quota per unit.

Each cadre's grade is the best one that its score, the quota and its
effects allow; the heaviest effect governs (R4, R8, R9, R10, R11, no votes,
and the vote rules below). Vote rules, in exact integer arithmetic: 不称职
votes over one third of the votes force 不称职; 基本称职 and 不称职 votes
together at least half make the cadre at most 基本称职. The 优秀 quota of a
unit is ``quota(0.20, n)``, or ``quota(0.25, n)`` when the unit itself is
graded 优秀, ``n`` counting the unit's cadres who get a grade. Within a unit
cadres are taken by ``S`` desc, ``V`` desc, ``cadre_id`` asc; a cadre whose
effects forbid 优秀 takes no quota place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..batch_order import order_in_groups
from ..blocks import CADRE, EffectRows, Effects, RowText
from ..context import StepContext
from ..hookspecs import hookimpl
from ..i18n import N_
from ..numeric import column_wise, quota, round9, width
from ..ordering import governing
from ..params import Number, NumberMap
from ..results import BY_EFFECT, BY_QUOTA
from ..rule import Rule, Step
from ..values import Value
from ..vocab import CADRE_GRADES, EFFECT

EXCELLENT, COMPETENT, BASIC, INCOMPETENT, UNGRADED = range(5)
NOT_EXCELLENT = EFFECT.code("不得评优")
AT_MOST_BASIC = EFFECT.code("最高基本称职")
NO_GRADE = EFFECT.code("不定等次")
FORCED_INCOMPETENT = EFFECT.code("不称职")


@attrs.frozen(repr=False, eq=False)
class CadreGrade(Value):
    """``(K, n_cadres)``: rank in unit (-1 without score), grade code (0-3 as
    ``CADRE_GRADES``, 4 不定等次) and the reason code of the grade
    (:data:`~kaohe.results.REASONS`); per cadre the governing effect's
    description; and the vote-rule effects."""

    rank: NDArray[np.int64]
    grade: NDArray[np.int64]
    reason: NDArray[np.int8]
    effect: RowText
    vote_effects: Effects


def _int8(flags: NDArray[np.bool_]) -> NDArray[np.int8]:
    """0/1 of ``flags`` as int8, without a copy."""
    return flags.view(np.int8)


def _grade(
    score: NDArray[np.float64],
    lowest_excellent: NDArray[np.float64],
    lowest_competent: NDArray[np.float64],
    lowest_basic: NDArray[np.float64],
    excellent: NDArray[np.bool_],
    level: NDArray[np.int64],
) -> tuple[NDArray[np.int8], NDArray[np.int8]]:
    """Grade and reason codes, column by column, from the score, the thresholds,
    who got an 优秀 place and the governing effect's level.

    Bool and int8 arithmetic instead of nested np.where: these are the
    ``(K, n)`` passes of a batch. A NaN score (no score) compares False.
    """
    competent, basic = score >= lowest_competent, score >= lowest_basic
    by_score = INCOMPETENT - _int8(competent | basic) - _int8(competent)
    cap = np.minimum(level, AT_MOST_BASIC).astype(np.int8)  # 0 none, 1 not 优秀, 2 at most 基本称职
    grade = np.maximum(by_score, cap) * _int8(~excellent)  # EXCELLENT is 0
    graded = level != NO_GRADE
    if level.ndim == 1 and grade.ndim == 2:  # one level per cadre: its few columns set
        grade[:, np.flatnonzero(level == FORCED_INCOMPETENT)] = INCOMPETENT
        grade[:, np.flatnonzero(~graded)] = UNGRADED
    else:
        grade = np.where(level == FORCED_INCOMPETENT, np.int8(INCOMPETENT), grade)
        grade = np.where(graded, grade, np.int8(UNGRADED))
    held = (score >= lowest_excellent) & ~excellent & graded
    by_effect = (level > 0) & ((cap > by_score) | held | (level >= NO_GRADE))
    quota_held = held & (level == 0)  # never by_effect too: that needs level > 0
    reason = BY_EFFECT * _int8(by_effect) + BY_QUOTA * _int8(quota_held)  # else BY_SCORE, 0
    return grade, reason


def vote_effects(votes: NDArray[np.int64], rule: str, cadre_ids: NDArray[np.str_]) -> Effects:
    """Effects of the vote rules on every cadre with votes."""
    total = votes.sum(axis=1)
    incompetent = votes[:, 3]
    low = votes[:, 2] + votes[:, 3]
    forced = incompetent * 3 > total
    capped = (low * 2 >= total) & ~forced & (total > 0)
    rows = np.flatnonzero(forced | capped)
    level = np.where(forced[rows], FORCED_INCOMPETENT, AT_MOST_BASIC).astype(np.int64)
    note = np.where(forced[rows], "不称职票超过三分之一", "基本称职和不称职票合计过半")
    return Effects(
        entity=CADRE,
        rule=rule,
        index=rows,
        level=level,
        source_table="votes",
        source_id=lambda: cadre_ids[rows],
        note=lambda: note.astype(str),
    )


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Grade every cadre in every scenario."""
    n = ctx.n_cadres
    scored = ctx.get("cadre.score")
    score, appraisal = scored.score, scored.appraisal
    unit = ctx.table("cadres")["unit"]
    from_votes = vote_effects(scored.votes, ctx.rule, ctx.data.cadre_ids)
    effects = EffectRows.join([*ctx.get("cadre.effects"), from_votes])
    level, source = governing(effects.level, effects.index, n)

    thresholds = ctx.param_map("thresholds", CADRE_GRADES[:3])
    lowest = [np.broadcast_to(thresholds[:, g : g + 1], (len(thresholds), n)) for g in range(3)]
    graded = level != NO_GRADE  # no votes is such an effect too (cadre_score)

    unit_grade = ctx.get("unit.grade")
    unit_excellent = (
        np.zeros((1, ctx.n_units), dtype=bool) if unit_grade is None else unit_grade.grade == 0
    )
    share = np.where(
        unit_excellent,
        ctx.param("excellent_quota_excellent_unit"),
        ctx.param("excellent_quota"),
    )
    k = width(score, appraisal, thresholds, share)
    n_graded = np.bincount(unit, weights=graded, minlength=ctx.n_units).astype(np.int64)
    places = quota(share, n_graded[None, :])  # per unit
    tie_break = -round9(np.nan_to_num(appraisal, nan=-1.0))
    order = order_in_groups(unit, score, k, [tie_break])
    eligible = (score >= lowest[0]) & ((level == 0) & graded)  # a NaN score compares False
    excellent = order.take_places(eligible, places)
    grade, reason = column_wise(_grade, score, *lowest, excellent, level)
    rank = order.rank()
    rank[np.isnan(np.broadcast_to(score, (k, n)))] = -1
    grade, reason = np.broadcast_to(grade, (k, n)), np.broadcast_to(reason, (k, n))
    return {
        "cadre.grade": CadreGrade(
            rank,
            grade.astype(np.int64),
            reason.astype(np.int8),
            effects.described(source),
            from_votes,
        )
    }


RULE = Rule(
    name="cadre_grading",
    title="干部等次评定",
    reference="R15",
    params={
        "thresholds": NumberMap(
            {"优秀": 90.0, "称职": 70.0, "基本称职": 60.0},
            keys=CADRE_GRADES[:3],
            value=Number(0.0, high=100.0),
            descending=True,
            doc=N_("lowest S of each grade"),
        ),
        "excellent_quota": Number(
            0.20, "share of a unit's graded cadres that may be 优秀", high=1.0
        ),
        "excellent_quota_excellent_unit": Number(
            0.25, "the share when the unit itself is graded 优秀", high=1.0
        ),
    },
    needs=("cadre_score",),
    steps=(
        Step(
            "grade",
            compute,
            reads={"cadre.score", "table.cadres"},
            uses={"cadre.effects", "unit.grade"},
            writes={"cadre.grade"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R15."""
    return [RULE]
