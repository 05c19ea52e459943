"""R1 targets (目标任务): ``T = 100 * sum(score_i) / sum(max_i)`` per unit.

Part of every scheme. Every (unit, indicator) of the scheme needs exactly
one row of ``targets`` with ``0 <= score <= max``; a missing row is an error
unless the scheme says ``missing = "zero"``. Errors name the file and row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.sdk import (
    KEYS_ANY,
    N_,
    REQUIRED,
    UNIT_ID,
    Choice,
    DataError,
    Explainer,
    ExplainView,
    Messages,
    Number,
    NumberMap,
    Rule,
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


@attrs.frozen
class TargetScore:
    """``score``: T per unit ``(K, n_units)``; ``by_indicator``: ``(n_units, n_indicators)``
    scores (NaN where missing); ``indicators``/``maxima`` in scheme order."""

    score: NDArray[np.float64]
    by_indicator: NDArray[np.float64]
    indicators: tuple[str, ...]
    maxima: NDArray[np.float64]


def _fail(table: Any, row: int, column: str, message: str) -> DataError:
    return DataError(table.source, message, row=int(table.lines[row]), column=column)


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Check the targets table against the scheme's indicators and compute T."""
    table = ctx.table("targets")
    maxima_map: dict[str, float] = ctx.scheme.param(ctx.rule, "indicators")
    names = tuple(maxima_map)
    maxima = np.asarray([maxima_map[name] for name in names])
    n_units, n_ind = ctx.n_units, len(names)
    name_array = np.asarray(names)
    indicator = table["indicator"]
    known = np.isin(indicator, name_array)
    if not known.all():
        row = int(np.flatnonzero(~known)[0])
        raise _fail(
            table,
            row,
            "indicator",
            _(
                "indicator '{indicator}' is not defined by the scheme (expected one of {names})"
            ).format(indicator=indicator[row], names=", ".join(names)),
        )
    code = positions(indicator, name_array)
    score = table["score"]
    limit = maxima[code]
    bad = (score < 0) | (score > limit)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _fail(
            table,
            row,
            "score",
            _("score {score} is outside 0..{limit} (the maximum of '{indicator}')").format(
                score=f"{score[row]:g}", limit=f"{limit[row]:g}", indicator=indicator[row]
            ),
        )
    key = table["unit"] * n_ind + code
    counts = np.bincount(key, minlength=n_units * n_ind)
    if (counts > 1).any():
        dup = int(np.flatnonzero(counts > 1)[0])
        rows = np.flatnonzero(key == dup)
        raise _fail(
            table,
            int(rows[1]),
            "indicator",
            _(
                "duplicate row for unit '{unit}' and indicator '{indicator}' (also on row {row})"
            ).format(
                unit=ctx.data.unit_ids[dup // n_ind],
                indicator=names[dup % n_ind],
                row=int(table.lines[rows[0]]),
            ),
        )
    flat = np.full(n_units * n_ind, np.nan)
    flat[key] = score
    by_indicator = flat.reshape(n_units, n_ind)
    missing = np.isnan(by_indicator)
    if missing.any() and ctx.param("missing") == "error":
        unit, ind = (int(i) for i in np.argwhere(missing)[0])
        raise DataError(
            table.source,
            _.ngettext(
                "no row for unit '{unit}' and indicator '{indicator}' ({n} (unit, indicator) "
                "row missing; every unit needs one row per indicator, or set "
                'targets.missing = "zero")',
                "no row for unit '{unit}' and indicator '{indicator}' ({n} (unit, indicator) "
                "rows missing; every unit needs one row per indicator, or set "
                'targets.missing = "zero")',
                int(missing.sum()),
            ).format(unit=ctx.data.unit_ids[unit], indicator=names[ind], n=int(missing.sum())),
            column="indicator",
        )
    total = np.nan_to_num(by_indicator).sum(axis=1)
    target = 100.0 * total / maxima.sum()
    return {"unit.target": TargetScore(target[None, :], by_indicator, names, maxima)}


def explain_unit(view: ExplainView) -> list[str]:
    """Each indicator's score out of its maximum, and T, recomputed from the inputs."""
    indicators: Mapping[str, float] = view.param("indicators")
    table = view.data.tables["targets"]
    mine = table["unit"] == view.index
    got = dict(zip(table["indicator"][mine].tolist(), table["score"][mine].tolist(), strict=True))
    lines = []
    for name, top in indicators.items():
        if name in got:
            lines.append(f"{name}  {f4(got[name])} / {num(top)}")
        else:
            lines.append(f"{name}  缺报,按 0 计 / {num(top)}")
    total, tops = sum(got.values()), sum(indicators.values())
    target = 100 * total / tops
    lines.append(f"T = 100 × {f4(total)} / {num(tops)} = {f4(target)}")
    lines += view.check("T", target, float(view.results.units.target[0, view.index]))
    return lines


RULE = Rule(
    name="targets",
    title="目标任务",
    reference="R1",
    messages=_,
    activation=REQUIRED,
    params={
        "indicators": NumberMap(
            {},
            keys=KEYS_ANY,
            value=Number(0.0, low=0.0, low_open=True),
            non_empty=True,
            doc=N_("indicator name -> maximum score"),
        ),
        "missing": Choice("error", ("error", "zero"), N_("a missing (unit, indicator) row")),
    },
    steps=(
        Step("target", compute, reads={"table.targets", "table.units"}, writes={"unit.target"}),
    ),
    doc=__doc__ or "",
    explainer=Explainer("目标任务得分 T", unit=explain_unit),
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R1."""
    return [RULE]


#: The input table this plugin brings.
TABLE = TableSpec(
    "targets",
    (
        required("unit_id", "id", *UNIT_ID),
        required(
            "indicator", "text", "指标", "指標", simplified=True, choices="targets.indicators"
        ),
        required("score", "score", "得分"),
    ),
    aliases=("目标任务", "目標任務"),
    key=("unit_id", "indicator"),
    unique=True,
    unique_rule="one row per unit and indicator",
    required=True,
)


@hookimpl
def kaohe_register_tables() -> list[TableSpec]:
    """The ``targets`` table."""
    return [TABLE]
