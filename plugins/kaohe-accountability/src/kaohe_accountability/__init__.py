"""R9 accountability (问责), R10 一案双查 and R11 零问责.

R9 gives each sanction its grade effect and promotion-freeze window by type
(rules.md R9's table, overridable per type in ``[accountability] types``).
R10 derives a 诫勉 for the head of a unit whose other cadre receives a
政务处分, 党纪处分, 免职, 降职 or 责令辞职 in period (one per case). R11 flags
a unit exposed in period that sanctioned none of its own cadres itself
(零问责), and derives a 调离岗位 for its head. Derived sanctions go through
R9 like recorded ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.sdk import (
    CADRE,
    EFFECT,
    FOREVER,
    ISSUER,
    N_,
    NAT,
    ROLE,
    SANCTION_TYPE,
    TOLERANCE_DECISION,
    TOLERANCE_TARGET,
    UNIT,
    Choice,
    Derived,
    Effects,
    Explainer,
    ExplainView,
    Flags,
    Freezes,
    Integer,
    Messages,
    OneOf,
    RecordMap,
    Rule,
    Step,
    StepContext,
    TextList,
    add_months,
    counted,
    day,
    hookimpl,
    in_period,
    label_rows,
    year_of,
)

#: The version of the plugin API (kaohe.sdk) this plugin is written against.
KAOHE_API = "1.2"

#: This plugin's messages, in kaohe's language (its catalog: locale/zh_CN/LC_MESSAGES).
_ = Messages(__name__)

INDEFINITE = "indefinite"
UNTIL_CLOSED = "until_closed"
INVESTIGATION = SANCTION_TYPE.code("立案审查")

#: rules.md R9: grade effect in the year of the decision, later years with
#: 不定等次, freeze months.
REFERENCE_TYPES: dict[str, dict[str, Any]] = {
    name: {"grade": grade, "later_years": later, "freeze_months": months}
    for name, grade, later, months in (
        ("批评教育", "无", 0, 0),
        ("诫勉", "不得评优", 0, 6),
        ("调离岗位", "不得评优", 0, 12),
        ("责令辞职", "不定等次", 0, 24),
        ("免职", "不定等次", 0, 24),
        ("降职", "不定等次", 0, 24),
        ("政务警告", "不得评优", 0, 6),
        ("记过", "不定等次", 0, 12),
        ("记大过", "不定等次", 1, 18),
        ("降级", "不定等次", 1, 24),
        ("撤职", "不定等次", 1, 24),
        ("党内警告", "不得评优", 0, 12),
        ("严重警告", "不定等次", 0, 18),
        ("撤销党内职务", "不称职", 0, 24),
        ("留党察看", "不称职", 1, 36),
        ("开除党籍", "不称职", 2, INDEFINITE),
        ("立案审查", "不定等次", 0, UNTIL_CLOSED),
    )
}

#: rules.md R10: sanctions that hold the head to account too.
DUAL_QUALIFYING = (
    "政务警告",
    "记过",
    "记大过",
    "降级",
    "撤职",
    "党内警告",
    "严重警告",
    "撤销党内职务",
    "留党察看",
    "开除党籍",
    "免职",
    "降职",
    "责令辞职",
)


@attrs.frozen
class Sanctions:
    """Sanctions that count (recorded and not exempt, then derived) as columns."""

    date: NDArray[np.datetime64]
    cadre: NDArray[np.int64]
    type: NDArray[np.int64]
    closed_on: NDArray[np.datetime64]
    ids: Callable[[], NDArray[np.str_]]


def sanctions(ctx: StepContext) -> Sanctions:
    """Recorded sanctions not exempt by 容错纠错 (any date), then derived ones."""
    table = ctx.table("sanctions")
    keep = np.flatnonzero(~ctx.tolerance().is_exempt("sanctions", len(table)))
    derived = [block.columns for block in ctx.get("derived.sanctions")]
    parts = [
        (table["date"][keep], table["cadre"][keep], table["type"][keep], table["closed_on"][keep])
    ]
    parts += [(c["date"], c["cadre"], c["type"], c["closed_on"]) for c in derived]

    def ids() -> NDArray[np.str_]:
        return np.concatenate([table["id"][keep], *(c["id"] for c in derived)])

    date, cadre, kind, closed = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return Sanctions(date, cadre, kind.astype(np.int64), closed, ids)


def _type_arrays(
    ctx: StepContext,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per type code: grade effect, later years, freeze months (-1 indefinite, -2 until closed)."""
    types: dict[str, dict[str, Any]] = ctx.param("types")
    grade = np.array([EFFECT.code(types[t]["grade"]) for t in SANCTION_TYPE.values], dtype=np.int64)
    later = np.array([types[t]["later_years"] for t in SANCTION_TYPE.values], dtype=np.int64)
    special = {INDEFINITE: -1, UNTIL_CLOSED: -2}
    months = np.array(
        [
            special.get(types[t]["freeze_months"], types[t]["freeze_months"])
            for t in SANCTION_TYPE.values
        ],
        dtype=np.int64,
    )
    return grade, later, months


