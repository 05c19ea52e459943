"""R14 cadre score: democratic appraisal V, unit link U, and the parts plugins add.

``V = (100*excellent + 80*competent + 60*basic + 40*incompetent) / votes``;
``U = F`` of the cadre's unit for head and leaders. Other parts (the exam
``E``) come from plugins as :class:`~kaohe.blocks.Component` blocks. Each
part is weighted by role; a missing part's weight is dropped and the rest
rescaled. Deductions (attendance ``A``) are then subtracted:
``S = round2(min(100, max(0, weighted mean - A)))``. A cadre without votes
gets no score and the effect 不定等次 (reason 无民主测评).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..audit.explaining import Explainer, ExplainView, Part, f4, num
from ..blocks import CADRE, COMPONENT, Adjustments, Component, Effects, RowText, sum_points
from ..context import StepContext
from ..hookspecs import hookimpl
from ..i18n import N_
from ..numeric import round2_in_place, varying_columns, width
from ..params import Number, NumberMap
from ..rule import Rule, Step
from ..values import Value
from ..vocab import EFFECT, ROLE
from .score_profiles import parts_by_profile

VOTE_COLUMNS = ("excellent", "competent", "basic", "incompetent")
NO_VOTES_NOTE = "无民主测评"


@attrs.frozen(repr=False, eq=False)
class CadreScore(Value):
    """Per cadre: ``score`` S and ``appraisal`` V (``(K or 1, n)``, NaN where none),
    summed ``votes`` (``(n, 4)`` int, columns as :data:`VOTE_COLUMNS`), and the
    score's parts as adjustment rows (none when the evaluation keeps outcomes
    only: :attr:`~kaohe.context.StepContext.outcomes_only`)."""

    score: NDArray[np.float64]
    appraisal: NDArray[np.float64]
    votes: NDArray[np.int64]
    parts: tuple[Adjustments, ...]


def _votes(ctx: StepContext) -> NDArray[np.int64]:
    table = ctx.table("votes")
    n = ctx.n_cadres
    cadre = table["cadre"]
    return np.stack(
        [np.bincount(cadre, weights=table[c], minlength=n) for c in VOTE_COLUMNS], axis=1
    ).astype(np.int64)


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """Score every cadre with votes, in every scenario."""
    n = ctx.n_cadres
    cadres = ctx.table("cadres")
    role = cadres["role"].astype(np.int64)
    votes = _votes(ctx)
    total = votes[:, 0] + votes[:, 1] + votes[:, 2] + votes[:, 3]  # faster than sum(axis=1)
    has_votes = total > 0
    values = ctx.param_map("appraisal_values", VOTE_COLUMNS)
    appraisal = (votes[None, :, :] * values[:, None, :]).sum(axis=2) / np.where(has_votes, total, 1)
    appraisal = np.where(has_votes[None, :], appraisal, np.nan)
    unit_score = ctx.get("unit.score").score[:, cadres["unit"]]
    components = [
        Component(
            ctx.rule, "民主测评", appraisal, ctx.param_map("appraisal_weight", ROLE.values), "votes"
        ),
        Component(
            ctx.rule, "单位得分", unit_score, ctx.param_map("unit_weight", ROLE.values), "units"
        ),
        *ctx.get("cadre.components"),
    ]
    gaps = [_missing(c.values) for c in components]
    value_varies = [None, _unit_link_varies(ctx), *(None for _ in components[2:])]
    moving = _moving_cadres(components, value_varies, role)
    still = np.flatnonzero(~moving)
    moving_columns = np.flatnonzero(moving)
    # the parts of the cadres that no scenario changes are computed once; a study
    # that keeps outcomes only needs no part's points per scenario, their sum only
    keep_parts = not ctx.outcomes_only
    at_still = _parts_at(components, gaps, role, has_votes, still, first=True)
    profiled = parts_by_profile(
        components, gaps, role, has_votes, moving_columns, at_still[0], keep_parts
    )
    if profiled is None:
        at_moving = _parts_at(components, gaps, role, has_votes, moving_columns, first=False)
        joined = (
            [
                _merged(rows_s, points_s, rows_m, points_m)
                for (rows_s, points_s), (rows_m, points_m) in zip(
                    at_still[0], at_moving[0], strict=True
                )
            ]
            if keep_parts
            else []
        )
        usable_m, summed = at_moving[1], _summed(moving_columns, at_moving[0])
    else:
        joined, usable_m, summed = profiled.parts, profiled.usable, profiled.summed
    parts = _part_rows(ctx, components, joined) if keep_parts else []
    k_usable = usable_m.shape[0] if moving_columns.shape[0] else 1
    usable = np.empty((k_usable, n), dtype=bool)
    usable[:, still] = at_still[1]
    usable[:, moving_columns] = usable_m
    deductions = sum_points(ctx.get("cadre.adjustments"), "deduction", n)
    score = _scores(_still_summed(at_still[0], n), deductions, usable, moving_columns, summed)
    k = width(score, appraisal)
    score = np.broadcast_to(score, (k, n))
    missing, cadre_ids = np.flatnonzero(~has_votes), ctx.data.cadre_ids
    no_votes = Effects(
        entity=CADRE,
        rule=ctx.rule,
        index=missing,
        level=np.full(missing.shape[0], EFFECT.code("不定等次"), dtype=np.int64),
        source_table="votes",
        source_id=lambda: cadre_ids[missing],
        note=NO_VOTES_NOTE,
    )
    return {
        "cadre.score": CadreScore(score, appraisal, votes, tuple(parts)),
        "cadre.effects": [no_votes],
    }


def _part_rows(
    ctx: StepContext,
    components: list[Component],
    joined: list[tuple[NDArray[np.int64], NDArray[np.float64]]],
) -> list[Adjustments]:
    """The score's parts as adjustment rows: each component's rows and points."""
    return [
        Adjustments(
            entity=CADRE,
            kind="component",
            rule=component.rule,
            index=rows,
            points=points,
            source_table=component.source_table,
            source_id=_source_ids(ctx, component.source_table, rows),
            effect=COMPONENT,
            note=component.name,
        )
        for component, (rows, points) in zip(components, joined, strict=True)
    ]


def _unit_link_varies(ctx: StepContext) -> NDArray[np.bool_]:
    """The cadres whose unit's published score differs between scenarios."""
    unit_score = ctx.get("unit.score").score
    varies = np.zeros(unit_score.shape[1], dtype=bool)
    varies[varying_columns(unit_score)] = True
    cadres: NDArray[np.bool_] = varies[ctx.table("cadres")["unit"]]
    return cadres


