"""R8 serious-problem units (作风问题严重的单位) and their promotion freezes.

A unit is serious when, in period, it has an exposure, or at least two unit
criticisms at level 县 or above (derived ones included), or a veto; exempt
rows do not count. Its trigger date is the earliest date on which one of
these became true (the first exposure, the second such criticism in date
order, the first veto; rows of one day: exposures, criticisms, vetoes, then
by id). The unit cannot be 优秀 and is flagged 作风问题严重; its head and
leaders cannot be 优秀 and are frozen 12 months from the trigger date; every
cadre of the unit is frozen 12 months from it (separate windows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.sdk import (
    ADMIN_LEVEL,
    CADRE,
    EFFECT,
    N_,
    ROLE,
    UNIT,
    Choice,
    Effects,
    Flags,
    Freezes,
    Integer,
    Messages,
    Rule,
    Step,
    StepContext,
    add_months,
    counted,
    criticisms,
    hookimpl,
    label_rows,
    nth_per_group,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)

TABLES = ("exposures", "criticisms", "vetoes")


@attrs.frozen
class Triggers:
    """Per serious unit: the trigger's date, which table it is in (``kind``,
    an index into :data:`TABLES`) and its row there (for criticisms, a row of
    the counted criticisms, derived ones included)."""

    unit: NDArray[np.int64]
    date: NDArray[np.datetime64]
    kind: NDArray[np.int64]
    row: NDArray[np.int64]
    ids: Callable[[], NDArray[np.str_]]


def triggers(ctx: StepContext) -> Triggers:
    """The trigger of every serious unit.

    Rows of a table are in id order, so row order breaks ties by id;
    criticisms carry an ``order`` key that does the same.
    """
    exposures = ctx.table("exposures")
    e_rows = np.flatnonzero(counted(ctx, "exposures"))
    e_pick = e_rows[nth_per_group(exposures["unit"][e_rows], [exposures["date"][e_rows]])]

    crit = criticisms(ctx)
    min_level = ADMIN_LEVEL.code(ctx.param("criticism_min_level"))
    c_rows = np.flatnonzero((crit.unit >= 0) & (crit.level >= min_level))
    c_pick = c_rows[
        nth_per_group(
            crit.unit[c_rows], [crit.date[c_rows], crit.order[c_rows]], ctx.param("criticisms") - 1
        )
    ]

    vetoes = ctx.table("vetoes")
    v_rows = np.flatnonzero(counted(ctx, "vetoes"))
    v_pick = v_rows[nth_per_group(vetoes["unit"][v_rows], [vetoes["date"][v_rows]])]

    unit = np.concatenate([exposures["unit"][e_pick], crit.unit[c_pick], vetoes["unit"][v_pick]])
    date = np.concatenate([exposures["date"][e_pick], crit.date[c_pick], vetoes["date"][v_pick]])
    kind = np.repeat(np.arange(3), [e_pick.shape[0], c_pick.shape[0], v_pick.shape[0]])
    row = np.concatenate([e_pick, c_pick, v_pick])
    first = nth_per_group(unit, [date, kind])  # one candidate per kind and unit

    def ids() -> NDArray[np.str_]:
        every = np.concatenate([exposures["id"][e_pick], crit.ids()[c_pick], vetoes["id"][v_pick]])
        return every[first]

    return Triggers(unit[first], date[first], kind[first], row[first], ids)


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Effects, flag and freeze windows of serious units."""
    found = triggers(ctx)
    n_found = found.unit.shape[0]
    serious = np.full(ctx.n_units, -1, dtype=np.int64)
    serious[found.unit] = np.arange(n_found)
    cadres = ctx.table("cadres")
    trigger_of_cadre = serious[cadres["unit"]]
    members = np.flatnonzero(trigger_of_cadre >= 0)
    leading = members[np.isin(cadres["role"][members], [ROLE.code("head"), ROLE.code("leader")])]
    months = ctx.param("freeze_months")

    def source(who: NDArray[np.int64]) -> tuple[Callable[[], Any], Callable[[], Any]]:
        t = trigger_of_cadre[who]
        return label_rows(TABLES, found.kind[t]), (lambda: found.ids()[t])

    def windows(who: NDArray[np.int64], reason: str) -> Freezes:
        start = found.date[trigger_of_cadre[who]]
        table, ids = source(who)
        return Freezes(
            rule=ctx.rule,
            cadre=who,
            start=start,
            end=add_months(start, months),
            source_table=table,
            source_id=ids,
            reason=reason,
        )

    flag = np.zeros(ctx.n_units, dtype=bool)
    flag[found.unit] = True
    lead_table, lead_ids = source(leading)
    return {
        "unit.effects": [
            Effects(
                entity=UNIT,
                rule=ctx.rule,
                index=found.unit,
                level=np.ones(n_found, dtype=np.int64),
                source_table=label_rows(TABLES, found.kind),
                source_id=found.ids,
                note="作风问题严重的单位不得评为优秀",
            )
        ],
        "unit.flags": [Flags(UNIT, ctx.rule, "作风问题严重", flag[None, :])],
        "cadre.effects": [
            Effects(
                entity=CADRE,
                rule=ctx.rule,
                index=leading,
                level=np.full(leading.shape[0], EFFECT.code("不得评优"), dtype=np.int64),
                source_table=lead_table,
                source_id=lead_ids,
                note="领导班子成员当年不评优",
            )
        ],
        "freezes": [
            windows(leading, "领导班子成员一年内不提拔"),
            windows(members, "该部门一年内不新提拔干部"),
        ],
    }


RULE = Rule(
    name="serious_units",
    title="作风问题严重的单位",
    reference="R8",
    messages=_,
    params={
        "criticisms": Integer(
            2, N_("unit criticisms at or above the level that make a unit serious"), low=1
        ),
        "criticism_min_level": Choice(
            "县", ADMIN_LEVEL.values, N_("lowest level of those criticisms"), ADMIN_LEVEL.aliases
        ),
        "freeze_months": Integer(12, N_("months of the promotion freeze"), low=0, high=1200),
    },
    steps=(
        Step(
            "serious",
            compute,
            reads={"table.exposures", "table.criticisms", "table.vetoes", "table.cadres"},
            uses={"tolerance", "derived.criticisms"},
            writes={"unit.effects", "unit.flags", "cadre.effects", "freezes"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R8."""
    return [RULE]
