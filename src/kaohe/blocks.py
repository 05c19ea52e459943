"""The values rules produce, as columnar blocks with a scenario axis.

A rule step returns these in the slots it writes. Every per-row or
per-entity number carries a leading scenario axis of length ``K`` (the
scenarios of the batch), or 1 when it is the same in every scenario, so
that what no scenario changes is computed once; structural columns
(indices, ids, dates, labels) carry none, because they are the same in every
scenario of a batch.

The kernel checks each block when a step returns it (:meth:`check`), so a
plugin that returns the wrong shape, dtype or a NaN is caught at once with
its name on the error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .values import Value

UNIT = "unit"
CADRE = "cadre"

#: ``effect`` labels of adjustment rows (adjustments.csv).
DEDUCTION = "扣分"
BONUS = "加分"
CAP = "cap"
EXEMPT = "容错免责"
COMPONENT = "得分"


#: Text of a block's rows: one string for every row, an array with one
#: string per row, or a function that makes that array when it is needed.
#: Scoring never needs text; writing and explaining do, so rules hand over
#: functions and no string is built for a row nobody reads. A function that
#: also has an ``arrow()`` method giving the same text as an Arrow string
#: array is asked for that by the writers (:func:`kaohe.sdk.ids_of` gives
#: one: ids read from a file reach the result file without becoming numpy
#: text); the array may be dictionary-encoded (text of few distinct cells:
#: :func:`kaohe.sdk.label_rows` gives codes into its labels, and
#: :func:`kaohe.sdk.joined` joins such parts as codes, each combination
#: spelled once). A function should
#: capture the arrays it needs (``ids = ctx.data.cadre_ids``), not the step
#: context: the context holds every slot, a cycle that keeps a batch's
#: arrays alive until the garbage collector runs.
RowText = str | NDArray[np.str_] | Callable[[], NDArray[np.str_]]


def _made(text: RowText, n: int, *, arrow: bool = False) -> Any:
    """The array ``text`` stands for (numpy, or with ``arrow`` Arrow where its
    function offers that), checked to have ``n`` rows."""
    make = getattr(text, "arrow", text) if arrow else text
    value: Any = make() if callable(make) else text
    if not hasattr(value, "__arrow_c_array__"):
        value = np.asarray(value)
        if value.shape != (n,):
            raise ValueError(f"text of {value.shape[0] if value.ndim else 0} rows for {n} rows")
    elif len(value) != n:
        raise ValueError(f"text of {len(value)} rows for {n} rows")
    return value


def resolve(text: RowText, n: int) -> NDArray[np.str_]:
    """The ``(n,)`` numpy string array that ``text`` stands for."""
    if isinstance(text, str):
        return np.full(n, text)
    return np.asarray(_made(text, n), dtype=str)


def resolve_arrow(text: RowText, n: int, *, encoded: bool = False) -> Any:
    """The text ``text`` stands for as an Arrow ``large_string`` array of ``n`` rows;
    with ``encoded``, dictionary-encoded text stays so (its dictionary ``large_string``,
    its codes ``int32``), for the writers, which look the few distinct cells up."""
    from . import arrowtext as at

    if isinstance(text, str):
        return at.constant(text, n)
    value = _made(text, n, arrow=True)
    if isinstance(value, np.ndarray):
        return at.from_numpy(value)
    import pyarrow as pa

    from . import arrowcompute as pc

    if not isinstance(value, pa.Array):
        value = pa.array(value)  # through the Arrow PyCapsule interface
    if encoded and pa.types.is_dictionary(value.type):
        return at.distinct(value)
    return pc.cast(value, pa.large_string())


def _fail(what: str, message: str) -> ValueError:
    return ValueError(f"{what}: {message}")


def _check_rows(name: str, array: object, n: int, kind: str) -> None:
    if not isinstance(array, np.ndarray):
        raise _fail(name, f"expected a numpy array, got {type(array).__name__}")
    if array.ndim != 1 or array.shape[0] != n:
        raise _fail(name, f"expected shape ({n},), got {array.shape}")
    if array.dtype.kind not in kind:
        raise _fail(name, f"expected dtype kind {kind!r}, got {array.dtype}")


def _check_text(name: str, text: object, n: int) -> None:
    if isinstance(text, str) or callable(text):
        return
    _check_rows(name, text, n, "U")


def _check_index(name: str, index: object, n: int, n_entities: int) -> None:
    _check_rows(name, index, n, "i")
    assert isinstance(index, np.ndarray)
    if n and (index.min() < 0 or index.max() >= n_entities):
        raise _fail(name, f"entity index outside 0..{n_entities - 1}")


def check_scenario_array(
    name: str, array: object, k: int, n: int, *, allow_nan: bool = False
) -> None:
    """Raise ValueError unless ``array`` is a finite float ``(k, n)`` or ``(1, n)`` array.

    A leading axis of 1 means "the same in every scenario". NaN only if allowed.
    """
    if not isinstance(array, np.ndarray):
        raise _fail(name, f"expected a numpy array, got {type(array).__name__}")
    if array.ndim != 2 or array.shape[0] not in (1, k) or array.shape[1] != n:
        raise _fail(name, f"expected shape ({k}, {n}) or (1, {n}), got {array.shape}")
    if array.dtype.kind != "f":
        raise _fail(name, f"expected a float array, got {array.dtype}")
    bad = np.isinf(array) if allow_nan else ~np.isfinite(array)
    if bad.any():
        raise _fail(name, "contains NaN or infinity")


class _RowTexts(Value):
    """The text columns of a block's rows: its :data:`RowText` fields, by name."""

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def column(self, name: str) -> NDArray[np.str_]:
        """Text column ``name`` (a :data:`RowText` field) of every row, as numpy text."""
        return resolve(getattr(self, name), len(self))

    def text(self, name: str, *, encoded: bool = False) -> Any:
        """:meth:`column` ``name`` as an Arrow ``large_string`` array (for the writers);
        with ``encoded``, dictionary-encoded where its text function gives it so."""
        return resolve_arrow(getattr(self, name), len(self), encoded=encoded)


