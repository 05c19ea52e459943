"""Moving text between Apache Arrow and numpy, and making any Arrow column text.

Readers hand over Arrow arrays (:mod:`pyarrow`); rules compute on numpy.
Numbers and dates cross without a copy or with one cast; text needs a
change of layout (Arrow: UTF-8 with offsets; numpy: fixed-width UTF-32).
Both directions are done on whole buffers: ASCII text (ids, codes) through
numpy byte matrices, other text through one codec call over the whole
column, never a Python string per cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from .. import arrowcompute as pc

#: A parsed column: numpy for dates, numbers and flags; an Arrow string array for text.
Column: TypeAlias = "NDArray[Any] | pa.Array"

StrArray = NDArray[np.str_]

#: The empty text as an Arrow scalar, for comparisons, made once: a compute function
#: given a Python value (``""``, ``None``) makes it an Arrow scalar each call.
EMPTY = pc.scalar("", pa.string())


def plain(values: Column) -> Column:
    """A column with a dictionary array (:func:`~kaohe.data.parse.parse_words`) decoded."""
    if isinstance(values, pa.Array) and pa.types.is_dictionary(values.type):
        return pc.take(values.dictionary, values.indices)  # what dictionary_decode does
    return values


def empty_as_null(values: pa.Array) -> pa.Array:
    """Text ``values`` with every empty cell null (typed scalars: see :data:`EMPTY`)."""
    return pc.if_else(pc.equal(values, EMPTY), pc.scalar(None, values.type), values)


def combined(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (chunks combined)."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    return values


def stored_offsets(values: pa.Array) -> NDArray[np.int32] | NDArray[np.int64]:
    """The ``n + 1`` byte offsets of a string array as stored (``int32``, or ``int64``
    for a large string), without a copy; nulls are empty."""
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    return np.frombuffer(
        values.buffers()[1],
        dtype=width,
        count=len(values) + 1,
        offset=values.offset * np.dtype(width).itemsize,
    )


def byte_offsets(values: pa.Array) -> NDArray[np.int64]:
    """The ``n + 1`` byte offsets of a string array as ``int64`` (nulls are empty)."""
    return stored_offsets(values).astype(np.int64)


def empty_cells(values: pa.Array) -> NDArray[np.bool_]:
    """Whether each cell is ``""`` (``pc.equal(values, "")`` with nulls false), of a
    string array by its offsets alone (of a dictionary array, of its words)."""
    if pa.types.is_dictionary(values.type) and not values.null_count:
        cells: NDArray[np.bool_] = empty_cells(values.dictionary)[pc.numpy(values.indices)]
        return cells
    if values.null_count or not is_text(values):
        return pc.numpy(pc.equal(values, EMPTY), null=False)
    offsets = stored_offsets(values)
    empty: NDArray[np.bool_] = offsets[1:] == offsets[:-1]
    return empty


def text_bytes(values: pa.Array) -> NDArray[np.uint8]:
    """The bytes of a string array's cells, as stored (no copy)."""
    data = values.buffers()[2]
    if data is None or not len(values):
        return np.zeros(0, dtype=np.uint8)
    offsets = stored_offsets(values)
    return np.frombuffer(data, np.uint8)[int(offsets[0]) : int(offsets[-1])]


def holds_byte(values: pa.Array, byte: int) -> bool:
    """Whether a cell of a string array holds the ASCII character ``byte`` (one scan
    of the text's bytes; in UTF-8 an ASCII byte is never part of another character)."""
    return bool((text_bytes(values) == byte).any())


def _bytes_within(raw: NDArray[np.uint8], lowest: int, highest: int) -> bool:
    """Whether every byte of ``raw`` is from ``lowest`` to ``highest`` (two reductions;
    true of no bytes)."""
    return not raw.shape[0] or (int(raw.min()) >= lowest and int(raw.max()) <= highest)


def printable_ascii(values: pa.Array) -> bool:
    """Whether every cell of a string array is printable ASCII (no control character,
    nothing beyond ASCII): two reductions over the text's bytes."""
    return _bytes_within(text_bytes(values), 0x20, 0x7E)


def not_utf8(values: pa.Array) -> NDArray[np.bool_] | None:
    """Which cells of a string array (or of a dictionary array's strings) are not UTF-8
    text; None when every cell is: ASCII text by its bytes' greatest, other text by
    Arrow's check, cell by cell only when that fails."""
    strings = values.dictionary if pa.types.is_dictionary(values.type) else values
    if not is_text(strings):
        return None
    if _bytes_within(text_bytes(strings), 0x00, 0x7F):  # ASCII: UTF-8 as it is
        return None
    try:
        strings.validate(full=True)
        return None
    except pa.ArrowInvalid:
        pass
    raw = strings.view(pa.large_binary() if pa.types.is_large_string(strings.type) else pa.binary())
    bad = np.array([_undecodable(cell) for cell in raw.to_pylist()], dtype=bool)
    if pa.types.is_dictionary(values.type):
        indices = pc.numpy(values.indices, null=0).astype(np.intp, copy=False)
        bad = bad[indices] & pc.numpy(pc.is_valid(values.indices), null=False)
    return bad if bad.any() else None