def effects(ctx: StepContext) -> Mapping[str, Any]:
    """Grade effects and freeze windows of every sanction that counts."""
    rows = sanctions(ctx)
    grade, later, months = _type_arrays(ctx)
    kind = rows.type
    in_year = in_period(rows.date, ctx.period_start, ctx.period_end)
    years_before = ctx.scheme.year - year_of(rows.date)
    lasting = (years_before >= 1) & (years_before <= later[kind])
    level = np.where(in_year, grade[kind], 0)
    level = np.where(lasting, np.maximum(level, EFFECT.code("不定等次")), level)
    investigation = kind == INVESTIGATION
    still_open = (rows.date <= ctx.as_of) & (
        np.isnat(rows.closed_on) | (rows.closed_on > ctx.as_of)
    )
    level = np.where(investigation, np.where(still_open, grade[kind], 0), level)
    effect_rows = np.flatnonzero(level > 0)
    # a note of few distinct labels, as codes: each sanction type as it is, still in its
    # period of effect, or not yet closed (an investigation, whatever else holds)
    forms = ("", "影响期内,不定等次", "尚未结案")
    notes = tuple(name + form for name in SANCTION_TYPE.values for form in forms)
    form = np.where(investigation, 2, np.where(lasting, 1, 0))
    note = label_rows(notes, (kind * len(forms) + form)[effect_rows])
    reasons = tuple(f"{name}影响期内不得提拔" for name in SANCTION_TYPE.values)

    span = months[kind]
    window = np.flatnonzero(
        (span != 0)
        & ~((span == -2) & (rows.closed_on <= rows.date))  # a case closed the day it opened
    )
    w_span = span[window]
    end = np.where(
        w_span == -1,
        FOREVER,
        np.where(
            w_span == -2,
            np.where(np.isnat(rows.closed_on[window]), FOREVER, rows.closed_on[window]),
            add_months(rows.date[window], np.maximum(w_span, 0)),
        ),
    )
    return {
        "cadre.effects": [
            Effects(
                entity=CADRE,
                rule=ctx.rule,
                index=rows.cadre[effect_rows],
                level=level[effect_rows],
                source_table="sanctions",
                source_id=lambda: rows.ids()[effect_rows],
                note=note,
            )
        ],
        "freezes": [
            Freezes(
                rule=ctx.rule,
                cadre=rows.cadre[window],
                start=rows.date[window],
                end=end.astype("datetime64[D]"),
                source_table="sanctions",
                source_id=lambda: rows.ids()[window],
                reason=label_rows(reasons, kind[window]),
            )
        ],
    }


def _heads(ctx: StepContext) -> NDArray[np.int64]:
    """The head cadre of each unit, -1 where a unit has none."""
    cadres = ctx.table("cadres")
    head_of_unit = np.full(ctx.n_units, -1, dtype=np.int64)
    heads = np.flatnonzero(cadres["role"] == ROLE.code("head"))
    head_of_unit[cadres["unit"][heads]] = heads
    return head_of_unit


