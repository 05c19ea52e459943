"""Helpers for rules over the ledger (台账): period masks, point rows and caps.

These are the building blocks the reference plugins share; third-party
plugins may use them too. Everything is vectorised over a table's rows and
keeps the scenario axis of the points.
"""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from .blocks import BONUS, CAP, DEDUCTION, Adjustments, Derived, joined_points, strings
from .context import StepContext
from .dates import in_period
from .numeric import group_sum

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


def counted(ctx: StepContext, table: str) -> BoolArray:
    """Rows of ``table`` dated in period and not exempt by 容错纠错 (免责)."""
    rows = ctx.table(table)
    n = len(rows)
    return in_period(rows["date"], ctx.period_start, ctx.period_end) & ~ctx.tolerance().is_exempt(
        table, n
    )


def mitigation_note(ctx: StepContext, table: str, rows: NDArray[np.int64]) -> NDArray[np.str_]:
    """ "; 容错从轻 <id>" for mitigated rows among ``rows`` of ``table``, else ""."""
    tolerance = ctx.tolerance()
    n = len(ctx.table(table))
    mitigated = tolerance.is_mitigated(table, n)[rows]
    decided = tolerance.decided_by(table, n)[rows]
    return np.where(mitigated, np.char.add("; 容错减半 ", decided), "")


def point_rows(
    ctx: StepContext,
    *,
    entity: str,
    kind: str,
    table: str,
    rows: NDArray[np.int64],
    points: FloatArray,
    note: NDArray[np.str_],
) -> Adjustments:
    """Adjustment rows for ``rows`` of ``table`` with positive ``points`` (``(K, len(rows))``).

    Deductions are stored negative, bonuses positive; the entity index is
    the row's ``unit`` (or ``cadre``) column.
    """
    source = ctx.table(table)
    sign = -1.0 if kind == "deduction" else 1.0
    return Adjustments(
        entity=entity,
        kind=kind,
        rule=ctx.rule,
        index=source[entity][rows].astype(np.int64),
        points=sign * points,
        source_table=strings(table, rows.shape[0]),
        source_id=source["id"][rows],
        effect=strings(DEDUCTION if kind == "deduction" else BONUS, rows.shape[0]),
        note=note,
    )


def cap_rows(
    ctx: StepContext, blocks: list[Adjustments], cap: FloatArray, n_entities: int, label: str
) -> Adjustments:
    """A row per entity giving back what exceeds ``cap`` (``(K, 1)``) of ``blocks``' total.

    For deductions the give-back is positive, for bonuses negative; the
    rows are dropped from output in scenarios where the cap does not bite.
    """
    kind = blocks[0].kind
    entity = blocks[0].entity
    index = np.concatenate([b.index for b in blocks])
    total = np.abs(group_sum(joined_points(blocks), index, n_entities))
    entities = np.unique(index)
    excess = np.maximum(0.0, total - cap)[:, entities]
    sign = 1.0 if kind == "deduction" else -1.0
    return Adjustments(
        entity=entity,
        kind=kind,
        rule=ctx.rule,
        index=entities,
        points=sign * excess,
        source_table=strings("", entities.shape[0]),
        source_id=strings("", entities.shape[0]),
        effect=strings(CAP, entities.shape[0]),
        note=strings(label, entities.shape[0]),
        drop_if_zero=True,
    )


def capped(
    ctx: StepContext, blocks: list[Adjustments], cap: FloatArray, n_entities: int, label: str
) -> list[Adjustments]:
    """``blocks`` plus their cap row block (none when there are no rows)."""
    blocks = [b for b in blocks if len(b)]
    if not blocks:
        return []
    return [*blocks, cap_rows(ctx, blocks, cap, n_entities, label)]


def label_rows(labels: tuple[str, ...], codes: NDArray[np.integer]) -> NDArray[np.str_]:
    """The vocabulary label of each code."""
    table: NDArray[np.str_] = np.asarray(labels)
    picked: NDArray[np.str_] = table[codes]
    return picked


__all__ = [
    "BONUS",
    "DEDUCTION",
    "cap_rows",
    "capped",
    "counted",
    "criticisms",
    "label_rows",
    "mitigation_note",
    "point_rows",
]


@attrs.frozen
class Criticisms:
    """Criticisms that count this year: recorded rows in period and not exempt,
    plus derived ones (R5), as parallel columns; ``factor`` is ``(K, n)``."""

    id: NDArray[np.str_]
    date: NDArray[np.datetime64]
    level: NDArray[np.int64]
    unit: NDArray[np.int64]
    cadre: NDArray[np.int64]
    factor: FloatArray
    note: NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.id.shape[0])


def _derived_from(block: Derived) -> NDArray[np.str_]:
    """ "; 由<table> <id>": where a derived record without a note of its own comes from."""
    return np.char.add("; 由", np.char.add(block.source_table, np.char.add(" ", block.source_id)))


def criticisms(ctx: StepContext) -> Criticisms:
    """Recorded criticisms that count, then derived ones (declare ``derived.criticisms``)."""
    table = ctx.table("criticisms")
    rows = np.flatnonzero(counted(ctx, "criticisms"))
    derived = ctx.get("derived.criticisms")
    factor = ctx.tolerance().factor("criticisms", len(table))[:, rows]
    parts = [
        (
            table["id"][rows],
            table["date"][rows],
            table["level"][rows].astype(np.int64),
            table["unit"][rows],
            table["cadre"][rows],
            factor,
            mitigation_note(ctx, "criticisms", rows),
        )
    ]
    for block in derived:
        columns = block.columns
        parts.append(
            (
                columns["id"],
                columns["date"],
                columns["level"].astype(np.int64),
                columns["unit"],
                columns["cadre"],
                block.factor,
                columns["note"] if "note" in columns else _derived_from(block),
            )
        )
    k = max(part[5].shape[0] for part in parts)
    joined = [
        np.concatenate([np.broadcast_to(p[5], (k, p[5].shape[1])) for p in parts], axis=1)
        if i == 5
        else np.concatenate([part[i] for part in parts])
        for i in range(7)
    ]
    return Criticisms(*joined)