@attrs.frozen(repr=False, eq=False)
class Adjustments(_RowTexts):
    """Scored effects: one row per source record (or per capped entity).

    ``points`` is ``(K or 1, n)``: negative for deductions, positive for
    bonuses. ``kind`` says which total the rows count towards
    (``"deduction"``, ``"bonus"``, or ``"component"`` for a cadre's score
    parts). ``source_table`` and ``effect`` are one label for the block;
    ``source_id`` and ``note`` are :data:`RowText`. Rows of a block with
    ``drop_if_zero`` are left out of the output in a scenario where their
    points are 0 (cap rows that did not bite).
    """

    entity: str
    kind: str
    rule: str
    index: NDArray[np.int64]
    points: NDArray[np.float64]
    source_table: str
    source_id: RowText
    effect: str
    note: RowText
    drop_if_zero: bool = False

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def check(self, k: int, n_entities: int) -> None:
        """Raise ValueError when a column has the wrong shape, dtype or values."""
        n = len(self)
        _check_index("index", self.index, n, n_entities)
        check_scenario_array("points", self.points, k, n)
        _check_text("source_id", self.source_id, n)
        _check_text("note", self.note, n)

    def ids(self) -> NDArray[np.str_]:
        """The source id of every row."""
        return resolve(self.source_id, len(self))

    def notes(self) -> NDArray[np.str_]:
        """The note of every row."""
        return resolve(self.note, len(self))


@attrs.frozen(repr=False, eq=False)
class Effects(_RowTexts):
    """Grade effects on units or cadres: one row per source record.

    ``level`` codes: for cadres :data:`kaohe.vocab.EFFECT`; for units
    :data:`UNIT_EFFECT`. The heaviest level of an entity governs.
    ``source_table``, ``source_id`` and ``note`` are :data:`RowText`.
    """

    entity: str
    rule: str
    index: NDArray[np.int64]
    level: NDArray[np.int64]
    source_table: RowText
    source_id: RowText
    note: RowText

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def check(self, k: int, n_entities: int) -> None:
        """Raise ValueError when a column has the wrong shape, dtype or values."""
        n = len(self)
        _check_index("index", self.index, n, n_entities)
        _check_rows("level", self.level, n, "i")
        for name in ("source_table", "source_id", "note"):
            _check_text(name, getattr(self, name), n)


#: Unit grade effects, lightest first.
UNIT_EFFECT = ("无", "不得评优", "一票否决")


