"""Ordering within groups, per scenario, without Python loops.

Rankings and quotas of rules.md work within groups (a category of units, a
unit's cadres) and per scenario. These helpers order all scenarios at
once: arrays of shape ``(K, n)``, each scenario's row sorted on packed
integer keys, the results flattened with the scenario as the primary key.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from .values import Value

IntArray = NDArray[np.int64]


def whole_cents(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`cents` kept in ``float64`` (a new array): exact integers, for keys packed
    in float arithmetic and cast once."""
    whole = np.multiply(values, 100.0)
    np.rint(whole, out=whole)
    np.copyto(whole, -1.0, where=np.isnan(whole))
    return whole


def cents(values: NDArray[np.float64]) -> IntArray:
    """Published scores (multiples of 0.01) as whole cents; NaN becomes -1."""
    return whole_cents(values).astype(np.int64)


@attrs.frozen(repr=False, eq=False)
class GroupOrder(Value):
    """All scenarios' entities sorted by (scenario, group, score desc, tie-breaks, entity).

    ``order`` holds flat indices into ``(K, n)`` arrays raveled; ``key``
    the packed (scenario, group, score) of each sorted position; ``span``
    the number of score values a group spans; ``starts`` marks the first
    position of each (scenario, group).

    Group, score (in whole cents) and entity are packed into one integer
    and each scenario's row is sorted on its own (the scenario is the major
    key: sorting ``K`` rows of ``n`` is cheaper than one sort of ``K * n``),
    once when no score differs between scenarios; only runs of equal scores
    are sorted again by the tie-breaks.
    """

    k: int
    n: int
    group: IntArray
    order: IntArray
    key: IntArray
    span: int
    starts: NDArray[np.bool_]

    @classmethod
    def build(
        cls,
        group: IntArray,
        score_cents: IntArray,
        k: int,
        tie_breaks: Sequence[NDArray[np.generic]] = (),
    ) -> GroupOrder:
        """Sort by scenario, ``group`` (``(n,)``), ``score_cents`` desc, ``tie_breaks``, entity.

        ``score_cents`` is ``(K, n)`` or ``(1, n)`` (whole cents, -1 for no
        score); each tie-break is ``(K, n)``, ``(1, n)`` or ``(n,)``,
        ascending (negate to sort descending), first one first. The entity
        index (the id order) is the last tie-break.
        """
        n = int(group.shape[0])
        n_groups = int(group.max(initial=0)) + 1
        low = int(score_cents.min(initial=0))
        span = int(score_cents.max(initial=0)) - low + 1
        bits = max(n - 1, 0).bit_length()  # an entity (or a tie-break's rank) in the low bits
        if k * n_groups * span >= 2 ** (62 - bits):  # pragma: no cover
            raise ValueError("too many scenarios, groups and scores to order at once")
        # within a scenario: (group, score desc) packed into one value; the scenario is
        # the major key, so each scenario's row is sorted on its own
        value = (span - 1 + low) - score_cents.astype(np.int64, copy=False)  # (K, n) or (1, n)
        value += group * span
        entity = np.arange(n, dtype=np.int64)
        # tie-breaks ranked once for all scenarios; one scenario only sorts its ties
        shared = shared_rank(tie_breaks, n) if k > 1 else None
        if shared is not None and n_groups * span < 2 ** (62 - 2 * bits):
            # tie-breaks the same in every scenario: their rank joins the one key
            value <<= 2 * bits
            value |= (shared << bits) | entity
            value.sort(axis=1)
            order, sorted_value = value & ((1 << bits) - 1), value >> (2 * bits)
            return cls._finish(k, n, group, order, sorted_value, n_groups, span)
        value <<= bits
        value |= entity  # the entity is the last tie-break
        value.sort(axis=1)
        order, sorted_value = value & ((1 << bits) - 1), value >> bits
        built = cls._finish(k, n, group, order, sorted_value, n_groups, span)
        key, order = built.key, built.order
        if tie_breaks:
            tied = np.zeros(key.shape[0], dtype=bool)
            same = key[1:] == key[:-1]
            tied[1:] |= same
            tied[:-1] |= same
            if tied.any():
                where = np.flatnonzero(tied)
                members = order[where]
                scenario, entity = np.divmod(members, n)
                keys = [np.broadcast_to(t, (k, n))[scenario, entity] for t in reversed(tie_breaks)]
                resorted = np.lexsort([members % n, *keys, key[where]])
                order[where] = members[resorted]
        return built

    @classmethod
    def _finish(
        cls,
        k: int,
        n: int,
        group: IntArray,
        entity_order: IntArray,
        sorted_value: IntArray,
        n_groups: int,
        span: int,
    ) -> GroupOrder:
        """From each scenario's entities in order and their (group, score) values,
        ``(K, n)`` or ``(1, n)`` when no scenario differs."""
        # every scenario sorts the same entities by group first: each group begins at
        # the same place of every scenario's row
        sizes = np.bincount(group, minlength=n_groups)
        row_starts = np.zeros(n, dtype=bool)
        row_starts[(np.cumsum(sizes) - sizes)[sizes > 0]] = True
        starts = np.tile(row_starts, k)
        scenario = np.arange(k, dtype=np.int64)[:, None]
        order = (entity_order + scenario * n).ravel()
        key = (sorted_value + scenario * (n_groups * span)).ravel()
        return cls(k, n, group, order, key, span, starts)

    def running_count(self, flags: NDArray[np.bool_]) -> IntArray:
        """For each entity, how many flagged entities precede or are it in its group.

        ``flags`` is ``(K, n)``; the result is ``(K, n)`` (0 where not flagged).
        """
        flagged = np.flatnonzero(flags.ravel()[self.order])  # sorted positions of flagged ones
        row_group = np.cumsum(self.starts[: self.n]) - 1  # groups begin alike in every row
        scenario, position = np.divmod(flagged, max(self.n, 1))
        group = scenario * (int(row_group[-1]) + 1 if self.n else 1) + row_group[position]
        first = np.ones(flagged.shape[0], dtype=bool)
        first[1:] = group[1:] != group[:-1]
        running = place_in_run(first) + 1
        out = np.zeros(self.k * self.n, dtype=np.int64)
        out[self.order[flagged]] = running
        return out.reshape(self.k, self.n)

    def take_places(self, flags: NDArray[np.bool_], places: IntArray) -> NDArray[np.bool_]:
        """The flagged entities that get one of their group's ``places``, in order.

        ``flags`` is ``(K, n)`` or ``(1, n)``, ``places`` ``(K, n_groups)`` or
        ``(1, n_groups)``; the result is ``(K, n)``.
        """
        flags = np.broadcast_to(flags, (self.k, self.n))
        return flags & (self.running_count(flags) <= places[:, self.group])

    def rank(self) -> IntArray:
        """``1 + number of entities of the same group with a higher score``, ``(K, n)``."""
        k, n = self.k, self.n
        row_starts = self.starts[:n]  # groups begin alike in every scenario's row
        key = self.key.reshape(k, n)
        new_value = np.empty((k, n), dtype=bool)
        new_value[:, :1] = True
        np.not_equal(key[:, 1:], key[:, :-1], out=new_value[:, 1:])
        new_value |= row_starts
        # the place in its row where each run of one group (of one value) begins
        column = np.arange(n, dtype=np.int64)
        group_start = np.maximum.accumulate(np.where(row_starts, column, 0)) if n else column
        value_start = np.where(new_value, column, 0)
        np.maximum.accumulate(value_start, axis=1, out=value_start)
        value_start -= group_start - 1
        ranks = np.empty(k * n, dtype=np.int64)
        ranks[self.order] = value_start.ravel()
        return ranks.reshape(k, n)


