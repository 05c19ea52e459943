"""R12 fault tolerance (容错纠错).

A tolerance row names a row of a ledger table (the data layer refuses one
that names no row). It applies when dated on or before ``as_of``. 免责: the
row is ignored by every rule and appears in the adjustments with 0 points
and effect 容错免责. 从轻 / 减轻: the row's points are multiplied by 0.5, its
other effects stay; a mitigated sanction is unchanged. Several decisions on
one row: the strongest governs (免责 over 从轻 = 减轻), the factor applies once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kaohe.sdk import (
    CADRE,
    EXEMPT,
    N_,
    TOLERANCE_DECISION,
    TOLERANCE_TARGET,
    UNIT,
    Adjustments,
    Messages,
    Number,
    Rule,
    Step,
    StepContext,
    Tolerance,
    hookimpl,
    ids_of,
    in_period,
    joined,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)

EXEMPT_CODE = TOLERANCE_DECISION.code("免责")


def _decide(
    ctx: StepContext, target: str
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], tuple[NDArray[np.int64], NDArray[np.str_]]] | None:
    """Exempt and mitigated masks over ``target``'s rows, and which tolerance decided
    which row (``(rows, tolerance ids)``); None when no decision names the table."""
    tolerances = ctx.table("tolerances")
    rows = ctx.table(target)
    n = len(rows)
    applies = (tolerances["ref_table"] == TOLERANCE_TARGET.code(target)) & (
        tolerances["date"] <= ctx.as_of
    )
    picked = np.flatnonzero(applies)
    if not picked.shape[0]:
        return None
    position = tolerances["ref_row"][picked]
    strength = np.where(tolerances["decision"][picked] == EXEMPT_CODE, 2, 1)
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, position, strength)
    # the deciding row: strongest, then first by tolerance id (rows are in id order)
    order = np.lexsort((np.arange(picked.shape[0]), -strength, position))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = position[order][1:] != position[order][:-1]
    decided = (position[order[first]], tolerances["id"][picked[order[first]]])
    return best == 2, best == 1, decided


def _deciders(
    decision: tuple[NDArray[np.int64], NDArray[np.str_]], rows: NDArray[np.int64]
) -> NDArray[np.str_]:
    """The id of the tolerance that decided each of ``rows``."""
    decided_rows, ids = decision
    return ids[np.searchsorted(decided_rows, rows)]


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Decisions per ledger table, and the 0-point rows that show each exemption."""
    exempt: dict[str, NDArray[np.bool_]] = {}
    mitigated: dict[str, NDArray[np.bool_]] = {}
    decision: dict[str, tuple[NDArray[np.int64], NDArray[np.str_]]] = {}
    shown: dict[str, list[Adjustments]] = {UNIT: [], CADRE: []}
    for target in TOLERANCE_TARGET.values:
        decided = _decide(ctx, target)
        if decided is None:
            continue
        exempt[target], mitigated[target], decision[target] = decided
        rows = ctx.table(target)
        visible = exempt[target]
        if target != "sanctions":
            dated = rows["issued"] if target == "notices" else rows["date"]
            visible = visible & in_period(dated, ctx.period_start, ctx.period_end)
        for entity in (UNIT, CADRE):
            if entity not in rows.columns:
                continue
            on_unit = rows["unit"] >= 0 if UNIT in rows.columns else np.zeros(len(rows), dtype=bool)
            mine = on_unit if entity == UNIT else ~on_unit
            picked = np.flatnonzero(visible & mine & (rows[entity] >= 0))
            shown[entity].append(
                Adjustments(
                    entity=entity,
                    kind="deduction",
                    rule=ctx.rule,
                    index=rows[entity][picked],
                    points=np.zeros((1, picked.shape[0])),
                    source_table=target,
                    source_id=ids_of(ctx, target, picked),
                    effect=EXEMPT,
                    note=joined(
                        "容错纠错免责 ",
                        functools.partial(_deciders, decision[target], picked),
                        n=picked.shape[0],
                    ),
                )
            )
    tolerance = Tolerance(exempt, mitigated, decision, ctx.param("mitigation_factor"))
    return {
        "tolerance": tolerance,
        "unit.adjustments": shown[UNIT],
        "cadre.adjustments": shown[CADRE],
    }


RULE = Rule(
    name="tolerance",
    title="容错纠错",
    reference="R12",
    messages=_,
    params={
        "mitigation_factor": Number(0.5, N_("multiplier of a mitigated row's points"), high=1.0)
    },
    steps=(
        Step(
            "decide",
            compute,
            reads={"table.tolerances", *(f"table.{t}" for t in TOLERANCE_TARGET.values)},
            writes={"tolerance", "unit.adjustments", "cadre.adjustments"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R12."""
    return [RULE]
