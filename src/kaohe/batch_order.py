"""Ordering a batch of scenarios at once: the cheaper way when few entities move.

:func:`order_in_groups` is what the rankings and quotas call. In a what-if
study most scenarios differ from one another in the scores of a few
entities; a :class:`MergedOrder` then sorts the still entities once and
only the moving ones per scenario, and places them by binary search.
When many move, a :class:`~kaohe.compact_order.CompactOrder` sorts every
row on 32-bit keys; when those do not fit, one
:class:`~kaohe.ordering.GroupOrder` sorts everything. All give the same
ranks and places (tests compare them on random batches).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import attrs
import numpy as np
from numpy.typing import NDArray

from .compact_order import CompactOrder
from .numeric import varying_columns
from .ordering import GroupOrder, IntArray, cents, shared_rank
from .values import Value


class Ordering(Protocol):
    """What the rankings and quotas need of an ordering of ``(K, n)`` entities."""

    def rank(self) -> IntArray:
        """``1 + number of entities of the same group with a higher score``, ``(K, n)``."""
        ...

    def take_places(self, flags: NDArray[np.bool_], places: IntArray) -> NDArray[np.bool_]:
        """The flagged entities that get one of their group's ``places``, in order.

        ``flags`` is ``(K, n)`` or ``(1, n)``, ``places`` ``(K, n_groups)`` or
        ``(1, n_groups)``; the result is ``(K, n)``.
        """
        ...


#: The merged ordering pays off when at most this share of entities move.
MOVING_SHARE = 0.25
#: The scenarios a merged ordering looks at first to see whether too many move.
FIRST_LOOK = 8


def order_in_groups(
    group: IntArray,
    scores: NDArray[np.float64],
    k: int,
    tie_breaks: Sequence[NDArray[np.generic]] = (),
) -> Ordering:
    """Order all scenarios as :meth:`GroupOrder.build` does, the cheaper way.

    ``scores`` are published scores (multiples of 0.01; NaN for none),
    ``(K, n)`` or ``(1, n)``. When many scenarios differ in the scores of
    few entities (a what-if study), a :class:`MergedOrder` sorts only those;
    otherwise a :class:`CompactOrder` sorts every row on 32-bit keys, or,
    when those do not fit, one :class:`GroupOrder` sorts everything. All
    give the same ranks and places.
    """
    if k > 1:
        merged = MergedOrder.build(group, scores, k, tie_breaks, MOVING_SHARE)
        if merged is not None:
            return merged
        compact = CompactOrder.build(group, scores, k, tie_breaks)
        if compact is not None:
            return compact
    return GroupOrder.build(group, cents(scores), k, tie_breaks)


@attrs.frozen(repr=False, eq=False)
class MergedOrder(Value):
    """The order of :class:`GroupOrder`, kept as two sorted lists per scenario.

    Entities whose key (group, score, tie-breaks) is the same in every
    scenario are "still": they are sorted once. The others are "moving":
    they are sorted per scenario, ``(K, m)``, and placed among the still
    ones by binary search. Ranks and places then come from prefix counts
    over the still order, so the work per scenario is a few linear passes
    instead of a sort of all ``n`` entities.

    ``still`` holds the still entities in order, with their ``still_key``
    and ``still_value`` (group and score, without the tie-breaks);
    ``moving`` the moving entities of each scenario in order ``(K, m)``.
    For each moving entity: ``ahead`` still entities have a lower value,
    ``covered`` a lower or equal one, ``before`` a lower key;
    ``moving_flat`` are the moving entities as flat indices into ``(K, n)``
    arrays. ``lower`` is the number of entities in lower groups, per entity.
    """

    k: int
    n: int
    group: IntArray
    lower: IntArray
    still: IntArray
    still_key: IntArray
    still_value: IntArray
    moving: IntArray
    moving_value: IntArray
    ahead: IntArray
    covered: IntArray
    before: IntArray
    moving_flat: IntArray

    def _pick(self, values: NDArray[Any]) -> NDArray[Any]:
        """``values[k, moving[k]]`` for a ``(K or 1, n)`` array, ``(K, m)``."""
        if values.shape[0] == 1 or values.strides[0] == 0:
            picked: NDArray[Any] = values[0][self.moving]
            return picked
        return np.take(values, self.moving_flat).reshape(self.moving.shape)

    def _place(self, out: NDArray[Any], values: NDArray[Any]) -> None:
        """``out[k, moving[k]] = values`` for a fresh ``(K, n)`` array ``out``."""
        np.put(out, self.moving_flat, np.broadcast_to(values, self.moving.shape))

    @classmethod
    def build(
        cls,
        group: IntArray,
        scores: NDArray[np.float64],
        k: int,
        tie_breaks: Sequence[NDArray[np.generic]] = (),
        moving_share: float = 1.0,
    ) -> MergedOrder | None:
        """The merged order, or None when it does not apply: tie-breaks that vary
        by scenario, keys too wide to pack, or more than ``moving_share`` of the
        entities moving. Arguments as :func:`order_in_groups`."""
        n = int(group.shape[0])
        shared = shared_rank(tie_breaks, n) if tie_breaks else np.zeros(n, dtype=np.int64)
        if shared is None:
            return None
        # columns that vary among the first scenarios vary among all: often a look
        # at a few rows tells that too many move, without a pass over every row
        if varying_columns(scores[:FIRST_LOOK]).shape[0] > moving_share * n:
            return None
        moving = varying_columns(scores)
        if moving.shape[0] > moving_share * n:
            return None
        still = np.setdiff1d(np.arange(n), moving, assume_unique=True)
        still_cents, moving_cents = cents(scores[:1, still]), cents(scores[:, moving])
        low = min(int(still_cents.min(initial=0)), int(moving_cents.min(initial=0)))
        span = max(int(still_cents.max(initial=0)), int(moving_cents.max(initial=0))) - low + 1
        if (int(group.max(initial=0)) + 1) * span >= 2**62 // max(n * n, 1):
            return None

        def value_and_key(columns: IntArray, whole: IntArray) -> tuple[IntArray, IntArray]:
            value = group[columns] * span + (span - 1 + low) - whole
            return value, (value * n + shared[columns]) * n + columns

        still_value, still_key = value_and_key(still, still_cents[0])
        by_key = np.argsort(still_key)
        still, still_value, still_key = still[by_key], still_value[by_key], still_key[by_key]
        # the key ends in the entity and starts with the value: sort keys, read both back
        moving_key = np.sort(value_and_key(moving, moving_cents)[1], axis=1)
        moving_entity, moving_value = moving_key % n, moving_key // (n * n)
        ahead, covered = _counts_below(still_value, moving_value)
        before = ahead.copy()  # equal values (a tie in score within a group) are rare
        tied = covered > ahead
        before[tied] = np.searchsorted(still_key, moving_key[tied])
        sizes = np.bincount(group, minlength=int(group.max(initial=0)) + 1)
        shape = (k, moving.shape[0])
        return cls(
            k,
            n,
            group,
            (np.cumsum(sizes) - sizes)[group],
            still,
            still_key,
            still_value,
            np.broadcast_to(moving_entity, shape),
            np.broadcast_to(moving_value, shape),
            np.broadcast_to(ahead, shape),
            np.broadcast_to(covered, shape),
            np.broadcast_to(before, shape),
            (np.arange(k, dtype=np.int64)[:, None] * n + moving_entity).ravel(),
        )

    def rank(self) -> IntArray:
        """``1 + number of entities of the same group with a higher score``, ``(K, n)``."""
        n_still = self.still.shape[0]
        # still entities ahead of a value: the first still position of that value
        first = np.zeros(self.n, dtype=np.int64)
        first[self.still] = np.searchsorted(self.still_value, self.still_value, side="left")
        # moving entities ahead of a still one: those whose value is lower (comes first)
        ranks = np.take(_counts_upto(self.covered, None, n_still), first, axis=1)
        ranks += 1 + first - self.lower
        # a moving entity: still ones ahead of it, and moving ones up to its run of equal values
        new = np.ones(self.moving_value.shape, dtype=bool)
        new[:, 1:] = self.moving_value[:, 1:] != self.moving_value[:, :-1]
        column = np.arange(self.moving.shape[1])
        run_start = np.maximum.accumulate(np.where(new, column, 0), axis=1)
        self._place(ranks, 1 + self.ahead + run_start - self.lower[self.moving])
        return ranks

    def running_count(self, flags: NDArray[np.bool_]) -> IntArray:
        """For each entity, how many flagged entities precede or are it in its group.

        ``flags`` is ``(K, n)`` or ``(1, n)``; the result is ``(K, n)`` (0 where
        not flagged).
        """
        k, n_still = self.k, self.still.shape[0]
        flags = np.broadcast_to(flags, (k, self.n))
        moving_flags = self._pick(flags)
        # flagged still entities among the first x still ones, x = 0..n_still
        still_upto = np.zeros((k, n_still + 1), dtype=np.int64)
        np.cumsum(flags[:, self.still], axis=1, out=still_upto[:, 1:])
        # flagged moving entities ahead of each still position, and of each group
        upto = _counts_upto(self.before, moving_flags, n_still)  # (K, n_still + 1)
        upto[:, :n_still] += still_upto[:, 1:]  # at still position i: all flagged up to it
        n_groups = int(self.group.max(initial=0)) + 1
        lower = still_upto[:, self._group_starts(n_groups)] + self._moving_lower(
            moving_flags, n_groups
        )
        position = np.zeros(self.n, dtype=np.int64)
        position[self.still] = np.arange(n_still)
        counts = upto[:, position] - lower[:, self.group]  # (K, n) in entity order
        still_ahead = np.take_along_axis(still_upto, self.before, axis=1)
        self._place(counts, self._moving_counts(still_ahead, moving_flags, lower))
        counts *= flags
        return counts

    def take_places(self, flags: NDArray[np.bool_], places: IntArray) -> NDArray[np.bool_]:
        """The flagged entities that get one of their group's ``places``, in order, ``(K, n)``.

        ``flags`` is ``(K, n)`` or ``(1, n)``, ``places`` ``(K, n_groups)`` or
        ``(1, n_groups)``. When no still entity's flag varies by scenario, a
        still entity's count of flagged entities up to it lies between its
        count among the still ones and that plus the moving entities of its
        group; only the still entities whose place those bounds leave open,
        and the moving ones, are counted per scenario.
        """
        k, n_still = self.k, self.still.shape[0]
        if flags.shape[0] > 1 and (flags != flags[:1]).any(axis=0)[self.still].any():
            return flags & (self.running_count(flags) <= places[:, self.group])
        flags = np.broadcast_to(flags, (k, self.n))
        places = np.broadcast_to(places, (k, places.shape[1]))
        n_groups = places.shape[1]
        group = self.group[self.still]
        group_start = self._group_starts(n_groups)
        still_flags = flags[0, self.still]
        still_upto = np.zeros(n_still + 1, dtype=np.int64)
        np.cumsum(still_flags, out=still_upto[1:])
        own = still_upto[1:] - still_upto[group_start][group]  # flagged still ones up to it
        most = own + np.bincount(self.group[self.moving[0]], minlength=n_groups)[group]
        certain = still_flags & (most <= places.min(axis=0)[group])
        open_ = np.flatnonzero(still_flags & ~certain & (own <= places.max(axis=0)[group]))
        taken = np.zeros((k, self.n), dtype=bool)
        taken[:, self.still[certain]] = True
        # flagged moving ones ahead of each open still one, and in lower groups
        moving_flags = self._pick(flags)
        moving_lower = self._moving_lower(moving_flags, n_groups)
        ahead = _counts_at(self.before, moving_flags, open_)
        count = own[open_] + ahead - moving_lower[:, group[open_]]
        taken[:, self.still[open_]] = count <= places[:, group[open_]]
        # a moving one: flagged still ones ahead of it in its group, flagged moving ones up to it
        lower = still_upto[group_start] + moving_lower
        count = self._moving_counts(still_upto[self.before], moving_flags, lower)
        moving_places = np.take_along_axis(places, self.group[self.moving], axis=1)
        self._place(taken, moving_flags & (count <= moving_places))
        return taken

    def _group_starts(self, n_groups: int) -> IntArray:
        """The position of each group's first still entity (they sort by group)."""
        return np.searchsorted(self.group[self.still], np.arange(n_groups))

    def _moving_lower(self, moving_flags: NDArray[np.bool_], n_groups: int) -> IntArray:
        """``(K, n_groups)``: per scenario, the flagged moving entities of lower groups."""
        lower = np.zeros((self.k, n_groups), dtype=np.int64)
        lower[:, 1:] = _counts_upto(self.group[self.moving], moving_flags, n_groups - 1)[:, :-1]
        return lower

    def _moving_counts(
        self, still_ahead: IntArray, moving_flags: NDArray[np.bool_], lower: IntArray
    ) -> IntArray:
        """Each moving entity's count of flagged entities up to it in its group, from
        the flagged still ones ahead of it and the flagged of lower groups ``(K, n_groups)``."""
        counts: IntArray = (
            still_ahead
            + np.cumsum(moving_flags, axis=1)
            - np.take_along_axis(lower, self.group[self.moving], axis=1)
        )
        return counts


