"""R6 awards (表彰 / 业务能手).

Unit awards in period give a bonus ``points[level]`` (县 0.5, 市 1, 省 2,
国家 3), ``B = min(3, sum)`` per unit. A cadre award in period gives the
cadre the flag ``优先提拔`` when the cadre ends graded 优秀 or 称职 and is not
frozen at ``as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    CADRE,
    CADRE_ID,
    DATE,
    ID,
    LEVEL,
    N_,
    UNIT,
    UNIT_ID,
    Flags,
    Messages,
    Number,
    NumberMap,
    Rule,
    Step,
    StepContext,
    TableSpec,
    Vocabulary,
    capped,
    column,
    hookimpl,
    in_period,
    joined,
    label_rows,
    ledger,
    point_rows,
    required,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)

PROMOTE = "优先提拔"

#: Who gave an award, lowest first.
AWARD_LEVEL = Vocabulary(
    N_("award level"),
    ("县", "市", "省", "国家"),
    {"縣": "县", "区": "县", "區": "县", "國家": "国家"},
    messages=_,
)


def _in_period(ctx: StepContext) -> np.ndarray:
    table = ctx.table("awards")
    return in_period(table["date"], ctx.period_start, ctx.period_end)


def bonus(ctx: StepContext) -> Mapping[str, Any]:
    """Bonus rows of unit awards and the cap."""
    table = ctx.table("awards")
    rows = np.flatnonzero(_in_period(ctx) & (table["unit"] >= 0))
    level = table["level"][rows].astype(np.int64)
    points = ctx.param_map("points", AWARD_LEVEL.values)[:, level]
    note = joined(
        label_rows(AWARD_LEVEL.values, level),
        "级表彰 ",
        lambda: table["title"][rows],
        n=rows.shape[0],
    )
    block = point_rows(
        ctx, entity=UNIT, kind="bonus", table="awards", rows=rows, points=points, note=note
    )
    return {"unit.adjustments": capped(ctx, [block], ctx.param("cap"), ctx.n_units, "表彰加分封顶")}


def promote(ctx: StepContext) -> Mapping[str, Any]:
    """Flag 优先提拔 on awarded cadres graded 优秀 or 称职 and not frozen."""
    table = ctx.table("awards")
    awarded = np.zeros(ctx.n_cadres, dtype=bool)
    awarded[table["cadre"][_in_period(ctx) & (table["cadre"] >= 0)]] = True
    grade = ctx.get("cadre.grade")
    if grade is None:
        return {"cadre.flags": []}
    frozen_until = ctx.get("cadre.frozen_until")
    frozen = np.zeros(ctx.n_cadres, dtype=bool) if frozen_until is None else ~np.isnat(frozen_until)
    mask = awarded[None, :] & (grade.grade <= 1) & (grade.grade >= 0) & ~frozen[None, :]
    return {"cadre.flags": [Flags(CADRE, ctx.rule, PROMOTE, mask)]}


RULE = Rule(
    name="awards",
    title="表彰奖励",
    reference="R6",
    messages=_,
    params={
        "points": NumberMap(
            {"县": 0.5, "市": 1.0, "省": 2.0, "国家": 3.0},
            keys=AWARD_LEVEL.values,
            aliases=AWARD_LEVEL.aliases,
            doc=N_("bonus per unit award by level"),
        ),
        "cap": Number(3.0, N_("most bonus points per unit (B)")),
    },
    steps=(
        Step("bonus", bonus, reads={"table.awards"}, writes={"unit.adjustments"}),
        Step(
            "promote",
            promote,
            reads={"table.awards"},
            uses={"cadre.grade", "cadre.frozen_until"},
            writes={"cadre.flags"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R6."""
    return [RULE]


#: The input table this plugin brings.
TABLE = ledger(
    "awards",
    ("表彰",),
    ID,
    DATE,
    required("level", "vocab", *LEVEL, vocab=AWARD_LEVEL),
    column("unit_id", "id", *UNIT_ID),
    column("cadre_id", "id", *CADRE_ID),
    column("title", "text", "称号", "稱號"),
    one_target=True,
    label="表彰奖励",
)


@hookimpl
def kaohe_register_tables() -> list[TableSpec]:
    """The ``awards`` table."""
    return [TABLE]
