"""Helpers for rules over the ledger (台账): period masks, point rows and caps.

These are the building blocks the reference plugins share; third-party
plugins may use them too. Everything is vectorised over a table's rows and
keeps the scenario axis of the points. Text (ids, notes) is handed over as
functions that make it when the results are written, never during scoring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .blocks import (
    BONUS,
    CAP,
    DEDUCTION,
    Adjustments,
    RowText,
    entity_totals,
    resolve,
    resolve_arrow,
)
from .context import StepContext
from .dates import in_period
from .values import Value

if TYPE_CHECKING:
    from .context import Tolerance
    from .data import Table

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]
Lazy = Callable[[], NDArray[np.str_]]


def counted(ctx: StepContext, table: str) -> BoolArray:
    """Rows of ``table`` dated in period and not exempt by 容错纠错 (免责)."""
    rows = ctx.table(table)
    n = len(rows)
    return in_period(rows["date"], ctx.period_start, ctx.period_end) & ~ctx.tolerance().is_exempt(
        table, n
    )


def mitigation_note(ctx: StepContext, table: str, rows: NDArray[np.int64]) -> Lazy:
    """A function giving "; 容错减半 <id>" for mitigated rows among ``rows``, else ""
    (a :class:`MitigationNote`)."""
    return MitigationNote(ctx.tolerance(), table, len(ctx.table(table)), rows)


@attrs.frozen(repr=False, eq=False)
class MitigationNote(Value):
    """ "; 容错减半 <id>" for the rows among ``rows`` of ``table`` (``n`` rows) that
    ``tolerance`` mitigates, else "": numpy text when called, Arrow from :meth:`arrow`.
    The text is made for the mitigated rows alone (a few among many)."""

    tolerance: Tolerance
    table: str
    n: int
    rows: NDArray[np.int64]

    def _mitigated(self) -> tuple[NDArray[np.bool_], NDArray[np.str_]]:
        mitigated = self.tolerance.is_mitigated(self.table, self.n)[self.rows]
        decided = self.tolerance.deciding(self.table, self.rows[mitigated])
        return mitigated, np.char.add("; 容错减半 ", decided)

    def __call__(self) -> NDArray[np.str_]:
        mitigated, notes = self._mitigated()
        text = np.full(mitigated.shape[0], "", dtype=notes.dtype if notes.shape[0] else "U1")
        text[mitigated] = notes
        return text

    def arrow(self) -> Any:
        """The notes as a dictionary-encoded Arrow string array ("" and the distinct notes)."""
        import pyarrow as pa

        from . import arrowcompute as pc
        from .arrowtext import encoded, from_numpy

        mitigated, notes = self._mitigated()
        found = pc.dictionary_encode(from_numpy(notes))
        codes = np.zeros(mitigated.shape[0], dtype=np.int32)
        codes[mitigated] = pc.numpy(found.indices) + 1
        cells = pa.concat_arrays([pc.array([""], pa.large_string()), found.dictionary])
        return encoded(codes, cells)


@attrs.frozen(repr=False, eq=False)
class Joined(Value):
    """Texts concatenated row by row (each a string, an array or a text function).

    Called, it gives numpy text, as every :data:`~kaohe.blocks.RowText`
    function does; :meth:`arrow` joins the parts' Arrow text with Arrow
    (what the result files are written from).
    """

    parts: tuple[RowText | Lazy, ...]
    n: int

    def __call__(self) -> NDArray[np.str_]:
        text = resolve(self.parts[0], self.n)
        for part in self.parts[1:]:
            text = np.char.add(text, resolve(part, self.n))
        return text

    def arrow(self) -> Any:
        """The joined text as an Arrow string array: dictionary-encoded when every part
        is a string or gives dictionary-encoded text (labels, statuses, notes of few
        distinct values), the codes of the parts combined into one code per row and
        no text made per row; joined cell by cell otherwise."""
        import pyarrow as pa

        from . import arrowcompute as pc
        from .arrowtext import combined

        large = pa.large_string()
        pieces = [
            part if isinstance(part, str) else resolve_arrow(part, self.n, encoded=True)
            for part in self.parts
        ]
        together = combined(pieces, self.n)
        if together is not None:
            return together
        plain = [
            pc.scalar(piece, large) if isinstance(piece, str) else resolve_arrow(piece, self.n)
            for piece in pieces
        ]
        return pc.binary_join_element_wise(*plain, pc.scalar("", large))


def joined(*parts: RowText | Lazy, n: int) -> Lazy:
    """A function concatenating texts row by row (each a string, an array or a function)."""
    return Joined(parts, n)


@attrs.frozen(repr=False, eq=False)
class Labelled(Value):
    """The vocabulary label of each code, as a :data:`~kaohe.blocks.RowText` function
    (numpy when called, Arrow from :meth:`arrow`)."""

    labels: tuple[str, ...]
    codes: NDArray[np.integer[Any]]

    def __call__(self) -> NDArray[np.str_]:
        return np.asarray(self.labels, dtype=str)[np.asarray(self.codes, dtype=np.intp)]

    def arrow(self) -> Any:
        """The labels as a dictionary-encoded Arrow string array (the labels, a code per row)."""
        import pyarrow as pa

        from . import arrowcompute as pc
        from .arrowtext import encoded

        codes = np.where(self.codes < 0, self.codes + len(self.labels), self.codes)  # as numpy
        return encoded(codes, pc.array(self.labels, pa.large_string()))


#: How an overdue record is labelled: rectified after its deadline, or not rectified at all.
LATE_RECTIFIED, NOT_RECTIFIED = "逾期整改", "逾期未整改"


def rectified_by(rectified: NDArray[np.datetime64], as_of: np.datetime64) -> BoolArray:
    """Records with a rectification date on or before ``as_of`` (done, if late)."""
    return ~np.isnat(rectified) & (rectified <= as_of)


def overdue_label(rectified: NDArray[np.datetime64], as_of: np.datetime64) -> NDArray[np.str_]:
    """The label of overdue records: 逾期整改 where a rectification date on or before
    ``as_of`` is recorded (late, but done), 逾期未整改 otherwise."""
    return np.where(rectified_by(rectified, as_of), LATE_RECTIFIED, NOT_RECTIFIED)


def picked(text: Lazy, rows: NDArray[np.int64]) -> Lazy:
    """A function giving ``text()[rows]`` (with an ``arrow()`` too when ``text`` has one)."""
    if isinstance(text, LedgerIds):
        return text.picked(rows)
    if hasattr(text, "arrow"):
        return Picked(text, np.asarray(rows, dtype=np.int64))
    return lambda: text()[rows]


@attrs.frozen(repr=False, eq=False)
class Picked(Value):
    """Rows ``rows`` of a text function that gives Arrow text too, as a
    :data:`~kaohe.blocks.RowText` function: numpy when called, and from
    :meth:`arrow` the rows of its Arrow text (dictionary-encoded text stays so)."""

    text: Any
    rows: NDArray[np.int64]

    def __call__(self) -> NDArray[np.str_]:
        return np.asarray(self.text())[self.rows]

    def arrow(self) -> Any:
        """The rows as Arrow text, taken from the text's own."""
        from . import arrowcompute as pc

        return pc.take(self.text.arrow(), self.rows)


