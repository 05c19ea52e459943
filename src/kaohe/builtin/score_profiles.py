"""The cadre score's parts for many scenarios, weighed once per profile of cadres.

A cadre's weights, their total and whether the cadre is usable depend on
the cadre only through its profile: its role, whether it has votes, and
which parts it misses. With the gaps the same in every scenario (the usual
case: missing data), :func:`parts_by_profile` computes them once per
(scenario, profile), a few numbers, instead of once per (scenario, cadre);
per cadre only ``weight * value / total`` is left, with the weight and the
total of the cadre's profile, written straight into each part's points and
added up for the score. Element by element the arithmetic of
``cadre_score._parts_at``, so the points are the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from ..blocks import Component
from ..values import Value

#: A part's rows (ascending) and their points ``(K or 1, rows)``.
Rows = tuple[NDArray[np.int64], NDArray[np.float64]]


@attrs.frozen(repr=False, eq=False)
class Profiled(Value):
    """What :func:`parts_by_profile` finds for the moving cadres ``columns``.

    ``parts``: each part's rows, the still cadres' and the moving ones', and
    their points, as ``cadre_score._merged`` joins them (empty when they were
    not asked for: ``keep_parts``); ``usable`` ``(K or 1,
    len(columns))``; ``summed`` ``(K or 1, len(columns))``, each moving cadre's
    points added in part order.
    """

    parts: list[Rows]
    usable: NDArray[np.bool_]
    summed: NDArray[np.float64]


def parts_by_profile(
    components: Sequence[Component],
    gaps: Sequence[NDArray[np.bool_] | None],
    role: NDArray[np.int64],
    has_votes: NDArray[np.bool_],
    columns: NDArray[np.int64],
    still: Sequence[Rows],
    keep_parts: bool = True,
) -> Profiled | None:
    """The parts of the moving cadres ``columns`` on every scenario, joined with the
    still cadres' parts ``still`` (one per component); None when some gap differs
    between scenarios (then a cadre's weights are not its profile's). Without
    ``keep_parts`` only ``usable`` and ``summed`` are made (the same values): no
    part's ``(K, rows)`` points.

    The weights of a part are dropped where it is missing, their total is added
    in part order, a cadre is usable with votes and a total above 0, and a part
    counts where usable and weighted above 0: its points are ``weight * value /
    total`` there and 0 elsewhere, on the rows where it counts in some scenario.
    ``summed`` starts from a cadre's first part, not from 0: that differs only
    in the sign of a zero, which the published score does not keep.
    """
    if any(gap is not None and gap.shape[0] > 1 for gap in gaps):
        return None
    code = role[columns] * 2 + has_votes[columns]
    for gap in gaps:
        code = code * 2 + (0 if gap is None else gap[0, columns])
    _, first, which = np.unique(code, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    sample = columns[first]  # one cadre of each profile
    weights = []
    for component, gap in zip(components, gaps, strict=True):
        weight = component.weights[:, role[sample]]
        if gap is not None:
            weight = np.where(gap[:, sample], 0.0, weight)
        weights.append(weight)
    total = sum(weights[1:], weights[0])
    usable = has_votes[None, sample] & (total > 0)
    divisor = np.where(usable, total, 1.0)
    counted = [usable & (weight > 0) for weight in weights]
    sums: dict[int, NDArray[np.float64]] = {}  # per profile: its cadres' points so far
    parts = []
    for component, weight, counts, (rows_still, points_still) in zip(
        components, weights, counted, still, strict=True
    ):
        profiles = np.flatnonzero(counts.any(axis=0))
        if profiles.shape[0] == 0:
            parts.append((rows_still, points_still))
            continue
        if keep_parts:
            rows_moving = columns[np.isin(which, profiles)]
            rows = np.sort(np.concatenate([rows_still, rows_moving]))
            points = np.empty((max(counts.shape[0], component.values.shape[0]), rows.shape[0]))
            points[:, np.searchsorted(rows, rows_still)] = points_still
        for profile in profiles.tolist():
            members = columns[which == profile]
            product = weight[:, profile, None] * component.values[:, members]
            if not counts[:, profile].all():
                product = np.where(counts[:, profile, None], product, 0.0)
            product = _divided(product, divisor[:, profile, None])
            if keep_parts:
                points[:, np.searchsorted(rows, members)] = product
            sums[profile] = product if profile not in sums else _added(sums[profile], product)
        if keep_parts:
            parts.append((rows, points))
    k = max(total.shape[0], *(component.values.shape[0] for component in components))
    summed = np.zeros((k, columns.shape[0]))
    for profile, points in sums.items():
        summed[:, which == profile] = points
    return Profiled(parts if keep_parts else [], usable[:, which], summed)


def _divided(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``a / b``, in place when ``a`` (a fresh array) has the shape of the result."""
    return np.divide(a, b, out=a) if a.shape[0] >= b.shape[0] else a / b


def _added(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``a + b``, in place when ``a`` (a fresh array) has the shape of the result."""
    return np.add(a, b, out=a) if a.shape[0] >= b.shape[0] else a + b
