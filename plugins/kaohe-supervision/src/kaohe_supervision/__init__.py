"""R3 supervision deductions (督查督办扣分).

Each supervision row in period: ``p = severity_points[severity]`` (一般 0.5,
较重 1.0, 严重 2.0); rectified by its deadline: ``p *= 0.5``; deadline before
``as_of`` and not rectified by it: ``p += 1.0``. Each exposure (曝光/查处) in
period: ``p = exposure_points[level]`` (县 1, 市 2, 省 3). Mitigated rows
(R12) count half of their whole ``p``. ``D_sup = min(10, sum p)`` per unit;
a cap that bites is a row of its own. Supervision ``category`` values are
checked against the scheme's problem taxonomy (问题类别): an unknown one is a
warning, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kaohe.sdk import (
    EXPOSURE_LEVEL,
    LATE_RECTIFIED,
    N_,
    NOT_RECTIFIED,
    SEVERITY,
    UNIT,
    Dataset,
    Explainer,
    ExplainView,
    Messages,
    Number,
    NumberMap,
    Rule,
    Scheme,
    Step,
    StepContext,
    TextList,
    capped,
    counted,
    hookimpl,
    joined,
    label_rows,
    mitigation_note,
    point_rows,
    rectified_by,
    width,
)

#: The status a finding's note gives: none, on time, overdue but done, overdue and not done.
STATUS = ("", "; 按期整改", f"; {LATE_RECTIFIED}", f"; {NOT_RECTIFIED}")

#: How many row ids a warning names per unknown category before saying how many more.
SHOWN_IDS = 5

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.4"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)


def supervision_rows(ctx: StepContext) -> Any:
    """Deduction rows of supervision findings."""
    table = ctx.table("supervision")
    n = len(table)
    rows = np.flatnonzero(counted(ctx, "supervision"))
    severity = table["severity"][rows].astype(np.int64)
    points = ctx.param_map("severity_points", SEVERITY.values)[:, severity]
    deadline = table["deadline"][rows]
    rectified = table["rectified_on"][rows]
    on_time = rectified <= deadline  # a comparison with a missing date (NaT) is False
    overdue = (deadline < ctx.as_of) & ~on_time
    factor, extra = ctx.param("on_time_factor"), ctx.param("overdue_points")
    tolerance = ctx.tolerance().factor("supervision", n, rows)
    shape = (width(points, factor, extra, tolerance), rows.shape[0])
    points = np.broadcast_to(points, shape).copy()  # updated in place below
    np.multiply(points, factor, out=points, where=on_time)
    np.add(points, extra, out=points, where=overdue)
    points *= tolerance

    # the status of each row as a code into STATUS (made text only when written)
    done = rectified_by(rectified, ctx.as_of)
    status = np.where(on_time, 1, np.where(overdue, np.where(done, 2, 3), 0))
    note = joined(
        label_rows(SEVERITY.values, severity),
        label_rows(STATUS, status),
        mitigation_note(ctx, "supervision", rows),
        n=rows.shape[0],
    )
    return point_rows(
        ctx, entity=UNIT, kind="deduction", table="supervision", rows=rows, points=points, note=note
    )


def exposure_rows(ctx: StepContext) -> Any:
    """Deduction rows of exposures (曝光/查处)."""
    table = ctx.table("exposures")
    rows = np.flatnonzero(counted(ctx, "exposures"))
    level = table["level"][rows].astype(np.int64)
    points = ctx.param_map("exposure_points", EXPOSURE_LEVEL.values)[:, level]
    points = points * ctx.tolerance().factor("exposures", len(table), rows)
    note = joined(
        label_rows(EXPOSURE_LEVEL.values, level),
        "级曝光",
        mitigation_note(ctx, "exposures", rows),
        n=rows.shape[0],
    )
    return point_rows(
        ctx, entity=UNIT, kind="deduction", table="exposures", rows=rows, points=points, note=note
    )


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Every supervision and exposure row, and the cap."""
    blocks = [supervision_rows(ctx), exposure_rows(ctx)]
    return {
        "unit.adjustments": capped(ctx, blocks, ctx.param("cap"), ctx.n_units, "督查督办扣分封顶")
    }


