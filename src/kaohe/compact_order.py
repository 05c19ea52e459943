"""Ordering a batch on 32-bit keys: the cheaper full sort when many entities move.

:class:`CompactOrder` gives the order, ranks and places of
:class:`~kaohe.ordering.GroupOrder` with tie-breaks that no scenario
changes. Instead of the entity, the low bits of each key hold the entity's
place within its group in tie-break order (groups are small), so that a key
of (group, score, place) fits in 32 bits: each scenario's row is sorted on
keys half as wide, and the entity is read back from the group and the
place. Ranks and places then come from linear passes over the sorted rows.

As the group leads the key, a group's keys fill the same positions of every
sorted row. When groups are small each one is sorted on its own
(:class:`GroupLayout`: the groups of one size side by side, a sort along
short rows): short rows are sorted much faster per key than long ones (a
32-bit row of up to 512 keys about 15 times faster than one of 5,000,
measured). The groups then come in that order, not in their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from .ordering import IntArray, place_in_run, shared_rank, whole_cents
from .values import Value

#: Packed keys stay below this (the int32 range).
KEY_LIMIT = 2**31
#: Groups are sorted each on its own when none has more entities than this:
#: rows up to this long are sorted by a sorting network, longer ones are not.
SHORT_ROW = 512


@attrs.frozen(repr=False, eq=False)
class GroupLayout(Value):
    """The positions of each group's entities in a sorted row.

    ``order`` is the groups in the order of their positions, ``start`` the
    first position of each group (indexed by group). When every group is
    short (at most :data:`SHORT_ROW` entities), the groups come by size,
    then group, and ``spans`` gives each size's first position, number of
    groups and size (sizes above 1): the groups of one size are sorted as
    the rows of one ``(rows, groups, size)`` array. Otherwise ``spans`` is
    None and the groups come in their own order: a row is sorted whole.
    """

    order: IntArray
    start: IntArray
    spans: tuple[tuple[int, int, int], ...] | None

    @classmethod
    def build(cls, sizes: IntArray) -> GroupLayout:
        """The layout of groups of ``sizes`` entities (at least one group)."""
        n_groups = int(sizes.shape[0])
        short = int(sizes.max()) <= SHORT_ROW
        order = np.lexsort((np.arange(n_groups), sizes)) if short else np.arange(n_groups)
        ordered = sizes[order]
        first = np.cumsum(ordered) - ordered
        start = np.empty(n_groups, dtype=np.int64)
        start[order] = first
        if not short:
            return cls(order, start, None)
        size, at, count = np.unique(ordered, return_index=True, return_counts=True)
        spans = tuple(
            (int(first[a]), int(c), int(s))
            for s, a, c in zip(size.tolist(), at.tolist(), count.tolist(), strict=True)
            if s > 1
        )
        return cls(order, start, spans)

    def sort(self, key: NDArray[np.int32]) -> None:
        """Sort each group's keys in every row of ``key`` (``(rows, n)``, the
        entities in this layout's positions), in place."""
        assert self.spans is not None
        rows = key.shape[0]
        for first, count, size in self.spans:
            key[:, first : first + count * size].reshape(rows, count, size).sort(axis=2)


