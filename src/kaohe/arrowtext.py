"""Text columns as Apache Arrow arrays: the cells of the result files, built column-wise.

Every function here returns an Arrow ``large_string`` array (no 2 GiB limit
on a column) and works on whole columns: no Python loop over rows. The
result tables (:mod:`kaohe.tables_out`) are made of these, so that the
text of a large run is UTF-8 from the start (a quarter of the bytes of
numpy's fixed-width UTF-32 text) and reordered with Arrow's ``take``
rather than by copying wide numpy strings.

pyarrow is imported inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .dates import FOREVER
from .values import Value

__all__ = [
    "FORMULA_START",
    "Numbers",
    "Taken",
    "TextColumn",
    "combined",
    "compact",
    "concat",
    "constant",
    "days",
    "distinct",
    "encoded",
    "from_numpy",
    "integer",
    "labels",
    "neutralised",
    "number",
    "repeated",
    "rows",
    "to_numpy",
    "whole",
]

#: What a spreadsheet may take for a formula at the start of a cell (OWASP: also tab and CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A rounded value of at most this size is formatted exactly from its integer
#: multiple of ``10**-decimals`` (a double's spacing is far below ``10**-4`` there);
#: larger ones (and infinities) are formatted one by one, as Python does.
EXACT_LIMIT = 1e11


def _large() -> Any:
    import pyarrow as pa

    return pa.large_string()


def from_numpy(cells: NDArray[np.str_]) -> Any:
    """A numpy text column as an Arrow ``large_string`` array (ASCII text laid out from
    its code points, other text encoded to UTF-8: :func:`kaohe.arrowcompute.array`)."""
    from . import arrowcompute as pc

    return pc.array(np.ascontiguousarray(cells, dtype=str), _large())


def to_numpy(column: Any) -> NDArray[np.str_]:
    """An Arrow string array as a numpy text column."""
    if isinstance(column, np.ndarray):
        return np.asarray(column, dtype=str)
    from .data.arrays import to_numpy_text

    return to_numpy_text(column)


def constant(value: str, n: int) -> Any:
    """``n`` copies of ``value``."""
    import pyarrow as pa

    from . import arrowcompute as pc

    return pa.repeat(pc.scalar(value, _large()), n)


def concat(columns: list[Any]) -> Any:
    """One array of the rows of ``columns`` in turn (an empty array for none)."""
    import pyarrow as pa

    from . import arrowcompute as pc

    if not columns:
        return pc.array([], _large())
    return pa.concat_arrays([pc.cast(c, _large()) for c in columns])


def neutralised(column: Any) -> Any:
    """Cells starting with ``= + - @``, tab or CR get a leading ``'`` (formula injection)."""
    import pyarrow as pa

    from . import arrowcompute as pc

    if not len(column):
        return column
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        starts = _formula_starts(column)
        if not starts.any():
            return column
        risky = pc.array(starts)
    else:
        risky = pc.fill_null(pc.match_substring_regex(column, r"^[=+\-@\t\r]"), False)
        if not pc.any(risky).as_py():
            return column
    mark, none = pc.scalar("'", column.type), pc.scalar("", column.type)
    return pc.if_else(risky, pc.binary_join_element_wise(mark, column, none), column)


#: The first bytes of a cell that a spreadsheet may take for a formula (:data:`FORMULA_START`).
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_START).encode(), np.uint8)


def _formula_starts(column: Any) -> NDArray[np.bool_]:
    """Whether each cell of a string array starts with a :data:`FORMULA_START`
    character (nulls do not), from the first byte of each cell: these characters
    are ASCII, and in UTF-8 no other character starts with such a byte."""
    from . import arrowcompute as pc
    from .data.arrays import stored_offsets

    offsets = stored_offsets(column)
    starts = offsets[:-1]
    filled = offsets[1:] > starts
    first = np.zeros(len(column), np.uint8)
    data = column.buffers()[2]
    if data is not None and filled.any():
        first[filled] = np.frombuffer(data, np.uint8)[starts[filled]]
    risky: NDArray[np.bool_] = np.isin(first, _FORMULA_BYTES)
    if column.null_count:
        risky &= pc.numpy(pc.is_valid(column), null=False)
    return risky