def _undecodable(cell: bytes | None) -> bool:
    if cell is None:
        return False
    try:
        cell.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def to_numpy_text(values: pa.Array | pa.ChunkedArray) -> StrArray:
    """A string array as a numpy ``str`` array (nulls become ``""``).

    ASCII text is gathered into a byte matrix with numpy; other text is
    decoded to UTF-32 in one codec call after padding every cell to the
    same number of characters.
    """
    values = combined(values)
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    values = pc.fill_null(values, "")
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype="U1")
    offsets = byte_offsets(values)
    lengths = offsets[1:] - offsets[:-1]
    data = values.buffers()[2]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    raw = raw[offsets[0] : offsets[-1]]
    width = int(lengths.max()) if n else 0
    if width == 0:
        return np.full(n, "", dtype="U1")
    if not raw.size or int(raw.max()) < 0x80:
        padded = np.concatenate((raw, np.zeros(width, np.uint8)))
        windows = np.lib.stride_tricks.sliding_window_view(padded, width)
        cells = windows[offsets[:-1] - offsets[0]]
        cells = cells * (np.arange(width) < lengths[:, None])
        ascii_text: StrArray = cells.astype(np.uint32).view(f"<U{width}")[:, 0]
        return ascii_text
    chars = int(pc.max(pc.utf8_length(values)).as_py())
    padded_text = pc.utf8_rpad(values, width=chars, padding="\x00")
    offsets = byte_offsets(padded_text)
    data = padded_text.buffers()[2]
    assert data is not None
    text = data.to_pybytes()[offsets[0] : offsets[-1]].decode("utf-8")
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    result: StrArray = points.view(f"<U{chars}")
    return result


def _float_text(values: pa.Array) -> pa.Array:
    """Numbers as people write them: whole numbers without ``.0``."""
    whole = pc.and_(pc.is_finite(values), pc.equal(pc.floor(values), values))
    small = pc.less_equal(pc.abs(values), 2.0**53)
    as_int = pc.and_kleene(whole, small)
    integers = pc.cast(pc.if_else(as_int, values, 0.0), pa.int64())
    return pc.if_else(as_int, pc.cast(integers, pa.string()), pc.cast(values, pa.string()))


def text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Any Arrow column as trimmed text cells, ``""`` where empty.

    Integers and whole floats are written without a fraction (``1001``),
    booleans ``true``/``false``, dates ``YYYY-MM-DD``, timestamps at
    midnight as their day (others keep their time, which the date parser
    rejects), dictionary columns by their values.
    """
    values = combined(values)
    kind = values.type
    if pa.types.is_dictionary(kind):
        values = values.dictionary_decode()
        kind = values.type
    if pa.types.is_null(kind):
        return pc.array([""] * len(values), pa.string())
    if pa.types.is_floating(kind):
        values = _float_text(pc.cast(values, pa.float64()))
    elif pa.types.is_boolean(kind):
        values = pc.if_else(values, "true", "false")
    elif pa.types.is_timestamp(kind):
        midnight = pc.equal(pc.cast(pc.floor_temporal(values, unit="day"), kind), values)
        day_text = pc.strftime(values, format="%Y-%m-%d")
        full = pc.strftime(values, format="%Y-%m-%d %H:%M:%S")
        values = pc.if_else(midnight, day_text, full)
    elif (
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or not (pa.types.is_string(kind) or pa.types.is_large_string(kind))
    ):
        values = pc.cast(values, pa.string())
    return trimmed(values)


def _byte_set(*members: int | range) -> NDArray[np.bool_]:
    table = np.zeros(256, np.bool_)
    for member in members:
        table[list(member) if isinstance(member, range) else member] = True
    return table


#: Bytes that may begin (end) a character Arrow's ``utf8_trim_whitespace`` trims:
#: supersets of the first (last) UTF-8 bytes of U+0009-U+000D, U+001C-U+0020, U+0085,
#: U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 (a test
#: checks every code point against Arrow).
MAY_START_BLANK = _byte_set(range(0x21), 0x7F, 0xC2, 0xE1, 0xE2, 0xE3)
MAY_END_BLANK = _byte_set(range(0x21), 0x7F, range(0x80, 0x8F), 0x9F, 0xA0, 0xA8, 0xA9, 0xAF)
#: Bytes that may come before the last byte of such a character when it is not ASCII
#: (C2 85, C2 A0, E1 9A 80, E2 80 xx, E2 81 9F, E3 80 80): most Chinese text ends with
#: a last byte of :data:`MAY_END_BLANK` but not with one of these before it.
MAY_END_BLANK_BEFORE = _byte_set(0x80, 0x81, 0x9A, 0xC2)


def _edges(
    values: pa.Array, *, ends: bool = True
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Per cell of a string array without nulls: empty; may start; may end with white
    space (with ``ends=False``, not looked at: every cell that is not empty)."""
    offsets = stored_offsets(values)
    data = values.buffers()[2]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    start, end = offsets[:-1], offsets[1:]
    present = end > start
    if not raw.shape[0]:
        return ~present, present, present
    # every byte printable ASCII but the space (ids, codes): no cell can start or end
    # with white space, found without looking at each cell's first and last bytes
    cells = raw[int(offsets[0]) : int(offsets[-1])]
    if cells.shape[0] and _bytes_within(cells, 0x21, 0x7E):
        none = np.zeros(present.shape[0], np.bool_)
        return ~present, none, none if ends else present
    # np.take of a byte table: about twice as fast as indexing the table by the bytes
    first = np.take(raw, start, mode="clip")  # an empty cell's byte is not looked at
    starts = np.take(MAY_START_BLANK, first)
    starts &= present
    if not ends:
        return ~present, starts, present
    last = np.take(raw, end - 1, mode="clip")
    may_end = np.take(MAY_END_BLANK, last)
    may_end &= present
    wide = np.flatnonzero(may_end & (last >= 0x80))
    wide = wide[end[wide] - start[wide] >= 2]
    may_end[wide] = MAY_END_BLANK_BEFORE[raw[end[wide] - 2]]
    return ~present, starts, may_end