@attrs.frozen(repr=False, eq=False)
class LedgerIds(Value):
    """The ids of ``rows`` of an input table, as a :data:`~kaohe.blocks.RowText` function.

    Called, it gives them as numpy text, as every text function does;
    :meth:`arrow` gives them as the Arrow text they were read as, which is
    what the result files are written from (no numpy text made of ids no
    rule reads).
    """

    table: Table
    rows: NDArray[np.int64]

    def __call__(self) -> NDArray[np.str_]:
        return self.table["id"][self.rows]

    def arrow(self) -> Any:
        """The ids as an Arrow string array."""
        from . import arrowcompute as pc

        return pc.take(self.table.text("id"), self.rows.astype(np.int64, copy=False))

    def rows_of(self, table: object) -> NDArray[np.int64] | None:
        """The rows these ids are of, when they are of ``table``; None otherwise."""
        return self.rows if self.table is table else None

    def picked(self, rows: NDArray[np.int64]) -> LedgerIds:
        """The ids of rows ``rows`` of these."""
        return LedgerIds(self.table, self.rows[rows])


def ids_of(ctx: StepContext, table: str, rows: NDArray[np.int64]) -> Lazy:
    """A function giving the ids of ``rows`` of ``table`` (a :class:`LedgerIds`)."""
    return LedgerIds(ctx.table(table), np.asarray(rows, dtype=np.int64))