def _derived(
    ctx: StepContext,
    ids: NDArray[np.str_],
    date: NDArray[np.datetime64],
    cadre: NDArray[np.int64],
    type_name: str,
    source_rows: NDArray[np.int64],
) -> Derived:
    n = ids.shape[0]
    return Derived(
        rule=ctx.rule,
        table="sanctions",
        columns={
            "id": ids,
            "date": date,
            "cadre": cadre,
            "unit": ctx.table("cadres")["unit"][cadre],
            "type": np.full(n, SANCTION_TYPE.code(type_name), dtype=np.int64),
            "closed_on": np.full(n, NAT),
        },
        factor=np.ones((1, n)),
        source_table="sanctions" if ctx.rule == "dual_investigation" else "exposures",
        source_rows=source_rows,
    )


def dual(ctx: StepContext) -> Mapping[str, Any]:
    """一案双查: a 诫勉 for the head, one per (head, case)."""
    table = ctx.table("sanctions")
    cadres = ctx.table("cadres")
    qualifying = [SANCTION_TYPE.code(t) for t in ctx.param("qualifying")]
    head_of_unit = _heads(ctx)
    cadre = table["cadre"]
    head = head_of_unit[cadres["unit"][cadre]]
    rows = np.flatnonzero(
        counted(ctx, "sanctions")
        & np.isin(table["type"], qualifying)
        & (cadres["role"][cadre] != ROLE.code("head"))
        & (head >= 0)
    )
    case = table["case_id"][rows]
    with_case = case != ""
    case_code = np.full(rows.shape[0], -1, dtype=np.int64)
    names, case_code[with_case] = np.unique(case[with_case], return_inverse=True)
    # one group per (head, case); a sanction without a case is a group of its own
    group_key = np.where(with_case, case_code, names.shape[0] + rows)
    order = np.lexsort((rows, table["date"][rows], group_key, head[rows]))
    sorted_head, sorted_key = head[rows][order], group_key[order]
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = (sorted_head[1:] != sorted_head[:-1]) | (sorted_key[1:] != sorted_key[:-1])
    chosen = rows[order[first]]
    chosen_case = table["case_id"][chosen]
    ids = np.char.add("dual:", np.where(chosen_case != "", chosen_case, table["id"][chosen]))
    block = _derived(
        ctx,
        ids,
        table["date"][chosen],
        head[chosen],
        ctx.param("derived_type"),
        chosen,
    )
    return {"derived.sanctions": [block]}


def zero(ctx: StepContext) -> Mapping[str, Any]:
    """零问责: exposed units that sanctioned none of their cadres themselves."""
    exposures = ctx.table("exposures")
    sanctions_table = ctx.table("sanctions")
    cadres = ctx.table("cadres")
    e_rows = np.flatnonzero(counted(ctx, "exposures"))
    s_rows = np.flatnonzero(
        counted(ctx, "sanctions")
        & (sanctions_table["issuer"] != ISSUER.code("superior"))
        & (sanctions_table["type"] != INVESTIGATION)
    )
    self_sanctioned = np.zeros(ctx.n_units, dtype=bool)
    self_sanctioned[cadres["unit"][sanctions_table["cadre"][s_rows]]] = True
    order = np.lexsort((e_rows, exposures["date"][e_rows], exposures["unit"][e_rows]))
    sorted_unit = exposures["unit"][e_rows][order]
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = sorted_unit[1:] != sorted_unit[:-1]
    first_exposure = e_rows[order[first]]
    unit = exposures["unit"][first_exposure]
    zero_units = ~self_sanctioned[unit]
    flag = np.zeros(ctx.n_units, dtype=bool)
    flag[unit[zero_units]] = True
    head = _heads(ctx)[unit]
    derive = zero_units & (head >= 0)
    source = first_exposure[derive]
    block = _derived(
        ctx,
        np.char.add("zero:", ctx.data.unit_ids[unit[derive]]),
        exposures["date"][source],
        head[derive],
        ctx.param("derived_type"),
        source,
    )
    return {
        "derived.sanctions": [block],
        "unit.flags": [Flags(UNIT, ctx.rule, "零问责", flag[None, :])],
    }


_TYPE_FIELDS = {
    "grade": Choice("无", EFFECT.values, N_("grade effect in the year of the decision")),
    "later_years": Integer(0, N_("later years with 不定等次"), high=100),
    # at most 100 years: a longer freeze is "indefinite"
    "freeze_months": OneOf(
        0, (Integer(0, high=1200), Choice(INDEFINITE, (INDEFINITE, UNTIL_CLOSED)))
    ),
}

