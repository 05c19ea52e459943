"""12345 热线工单扣分: a bureau's rule on 12345 政务服务便民热线 work orders (工单).

Legal basis (seed 001): the hotline is how a county government learns what
hinders people and firms, 「便利群众和企业办事」, and the campaign starts
「从群众反映最强烈、行政效能中最突出的问题入手」.

Each work order of table ``hotline`` (工单) accepted in the period
(受理日期) and not returned (是否退单 = 否) counts against the unit that
handles it:

- overdue: closed after its time limit (办结日期 > 办结时限), or not closed
  by ``as_of`` although its time limit has passed: ``overdue_points``
  (reference 0.2);
- unsatisfied: rated 不满意 (是否满意): ``unsatisfied_points`` (reference 0.1);

an order both overdue and unsatisfied gives both. ``D = min(cap, sum)`` per
unit (reference cap 3); a cap that bites is a row of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    N_,
    NOTE,
    UNIT_ID,
    Explainer,
    ExplainView,
    Messages,
    Number,
    Rule,
    Step,
    StepContext,
    TableSpec,
    Vocabulary,
    column,
    counted,
    day,
    deduct,
    f4,
    hookimpl,
    ledger,
    num,
    required,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)

#: How the caller rated the handling of an order (是否满意), with its labels.
RATING = Vocabulary(
    N_("hotline rating"),
    ("满意", "不满意", "未评价"),
    {"是": "满意", "否": "不满意", "滿意": "满意", "不滿意": "不满意", "未評價": "未评价"},
    messages=_,
)
UNSATISFIED = RATING.code("不满意")

#: 工单: one row per 12345 work order.
TABLE = ledger(
    "hotline",
    ("工单", "工單", "12345工单", "12345工單"),
    required("id", "id", "工单编号", "工單編號", "编号", "編號"),
    required("date", "date", "受理日期", "日期"),
    required("unit_id", "id", *UNIT_ID, "承办单位编码", "承辦單位編碼"),
    required("deadline", "date", "办结时限", "辦結時限"),
    column("closed_on", "date", "办结日期", "辦結日期"),
    column("rating", "vocab", "是否满意", "是否滿意", vocab=RATING, default="未评价"),
    required("returned", "bool", "是否退单", "是否退單"),
    NOTE,
    office="12345热线办",
)


def _scored(ctx: StepContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows that count (in period, not returned) and which of them are overdue, unsatisfied."""
    orders = ctx.table("hotline")
    rows = np.flatnonzero(counted(ctx, "hotline") & ~orders["returned"])
    deadline, closed = orders["deadline"][rows], orders["closed_on"][rows]
    open_late = np.isnat(closed) & (deadline < ctx.as_of)
    overdue = open_late | (~np.isnat(closed) & (closed > deadline))
    unsatisfied = orders["rating"][rows] == UNSATISFIED
    return rows, overdue, unsatisfied


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """A deduction row per overdue or unsatisfied order, capped per unit."""
    rows, overdue, unsatisfied = _scored(ctx)
    points = ctx.param("overdue_points") * overdue + ctx.param("unsatisfied_points") * unsatisfied
    keep = overdue | unsatisfied
    notes = np.where(
        overdue & unsatisfied,
        "逾期办结; 群众不满意",
        np.where(overdue, "逾期办结", "群众不满意"),
    )[keep]
    return deduct(
        ctx,
        "hotline",
        points[:, keep],
        notes,
        rows=rows[keep],
        cap=ctx.param("cap"),
        cap_note="热线工单扣分封顶",
    )


def explain_unit(view: ExplainView) -> list[str]:
    """The unit's orders: how many counted, overdue and unsatisfied, and the points."""
    orders = view.data.tables["hotline"]
    scheme = view.scheme
    first, last = np.datetime64(scheme.period_start, "D"), np.datetime64(scheme.period_end, "D")
    as_of = np.datetime64(scheme.as_of, "D")
    mine = (orders["unit"] == view.index) & (orders["date"] >= first) & (orders["date"] <= last)
    returned = int((mine & orders["returned"]).sum())
    mine &= ~orders["returned"]
    closed, deadline = orders["closed_on"], orders["deadline"]
    overdue = mine & ((np.isnat(closed) & (deadline < as_of)) | (closed > deadline))
    unsatisfied = mine & (orders["rating"] == UNSATISFIED)
    p_overdue, p_unsatisfied = view.param("overdue_points"), view.param("unsatisfied_points")
    total = p_overdue * int(overdue.sum()) + p_unsatisfied * int(unsatisfied.sum())
    cap = view.param("cap")
    lines = [
        f"考核期内受理工单 {int(mine.sum())} 件(另有退单 {returned} 件,不计)",
        f"逾期办结或到期未办结 {int(overdue.sum())} 件 × {num(p_overdue)} 分",
        f"群众不满意 {int(unsatisfied.sum())} 件 × {num(p_unsatisfied)} 分",
        f"合计扣 {f4(total)} 分,上限 {num(cap)} 分:实扣 {f4(min(total, cap))} 分",
    ]
    for row in np.flatnonzero(overdue)[:5]:
        closed_text = day(closed[row]) or f"截至 {scheme.as_of} 未办结"
        lines.append(f"  工单 {orders['id'][row]}:时限 {day(deadline[row])},办结 {closed_text}")
    return lines


RULE = Rule(
    name="hotline",
    title="12345热线工单",
    reference="B1",
    params={
        "overdue_points": Number(
            0.2, N_("points per order closed late or open past its limit"), low=0
        ),
        "unsatisfied_points": Number(0.1, N_("points per order rated 不满意"), low=0),
        "cap": Number(3.0, N_("at most this many points per unit"), low=0),
    },
    steps=(
        Step(
            "deduct",
            compute,
            reads={"table.hotline"},
            uses={"tolerance"},
            writes={"unit.adjustments"},
        ),
    ),
    doc=__doc__ or "",
    explainer=Explainer("12345热线工单扣分", unit=explain_unit),
    messages=_,
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """The hotline rule."""
    return [RULE]


@hookimpl
def kaohe_register_tables() -> list[TableSpec]:
    """The ``hotline`` table (工单)."""
    return [TABLE]