def record_parts(view: ExplainView, table: str, cells: Mapping[str, str]) -> str:
    """A cited supervision finding as its parts (R3): severity points, then the on-time
    factor or the overdue points, before the cap and any tolerance."""
    if table != "supervision" or "severity" not in cells:
        return ""
    severity = SEVERITY.canonical(cells["severity"]) or cells["severity"]
    points = float(view.param("severity_points")[severity])
    deadline, done = cells.get("deadline", ""), cells.get("rectified_on", "")
    as_of = view.scheme.as_of.isoformat()
    if deadline and done and done <= deadline:
        factor = float(view.param("on_time_factor"))
        return f"扣分构成: {points:.1f} {severity} × {factor:g} 按期整改 = {points * factor:.2f}"
    if deadline and deadline < as_of:
        extra = float(view.param("overdue_points"))
        late = "逾期整改" if done and done <= as_of else "逾期未整改"
        return f"扣分构成: {points:.1f} {severity} + {extra:.1f} {late} = {points + extra:.2f}"
    return f"扣分构成: {points:.1f} {severity}"


RULE = Rule(
    name="supervision",
    title="督查督办扣分",
    reference="R3",
    params={
        "severity_points": NumberMap(
            {"一般": 0.5, "较重": 1.0, "严重": 2.0},
            keys=SEVERITY.values,
            aliases=SEVERITY.aliases,
            doc=N_("points per finding of each severity"),
        ),
        "on_time_factor": Number(0.5, N_("multiplier when rectified by the deadline"), high=1.0),
        "overdue_points": Number(1.0, N_("added when the deadline passed unrectified")),
        "exposure_points": NumberMap(
            {"县": 1.0, "市": 2.0, "省": 3.0},
            keys=EXPOSURE_LEVEL.values,
            aliases=EXPOSURE_LEVEL.aliases,
            doc=N_("points per exposure by level"),
        ),
        "cap": Number(10.0, N_("most points deducted per unit (D_sup)")),
        "taxonomy": TextList((), doc=N_("问题类别: the scheme's problem categories")),
    },
    steps=(
        Step(
            "deductions",
            compute,
            reads={"table.supervision", "table.exposures"},
            uses={"tolerance"},
            writes={"unit.adjustments"},
        ),
    ),
    doc=__doc__ or "",
    explainer=Explainer(record=record_parts),
    messages=_,
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R3."""
    return [RULE]


@hookimpl
def kaohe_check_inputs(scheme: Scheme, data: Dataset) -> Sequence[str]:
    """Warn about supervision rows whose 问题类别 is not in the scheme's taxonomy."""
    config = scheme.rules.get("supervision")
    if config is None or not config.enabled or not config.params["taxonomy"]:
        return []
    from kaohe.sdk import arrow_compute as pc

    table = data.tables["supervision"]
    # as read (Arrow): no numpy text made of the categories and ids of millions of rows
    category, ids = table.text("category"), table.text("id")
    known = pc.array([*config.params["taxonomy"], ""], category.type)
    unknown = pc.invert(pc.fill_null(pc.is_in(category, value_set=known), True))
    if not pc.any(unknown).as_py():
        return []
    parts = []
    for name in sorted(pc.unique(pc.filter(category, unknown)).to_pylist()):
        rows = np.flatnonzero(pc.numpy(pc.equal(category, name), null=False))
        shown = ", ".join(pc.take(ids, rows[:SHOWN_IDS]).to_pylist())
        more = _(" and {n} more").format(n=rows.size - SHOWN_IDS) if rows.size > SHOWN_IDS else ""
        parts.append(
            _.ngettext(
                "'{name}' ({n} row: {ids}{more})", "'{name}' ({n} rows: {ids}{more})", rows.size
            ).format(name=name, n=rows.size, ids=shown, more=more)
        )
    return [
        _("{file}: 问题类别 not in supervision.taxonomy ({taxonomy}): {listed}").format(
            file=table.source,
            taxonomy=", ".join(config.params["taxonomy"]),
            listed=_("; ").join(parts),
        )
    ]