def _counts_below(sorted_values: IntArray, values: IntArray) -> tuple[IntArray, IntArray]:
    """How many of ``sorted_values`` are below, and at most, each of ``values``.

    One binary search; a second one only for the values that ``sorted_values``
    holds too (rare here: a tie in score within a group).
    """
    below = np.searchsorted(sorted_values, values, side="left")
    at_most = below.copy()
    n = sorted_values.shape[0]
    if n:
        held = below < n
        held &= sorted_values[np.minimum(below, n - 1)] == values
        at_most[held] = np.searchsorted(sorted_values, values[held], side="right")
    return below, at_most


def _counts_at(where: IntArray, weights: NDArray[np.bool_], at: IntArray) -> IntArray:
    """``(K, len(at))``: per scenario, how many of the row's ``where`` values (``(K, m)``,
    ascending along each row) are at most each of ``at``, counting only ``weights``."""
    k, m = where.shape
    if m == 0 or at.shape[0] == 0:
        return np.zeros((k, at.shape[0]), dtype=np.int64)
    step = max(int(where.max()), int(at.max())) + 1  # rows one after another: one search
    offset = np.arange(k, dtype=np.int64)[:, None] * step
    chosen = (where + offset)[weights]  # still ascending
    upto = np.searchsorted(chosen, (at[None, :] + offset).ravel(), "right").reshape(k, -1)
    counts: IntArray = upto - np.searchsorted(chosen, offset[:, 0], "left")[:, None]
    return counts


def _counts_upto(where: IntArray, weights: NDArray[np.bool_] | None, n_bins: int) -> IntArray:
    """``(K, n_bins + 1)``: per scenario, how many of the row's ``where`` values
    (``(K, m)``, each 0..n_bins) are at most each bin, counting only ``weights``."""
    k = where.shape[0]
    flat = (np.arange(k, dtype=np.int64)[:, None] * (n_bins + 1) + where).ravel()
    if weights is not None:
        flat = flat[weights.ravel()]
    hits: IntArray = np.bincount(flat, minlength=k * (n_bins + 1)).reshape(k, n_bins + 1)
    return np.cumsum(hits, axis=1, out=hits)  # in place: fewer fresh pages