def number(values: NDArray[np.float64], decimals: int) -> Any:
    """Fixed-point text of ``decimals`` places; NaN is empty; -0 is written as 0.

    The same text as ``format(round(v, decimals) + 0.0, f".{decimals}f")``:
    each value is rounded as :func:`numpy.round` rounds it, and its integer
    multiple of ``10**-decimals`` is written by Arrow as a decimal of that
    scale (one cast, no text assembled piece by piece).
    """
    import pyarrow as pa

    from . import arrowcompute as pc

    rounded = np.round(np.asarray(values, dtype=np.float64), decimals) + 0.0  # no "-0.00"
    missing = np.isnan(rounded)
    exact = ~missing & (np.abs(rounded) < EXACT_LIMIT)
    units = np.rint(np.where(exact, rounded, 0.0) * 10**decimals).astype(np.int64)
    words = np.empty((units.shape[0], 2), dtype=np.int64)  # decimal128: low word, sign word
    words[:, 0], words[:, 1] = units, units >> 63
    valid = pc.array(~missing).buffers()[1] if missing.any() else None
    decimal = pa.Array.from_buffers(
        pa.decimal128(18, decimals), units.shape[0], [valid, pa.py_buffer(words)]
    )
    text = pc.fill_null(pc.cast(decimal, _large()), pc.scalar("", _large()))
    odd = np.flatnonzero(~missing & ~exact)
    if odd.shape[0]:  # beyond EXACT_LIMIT or infinite: rare, formatted one by one
        mask = np.zeros(rounded.shape[0], dtype=bool)
        mask[odd] = True
        cells = pc.array([format(v, f".{decimals}f") for v in rounded[odd].tolist()], _large())
        text = pc.replace_with_mask(text, pc.array(mask), cells)
    return text


def integer(values: NDArray[np.int64]) -> Any:
    """Integers as text; negative (missing) is empty."""
    from . import arrowcompute as pc

    values = np.asarray(values, dtype=np.int64)
    text = pc.cast(pc.array(values), _large())
    return pc.if_else(pc.array(values < 0), pc.scalar("", _large()), text)


def labels(codes: NDArray[np.int64], names: tuple[str, ...]) -> Any:
    """Vocabulary labels of codes; -1 is empty."""
    from . import arrowcompute as pc

    table = pc.array([*names, ""], _large())
    codes = np.asarray(codes)
    return pc.take(table, np.where(codes < 0, len(names), codes).astype(np.int64))


def days(values: NDArray[np.datetime64]) -> Any:
    """Dates as ``YYYY-MM-DD``; NaT empty, the far end of time (9999-12-31) ``indefinite``."""
    from . import arrowcompute as pc

    values = np.asarray(values, dtype="datetime64[D]")
    large = _large()
    text = pc.fill_null(pc.cast(pc.array(values), large), pc.scalar("", large))
    forever = values == FOREVER
    return pc.if_else(pc.array(forever), pc.scalar("indefinite", large), text)


def compact(index: NDArray[np.integer[Any]]) -> NDArray[np.integer[Any]]:
    """Non-negative integers in the narrowest integer type that holds them."""
    index = np.asarray(index)
    top = int(index.max()) if index.shape[0] else 0
    for kind in (np.int8, np.int16, np.int32):
        if top <= np.iinfo(kind).max:
            return index.astype(kind, copy=False)
    return index.astype(np.int64, copy=False)


@attrs.frozen(repr=False, eq=False)
class Taken(Value):
    """A text column whose row ``i`` is ``values[index[i]]``, made a slice of rows at a time.

    ``values`` is an Arrow string array (a vocabulary of labels, the ids of
    every entity, a ledger column); ``index`` non-negative integers, kept in
    the narrowest integer type (:func:`compact`). A large table keeps one
    small integer per row and a copy of no text: its cells are looked up
    only for the rows being written (:func:`rows`).
    """

    values: Any
    index: NDArray[np.integer[Any]] = attrs.field(converter=compact)

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def rows(self, start: int, stop: int) -> Any:
        """The cells of rows ``start``..``stop - 1``."""
        from . import arrowcompute as pc

        return pc.take(self.values, self.index[start:stop])


@attrs.frozen(repr=False, eq=False)
class Numbers(Value):
    """A column of :func:`number` text, formatted a slice of rows at a time.

    Row ``i`` is ``values[i]``, or with ``order``, ``values[order[i]]`` (the
    values taken in the file's order a slice at a time, as they are written).
    """

    values: NDArray[np.float64]
    decimals: int
    order: NDArray[np.integer[Any]] | None = None

    def __len__(self) -> int:
        return int((self.values if self.order is None else self.order).shape[0])

    def rows(self, start: int, stop: int) -> Any:
        """The cells of rows ``start``..``stop - 1``."""
        if self.order is None:
            return number(self.values[start:stop], self.decimals)
        return number(self.values[self.order[start:stop]], self.decimals)


def distinct(column: Any) -> Any:
    """``column`` (a text array) dictionary-encoded: its distinct cells and a code per row
    (an array already encoded keeps its codes, as ``int32``, its cells as ``large_string``)."""
    import pyarrow as pa

    from . import arrowcompute as pc

    if pa.types.is_dictionary(column.type):
        return encoded(pc.cast(column.indices, pa.int32()), pc.cast(column.dictionary, _large()))
    return pc.dictionary_encode(pc.cast(column, _large()))