def point_rows(
    ctx: StepContext,
    *,
    entity: str,
    kind: str,
    table: str,
    rows: NDArray[np.int64],
    points: FloatArray,
    note: RowText,
) -> Adjustments:
    """Adjustment rows for ``rows`` of ``table`` with positive ``points`` (``(K or 1, rows)``).

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
        source_table=table,
        source_id=ids_of(ctx, table, rows),
        effect=DEDUCTION if kind == "deduction" else BONUS,
        note=note,
    )


def cap_rows(
    ctx: StepContext, blocks: list[Adjustments], cap: FloatArray, n_entities: int, label: str
) -> Adjustments:
    """A row per entity giving back what exceeds ``cap`` (``(K or 1, 1)``) of ``blocks``' total.

    For deductions the give-back is positive, for bonuses negative; the
    rows are dropped from output in scenarios where the cap does not bite.
    """
    kind = blocks[0].kind
    entity = blocks[0].entity
    index = np.concatenate([b.index for b in blocks])
    total = np.abs(entity_totals(blocks, n_entities))
    entities = np.flatnonzero(np.bincount(index, minlength=n_entities))
    excess = np.maximum(0.0, total - cap)[:, entities]
    sign = 1.0 if kind == "deduction" else -1.0
    return Adjustments(
        entity=entity,
        kind=kind,
        rule=ctx.rule,
        index=entities,
        points=sign * excess,
        source_table="",
        source_id="",
        effect=CAP,
        note=label,
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


def deduct(
    ctx: StepContext,
    table: str,
    points: FloatArray,
    note: RowText,
    *,
    rows: NDArray[np.int64] | None = None,
    cap: FloatArray | None = None,
    cap_note: str = "封顶",
    entity: str = "unit",
) -> dict[str, list[Adjustments]]:
    """What a deduction step returns: ``{"unit.adjustments": blocks}`` (or ``cadre.``).

    One deduction row for each of ``rows`` of ``table`` (by default the rows
    that count: dated in period and not exempt by 容错纠错), for the unit (or
    cadre) the row names, of ``points`` (positive; ``(K or 1, 1)`` for every
    row alike or ``(K or 1, rows)``); with ``cap`` (``(K or 1, 1)``), a row
    per entity giving back what exceeds it.
    """
    if rows is None:
        rows = np.flatnonzero(counted(ctx, table))
    points = np.asarray(points, dtype=np.float64)
    points = np.broadcast_to(points, (points.shape[0] if points.ndim == 2 else 1, rows.size))
    block = point_rows(
        ctx, entity=entity, kind="deduction", table=table, rows=rows, points=points, note=note
    )
    n = ctx.n_units if entity == "unit" else ctx.n_cadres
    blocks = [block] if cap is None else capped(ctx, [block], cap, n, cap_note)
    return {f"{entity}.adjustments": blocks}


def label_rows(labels: tuple[str, ...], codes: NDArray[np.integer]) -> Lazy:
    """A function giving the vocabulary label of each code (a :class:`Labelled`)."""
    return Labelled(tuple(labels), np.asarray(codes))


@attrs.frozen(repr=False, eq=False)
class Criticisms(Value):
    """Criticisms that count this year: recorded rows in period and not exempt,
    plus derived ones (R5), as parallel columns; ``factor`` is ``(K or 1, n)``.

    ``order`` sorts the rows as their ids would (code-point order), without
    comparing strings; :meth:`ids` and :meth:`notes` make the text.
    """

    order: NDArray[np.int64]
    date: NDArray[np.datetime64]
    level: NDArray[np.int64]
    unit: NDArray[np.int64]
    cadre: NDArray[np.int64]
    factor: FloatArray
    ids: Lazy
    notes: Lazy

    def __len__(self) -> int:
        return int(self.order.shape[0])


def criticisms(ctx: StepContext) -> Criticisms:
    """Recorded criticisms that count, then derived ones (declare ``derived.criticisms``)."""
    table = ctx.table("criticisms")
    rows = np.flatnonzero(counted(ctx, "criticisms"))
    factor = ctx.tolerance().factor("criticisms", len(table), rows)
    derived = [block for block in ctx.get("derived.criticisms") if len(block)]
    if not derived:
        return Criticisms(
            order=rows.astype(np.int64),
            date=table["date"][rows],
            level=table["level"][rows].astype(np.int64),
            unit=table["unit"][rows],
            cadre=table["cadre"][rows],
            factor=factor,
            ids=ids_of(ctx, "criticisms", rows),
            notes=mitigation_note(ctx, "criticisms", rows),
        )
    extra_ids = np.concatenate([b.columns["id"] for b in derived])
    # recorded rows are in id order; place each derived id among them
    rank = np.empty(extra_ids.shape[0], dtype=np.int64)
    rank[np.argsort(extra_ids, kind="stable")] = np.arange(extra_ids.shape[0])
    slot = np.searchsorted(table["id"], extra_ids)
    width = extra_ids.shape[0] + 1
    order = np.concatenate([rows * 2 * width, (slot * 2 + 1) * width + rank])
    k = max(factor.shape[0], *(b.factor.shape[0] for b in derived))
    recorded_notes = mitigation_note(ctx, "criticisms", rows)

    def ids() -> NDArray[np.str_]:
        return np.concatenate([table["id"][rows], extra_ids])

    def notes() -> NDArray[np.str_]:
        return np.concatenate([recorded_notes(), *(resolve(b.note, len(b)) for b in derived)])

    return Criticisms(
        order=order,
        date=np.concatenate([table["date"][rows], *(b.columns["date"] for b in derived)]),
        level=np.concatenate(
            [table["level"][rows].astype(np.int64), *(b.columns["level"] for b in derived)]
        ).astype(np.int64),
        unit=np.concatenate([table["unit"][rows], *(b.columns["unit"] for b in derived)]),
        cadre=np.concatenate([table["cadre"][rows], *(b.columns["cadre"] for b in derived)]),
        factor=np.concatenate(
            [np.broadcast_to(f, (k, f.shape[1])) for f in (factor, *(b.factor for b in derived))],
            axis=1,
        ),
        ids=ids,
        notes=notes,
    )


__all__ = [
    "BONUS",
    "DEDUCTION",
    "Criticisms",
    "cap_rows",
    "capped",
    "counted",
    "criticisms",
    "ids_of",
    "joined",
    "label_rows",
    "mitigation_note",
    "picked",
    "point_rows",
]
