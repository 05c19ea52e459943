"""The columns of the result files, as text, for scenario 0 of a :class:`Results`.

Shared by every output format (CSV, Parquet, workbook, report). Published
numbers (``score``) have two decimals, other numbers four; missing values
are empty; text that a spreadsheet would take for a formula is neutralised.

Each table is built once, column-wise, as Arrow ``large_string`` arrays
(:mod:`kaohe.arrowtext`): ``*_columns`` (and :data:`RESULT_TABLES`), what
the CSV and Parquet writers take. ``*_rows`` give the same cells as numpy
text columns, for the workbook and the report.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from . import arrowtext as at
from .arrowtext import FORMULA_START as FORMULA_START  # re-exported: audit checks it
from .blocks import CADRE, UNIT, UNIT_EFFECT, Adjustments
from .dates import to_day
from .ordering import sort_rows, stable_order
from .results import Results
from .values import Value
from .vocab import CADRE_GRADES, EFFECT, NO_GRADE, ROLE, UNIT_GRADES

if TYPE_CHECKING:
    from .data import Table as DataTable

Columns = list[NDArray[np.str_]]


@attrs.frozen(repr=False, eq=False)
class Table(Value):
    """A result table's text: columns of one length, rows in file order (:mod:`kaohe.arrowtext`).

    A column is an Arrow ``large_string`` array, or text made for the rows
    asked (:class:`~kaohe.arrowtext.Taken`, :class:`~kaohe.arrowtext.Numbers`;
    :func:`kaohe.arrowtext.rows` and :func:`~kaohe.arrowtext.whole` read
    both): a table in another order than its blocks' is made of lookups in
    that order, so that no text is copied to reorder it.
    """

    names: tuple[str, ...]
    columns: list[Any]

    def ordered(self) -> list[Any]:
        """The columns as Arrow arrays."""
        return [at.whole(column) for column in self.columns]


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
    """Fixed-point text; NaN is empty; -0 is written as 0 (:func:`kaohe.arrowtext.number`)."""
    return at.to_numpy(at.number(values, decimals))


def integer(values: NDArray[np.int64]) -> NDArray[np.str_]:
    """Integers as text; negative (missing) is empty."""
    return np.where(values < 0, "", values.astype(str))


def _safe(values: NDArray[np.str_]) -> Any:
    """A numpy text column as a neutralised Arrow column."""
    return at.neutralised(at.from_numpy(values))


def _safe_column(results: Results, table: str, column: str, values: NDArray[np.str_]) -> Any:
    """``values`` as :func:`_safe` gives them; from the text of column ``column`` of the
    dataset's table ``table`` as it was read when ``values`` is that column (its numpy
    text, made from it), so that the text is not made again from numpy."""
    source = results.data.tables[table]
    if source.columns[column] is values:
        return at.neutralised(source.text(column))
    return _safe(values)


#: The neutralised Arrow ids of every unit and cadre of a dataset (by ``id()``, let go
#: with the dataset), made once for the result tables.
_SAFE_IDS: dict[int, dict[str, Any]] = {}


def _safe_ids(results: Results, entity: str) -> Any:
    """The ids of every unit (or cadre) of ``results`` as :func:`_safe` gives them: made
    once per dataset, which the result tables (units, cadres, adjustments, freezes) share."""
    data = results.data
    if entity == UNIT:
        ids, every = results.units.ids, data.unit_ids
    else:
        ids, every = results.cadres.ids, data.cadre_ids
    if ids is not every:
        return _safe(ids)
    made = _SAFE_IDS.get(id(data))
    if made is None:
        made = _SAFE_IDS[id(data)] = {}
        weakref.finalize(data, _SAFE_IDS.pop, id(data), None)
    if entity not in made:  # the ids are the table's id column (Dataset): as read
        table, column = ("units", "unit_id") if entity == UNIT else ("cadres", "cadre_id")
        made[entity] = at.neutralised(data.tables[table].text(column))
    return made[entity]


def _flags(flags: Mapping[str, NDArray[np.bool_]], n: int) -> Any:
    """``;``-joined flag names per entity, names in code-point order (one step per name)."""
    import pyarrow as pa

    from . import arrowcompute as pc

    large = pa.large_string()
    joined = at.constant("", n)
    none, sep = pc.scalar("", large), pc.scalar(";", large)
    for name in sorted(flags):
        mask = pc.array(np.asarray(flags[name][0], dtype=bool))
        first = pc.equal(joined, none)
        added = pc.if_else(
            first,
            pc.scalar(name, large),
            pc.binary_join_element_wise(joined, pc.scalar(name, large), sep),
        )
        joined = pc.if_else(mask, added, joined)
    return joined


def unit_columns(results: Results) -> Table:
    """``units.csv``: one row per unit, in unit_id order."""
    u = results.units
    return Table(
        UNIT_COLUMNS,
        [
            _safe_ids(results, UNIT),
            _safe_column(results, "units", "name", u.names),
            _safe_column(results, "units", "category", u.categories),
            at.number(u.target[0], 4),
            at.number(u.satisfaction[0], 4),
            at.number(u.composite[0], 4),
            at.number(u.deductions[0], 4),
            at.number(u.bonus[0], 4),
            at.number(u.score[0], 2),
            at.integer(u.rank[0]),
            at.labels(u.grade[0], UNIT_GRADES),
            _flags(u.flags, u.ids.shape[0]),
        ],
    )


def cadre_columns(results: Results) -> Table:
    """``cadres.csv``: one row per cadre, in cadre_id order."""
    from . import arrowcompute as pc

    c = results.cadres
    return Table(
        CADRE_COLUMNS,
        [
            _safe_ids(results, CADRE),
            _safe_column(results, "cadres", "name", c.names),
            pc.take(_safe_ids(results, UNIT), np.asarray(c.unit, dtype=np.int64)),
            at.labels(c.role, ROLE.values),
            at.number(c.score[0], 2),
            at.integer(c.rank[0]),
            at.labels(c.grade[0], (*CADRE_GRADES, NO_GRADE)),
            at.neutralised(c.grade_reason_text(0)),
            at.days(c.frozen_until),
            _flags(c.flags, c.ids.shape[0]),
        ],
    )


def _taken(column: Any, keep: NDArray[np.bool_] | None) -> Any:
    """The rows of ``column`` where ``keep`` (all of them for None)."""
    if keep is None:
        return column
    from . import arrowcompute as pc

    return pc.filter(column, keep)


class _Labels:
    """Codes of labels, the first seen first: a column of few distinct labels kept as integers."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {}

    def code(self, label: str) -> int:
        """The code of one label."""
        return self.names.setdefault(label, len(self.names))

    def codes(self, labels: NDArray[np.str_]) -> NDArray[np.int64]:
        """The code of every label of an array (a few distinct ones)."""
        distinct, inverse = np.unique(labels, return_inverse=True)
        return self.codes_of(distinct.tolist(), inverse.reshape(-1))

    def codes_of(self, names: Sequence[str], which: NDArray[np.int64]) -> NDArray[np.int64]:
        """:meth:`codes` of the labels ``names[which]``, without making them: the
        labels that occur are coded in the order :meth:`codes` codes them (sorted)."""
        occurring = np.flatnonzero(np.bincount(which, minlength=len(names)))
        table = np.zeros(len(names), dtype=np.int64)
        for at_name in sorted(occurring.tolist(), key=names.__getitem__):
            table[at_name] = self.code(names[at_name])
        return table[which]

    def arrow(self) -> Any:
        """The labels in code order, as an Arrow array."""
        import pyarrow as pa

        from . import arrowcompute as pc

        return pc.array(list(self.names), pa.large_string())