def encoded(codes: Any, cells: Any) -> Any:
    """The dictionary-encoded text array whose row ``i`` is ``cells[codes[i]]``
    (``codes`` non-negative integers, numpy or Arrow, made ``int32``)."""
    import pyarrow as pa

    from . import arrowcompute as pc

    if isinstance(codes, np.ndarray):
        codes = pc.array(codes.astype(np.int32, copy=False))
    return pa.DictionaryArray.from_arrays(pc.cast(codes, pa.int32()), pc.cast(cells, _large()))


#: The most combinations of cells :func:`combined` spells out.
COMBINED_LIMIT = 1 << 16
#: Combined codes below this are marked present in a table rather than sorted.
_PRESENCE_LIMIT = 1 << 24


def combined(pieces: list[Any], n: int) -> Any:
    """Text pieces (strings, and dictionary-encoded arrays of ``n`` rows) joined row by
    row, as a dictionary-encoded array: the codes of the arrays are combined into one
    code per row, and the text made once per combination of cells that occurs (each
    distinct joined cell once). None when a piece is a plain text array, has nulls
    (in its codes or its cells), or more than :data:`COMBINED_LIMIT` combinations
    occur: join them cell by cell then.
    """
    import pyarrow as pa

    from . import arrowcompute as pc

    arrays = [piece for piece in pieces if not isinstance(piece, str)]
    for piece in arrays:
        if not pa.types.is_dictionary(piece.type) or piece.null_count:
            return None
        if piece.dictionary.null_count:
            return None
    sizes = [max(len(piece.dictionary), 1) for piece in arrays]
    if int(np.prod(sizes, dtype=np.float64)) >= 2**62:
        return None
    codes = np.zeros(n, dtype=np.int64)
    for piece, size in zip(arrays, sizes, strict=True):
        codes *= size
        codes += pc.numpy(piece.indices)
    occurring, row_code = _occurring(codes, int(np.prod(sizes, dtype=np.int64)))
    if occurring.shape[0] > COMBINED_LIMIT:
        return None
    # each occurring combination's index into each array's cells (mixed radix)
    digits = []
    rest = occurring.copy()
    for size in reversed(sizes):
        digits.append(rest % size)
        rest //= size
    large = _large()
    parts = iter(reversed(digits))
    spelled = [
        pc.scalar(piece, large)
        if isinstance(piece, str)
        else pc.take(pc.cast(piece.dictionary, large), next(parts))
        for piece in pieces
    ]
    if not arrays:
        return encoded(row_code, pc.array(["".join(pieces)], large))
    cells = pc.binary_join_element_wise(*spelled, pc.scalar("", large))
    unique = pc.dictionary_encode(cells)  # a cell spelled by two combinations is one cell
    lookup = pc.numpy(unique.indices).astype(np.int32)
    return encoded(lookup[row_code], unique.dictionary)


def _occurring(codes: NDArray[np.int64], span: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct ``codes`` (``0 <= code < span``), ascending, and each row's place
    among them: by a table of the span where it is small, else by sorting."""
    if span <= _PRESENCE_LIMIT:
        present = np.zeros(span, dtype=bool)
        present[codes] = True
        occurring = np.flatnonzero(present)
        place = np.cumsum(present, dtype=np.int64) - 1
        return occurring, place[codes]
    occurring, place = np.unique(codes, return_inverse=True)
    return occurring, place.reshape(-1)


def repeated(pieces: list[Any], order: NDArray[np.int64], *, safe: bool = True) -> Taken:
    """The rows of ``pieces`` one after the other, row ``order[i]`` as row ``i``.

    For text of few distinct cells (notes): each piece is a text array, best
    already encoded (:func:`distinct`) as it is made so that the text of
    every row is never held at once. The distinct cells are found once
    (Arrow's dictionary encoding), with ``safe`` neutralised
    (:func:`neutralised`), and, when written, quoted once each; the rows are
    lookups in them.
    """
    import pyarrow as pa

    from . import arrowcompute as pc

    encoded = [p if pa.types.is_dictionary(p.type) else distinct(p) for p in pieces]
    kind = pa.dictionary(pa.int32(), _large())
    unified = pa.chunked_array(encoded, kind).unify_dictionaries()
    if not unified.num_chunks:
        return Taken(pc.array([], _large()), np.zeros(0, dtype=np.int64)[order])
    codes = np.concatenate([pc.numpy(chunk.indices) for chunk in unified.chunks])
    cells = unified.chunk(0).dictionary
    return Taken(neutralised(cells) if safe else cells, compact(codes)[order])


#: A result table's column: an Arrow string array, or text made for the rows asked.
TextColumn = Any


def rows(column: TextColumn, start: int, stop: int) -> Any:
    """Rows ``start``..``stop - 1`` of ``column`` as an Arrow string array."""
    if isinstance(column, Taken | Numbers):
        return column.rows(start, stop)
    return column.slice(start, stop - start)


def whole(column: TextColumn) -> Any:
    """Every row of ``column`` as an Arrow string array."""
    if isinstance(column, Taken | Numbers):
        return column.rows(0, len(column))
    return column
