"""R2 satisfaction weighting (满意度测评).

Group rate ``r_g = (1.0*satisfied + 0.6*basic + 0.0*unsatisfied) / responses``
(rows of one unit and group added first; a group with no responses is
absent). Unit rate ``s = sum(w_g * r_g) / sum(w_g)`` over the groups present.
Composite ``C = (1 - w) * T + w * 100 * s`` with ``w`` by unit category (or
the default). A unit without responses: ``C = T`` and no rate
(``no_survey = "target_only"``), or an error (``"error"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kaohe import DataError, Rule, SchemeError, Step, StepContext, hookimpl
from kaohe.numeric import positions
from kaohe.params import KEYS_ANY, KEYS_CATEGORIES, Choice, Number, NumberMap
from kaohe.tables import UNIT_ID, TableSpec, required

RESPONSES = ("satisfied", "basic", "unsatisfied")


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Rates per unit and the composite score."""
    surveys = ctx.table("surveys")
    n = ctx.n_units
    group_weights: dict[str, float] = ctx.scheme.param(ctx.rule, "group_weights")
    groups = np.asarray(tuple(group_weights))
    column = surveys["group"]
    known = np.isin(column, groups)
    if not known.all():
        row = int(np.flatnonzero(~known)[0])
        raise DataError(
            surveys.source,
            f"survey group '{column[row]}' has no weight in the scheme "
            f"(satisfaction.group_weights has {', '.join(groups)})",
            row=int(surveys.lines[row]),
            column="group",
        )
    code = positions(column, groups)
    g = groups.shape[0]
    key = surveys["unit"] * g + code
    counts = np.stack(
        [np.bincount(key, weights=surveys[c], minlength=n * g) for c in RESPONSES], axis=1
    )  # (n*g, 3)
    responses = counts.sum(axis=1)
    values = ctx.param_map("response_values", RESPONSES)  # (K or 1, 3)
    rate = (counts[None, :, :] * values[:, None, :]).sum(axis=2) / np.where(
        responses > 0, responses, 1
    )
    present = (responses > 0).reshape(n, g)
    weights = ctx.param_map("group_weights", tuple(groups))  # (K or 1, g)
    w = np.where(present[None, :, :], weights[:, None, :], 0.0)  # (K or 1, n, g)
    weight_sum = w.sum(axis=2)
    has_survey = present.any(axis=1)
    s = (w * rate.reshape(-1, n, g)).sum(axis=2) / np.where(weight_sum > 0, weight_sum, 1.0)
    s = np.where(has_survey[None, :], s, np.nan)

    categories = ctx.scheme.categories
    by_category = ctx.param_map("weight", categories)
    default = ctx.param("default_weight")
    by_category = np.where(np.isnan(by_category), default, by_category)
    undefined = np.isnan(by_category).any(axis=0)
    if undefined.any():
        name = categories[int(np.flatnonzero(undefined)[0])]
        raise SchemeError(
            ctx.scheme.path,
            f"satisfaction.weight.{name}",
            "a weight for every category, or satisfaction.default_weight",
        )
    weight = by_category[:, ctx.unit_categories()]  # (K or 1, n)
    target = ctx.get("unit.target").score
    if not has_survey.all() and ctx.param("no_survey") == "error":
        unit = int(np.flatnonzero(~has_survey)[0])
        raise DataError(
            surveys.source,
            f"unit '{ctx.data.unit_ids[unit]}' has no survey responses "
            '(satisfaction.no_survey = "error")',
        )
    composite = np.where(
        has_survey[None, :], (1.0 - weight) * target + weight * 100.0 * np.nan_to_num(s), target
    )
    return {"unit.satisfaction": s, "unit.composite": composite}


RULE = Rule(
    name="satisfaction",
    title="满意度测评",
    reference="R2",
    params={
        "weight": NumberMap(
            {},
            keys=KEYS_CATEGORIES,
            value=Number(0.0, high=1.0),
            doc="weight w of satisfaction per unit category",
        ),
        "default_weight": Number(None, "w for categories not in `weight`", high=1.0),
        "group_weights": NumberMap(
            {"服务对象": 0.4, "企业": 0.3, "人大代表": 0.15, "政协委员": 0.15},
            keys=KEYS_ANY,
            value=Number(1.0, low=0.0, low_open=True),
            non_empty=True,
            doc="weight of each survey group (> 0)",
        ),
        "response_values": NumberMap(
            {"satisfied": 1.0, "basic": 0.6, "unsatisfied": 0.0},
            keys=RESPONSES,
            value=Number(0.0, high=1.0),
            doc="value of one response of each kind",
        ),
        "no_survey": Choice("target_only", ("target_only", "error"), "a unit without survey"),
    },
    steps=(
        Step(
            "composite",
            compute,
            reads={"table.surveys", "table.units", "unit.target"},
            writes={"unit.satisfaction", "unit.composite"},
        ),
    ),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R2."""
    return [RULE]


#: The input table this plugin brings.
TABLE = TableSpec(
    "surveys",
    (
        required("unit_id", "id", *UNIT_ID),
        required("group", "text", "测评群体", "測評群體", "測評羣體", simplified=True),
        required("satisfied", "count", "满意", "滿意"),
        required("basic", "count", "基本满意", "基本滿意"),
        required("unsatisfied", "count", "不满意", "不滿意"),
    ),
    aliases=("满意度测评", "滿意度測評"),
    key=("unit_id", "group"),
    unique=False,
)


@hookimpl
def kaohe_register_tables() -> list[TableSpec]:
    """The ``surveys`` table."""
    return [TABLE]
