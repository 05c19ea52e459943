"""R14 attendance (考勤): ``A = min(5, 0.2*late + 1.0*absent_days)`` deducted
from the cadre score, in schemes that count attendance (不按时上下班、溜班)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    CADRE,
    CADRE_ID,
    DEDUCTION,
    N_,
    Adjustments,
    Messages,
    Number,
    Rule,
    Step,
    StepContext,
    TableSpec,
    capped,
    hookimpl,
    required,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """One deduction row per cadre with attendance records (rows of a cadre added)."""
    table = ctx.table("attendance")
    n = ctx.n_cadres
    late = np.bincount(table["cadre"], weights=table["late"], minlength=n)
    absent = np.bincount(table["cadre"], weights=table["absent_days"], minlength=n)
    rows = np.bincount(table["cadre"], minlength=n)
    cadres, cadre_ids = np.flatnonzero(rows), ctx.data.cadre_ids  # each cadre with rows, in order
    raw = ctx.param("late_points") * late[cadres] + ctx.param("absent_day_points") * absent[cadres]

    def note() -> np.ndarray:
        counts = (
            late[cadres].astype(np.int64).astype(str),
            absent[cadres].astype(np.int64).astype(str),
        )
        return np.char.add(
            np.char.add("迟到早退", counts[0]),
            np.char.add("次, 旷工", np.char.add(counts[1], "天")),
        )

    block = Adjustments(
        entity=CADRE,
        kind="deduction",
        rule=ctx.rule,
        index=cadres,
        points=-raw,
        source_table="attendance",
        source_id=lambda: cadre_ids[cadres],
        effect=DEDUCTION,
        note=note,
    )
    return {"cadre.adjustments": capped(ctx, [block], ctx.param("cap"), n, "考勤扣分封顶")}


RULE = Rule(
    name="attendance",
    title="考勤",
    reference="R14",
    messages=_,
    params={
        "late_points": Number(0.2, N_("points per late arrival or early leave")),
        "absent_day_points": Number(1.0, N_("points per day absent without leave")),
        "cap": Number(5.0, N_("most points deducted per cadre (A)")),
    },
    needs=("cadre_score",),
    steps=(Step("attendance", compute, reads={"table.attendance"}, writes={"cadre.adjustments"}),),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R14 attendance."""
    return [RULE]


#: The input table this plugin brings.
TABLE = TableSpec(
    "attendance",
    (
        required("cadre_id", "id", *CADRE_ID),
        required("late", "count", "迟到早退次数", "遲到早退次數"),
        required("absent_days", "count", "旷工天数", "曠工天數"),
    ),
    aliases=("考勤",),
    key=("cadre_id",),
    unique=False,
    summed=True,
    office="组织部",
)


@hookimpl
def kaohe_register_tables() -> list[TableSpec]:
    """The ``attendance`` table."""
    return [TABLE]
