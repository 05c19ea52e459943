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

from kaohe.sdk import (
    KEYS_ANY,
    KEYS_CATEGORIES,
    N_,
    UNIT_ID,
    Choice,
    DataError,
    Explainer,
    ExplainView,
    Messages,
    Number,
    NumberMap,
    Rule,
    SchemeError,
    Step,
    StepContext,
    TableSpec,
    f4,
    hookimpl,
    num,
    positions,
    required,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)

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
            _(
                "survey group '{group}' has no weight in the scheme "
                "(satisfaction.group_weights has {groups})"
            ).format(group=column[row], groups=", ".join(groups)),
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
    s = (w * rate.reshape(values.shape[0], n, g)).sum(axis=2) / np.where(
        weight_sum > 0, weight_sum, 1.0
    )
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
            _("a weight for every category, or satisfaction.default_weight"),
        )
    weight = by_category[:, ctx.unit_categories()]  # (K or 1, n)
    target = ctx.get("unit.target").score
    if not has_survey.all() and ctx.param("no_survey") == "error":
        unit = int(np.flatnonzero(~has_survey)[0])
        raise DataError(
            surveys.source,
            _("unit '{unit}' has no survey responses (satisfaction.no_survey = \"error\")").format(
                unit=ctx.data.unit_ids[unit]
            ),
        )
    composite = np.where(
        has_survey[None, :], (1.0 - weight) * target + weight * 100.0 * np.nan_to_num(s), target
    )
    return {"unit.satisfaction": s, "unit.composite": composite}


def explain_unit(view: ExplainView) -> list[str]:
    """Each group's rate, the unit rate s and C, recomputed from the inputs."""
    units = view.results.units
    i = view.index
    target = float(units.target[0, i])
    composite = float(units.composite[0, i])
    values: Mapping[str, float] = view.param("response_values")
    weights: Mapping[str, float] = view.param("group_weights")
    table = view.data.tables["surveys"]
    mine = table["unit"] == i
    lines: list[str] = []
    sum_weighted = sum_weights = 0.0
    present = set(table["group"][mine].tolist())
    for group in [g for g in weights if g in present] + sorted(present - set(weights)):
        rows = mine & (table["group"] == group)
        counts = [int(table[c][rows].sum()) for c in RESPONSES]
        n = sum(counts)
        if n == 0:
            lines.append(f"{group}  无有效样本,不计")
            continue
        rate = sum(values[c] * k for c, k in zip(RESPONSES, counts, strict=True)) / n
        lines.append(
            f"{group}  满意 {counts[0]}、基本满意 {counts[1]}、不满意 {counts[2]}:"
            f"r = ({num(values['satisfied'])}×{counts[0]} + {num(values['basic'])}×"
            f"{counts[1]} + {num(values['unsatisfied'])}×{counts[2]}) / {n} = {rate:.6f},"
            f"权重 {num(weights.get(group, 0.0))}"
        )
        sum_weighted += weights.get(group, 0.0) * rate
        sum_weights += weights.get(group, 0.0)
    category = str(units.categories[i])
    weight_map: Mapping[str, float] = view.param("weight")
    w = weight_map.get(category, view.param("default_weight"))
    if sum_weights == 0:
        lines.append(f"无满意度测评(no_survey = target_only):C = T = {f4(composite)}")
        return lines
    s = sum_weighted / sum_weights
    lines.append(f"s = Σ(权重×r) / Σ权重 = {sum_weighted:.10f} / {num(sum_weights)} = {s:.10f}")
    lines += view.check("s", s, float(units.satisfaction[0, i]))
    mine_c = (1 - w) * target + w * 100 * s
    lines.append(
        f"C = (1 - {num(w)}) × T + {num(w)} × 100 × s"
        f" = {num(1 - w)} × {f4(target)} + {num(w)} × 100 × {s:.10f} = {f4(mine_c)}"
        f"(w 为「{category}」类的满意度权重)"
    )
    lines += view.check("C", mine_c, composite)
    return lines


RULE = Rule(
    name="satisfaction",
    title="满意度测评",
    reference="R2",
    messages=_,
    params={
        "weight": NumberMap(
            {},
            keys=KEYS_CATEGORIES,
            value=Number(0.0, high=1.0),
            doc=N_("weight w of satisfaction per unit category"),
        ),
        "default_weight": Number(None, N_("w for categories not in `weight`"), high=1.0),
        "group_weights": NumberMap(
            {"服务对象": 0.4, "企业": 0.3, "人大代表": 0.15, "政协委员": 0.15},
            keys=KEYS_ANY,
            value=Number(1.0, low=0.0, low_open=True),
            non_empty=True,
            doc=N_("weight of each survey group (> 0)"),
        ),
        "response_values": NumberMap(
            {"satisfied": 1.0, "basic": 0.6, "unsatisfied": 0.0},
            keys=RESPONSES,
            value=Number(0.0, high=1.0),
            doc=N_("value of one response of each kind"),
        ),
        "no_survey": Choice("target_only", ("target_only", "error"), N_("a unit without survey")),
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
    explainer=Explainer("满意度测评与综合得分 C", unit=explain_unit),
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
        required(
            "group",
            "text",
            "测评群体",
            "測評群體",
            "測評羣體",
            simplified=True,
            choices="satisfaction.group_weights",
        ),
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