def place_in_run(starts: NDArray[np.bool_]) -> IntArray:
    """For a sequence cut into runs (``starts`` marks the first of each), each
    position's place in its run, from 0."""
    index = np.arange(starts.shape[0], dtype=np.int64)
    place: IntArray = index - np.maximum.accumulate(np.where(starts, index, 0))
    return place


def shared_rank(tie_breaks: Sequence[NDArray[np.generic]], n: int) -> IntArray | None:
    """The dense rank (0..n-1) of each entity's tie-break tuple, when no tie-break
    varies by scenario; None otherwise (or when there are none)."""
    if not tie_breaks or any(np.ndim(t) == 2 and np.shape(t)[0] != 1 for t in tie_breaks):
        return None
    columns = [np.asarray(t).reshape(n) for t in tie_breaks]
    order = np.lexsort(list(reversed(columns)))
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
        for column in columns:
            sorted_column = column[order]
            new[1:] |= sorted_column[1:] != sorted_column[:-1]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return rank


def rank_by_higher(values: NDArray[np.float64], group: IntArray) -> IntArray:
    """``1 + number of entities of the same group with a higher value``, per scenario.

    ``values`` is ``(K, n)`` of published scores (multiples of 0.01); NaN
    values get rank -1 and do not count.
    """
    ranks = GroupOrder.build(group, cents(values), values.shape[0]).rank()
    return np.where(np.isnan(values), -1, ranks)