def is_text(values: pa.Array) -> bool:
    """Whether ``values`` is a string (or large string) array."""
    return bool(pa.types.is_string(values.type) or pa.types.is_large_string(values.type))


def trimmed(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``utf8_trim_whitespace`` of a string array, nulls as ``""``.

    A column none of whose cells may start or end with white space (by its
    first and last bytes: :data:`MAY_START_BLANK`, :data:`MAY_END_BLANK`,
    :data:`MAY_END_BLANK_BEFORE`), as most, is returned as it is.
    """
    values = combined(values)
    if values.null_count:
        values = pc.fill_null(values, "")
    if not is_text(values):
        return pc.utf8_trim_whitespace(values)
    _, starts, ends = _edges(values)
    if not (starts | ends).any():
        return values
    # Trimming every cell is faster than trimming the few and putting them back.
    return pc.utf8_trim_whitespace(values)


def filled(values: pa.Array | pa.ChunkedArray) -> NDArray[np.bool_]:
    """Whether each cell has something besides white space (``text(values) != ""``).

    A cell of a string column that is not empty and does not start with a
    byte of :data:`MAY_START_BLANK` is filled; only the others are trimmed.
    The chunks of a chunked array are looked at one by one (not copied into one).
    """
    if isinstance(values, pa.ChunkedArray) and values.num_chunks > 1:
        return np.concatenate([filled(chunk) for chunk in values.chunks])
    values = combined(values)
    if pa.types.is_date(values.type):  # a date's text is never empty
        return pc.numpy(pc.is_valid(values), null=False)
    if pa.types.is_dictionary(values.type):  # each distinct value looked at once
        words = np.append(filled(values.dictionary), False)  # the last: null cells
        cells: NDArray[np.bool_] = words[pc.numpy(values.indices, null=len(values.dictionary))]
        return cells
    if not is_text(values):
        return pc.numpy(pc.not_equal(text(values), ""), null=False)
    valid = pc.numpy(pc.is_valid(values), null=False) if values.null_count else None
    if values.null_count:
        values = pc.fill_null(values, "")
    empty, starts, _ = _edges(values, ends=False)
    result = ~empty
    if valid is not None:
        result &= valid
    unsure = np.flatnonzero(result & starts)
    if unsure.shape[0]:
        cells = pc.utf8_trim_whitespace(pc.take(values, unsure))
        result[unsure] = pc.numpy(pc.not_equal(cells, EMPTY), null=False)
    return result


def python_cells(values: list[Any], *, number_column: bool = False) -> pa.Array:
    """A column of Python values (a spreadsheet's cells, a program's list) as one Arrow array.

    Values of one type give that type; mixed values (text and numbers in one
    column) give their text, each written as :func:`text` would. ``""`` and
    ``None`` are empty cells, and so is a float NaN unless ``number_column``.
    """
    cleaned = [None if value == "" else value for value in values]
    try:
        return pa.array(cleaned, from_pandas=not number_column)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError):
        texts = [_cell_text(value, number_column) for value in cleaned]
        return pc.array(texts, pa.string())


def _cell_text(value: object, number_column: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        number = float(value)
        if number != number and not number_column:
            return ""
        if number.is_integer() and abs(number) <= 2.0**53:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else str(value)
    return str(value)
