"""R7 veto (一票否决): a unit with a veto item in period is graded 较差 whatever
its score, and flagged ``一票否决``. Its score is computed and published as usual."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe.sdk import (
    UNIT,
    Effects,
    Flags,
    Rule,
    Step,
    StepContext,
    counted,
    hookimpl,
    ids_of,
    joined,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

VETO = 2  # blocks.UNIT_EFFECT


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """The veto effect and flag of every unit with a counted veto row."""
    table = ctx.table("vetoes")
    rows = np.flatnonzero(counted(ctx, "vetoes"))
    unit = table["unit"][rows]
    mask = np.zeros(ctx.n_units, dtype=bool)
    mask[unit] = True
    effect = Effects(
        entity=UNIT,
        rule=ctx.rule,
        index=unit,
        level=np.full(rows.shape[0], VETO, dtype=np.int64),
        source_table="vetoes",
        source_id=ids_of(ctx, "vetoes", rows),
        note=joined("一票否决: ", lambda: table["item"][rows], n=rows.shape[0]),
    )
    return {
        "unit.effects": [effect],
        "unit.flags": [Flags(UNIT, ctx.rule, "一票否决", mask[None, :])],
    }


RULE = Rule(
    name="veto",
    title="一票否决",
    reference="R7",
    steps=(
        Step(
            "veto",
            compute,
            reads={"table.vetoes"},
            uses={"tolerance"},
            writes={"unit.effects", "unit.flags"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R7."""
    return [RULE]