def adjustment_columns(results: Results, entity: str | None = None) -> Table:
    """``adjustments.csv``: every scored row, cap, exemption, score part and grade effect.

    With ``entity`` (:data:`~kaohe.blocks.UNIT` or
    :data:`~kaohe.blocks.CADRE`), the rows of that entity alone (what the
    report reads of units, without the text of millions of cadre rows).

    Units first, then cadres, each by id; within an entity, in the order
    the rules ran. Rows are put in that order as numbers (entity, block,
    points, label codes); the columns are lookups in the file's order
    (:class:`~kaohe.arrowtext.Taken`), so that no text is copied to reorder
    it and a column's cells are made only as the file is written.
    """
    n_units = results.units.ids.shape[0]
    rules, tables, effects = _Labels(), _Labels(), _Labels()
    rule, index, points, table, effect, ids, notes = ([] for _ in range(7))
    for block in results.adjustments:
        if entity not in (None, block.entity):
            continue
        keep = block.points[0] != 0 if block.drop_if_zero else None
        n = int(keep.sum()) if keep is not None else len(block)
        where = slice(None) if keep is None else keep
        rule.append(np.full(n, rules.code(block.rule), dtype=np.int64))
        index.append(block.index[where] + (n_units if block.entity == CADRE else 0))
        points.append(block.points[0][where])
        table.append(np.full(n, tables.code(block.source_table), dtype=np.int64))
        effect.append(np.full(n, effects.code(block.effect), dtype=np.int64))
        ids.append(_taken(block.text("source_id"), keep))
        notes.append(at.distinct(_taken(block.text("note", encoded=True), keep)))
    for grades in results.effects:
        if entity not in (None, grades.entity):
            continue
        names = (*(UNIT_EFFECT if grades.entity == UNIT else EFFECT.values), "")
        level = np.where(grades.level < 0, len(names) - 1, grades.level)
        rule.append(np.full(len(grades), rules.code(grades.rule), dtype=np.int64))
        index.append(grades.index + (n_units if grades.entity == CADRE else 0))
        points.append(np.zeros(len(grades)))
        table.append(tables.codes(grades.column("source_table")))
        effect.append(effects.codes_of(names, level))
        ids.append(grades.text("source_id"))
        notes.append(at.distinct(grades.text("note", encoded=True)))
    if not index:
        return Table(ADJUSTMENT_COLUMNS, [at.concat([]) for _ in ADJUSTMENT_COLUMNS])
    # units take 0..n_units-1, cadres follow: one integer key, and the index
    # order of each entity is its id order (ids are sorted in code-point order)
    key = np.concatenate(index)
    order = stable_order(key)  # ties: the rules' order
    index_of = at.compact(key[order])
    # the kind of each entity, looked up as its id is (the writer joins the two once)
    n_cadres = results.cadres.ids.shape[0]
    kinds = at.concat([at.constant(UNIT, n_units), at.constant(CADRE, n_cadres)])
    every_id = at.concat([_safe_ids(results, UNIT), _safe_ids(results, CADRE)])
    return Table(
        ADJUSTMENT_COLUMNS,
        [
            at.Taken(kinds, index_of),
            at.Taken(every_id, index_of),  # the same compact index as the kinds' (one array)
            at.Taken(rules.arrow(), at.compact(np.concatenate(rule))[order]),
            at.Taken(tables.arrow(), at.compact(np.concatenate(table))[order]),
            at.Taken(at.neutralised(at.concat(ids)), order),
            at.Numbers(np.concatenate(points), 4, order),  # ordered as written
            at.Taken(effects.arrow(), at.compact(np.concatenate(effect))[order]),
            at.repeated(notes, order),
        ],
    )