def pack_keys(
    keys: Sequence[NDArray[np.integer] | NDArray[np.datetime64]],
) -> tuple[IntArray, int] | None:
    """Integer (or date) ``keys``, primary first, packed into one int64 that orders
    rows as the keys do, and how many more values the packing has room for;
    None when the keys' ranges do not fit together."""
    n = int(keys[0].shape[0])
    packed = np.zeros(n, dtype=np.int64)
    room = 2**62
    for key in keys:
        array = np.asarray(key)
        column = array.view(np.int64) if array.dtype.kind == "M" else array.astype(np.int64)
        low, high = (int(column.min()), int(column.max())) if n else (0, 0)
        span = high - low + 1
        if room // span < 1:
            return None
        room //= span
        packed = packed * span + (column - low)
    return packed, room


def stable_order(key: NDArray[np.integer]) -> IntArray:
    """Row order by integer ``key``, ties in row order: ``np.argsort(key, kind="stable")``.

    Keys from 0 to ``2**32 - 1`` (entity indices, packed keys) are sorted in
    two passes of 16 bits, each a radix sort of numpy's (linear; a few times
    faster than the comparison sort of millions of 64-bit keys); others by
    numpy's stable sort.
    """
    key = np.asarray(key)
    if not key.shape[0] or int(key.min()) < 0 or int(key.max()) >= 1 << 32:
        return np.argsort(key, kind="stable").astype(np.int64)
    order = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    if int(key.max()) < 1 << 16:
        return order.astype(np.int64)
    high = (key >> 16).astype(np.uint16)[order]
    return order[np.argsort(high, kind="stable")].astype(np.int64)


def sort_rows(keys: Sequence[NDArray[np.integer] | NDArray[np.datetime64]]) -> IntArray:
    """Row order by integer (or date) ``keys``, primary first; ties keep row order.

    The keys are packed into one int64 when their ranges allow, so that one
    sort does the work of a lexicographic sort of several keys.
    """
    n = int(keys[0].shape[0]) if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    packing = pack_keys(keys)
    if packing is None:
        columns = [np.asarray(key) for key in keys]
        return np.lexsort([np.arange(n), *reversed(columns)]).astype(np.int64)
    packed, room = packing
    if room < n or int(packed.max()) < 1 << 32:  # a stable sort keeps row order
        return stable_order(packed)
    return np.argsort(packed * n + np.arange(n, dtype=np.int64)).astype(np.int64)


def nth_per_group(
    group: IntArray, keys: Sequence[NDArray[np.integer] | NDArray[np.datetime64]], nth: int = 0
) -> IntArray:
    """The row that comes ``nth`` (0 first) in each group when rows are ordered by
    ``keys`` (primary first), ties in row order; groups with fewer rows have none.

    Returned in group order. For a small ``nth`` the rows are found by
    repeated minimum per group (linear), else by sorting.
    """
    n = int(group.shape[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    row = np.arange(n, dtype=np.int64)
    packing = pack_keys([*keys, row])
    if packing is None or nth >= NTH_BY_MINIMUM:
        order = sort_rows([group, *keys])
        sorted_group = group[order]
        starts = np.ones(n, dtype=bool)
        starts[1:] = sorted_group[1:] != sorted_group[:-1]
        within = place_in_run(starts)
        nth_rows: IntArray = order[within == nth]
        return nth_rows
    # the row is the last key (from 0, n values): packed values are distinct and
    # end in the row, packed = prefix * n + row
    remaining, unseen = packing[0], np.iinfo(np.int64).max
    least = np.full(int(group.max()) + 1, unseen, dtype=np.int64)
    for round_ in range(nth + 1):
        if round_:
            remaining = np.where(remaining == least[group], unseen, remaining)
            least.fill(unseen)
        np.minimum.at(least, group, remaining)
    found: IntArray = least[least != unseen] % n
    return found


#: :func:`nth_per_group` finds up to this many rows per group without sorting.
NTH_BY_MINIMUM = 4


def governing(level: IntArray, entity: IntArray, n_entities: int) -> tuple[IntArray, IntArray]:
    """The heaviest ``level`` (>= 0) per entity and the row that gives it.

    Rows are ``(n_rows,)``; ties go to the first row in array order.
    Returns ``(levels, rows)``, each ``(n_entities,)``; level 0 and row -1
    where an entity has no rows. Two unbuffered reductions, no sort.
    """
    levels = np.zeros(n_entities, dtype=np.int64)
    n_rows = level.shape[0]
    rows = np.full(n_entities, n_rows, dtype=np.int64)
    if n_rows == 0:
        return levels, rows - 1
    np.maximum.at(levels, entity, level)
    top = np.flatnonzero(level == levels[entity])
    np.minimum.at(rows, entity[top], top)
    rows[rows == n_rows] = -1
    return levels, rows
