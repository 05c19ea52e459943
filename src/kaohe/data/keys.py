"""Fast order-preserving operations on numpy ``str`` arrays.

Sorting, searching and comparing ``str`` arrays of millions of elements is
slow in numpy (2-6 s for 10 million ids). Short strings are packed into one
``uint64`` per element whose integer order is the strings' code-point order,
and the integer operations are used instead; longer strings fall back to
numpy's string operations, with the same results.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

StrArray = NDArray[np.str_]
_BITS = ((0x80, 7), (0x10000, 16), (0x110000, 21))


def _codepoints(values: StrArray) -> NDArray[np.uint32]:
    """The ``(n, width)`` matrix of code points (0 pads short strings)."""
    values = np.ascontiguousarray(values)
    width = values.dtype.itemsize // 4
    if width == 0:
        return np.zeros((values.shape[0], 0), np.uint32)
    return values.view(np.uint32).reshape(values.shape[0], width)


def _width(points: NDArray[np.uint32]) -> int:
    """The length of the longest string in a code-point matrix."""
    used = np.flatnonzero(points.any(axis=0))  # one pass, not one per empty column
    return int(used[-1]) + 1 if used.shape[0] else 0


def _packed(matrix: NDArray[np.uint32], width: int, bits: int) -> NDArray[np.uint64]:
    """The first ``width`` code points of each row, ``bits`` each, in one ``uint64``."""
    key = np.zeros(matrix.shape[0], np.uint64)
    shift = np.uint64(bits)
    for column in range(width):
        key <<= shift
        if column < matrix.shape[1]:
            key |= matrix[:, column]
    return key


def _layout(matrices: list[NDArray[np.uint32]]) -> tuple[int, list[int]]:
    """One packing layout for code-point matrices: bits per character (enough for
    the largest code point) and the length of each matrix's longest string."""
    top = max((int(m.max()) for m in matrices if m.size), default=0)
    bits = next(bits for limit, bits in _BITS if top < limit)
    widths = [m.shape[1] if m.shape[1] <= 64 // bits else _width(m) for m in matrices]
    return bits, widths


def pack(*arrays: StrArray) -> list[NDArray[np.uint64]] | None:
    """Order-preserving ``uint64`` keys for ``str`` arrays, one layout for all.

    ``pack(a, b)[0][i] < pack(a, b)[1][j]`` exactly when ``a[i] < b[j]`` in
    code-point order, likewise ``==``. None when some string is too long to
    pack (more than 9 ASCII, 4 BMP or 3 other characters).
    """
    matrices = [_codepoints(array) for array in arrays]
    bits, widths = _layout(matrices)
    width = max(widths, default=0)
    if width > 64 // bits:
        return None
    return [
        _packed(matrix[:, :own], width, bits) for matrix, own in zip(matrices, widths, strict=True)
    ]


def sortable(values: NDArray[Any]) -> NDArray[Any]:
    """An array with the same order as ``values`` that sorts fast.

    ``str`` arrays become packed integer keys where possible; dates their
    integer day numbers (``NaT`` first); other arrays are returned as they are.
    """
    if values.dtype.kind == "U":
        packed = pack(values)
        return values if packed is None else packed[0]
    if values.dtype.kind == "M":
        return values.view(np.int64)
    return values


def _ascending(values: NDArray[Any]) -> bool:
    if values.dtype.kind == "M":
        values = values.view(np.int64)
    return values.shape[0] < 2 or bool(np.all(values[1:] >= values[:-1]))


def order(*columns: NDArray[Any], stable: bool = True) -> NDArray[np.intp] | None:
    """The permutation that sorts rows by ``columns`` (first is primary), or None
    when they are in order already (checked with one comparison pass).

    Several columns are always sorted stably; one column only when
    ``stable`` (not needed when its values are distinct).
    """
    if len(columns) == 1:
        if _ascending(columns[0]):
            return None
        return np.argsort(sortable(columns[0]), kind="stable" if stable else None)
    return np.lexsort([sortable(column) for column in columns[::-1]])


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
#: From this many values on, :func:`locate` builds a hash table (below, a
#: binary search is cheaper than building it).
_HASH_FROM = 1 << 16


def _hash_table(haystack: NDArray[np.uint64]) -> tuple[NDArray[np.int64], int]:
    """The open-addressing hash table of distinct packed keys: (slots, bits).

    Multiplicative (Fibonacci) hashing into a table at most a quarter full;
    collisions are resolved by linear probing, all keys of a probe round at
    once. A random lookup in a small table is several times faster than the
    binary search of ``np.searchsorted``.
    """
    bits = max(int(haystack.shape[0] * 4 - 1).bit_length(), 4)
    mask = (1 << bits) - 1
    shift = np.uint64(64 - bits)
    slots = np.full(mask + 1, -1, np.int64)
    pending = np.arange(haystack.shape[0])
    position = ((haystack * _GOLDEN) >> shift).view(np.int64)
    while pending.shape[0]:
        free = slots[position] < 0
        # of the keys that want one free slot, the first takes it
        wanted, first = np.unique(position[free], return_index=True)
        slots[wanted] = pending[free][first]
        placed = np.zeros(pending.shape[0], np.bool_)
        placed[np.flatnonzero(free)[first]] = True
        pending, position = pending[~placed], (position[~placed] + 1) & mask
    return slots, bits


def _hash_find(
    haystack: NDArray[np.uint64], table: tuple[NDArray[np.int64], int], needles: NDArray[np.uint64]
) -> NDArray[np.int64]:
    """The index of each needle in ``haystack`` through its :func:`_hash_table`, -1 where absent."""
    slots, bits = table
    mask = (1 << bits) - 1
    shift = np.uint64(64 - bits)
    # first probe of every row at once; most rows end here
    position = ((needles * _GOLDEN) >> shift).view(np.int64)
    slot = slots[position]
    filled = slot >= 0
    hit = haystack[np.maximum(slot, 0)] == needles
    hit &= filled
    result = np.where(hit, slot, -1)
    going = filled & ~hit
    pending = np.flatnonzero(going)
    position = (position[pending] + 1) & mask
    while pending.shape[0]:
        slot = slots[position]
        filled = slot >= 0
        hit = filled & (haystack[slot] == needles[pending])
        result[pending[hit]] = slot[hit]
        going = filled & ~hit
        pending, position = pending[going], (position[going] + 1) & mask
    return result


def locate(sorted_ids: StrArray, values: StrArray) -> NDArray[np.int64]:
    """The index of each of ``values`` in the sorted, distinct ``sorted_ids``, -1 where absent."""
    return Locator(sorted_ids).find(values)


class Locator:
    """Finds values among sorted, distinct ids; for many lookups in the same ids.

    The ids are packed (in a layout chosen from the ids alone) and their
    hash table is built once, on the first large lookup. A value with a
    character the layout cannot hold, or longer than every id, is no id.
    """

    def __init__(self, sorted_ids: StrArray) -> None:
        self.ids = sorted_ids
        matrix = _codepoints(sorted_ids)
        self._bits, (self._width,) = _layout([matrix])
        self._keys: NDArray[np.uint64] | None = None
        if self._width <= 64 // self._bits:
            self._keys = _packed(matrix[:, : self._width], self._width, self._bits)
        self._slots: tuple[NDArray[np.int64], int] | None = None

    def find(self, values: StrArray) -> NDArray[np.int64]:
        """The index of each of ``values`` in the ids, -1 where absent."""
        if self.ids.shape[0] == 0 or values.shape[0] == 0:
            return np.full(values.shape[0], -1, np.int64)
        if self._keys is None:
            return _search(self.ids, values)
        matrix = _codepoints(values)
        fits = np.ones(values.shape[0], np.bool_)
        # whole-array passes first: per-row reductions over a few characters are slow
        if matrix.size and int(matrix.max()) >= 1 << self._bits:
            fits &= matrix.max(axis=1) < (1 << self._bits)
        if matrix.shape[1] > self._width and matrix[:, self._width :].any():
            fits &= ~matrix[:, self._width :].any(axis=1)
        needles = _packed(matrix[:, : self._width], self._width, self._bits)
        if values.shape[0] >= _HASH_FROM:
            if self._slots is None:
                self._slots = _hash_table(self._keys)
            found = _hash_find(self._keys, self._slots, needles)
        else:
            found = _search(self._keys, needles)
        found[~fits] = -1
        return found


def _search(haystack: NDArray[Any], needles: NDArray[Any]) -> NDArray[np.int64]:
    """:func:`locate` by binary search in the sorted ``haystack``."""
    position = np.searchsorted(haystack, needles)
    np.minimum(position, haystack.shape[0] - 1, out=position)
    found = haystack[position] == needles
    return np.where(found, position, -1).astype(np.int64)


def equal_neighbours(*columns: NDArray[Any]) -> NDArray[np.bool_]:
    """``out[i]``: row ``i + 1`` equals row ``i`` in every one of ``columns``."""
    n = columns[0].shape[0]
    same = np.ones(max(n - 1, 0), np.bool_)
    for column in columns:
        key = column.view(np.int64) if column.dtype.kind == "M" else column
        same &= key[1:] == key[:-1]
    return same
