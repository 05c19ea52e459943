"""The columns of the result files, as text, for scenario 0 of a :class:`Results`.

Shared by every output format (CSV, workbook, report). Published numbers
(``score``) have two decimals, other numbers four; missing values are
empty; text that a spreadsheet would take for a formula is neutralised.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from .blocks import CADRE, UNIT, UNIT_EFFECT, Adjustments, Effects
from .dates import FOREVER, to_day
from .ordering import sort_rows
from .results import Results
from .vocab import CADRE_GRADES, EFFECT, NO_GRADE, ROLE, UNIT_GRADES

Columns = list[NDArray[np.str_]]
#: What a spreadsheet may take for a formula at the start of a cell (OWASP: also tab and CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

UNIT_COLUMNS = (
    "unit_id",
    "name",
    "category",
    "target_score",
    "satisfaction",
    "composite",
    "deductions",
    "bonus",
    "score",
    "rank",
    "grade",
    "flags",
)
CADRE_COLUMNS = (
    "cadre_id",
    "name",
    "unit_id",
    "role",
    "score",
    "rank_in_unit",
    "grade",
    "grade_reason",
    "frozen_until",
    "flags",
)
ADJUSTMENT_COLUMNS = (
    "entity",
    "entity_id",
    "rule",
    "source_table",
    "source_id",
    "points",
    "effect",
    "note",
)
FREEZE_COLUMNS = ("cadre_id", "start", "end", "rule", "source_table", "source_id", "reason")


def text(values: NDArray[np.str_]) -> NDArray[np.str_]:
    """Neutralise cells starting with ``= + - @`` (spreadsheet formula injection)."""
    values = np.asarray(values, dtype=str)
    if values.dtype.itemsize == 0 or not values.shape[0]:
        return values
    first = values.view(np.uint32).reshape(values.shape[0], -1)[:, 0]
    risky = np.isin(first, [ord(start) for start in FORMULA_START])
    if not risky.any():
        return values
    return np.where(risky, np.strings.add("'", values), values)


def replace(values: NDArray[np.str_], old: str, new: str) -> NDArray[np.str_]:
    """``numpy.strings.replace`` with room for a longer result.

    numpy's own casts ``new`` to the input's width, so that
    ``numpy.strings.replace(["<"], "<", "&lt;")`` gives ``["&"]``. The
    input is widened first by what the replacements add.
    """
    values = np.asarray(values, dtype=str)
    if not values.shape[0]:
        return values
    grow = len(new) - len(old)
    if grow > 0:
        hits = int(np.strings.count(values, old).max())
        values = values.astype(f"<U{values.dtype.itemsize // 4 + hits * grow}")
    return np.strings.replace(values, old, new)


def number(values: NDArray[np.float64], decimals: int) -> NDArray[np.str_]:
    """Fixed-point text; NaN is empty; -0 is written as 0."""
    rounded = np.round(np.asarray(values, dtype=np.float64), decimals) + 0.0  # no "-0.00"
    spec = f".{decimals}f"
    return np.asarray(["" if v != v else format(v, spec) for v in rounded.tolist()], dtype=str)


def integer(values: NDArray[np.int64]) -> NDArray[np.str_]:
    """Integers as text; negative (missing) is empty."""
    return np.where(values < 0, "", values.astype(str))


def labels(codes: NDArray[np.int64], names: tuple[str, ...]) -> NDArray[np.str_]:
    """Vocabulary labels of codes; -1 is empty."""
    table = np.asarray((*names, ""))
    return table[np.where(codes < 0, len(names), codes)]


def flag_text(flags: Mapping[str, NDArray[np.bool_]], n: int) -> NDArray[np.str_]:
    """``;``-joined flag names per entity, names in code-point order."""
    joined = np.full(n, "", dtype=object)
    for name in sorted(flags):
        mask = flags[name][0]
        joined = np.where(mask, np.where(joined == "", name, joined + ";" + name), joined)
    return joined.astype(str)


def days(values: NDArray[np.datetime64]) -> NDArray[np.str_]:
    """Dates as text; NaT empty, the far end of time ``indefinite``."""
    formatted = np.datetime_as_string(values, unit="D")
    formatted = np.where(np.isnat(values), "", formatted)
    return np.where(values == FOREVER, "indefinite", formatted)


def _rows(*columns: NDArray[np.str_]) -> Columns:
    return [np.asarray(c, dtype=str) for c in columns]


def unit_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """``units.csv``: one row per unit, in unit_id order."""
    u = results.units
    return UNIT_COLUMNS, _rows(
        text(u.ids),
        text(u.names),
        text(u.categories),
        number(u.target[0], 4),
        number(u.satisfaction[0], 4),
        number(u.composite[0], 4),
        number(u.deductions[0], 4),
        number(u.bonus[0], 4),
        number(u.score[0], 2),
        integer(u.rank[0]),
        labels(u.grade[0], UNIT_GRADES),
        flag_text(u.flags, u.ids.shape[0]),
    )


def cadre_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """``cadres.csv``: one row per cadre, in cadre_id order."""
    c = results.cadres
    return CADRE_COLUMNS, _rows(
        text(c.ids),
        text(c.names),
        text(results.units.ids[c.unit]),
        labels(c.role, ROLE.values),
        number(c.score[0], 2),
        integer(c.rank[0]),
        labels(c.grade[0], (*CADRE_GRADES, NO_GRADE)),
        text(c.grade_reason(0)),
        days(c.frozen_until),
        flag_text(c.flags, c.ids.shape[0]),
    )


def _adjustment_text(block: Adjustments, keep: NDArray[np.bool_]) -> list[NDArray[np.str_]]:
    """rule, source_table, source_id, effect and note of the kept rows of a block."""
    n = int(keep.sum())
    return [
        np.full(n, block.rule),
        np.full(n, block.source_table),
        block.ids()[keep],
        np.full(n, block.effect),
        block.notes()[keep],
    ]


def _effect_text(block: Effects) -> list[NDArray[np.str_]]:
    """The same columns for grade effects: 0 points, the effect's label as ``effect``."""
    names = UNIT_EFFECT if block.entity == UNIT else EFFECT.values
    return [
        np.full(len(block), block.rule),
        block.column("source_table"),
        block.column("source_id"),
        labels(block.level, names),
        block.column("note"),
    ]


