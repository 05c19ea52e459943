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


@attrs.frozen
class GroupOrder:
    """All scenarios' entities sorted by (scenario, group, keys...).

    ``order`` holds flat indices into ``(K, n)`` arrays raveled; ``entity``
    the entity index of each sorted position; ``starts`` marks the first
    position of each (scenario, group).
    """

    k: int
    n: int
    order: IntArray
    entity: IntArray
    starts: NDArray[np.bool_]

    @classmethod
    def build(cls, group: IntArray, keys: Sequence[NDArray[np.generic]], k: int) -> GroupOrder:
        """Sort by scenario, then ``group`` (``(n,)``), then ``keys`` (primary first).

        Each key is ``(K, n)`` or ``(n,)``, ascending; negate a key to sort
        it descending. The entity index is the last tie-break (ids are
        sorted, so this is the id order).
        """
        n = int(group.shape[0])
        scenario = np.repeat(np.arange(k, dtype=np.int64), n)
        entity = np.tile(np.arange(n, dtype=np.int64), k)
        flat_keys = [np.broadcast_to(key, (k, n)).ravel() for key in keys]
        lex = [entity, *reversed(flat_keys), np.tile(group, k), scenario]
        order = np.lexsort(lex).astype(np.int64)
        sorted_group = (scenario * (int(group.max(initial=0)) + 1) + np.tile(group, k))[order]
        starts = np.ones(order.shape[0], dtype=bool)
        starts[1:] = sorted_group[1:] != sorted_group[:-1]
        return cls(k, n, order, entity[order], starts)

    def running_count(self, flags: NDArray[np.bool_]) -> IntArray:
        """For each entity, how many flagged entities precede or are it in its group.

        ``flags`` is ``(K, n)``; the result is ``(K, n)`` (0 where not flagged).
        """
        sorted_flags = flags.ravel()[self.order].astype(np.int64)
        total = np.cumsum(sorted_flags)
        position = np.arange(total.shape[0])
        first = np.maximum.accumulate(np.where(self.starts, position, 0))
        running = total - (total[first] - sorted_flags[first])
        out = np.empty_like(running)
        out[self.order] = np.where(sorted_flags > 0, running, 0)
        return out.reshape(self.k, self.n)


def rank_by_higher(values: NDArray[np.float64], group: IntArray) -> IntArray:
    """``1 + number of entities of the same group with a higher value``, per scenario.

    ``values`` is ``(K, n)``; NaN values get rank -1 and do not count.
    """
    k, n = values.shape
    missing = np.isnan(values)
    filled = np.where(missing, -np.inf, values)
    grouping = GroupOrder.build(group, [-filled], k)
    sorted_values = filled.ravel()[grouping.order]
    new_value = grouping.starts.copy()
    new_value[1:] |= sorted_values[1:] != sorted_values[:-1]
    position = np.arange(sorted_values.shape[0])
    group_start = np.maximum.accumulate(np.where(grouping.starts, position, 0))
    value_start = np.maximum.accumulate(np.where(new_value, position, 0))
    ranks = np.empty(k * n, dtype=np.int64)
    ranks[grouping.order] = value_start - group_start + 1
    return np.where(missing, -1, ranks.reshape(k, n))


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
    order = np.lexsort((np.arange(level.shape[0]), -level, entity))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = entity[order][1:] != entity[order][:-1]
    chosen = order[first]
    levels[entity[chosen]] = level[chosen]
    rows[entity[chosen]] = chosen
    return levels, rows
