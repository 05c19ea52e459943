"""R14 exam component (考试测评): the exam score ``E`` (0-100) as a part of the
cadre score, weighted by role (head and leader 0.1, middle and staff 0.2).
A cadre without an exam row has the part missing: its weight is dropped and
the other parts rescaled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    CADRE_ID,
    N_,
    ROLE,
    Component,
    ExplainedPart,
    Explainer,
    ExplainView,
    Messages,
    NumberMap,
    Rule,
    Step,
    StepContext,
    TableSpec,
    hookimpl,
    num,
    required,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """The exam part of every cadre (NaN where none)."""
    exams = ctx.table("exams")
    values = np.full(ctx.n_cadres, np.nan)
    values[exams["cadre"]] = exams["score"]
    component = Component(
        rule=ctx.rule,
        name="考试测评",
        values=values[None, :],
        weights=ctx.param_map("weight", ROLE.values),
        source_table="exams",
    )
    return {"cadre.components": [component]}


def explain_part(view: ExplainView, source_table: str, role: str) -> ExplainedPart:
    """E, the cadre's exam score, with the weight of the cadre's role."""
    if source_table != "exams":
        return None, "", None
    table = view.data.tables["exams"]
    where = np.flatnonzero(table["cadre"] == view.index)
    weight = float(view.param("weight")[role])
    if not where.size:
        return None, "", weight
    e = float(table["score"][where[0]])
    return e, f"考试成绩 E = {num(e)}", weight


RULE = Rule(
    name="exams",
    title="考试测评",
    reference="R14",
    messages=_,
    params={
        "weight": NumberMap(
            dict(zip(ROLE.values, (0.1, 0.1, 0.2, 0.2), strict=True)),
            keys=ROLE.values,
            doc=N_("weight of E per role"),
        ),
    },
    needs=("cadre_score",),
    steps=(Step("exam", compute, reads={"table.exams"}, writes={"cadre.components"}),),
    doc=__doc__ or "",
    explainer=Explainer(part=explain_part),
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R14 exams."""
    return [RULE]


#: The input table this plugin brings.
TABLE = TableSpec(
    "exams",
    (
        required("cadre_id", "id", *CADRE_ID),
        required("score", "score", "得分", "考试成绩", "考試成績", bounds=(0.0, 100.0)),
    ),
    aliases=("考试", "考試"),
    key=("cadre_id",),
    unique=True,
    unique_rule="at most one exams row per cadre",
    office="组织部",
    label="考试测评",
)


@hookimpl
def kaohe_register_tables() -> list[TableSpec]:
    """The ``exams`` table."""
    return [TABLE]