def freeze_columns(results: Results) -> Table:
    """``freezes.csv``: every window that ends after the period starts, or never.

    By cadre id, then start; the columns are lookups in that order, as in
    :func:`adjustment_columns`.
    """
    windows = [w for w in results.freezes if len(w)]
    if not windows:
        return Table(FREEZE_COLUMNS, [at.concat([]) for _ in FREEZE_COLUMNS])
    period_start = to_day(results.scheme.period_start)
    cadre = np.concatenate([w.cadre for w in windows]).astype(np.int64)
    start = np.concatenate([w.start for w in windows])
    end = np.concatenate([w.end for w in windows])
    shown = np.flatnonzero(end > period_start)
    order = shown[sort_rows([cadre[shown], start[shown]])]  # cadre index order is id order
    rules = _Labels()
    rule = np.concatenate([np.full(len(w), rules.code(w.rule), dtype=np.int64) for w in windows])

    def repeated(name: str, safe: bool = True) -> at.Taken:
        return at.repeated(
            [at.distinct(w.text(name, encoded=True)) for w in windows], order, safe=safe
        )

    return Table(
        FREEZE_COLUMNS,
        [
            at.Taken(_safe_ids(results, CADRE), cadre[order]),
            at.days(start[order]),
            at.days(end[order]),
            at.Taken(rules.arrow(), rule[order]),
            repeated("source_table", safe=False),
            at.Taken(at.neutralised(at.concat([w.text("source_id") for w in windows])), order),
            repeated("reason"),
        ],
    )


FINDING_COLUMNS = ("category", "findings", "points")
UNCATEGORISED = "未分类"