ACCOUNTABILITY = Rule(
    name="accountability",
    title="问责处理",
    reference="R9",
    messages=_,
    params={
        "types": RecordMap(
            REFERENCE_TYPES,
            keys=SANCTION_TYPE.values,
            fields=_TYPE_FIELDS,
            doc=N_("effects per sanction type"),
        ),
    },
    steps=(
        Step(
            "effects",
            effects,
            reads={"table.sanctions"},
            uses={"tolerance", "derived.sanctions"},
            writes={"cadre.effects", "freezes"},
        ),
    ),
    doc="R9: grade effects and promotion freezes of sanctions.",
)


def dual_date(view: ExplainView, source_id: str) -> str:
    """A derived 诫勉 ``dual:<case>`` is dated by the earliest sanction of its case."""
    kind, _, ref = source_id.partition(":")
    if kind != "dual":
        return ""
    sanctions = view.data.tables["sanctions"]
    hit = (sanctions["id"] == ref) | (sanctions["case_id"] == ref)
    if not hit.any():
        return ""
    return f"{day(sanctions['date'][hit].min())}(一案双查,由 {ref} 派生)"


def zero_date(view: ExplainView, source_id: str) -> str:
    """A derived sanction ``zero:<unit>`` is dated by the unit's first exposure in period
    that no 免责 decision in force exempts."""
    kind, _, unit_id = source_id.partition(":")
    if kind != "zero":
        return ""
    scheme = view.scheme
    exposures = view.data.tables["exposures"]
    first = np.datetime64(scheme.period_start, "D")
    last = np.datetime64(scheme.period_end, "D")
    days = exposures["date"]
    hit = (exposures["unit_id"] == unit_id) & (days >= first) & (days <= last)
    tolerances = view.data.tables["tolerances"]
    exempt = tolerances["id"][
        (tolerances["ref_table"] == TOLERANCE_TARGET.code("exposures"))
        & (tolerances["decision"] == TOLERANCE_DECISION.code("免责"))
        & (tolerances["date"] <= np.datetime64(scheme.as_of, "D"))
    ]
    exempt_ids = tolerances["ref_id"][np.isin(tolerances["id"], exempt)]
    hit &= ~np.isin(exposures["id"], exempt_ids)
    if not hit.any():
        return ""
    return f"{day(days[hit].min())}(零问责,单位 {unit_id} 首次被曝光)"


DUAL_INVESTIGATION = Rule(
    name="dual_investigation",
    title="一案双查",
    reference="R10",
    messages=_,
    params={
        "derived_type": Choice("诫勉", SANCTION_TYPE.values, N_("sanction derived for the head")),
        "qualifying": TextList(
            DUAL_QUALIFYING, SANCTION_TYPE.values, N_("sanctions that derive one")
        ),
    },
    needs=("accountability",),
    steps=(
        Step(
            "derive",
            dual,
            reads={"table.sanctions", "table.cadres"},
            uses={"tolerance"},
            writes={"derived.sanctions"},
        ),
    ),
    doc="R10: the head of a unit answers for serious sanctions of its cadres.",
    explainer=Explainer(derived_date=dual_date),
)

ZERO_ACCOUNTABILITY = Rule(
    name="zero_accountability",
    title="零问责",
    reference="R11",
    messages=_,
    params={
        "derived_type": Choice(
            "调离岗位", SANCTION_TYPE.values, N_("sanction derived for the head")
        ),
    },
    needs=("accountability",),
    steps=(
        Step(
            "derive",
            zero,
            reads={"table.exposures", "table.sanctions", "table.cadres"},
            uses={"tolerance"},
            writes={"derived.sanctions", "unit.flags"},
        ),
    ),
    doc="R11: exposure found from above with no accountability of one's own.",
    explainer=Explainer(derived_date=zero_date),
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R9, R10 and R11."""
    return [ACCOUNTABILITY, DUAL_INVESTIGATION, ZERO_ACCOUNTABILITY]