def adjustment_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """``adjustments.csv``: every scored row, cap, exemption, score part and grade effect.

    Units first, then cadres, each by id; within an entity, in the order
    the rules ran.
    """
    ids = {UNIT: results.units.ids, CADRE: results.cadres.ids}
    entity, index, points, texts = [], [], [], []
    for block in results.adjustments:
        keep = block.points[0] != 0 if block.drop_if_zero else np.ones(len(block), dtype=bool)
        entity.append(np.full(int(keep.sum()), block.entity))
        index.append(block.index[keep])
        points.append(block.points[0][keep])
        texts.append(_adjustment_text(block, keep))
    for effects in results.effects:
        entity.append(np.full(len(effects), effects.entity))
        index.append(effects.index)
        points.append(np.zeros(len(effects)))
        texts.append(_effect_text(effects))
    if not entity:
        return ADJUSTMENT_COLUMNS, [np.zeros(0, dtype=str) for _ in ADJUSTMENT_COLUMNS]
    kinds = np.concatenate(entity)
    entity_id = np.concatenate(
        [
            ids[str(kind[0])][rows] if len(kind) else kind
            for kind, rows in zip(entity, index, strict=True)
        ]
    )
    # ids are sorted (code-point order): the index order is the id order, and
    # integers sort much faster than strings
    order = sort_rows([kinds != UNIT, np.concatenate(index)])
    rule, source_table, source_id, effect, note = (
        np.concatenate([t[i] for t in texts])[order] for i in range(5)
    )
    return ADJUSTMENT_COLUMNS, _rows(
        kinds[order],
        text(entity_id[order]),
        rule,
        source_table,
        text(source_id),
        number(np.concatenate(points)[order], 4),
        effect,
        text(note),
    )


def freeze_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """``freezes.csv``: every window that ends after the period starts, or never."""
    windows = [w for w in results.freezes if len(w)]
    if not windows:
        return FREEZE_COLUMNS, [np.zeros(0, dtype=str) for _ in FREEZE_COLUMNS]
    period_start = to_day(results.scheme.period_start)
    cadre = np.concatenate([w.cadre for w in windows])
    start = np.concatenate([w.start for w in windows])
    end = np.concatenate([w.end for w in windows])
    rule = np.concatenate([np.full(len(w), w.rule) for w in windows])
    source_table = np.concatenate([w.column("source_table") for w in windows])
    source_id = np.concatenate([w.column("source_id") for w in windows])
    reason = np.concatenate([w.column("reason") for w in windows])
    shown = np.flatnonzero(end > period_start)
    order = shown[sort_rows([cadre[shown], start[shown]])]  # cadre index order is id order
    return FREEZE_COLUMNS, _rows(
        text(results.cadres.ids[cadre[order]]),
        days(start[order]),
        days(end[order]),
        rule[order],
        source_table[order],
        text(source_id[order]),
        text(reason[order]),
    )


FINDING_COLUMNS = ("category", "findings", "points")
UNCATEGORISED = "未分类"


def finding_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """``findings.csv``: the ledger findings scored this year per 问题类别, and their points.

    The findings are the rows of every input table that declares a
    ``finding_category`` column (the reference contract: ``supervision``'s
    问题类别) and has an adjustment row (exempt ones included, with 0 points);
    points are before the unit cap. An empty category is 未分类.
    """
    tables = results.scheme.registry.tables
    found: list[NDArray[np.str_]] = []
    lost: list[NDArray[np.float64]] = []
    for name, spec in tables.items():
        if spec.finding_category is None or name not in results.data.tables:
            continue
        chosen = [b for b in results.adjustments if len(b) and b.source_table == name]
        if not chosen:
            continue
        table = results.data.tables[name]
        ids = np.concatenate([b.ids() for b in chosen])
        row = np.searchsorted(table[spec.id_column or "id"], ids)
        found.append(table[spec.finding_category][row])
        lost.append(-np.concatenate([b.points[0] for b in chosen]))
    category = np.concatenate(found) if found else np.zeros(0, str)
    points = np.concatenate(lost) if lost else np.zeros(0)
    category = np.where(category == "", UNCATEGORISED, category)
    names, inverse, counts = np.unique(category, return_inverse=True, return_counts=True)
    totals = np.bincount(inverse, weights=points, minlength=names.shape[0]).astype(float)
    return FINDING_COLUMNS, _rows(text(names), integer(counts.astype(np.int64)), number(totals, 4))


#: The result tables, in the order of the folder, and the function that makes each one's columns.
RESULT_TABLES = {
    "units": unit_rows,
    "cadres": cadre_rows,
    "adjustments": adjustment_rows,
    "freezes": freeze_rows,
    "findings": finding_rows,
}