def _moving_cadres(
    components: list[Component],
    value_varies: list[NDArray[np.bool_] | None],
    role: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """The cadres whose weights or counted values differ between scenarios: a role's
    weight that varies, or a value that varies where its weight is not 0 in every
    scenario (a part weighted 0 everywhere is not counted, whatever its value)."""
    moving = np.zeros(role.shape[0], dtype=bool)
    for component, varies in zip(components, value_varies, strict=True):
        weights = component.weights
        moving |= (weights != weights[:1]).any(axis=0)[role]
        if varies is None:
            varies = np.zeros(role.shape[0], dtype=bool)
            varies[varying_columns(component.values)] = True
        moving |= varies & (weights != 0).any(axis=0)[role]
    return moving


PartsAt = tuple[
    list[tuple[NDArray[np.int64], NDArray[np.float64]]],
    NDArray[np.bool_],
]


def _parts_at(
    components: list[Component],
    gaps: list[NDArray[np.bool_] | None],
    role: NDArray[np.int64],
    has_votes: NDArray[np.bool_],
    columns: NDArray[np.int64],
    first: bool,
) -> PartsAt:
    """Each part's rows among ``columns`` and their points, and where the cadres of
    ``columns`` are usable: on the first scenario only (``first``), or on every one.

    Element by element the arithmetic of a single run: weights (a missing part's
    dropped), their total added in part order, points ``weight * value / total``.
    """
    pick = slice(0, 1) if first else slice(None)
    weights = []
    for component, gap in zip(components, gaps, strict=True):
        weight = component.weights[pick][:, role[columns]]
        if gap is not None:
            weight = np.where(gap[pick][:, columns], 0.0, weight)
        weights.append(weight)
    total_weight = sum(weights[1:], weights[0])
    usable = has_votes[None, columns] & (total_weight > 0)
    found = []
    for component, weight, gap in zip(components, weights, gaps, strict=True):
        counted = usable & (weight > 0)
        rows = np.flatnonzero(counted.any(axis=0))  # a part is computed where it counts only
        known = component.values[pick][:, columns[rows]]
        if gap is not None:
            known = np.nan_to_num(known)
        if rows.shape[0] < columns.shape[0]:
            counted, weight = counted[:, rows], weight[:, rows]
            where_usable, total = usable[:, rows], total_weight[:, rows]
        else:  # counted everywhere (the usual case): no copies
            where_usable, total = usable, total_weight
        points = np.where(counted, weight * known, 0.0)
        points /= np.where(where_usable, total, 1.0)
        found.append((columns[rows], points))
    return found, usable


def _merged(
    rows_still: NDArray[np.int64],
    points_still: NDArray[np.float64],
    rows_moving: NDArray[np.int64],
    points_moving: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """A part's rows (ascending) and points, ``(1, rows)`` when none of its rows moves."""
    if rows_moving.shape[0] == 0:
        return rows_still, points_still
    rows = np.sort(np.concatenate([rows_still, rows_moving]))
    points = np.empty((points_moving.shape[0], rows.shape[0]))
    points[:, np.searchsorted(rows, rows_still)] = points_still
    points[:, np.searchsorted(rows, rows_moving)] = points_moving
    return rows, points


def _summed(
    moving: NDArray[np.int64],
    moving_parts: list[tuple[NDArray[np.int64], NDArray[np.float64]]],
) -> NDArray[np.float64]:
    """``(K or 1, len(moving))``: each moving cadre's points added in part order,
    from each part's rows among ``moving`` and their points."""
    k = max((points.shape[0] for _, points in moving_parts), default=1)
    summed = np.zeros((k, moving.shape[0]))
    for rows, points in moving_parts:
        if rows.shape[0] == moving.shape[0]:
            summed += points
        else:
            summed[:, np.searchsorted(moving, rows)] += points
    return summed


def _still_summed(
    still_parts: list[tuple[NDArray[np.int64], NDArray[np.float64]]], n: int
) -> NDArray[np.float64]:
    """``(1, n)``: each still cadre's points (``_parts_at`` of the still cadres, on the
    first scenario) added in part order from 0; 0 for the moving cadres."""
    still = np.zeros((1, n))
    for rows, points in still_parts:
        still[:, rows] += points[:1]
    return still


def _scores(
    still: NDArray[np.float64],
    deductions: NDArray[np.float64],
    usable: NDArray[np.bool_],
    moving: NDArray[np.int64],
    summed: NDArray[np.float64],
) -> NDArray[np.float64]:
    """S of every cadre, ``(K or 1, n)``: the parts added in order, then :func:`_published`.

    ``still`` ``(1, n)`` are the parts of the cadres that no scenario changes
    added in order (:func:`_still_summed`); ``moving`` are the cadres whose
    parts or usability vary by scenario, ``summed`` their parts added in order
    (:func:`_summed`), ``(K, len(moving))``; there are none unless ``K > 1``.
    Cadres that no scenario changes (not moving, and no deduction of theirs
    varies) are computed once; the others per scenario. Either way a cadre's
    parts are added in the same order as in a single run, so a batch gives
    exactly what separate runs give.
    """
    n = usable.shape[1]
    k = width(deductions, usable, summed)
    score = _published(still, deductions[:1], usable[:1])
    if k == 1:
        return score
    varying = np.union1d(varying_columns(deductions), moving)
    if varying.shape[0] == 0:
        return score
    if varying.shape[0] == moving.shape[0]:
        weighted = summed
    else:  # cadres whose deductions only vary: their parts as in every scenario
        weighted = np.empty((k, varying.shape[0]))
        weighted[...] = still[:, varying]
        weighted[:, np.searchsorted(varying, moving)] = summed
    scores = np.empty((k, n))
    scores[...] = score
    # ``weighted`` is a fresh array: the scores are made in it when it has every row
    into = weighted if weighted.shape[0] == k else None
    published = _published(weighted, deductions[:, varying], usable[:, varying], out=into)
    scores[:, varying] = published
    return scores


def _published(
    weighted: NDArray[np.float64],
    deductions: NDArray[np.float64],
    usable: NDArray[np.bool_],
    out: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """``S = round2(min(100, max(0, weighted mean - A)))`` where usable, else NaN;
    written into ``out`` when given (of the result's shape; ``weighted`` itself may be it).

    One clip instead of max then min: the same but for the sign of a zero,
    which the rounding drops (``floor(±0 * 100 + 0.5 + 1e-9) / 100`` is ``+0``).
    """
    score = np.add(weighted, deductions, out=out)
    np.clip(score, 0.0, 100.0, out=score)
    round2_in_place(score)
    np.copyto(score, np.nan, where=~usable)
    return score


def _missing(values: NDArray[np.float64]) -> NDArray[np.bool_] | None:
    """Where a part is missing (NaN): None when nowhere; one row when every
    scenario misses the same cadres (the usual case: missing data)."""
    gap = np.isnan(values)
    if not gap.any():
        return None
    if gap.shape[0] > 1 and bool((gap == gap[:1]).all()):
        return gap[:1]
    return gap


def _source_ids(ctx: StepContext, table: str, rows: NDArray[np.int64]) -> RowText:
    """The source id of each part row: the unit for the unit link, else the cadre."""
    if table == "units":
        unit, unit_ids = ctx.table("cadres")["unit"], ctx.data.unit_ids
        return lambda: unit_ids[unit[rows]]
    cadre_ids = ctx.data.cadre_ids
    return lambda: cadre_ids[rows]


def _by_role(head: float, leader: float, middle: float, staff: float) -> dict[str, float]:
    return dict(zip(ROLE.values, (head, leader, middle, staff), strict=True))


VOTE_COLUMNS = ("excellent", "competent", "basic", "incompetent")
VOTE_NAMES = ("优秀票", "称职票", "基本称职票", "不称职票")


def explain_part(view: ExplainView, source_table: str, role: str) -> Part:
    """V from the cadre's votes, or U, the unit's published score, with their weights."""
    i = view.index
    if source_table == "votes":
        table = view.data.tables["votes"]
        mine = table["cadre"] == i
        counts = [int(table[col][mine].sum()) for col in VOTE_COLUMNS]
        values: Mapping[str, float] = view.param("appraisal_values")
        v = float(view.results.cadres.appraisal[0, i])
        terms = " + ".join(
            f"{num(values[col])}×{name} {k}"
            for col, name, k in zip(VOTE_COLUMNS, VOTE_NAMES, counts, strict=True)
        )
        weight = float(view.param("appraisal_weight")[role])
        return v, f"民主测评 V = ({terms}) / {sum(counts)} 票 = {f4(v)}", weight
    if source_table == "units":
        unit = int(view.results.cadres.unit[i])
        f = float(view.results.units.score[0, unit])
        return (
            f,
            f"单位得分 U = 所在单位公布得分 F = {f:.2f}",
            float(view.param("unit_weight")[role]),
        )
    return None, "", None


RULE = Rule(
    name="cadre_score",
    title="干部年度考核得分",
    reference="R14",
    params={
        "appraisal_values": NumberMap(
            dict(zip(VOTE_COLUMNS, (100.0, 80.0, 60.0, 40.0), strict=True)),
            keys=VOTE_COLUMNS,
            value=Number(0.0, high=100.0),
            doc=N_("points of a vote of each kind"),
        ),
        "appraisal_weight": NumberMap(
            _by_role(0.5, 0.5, 0.8, 0.8), keys=ROLE.values, doc=N_("weight of V per role")
        ),
        "unit_weight": NumberMap(
            _by_role(0.4, 0.4, 0.0, 0.0), keys=ROLE.values, doc=N_("weight of U per role")
        ),
    },
    requires_tables=("votes",),
    steps=(
        Step(
            "score",
            compute,
            reads={"table.cadres", "table.votes", "unit.score"},
            uses={"cadre.components", "cadre.adjustments"},
            writes={"cadre.score", "cadre.effects"},
        ),
    ),
    doc=__doc__ or "",
    explainer=Explainer(part=explain_part),
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R14."""
    return [RULE]