def _source_rows(block: Adjustments, table: DataTable, id_column: str | None) -> Any:
    """The rows of ``table`` that ``block``'s rows come from: as its ids' function
    says (ledger ids know their rows), else by looking its ids up in ``table``."""
    from . import arrowcompute as pc

    rows_of = getattr(block.source_id, "rows_of", None)
    rows = None if rows_of is None else rows_of(table)
    if rows is not None:
        return pc.array(np.asarray(rows, dtype=np.int64))
    return pc.index_in(block.text("source_id"), value_set=table.text(id_column or "id"))


def finding_columns(results: Results) -> Table:
    """``findings.csv``: the ledger findings scored this year per 问题类别, and their points.

    The findings are the rows of every input table that declares a
    ``finding_category`` column (the reference contract: ``supervision``'s
    问题类别) and has an adjustment row (exempt ones included, with 0 points);
    points are before the unit cap. An empty category is 未分类.
    """
    import pyarrow as pa

    from . import arrowcompute as pc
    from .data.arrays import EMPTY

    tables = results.scheme.registry.tables
    found: list[Any] = []
    lost: list[NDArray[np.float64]] = []
    for name, spec in tables.items():
        if spec.finding_category is None or name not in results.data.tables:
            continue
        chosen = [b for b in results.adjustments if len(b) and b.source_table == name]
        if not chosen:
            continue
        table = results.data.tables[name]
        categories = table.text(spec.finding_category)
        found.extend(pc.take(categories, _source_rows(b, table, spec.id_column)) for b in chosen)
        lost.append(-np.concatenate([b.points[0] for b in chosen]))
    category = pc.fill_null(at.concat(found), "")
    uncategorised = pc.scalar(UNCATEGORISED, pa.string())  # typed: no type inference
    category = pc.dictionary_encode(pc.if_else(pc.equal(category, EMPTY), uncategorised, category))
    codes = pc.numpy(category.indices)
    seen = category.dictionary.to_pylist()
    points = np.concatenate(lost) if lost else np.zeros(0)
    counts = np.bincount(codes, minlength=len(seen))
    totals = np.bincount(codes, weights=points, minlength=len(seen)).astype(float)
    order = np.argsort(np.asarray(seen, dtype=str), kind="stable")  # code-point order
    names = np.asarray(seen, dtype=str)[order]
    return Table(
        FINDING_COLUMNS,
        [_safe(names), at.integer(counts[order].astype(np.int64)), at.number(totals[order], 4)],
    )


def _numpy(table: Table) -> tuple[tuple[str, ...], Columns]:
    return table.names, [at.to_numpy(column) for column in table.ordered()]


def unit_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """:func:`unit_columns` as numpy text columns."""
    return _numpy(unit_columns(results))


def cadre_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """:func:`cadre_columns` as numpy text columns."""
    return _numpy(cadre_columns(results))


def adjustment_rows(results: Results, entity: str | None = None) -> tuple[tuple[str, ...], Columns]:
    """:func:`adjustment_columns` (of ``entity`` alone, if given) as numpy text columns."""
    return _numpy(adjustment_columns(results, entity))


def freeze_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """:func:`freeze_columns` as numpy text columns."""
    return _numpy(freeze_columns(results))


def finding_rows(results: Results) -> tuple[tuple[str, ...], Columns]:
    """:func:`finding_columns` as numpy text columns."""
    return _numpy(finding_columns(results))


#: The result tables, in the order of the folder, and the function that makes
#: each one's columns (Arrow ``large_string`` arrays).
RESULT_TABLES: dict[str, Callable[[Results], Table]] = {
    "units": unit_columns,
    "cadres": cadre_columns,
    "adjustments": adjustment_columns,
    "freezes": freeze_columns,
    "findings": finding_columns,
}


def _adjusted(results: Results) -> int:
    return sum(map(len, results.adjustments)) + sum(map(len, results.effects))


#: At most how many rows each of :data:`RESULT_TABLES` has, known without making it.
RESULT_ROWS: dict[str, Callable[[Results], int]] = {
    "units": lambda results: len(results.units.ids),
    "cadres": lambda results: len(results.cadres.ids),
    "adjustments": _adjusted,
    "freezes": lambda results: sum(map(len, results.freezes)),
    "findings": _adjusted,  # a category per scored row, at most
}