@attrs.frozen(repr=False, eq=False)
class Flags(Value):
    """A named flag per entity and scenario: ``mask`` is ``(K, n_entities)`` bool."""

    entity: str
    rule: str
    name: str
    mask: NDArray[np.bool_]

    def check(self, k: int, n_entities: int) -> None:
        """Raise ValueError when the mask has the wrong shape or dtype."""
        mask = self.mask
        if not isinstance(mask, np.ndarray) or mask.ndim != 2 or mask.shape[0] not in (1, k):
            raise _fail("mask", f"expected a ({k}, {n_entities}) or (1, {n_entities}) array")
        if mask.shape[1] != n_entities:
            raise _fail("mask", f"expected a ({k}, {n_entities}) or (1, {n_entities}) array")
        if self.mask.dtype != np.bool_:
            raise _fail("mask", f"expected dtype bool, got {self.mask.dtype}")


@attrs.frozen(repr=False, eq=False)
class Freezes(_RowTexts):
    """Promotion-freeze windows ``[start, end)`` of cadres; ``end`` may be FOREVER.

    ``source_table``, ``source_id`` and ``reason`` are :data:`RowText`.
    """

    rule: str
    cadre: NDArray[np.int64]
    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]
    source_table: RowText
    source_id: RowText
    reason: RowText

    def __len__(self) -> int:
        return int(self.cadre.shape[0])

    def check(self, k: int, n_entities: int) -> None:
        """Raise ValueError when a column has the wrong shape, dtype or values."""
        n = len(self)
        _check_index("cadre", self.cadre, n, n_entities)
        _check_rows("start", self.start, n, "M")
        _check_rows("end", self.end, n, "M")
        if np.isnat(self.start).any() or np.isnat(self.end).any():
            raise _fail("start/end", "missing date in a window")
        for name in ("source_table", "source_id", "reason"):
            _check_text(name, getattr(self, name), n)


@attrs.frozen(repr=False, eq=False)
class Derived(Value):
    """Records derived by a rule, shaped like rows of an input table.

    ``table`` is the input table they extend (``criticisms``, ``sanctions``);
    ``columns`` hold the table's canonical columns (ids like ``notice:N12``)
    plus ``unit``/``cadre`` indices; ``factor`` is ``(K or 1, n)``: the
    multiplier of their points (0.5 for a mitigated source). Each record
    was derived from row ``source_rows[i]`` of input table ``source_table``.
    """

    rule: str
    table: str
    columns: Mapping[str, NDArray[np.generic]]
    factor: NDArray[np.float64]
    source_table: str
    source_rows: NDArray[np.int64]
    note: RowText = ""

    def __len__(self) -> int:
        return int(self.source_rows.shape[0])

    def check(self, k: int, n_entities: int) -> None:
        """Raise ValueError when a column has the wrong shape."""
        n = len(self)
        for name, column in self.columns.items():
            if not isinstance(column, np.ndarray) or column.shape != (n,):
                raise _fail(f"columns[{name!r}]", f"expected shape ({n},)")
        check_scenario_array("factor", self.factor, k, n)


def strings(value: str, n: int) -> NDArray[np.str_]:
    """A column of ``n`` copies of ``value``."""
    return np.full(n, value)


@attrs.frozen(repr=False, eq=False)
class Component(Value):
    """A weighted part of the cadres' score (R14): appraisal, unit link, exam.

    ``values`` is ``(K or 1, n_cadres)`` with NaN where a cadre lacks the part;
    ``weights`` is ``(K or 1, 4)``, one weight per role in :data:`kaohe.vocab.ROLE`
    order. A missing part's weight is dropped and the rest rescaled.
    """

    entity = CADRE
    rule: str
    name: str
    values: NDArray[np.float64]
    weights: NDArray[np.float64]
    source_table: str

    def check(self, k: int, n_entities: int) -> None:
        """Raise ValueError when values or weights have the wrong shape."""
        check_scenario_array("values", self.values, k, n_entities, allow_nan=True)
        check_scenario_array("weights", self.weights, k, 4)


