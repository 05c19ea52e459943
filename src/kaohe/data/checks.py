"""Consistency checks of the data contract that span rows or tables.

Each check reports every bad row to the table's
:class:`~kaohe.data.problems.Where`. Cell-level checks (types, empty
required cells, unknown values) are in :mod:`kaohe.data.parse`. Text
columns are Arrow string arrays here, other columns numpy arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from kaohe import vocab
from kaohe.data.arrays import (
    EMPTY,
    Column,
    combined,
    empty_cells,
    is_text,
    plain,
    stored_offsets,
    text_bytes,
)
from kaohe.data.problems import Where, visible
from kaohe.i18n import _
from kaohe.table_spec import TableSpec

from .. import arrowcompute as pc

Columns = Mapping[str, Column]


def value(values: Column, row: int) -> str:
    """The value of one cell as text, for a message (:func:`visible`)."""
    if isinstance(values, np.ndarray):
        return visible(str(values[row]))
    return visible(str(values[row].as_py()))


def categories(columns: Columns, where: Where, declared: Sequence[str]) -> None:
    """Units whose category is not one of the ``declared`` (the scheme's)."""
    category = plain(columns["category"])
    unknown = ~pc.numpy(pc.is_in(category, value_set=pc.array(declared, pa.string())))
    where.check(
        unknown & _filled(category),
        lambda row: _("category '{category}' is not one the scheme declares ({categories})").format(
            category=value(category, row), categories=", ".join(declared)
        ),
        "category",
    )


def _filled(values: pa.Array) -> NDArray[np.bool_]:
    return ~empty_cells(values)


def _within(
    table: str,
    column: str,
    bounds: tuple[float, float],
    scores: NDArray[np.float64],
    where: Where,
) -> None:
    """A score outside its column's ``bounds`` is a problem naming row and column."""
    low, high = bounds
    where.check(
        (scores < low) | (scores > high),
        lambda row: _(
            "{table} {column} {value:g} is outside {low:g}-{high:g}; "
            "expected a value from {low:g} to {high:g}"
        ).format(table=table, column=column, value=scores[row], low=low, high=high),
        column,
    )


def _not_before(name: str, other: str, columns: Columns, where: Where) -> None:
    """A date of column ``name`` before the same row's ``other`` date is a problem."""
    later, earlier = columns[name], columns[other]
    where.check(
        later < earlier,
        lambda row: _(
            "{column} {value} is before the record's {other} {earlier}; "
            "expected {column} on or after {other}"
        ).format(column=name, value=later[row], other=other, earlier=earlier[row]),
        name,
    )


def _only_for(
    spec: TableSpec,
    name: str,
    only_for: tuple[str, tuple[str, ...]],
    columns: Columns,
    where: Where,
) -> None:
    """Column ``name`` filled in a row whose ``gate`` value is not one of ``allowed``."""
    gate, allowed = only_for
    words = spec.column(gate).vocab
    assert words is not None  # TableSpec checks that the gate is a vocabulary column
    codes, filled = columns[gate], columns[name]
    given = ~np.isnat(filled) if filled.dtype.kind == "M" else _filled(filled)
    allowed_codes = [words.code(v) for v in allowed]
    where.check(
        given & ~np.isin(codes, allowed_codes) & (codes >= 0),
        lambda row: _(
            "{column} is given for a {table} row of {gate} '{value}'; "
            "expected {column} only for {allowed}"
        ).format(
            column=name,
            table=spec.name,
            gate=gate,
            value=words.values[codes[row]],
            allowed=", ".join(allowed),
        ),
        name,
    )


def rows(spec: TableSpec, columns: Columns, where: Where) -> None:
    """Row rules: one target; scores within their column's ``bounds`` (an exam score
    0-100); the columns' declared order of dates (``not_before``: no rectification dated
    before the record it rectifies) and conditions (``only_for``: a sanction's
    ``closed_on`` only for 立案审查)."""
    if spec.one_target:
        has_unit = _filled(columns["unit_id"])
        has_cadre = _filled(columns["cadre_id"])

        def explain(row: int) -> str:
            if has_unit[row]:
                message = _(
                    "a {table} row names both unit_id '{unit}' and cadre_id '{cadre}'; "
                    "expected exactly one of unit_id and cadre_id"
                )
            else:
                message = _(
                    "a {table} row names neither a unit_id nor a cadre_id; "
                    "expected exactly one of unit_id and cadre_id"
                )
            return message.format(
                table=spec.name,
                unit=value(columns["unit_id"], row),
                cadre=value(columns["cadre_id"], row),
            )

        where.check(has_unit == has_cadre, explain)
    for bounded in spec.columns:
        if bounded.bounds is not None:
            _within(spec.name, bounded.name, bounded.bounds, columns[bounded.name], where)
    for declared in spec.columns:
        if declared.not_before is not None:
            _not_before(declared.name, declared.not_before, columns, where)
        if declared.only_for is not None:
            _only_for(spec, declared.name, declared.only_for, columns, where)


def _equal_neighbours(*columns: Column) -> NDArray[np.bool_]:
    """``out[i]``: row ``i + 1`` equals row ``i`` in every one of ``columns``."""
    n = len(columns[0])
    same = np.ones(max(n - 1, 0), np.bool_)
    for column in map(plain, columns):
        if isinstance(column, np.ndarray):
            key = column.view(np.int64) if column.dtype.kind == "M" else column
            same &= key[1:] == key[:-1]
        else:
            same &= pc.numpy(pc.equal(column.slice(1), column.slice(0, n - 1)), null=False)
    return same


def _group_starts(same: NDArray[np.bool_]) -> NDArray[np.intp]:
    """For sorted rows with ``same[i]`` = row ``i + 1`` equals row ``i``: each row's group start."""
    n = same.shape[0] + 1
    starts = np.where(np.concatenate(([True], ~same)), np.arange(n), 0)
    result: NDArray[np.intp] = np.maximum.accumulate(starts)
    return result


def unique(spec: TableSpec, columns: Columns, where: Where) -> None:
    """No two rows share the key of a ``unique`` table (``columns`` are sorted by the key).

    Of rows with one key, the one on the earliest line is taken as the
    original and the others are reported, naming the original's line.
    """
    if not spec.unique or where.lines.shape[0] < 2:
        return
    same = _equal_neighbours(*(columns[name] for name in spec.key))
    if not same.any():
        return
    start = _group_starts(same)
    lines = where.lines
    repeated = np.zeros(lines.shape[0], np.bool_)
    repeated[1:] |= same
    repeated[:-1] |= same
    members = np.flatnonzero(repeated)
    members = members[np.lexsort((lines[members], start[members]))]
    earliest = np.concatenate(([True], start[members][1:] != start[members][:-1]))
    original = np.zeros(lines.shape[0], np.int64)
    original[start[members[earliest]]] = members[earliest]

    def explain(row: int) -> str:
        key = ", ".join(f"{name} '{value(columns[name], row)}'" for name in spec.key)
        also = lines[original[start[row]]]
        return _("duplicate {key} (also on row {also}); expected {rule}").format(
            key=key, also=also, rule=_(spec.unique_rule)
        )

    where.fail(members[~earliest], explain, spec.key[0])


def _indices(found: pa.Array | pa.ChunkedArray) -> NDArray[np.int64]:
    """``index_in``'s result as ``int64``, -1 where null, written chunk by chunk into
    one array (no concatenated copy of the chunks)."""
    chunks = found.chunks if isinstance(found, pa.ChunkedArray) else [found]
    result = np.empty(len(found), np.int64)
    at = 0
    for chunk in chunks:
        part = result[at : at + len(chunk)]
        part[:] = pc.numpy(chunk, null=-1)
        at += len(chunk)
    return result


def locate(ids: pa.Array, values: pa.Array) -> NDArray[np.int64]:
    """The index of each of ``values`` in the distinct ``ids``, -1 where absent.

    The smaller side is hashed: the ids when there are fewer of them, else
    the distinct values (a few tolerances naming rows of a ledger of
    millions), which the ids are then looked up in.
    """
    if len(values) >= len(ids):
        return _indices(pc.index_in(values, value_set=ids))
    encoded = pc.dictionary_encode(combined(values))
    matched = pc.index_in(ids, value_set=encoded.dictionary)
    hit = pc.numpy(pc.is_valid(matched), null=False)
    position = np.full(len(encoded.dictionary) + 1, -1, np.int64)  # the last: null values
    position[pc.numpy(pc.filter(matched, pc.array(hit))).astype(np.int64, copy=False)] = (
        np.flatnonzero(hit)
    )
    codes = pc.fill_null(pc.cast(encoded.indices, pa.int64()), len(encoded.dictionary))
    return position[np.asarray(codes, dtype=np.int64)]


def _byte_rows(values: pa.Array) -> NDArray[np.uint8] | None:
    """The cells of a string array without nulls as the rows of a byte matrix (no copy)
    when each is the same number of bytes (at least one), else None."""
    if values.null_count or not is_text(values) or not len(values):
        return None
    offsets = stored_offsets(values)
    width = int(offsets[1] - offsets[0])
    if not width or not (offsets[1:] - offsets[:-1] == width).all():
        return None
    return text_bytes(values).reshape(len(values), width)


def _numbers(rows: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """Rows of at most 8 bytes as numbers whose bytes are the row's, the first the
    highest: ordered as the rows' bytes are. Written a byte column at a time (faster
    than one copy of the strided matrix)."""
    width = rows.shape[1]
    little = np.zeros((rows.shape[0], 8), np.uint8)  # the lowest byte first
    for column in range(width):
        little[:, width - 1 - column] = rows[:, column]
    numbers: NDArray[np.uint64] = little.view(np.dtype("<u8"))[:, 0]
    return numbers


def _start_with(rows: NDArray[np.uint8], first: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Whether each row begins with the bytes ``first`` (compared a byte column at a time)."""
    same = np.ones(rows.shape[0], np.bool_)
    for column, byte in enumerate(first.tolist()):
        same &= rows[:, column] == byte
    return same


#: Ids whose bytes after those they all share are longer than this are looked up by hash.
KEY_BYTES = 8


def _shared_start(rows: NDArray[np.uint8]) -> int:
    """How many bytes the first and the last row of a byte matrix begin with alike."""
    differ = np.flatnonzero(rows[0] != rows[-1])
    return int(differ[0]) if differ.shape[0] else rows.shape[1]


def _ordered_keys(rows: NDArray[np.uint8]) -> tuple[int, NDArray[np.uint64]] | None:
    """Of the rows of a byte matrix that all begin with the bytes the first and the last
    row share, followed by at most :data:`KEY_BYTES` more: how many bytes they share,
    and the rest as numbers ordered as the rows are. None for other rows."""
    shared = _shared_start(rows)
    if rows.shape[1] - shared > KEY_BYTES or not _start_with(rows, rows[0, :shared]).all():
        return None
    return shared, _numbers(rows[:, shared:])


def increasing(values: pa.Array) -> bool | None:
    """Whether each cell of a string array is greater than the one before, as Arrow
    compares text (byte by byte), when its cells are of one length and differ only in
    their last :data:`KEY_BYTES` bytes (ids as exported): compared as numbers. None for
    other arrays."""
    rows = _byte_rows(values)
    ordered = None if rows is None else _ordered_keys(rows)
    if ordered is None:
        return None
    keys = ordered[1]
    return bool((keys[1:] > keys[:-1]).all())


def locate_sorted(ids: pa.Array, values: pa.Array) -> NDArray[np.int64] | None:
    """:func:`locate` by binary search, when the ``ids`` are in increasing order (a
    table's record ids in canonical order), each of the same number of bytes and
    differing only in their last :data:`KEY_BYTES` bytes (a ledger's ``SV0000001``
    ...): the ids are not hashed to look up a few values. None when the ``ids`` are
    not so."""
    rows = _byte_rows(ids)
    ordered = None if rows is None else _ordered_keys(rows)
    if rows is None or ordered is None:
        return None
    shared, keys = ordered
    if not (keys[1:] > keys[:-1]).all():
        return None
    values = combined(values)
    if values.null_count:
        values = pc.fill_null(values, EMPTY)
    found = np.full(len(values), -1, np.int64)
    offsets = stored_offsets(values)
    fit = np.flatnonzero(offsets[1:] - offsets[:-1] == rows.shape[1])
    if fit.shape[0]:  # other values are of another length than every id
        wanted = _byte_rows(pc.take(values, fit))
        assert wanted is not None
        alike = _start_with(wanted, rows[0, :shared])
        numbers = _numbers(wanted[alike][:, shared:])
        at = np.minimum(np.searchsorted(keys, numbers), keys.shape[0] - 1)
        hit = keys[at] == numbers
        found[fit[alike][hit]] = at[hit]
    return found


#: Ids whose bytes after those they all share are decimal digits are looked up by their
#: number in a table of every number of as many digits, when it has at most this many
#: entries per id or value looked up (and :data:`NUMBERED_ANY` in any case): 16 bytes
#: of table for each, where the value's own text takes 12 or more. (The million
#: ``C0000001`` ... of W2 take a table of ten million, 40 MB, to look up 7.7 million
#: cells: 0.1 s, where hashing took 1.3 s.)
NUMBERED_PER_ID = 4
NUMBERED_ANY = 1 << 16


class _Numbered(NamedTuple):
    """Ids as a shared beginning and a number (see :func:`_numbered`)."""

    first: NDArray[np.uint8]  # the bytes every id begins with
    width: int  # of every id, in bytes
    table: NDArray[np.int32]  # by number: the position of its id, -1 where none


def _decimal(rows: NDArray[np.uint8]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Rows of decimal digits as numbers, and which rows are digits alone."""
    numbers = np.zeros(rows.shape[0], np.int64)
    digits = np.ones(rows.shape[0], np.bool_)
    for column in range(rows.shape[1]):
        digit = rows[:, column] - np.uint8(ord("0"))  # other bytes wrap past 9
        digits &= digit < 10
        numbers *= 10
        numbers += digit
    return numbers, digits


def _numbered(ids: pa.Array, looked_up: int = 0) -> _Numbered | None:
    """``ids`` as a table by number, when they are distinct, of one length, and begin
    alike but for their last digits (``C0000001``, ``U00042``): a lookup is then a
    little arithmetic and one index, not a hash of each value. None otherwise, and
    when the table would be too large for the ids and the ``looked_up`` values
    (:data:`NUMBERED_PER_ID`)."""
    rows = _byte_rows(ids)
    if rows is None:
        return None
    shared = _shared_start(rows)
    width = rows.shape[1]
    if not 0 < width - shared < 19 or 10 ** (width - shared) > max(
        NUMBERED_PER_ID * (rows.shape[0] + looked_up), NUMBERED_ANY
    ):
        return None
    first = rows[0, :shared].copy()
    numbers, digits = _decimal(rows[:, shared:])
    if not (digits & _start_with(rows, first)).all():
        return None
    if rows.shape[0] >= 2**31:
        return None
    table = np.full(10 ** (width - shared), -1, np.int32)
    positions = np.arange(rows.shape[0], dtype=np.int32)
    table[numbers] = positions
    if not np.array_equal(table[numbers], positions):
        return None  # two ids alike: hashing finds the first
    return _Numbered(first, width, table)


def _look_up(numbered: _Numbered, values: pa.Array) -> NDArray[np.int64] | None:
    """:func:`locate` of ``values`` in the ids of ``numbered``; None when ``values``
    are not text."""
    values = combined(values)
    if not is_text(values):
        return None
    if values.null_count:
        values = pc.fill_null(values, EMPTY)
    found = np.full(len(values), -1, np.int64)
    offsets = stored_offsets(values)
    fit = np.flatnonzero(offsets[1:] - offsets[:-1] == numbered.width)
    if not fit.shape[0]:
        return found  # every value of another length than the ids
    rows = _byte_rows(values if fit.shape[0] == len(values) else pc.take(values, fit))
    assert rows is not None
    shared = numbered.first.shape[0]
    numbers, known = _decimal(rows[:, shared:])
    known &= _start_with(rows, numbered.first)
    at = numbered.table[np.where(known, numbers, 0)]
    at[~known] = -1
    found[fit] = at
    return found


def locate_each(ids: pa.Array, columns: Sequence[pa.Array]) -> list[NDArray[np.int64]]:
    """:func:`locate` of each of ``columns`` in the same ``ids``, which are hashed once
    (or the columns' distinct values once) rather than once a column. A column in
    dictionary form (without null indices) is looked up word by word, its cells
    found through its indices."""
    coded = [pa.types.is_dictionary(values.type) and not values.null_count for values in columns]
    words: list[pa.Array] = [
        values.dictionary if by_word else plain(values)
        for values, by_word in zip(columns, coded, strict=True)
    ]
    numbered = _numbered(ids, sum(map(len, words))) if words else None
    looked_up = [_look_up(numbered, values) for values in words] if numbered is not None else []
    if looked_up and all(at is not None for at in looked_up):
        found = [at for at in looked_up if at is not None]
    elif len({values.type for values in words} | {ids.type}) != 1:
        found = [locate(ids, values) for values in words]
    else:
        together = locate(ids, pa.chunked_array(words, type=ids.type))
        ends = np.cumsum([len(values) for values in words])
        found = np.split(together, ends[:-1]) if words else []
    return [
        at[pc.numpy(values.indices).astype(np.intp, copy=False)] if by_word else at
        for at, values, by_word in zip(found, columns, coded, strict=True)
    ]


def references(
    columns: Columns,
    where: Where,
    column: str,
    ids: pa.Array,
    target: str,
    *,
    check: bool = True,
    index: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Indices of ``columns[column]`` into the sorted, distinct ``ids``; unknown ids are
    reported when ``check``. ``target`` names the table of the ids for the message.
    ``index``: those indices, when they are found already (:func:`locate_each`)."""
    values = columns[column]
    if index is None:
        index = locate(ids, values)
    if check:
        where.check(
            (index < 0) & _filled(values),
            lambda row: _(
                "unknown {column} '{value}'; expected a {column} listed in {target}"
            ).format(column=column, value=value(values, row), target=target),
            column,
        )
    return index


def one_head(columns: Columns, where: Where) -> None:
    """Every unit has at most one cadre with role ``head`` (``columns`` has ``unit``)."""
    heads = np.flatnonzero(columns["role"] == vocab.ROLE.code("head"))
    units = columns["unit"]
    heads = heads[units[heads] >= 0]
    if heads.shape[0] < 2:
        return
    lines = where.lines
    heads = heads[np.lexsort((lines[heads], units[heads]))]
    same = units[heads][1:] == units[heads][:-1]
    if not same.any():
        return
    start = heads[_group_starts(same)]
    position = {int(row): i for i, row in enumerate(heads.tolist())}

    def explain(row: int) -> str:
        first = start[position[row]]
        return _(
            "unit '{unit}' has two heads: cadres '{first}' (row {first_row}) and "
            "'{second}' (row {second_row}); expected at most one head (主要负责人) per unit"
        ).format(
            unit=value(columns["unit_id"], row),
            first=value(columns["cadre_id"], first),
            first_row=lines[first],
            second=value(columns["cadre_id"], row),
            second_row=lines[row],
        )

    where.fail(heads[np.flatnonzero(same) + 1], explain, "role")


TargetIds = Mapping[str, tuple[pa.Array, str, bool]]


def tolerance_rows(columns: Columns, ids: TargetIds) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """The row each tolerance names in its table (-1 where there is none) and whether
    it is checked there (:func:`tolerance_targets`, without reporting)."""
    tables = columns["ref_table"]
    ref_ids = plain(columns["ref_id"])
    found = np.full(tables.shape[0], -1, np.int64)
    checked = np.zeros(tables.shape[0], np.bool_)
    for code, table in enumerate(vocab.TOLERANCE_TARGET.values):
        rows = np.flatnonzero(tables == code)
        if rows.shape[0]:
            named = pc.take(ref_ids, rows)
            by_search = locate_sorted(ids[table][0], named)
            found[rows] = locate(ids[table][0], named) if by_search is None else by_search
            checked[rows] = ids[table][2]
    return found, checked


def tolerance_targets(
    columns: Columns,
    where: Where,
    ids: TargetIds,
    rows: tuple[NDArray[np.int64], NDArray[np.bool_]] | None = None,
) -> NDArray[np.int64]:
    """Every tolerance names an existing row: ``ids[table]`` is (sorted ids, source,
    whether the table is sound enough to check against). ``rows``: what
    :func:`tolerance_rows` gives, when it was found already.

    Returns the row each tolerance names, in its table (rows in id order).
    """
    tables = columns["ref_table"]
    ref_ids = columns["ref_id"]
    found, checked = tolerance_rows(columns, ids) if rows is None else rows

    def explain(row: int) -> str:
        table = vocab.TOLERANCE_TARGET.values[tables[row]]
        return _(
            "the tolerance names no row: table '{table}' ({source}) has no id '{id}'; "
            "expected the id of an existing {table} row"
        ).format(table=table, source=ids[table][1], id=value(ref_ids, row))

    where.check((found < 0) & checked, explain, "ref_id")
    return found
