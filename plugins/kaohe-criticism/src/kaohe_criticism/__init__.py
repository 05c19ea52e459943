"""R4 public criticism (通报批评) and interviews (约谈).

Unit criticisms in period, derived ones included: ``p = points[level]``
(乡镇 0.5, 县 1, 市 2, 省 3); each interview in period ``p = 0.5``;
mitigated rows half. ``D_crit = min(5, sum p)`` per unit. A unit with a
criticism in period cannot be 优秀; a cadre with one cannot be 优秀, with
three or more is at most 基本称职.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    ADMIN_LEVEL,
    CADRE,
    DEDUCTION,
    EFFECT,
    N_,
    UNIT,
    Adjustments,
    Effects,
    Integer,
    Messages,
    Number,
    NumberMap,
    Rule,
    Step,
    StepContext,
    capped,
    counted,
    criticisms,
    hookimpl,
    joined,
    label_rows,
    mitigation_note,
    picked,
    point_rows,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Deductions, the cap and grade effects of criticisms and interviews."""
    rows = criticisms(ctx)
    on_unit = np.flatnonzero(rows.unit >= 0)
    on_cadre = np.flatnonzero(rows.cadre >= 0)
    level = rows.level[on_unit]
    points = ctx.param_map("points", ADMIN_LEVEL.values)[:, level] * rows.factor[:, on_unit]
    unit_ids = picked(rows.ids, on_unit)
    unit_rows = Adjustments(
        entity=UNIT,
        kind="deduction",
        rule=ctx.rule,
        index=rows.unit[on_unit],
        points=-points,
        source_table="criticisms",
        source_id=unit_ids,
        effect=DEDUCTION,
        note=joined(
            label_rows(ADMIN_LEVEL.values, level),
            "级通报批评",
            picked(rows.notes, on_unit),
            n=on_unit.shape[0],
        ),
    )
    interviews = ctx.table("interviews")
    taken = np.flatnonzero(counted(ctx, "interviews"))
    interview_points = ctx.param("interview_points") * ctx.tolerance().factor(
        "interviews", len(interviews), taken
    )
    interview_rows = point_rows(
        ctx,
        entity=UNIT,
        kind="deduction",
        table="interviews",
        rows=taken,
        points=interview_points,
        note=joined("被上级约谈", mitigation_note(ctx, "interviews", taken), n=taken.shape[0]),
    )
    cadre = rows.cadre[on_cadre]
    per_cadre = np.bincount(cadre, minlength=ctx.n_cadres)[cadre]
    heavy = per_cadre >= ctx.param("cadre_basic_from")
    effects = [
        Effects(
            entity=UNIT,
            rule=ctx.rule,
            index=rows.unit[on_unit],
            level=np.ones(on_unit.shape[0], dtype=np.int64),
            source_table="criticisms",
            source_id=unit_ids,
            note="受到通报批评,当年不得评为优秀",
        )
    ]
    cadre_effects = [
        Effects(
            entity=CADRE,
            rule=ctx.rule,
            index=cadre,
            level=np.where(heavy, EFFECT.code("最高基本称职"), EFFECT.code("不得评优")).astype(
                np.int64
            ),
            source_table="criticisms",
            source_id=picked(rows.ids, on_cadre),
            note=label_rows(
                ("受到通报批评,当年不得评为优秀", "受到多次通报批评,最高基本称职"),
                heavy.astype(np.int64),
            ),
        )
    ]
    return {
        "unit.adjustments": capped(
            ctx, [unit_rows, interview_rows], ctx.param("cap"), ctx.n_units, "通报批评扣分封顶"
        ),
        "unit.effects": effects,
        "cadre.effects": cadre_effects,
    }


RULE = Rule(
    name="criticism",
    title="通报批评与约谈",
    reference="R4",
    messages=_,
    params={
        "points": NumberMap(
            {"乡镇": 0.5, "县": 1.0, "市": 2.0, "省": 3.0},
            keys=ADMIN_LEVEL.values,
            aliases=ADMIN_LEVEL.aliases,
            doc=N_("points per unit criticism by issuing level"),
        ),
        "interview_points": Number(0.5, N_("points per interview (约谈)")),
        "cap": Number(5.0, N_("most points deducted per unit (D_crit)")),
        "cadre_basic_from": Integer(
            3, N_("criticisms of a cadre that make them at most 基本称职"), low=1
        ),
    },
    steps=(
        Step(
            "deductions",
            compute,
            reads={"table.criticisms", "table.interviews"},
            uses={"tolerance", "derived.criticisms"},
            writes={"unit.adjustments", "unit.effects", "cadre.effects"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R4."""
    return [RULE]
