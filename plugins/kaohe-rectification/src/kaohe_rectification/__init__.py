"""R5 rectification deadlines (限期整改).

A written rectification notice issued in period is overdue when its
deadline is before ``as_of`` and it was not rectified by the deadline. An
overdue notice becomes a criticism of the same target at the notice's level
(default 乡镇), dated the day after the deadline, id ``notice:<id>``, counted
in the notice's year by R4 and R8. The notice itself carries no points; a
mitigated notice gives a criticism worth half; an exempt one gives nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    ADMIN_LEVEL,
    Derived,
    Explainer,
    ExplainView,
    Rule,
    Step,
    StepContext,
    day,
    hookimpl,
    ids_of,
    in_period,
    joined,
    mitigation_note,
    overdue_label,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Derive a criticism from every overdue notice."""
    notices = ctx.table("notices")
    n = len(notices)
    deadline = notices["deadline"]
    rectified = notices["rectified_on"]
    on_time = ~np.isnat(rectified) & (rectified <= deadline)
    overdue = (
        in_period(notices["issued"], ctx.period_start, ctx.period_end)
        & (deadline < ctx.as_of)
        & ~on_time
        & ~ctx.tolerance().is_exempt("notices", n)
    )
    rows = np.flatnonzero(overdue)
    late, as_of = rectified[rows], ctx.as_of  # for the note, made later without the context
    level = notices["level"][rows].astype(np.int64)
    level = np.where(level < 0, ADMIN_LEVEL.code("乡镇"), level)
    block = Derived(
        rule=ctx.rule,
        table="criticisms",
        columns={
            "id": np.char.add("notice:", notices["id"][rows]),
            "date": deadline[rows] + np.timedelta64(1, "D"),
            "level": level,
            "unit": notices["unit"][rows],
            "cadre": notices["cadre"][rows],
        },
        factor=ctx.tolerance().factor("notices", n, rows),
        source_table="notices",
        source_rows=rows,
        note=joined(
            "; 整改通知 ",
            ids_of(ctx, "notices", rows),
            lambda: overdue_label(late, as_of),
            mitigation_note(ctx, "notices", rows),
            n=rows.shape[0],
        ),
    )
    return {"derived.criticisms": [block]}


def derived_date(view: ExplainView, source_id: str) -> str:
    """A derived criticism ``notice:<id>`` is dated the day after the notice's deadline."""
    kind, _, ref = source_id.partition(":")
    if kind != "notice":
        return ""
    notices = view.data.tables["notices"]
    where = np.flatnonzero(notices["id"] == ref)
    if not where.size:
        return ""
    row = where[:1]
    following = notices["deadline"][row[0]] + np.timedelta64(1, "D")
    as_of = np.datetime64(view.scheme.as_of, "D")
    label = overdue_label(notices["rectified_on"][row], as_of)[0]
    return f"{day(following)}(整改通知 {ref} {label},期限次日)"


RULE = Rule(
    name="rectification",
    title="限期整改",
    reference="R5",
    steps=(
        Step(
            "overdue",
            compute,
            reads={"table.notices"},
            uses={"tolerance"},
            writes={"derived.criticisms"},
        ),
    ),
    doc=__doc__ or "",
    explainer=Explainer(derived_date=derived_date),
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R5."""
    return [RULE]