@attrs.frozen(repr=False, eq=False)
class EffectRows(Value):
    """Effect blocks of one entity kind, their numbers joined into single columns.

    RowText is not joined: :meth:`describe` makes it for the rows asked about.
    """

    index: NDArray[np.int64]
    level: NDArray[np.int64]
    blocks: tuple[Effects, ...]

    @classmethod
    def join(cls, effects: list[Effects]) -> EffectRows:
        """Concatenate ``effects`` in order (empty columns when there are none)."""
        if not effects:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, ())
        return cls(
            np.concatenate([e.index for e in effects]),
            np.concatenate([e.level for e in effects]).astype(np.int64),
            tuple(effects),
        )

    def describe(self, rows: NDArray[np.int64]) -> NDArray[np.str_]:
        """``"note (table id)"`` for each joined row index; "" for -1 (no effect)."""
        parts: list[NDArray[np.str_]] = []
        where: list[NDArray[np.bool_]] = []
        offset = 0
        for block in self.blocks:
            n = len(block)
            mine = (rows >= offset) & (rows < offset + n)
            if mine.any():
                local = rows[mine] - offset
                text = np.strings.add(block.column("note")[local], " (")
                text = np.strings.add(text, block.column("source_table")[local])
                text = np.strings.add(np.strings.add(text, " "), block.column("source_id")[local])
                parts.append(np.strings.add(text, ")"))
                where.append(mine)
            offset += n
        if not parts:
            return np.full(rows.shape[0], "")
        out = np.zeros(rows.shape[0], dtype=np.result_type(*(p.dtype for p in parts)))
        for mine, text in zip(where, parts, strict=True):
            out[mine] = text
        return out

    def described(self, rows: NDArray[np.int64]) -> Described:
        """:meth:`describe` of ``rows`` as a :data:`RowText` function (numpy when
        called, Arrow from ``arrow()``), made when the results are written."""
        return Described(self, rows)

    def describe_arrow(self, rows: NDArray[np.int64]) -> Any:
        """:meth:`describe` as an Arrow ``large_string`` array: each block's text is
        made with Arrow for the rows asked about alone."""
        import pyarrow as pa

        from . import arrowcompute as pc
        from . import arrowtext as at

        large = pa.large_string()
        opening, space, closing, none = (pc.scalar(t, large) for t in (" (", " ", ")", ""))
        pieces = []
        place = np.full(rows.shape[0], -1, dtype=np.int64)  # -1: the final ""
        offset = made = 0
        for block in self.blocks:
            n = len(block)
            mine = np.flatnonzero((rows >= offset) & (rows < offset + n))
            if mine.shape[0]:
                local = pc.array(rows[mine] - offset)
                note, table, ids = (
                    pc.take(block.text(name), local)
                    for name in ("note", "source_table", "source_id")
                )
                pieces.append(
                    pc.binary_join_element_wise(note, opening, table, space, ids, closing, none)
                )
                place[mine] = made + np.arange(mine.shape[0])
                made += mine.shape[0]
            offset += n
        if not pieces:
            return at.constant("", rows.shape[0])
        every = at.concat([*pieces, at.constant("", 1)])
        return pc.take(every, np.where(place < 0, made, place))


@attrs.frozen(repr=False, eq=False)
class Described(Value):
    """The governing effect rows of entities, described (:meth:`EffectRows.describe`):
    numpy text when called, Arrow from :meth:`arrow`."""

    effects: EffectRows
    rows: NDArray[np.int64]

    def __call__(self) -> NDArray[np.str_]:
        return self.effects.describe(self.rows)

    def arrow(self) -> Any:
        """The descriptions as an Arrow string array."""
        return self.effects.describe_arrow(self.rows)


def entity_totals(blocks: list[Adjustments], n: int) -> NDArray[np.float64]:
    """The ``(K or 1, n)`` sum of the points of ``blocks`` per entity.

    Each block is summed on its own (with its own scenario axis, often 1) and
    the block totals are added in order: the same additions in a batch as in
    a single run, so a batch gives exactly what separate runs give.
    """
    from .numeric import group_sum

    total: NDArray[np.float64] = np.zeros((1, n))
    for block in blocks:
        if len(block):
            total = total + group_sum(block.points, block.index, n)
    return total


def sum_points(adjustments: list[Adjustments], kind: str, n: int) -> NDArray[np.float64]:
    """The ``(K or 1, n)`` sum of the points of blocks of ``kind``, per entity."""
    return entity_totals([a for a in adjustments if a.kind == kind], n)
