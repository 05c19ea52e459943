"""Ordering within groups, per scenario, without Python loops.

Rankings and quotas of rules.md work within groups (a category of units, a
unit's cadres) and per scenario. These helpers sort all scenarios at once:
arrays of shape ``(K, n)`` are flattened with the scenario as the primary
sort key.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


def cents(values: NDArray[np.float64]) -> IntArray:
    """Published scores (multiples of 0.01) as whole cents; NaN becomes -1."""
    whole = np.round(np.nan_to_num(values, nan=-0.01) * 100.0)
    return whole.astype(np.int64)


@attrs.frozen
class GroupOrder:
    """All scenarios' entities sorted by (scenario, group, score desc, tie-breaks, entity).

    ``order`` holds flat indices into ``(K, n)`` arrays raveled; ``key``
    the packed (scenario, group, score) of each sorted position; ``span``
    the number of score values a group spans; ``starts`` marks the first
    position of each (scenario, group).

    Scenario, group, score (in whole cents) and entity are packed into one
    integer, so that one sort orders a whole batch; only runs of equal
    scores are sorted again by the tie-breaks.
    """

    k: int
    n: int
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
        packed, span = _packed(group, score_cents, k)
        if packed.size and int(packed.max()) >= 2**62 // max(n, 1):  # pragma: no cover
            raise ValueError("too many scenarios, groups and scores to order at once")
        entity = np.tile(np.arange(n, dtype=np.int64), k)
        shared = _shared_rank(tie_breaks, n)
        if shared is not None and packed.size and int(packed.max()) < 2**62 // (n * n):
            # tie-breaks the same in every scenario: their rank joins the one key
            order = np.argsort((packed * n + np.tile(shared, k)) * n + entity)
            return cls._finish(k, n, group, order, packed[order], span)
        order = np.argsort(packed * n + entity)  # the entity is the last tie-break
        key = packed[order]
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
        return cls._finish(k, n, group, order, key, span)

    @classmethod
    def _finish(
        cls, k: int, n: int, group: IntArray, order: IntArray, key: IntArray, span: int
    ) -> GroupOrder:
        major = np.arange(k, dtype=np.int64)[:, None] * (int(group.max(initial=0)) + 1) + group
        sorted_major = major.ravel()[order]
        starts = np.ones(key.shape[0], dtype=bool)
        starts[1:] = sorted_major[1:] != sorted_major[:-1]
        return cls(k, n, order.astype(np.int64, copy=False), key, span, starts)

    def running_count(self, flags: NDArray[np.bool_]) -> IntArray:
        """For each entity, how many flagged entities precede or are it in its group.

        ``flags`` is ``(K, n)``; the result is ``(K, n)`` (0 where not flagged).
        """
        flagged = np.flatnonzero(flags.ravel()[self.order])  # sorted positions of flagged ones
        group = np.cumsum(self.starts)[flagged]  # their group, numbered in sorted order
        first = np.ones(flagged.shape[0], dtype=bool)
        first[1:] = group[1:] != group[:-1]
        index = np.arange(flagged.shape[0])
        running = index - np.maximum.accumulate(np.where(first, index, 0)) + 1
        out = np.zeros(self.k * self.n, dtype=np.int64)
        out[self.order[flagged]] = running
        return out.reshape(self.k, self.n)

    def rank(self) -> IntArray:
        """``1 + number of entities of the same group with a higher score``, ``(K, n)``."""
        new_value = self.starts.copy()
        new_value[1:] |= self.key[1:] != self.key[:-1]
        # the sorted position where each run of one group (of one value) begins
        group_start = np.flatnonzero(self.starts)[np.cumsum(self.starts) - 1]
        value_start = np.flatnonzero(new_value)[np.cumsum(new_value) - 1]
        ranks = np.empty(self.k * self.n, dtype=np.int64)
        ranks[self.order] = value_start - group_start + 1
        return ranks.reshape(self.k, self.n)


def _shared_rank(tie_breaks: Sequence[NDArray[np.generic]], n: int) -> IntArray | None:
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


def _packed(group: IntArray, score_cents: IntArray, k: int) -> tuple[IntArray, int]:
    """One int64 per (scenario, entity): (scenario, group) major, score descending minor."""
    low = int(score_cents.min(initial=0))
    span = int(score_cents.max(initial=0)) - low + 1
    n_groups = int(group.max(initial=0)) + 1
    major = np.arange(k, dtype=np.int64)[:, None] * n_groups + group[None, :]
    packed = major * span + (span - 1 + low) - score_cents  # (K, n) whatever the score's width
    return packed.ravel(), span


def rank_by_higher(values: NDArray[np.float64], group: IntArray) -> IntArray:
    """``1 + number of entities of the same group with a higher value``, per scenario.

    ``values`` is ``(K, n)`` of published scores (multiples of 0.01); NaN
    values get rank -1 and do not count.
    """
    ranks = GroupOrder.build(group, cents(values), values.shape[0]).rank()
    return np.where(np.isnan(values), -1, ranks)


def sort_rows(keys: Sequence[NDArray[np.integer] | NDArray[np.datetime64]]) -> IntArray:
    """Row order by integer (or date) ``keys``, primary first; ties keep row order.

    The keys are packed into one int64 when their ranges allow, so that one
    sort does the work of a lexicographic sort of several keys.
    """
    n = int(keys[0].shape[0]) if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    columns = [
        np.asarray(key).view(np.int64)
        if np.asarray(key).dtype.kind == "M"
        else np.asarray(key, dtype=np.int64)
        for key in keys
    ]
    packed = np.zeros(n, dtype=np.int64)
    room = 2**62
    for column in columns:
        low, high = int(column.min()), int(column.max())
        span = high - low + 1
        if room // span < 1:
            return np.lexsort([np.arange(n), *reversed(columns)]).astype(np.int64)
        room //= span
        packed = packed * span + (column - low)
    if room < n:
        return np.lexsort([np.arange(n), *reversed(columns)]).astype(np.int64)
    return np.argsort(packed * n + np.arange(n, dtype=np.int64)).astype(np.int64)


def governing(level: IntArray, entity: IntArray, n_entities: int) -> tuple[IntArray, IntArray]:
    """The heaviest ``level`` per entity and the row that gives it.

    Rows are ``(n_rows,)``; ties go to the first row in array order.
    Returns ``(levels, rows)``, each ``(n_entities,)``; level 0 and row -1
    where an entity has no rows.
    """
    levels = np.zeros(n_entities, dtype=np.int64)
    rows = np.full(n_entities, -1, dtype=np.int64)
    if level.shape[0] == 0:
        return levels, rows
    order = sort_rows([entity, -level])
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = entity[order][1:] != entity[order][:-1]
    chosen = order[first]
    levels[entity[chosen]] = level[chosen]
    rows[entity[chosen]] = chosen
    return levels, rows