@attrs.frozen(repr=False, eq=False)
class CompactOrder(Value):
    """All scenarios' entities sorted by (group, score desc, tie-breaks, entity).

    ``key`` is each scenario's row of packed keys, sorted, ``(K, n)`` or
    ``(1, n)`` when no score differs between scenarios: ``(group, score
    desc)`` above ``shift`` bits, the entity's place in its group in
    tie-break order below. ``order`` holds the flat index into ``(K, n)``
    arrays raveled of the entity at each sorted position. A group occupies
    the same positions in every row, the groups in the order of their
    :class:`GroupLayout` (``group_order``): ``position_group`` is the group
    at each position, ``group_start`` the first position of each group.
    """

    k: int
    n: int
    key: NDArray[np.int32]
    shift: int
    order: IntArray
    position_group: IntArray
    group_start: IntArray
    group_order: IntArray

    @classmethod
    def build(
        cls,
        group: IntArray,
        scores: NDArray[np.float64],
        k: int,
        tie_breaks: Sequence[NDArray[np.generic]] = (),
    ) -> CompactOrder | None:
        """The order, or None when it does not apply: tie-breaks that vary by
        scenario, or keys too wide for 32 bits.

        ``scores`` are published scores (multiples of 0.01; NaN for none),
        ``(K, n)`` or ``(1, n)``; ``group`` is ``(n,)``; each tie-break
        ``(1, n)`` or ``(n,)``, ascending, first one first.
        """
        n = int(group.shape[0])
        if n == 0:
            return None
        shared = shared_rank(tie_breaks, n) if tie_breaks else np.zeros(n, dtype=np.int64)
        if shared is None:
            return None
        n_groups = int(group.max()) + 1
        sizes = np.bincount(group, minlength=n_groups)
        shift = (int(sizes.max()) - 1).bit_length()
        # every key below is an integer under 2**31: the float arithmetic is exact
        whole = whole_cents(scores)
        low, high = int(whole.min()), int(whole.max())
        span = high - low + 1
        if (n_groups * span) << shift >= KEY_LIMIT:
            return None
        # the entities of each group in tie-break order, the groups as laid out; an
        # entity's place there is the low part of its key (unique within the group)
        layout = GroupLayout.build(sizes)
        laid_out = np.empty(n_groups, dtype=np.int64)
        laid_out[layout.order] = np.arange(n_groups)
        by_tie = np.lexsort((np.arange(n), shared, laid_out[group]))
        group_start = layout.start
        position_group = np.repeat(layout.order, sizes[layout.order])
        place = np.empty(n, dtype=np.int64)
        place[by_tie] = np.arange(n) - group_start[position_group]
        # (group, score desc) as GroupOrder packs it: high - cents is 0 for the best score
        base = ((group * span + high) << shift) | place
        whole *= float(1 << shift)
        key = np.subtract(base.astype(np.float64), whole, out=whole).astype(np.int32)
        if layout.spans is None:
            key.sort(axis=1)
        else:  # each group on its own: its entities to its positions first
            key = np.take(key, by_tie, axis=1)
            layout.sort(key)
        # the entity from its place and its position's group, made in the index type
        # (an index of another type would be converted on a copy first)
        entity = np.bitwise_and(key, (1 << shift) - 1, dtype=np.int64)
        entity += group_start[position_group]
        order = np.take(by_tie, entity)
        row_start = np.arange(k, dtype=np.int64)[:, None] * n
        order = np.add(order, row_start, out=order if order.shape[0] == k else None)
        return cls(k, n, key, shift, order.ravel(), position_group, group_start, layout.order)

    def rank(self) -> IntArray:
        """``1 + number of entities of the same group with a higher score``, ``(K, n)``."""
        k, n = self.k, self.n
        # without ties, an entity's rank is its place in its group's run of positions
        at = np.arange(n, dtype=np.int64) - self.group_start[self.position_group] + 1
        ranks = np.empty(k * n, dtype=np.int64)
        ranks[self.order] = np.broadcast_to(at, (k, n)).reshape(-1)
        # a tie (same group and score) takes the rank of the first of its run
        value = self.key >> self.shift
        tied = np.flatnonzero(value[:, 1:] == value[:, :-1])
        if tied.shape[0]:
            row, column = np.divmod(tied, n - 1)
            column += 1
            position = row * n + column
            new = np.ones(position.shape[0], dtype=bool)
            new[1:] = position[1:] != position[:-1] + 1
            first = at[column - place_in_run(new) - 1]
            if value.shape[0] == k:
                ranks[self.order[position]] = first
            else:  # one row of keys: the same ties in every scenario
                ranks[self.order.reshape(k, n)[:, column]] = first
        return ranks.reshape(k, n)

    def take_places(self, flags: NDArray[np.bool_], places: IntArray) -> NDArray[np.bool_]:
        """The flagged entities that get one of their group's ``places``, in order.

        ``flags`` is ``(K, n)`` or ``(1, n)``, ``places`` ``(K, n_groups)`` or
        ``(1, n_groups)``; the result is ``(K, n)``.
        """
        k, n = self.k, self.n
        flat = np.ascontiguousarray(np.broadcast_to(flags, (k, n))).reshape(-1)
        in_order = np.take(flat, self.order).reshape(k, n)
        # flagged entities up to each position of a row, and before each group's first
        count = np.cumsum(in_order, axis=1, dtype=np.int32)
        n_groups = self.group_start.shape[0]
        before = np.zeros((k, n_groups), dtype=np.int32)
        later = self.group_start > 0
        before[:, later] = count[:, self.group_start[later] - 1]
        # in 32 bits: a count is at most n, so places beyond -1..n take the same entities
        before += np.clip(places[:, :n_groups], -1, n)
        # a group's positions are consecutive: its bound repeated over them, in layout order
        starts = self.group_start[self.group_order]
        bound = np.repeat(before[:, self.group_order], np.diff(starts, append=n), axis=1)
        taken_in_order = count <= bound
        taken_in_order &= in_order
        # few are taken (a quota's places): scatter only those
        taken = np.zeros(k * n, dtype=bool)
        taken[self.order[np.flatnonzero(taken_in_order)]] = True
        return taken.reshape(k, n)
